"""Building records for the annual report's tests through the other apps' own services, importers and factories.

The annual report only reads; these helpers write the registers the way the product does (an import, a submission
through the reporting channel's service, the apps' factories), so the figures are checked against real records.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import time_machine

from plein.core.models import Employee, Position
from plein.core.tests.factories import EmployeeFactory, RoleAssignmentFactory, StructureRoleFactory, UserFactory

AMS = ZoneInfo("Europe/Amsterdam")


def at(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMS)


def travel(when):
    """time_machine at ``when`` (a date is noon in Amsterdam), without ticking."""
    if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
        when = at(when.year, when.month, when.day)
    return time_machine.travel(when, tick=False)


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


def run_import(importer, header: list[str], rows: list[list]):
    result = importer.run(csv_bytes(header, rows), filename="import.csv")
    assert not result.errors, [(e.line, e.column, str(e.message)) for e in result.errors]
    return result


def person(organisation, number: str, start, *, end=None, kind="vast", position: Position | None = None) -> Employee:
    """An employee with exactly these dates (the core factory would draw a start date relative to today)."""
    fields = {"position": position} if position is not None else {}
    return EmployeeFactory(
        organisation=organisation,
        personnel_number=number,
        start_date=start,
        end_date=end,
        employment_type=kind,
        **fields,
    )


def account(organisation, *roles):
    """A login with roles and no employee record, so that it does not change any count of employees."""
    user = UserFactory()
    for role in roles:
        RoleAssignmentFactory(organisation=organisation, user=user, role=role)
    return user


def structure(organisation, kind: str, name: str, **fields):
    return StructureRoleFactory(organisation=organisation, kind=kind, name=name, employee=None, **fields)


# --- the reporting channel ------------------------------------------------------------------------------------------


def set_up_reporting(organisation, *codes: str) -> dict:
    """Reporting set up, with a channel per code; returns {code: channel} and the recovery key under "_recovery"."""
    from plein.reports import crypto, services
    from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

    _record, text = services.set_up_reporting(organisation=organisation, actor=None)
    channels = {
        code: services.create_channel(
            organisation=organisation,
            actor=None,
            code=code,
            name=f"Kanaal {code}",
            description="Wat u hier kunt melden.",
            questionnaire=DEFAULT_QUESTIONNAIRE,
            anonymity_allowed=True,
            retention_days=365,
            category="",
            is_active=True,
            order=i,
        )
        for i, code in enumerate(codes)
    }
    return {"channels": channels, "recovery": crypto.parse_recovery_key(text)}


def submit_report(channel, received_at: dt.datetime, *, mode: str = "anonymous"):
    from plein.reports import services

    return services.submit_report(
        channel=channel,
        mode=mode,
        answers=[{"key": "wat", "label": "Wat is er gebeurd?", "value": "Iets dat niet klopt."}],
        identity=None if mode == "anonymous" else {"name": "Mel Der"},
        form_token=services.issue_form_token(),
        received_at=received_at,
    ).report


def acknowledge(report, setup: dict, actor, when: dt.datetime):
    """Confirm receipt at ``when`` through the reporting channel's service (the key comes from the recovery key)."""
    from plein.reports import services
    from plein.reports.tests.conftest import Reporting, report_key_via_recovery

    key = report_key_via_recovery(Reporting(report.organisation, setup["recovery"], ""), report)
    with travel(when):
        return services.acknowledge_report(report=report, actor=actor, report_key=key)
