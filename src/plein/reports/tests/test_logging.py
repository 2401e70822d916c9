"""Reporter pages stay out of access logs; the access log never holds an address, user agent or query string."""

import datetime
import runpy
from pathlib import Path

from django.conf import settings
from gunicorn.config import Config

CONF = Path(settings.PROJECT_ROOT) / "gunicorn.conf.py"


class _Response:
    status = "200 OK"
    headers: list = []
    response_length = 1234
    sent = 1234


class _Request:
    headers = [("USER-AGENT", "UniqueAgent/1.0")]
    method = "GET"
    version = (1, 1)

    def __init__(self, path):
        self.path = path
        self.query = "code=1234567890123456"
        self.uri = f"{path}?{self.query}"


def _logger(tmp_path):
    conf = runpy.run_path(str(CONF))
    cfg = Config()
    for key in ("access_log_format", "logger_class", "preload_app"):
        cfg.set(key, conf[key])
    cfg.set("accesslog", str(tmp_path / "access.log"))
    return conf, cfg.logger_class(cfg)


def _environ(path):
    return {
        "PATH_INFO": path,
        "QUERY_STRING": "code=1234567890123456",
        "RAW_URI": f"{path}?code=1234567890123456",
        "REMOTE_ADDR": "192.0.2.44",
        "HTTP_USER_AGENT": "UniqueAgent/1.0",
        "HTTP_REFERER": "https://intranet.example/page",
        "REQUEST_METHOD": "GET",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def test_access_log_has_no_address_and_skips_reporter_pages(tmp_path):
    conf, logger = _logger(tmp_path)
    assert conf["preload_app"] is True
    delta = datetime.timedelta(milliseconds=12)
    for path in ("/melden/", "/melden/kanaal/misstand/", "/melden/inloggen/", "/meldingen/", "/wie-is-wie/"):
        logger.access(_Response(), _Request(path), _environ(path), delta)
    for handler in logger.access_log.handlers:
        handler.flush()
    text = (tmp_path / "access.log").read_text()
    lines = text.strip().splitlines()
    assert len(lines) == 2
    assert '"GET /meldingen/"' in lines[0] and '"GET /wie-is-wie/"' in lines[1]
    assert "/melden/" not in text.replace("/meldingen/", "")
    for secret in ("192.0.2.44", "UniqueAgent", "intranet.example", "1234567890123456"):
        assert secret not in text
