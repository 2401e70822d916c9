"""Every report stored before this app existed gets its case, with the stage its status implies."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import migrations
from django.utils import timezone

STAGE_OF_STATUS = {
    "received": "ontvangen",
    "acknowledged": "ontvangstbevestiging",
    "in_progress": "beoordeling",
    "closed": "afgesloten",
}


def forwards(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Case = apps.get_model("dossiers", "Case")
    CaseEvent = apps.get_model("dossiers", "CaseEvent")
    months = int(settings.PLEIN["FEEDBACK_MONTHS"])
    for report in Report.objects.filter(case__isnull=True).iterator():
        feedback_due = None
        if report.acknowledged_at is not None:
            feedback_due = timezone.localtime(report.acknowledged_at).date() + relativedelta(months=months)
        case = Case.objects.create(
            report=report,
            stage=STAGE_OF_STATUS.get(report.status, "ontvangen"),
            category=report.category,
            outcome=report.outcome if report.outcome in (
                "substantiated", "partly_substantiated", "not_substantiated", "not_investigated"
            ) else "",
            acknowledge_due=report.acknowledge_before,
            feedback_due=feedback_due,
        )
        CaseEvent.objects.create(case=case, kind="created", stage_to="ontvangen", created_at=report.received_at)
        if case.stage != "ontvangen":
            CaseEvent.objects.create(
                case=case,
                kind="stage",
                stage_from="ontvangen",
                stage_to=case.stage,
                created_at=report.closed_at or report.acknowledged_at or report.received_at + timedelta(seconds=1),
                data={"migrated": True},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_feedback_due_after_acknowledgement"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
