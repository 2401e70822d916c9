"""Texts, the approval flow, publication (a frozen snapshot), the integrity plan and background file jobs."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from plein.annual_report import selectors, services
from plein.annual_report.models import AnnualReport, GenerationJob, PlanAction, ReportText
from plein.annual_report.tests.builders import account, person, structure, travel
from plein.core import roles as R
from plein.core.models import AuditEvent, StructureRole

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 3)


@pytest.fixture
def people(organisation):
    person(organisation, "2001", dt.date(2020, 1, 1))
    person(organisation, "2002", dt.date(2021, 1, 1))
    structure(organisation, StructureRole.Kind.INTEGRITY_COORDINATOR, "Ineke Test", email="ic@example.org")


@pytest.fixture
def ic(organisation):
    return account(organisation, R.INTEGRITY_COORDINATOR)


@pytest.fixture
def authority(organisation):
    return account(organisation, R.COMPETENT_AUTHORITY)


def save(organisation, actor, section="inleiding", narrative="Tekst.", comments=None):
    with travel(TODAY):
        return services.save_texts(
            organisation=organisation,
            year=2024,
            actor=actor,
            section=section,
            narrative=narrative,
            comments=comments or {},
        )


def test_texts_are_kept_per_year_and_empty_texts_are_removed(organisation, ic, people):
    report = save(organisation, ic, narrative="  Eerste tekst.  ", comments={"employees.at_year_end": "Meer mensen."})
    assert selectors.texts_of(report) == {
        "sections": {"inleiding": "Eerste tekst."},
        "figures": {"employees.at_year_end": "Meer mensen."},
    }
    save(organisation, ic, narrative="", comments={"employees.at_year_end": "Anders."})
    assert selectors.texts_of(report) == {"sections": {}, "figures": {"employees.at_year_end": "Anders."}}
    assert ReportText.objects.get(report=report, key="employees.at_year_end").updated_by == ic
    assert not ReportText.objects.filter(report__year=2023).exists()
    events = AuditEvent.objects.filter(action="annual_report.texts_saved")
    assert events.count() == 2 and events.first().data == {"year": 2024, "section": "inleiding", "changed": 2}


def test_unknown_sections_figures_and_future_years_are_refused(organisation, ic):
    with pytest.raises(ValidationError):
        save(organisation, ic, section="geheim")
    with pytest.raises(ValidationError):
        save(organisation, ic, comments={"reports.contents": "x"})
    with travel(TODAY), pytest.raises(selectors.YearNotAllowed):
        services.save_texts(
            organisation=organisation, year=2026, actor=ic, section="inleiding", narrative="x", comments={}
        )
    with pytest.raises(ValidationError):
        save(organisation, ic, narrative="x" * (services.MAX_TEXT + 1))
    assert not AnnualReport.objects.filter(year=2026).exists()


def test_the_flow_from_draft_to_published_and_back(organisation, ic, authority, people):
    report = save(organisation, ic, narrative="Ons jaar.")
    with pytest.raises(ValidationError):
        services.approve(report=report, actor=authority)  # not submitted yet
    services.submit(report=report, actor=ic)
    # A change after submitting sends the report back to draft: the approver must see what they approve.
    save(organisation, ic, narrative="Ons jaar, verbeterd.")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT and report.submitted_at is None
    services.submit(report=report, actor=ic)
    services.approve(report=report, actor=authority)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.APPROVED and report.approved_by == authority
    with translation.override("en"), pytest.raises(ValidationError, match="approved"):
        save(organisation, ic, narrative="Te laat.")
    with travel(TODAY):
        services.publish(report=report, actor=ic, today=TODAY)
    report.refresh_from_db()
    assert report.is_published and report.published_by == ic
    assert report.snapshot["texts"] == {"sections": {"inleiding": "Ons jaar, verbeterd."}, "figures": {}}
    assert report.snapshot["data"]["published"] is True
    assert report.snapshot["data"]["employees"]["at_year_end"] == 2
    assert selectors.published_report(organisation, 2024) == report
    services.reopen(report=report, actor=authority)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT and report.snapshot == {} and report.approved_at is None
    assert selectors.published_report(organisation, 2024) is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="annual_report.").order_by("seq").values_list("action", flat=True)
    )
    assert actions == [
        "annual_report.texts_saved",
        "annual_report.submitted",
        "annual_report.texts_saved",
        "annual_report.submitted",
        "annual_report.approved",
        "annual_report.published",
        "annual_report.reopened",
    ]


def test_the_published_snapshot_does_not_change_with_the_registers(organisation, ic, authority, people):
    report = save(organisation, ic)
    services.submit(report=report, actor=ic)
    services.approve(report=report, actor=authority)
    with travel(TODAY):
        services.publish(report=report, actor=ic, today=TODAY)
    person(organisation, "2003", dt.date(2022, 1, 1))  # a late correction in the personnel register
    report.refresh_from_db()
    assert report.snapshot["data"]["employees"]["at_year_end"] == 2
    with travel(TODAY):
        assert selectors.build_report(organisation, 2024, today=TODAY)["employees"]["at_year_end"] == 3


def test_the_published_pdf_is_made_once_from_the_snapshot(
    organisation, ic, authority, people, django_capture_on_commit_callbacks
):
    report = save(organisation, ic, narrative="Het jaar in één zin.")
    services.submit(report=report, actor=ic)
    services.approve(report=report, actor=authority)
    with travel(TODAY), django_capture_on_commit_callbacks(execute=True):
        services.publish(report=report, actor=ic, today=TODAY)
    report.refresh_from_db()
    pdf = bytes(report.published_pdf)
    assert pdf.startswith(b"%PDF")
    assert services.store_published_pdf(report_id=report.pk) is False  # idempotent: kept as it is
    report.refresh_from_db()
    assert bytes(report.published_pdf) == pdf


def test_plan_actions(organisation, ic):
    action = services.create_plan_action(
        organisation=organisation,
        actor=ic,
        title="Gedragscode herzien",
        theme="Gedragscode",
        owner="Integriteitscoördinator",
        planned_year=2025,
        planned_quarter=4,
        status=PlanAction.Status.PLANNED,
        module=PlanAction.Module.PORTAL,
    )
    assert action.planned_label == "Q4 2025"
    services.update_plan_action(action=action, actor=ic, status=PlanAction.Status.DONE, note="Vastgesteld.")
    done_2023 = services.create_plan_action(
        organisation=organisation, actor=ic, title="Oud", theme="x", owner="y", planned_year=2023, status="afgerond"
    )
    open_2023 = services.create_plan_action(
        organisation=organisation, actor=ic, title="Loopt nog", theme="x", owner="y", planned_year=2023, status="lopend"
    )
    # "Looking ahead" in the report of 2024: planned in 2024 or later, and earlier actions still open.
    assert set(selectors.plan_actions_for(organisation, 2024)) == {action, open_2023}
    assert done_2023 in selectors.plan_actions_for(organisation, 2023)  # in its own year it is shown, done
    with pytest.raises(ValidationError):
        services.create_plan_action(
            organisation=organisation, actor=ic, title="x", theme="x", owner="y", planned_year=2025, planned_quarter=5
        )
    services.delete_plan_action(action=open_2023, actor=ic)
    assert set(
        AuditEvent.objects.filter(action__startswith="annual_report.plan_action").values_list("action", flat=True)
    ) == {
        "annual_report.plan_action_created",
        "annual_report.plan_action_changed",
        "annual_report.plan_action_deleted",
    }


def test_a_file_job_reports_progress_and_keeps_its_file(organisation, ic, people, django_capture_on_commit_callbacks):
    with travel(TODAY), django_capture_on_commit_callbacks(execute=True):
        job = services.request_file(organisation=organisation, year=2024, fmt="json", published=True, actor=ic)
    job.refresh_from_db()
    assert job.state == GenerationJob.State.DONE and job.progress == 100
    data = json.loads(bytes(job.content))
    assert data["year"] == 2024 and data["published"] is True
    assert services.run_job(job_id=job.pk) is False  # idempotent: a finished job is left alone
    with pytest.raises(ValidationError):
        services.request_file(organisation=organisation, year=2024, fmt="exe", published=False, actor=ic)


def test_a_failing_job_says_so(organisation, ic, monkeypatch):
    from plein.annual_report import rendering

    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(rendering, "render", broken)
    job = GenerationJob.objects.create(organisation=organisation, year=2024, format="pdf", requested_by=ic)
    with travel(TODAY):
        assert services.run_job(job_id=job.pk, today=TODAY) is False
    job.refresh_from_db()
    assert job.state == GenerationJob.State.FAILED and "RuntimeError" in job.error and job.is_finished


def test_earlier_years_of_the_trend_may_come_from_the_cache_but_the_year_itself_never(organisation, settings):
    from django.core.cache import cache

    from plein.oaths.tests.factories import taken

    settings.PLEIN = {**settings.PLEIN, "ANNUAL_REPORT_TREND_CACHE_SECONDS": 60}
    cache.clear()
    someone = person(organisation, "2101", dt.date(2022, 1, 1))
    newcomer = person(organisation, "2102", dt.date(2024, 2, 1))
    with travel(TODAY):
        first = selectors.build_report(organisation, 2024, today=TODAY)
    taken(someone, dt.date(2023, 3, 1))  # a late registration for 2023
    taken(newcomer, dt.date(2024, 3, 1))
    with travel(TODAY):
        second = selectors.build_report(organisation, 2024, today=TODAY)
        report_2023 = selectors.build_report(organisation, 2023, today=TODAY)
    assert first["trends"]["series"]["oath.sworn"][-2:] == [0, 0]
    assert second["trends"]["series"]["oath.sworn"][-2:] == [0, 1]  # 2023 from the cache; 2024 counted afresh
    assert second["oath"]["sworn"] == 1
    assert report_2023["oath"]["sworn"] == 1  # a report's own year is never taken from the cache
    cache.clear()
