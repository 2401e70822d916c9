"""Receivers of the reporting channel's signals: every report gets its case, in the report's own transaction."""

from django.dispatch import receiver

from plein.reports.models import Report
from plein.reports.signals import report_acknowledged, report_received


@receiver(report_received, sender=Report, dispatch_uid="dossiers.create_case")
def _create_case(sender, report, **kwargs):
    from plein.dossiers.services import create_case

    create_case(report=report)


@receiver(report_acknowledged, sender=Report, dispatch_uid="dossiers.acknowledged")
def _acknowledged(sender, report, actor=None, **kwargs):
    from plein.dossiers.services import on_acknowledged

    on_acknowledged(report=report, actor=actor)
