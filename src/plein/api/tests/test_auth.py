"""Token authentication and scopes: valid, missing, wrong, expired, revoked, wrong scope. Never a 500."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from plein.api.models import ApiToken, Scope
from plein.api.services import authenticate_token, revoke_token
from plein.api.tests.conftest import client_for
from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"


def assert_error(response, status: int, code: str, *words: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["errors"] == []
    for word in words:
        assert word in body["detail"]
    return body


def test_a_valid_token_reads_people(api, organisation):
    EmployeeFactory(organisation=organisation, personnel_number="100001")
    response = api.get(PEOPLE)
    assert response.status_code == 200
    assert [p["personnel_number"] for p in response.json()["results"]] == ["100001"]


def test_only_the_digest_is_stored_with_a_visible_prefix(hr_token):
    token, raw = hr_token
    kind, prefix, secret = raw.split("_", 2)
    assert kind == "plein" and prefix == token.prefix and len(prefix) == 8
    assert len(secret) >= 43  # 32 random bytes
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert raw not in str(stored)
    assert secret not in str(stored)


def test_missing_header_gets_401_with_how_to_authenticate():
    response = APIClient().get(PEOPLE)
    assert_error(response, 401, "not_authenticated", "Authorization: Bearer")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    [
        "Bearer plein_00000000_not-a-real-token-at-all-not-a-real-token-at-all",
        "Bearer not-a-plein-token",
        "Bearer plein__x",
        "Bearer x.y.z",
        "Bearer",
        "Bearer two parts",
        "bearer plein_00000000_lowercase-scheme-is-fine-but-the-token-is-wrong",
    ],
)
def test_wrong_tokens_get_401(header, hr_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(PEOPLE)
    assert_error(response, 401, "token_invalid")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_tampered_token_with_a_real_prefix_is_refused(hr_token):
    token, raw = hr_token
    response = client_for(raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")).get(PEOPLE)
    assert_error(response, 401, "token_invalid")


def test_a_header_with_non_ascii_bytes_gets_401_not_500(hr_token):
    client = APIClient()
    response = client.get(PEOPLE, HTTP_AUTHORIZATION="Bearer plein_ééé_x".encode().decode("latin-1"))
    assert_error(response, 401, "token_invalid")


def test_another_scheme_is_not_ours_and_stays_anonymous(hr_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {hr_token[1]}")
    assert_error(client.get(PEOPLE), 401, "not_authenticated")


def test_an_expired_token_gets_401_that_says_so(hr_token):
    token, raw = hr_token
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = assert_error(client_for(raw).get(PEOPLE), 401, "token_expired", "verlopen")
    assert "functioneel beheerder" in body["detail"]


def test_a_revoked_token_gets_401_that_says_so(hr_token):
    token, raw = hr_token
    assert client_for(raw).get(PEOPLE).status_code == 200
    revoke_token(token=token)
    assert_error(client_for(raw).get(PEOPLE), 401, "token_revoked", "ingetrokken")


def test_a_token_without_the_scope_gets_403_naming_the_scope(make_token):
    _token, raw = make_token(Scope.REGISTERS_READ)
    client = client_for(raw)
    for response in (
        client.get(PEOPLE),
        client.post(PEOPLE, {"personnel_number": "1"}, format="json"),
        client.post(PEOPLE + "/sync", {"rows": []}, format="json"),
        client.get("/api/v1/units"),
        client.get("/api/v1/positions"),
    ):
        body = assert_error(response, 403, "insufficient_scope", "hr.sync")
        assert "functioneel beheerder" in body["detail"]


def test_a_view_without_required_scopes_is_closed(rf, hr_token):
    from rest_framework.response import Response

    from plein.api.views import ApiViewSet

    class Unscoped(ApiViewSet):
        def list(self, request):
            return Response({"ok": True})

    view = Unscoped.as_view({"get": "list"})
    request = rf.get("/api/v1/unscoped", HTTP_AUTHORIZATION=f"Bearer {hr_token[1]}")
    response = view(request)
    assert response.status_code == 403
    assert response.data["code"] == "insufficient_scope"


def test_a_session_login_does_not_open_the_api(client, make_user):
    """No session authentication: a logged-in person (even HR) gets 401, so there is no CSRF surface."""
    client.force_login(make_user(R.HR))
    response = client.get(PEOPLE)
    assert response.status_code == 401
    response = client.post(PEOPLE, {}, content_type="application/json")
    assert response.status_code == 401


def test_a_token_only_sees_its_own_organisation(make_token, organisation):
    other = OrganisationFactory(slug="elders", name="Elders")
    EmployeeFactory(organisation=organisation, personnel_number="1")
    EmployeeFactory(organisation=other, personnel_number="2")
    _token, raw = make_token(Scope.HR_SYNC, organisation=other)
    client = client_for(raw)
    assert [p["personnel_number"] for p in client.get(PEOPLE).json()["results"]] == ["2"]
    assert client.get(PEOPLE + "/1").status_code == 404


def test_last_used_is_noted_at_most_once_a_minute(hr_token):
    token, raw = hr_token
    assert token.last_used_at is None
    first = authenticate_token(raw).last_used_at
    assert first is not None
    assert authenticate_token(raw).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    assert authenticate_token(raw).last_used_at > first - timedelta(minutes=1)


def test_status_of_a_token(hr_token):
    token, _raw = hr_token
    assert token.status() == "active" and token.is_active
    assert token.status(now=token.expires_at) == "expired"
    token = revoke_token(token=token)
    assert token.status() == "revoked" and not token.is_active
