"""./plein purge_deliberation_content: a dry-run preview, then the deletion; and the same as a background task."""

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from plein.core.tests.factories import EmployeeFactory
from plein.deliberation.models import Action, Stakeholder
from plein.deliberation.tasks import purge_deliberation_content
from plein.deliberation.tests.factories import FacilitatorFactory, SessionFactory, held, participant

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def old_session(organisation):
    session = SessionFactory(organisation=organisation, facilitators=[FacilitatorFactory(organisation=organisation)])
    participant(session, employee=EmployeeFactory(organisation=organisation))
    session.case_description = "Een geheime casus"
    session.save()
    Stakeholder.objects.create(session=session, name="Inwoners")
    Action.objects.create(session=session, description="Regeling nalezen", owner="Teamleider")
    held(session, date(2024, 3, 1))
    session.closed_at = datetime.combine(date(2024, 3, 1), time(12), tzinfo=AMS)
    session.save()
    return session


def run(*args) -> str:
    out = StringIO()
    call_command("purge_deliberation_content", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_without_deleting_then_the_real_run_deletes(old_session):
    output = run("--dry-run", "--date", "2025-03-02")
    assert f"session {old_session.pk}" in output and "Dry run" in output
    assert "geheime" not in output.lower()  # ids and dates only, never content
    assert Stakeholder.objects.filter(session=old_session).exists()
    assert "0 sessions" in run("--date", "2025-02-28")  # one day too early: the retention period is 12 months
    output = run("--date", "2025-03-02")
    old_session.refresh_from_db()
    assert old_session.case_description == "" and old_session.content_deleted_at is not None
    assert not Stakeholder.objects.filter(session=old_session).exists()
    assert Action.objects.filter(session=old_session).count() == 1
    assert "1 sessions" in output or "1 session" in output


def test_a_shorter_retention_period_from_the_settings(old_session, settings):
    settings.PLEIN = {**settings.PLEIN, "DELIBERATION_RETENTION_MONTHS": 1}
    assert f"session {old_session.pk}" in run("--dry-run", "--date", "2024-04-02")


def test_bad_arguments_get_a_clear_message(old_session):
    with translation.override("en"):
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            run("--date", "1 maart")
        with pytest.raises(CommandError, match="no organisation"):
            run("--organisation", "nergens")


def test_the_background_task(old_session):
    result = purge_deliberation_content.enqueue("2025-03-02")
    assert result.return_value == {"sessions": 1, "requests": 0, "polls_closed": 0}
    old_session.refresh_from_db()
    assert old_session.content_deleted_at is not None
