"""Whole-page caching for the most visited pages: the portal home and the employee's start page (issue 12).

Both pages gather something from every app (news, events, the dilemma of the month, polls, contact persons, the
person's to-dos), which costs tens of milliseconds a view; every employee opens them first. ``@cached_page(name)``
keeps the rendered page in Django's cache (Redis in production, ``var/cache`` on the embedded default) and serves it
again, still behind the whole middleware stack: log-in, the second factor, CSRF and the security headers are checked
on every request as before. Only the view's own work is saved.

What is cached, and for whom:

- one copy per *visitor*: all anonymous visitors share one copy (per host, language and address); a logged-in person
  has a copy per session, so nobody is ever served another person's page;
- CSRF tokens are never cached: before a page is stored, every token in it that belongs to this request's CSRF secret
  is replaced by a placeholder, and each visitor gets a fresh token of their own in its place (which also sets their
  CSRF cookie, as rendering would). The language switch and log-out forms keep their CSRF protection;
- never a page with flash messages to show, a response that sets a cookie or changes the session, or anything but a
  200;
- for at most ``settings.PLEIN_PAGE_CACHE_SECONDS`` (60 s; 0 switches caching off, as in the test suite, whose cache
  outlives each test's rolled-back data).

Invalidation: a *generation* stored in the cache is part of every copy. ``PageCacheInvalidationMiddleware`` replaces
it after every successful change (a POST, PUT, PATCH or DELETE answered below 400) by anyone, so a page never shows
data from before a change made through the web or the API. Changes made outside a request (management commands,
background tasks, time passing a deadline) show within the timeout at most. The CMS's publishing signals also renew
the generation (``invalidate``), for scheduled publishing.

The cached copies hold what the pages show: names, to-dos and counts, never report contents or a reporter's
identity (the start page shows a handler counts of cases, nothing more). See docs/security.md and docs/performance.md.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _does_token_match, get_token
from django.utils import translation

logger = logging.getLogger(__name__)

GENERATION_KEY = "plein:pagecache:generation"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANONYMOUS = "anonymous"
T = TypeVar("T")
# Stands in for the CSRF token in a stored page. Tokens are letters and digits only, so this never collides with one.
TOKEN_PLACEHOLDER = b"{plein-csrf-token}"
# A candidate token: a run of exactly CSRF_TOKEN_LENGTH letters and digits.
TOKEN_CANDIDATE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)


def timeout() -> int:
    return int(getattr(settings, "PLEIN_PAGE_CACHE_SECONDS", 0) or 0)


def memoised(name: str, key: object, compute: Callable[[], T]) -> T:
    """A value derived from many rows (such as an overview's counts over 20,000 people), kept like a cached page:
    per ``key`` (anything with a stable ``repr``, such as a query's SQL and parameters), stale after the next change
    through the web or the API, and for the page cache's timeout at most. Without a timeout, computed every time."""
    seconds = timeout()
    if not seconds:
        return compute()
    cache_key = f"plein:pagecache:memo:{name}:{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}"
    try:
        generation, stored = _read(cache_key)
    except Exception:  # noqa: BLE001 - without a cache the value is computed as usual
        return compute()
    if stored is not None:
        return stored[0]
    value = compute()
    _write(name, cache_key, generation, (value,), seconds)
    return value


def _read(cache_key: str) -> tuple[str | None, tuple | None]:
    """The current generation, and the parts kept under ``cache_key`` for it (``None`` if nothing, or an older one)."""
    found = cache.get_many([GENERATION_KEY, cache_key])
    generation, stored = found.get(GENERATION_KEY), found.get(cache_key)
    if stored is not None and generation is not None and stored[0] == generation:
        return generation, stored[1:]
    return generation, None


def _write(name: str, cache_key: str, generation: str | None, parts: tuple, seconds: int) -> None:
    """Keep ``parts`` under the generation read before they were made (so a change made meanwhile makes them stale)."""
    try:
        cache.set(cache_key, (generation or _new_generation(), *parts), seconds)
    except Exception:  # noqa: BLE001 - a value that is not kept is made again next time
        logger.warning("Page cache: could not store %s.", name)


def _new_generation() -> str:
    """The generation to store a first copy under: a new one, unless another process just set one."""
    cache.add(GENERATION_KEY, secrets.token_hex(8), None)
    return cache.get(GENERATION_KEY)


def invalidate(**_signal_kwargs) -> None:
    """Make every cached page stale (a new generation). Safe to connect to signals."""
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the change that was just made
        logger.warning("Page cache: could not renew the generation; cached pages expire by their timeout.")


def _visitor(request) -> str | None:
    """Whose copy: ``anonymous``, a hash of the person and the session, or ``None`` (do not cache)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:
        return None
    return hashlib.sha256(f"{user.pk}|{session_key}".encode()).hexdigest()


def without_tokens(request, content: bytes) -> bytes:
    """The page with every CSRF token of this request's secret replaced by the placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return content  # no token was put in this page

    def replace(match: re.Match) -> bytes:
        token = match.group(0)
        return TOKEN_PLACEHOLDER if _does_token_match(token.decode(), secret) else token

    return TOKEN_CANDIDATE.sub(replace, content)


def with_token(request, content: bytes) -> bytes:
    """A stored page with a fresh CSRF token of this visitor's own in place of the placeholder."""
    if TOKEN_PLACEHOLDER not in content:
        return content
    return content.replace(TOKEN_PLACEHOLDER, get_token(request).encode())


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _key(name: str, request, visitor: str) -> str:
    address = hashlib.sha256(f"{request.get_host()}|{request.get_full_path()}".encode()).hexdigest()[:32]
    return f"plein:pagecache:{name}:{translation.get_language()}:{address}:{visitor}"


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    return not getattr(getattr(request, "session", None), "modified", False)


def cached_page(name: str):
    """Serve this view's page from the cache for the same visitor, address and language (see the module docstring).

    Put it innermost, below ``login_required`` and the other access checks: they must run on every request.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = timeout()
            if not seconds or request.method not in ("GET", "HEAD") or _has_messages(request):
                return view(request, *args, **kwargs)
            visitor = _visitor(request)
            if visitor is None:
                return view(request, *args, **kwargs)
            key = _key(name, request, visitor)
            try:
                generation, stored = _read(key)
            except Exception:  # noqa: BLE001 - without a cache the page is rendered as usual
                logger.warning("Page cache: the cache could not be read; rendering %s.", name)
                return view(request, *args, **kwargs)
            if stored is not None:
                status, headers, content = stored
                return HttpResponse(with_token(request, content), status=status, headers=headers)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            if _storable(request, response):
                headers = {k: v for k, v in response.items() if k.lower() != "set-cookie"}
                page = (response.status_code, headers, without_tokens(request, response.content))
                _write(name, key, generation, page, seconds)
            return response

        return wrapper

    return decorator


class PageCacheInvalidationMiddleware:
    """After every successful change through the web or the API, no cached page from before it is served again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS and response.status_code < 400 and timeout():
            invalidate()
        return response
