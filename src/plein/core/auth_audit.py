"""Authentication events in the audit log (issue 3): logins, failed logins, logouts and every change of a second factor.

Only the account, the method and the kind of authenticator are recorded; never a password, a code or a secret. A
failed password login names the account only when the login matches an existing one (what was typed otherwise could
be a password in the wrong field). Connected in ``CoreConfig.ready()``.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals

from plein.core.selectors import default_organisation
from plein.core.services.audit import record_event


def _record(action: str, user, **data) -> None:
    record_event(
        actor=user,
        action=action,
        organisation=default_organisation(),
        target=user if getattr(user, "pk", None) else None,
        data={key: value for key, value in data.items() if value not in (None, "")},
    )


def on_logged_in(sender, request, user, **kwargs) -> None:
    sociallogin = kwargs.get("sociallogin")
    method = f"sso:{sociallogin.account.provider}" if sociallogin is not None else "password"
    _record("auth.login", user, method=method)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    login = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = get_user_model().objects.filter(email__iexact=login).first() if login else None
    _record("auth.login_failed", None, account=user.pk if user else None)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        _record("auth.logout", user)


def _authenticator_handler(action: str):
    def handler(sender, request, user, authenticator, **kwargs) -> None:
        extra = {}
        if "reauthenticated" in kwargs or "reauthentication" in kwargs:
            extra["reauthentication"] = bool(kwargs.get("reauthenticated") or kwargs.get("reauthentication"))
        _record(action, user, authenticator=authenticator.type, **extra)

    handler.__name__ = f"on_{action.replace('.', '_')}"
    return handler


AUTHENTICATOR_SIGNALS = {
    mfa_signals.authenticator_added: "auth.mfa_added",
    mfa_signals.authenticator_removed: "auth.mfa_removed",
    mfa_signals.authenticator_reset: "auth.mfa_reset",
    mfa_signals.authenticator_used: "auth.mfa_used",
    mfa_signals.authentication_failed: "auth.mfa_failed",
}
_HANDLERS = {signal: _authenticator_handler(action) for signal, action in AUTHENTICATOR_SIGNALS.items()}


def connect() -> None:
    account_signals.user_logged_in.connect(on_logged_in, dispatch_uid="plein.audit.login")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="plein.audit.login_failed")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid="plein.audit.logout")
    for signal, handler in _HANDLERS.items():
        signal.connect(handler, dispatch_uid=f"plein.audit.{handler.__name__}")
