"""The pages: who sees what, the writing and approval flow through the views, files, and the public pages."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from plein.annual_report import services
from plein.annual_report.models import AnnualReport, GenerationJob, PlanAction
from plein.annual_report.tests.builders import account, person, structure
from plein.core import roles as R
from plein.core.models import StructureRole

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture
def data(organisation):
    person(organisation, "3001", dt.date(2020, 1, 1))
    structure(organisation, StructureRole.Kind.INTEGRITY_COORDINATOR, "Ineke Test", email="ic@example.org")


def login(client, organisation, *roles):
    user = account(organisation, *roles)
    client.force_login(user)
    return user


INTERNAL = [
    ("annual_report:index", []),
    ("annual_report:report", [YEAR]),
    ("annual_report:plan", []),
]


@pytest.mark.parametrize(
    "role,allowed",
    [
        (R.INTEGRITY_COORDINATOR, True),
        (R.COMPETENT_AUTHORITY, True),
        (R.AUDITOR, True),
        (R.EMPLOYEE, False),
        (R.MANAGER, False),
        (R.HR, False),
        (R.FUNCTIONAL_ADMIN, False),
        (R.CONFIDENTIAL_ADVISER, False),
    ],
)
def test_who_may_read_the_report(client, make_user, data, role, allowed):
    client.force_login(make_user() if role == R.EMPLOYEE else make_user(role))
    for name, args in INTERNAL:
        response = client.get(reverse(name, args=args))
        assert response.status_code == (200 if allowed else 403), name


def test_anonymous_visitors_go_to_the_login_page(client, organisation):
    for name, args in INTERNAL:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_the_preview_shows_every_section_and_the_edit_links_only_to_the_ic(client, organisation, data):
    login(client, organisation, R.INTEGRITY_COORDINATOR)
    page = client.get(reverse("annual_report:report", args=[YEAR])).content.decode()
    for code in (
        "inleiding",
        "integriteitsstructuur",
        "ambtseed",
        "meldingen",
        "nevenfuncties",
        "functies",
        "moreel_beraad",
        "bewustwording",
        "basisnormen",
        "toekomst",
    ):
        assert f'id="{code}"' in page
        assert reverse("annual_report:edit_section", args=[YEAR, code]) in page
    assert 'role="img"' in page and "<desc" in page  # the trend charts
    assert "Ineke Test" in page
    client.logout()
    login(client, organisation, R.AUDITOR)
    page = client.get(reverse("annual_report:report", args=[YEAR])).content.decode()
    assert "/tekst/" not in page
    assert client.get(reverse("annual_report:edit_section", args=[YEAR, "inleiding"])).status_code == 403


def test_future_years_and_unknown_sections_are_not_found(client, organisation, data):
    login(client, organisation, R.INTEGRITY_COORDINATOR)
    next_year = dt.date.today().year + 1
    assert client.get(reverse("annual_report:report", args=[next_year])).status_code == 404
    assert client.get(reverse("annual_report:edit_section", args=[YEAR, "geheim"])).status_code == 404


def test_writing_approving_publishing_through_the_pages(client, organisation, data):
    ic = login(client, organisation, R.INTEGRITY_COORDINATOR)
    url = reverse("annual_report:edit_section", args=[YEAR, "ambtseed"])
    form = client.get(url).content.decode()
    assert "figure_0" in form  # the meaning of each figure of the section
    response = client.post(
        url, {"narrative": "Vier bijeenkomsten.\n\n> Een citaat.", "figure_1": "Veel nieuwe collega's."}
    )
    assert response.status_code == 302
    page = client.get(reverse("annual_report:report", args=[YEAR])).content.decode()
    assert "Vier bijeenkomsten." in page and "<blockquote" in page and "Veel nieuwe collega" in page
    assert client.post(reverse("annual_report:submit", args=[YEAR])).status_code == 302
    assert AnnualReport.objects.get(year=YEAR).status == AnnualReport.Status.SUBMITTED
    # The IC cannot approve their own report.
    assert client.post(reverse("annual_report:approve", args=[YEAR])).status_code == 403
    client.logout()
    authority = login(client, organisation, R.COMPETENT_AUTHORITY)
    start = client.get(reverse("core:start")).content.decode()
    assert reverse("annual_report:report", args=[YEAR]) in start  # the approval waits on the start page
    assert client.post(reverse("annual_report:approve", args=[YEAR])).status_code == 302
    assert client.post(reverse("annual_report:publish", args=[YEAR])).status_code == 302
    report = AnnualReport.objects.get(year=YEAR)
    assert report.status == AnnualReport.Status.PUBLISHED and report.approved_by == authority
    assert report.submitted_by == ic
    client.logout()

    # Everyone can read it now, without logging in.
    public = client.get(reverse("annual_report:public_report", args=[YEAR]))
    assert public.status_code == 200
    assert "Vier bijeenkomsten." in public.content.decode()
    assert "/tekst/" not in public.content.decode()
    listing = client.get(reverse("annual_report:public_index")).content.decode()
    assert reverse("annual_report:public_report", args=[YEAR]) in listing
    opened = client.get(reverse("annual_report:public_json", args=[YEAR]))
    assert json.loads(opened.content)["published"] is True
    pdf = client.get(reverse("annual_report:public_pdf", args=[YEAR]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'filename="jaarverslag-integriteit-testland-2024.pdf"' in pdf["Content-Disposition"]

    # Reopened: the public page is gone until it is published again.
    login(client, organisation, R.COMPETENT_AUTHORITY)
    assert client.post(reverse("annual_report:reopen", args=[YEAR])).status_code == 302
    client.logout()
    assert client.get(reverse("annual_report:public_report", args=[YEAR])).status_code == 404
    assert client.get(reverse("annual_report:public_pdf", args=[YEAR])).status_code == 404


def test_a_draft_is_never_public(client, organisation, data):
    services.save_texts(
        organisation=organisation, year=YEAR, actor=None, section="inleiding", narrative="Geheim concept.", comments={}
    )
    for name in ("annual_report:public_report", "annual_report:public_pdf", "annual_report:public_json"):
        assert client.get(reverse(name, args=[YEAR])).status_code == 404
    assert "Geheim concept." not in client.get(reverse("annual_report:public_index")).content.decode()


def test_a_file_is_made_in_the_background_and_only_its_requester_gets_it(
    client, organisation, data, django_capture_on_commit_callbacks
):
    login(client, organisation, R.AUDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("annual_report:file_request", args=[YEAR]), {"format": "json", "published": "on"}
        )
    job = GenerationJob.objects.get()
    assert response["Location"] == reverse("annual_report:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert reverse("annual_report:job_download", args=[job.pk]) in page
    download = client.get(reverse("annual_report:job_download", args=[job.pk]))
    assert download.status_code == 200 and json.loads(download.content)["published"] is True
    client.logout()
    login(client, organisation, R.INTEGRITY_COORDINATOR)
    assert client.get(reverse("annual_report:job_download", args=[job.pk])).status_code == 404


def test_a_running_job_polls_without_script_and_with_htmx(client, organisation, data):
    user = login(client, organisation, R.INTEGRITY_COORDINATOR)
    job = GenerationJob.objects.create(
        organisation=organisation,
        year=YEAR,
        format="pdf",
        requested_by=user,
        state="bezig",
        progress=55,
        step="Pagina's",
    )
    page = client.get(reverse("annual_report:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page and 'value="55"' in page
    assert f'href="{reverse("annual_report:job", args=[job.pk])}"' in page  # a refresh link without JavaScript
    fragment = client.get(reverse("annual_report:job_status", args=[job.pk])).content.decode()
    assert fragment.strip().startswith("<div") and "<html" not in fragment
    assert client.get(reverse("annual_report:job_download", args=[job.pk])).status_code == 404  # not ready


def test_the_ic_keeps_the_plan(client, organisation, data):
    login(client, organisation, R.INTEGRITY_COORDINATOR)
    response = client.post(
        reverse("annual_report:plan_create"),
        {
            "title": "Nieuw integriteitsplan",
            "theme": "Beleid",
            "owner": "Integriteitscoördinator",
            "planned_year": 2025,
            "planned_quarter": 4,
            "status": "gepland",
            "module": "",
            "note": "",
            "order": 0,
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get()
    response = client.post(
        reverse("annual_report:plan_edit", args=[action.pk]),
        {
            "title": "Nieuw integriteitsplan",
            "theme": "Beleid",
            "owner": "Integriteitscoördinator",
            "planned_year": 2025,
            "planned_quarter": 4,
            "status": "lopend",
            "module": "portal",
            "note": "Gestart.",
            "order": 0,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.module, action.note) == ("lopend", "portal", "Gestart.")
    page = client.get(reverse("annual_report:report", args=[YEAR])).content.decode()
    assert "Nieuw integriteitsplan" in page and "Q4 2025" in page
    client.logout()
    login(client, organisation, R.AUDITOR)
    assert client.get(reverse("annual_report:plan")).status_code == 200
    assert client.get(reverse("annual_report:plan_create")).status_code == 403
    assert client.post(reverse("annual_report:plan_delete", args=[action.pk])).status_code == 403
    client.logout()
    login(client, organisation, R.INTEGRITY_COORDINATOR)
    assert client.post(reverse("annual_report:plan_delete", args=[action.pk])).status_code == 302
    assert not PlanAction.objects.exists()
