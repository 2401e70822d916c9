"""Writes of Leren & bewustwording. Keyword-only arguments, one transaction each, an audit event for every change.

Every refusal is a ``ValidationError`` with a message for the user; nothing is saved then. The database constraints
back up the checks made here: one registration and one attendance per person and event. Registering locks the event
row, so that two people asking for the last place at the same moment cannot both get it (on PostgreSQL through
``SELECT ... FOR UPDATE``; SQLite serialises writing transactions, which begin IMMEDIATE, see settings).
"""

from __future__ import annotations

import time
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, OperationalError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import Employee, Organisation, User
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event
from plein.learning import conf, selectors
from plein.learning.dates import due_date
from plein.learning.models import Attendance, Course, Event, Kind, Registration, Reminder, Requirement

_ROLE_PREFERENCE = (R.INTEGRITY_COORDINATOR, R.HR, R.MANAGER, R.EMPLOYEE)


def acting_role(user: User | None) -> str:
    """The role in which ``user`` acts here, for the audit log."""
    if user is None:
        return ""
    roles = user_roles(user)
    return next((code for code in _ROLE_PREFERENCE if code in roles), "")


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _audit(actor, action: str, organisation, target=None, *, target_type: str = "", **data) -> None:
    record_event(
        actor=actor,
        action=action,
        organisation=organisation,
        target=target,
        target_type=target_type,
        role=acting_role(actor),
        data=data,
    )


# --- courses and events ---------------------------------------------------------------------------------------------

EVENT_FIELDS = (
    "code",
    "title",
    "kind",
    "course",
    "description",
    "date",
    "start_time",
    "end_time",
    "end_date",
    "location",
    "capacity",
    "audience",
    "organiser",
    "led_by",
    "registration_required",
    "in_public_feed",
    "module_url",
    "module_file",
)


def create_course(*, actor: User | None, organisation: Organisation, code: str, title: str, kind: str, description=""):
    code, title = (code or "").strip(), (title or "").strip()
    if not code or not title:
        raise ValidationError(_("Enter a code and a title."))
    if kind not in Kind.values:
        raise ValidationError(_("Choose a kind of activity."))
    if Course.objects.filter(organisation=organisation, code__iexact=code).exists():
        raise ValidationError(
            _("There is already a course with the code %(code)s. Choose another code.") % {"code": code}
        )
    with transaction.atomic():
        course = Course(organisation=organisation, code=code, title=title, kind=kind, description=description or "")
        course.full_clean(exclude=["organisation"])
        course.save()
        _audit(actor, "learning.course_created", organisation, course, code=code)
    return course


