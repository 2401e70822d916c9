"""Keys that live for a while between requests, split so that no server-side store holds them in usable form.

*Unlocked vault (handler).* On unlock a random 32-byte wrapping key encrypts the handler's private key. The ciphertext
goes into the Django session; the wrapping key goes only to the browser, in its own cookie (HttpOnly, SameSite=Strict,
Secure outside development, ending with the browser session). A request that needs the key combines the two. The
database, the cache, the session store, the logs and ``SECRET_KEY`` therefore reveal nothing on their own; locking the
vault deletes both halves.

*Reporter session.* After a correct receipt code the browser gets a random 32-byte token in a cookie limited to the
reporter pages. The cache holds, under a hash of the token, the report id and report key encrypted with a key derived
from the token. Nothing is written to the Django session, so a logged-in employee's session is never linked to a
report.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from plein.reports import crypto

VAULT_COOKIE = "plein_vault"
VAULT_SESSION_KEY = "reports_vault"
REPORTER_COOKIE = "plein_melder"
REPORTER_COOKIE_PATH = "/melden/"
_REPORTER_CACHE_PREFIX = "reports:reporter:"


def _secure_cookies() -> bool:
    return not (settings.DEBUG or settings.DEMO)


# --- Handler vault --------------------------------------------------------------------------------------------


def store_unlocked_key(request, response, *, user, private_key: bytes) -> None:
    wrapping_key, ciphertext = crypto.split_secret(private_key)
    request.session[VAULT_SESSION_KEY] = {"user": user.pk, "ct": crypto.b64encode(ciphertext)}
    response.set_cookie(
        VAULT_COOKIE,
        crypto.b64encode(wrapping_key),
        max_age=None,
        path="/",
        secure=_secure_cookies(),
        httponly=True,
        samesite="Strict",
    )


def unlocked_key(request, *, public_key: bytes | None) -> bytes | None:
    """The handler's private key when the vault is unlocked in this session and browser, otherwise ``None``."""
    stored = request.session.get(VAULT_SESSION_KEY)
    cookie = request.COOKIES.get(VAULT_COOKIE)
    user = getattr(request, "user", None)
    if not stored or not cookie or public_key is None or user is None or stored.get("user") != user.pk:
        return None
    try:
        private_key = crypto.join_secret(crypto.b64decode(cookie), crypto.b64decode(stored["ct"]))
    except (crypto.CryptoError, KeyError, TypeError):
        return None
    if crypto.public_key_of(private_key) != bytes(public_key):
        return None
    return private_key


def is_unlocked(request) -> bool:
    return bool(request.session.get(VAULT_SESSION_KEY)) and VAULT_COOKIE in request.COOKIES


def lock(request, response) -> None:
    request.session.pop(VAULT_SESSION_KEY, None)
    response.delete_cookie(VAULT_COOKIE, path="/", samesite="Strict")


# --- Reporter session -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReporterAccess:
    report_id: int
    report_key: bytes


def _reporter_ids(token: bytes) -> tuple[str, bytes]:
    cache_key = _REPORTER_CACHE_PREFIX + crypto.token_id(token, b"plein-rs-id")
    box_key = bytes.fromhex(crypto.token_id(token, b"plein-rs-key"))
    return cache_key, box_key


def _timeout() -> int:
    return int(settings.PLEIN.get("REPORTS_REPORTER_SESSION_SECONDS", 1800))


def start_reporter_session(response, *, report_id: int, report_key: bytes) -> None:
    token = crypto.new_key()
    cache_key, box_key = _reporter_ids(token)
    payload = crypto.encrypt_json(box_key, {"r": report_id, "k": crypto.b64encode(report_key)})
    cache.set(cache_key, payload, _timeout())
    response.set_cookie(
        REPORTER_COOKIE,
        crypto.b64encode(token),
        max_age=None,
        path=REPORTER_COOKIE_PATH,
        secure=_secure_cookies(),
        httponly=True,
        samesite="Strict",
    )


def reporter_access(request) -> ReporterAccess | None:
    """The report this browser opened with its receipt code, while the reporter session lasts (sliding)."""
    cookie = request.COOKIES.get(REPORTER_COOKIE)
    if not cookie:
        return None
    try:
        token = crypto.b64decode(cookie)
    except crypto.CryptoError:
        return None
    if len(token) != crypto.KEY_BYTES:
        return None
    cache_key, box_key = _reporter_ids(token)
    payload = cache.get(cache_key)
    if payload is None:
        return None
    try:
        data = crypto.decrypt_json(box_key, payload)
        access = ReporterAccess(report_id=int(data["r"]), report_key=crypto.b64decode(data["k"]))
    except (crypto.CryptoError, KeyError, TypeError, ValueError):
        return None
    cache.touch(cache_key, _timeout())
    return access


def end_reporter_session(request, response) -> None:
    cookie = request.COOKIES.get(REPORTER_COOKIE)
    if cookie:
        try:
            token = crypto.b64decode(cookie)
            cache.delete(_reporter_ids(token)[0])
        except crypto.CryptoError:
            pass
    response.delete_cookie(REPORTER_COOKIE, path=REPORTER_COOKIE_PATH, samesite="Strict")
