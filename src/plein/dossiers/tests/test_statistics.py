"""Statistics of case handling (issue 5, item 9): hand-counted figures, suppression, export content, access per role.

The data set (received in 2026 unless said otherwise; today is frozen at 30 June 2026):

=====  =========  ==========  ============  ===============  =============  ============  ===================
case   channel    received    acknowledged  feedback given   closed         stage         category / outcome
=====  =========  ==========  ============  ===============  =============  ============  ===================
1      misstand   5 Jan       8 Jan (3 d)   20 Mar (due 8/4)  25 Mar (79 d)  afgesloten    fraude / substantiated
2      misstand   10 Jan      20 Jan (10 d) 1 May (due 20/4)  10 May (120 d) afgesloten    fraude / not_subst.
3      misstand   1 Feb       6 Feb (5 d)   – (due 6/5)       –              onderzoek     corruptie / –
4      integrit.  25 Jun      – (due 2/7)   – (due 2/10)      –              ontvangen     – / –
5      integrit.  1 Mar       – (due 8/3)   – (due 8/6)       –              beoordeling   corruptie / –
6      integrit.  20 Dec 2025 21 Dec 2025   –                 –              beoordeling   fraude / –
=====  =========  ==========  ============  ===============  =============  ============  ===================

So for 2026: 5 cases; acknowledgement due for 1, 2, 3, 5 (4 is not due yet), on time 1 and 3: 2 of 4 = 50 %;
feedback due for 1, 2, 3, 5, on time only 1: 1 of 4 = 25 %; median days to acknowledgement of 3, 10, 5 = 5; to
closure of 79 and 120 = 99.5.
"""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.dossiers import statistics
from plein.dossiers.models import Case, CaseCategory
from plein.reports.models import Channel, Report

TODAY = date(2026, 6, 30)
FROZEN = datetime(2026, 6, 30, 12, 0, tzinfo=timezone.get_default_timezone())
YEAR = statistics.Period(start=date(2026, 1, 1), end=date(2026, 12, 31))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def make_case(
    channel,
    received: date,
    *,
    acknowledged=None,
    feedback=None,
    closed=None,
    stage="ontvangen",
    category="",
    outcome="",
    number=[0],
):  # noqa: B006 - a counter for the references
    number[0] += 1
    ack_due = received + timedelta(days=7)
    feedback_due = (acknowledged or ack_due) + timedelta(days=90)
    report = Report.objects.create(
        organisation=channel.organisation,
        channel=channel,
        reference=f"T-{number[0]:05d}",
        mode=Report.Mode.ANONYMOUS,
        status=Report.Status.CLOSED if closed else Report.Status.RECEIVED,
        received_at=_at(received),
        acknowledge_before=ack_due,
        feedback_before=feedback_due,
        acknowledged_at=_at(acknowledged) if acknowledged else None,
        closed_at=_at(closed, 15) if closed else None,
        content_ciphertext=b"x",
    )
    Case.objects.update_or_create(
        report=report,
        defaults={
            "stage": stage,
            "category": category,
            "outcome": outcome,
            "acknowledge_due": ack_due,
            "feedback_due": feedback_due,
            "feedback_given_at": _at(feedback) if feedback else None,
        },
    )
    return report


@pytest.fixture
def cases(organisation):
    misstand = Channel.objects.create(organisation=organisation, code="misstand", name="Misstand", order=0)
    integriteit = Channel.objects.create(organisation=organisation, code="integriteit", name="Integriteit", order=1)
    Channel.objects.create(organisation=organisation, code="leeg", name="Leeg kanaal", order=2)
    CaseCategory.objects.create(organisation=organisation, code="fraude", label="Financieel wangedrag")
    CaseCategory.objects.create(organisation=organisation, code="corruptie", label="Corruptie en geschenken")
    d = date
    make_case(misstand, d(2026, 1, 5), acknowledged=d(2026, 1, 8), feedback=d(2026, 3, 20), closed=d(2026, 3, 25),
              stage="afgesloten", category="fraude", outcome="substantiated")  # fmt: skip
    make_case(misstand, d(2026, 1, 10), acknowledged=d(2026, 1, 20), feedback=d(2026, 5, 1), closed=d(2026, 5, 10),
              stage="afgesloten", category="fraude", outcome="not_substantiated")  # fmt: skip
    make_case(misstand, d(2026, 2, 1), acknowledged=d(2026, 2, 6), stage="onderzoek", category="corruptie")
    make_case(integriteit, d(2026, 6, 25))
    make_case(integriteit, d(2026, 3, 1), stage="beoordeling", category="corruptie")
    make_case(integriteit, d(2025, 12, 20), acknowledged=d(2025, 12, 21), stage="beoordeling", category="fraude")
    return organisation


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def test_hand_counted_figures(cases):
    figures = statistics.case_statistics(cases, YEAR, published=False)
    assert figures.received == 5
    assert figures.by_channel == {"misstand": 3, "integriteit": 2, "leeg": 0}
    assert figures.by_category == {"corruptie": 2, "fraude": 2, "unclassified": 1}
    assert {k: v for k, v in figures.by_stage.items() if v} == {
        "afgesloten": 2, "onderzoek": 1, "ontvangen": 1, "beoordeling": 1,
    }  # fmt: skip
    assert figures.by_stage["terugkoppeling"] == 0  # every stage is listed, also with zero
    assert figures.by_outcome == {
        "substantiated": 1, "partly_substantiated": 0, "not_substantiated": 1, "not_investigated": 0, "none": 3,
    }  # fmt: skip
    assert figures.median_days_to_acknowledgement == 5
    assert figures.median_days_to_closure == 99.5
    assert (figures.acknowledgement.due, figures.acknowledgement.on_time, figures.acknowledgement.late) == (4, 2, 2)
    assert figures.acknowledgement.percentage == 50.0
    assert (figures.feedback.due, figures.feedback.on_time, figures.feedback.late) == (4, 1, 3)
    assert figures.feedback.percentage == 25.0


