"""Codes of conduct and policy documents: versions, overdue reviews, acknowledgement campaigns and coverage."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory
from plein.portal import selectors, services
from plein.portal.models import Acknowledgement, AcknowledgementCampaign, PolicyDocument, PolicyVersion

pytestmark = pytest.mark.django_db

IN_FORCE = PolicyVersion.Status.IN_FORCE


def test_overdue_reviews_are_flagged(organisation, make_policy):
    today = timezone.localdate()
    make_policy(
        "Gedragscode Ambtelijke Integriteit", versions=[("2019", IN_FORCE, date(2019, 5, 14), date(2023, 5, 14))]
    )
    make_policy(
        "Integriteitsplan",
        kind=PolicyDocument.Kind.INTEGRITY_PLAN,
        versions=[("2025", IN_FORCE, date(2025, 10, 7), today + timedelta(days=400))],
    )
    rows = {r.document.title: r for r in selectors.policy_documents(organisation)}
    assert rows["Gedragscode Ambtelijke Integriteit"].review_overdue
    assert not rows["Integriteitsplan"].review_overdue
    assert [v.document.title for v in selectors.overdue_reviews(organisation)] == ["Gedragscode Ambtelijke Integriteit"]


def test_a_new_version_in_force_replaces_the_old_one_and_ends_its_campaign(organisation, ic_user, make_policy):
    document = make_policy()
    old = document.versions.get()
    campaign = services.start_acknowledgement_campaign(version=old, actor=ic_user)
    new = services.add_policy_version(
        document=document,
        actor=ic_user,
        version="2026",
        status=IN_FORCE,
        adopted_on=date(2026, 1, 6),
        adopted_by="Gedeputeerde Staten",
        review_on=date(2030, 1, 6),
    )
    old.refresh_from_db()
    campaign.refresh_from_db()
    assert old.status == PolicyVersion.Status.SUPERSEDED
    assert new.status == IN_FORCE
    assert campaign.closed_at is not None
    assert PolicyVersion.objects.filter(document=document, status=IN_FORCE).count() == 1


def test_version_rules(organisation, ic_user, make_policy):
    document = make_policy()
    with pytest.raises(ValidationError, match="already has a version"):
        services.add_policy_version(document=document, actor=ic_user, version="2019", status="concept")
    with pytest.raises(ValidationError) as error:
        services.add_policy_version(document=document, actor=ic_user, version="2027", status=IN_FORCE)
    assert "adopted_on" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.add_policy_version(
            document=document,
            actor=ic_user,
            version="2027",
            status=IN_FORCE,
            adopted_on=date(2027, 1, 1),
            review_on=date(2026, 1, 1),
        )
    assert "review_on" in error.value.error_dict
    version = document.versions.get()
    with pytest.raises(ValidationError, match="cannot go back to draft"):
        services.update_policy_version(
            version=version, actor=ic_user, status="concept", adopted_on=None, adopted_by="", review_on=None
        )


def test_acknowledge_once_per_version(organisation, ic_user, employee_user, make_policy):
    version = make_policy().versions.get()
    employee = employee_user.employee
    with pytest.raises(ValidationError, match="not asked"):
        services.acknowledge(version=version, employee=employee, actor=employee_user)
    services.start_acknowledgement_campaign(version=version, actor=ic_user)
    services.acknowledge(version=version, employee=employee, actor=employee_user)
    with pytest.raises(ValidationError, match="already confirmed"):
        services.acknowledge(version=version, employee=employee, actor=employee_user)
    assert Acknowledgement.objects.filter(version=version, employee=employee).count() == 1
    assert AuditEvent.objects.filter(action="portal.policy_acknowledged", target_id=str(version.pk)).count() == 1


def test_acknowledging_an_old_version_says_which_one_applies(organisation, ic_user, employee_user, make_policy):
    document = make_policy()
    old = document.versions.get()
    services.start_acknowledgement_campaign(version=old, actor=ic_user)
    services.add_policy_version(
        document=document, actor=ic_user, version="2026", status=IN_FORCE, adopted_on=date(2026, 1, 6)
    )
    old.refresh_from_db()
    with pytest.raises(ValidationError, match="Version 2019 .* no longer in force.*Version 2026 applies"):
        services.acknowledge(version=old, employee=employee_user.employee, actor=employee_user)
    assert not Acknowledgement.objects.exists()


def test_acknowledge_view_and_start_page_todo(client, organisation, ic_user, employee_user, make_policy):
    version = make_policy("Regeling melden").versions.get()
    services.start_acknowledgement_campaign(
        version=version, actor=ic_user, deadline=timezone.localdate() + timedelta(days=10), message="Lees dit even."
    )
    client.force_login(employee_user)
    start = client.get(reverse("core:start")).content.decode()
    assert "Regeling melden" in start
    url = reverse("portal:acknowledge", kwargs={"pk": version.pk})
    page = client.get(url).content.decode()
    assert "Lees dit even." in page and "I have read this document" in page

    response = client.post(url, follow=True)
    assert "Thank you" in response.content.decode()
    response = client.post(url, follow=True)
    assert "already confirmed" in response.content.decode()
    assert Acknowledgement.objects.count() == 1
    assert "Regeling melden" not in client.get(reverse("core:start")).content.decode()


def test_campaign_rules(organisation, ic_user, make_policy):
    document = make_policy()
    draft = services.add_policy_version(document=document, actor=ic_user, version="2026", status="concept")
    with pytest.raises(ValidationError, match="in force"):
        services.start_acknowledgement_campaign(version=draft, actor=ic_user)
    current = document.versions.get(status=IN_FORCE)
    with pytest.raises(ValidationError, match="past"):
        services.start_acknowledgement_campaign(
            version=current, actor=ic_user, deadline=timezone.localdate() - timedelta(days=1)
        )
    campaign = services.start_acknowledgement_campaign(version=current, actor=ic_user)
    with pytest.raises(ValidationError, match="already started"):
        services.start_acknowledgement_campaign(version=current, actor=ic_user)
    services.close_acknowledgement_campaign(campaign=campaign, actor=ic_user)
    with pytest.raises(ValidationError, match="already ended"):
        services.close_acknowledgement_campaign(campaign=campaign, actor=ic_user)


@pytest.fixture
def two_units(organisation):
    top = OrgUnitFactory(organisation=organisation, name="Directie", kind="directie")
    water = OrgUnitFactory(organisation=organisation, name="Team Water", parent=top)
    roads = OrgUnitFactory(organisation=organisation, name="Team Wegen", parent=top)
    return top, water, roads


def test_coverage_per_unit_for_ic_hr_and_own_unit_for_a_manager(
    client, organisation, ic_user, make_user, make_policy, two_units
):
    _top, water, roads = two_units
    version = make_policy().versions.get()
    campaign = services.start_acknowledgement_campaign(version=version, actor=ic_user)
    water_people = [EmployeeFactory(organisation=organisation, unit=water) for _ in range(4)]
    roads_people = [EmployeeFactory(organisation=organisation, unit=roads) for _ in range(2)]
    EmployeeFactory(organisation=organisation, unit=roads, end_date=date(2020, 1, 1), start_date=date(2010, 1, 1))
    for employee in water_people[:3] + roads_people[:1]:
        services.acknowledge(version=version, employee=employee, actor=ic_user)

    full = selectors.campaign_coverage(campaign, make_user(R.HR))
    by_unit = {r.label: (r.employees, r.acknowledged) for r in full.rows}
    assert by_unit["Directie/Team Water"] == (4, 3)
    assert by_unit["Directie/Team Wegen"] == (2, 1)  # the one who left is not counted

    manager = make_user(R.MANAGER, unit=water)
    scoped = selectors.campaign_coverage(campaign, manager)
    assert {r.label for r in scoped.rows} == {"Directie/Team Water"}
    assert scoped.scoped

    url = reverse("portal:campaign_coverage", kwargs={"pk": campaign.pk})
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert "Directie/Team Water" in page and "Directie/Team Wegen" not in page
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(make_user(R.EDITOR))
    assert client.get(url).status_code == 403


def test_version_form_uploads_the_file_as_a_wagtail_document(client, organisation, ic_user, make_policy):
    from wagtail.documents import get_document_model

    document = make_policy()
    client.force_login(ic_user)
    upload = SimpleUploadedFile("code-2026.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        reverse("portal:policy_version_create", kwargs={"pk": document.pk}),
        {
            "version": "2026",
            "status": IN_FORCE,
            "adopted_on": "2026-01-06",
            "adopted_by": "GS",
            "review_on": "2030-01-06",
            "upload": upload,
            "notes": "Nieuw",
        },
    )
    assert response.status_code == 302, response.content.decode()
    version = document.versions.get(version="2026")
    assert version.file is not None and version.file.title.endswith("(2026)")
    assert version.file.collection.name == services.DOCUMENTS_COLLECTION
    assert get_document_model().objects.filter(pk=version.file.pk).exists()

    bad = SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("portal:policy_version_create", kwargs={"pk": document.pk}),
        {"version": "2027", "status": "concept", "upload": bad},
    )
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert not document.versions.filter(version="2027").exists()


def test_document_overview_page_lists_versions_and_flags(client, portal, organisation, make_policy):
    make_policy("Gedragscode Ambtelijke Integriteit")
    page = client.get(portal.document_index.url).content.decode()
    assert "Gedragscode Ambtelijke Integriteit" in page
    assert "review overdue" in page
    assert "/bestanden/" in page


def test_policy_document_file_is_served(client, organisation, make_policy):
    version = make_policy().versions.get()
    response = client.get(version.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_ic_starts_a_campaign_through_the_page(client, organisation, ic_user, make_policy):
    version = make_policy().versions.get()
    client.force_login(ic_user)
    response = client.post(
        reverse("portal:campaign_start", kwargs={"pk": version.pk}), {"deadline": "", "message": "Graag lezen"}
    )
    assert response.status_code == 302
    assert AcknowledgementCampaign.objects.get(version=version).message == "Graag lezen"
