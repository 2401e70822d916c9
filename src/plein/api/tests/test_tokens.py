"""Making and revoking API tokens: the functional administrator's page and ./plein create_api_token."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation

from plein.api.models import ApiToken, Scope
from plein.api.services import create_token, token_digest
from plein.api.tests.conftest import client_for
from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = "/beheer/api-tokens/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(R.FUNCTIONAL_ADMIN))
    return client


def test_the_page_lives_outside_the_api_and_is_named():
    assert reverse("api_tokens:list") == LIST
    assert reverse("api_tokens:revoke", kwargs={"token_id": 3}) == "/beheer/api-tokens/3/intrekken/"


def test_functional_admin_makes_a_token_that_is_shown_once(admin_client, organisation):
    response = admin_client.post(
        LIST, {"name": "HR-systeem", "scopes": [Scope.HR_SYNC], "days": "90"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    raw = response.context["raw"]
    assert raw.startswith(f"plein_{token.prefix}_")
    assert raw in response.content.decode()
    assert token.digest == token_digest(raw)
    assert token.scopes == ["hr.sync"] and token.organisation == organisation
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert token.created_by.role_assignments.filter(role=R.FUNCTIONAL_ADMIN).exists()
    # It works, and the list never shows it again.
    assert client_for(raw).get("/api/v1/people").status_code == 200
    page = admin_client.get(LIST).content.decode()
    assert raw not in page and f"plein_{token.prefix}_" in page and "HR-systeem" in page
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == token.created_by and event.role == R.FUNCTIONAL_ADMIN
    assert event.target_type == "api.apitoken" and event.target_id == str(token.pk)
    assert event.data == {"prefix": token.prefix, "scopes": ["hr.sync"], "days": 90}
    assert raw not in str(event.data)


def test_a_wrong_form_makes_nothing(admin_client):
    response = admin_client.post(LIST, {"name": " ", "days": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name", "scopes", "days"}
    assert form.errors["scopes"] == ["Choose at least one scope."]
    assert not ApiToken.objects.exists()
    assert admin_client.post(LIST, {"name": "X", "scopes": ["root"], "days": "5"}).status_code == 400
    assert not ApiToken.objects.exists()


def test_functional_admin_revokes_a_token(admin_client, make_token):
    token, raw = make_token()
    response = admin_client.post(reverse("api_tokens:revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 302 and response["Location"] == LIST
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by is not None
    assert client_for(raw).get("/api/v1/people").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.target_id == str(token.pk) and event.role == R.FUNCTIONAL_ADMIN
    # Twice changes nothing; a GET changes nothing.
    admin_client.post(reverse("api_tokens:revoke", kwargs={"token_id": token.pk}))
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    assert admin_client.get(reverse("api_tokens:revoke", kwargs={"token_id": token.pk})).status_code == 405


def test_tokens_of_another_organisation_are_out_of_reach(admin_client):
    other, _raw = create_token(organisation=OrganisationFactory(slug="elders"), name="Elders", scopes=["hr.sync"])
    assert "Elders" not in admin_client.get(LIST).content.decode()
    assert admin_client.post(reverse("api_tokens:revoke", kwargs={"token_id": other.pk})).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


@pytest.mark.parametrize("role", [R.HR, R.INTEGRITY_COORDINATOR, R.AUDITOR, R.MANAGER, R.EMPLOYEE])
def test_only_the_functional_admin_manages_tokens(client, make_user, make_token, role):
    token, _raw = make_token()
    client.force_login(make_user(role) if role != R.EMPLOYEE else make_user())
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"name": "X", "scopes": ["hr.sync"], "days": "5"}).status_code == 403
    assert client.post(reverse("api_tokens:revoke", kwargs={"token_id": token.pk})).status_code == 403
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None


def test_the_navigation_shows_the_page_to_the_functional_admin_only(client, make_user):
    client.force_login(make_user(R.FUNCTIONAL_ADMIN))
    assert f'href="{LIST}"' in client.get(reverse("core:start")).content.decode()
    client.force_login(make_user(R.HR))
    assert f'href="{LIST}"' not in client.get(reverse("core:start")).content.decode()


def test_the_list_shows_status_and_last_use(admin_client, make_token):
    active, raw = make_token(name="Actief")
    client_for(raw).get("/api/v1/units")
    expired, _ = make_token(name="Verlopen")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page = admin_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("Revoke Actief") == 1 and "Revoke Verlopen" not in page  # only an active token
    assert "expired" in page and "never" in page


# --- the command ------------------------------------------------------------------------------------------------------


def test_create_api_token_prints_the_token_once(organisation):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "--name", "HR", "--scope", "hr.sync", "--days", "30", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.digest == token_digest(raw) and token.name == "HR" and token.scopes == ["hr.sync"]
    assert token.created_by is None
    assert raw not in err.getvalue() and token.prefix in err.getvalue()
    assert client_for(raw).get("/api/v1/people").status_code == 200
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor is None and event.data["days"] == 30


def test_create_api_token_with_two_scopes_and_an_organisation(organisation):
    OrganisationFactory(slug="elders", name="Elders")
    out = io.StringIO()
    call_command(
        "create_api_token",
        "--name",
        "Registers",
        "--scope",
        "registers.read",
        "--scope",
        "hr.sync",
        "--organisation",
        "elders",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = ApiToken.objects.get()
    assert token.scopes == ["registers.read", "hr.sync"] and token.organisation.slug == "elders"
    assert timedelta(days=364) < token.expires_at - timezone.now() <= timedelta(days=365)


def test_create_api_token_refuses_bad_input(organisation):
    with pytest.raises(CommandError):
        call_command("create_api_token", "--name", "X", "--scope", "everything", stderr=io.StringIO())
    with pytest.raises(CommandError, match="1 to 730 days"):
        call_command("create_api_token", "--name", "X", "--scope", "hr.sync", "--days", "0", stderr=io.StringIO())
    with pytest.raises(CommandError, match="no organisation"):
        call_command(
            "create_api_token", "--name", "X", "--scope", "hr.sync", "--organisation", "nope", stderr=io.StringIO()
        )
    assert not ApiToken.objects.exists()
