"""gunicorn configuration for Integriteitsplein: ``gunicorn -c gunicorn.conf.py plein.wsgi``.

Privacy of reporters (docs/security.md): the access log never holds a client address, a user agent, a referrer or a
query string, and requests to the reporter pages (/melden/) are not logged at all. The reverse proxy in front must do
the same (nginx example in docs/security.md).

Memory: every worker may run ``PLEIN_ARGON2_CONCURRENCY`` Argon2id derivations at once, each using
``PLEIN_REPORTS_ARGON2_MEMLIMIT`` bytes (64 MiB by default), so plan for
workers x concurrency x memlimit on top of the normal footprint (4 x 2 x 64 MiB = 512 MiB by default).
"""

import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Load the application before forking: the per-process key for rate-limit hashes (plein.reports.crypto) is then the
# same in every worker, so that a lock-out counts attempts across workers. It still lives only in memory.
preload_app = True
# Only the proxy on this machine may tell us the original scheme (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# Time, method, path without the query string, status, size and duration: no %(h)s (address), %(a)s (user agent),
# %(f)s (referrer), %(u)s (user) or %(q)s (query string).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# Paths that are never written to the access log.
PRIVATE_PATH_PREFIXES = ("/melden/",)


class PrivacyLogger(Logger):
    """gunicorn's logger, minus the access log lines of the reporter pages."""

    def access(self, resp, req, environ, request_time):
        path = environ.get("PATH_INFO", "") or ""
        if path.startswith(PRIVATE_PATH_PREFIXES):
            return
        super().access(resp, req, environ, request_time)


logger_class = PrivacyLogger
