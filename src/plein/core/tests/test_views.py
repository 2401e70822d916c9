import pytest
from django.urls import reverse

from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory, StructureRoleFactory


@pytest.mark.django_db
def test_structure_page_is_public_and_lists_roles(client, organisation):
    StructureRoleFactory(organisation=organisation, go_to_for="Vragen over nevenfuncties", employee__first_name="Ineke")
    StructureRoleFactory(
        organisation=organisation,
        kind="confidential_adviser_external",
        employee=None,
        name="Bureau Vertrouwen Extern",
        email="vp@example.org",
    )
    response = client.get(reverse("core:structure"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ineke" in body
    assert "Vragen over nevenfuncties" in body
    assert "Bureau Vertrouwen Extern" in body
    assert "mailto:vp@example.org" in body


@pytest.mark.django_db
def test_start_page_requires_login(client):
    response = client.get(reverse("core:start"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_start_page_shows_roles(client, make_user):
    user = make_user(R.HR)
    client.force_login(user)
    body = client.get(reverse("core:start")).content.decode()
    assert "HR" in body


@pytest.mark.django_db
def test_manager_sees_only_own_unit(client, organisation, make_user):
    own = OrgUnitFactory(organisation=organisation, name="Ruimte")
    sub = OrgUnitFactory(organisation=organisation, name="Team Water", parent=own)
    other = OrgUnitFactory(organisation=organisation, name="Bedrijfsvoering")
    mine = EmployeeFactory(organisation=organisation, unit=sub, last_name="Inmijnteam")
    theirs = EmployeeFactory(organisation=organisation, unit=other, last_name="Elders")
    manager = make_user(R.MANAGER, unit=own)
    client.force_login(manager)
    body = client.get(reverse("core:people")).content.decode()
    assert mine.last_name in body
    assert theirs.last_name not in body


@pytest.mark.django_db
def test_employee_cannot_list_people(client, employee_user):
    client.force_login(employee_user)
    assert client.get(reverse("core:people")).status_code == 403


def test_theme_css_uses_tokens(client, organisation):
    organisation.primary_colour = "#123456"
    organisation.save()
    response = client.get(reverse("core:theme_css"))
    assert response["Content-Type"].startswith("text/css")
    assert "#123456" in response.content.decode()


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get(reverse("core:structure"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
