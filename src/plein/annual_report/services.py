"""Writes of the annual report: texts, the approval flow, publication, the integrity plan and file jobs.

Keyword-only arguments, ``transaction.atomic``, and an audit event for every change. The flow:

    draft ──submit──▶ awaiting approval ──approve──▶ approved ──publish──▶ published
      ▲                    │                            │                    │
      └────── reopen ──────┴────────────────────────────┴────────────────────┘

Texts can be edited while the report is a draft or awaits approval (editing sends it back to draft). Approval
freezes them; publishing freezes the figures too (``AnnualReport.snapshot``). Reopening (the competent authority)
withdraws an approval or a publication, so that the report can be corrected and approved again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.annual_report import selectors
from plein.annual_report.models import AnnualReport, GenerationJob, PlanAction, ReportText
from plein.annual_report.sections import FIGURE_KEYS, SECTION_CODES
from plein.core.models import Organisation, User
from plein.core.services.audit import record_event

logger = logging.getLogger(__name__)

MAX_TEXT = 20_000
JOB_KEEP_HOURS = 24


def _role(user: User | None) -> str:
    from plein.core import roles as R
    from plein.core.selectors import user_roles

    if user is None:
        return ""
    held = user_roles(user)
    for code in (R.INTEGRITY_COORDINATOR, R.COMPETENT_AUTHORITY, R.AUDITOR):
        if code in held:
            return code
    return ""


def _audit(actor: User | None, action: str, report: AnnualReport | None = None, **data) -> None:
    record_event(
        actor=actor,
        action=action,
        organisation=report.organisation if report else data.pop("organisation", None),
        target=report,
        role=_role(actor),
        data=data,
    )


def get_or_create_report(*, organisation: Organisation, year: int, today: dt.date | None = None) -> AnnualReport:
    selectors.check_year(year, today=today)
    report, _created = AnnualReport.objects.get_or_create(organisation=organisation, year=year)
    return report


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().get(pk=report.pk)


def save_texts(
    *,
    organisation: Organisation,
    year: int,
    actor: User | None,
    section: str,
    narrative: str,
    comments: dict[str, str],
    today: dt.date | None = None,
) -> AnnualReport:
    """Store a section's narrative and the meaning of its figures. Empty texts are removed."""
    if section not in SECTION_CODES:
        raise ValidationError(_("This section does not exist."))
    unknown = set(comments) - set(FIGURE_KEYS)
    if unknown:
        raise ValidationError(_("These figures do not exist: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    for text in [narrative, *comments.values()]:
        if len(text) > MAX_TEXT:
            raise ValidationError(_("A text can be at most %(n)d characters long.") % {"n": MAX_TEXT})
    with transaction.atomic():
        report = _locked(get_or_create_report(organisation=organisation, year=year, today=today))
        if not report.is_editable:
            raise ValidationError(
                _(
                    "The report of %(year)d has been approved, so its texts can no longer change. Ask the competent authority to reopen it."
                )
                % {"year": year}
            )
        changed = 0
        entries = [(ReportText.Kind.SECTION, section, narrative)]
        entries += [(ReportText.Kind.FIGURE, key, text) for key, text in comments.items()]
        existing = {(t.kind, t.key): t for t in ReportText.objects.filter(report=report)}
        for kind, key, text in entries:
            text = text.strip()
            current = existing.get((kind, key))
            if current is None and text:
                ReportText.objects.create(report=report, kind=kind, key=key, text=text, updated_by=actor)
                changed += 1
            elif current is not None and not text:
                current.delete()
                changed += 1
            elif current is not None and current.text != text:
                current.text, current.updated_by = text, actor
                current.save(update_fields=["text", "updated_by", "updated_at"])
                changed += 1
        if changed and report.status == AnnualReport.Status.SUBMITTED:
            # A change after submitting needs a new submission: the approver must see what they approve.
            report.status, report.submitted_at, report.submitted_by = AnnualReport.Status.DRAFT, None, None
            report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        else:
            report.save(update_fields=["updated_at"])
        _audit(actor, "annual_report.texts_saved", report, year=year, section=section, changed=changed)
    return report


def _transition(report: AnnualReport, *, allowed_from: tuple[str, ...], message: str) -> AnnualReport:
    locked = _locked(report)
    if locked.status not in allowed_from:
        raise ValidationError(message)
    return locked


def submit(*, report: AnnualReport, actor: User) -> AnnualReport:
    with transaction.atomic():
        report = _transition(
            report,
            allowed_from=(AnnualReport.Status.DRAFT,),
            message=_("Only a draft can be submitted for approval."),
        )
        report.status = AnnualReport.Status.SUBMITTED
        report.submitted_at, report.submitted_by = timezone.now(), actor
        report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        _audit(actor, "annual_report.submitted", report, year=report.year)
    return report


def approve(*, report: AnnualReport, actor: User) -> AnnualReport:
    with transaction.atomic():
        report = _transition(
            report,
            allowed_from=(AnnualReport.Status.SUBMITTED,),
            message=_("Only a report that awaits approval can be approved."),
        )
        report.status = AnnualReport.Status.APPROVED
        report.approved_at, report.approved_by = timezone.now(), actor
        report.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
        _audit(actor, "annual_report.approved", report, year=report.year)
    return report


def publish(*, report: AnnualReport, actor: User | None, today: dt.date | None = None) -> AnnualReport:
    """Freeze the published version (figures with small counts hidden, texts, scorecard, plan) and publish it.

    The PDF is rendered from that snapshot in the background (``tasks.render_published_pdf``), so that the public
    download is always the same document.
    """
    with transaction.atomic():
        report = _transition(
            report,
            allowed_from=(AnnualReport.Status.APPROVED,),
            message=_("Only an approved report can be published."),
        )
        data = selectors.build_report(report.organisation, report.year, published=True, today=today)
        report.snapshot = {"data": data, "texts": selectors.texts_of(report)}
        report.published_pdf = b""
        report.status = AnnualReport.Status.PUBLISHED
        report.published_at, report.published_by = timezone.now(), actor
        report.save(update_fields=["snapshot", "published_pdf", "status", "published_at", "published_by", "updated_at"])
        _audit(
            actor, "annual_report.published", report, year=report.year, suppressed=len(data["privacy"]["suppressed"])
        )

        def render_later(pk=report.pk):
            from plein.annual_report.tasks import render_published_pdf

            render_published_pdf.enqueue(pk)

        transaction.on_commit(render_later)
    return report


def reopen(*, report: AnnualReport, actor: User) -> AnnualReport:
    with transaction.atomic():
        report = _transition(
            report,
            allowed_from=(AnnualReport.Status.SUBMITTED, AnnualReport.Status.APPROVED, AnnualReport.Status.PUBLISHED),
            message=_("This report is already a draft."),
        )
        was = report.status
        report.status = AnnualReport.Status.DRAFT
        report.submitted_at = report.submitted_by = None
        report.approved_at = report.approved_by = None
        report.published_at = report.published_by = None
        report.snapshot, report.published_pdf = {}, b""
        report.save()
        _audit(actor, "annual_report.reopened", report, year=report.year, was=was)
    return report


def store_published_pdf(*, report_id: int) -> bool:
    """Render and keep the PDF of a published report (idempotent: an existing PDF is kept)."""
    from plein.annual_report import rendering

    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or not report.is_published or report.published_pdf:
            return False
        snapshot = report.snapshot
        pdf = rendering.render("pdf", snapshot["data"], snapshot["texts"])
        AnnualReport.objects.filter(pk=report.pk).update(published_pdf=pdf)
    return True


# --- the integrity plan --------------------------------------------------------------------------------------------

PLAN_FIELDS = ("title", "theme", "owner", "planned_year", "planned_quarter", "status", "note", "module", "order")


def create_plan_action(*, organisation: Organisation, actor: User | None, **fields) -> PlanAction:
    with transaction.atomic():
        action = PlanAction(organisation=organisation, **{k: v for k, v in fields.items() if k in PLAN_FIELDS})
        action.full_clean()
        action.save()
        record_event(
            actor=actor,
            action="annual_report.plan_action_created",
            organisation=organisation,
            target=action,
            role=_role(actor),
        )
    return action


def update_plan_action(*, action: PlanAction, actor: User | None, **fields) -> PlanAction:
    with transaction.atomic():
        changed = []
        for key, value in fields.items():
            if key in PLAN_FIELDS and getattr(action, key) != value:
                setattr(action, key, value)
                changed.append(key)
        if changed:
            action.full_clean()
            action.save()
            record_event(
                actor=actor,
                action="annual_report.plan_action_changed",
                organisation=action.organisation,
                target=action,
                role=_role(actor),
                data={"fields": sorted(changed)},
            )
    return action


def delete_plan_action(*, action: PlanAction, actor: User | None) -> None:
    with transaction.atomic():
        record_event(
            actor=actor,
            action="annual_report.plan_action_deleted",
            organisation=action.organisation,
            target=action,
            role=_role(actor),
        )
        action.delete()


# --- files made in the background ----------------------------------------------------------------------------------


def request_file(
    *, organisation: Organisation, year: int, fmt: str, published: bool, actor: User, today: dt.date | None = None
) -> GenerationJob:
    """Queue the making of a report file; ``tasks.generate_report_file`` does the work and reports progress."""
    from plein.annual_report.rendering import FORMATS

    if fmt not in FORMATS:
        raise ValidationError(_("Choose PDF, Word, HTML or JSON."))
    selectors.check_year(year, today=today)
    with transaction.atomic():
        cutoff = timezone.now() - dt.timedelta(hours=JOB_KEEP_HOURS)
        GenerationJob.objects.filter(organisation=organisation, created_at__lt=cutoff).delete()
        job = GenerationJob.objects.create(
            organisation=organisation,
            year=year,
            format=fmt,
            published=published,
            requested_by=actor,
            step=_("Waiting to start"),
        )
        record_event(
            actor=actor,
            action="annual_report.file_requested",
            organisation=organisation,
            target=job,
            role=_role(actor),
            data={"year": year, "format": fmt, "published": published},
        )

        def enqueue(pk=job.pk):
            from plein.annual_report.tasks import generate_report_file

            generate_report_file.enqueue(pk)

        transaction.on_commit(enqueue)
    return job


def _job_progress(job_id: int):
    def report(percent: int, step: str) -> None:
        GenerationJob.objects.filter(pk=job_id).update(progress=percent, step=str(step)[:200])

    return report


def run_job(*, job_id: int, today: dt.date | None = None) -> bool:
    """Make the file of a job. Idempotent: a finished job is left alone; a failure is recorded on the job."""
    from plein.annual_report import rendering

    claimed = GenerationJob.objects.filter(pk=job_id, state=GenerationJob.State.QUEUED).update(
        state=GenerationJob.State.RUNNING, progress=5, step=_("Collecting the figures")
    )
    if not claimed:
        return False
    job = GenerationJob.objects.select_related("organisation").get(pk=job_id)
    progress = _job_progress(job_id)
    try:
        report = selectors.report_for(job.organisation, job.year)
        if job.published and report is not None and report.is_published:
            data, texts = report.snapshot["data"], report.snapshot["texts"]
        else:
            data = selectors.build_report(job.organisation, job.year, published=job.published, today=today)
            texts = selectors.texts_of(report)
        progress(40, _("Figures collected"))
        content = rendering.render(job.format, data, texts, progress=progress)
    except Exception as exc:  # the status page must say it failed instead of waiting forever
        GenerationJob.objects.filter(pk=job_id).update(
            state=GenerationJob.State.FAILED,
            error=_(
                "Making the file failed (%(error)s). Try again; if it fails again, tell the functional administrator."
            )
            % {"error": type(exc).__name__},
            finished_at=timezone.now(),
        )
        logger.exception("annual report file job %s failed", job_id)
        return False
    GenerationJob.objects.filter(pk=job_id).update(
        state=GenerationJob.State.DONE, progress=100, step=_("Ready"), content=content, finished_at=timezone.now()
    )
    return True
