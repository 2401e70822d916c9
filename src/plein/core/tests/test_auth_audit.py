"""Logins, failed logins, logouts and changes of a second factor are in the audit log, without any secret (issue 3)."""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.auth_helpers import add_totp, totp_code, totp_code_for_secret
from plein.core.tests.test_mfa import PASSWORD, _totp_secret_from

pytestmark = [pytest.mark.django_db, pytest.mark.mfa_enforced]


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.MFA_TOTP_TOLERANCE = 1
    cache.clear()
    yield
    cache.clear()


def audit(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_a_password_login_and_the_logout_are_audited(client, make_user):
    user = make_user()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    [login] = audit("auth.login")
    assert (login.actor, login.target_id, login.data) == (user, str(user.pk), {"method": "password"})
    client.post(reverse("account_logout"))
    [logout] = audit("auth.logout")
    assert logout.actor == user


def test_a_failed_login_names_only_an_existing_account_and_never_what_was_typed(client, make_user):
    user = make_user()
    client.post(reverse("account_login"), {"login": user.email, "password": "wrong password 1"})
    client.post(reverse("account_login"), {"login": "hunter2@typed-in-the-wrong.field", "password": "x"})
    known, unknown = audit("auth.login_failed")
    assert known.data == {"account": user.pk} and known.actor is None
    assert unknown.data == {} and unknown.actor_label == ""
    stored = json.dumps([e.data for e in AuditEvent.objects.all()]) + "".join(
        e.actor_label for e in AuditEvent.objects.all()
    )
    assert "wrong password 1" not in stored
    assert "hunter2" not in stored
    assert not audit("auth.login")


def test_the_second_factor_at_login_is_audited_when_used_and_when_wrong(client, make_user):
    user = make_user(R.INVESTIGATOR)
    authenticator = add_totp(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "123456"})
    [failed] = audit("auth.mfa_failed")
    assert failed.actor == user and failed.data == {"authenticator": "totp", "reauthentication": False}
    code = totp_code(authenticator)
    client.post(reverse("mfa_authenticate"), {"code": code})
    [used] = audit("auth.mfa_used")
    assert used.data == {"authenticator": "totp", "reauthentication": False}
    assert len(audit("auth.login")) == 1
    assert code not in json.dumps([e.data for e in AuditEvent.objects.all()])


def test_adding_a_second_factor_is_audited(client, make_user, django_capture_on_commit_callbacks):
    user = make_user(R.INTEGRITY_COORDINATOR)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = _totp_secret_from(client.get(reverse("mfa_activate_totp")))
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces the factor after the commit
        client.post(reverse("mfa_activate_totp"), {"code": totp_code_for_secret(secret)})
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    added = [e.data["authenticator"] for e in audit("auth.mfa_added")]
    assert added == ["totp", "recovery_codes"]
    assert secret not in json.dumps([e.data for e in AuditEvent.objects.all()])


def test_removing_a_second_factor_is_audited(client, make_user):
    from allauth.mfa.base.internal.flows import delete_and_cleanup
    from django.test import RequestFactory

    user = make_user()
    authenticator = add_totp(user)
    request = RequestFactory().post("/")
    request.user = user
    from allauth.core import context

    with context.request_context(request):
        delete_and_cleanup(request, authenticator)
    assert [e.data for e in audit("auth.mfa_removed")] == [{"authenticator": "totp"}]