def _check_event(organisation: Organisation, fields: dict, *, instance: Event | None = None) -> dict:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    course = fields.get("course")
    if course is not None and course.organisation_id != organisation.pk:
        raise ValidationError(_("The course must belong to this organisation."))
    code = (fields.get("code") or "").strip()
    fields["code"] = code
    if code:
        clash = Event.objects.filter(organisation=organisation, code__iexact=code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise ValidationError(
                _("There is already an event with the code %(code)s. Choose another code.") % {"code": code}
            )
    if fields.get("end_date") and fields.get("date") and fields["end_date"] < fields["date"]:
        raise ValidationError(_("The end date cannot be before the date."))
    same_day = not fields.get("end_date") or fields.get("end_date") == fields.get("date")
    if same_day and fields.get("start_time") and fields.get("end_time") and fields["end_time"] <= fields["start_time"]:
        raise ValidationError(_("The end time must be after the start time."))
    if fields.get("kind") == Kind.ELEARNING:
        fields["registration_required"] = False
        fields["capacity"] = None
    return fields


def create_event(*, actor: User | None, organisation: Organisation, hosts=(), **fields) -> Event:
    fields = _check_event(organisation, fields)
    with transaction.atomic():
        event = Event(organisation=organisation, created_by=actor, **fields)
        event.full_clean(exclude=["organisation", "created_by", "course"])
        event.save()
        if hosts:
            event.hosts.set(hosts)
        _audit(actor, "learning.event_created", organisation, event, kind=event.kind, date=event.date.isoformat())
    return event


def update_event(*, actor: User | None, event: Event, hosts=None, **fields) -> Event:
    fields = _check_event(event.organisation, fields, instance=event)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        registered = event.registrations.filter(status=Registration.Status.REGISTERED).count()
        capacity = fields.get("capacity", event.capacity)
        if capacity is not None and capacity < registered:
            raise ValidationError(
                _("%(n)d people are registered already. The number of places cannot be lower than that.")
                % {"n": registered}
            )
        for name, value in fields.items():
            setattr(event, name, value)
        event.full_clean(exclude=["organisation", "created_by", "course"])
        event.save()
        if hosts is not None:
            event.hosts.set(hosts)
        _audit(actor, "learning.event_changed", event.organisation, event, fields=sorted(fields))
    return event


# --- registrations --------------------------------------------------------------------------------------------------


def _name(employee: Employee) -> str:
    return employee.full_name


LOCK_WAIT_SECONDS = 10


def _when_not_locked(write):
    """Run ``write`` (which opens its own transaction); on SQLite, again while the database answers "locked".

    A SQLite file waits for a writer itself (the busy timeout). SQLite in shared-cache memory mode (the test database,
    an in-memory demo) answers "database table is locked" at once instead; then this waits a moment and tries again,
    so that concurrent requests are serialised there too. Never inside an outer transaction, which the error spoils.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    nested = connection.in_atomic_block
    while True:
        try:
            return write()
        except OperationalError as exc:
            retry = connection.vendor == "sqlite" and not nested and "locked" in str(exc)
            if not retry or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def register(*, actor: User | None, event: Event, employee: Employee, now: datetime | None = None) -> Registration:
    """Give ``employee`` a place at ``event``. A full event or a second registration is refused with a message."""
    now = now or timezone.now()
    if event.organisation_id != employee.organisation_id:
        raise ValidationError(_("This person does not work for the organisation of this event."))
    if event.is_elearning or not event.registration_required:
        raise ValidationError(_("You do not need to register for this activity. Just come, or start the module."))
    if event.has_begun(now):
        raise ValidationError(_("This event has already started. You can no longer register."))
    return _when_not_locked(lambda: _register(actor=actor, event=event, employee=employee, now=now))


def _register(*, actor: User | None, event: Event, employee: Employee, now: datetime) -> Registration:
    with transaction.atomic():
        # The lock serialises registrations for one event, so that the capacity check holds.
        event = Event.objects.select_for_update().get(pk=event.pk)
        existing = Registration.objects.filter(event=event, employee=employee).first()
        if existing is not None and existing.status == Registration.Status.REGISTERED:
            raise ValidationError(
                _("%(name)s is already registered for this event. You do not need to register again.")
                % {"name": _name(employee)}
            )
        if event.capacity is not None:
            taken = Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count()
            if taken >= event.capacity:
                raise ValidationError(
                    _("This event is full: all %(n)d places are taken. Choose another date or ask the organiser.")
                    % {"n": event.capacity}
                )
        try:
            with transaction.atomic():
                if existing is not None:
                    existing.status = Registration.Status.REGISTERED
                    existing.registered_at = now
                    existing.registered_by = actor
                    existing.withdrawn_at = None
                    existing.save(update_fields=["status", "registered_at", "registered_by", "withdrawn_at"])
                    registration = existing
                else:
                    registration = Registration.objects.create(
                        event=event, employee=employee, registered_at=now, registered_by=actor
                    )
        except IntegrityError:
            raise ValidationError(
                _("%(name)s is already registered for this event. You do not need to register again.")
                % {"name": _name(employee)}
            ) from None
        _audit(actor, "learning.registered", event.organisation, registration, event=event.pk)
    return registration


def unregister(*, actor: User | None, event: Event, employee: Employee, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    if event.has_begun(now):
        raise ValidationError(_("This event has already started. Unregistering is no longer possible."))
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(event=event, employee=employee, status=Registration.Status.REGISTERED)
            .first()
        )
        if registration is None:
            raise ValidationError(_("%(name)s is not registered for this event.") % {"name": _name(employee)})
        registration.status = Registration.Status.WITHDRAWN
        registration.withdrawn_at = now
        registration.save(update_fields=["status", "withdrawn_at"])
        _audit(actor, "learning.unregistered", event.organisation, registration, event=event.pk)
    return registration


# --- attendance -----------------------------------------------------------------------------------------------------


def record_attendance(
    *, actor: User | None, event: Event, employee: Employee, present: bool, today: date | None = None
) -> Attendance | None:
    """Tick someone off on the attendance list (``present``), or correct a tick made by mistake."""
    today = today or timezone.localdate()
    if event.organisation_id != employee.organisation_id:
        raise ValidationError(_("This person does not work for the organisation of this event."))
    if event.date > today:
        raise ValidationError(
            _("Attendance can be taken from the day of the event (%(date)s).") % {"date": _day(event.date)}
        )
    with transaction.atomic():
        current = Attendance.objects.select_for_update().filter(event=event, employee=employee).first()
        if not present:
            if current is None:
                raise ValidationError(
                    _("%(name)s was not marked present, so there is nothing to undo.") % {"name": _name(employee)}
                )
            pk = current.pk
            current.delete()
            _audit(
                actor,
                "learning.attendance_removed",
                event.organisation,
                target_type="learning.attendance",
                event=event.pk,
                attendance=pk,
            )
            return None
        if current is not None:
            raise ValidationError(
                _("%(name)s is already marked present. Nothing was changed.") % {"name": _name(employee)}
            )
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    event=event,
                    employee=employee,
                    attended_on=min(event.date, today) if not event.end_date else min(today, event.end_date),
                    source=Attendance.Source.LIST,
                    recorded_by=actor,
                )
        except IntegrityError:
            raise ValidationError(
                _("%(name)s is already marked present. Nothing was changed.") % {"name": _name(employee)}
            ) from None
        _audit(actor, "learning.attendance_recorded", event.organisation, attendance, event=event.pk)
    return attendance


def complete_elearning(
    *, actor: User | None, event: Event, employee: Employee, today: date | None = None
) -> Attendance:
    """The employee marks an e-learning module as done."""
    today = today or timezone.localdate()
    if not event.is_elearning:
        raise ValidationError(
            _("Only an e-learning module can be marked as done. For other activities the organiser takes attendance.")
        )
    if event.organisation_id != employee.organisation_id:
        raise ValidationError(_("This module is not offered by your organisation."))
    if event.date > today:
        raise ValidationError(_("This module is available from %(date)s.") % {"date": _day(event.date)})
    if event.end_date and event.end_date < today:
        raise ValidationError(_("This module is no longer available."))
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                event=event, employee=employee, attended_on=today, source=Attendance.Source.SELF, recorded_by=actor
            )
            _audit(actor, "learning.elearning_completed", event.organisation, attendance, event=event.pk)
    except IntegrityError:
        raise ValidationError(_("You already completed this module. It is in your learning record.")) from None
    return attendance


# --- mandatory training ---------------------------------------------------------------------------------------------


def create_requirement(
    *,
    actor: User | None,
    organisation: Organisation,
    course: Course,
    audience: str,
    applies_from: date,
    due_months: int,
    new_starters_only: bool = False,
) -> Requirement:
    if course.organisation_id != organisation.pk:
        raise ValidationError(_("The course must belong to this organisation."))
    if audience not in Requirement.Audience.values:
        raise ValidationError(_("Choose for whom the training is mandatory."))
    if not due_months or due_months < 1:
        raise ValidationError(_("The number of months must be at least 1."))
    if Requirement.objects.filter(organisation=organisation, course=course, audience=audience, is_active=True).exists():
        raise ValidationError(_("This training is already mandatory for this group. Change or stop that rule instead."))
    try:
        with transaction.atomic():
            requirement = Requirement.objects.create(
                organisation=organisation,
                course=course,
                audience=audience,
                applies_from=applies_from,
                due_months=due_months,
                new_starters_only=new_starters_only,
                created_by=actor,
            )
            _audit(
                actor,
                "learning.requirement_created",
                organisation,
                requirement,
                course=course.pk,
                audience=audience,
                due_months=due_months,
            )
    except IntegrityError:
        raise ValidationError(
            _("This training is already mandatory for this group. Change or stop that rule instead.")
        ) from None
    return requirement


def stop_requirement(*, actor: User | None, requirement: Requirement) -> Requirement:
    with transaction.atomic():
        updated = Requirement.objects.filter(pk=requirement.pk, is_active=True).update(is_active=False)
        if not updated:
            raise ValidationError(_("This rule has already been stopped."))
        requirement.refresh_from_db()
        _audit(actor, "learning.requirement_stopped", requirement.organisation, requirement)
    return requirement


# --- imports --------------------------------------------------------------------------------------------------------


def import_events(*, actor: User | None, organisation: Organisation, creates: list[dict], updates: list[tuple]) -> None:
    """Write checked event rows (see ``importers.EventImporter``): new events, and changed fields of existing ones."""
    with transaction.atomic():
        Event.objects.bulk_create([Event(organisation=organisation, created_by=actor, **values) for values in creates])
        for event, values in updates:
            for name, value in values.items():
                setattr(event, name, value)
            event.save(update_fields=[*values, "updated_at"])
        _audit(
            actor,
            "learning.events_imported",
            organisation,
            target_type="learning.event",
            created=len(creates),
            updated=len(updates),
        )


def import_attendance(*, actor: User | None, organisation: Organisation, records: list[tuple[Event, Employee, date]]):
    """Write checked attendance records (see ``importers.AttendanceImporter``)."""
    with transaction.atomic():
        Attendance.objects.bulk_create(
            [
                Attendance(
                    event=event, employee=employee, attended_on=day, source=Attendance.Source.IMPORT, recorded_by=actor
                )
                for event, employee, day in records
            ],
            batch_size=500,
        )
        _audit(
            actor,
            "learning.attendance_imported",
            organisation,
            target_type="learning.attendance",
            records=len(records),
            events=len({event.pk for event, _employee, _day in records}),
        )


# --- reminders ------------------------------------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def plan_reminders(*, organisation: Organisation, today: date) -> list[int]:
    """Plan the reminders that are due today; returns the ids of every reminder still to be sent.

    For each mandatory training that someone has not completed, the latest reminder moment that has been reached
    (days before or after their due date) gets one reminder. The unique constraint on ``Reminder`` makes planning
    idempotent: running it twice, or after a restart, plans nothing new, and nobody gets the same reminder twice.
    """
    offsets = conf.reminder_offsets()
    planned: list[Reminder] = []
    for requirement in selectors.active_requirements(organisation):
        if requirement.applies_from > today:
            continue
        population = (
            selectors.target_population(requirement, on=today)
            .exclude(selectors.done_q(requirement))
            .exclude(email="")
            .only("pk", "start_date")
        )
        for employee in population:
            due = due_date(selectors.counted_from(requirement, employee.start_date), requirement.due_months)
            reached = [o for o in offsets if (today - due).days >= o]
            if not reached:
                continue
            planned.append(
                Reminder(
                    organisation=organisation,
                    requirement=requirement,
                    employee=employee,
                    due_date=due,
                    offset_days=max(reached),
                )
            )
    with transaction.atomic():
        Reminder.objects.bulk_create(planned, ignore_conflicts=True, batch_size=500)
    return list(
        Reminder.objects.filter(organisation=organisation, sent_at__isnull=True, cancelled_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def deliver_reminder(*, reminder_id: int, today: date) -> bool:
    """Send one planned reminder, at most once. Returns whether an e-mail was sent.

    The row is locked and ``sent_at`` is set in the same transaction as the sending, so a second worker, a retry or a
    restart finds it sent. A reminder whose training was completed meanwhile is cancelled, not sent.
    """
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .filter(pk=reminder_id, sent_at__isnull=True, cancelled_at__isnull=True)
            .select_related("employee", "requirement", "requirement__course", "organisation")
            .first()
        )
        if reminder is None:
            return False
        employee, requirement = reminder.employee, reminder.requirement
        statuses = {s.requirement.pk: s for s in selectors.requirements_for(employee, today=today)}
        status = statuses.get(requirement.pk)
        if status is None or status.is_done or not requirement.is_active or not employee.email:
            reminder.cancelled_at = timezone.now()
            reminder.save(update_fields=["cancelled_at"])
            return False
        next_event = selectors.next_events_of(reminder.organisation, {requirement.course_id}, today=today).get(
            requirement.course_id
        )
        context = {
            "employee": employee,
            "course": requirement.course,
            "due_date": reminder.due_date,
            "overdue": reminder.due_date < today,
            "next_event": next_event,
            "organisation": reminder.organisation,
            "url": _site_url(reverse("learning:mine")),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string("learning/email/reminder_subject.txt", context).split())
            body = render_to_string("learning/email/reminder.txt", context)
        EmailMessage(subject=subject, body=body, to=[employee.email]).send()
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
        record_event(
            actor=None,
            action="learning.reminder_sent",
            organisation=reminder.organisation,
            target=reminder,
            data={"requirement": requirement.pk, "offset_days": reminder.offset_days},
        )
    return True