def test_filter_by_period_and_channel(cases):
    figures = statistics.case_statistics(
        cases,
        statistics.Period(start=date(2026, 1, 1), end=date(2026, 1, 31), channel_code="misstand"),
        published=False,
    )
    assert figures.received == 2
    assert figures.by_channel == {"misstand": 2}
    assert figures.median_days_to_acknowledgement == 6.5
    everything = statistics.case_statistics(cases, statistics.Period(), published=False)
    assert everything.received == 6
    assert everything.by_channel == {"misstand": 3, "integriteit": 3, "leeg": 0}


def test_a_day_boundary_is_the_local_date(cases):
    """A report received at 00:30 in Amsterdam on 1 January (23:30 UTC the day before) belongs to the new year."""
    channel = Channel.objects.get(code="leeg")
    report = make_case(channel, date(2026, 1, 1))
    Report.objects.filter(pk=report.pk).update(received_at=_at(date(2026, 1, 1), 0) + timedelta(minutes=30))
    assert statistics.case_statistics(cases, YEAR, published=False).by_channel["leeg"] == 1
    december = statistics.Period(start=date(2025, 12, 1), end=date(2025, 12, 31), channel_code="leeg")
    assert statistics.case_statistics(cases, december, published=False).received == 0


def test_published_figures_hide_small_counts_with_the_annual_report_rule(cases):
    figures = statistics.case_statistics(cases, YEAR, published=True)  # threshold 5
    assert figures.threshold == 5
    assert figures.received == 5  # not small: 5 is not below 5
    assert figures.by_channel == {"misstand": None, "integriteit": None, "leeg": 0}  # zero stays visible
    assert set(figures.by_category.values()) == {None}
    assert figures.median_days_to_acknowledgement is None and figures.median_days_to_closure is None
    assert figures.acknowledgement.due is None and figures.acknowledgement.percentage is None
    assert "by_channel.misstand" in figures.suppressed and "acknowledgement_deadline" in figures.suppressed


def test_secondary_suppression_and_a_configured_threshold(cases, settings):
    settings.PLEIN = {**settings.PLEIN, "SMALL_COUNT_THRESHOLD": 2}
    figures = statistics.case_statistics(cases, YEAR, published=True)
    assert figures.threshold == 2
    # fraude 2, corruptie 2, unclassified 1: one small cell, so the smallest other one is hidden as well.
    assert figures.by_category == {"corruptie": None, "fraude": 2, "unclassified": None}
    assert figures.by_channel == {"misstand": 3, "integriteit": 2, "leeg": 0}
    assert figures.median_days_to_acknowledgement == 5  # rests on 3 cases
    assert figures.acknowledgement.percentage == 50.0


def test_a_small_total_is_hidden_when_a_filter_narrows_it(cases):
    figures = statistics.case_statistics(cases, statistics.Period(channel_code="misstand"), published=True)
    assert figures.received is None
    assert "received" in figures.suppressed


def test_annual_figures_keys_for_the_annual_report(cases):
    figures = statistics.annual_figures(cases, 2026)
    assert figures["year"] == 2026
    assert figures["feedback_within_term"] == 1
    assert figures["feedback_given"] == 2
    assert figures["feedback_late"] == 3
    assert figures["closed"] == 2
    assert figures["substantiated"] == 1
    assert figures["not_substantiated"] == 1
    assert figures["partly_substantiated"] == 0
    assert figures["median_days_to_closure"] == 99.5
    assert statistics.annual_figures(cases, 2025)["feedback_within_term"] == 0


