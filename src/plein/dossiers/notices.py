"""Reminders before each deadline and escalation when one is missed. Content-free e-mail plus start-page items.

Planning is idempotent through the unique ``DeadlineNotice`` (case, kind, deadline): a notice is planned once, and
delivered once under a row lock (``sent_at``). An extension gives a new deadline, so a new reminder. Mails name the
channel and the reference only, never content, with a link to the case.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import RoleAssignment, User
from plein.core.services.audit import record_event
from plein.dossiers import selectors, workflow
from plein.dossiers.models import Case, CaseEvent, DeadlineNotice
from plein.reports.models import ReportKey

K = DeadlineNotice.Kind
ESCALATION_ROLES = (R.INTEGRITY_COORDINATOR, R.COMPETENT_AUTHORITY)


def due_notices(case: Case, today: date) -> list[tuple[str, date]]:
    """Which notices the case needs today: (kind, deadline)."""
    config = workflow.workflow_of(case.report.channel)
    out = []
    if case.report.acknowledged_at is None:
        due = case.acknowledge_due
        if today > due:
            out.append((K.ACK_ESCALATION, due))
        elif today >= due - timedelta(days=config.acknowledgement_reminder_days):
            out.append((K.ACK_REMINDER, due))
    elif case.feedback_given_at is None and case.feedback_due is not None:
        due = case.feedback_due
        if today > due:
            out.append((K.FEEDBACK_ESCALATION, due))
        elif today >= due - timedelta(days=config.feedback_reminder_days):
            out.append((K.FEEDBACK_REMINDER, due))
    return out


def plan(*, today: date | None = None, organisation=None) -> list[int]:
    """Create the notices due today that do not exist yet; returns the ids of unsent notices (new or left over)."""
    today = today or timezone.localdate()
    for case in selectors.open_cases(organisation).iterator(chunk_size=500):
        for kind, due in due_notices(case, today):
            try:
                with transaction.atomic():
                    DeadlineNotice.objects.create(case=case, kind=kind, due=due, created_at=timezone.now())
            except IntegrityError:
                pass  # planned before: never twice
    unsent = DeadlineNotice.objects.filter(sent_at__isnull=True)
    if organisation is not None:
        unsent = unsent.filter(case__report__organisation=organisation)
    return list(unsent.order_by("pk").values_list("pk", flat=True))


def recipients(notice: DeadlineNotice) -> list[User]:
    """Reminders: the case's assignees (with stand-ins), else its team. Escalation: the coordinator and competent
    authority among those who hold the key (so nobody the reporter excluded), else the whole team."""
    case = notice.case
    holders = User.objects.filter(
        is_active=True,
        report_keys__report_id=case.report_id,
        report_keys__kind=ReportKey.Kind.HANDLER,
        channel_memberships__channel_id=case.report.channel_id,
    ).distinct()
    if notice.kind in (K.ACK_REMINDER, K.FEEDBACK_REMINDER):
        assigned = holders.filter(pk__in=selectors.active_assignments(case).values("user_id"))
        chosen = assigned if assigned.exists() else holders
    else:
        leads = RoleAssignment.objects.filter(
            organisation_id=case.report.organisation_id, role__in=ESCALATION_ROLES, revoked_at__isnull=True
        ).values("user_id")
        escalate = holders.filter(pk__in=leads)
        chosen = escalate if escalate.exists() else holders
    return [u for u in chosen.order_by("pk") if u.email]


def _subject_and_body(notice: DeadlineNotice, link: str) -> tuple[str, str]:
    case = notice.case
    channel = case.report.channel.name
    escalation = notice.kind in (K.ACK_ESCALATION, K.FEEDBACK_ESCALATION)
    what = (
        _("confirming receipt")
        if notice.kind in (K.ACK_REMINDER, K.ACK_ESCALATION)
        else _("giving feedback to the reporter")
    )
    if escalation:
        subject = _("Integriteitsplein: a legal deadline was missed")
        first = _("The deadline for %(what)s of case %(reference)s in channel %(channel)s was %(date)s and has passed.")
    else:
        subject = _("Integriteitsplein: a case needs attention")
        first = _("The deadline for %(what)s of case %(reference)s in channel %(channel)s is %(date)s.")
    body = "\n\n".join(
        [
            first
            % {
                "what": what,
                "reference": case.report.reference,
                "channel": channel,
                "date": notice.due.strftime("%d-%m-%Y"),
            },
            _("Open the case (your vault passphrase is needed): %(link)s") % {"link": link},
            _("This message holds no content of the report on purpose."),
        ]
    )
    return subject, body


def deliver(*, notice_id: int) -> bool:
    """Send one notice, once. True when it was sent now."""
    with transaction.atomic():
        notice = (
            DeadlineNotice.objects.select_for_update()
            .select_related("case__report__channel", "case__report__organisation")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.sent_at is not None:
            return False
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
        link = base + reverse("dossiers:case", args=[notice.case.report_id])
        people = recipients(notice)
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _subject_and_body(notice, link)
            if people:
                send_mail(subject, body, None, [u.email for u in people])
        now = timezone.now()
        notice.sent_at = now
        notice.recipients = len(people)
        notice.save(update_fields=["sent_at", "recipients"])
        escalation = notice.kind in (K.ACK_ESCALATION, K.FEEDBACK_ESCALATION)
        CaseEvent.objects.create(
            case=notice.case,
            kind=CaseEvent.Kind.ESCALATION if escalation else CaseEvent.Kind.REMINDER,
            created_at=now,
            data={"notice": notice.kind, "due": notice.due.isoformat(), "recipients": len(people)},
        )
        record_event(
            actor=None,
            action="dossiers.deadline_notice_sent",
            organisation=notice.case.report.organisation,
            target=notice.case,
            data={"report": notice.case.report_id, "kind": notice.kind, "recipients": len(people)},
        )
    return True
