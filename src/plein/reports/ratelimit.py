"""Rate limits and lock-out for the public reporting pages, in the cache, keyed by a keyed hash of the client address.

The address itself is never stored: the cache key is an HMAC of it with a random key that exists only in the
process memory (``crypto.client_tag``), and nothing of this reaches the database or the logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from plein.reports import crypto

_PREFIX = "reports:rl:"


def client_address(request) -> str:
    header = settings.PLEIN.get("REPORTS_CLIENT_ADDRESS_HEADER") or ""
    if header:
        value = request.META.get(header, "")
        if value:
            # The proxy appends the address it saw; take the last one, which it wrote itself.
            return value.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@dataclass(frozen=True)
class Limit:
    purpose: str
    max_events: int
    window_seconds: int


def _key(request, purpose: str) -> str:
    return _PREFIX + purpose + ":" + crypto.client_tag(client_address(request), purpose)


def count(request, purpose: str) -> int:
    return int(cache.get(_key(request, purpose), 0))


def hit(request, limit: Limit) -> int:
    """Count one event in the window (a fixed window starting at the first event) and return the new count."""
    key = _key(request, limit.purpose)
    if cache.add(key, 1, limit.window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, limit.window_seconds)
        return 1


def exceeded(request, limit: Limit) -> bool:
    return count(request, limit.purpose) >= limit.max_events


def reset(request, purpose: str) -> None:
    cache.delete(_key(request, purpose))


def receipt_limit() -> Limit:
    conf = settings.PLEIN
    return Limit("receipt", int(conf["REPORTS_RECEIPT_MAX_FAILURES"]), int(conf["REPORTS_RECEIPT_LOCKOUT_SECONDS"]))


def submission_limit() -> Limit:
    return Limit("submit", int(settings.PLEIN["REPORTS_SUBMISSIONS_PER_HOUR"]), 3600)


def message_limit() -> Limit:
    return Limit("message", int(settings.PLEIN["REPORTS_MESSAGES_PER_HOUR"]), 3600)


def vault_limit() -> Limit:
    conf = settings.PLEIN
    return Limit("vault", int(conf["REPORTS_RECEIPT_MAX_FAILURES"]), int(conf["REPORTS_RECEIPT_LOCKOUT_SECONDS"]))


def user_key(user, purpose: str) -> str:
    return f"{_PREFIX}{purpose}:user:{user.pk}"


def hit_user(user, limit: Limit) -> int:
    key = user_key(user, limit.purpose)
    if cache.add(key, 1, limit.window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, 1, limit.window_seconds)
        return 1


def user_exceeded(user, limit: Limit) -> bool:
    return int(cache.get(user_key(user, limit.purpose), 0)) >= limit.max_events


def reset_user(user, purpose: str) -> None:
    cache.delete(user_key(user, purpose))