def test_the_query_count_does_not_grow_with_the_cases(cases, django_assert_num_queries):
    with django_assert_num_queries(3):
        statistics.case_statistics(cases, YEAR)
    channel = Channel.objects.get(code="leeg")
    for i in range(20):
        make_case(channel, date(2026, 4, 1) + timedelta(days=i), acknowledged=date(2026, 4, 2) + timedelta(days=i))
    with django_assert_num_queries(3):
        statistics.case_statistics(cases, YEAR)


# --- Pages and exports ----------------------------------------------------------------------------------------

PAGE = "dossiers_oversight:statistics"
HIDDEN = ("fewer than 5", "minder dan 5")  # the page's language follows the browser; Dutch is the default


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (R.INTEGRITY_COORDINATOR, 200),
        (R.AUDITOR, 200),
        (R.EMPLOYEE, 403),
        (R.MANAGER, 403),
        (R.CONFIDENTIAL_ADVISER, 403),
        (R.INVESTIGATOR, 403),
        (R.COMPETENT_AUTHORITY, 403),
        (R.HR, 403),
        (R.FACILITATOR, 403),
        (R.EDITOR, 403),
        (R.FUNCTIONAL_ADMIN, 403),
    ],
)
def test_who_sees_the_statistics(client, cases, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get(reverse(PAGE)).status_code == status
    assert client.get(reverse("dossiers_oversight:statistics_export", args=["csv"])).status_code == status


def test_anonymous_visitors_go_to_the_login_page(client, cases):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_auditor_sees_only_published_figures(client, cases, make_user):
    client.force_login(make_user(R.AUDITOR))
    response = client.get(reverse(PAGE), {"van": "2026-01-01", "tot": "2026-12-31", "weergave": "exact"})
    assert response.status_code == 200
    assert response.context["figures"].published is True
    assert "weergave" not in response.context["form"].fields
    assert response.context["figures"].by_channel["misstand"] is None
    assert any(text in response.content.decode() for text in HIDDEN)


def test_the_coordinator_can_see_exact_counts_and_it_is_audited(client, cases, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    client.force_login(ic)
    response = client.get(reverse(PAGE), {"van": "2026-01-01", "tot": "2026-12-31", "weergave": "exact"})
    figures = response.context["figures"]
    assert figures.published is False and figures.by_channel["misstand"] == 3
    event = AuditEvent.objects.filter(action="dossiers.statistics_viewed", actor=ic).latest("seq")
    assert event.data == {"published": False, "start": "2026-01-01", "end": "2026-12-31", "channel": ""}
    assert event.role == R.INTEGRITY_COORDINATOR


def test_a_period_that_ends_before_it_starts_gets_a_clear_message(client, cases, make_user):
    client.force_login(make_user(R.INTEGRITY_COORDINATOR))
    response = client.get(reverse(PAGE), {"van": "2026-05-01", "tot": "2026-04-01"})
    assert response.status_code == 200
    assert response.context["figures"] is None
    errors = response.context["form"].non_field_errors()
    assert errors and str(errors[0]) in response.content.decode()


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_holds_the_figures(client, cases, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    client.force_login(ic)
    url = reverse("dossiers_oversight:statistics_export", args=["csv"])
    response = client.get(url, {"van": "2026-01-01", "tot": "2026-12-31", "weergave": "exact"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "statistieken-meldingen-2026-01-01-2026-12-31-exact.csv" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["onderdeel", "code", "omschrijving", "waarde"]
    values = {(r[0], r[1]): r[3] for r in rows[1:]}
    assert values[("total", "received")] == "5"
    assert values[("by_channel", "misstand")] == "3"
    assert values[("by_channel", "leeg")] == "0"
    assert values[("by_category", "fraude")] == "2"
    assert values[("by_outcome", "substantiated")] == "1"
    assert values[("duration", "median_days_to_closure")] == "99.5"
    assert values[("acknowledgement_deadline", "percentage_on_time")] == "50.0"
    assert values[("feedback_deadline", "percentage_on_time")] == "25.0"
    labels = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert labels[("by_category", "fraude")] == "Financieel wangedrag"
    event = AuditEvent.objects.filter(action="dossiers.statistics_exported").latest("seq")
    assert event.data["format"] == "csv" and event.data["published"] is False


def test_published_xlsx_export_hides_small_counts(client, cases, make_user):
    client.force_login(make_user(R.AUDITOR))
    url = reverse("dossiers_oversight:statistics_export", args=["xlsx"])
    response = client.get(url, {"van": "2026-01-01", "tot": "2026-12-31"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {(r[0], r[1]): r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("total", "received")] == 5
    assert values[("by_channel", "misstand")] in HIDDEN
    assert values[("by_channel", "leeg")] == 0


def test_an_unknown_export_format_is_not_found(client, cases, make_user):
    client.force_login(make_user(R.INTEGRITY_COORDINATOR))
    assert client.get(reverse("dossiers_oversight:statistics_export", args=["pdf"])).status_code == 404
