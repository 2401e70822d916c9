"""Logging in privileged users in tests, exactly as the MFA enforcement expects.

``login_with_mfa(client, user)`` gives the user an authenticator app (TOTP) if they have none, logs them in and
records in the session, through django-allauth's own flows, that they passed the password and the second factor:
the same session state a real login with MFA leaves. Use it with ``@pytest.mark.mfa_enforced``::

    @pytest.mark.mfa_enforced
    def test_ic_sees_the_register(client, make_user):
        login_with_mfa(client, make_user(R.INTEGRITY_COORDINATOR))
        assert client.get(url).status_code == 200

``totp_code(authenticator)`` and ``totp_code_for_secret(secret)`` return the code an authenticator app would show
now.
"""

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.base.internal.flows import post_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.test import RequestFactory


def add_totp(user) -> Authenticator:
    """The user's TOTP authenticator, created through allauth's API if they have none."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return existing
    return TOTP.activate(user, generate_totp_secret()).instance


def totp_code(authenticator: Authenticator, at: float | None = None) -> str:
    """The six-digit code the user's authenticator app shows at ``at`` (now by default)."""
    return totp_code_for_secret(decrypt(authenticator.data["secret"]), at)


def totp_code_for_secret(secret: str, at: float | None = None) -> str:
    """The code an authenticator app set up with ``secret`` (base32, as on the activation page) shows."""
    from allauth.mfa import app_settings

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def login_with_mfa(client, user) -> Authenticator:
    """Log ``user`` in on ``client`` with a password and a second factor, as the MFA middleware requires."""
    authenticator = add_totp(user)
    client.force_login(user)
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    with context.request_context(request):
        record_authentication(request, user, method="password", email=user.email)
        post_authentication(request, authenticator)
    session.save()
    return authenticator
