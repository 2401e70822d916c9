"""What the inbox and the report page cost per request (issue 12): the work that is done once, not per row or twice.

No timings here (the benchmark scripts measure speed): these tests pin the cheaper shape of the pages and that the
inbox rows, worked out in Python, read exactly as the template filters wrote them before.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from plein.reports.models import Report
from plein.reports.tests.conftest import unlock

pytestmark = pytest.mark.django_db


def _report_selects(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT") and 'FROM "reports_report"' in q["sql"]]


def test_the_inbox_loads_no_ciphertext(client, handler, channel, submit):
    submit(channel, mode="named", identity={"name": "Nina Naam"})
    client.force_login(handler)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:inbox")).status_code == 200
    selects = _report_selects(queries)
    assert selects and not [sql for sql in selects if "ciphertext" in sql]


def test_the_report_page_loads_the_report_once_and_checks_access_in_one_query(client, handler, channel, submit):
    report = submit(channel).report
    unlock(client, handler)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:report", args=[report.pk])).status_code == 200
    assert len(_report_selects(queries)) == 1
    key_checks = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "reports_reportkey" in q["sql"]]
    membership_checks = [q["sql"] for q in queries if q["sql"].startswith('SELECT 1 AS "a" FROM "reports_channel')]
    # The permission check (report key and team membership in one query) and the unwrapping of the key.
    assert len(key_checks) == 2 and not membership_checks


@pytest.mark.parametrize("language", ["nl", "en"])
def test_inbox_rows_read_as_the_template_filters_wrote_them(client, handler, channel, submit, language):
    from plein.dossiers.models import Case

    today = timezone.localdate()
    waiting = submit(channel).report  # receipt not confirmed yet
    extended = submit(channel).report  # confirmed, feedback term extended and overdue
    acknowledged_at = timezone.now() - dt.timedelta(days=40)
    Report.objects.filter(pk=extended.pk).update(acknowledged_at=acknowledged_at)
    Case.objects.filter(report=extended).update(
        feedback_due=today - dt.timedelta(days=3), extended_at=timezone.now() - dt.timedelta(days=10)
    )
    waiting.refresh_from_db()
    extended.refresh_from_db()
    client.force_login(handler)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        body = client.get(reverse("reports:inbox")).content.decode()
        assert f'lang="{language}"' in body
        done, extended_label = translation.gettext("done"), translation.gettext("extended")
        after_receipt = translation.gettext("after confirming receipt")
        rows = body.split("<tbody", 1)[1].split("</tbody>", 1)[0]
        for report in (waiting, extended):
            assert f'href="{reverse("reports:report", args=[report.pk])}">{report.reference}</a>' in rows
            assert f'href="{reverse("dossiers:case", args=[report.pk])}">{report.case.get_stage_display()}</a>' in rows
            assert f'<td class="utrecht-table__cell">{report.get_mode_display()}</td>' in rows
            assert f'<td class="utrecht-table__cell">{report.get_status_display()}</td>' in rows
            assert f'<td class="utrecht-table__cell">{date_filter(report.received_at, "j F Y")}</td>' in rows
        assert f'<td class="utrecht-table__cell">{date_filter(waiting.acknowledge_before, "j F Y")}</td>' in rows
        assert f'<td class="utrecht-table__cell">{after_receipt}</td>' in rows
        assert f'<td class="utrecht-table__cell">{done}</td>' in rows
        due = date_filter(today - dt.timedelta(days=3), "j F Y")
        assert f'<td class="utrecht-table__cell">{due} ({extended_label})</td>' in rows
        assert f'<strong class="plein-overdue">{due} (' in rows
