"""Writes of the oath register. Keyword-only arguments, one transaction each, an audit event for every change.

Every refusal is a ``ValidationError`` with a message for the user; nothing is saved then. The database constraints
(``models.py``) back up the checks made here, so that two people clicking at once cannot create a duplicate either.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import Employee, Organisation, OrgUnit, User
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event
from plein.oaths import conf, selectors
from plein.oaths.dates import due_date
from plein.oaths.models import Ceremony, CeremonyDilemma, Form, Invitation, OathText, Registration, Reminder

_ROLE_PREFERENCE = (R.HR, R.INTEGRITY_COORDINATOR, R.MANAGER, R.EMPLOYEE)


def acting_role(user: User | None) -> str:
    """The role in which ``user`` acts in the oath register, for the audit log."""
    if user is None:
        return ""
    roles = user_roles(user)
    return next((code for code in _ROLE_PREFERENCE if code in roles), "")


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _name(employee: Employee) -> str:
    return employee.full_name


# --- texts ----------------------------------------------------------------------------------------------------------


def create_oath_text(
    *, actor: User, organisation: Organisation, form: str, text: str, effective_from: date
) -> OathText:
    """Add a new version of the oath or affirmation text. Versions follow each other in time and are never edited."""
    text = (text or "").strip()
    if form not in Form.values:
        raise ValidationError(_("Choose oath or affirmation."))
    if not text:
        raise ValidationError(_("Enter the text."))
    with transaction.atomic():
        latest = (
            OathText.objects.select_for_update()
            .filter(organisation=organisation, form=form)
            .order_by("-version")
            .first()
        )
        if latest is not None and effective_from <= latest.effective_from:
            raise ValidationError(
                _(
                    "A new version must take effect after the current version, which is in effect from %(date)s. "
                    "Choose a later date."
                )
                % {"date": _day(latest.effective_from)}
            )
        version = (latest.version if latest else 0) + 1
        oath_text = OathText.objects.create(
            organisation=organisation,
            form=form,
            version=version,
            text=text,
            effective_from=effective_from,
            created_by=actor,
        )
        record_event(
            actor=actor,
            action="oaths.text_created",
            organisation=organisation,
            target=oath_text,
            role=acting_role(actor),
            data={"form": form, "version": version},
        )
    return oath_text


def _text_for(organisation: Organisation, form: str, on: date) -> OathText:
    oath_text = selectors.text_in_effect(organisation, form, on=on)
    if oath_text is None:
        raise ValidationError(
            _(
                "There is no %(form)s text in effect on %(date)s. Add the text under Oath texts first, "
                "with a date on or before that day."
            )
            % {"form": Form(form).label.lower(), "date": _day(on)}
        )
    return oath_text


# --- ceremonies -----------------------------------------------------------------------------------------------------

CEREMONY_FIELDS = (
    "title",
    "date",
    "start_time",
    "location",
    "chair",
    "chair_name",
    "chair_title",
    "witnesses",
    "capacity",
    "programme",
    "format",
)


def _clean_ceremony_fields(organisation: Organisation, fields: dict) -> dict:
    unknown = set(fields) - set(CEREMONY_FIELDS)
    if unknown:
        raise TypeError(f"unknown ceremony fields: {sorted(unknown)}")
    chair = fields.get("chair")
    if chair is not None and chair.organisation_id != organisation.pk:
        raise ValidationError(_("The chair must work for this organisation."))
    if chair is not None and not fields.get("chair_name"):
        fields["chair_name"] = chair.full_name
    capacity = fields.get("capacity")
    if capacity is not None and capacity < 1:
        raise ValidationError(_("The capacity must be at least 1."))
    return fields


def create_ceremony(*, actor: User, organisation: Organisation, **fields) -> Ceremony:
    fields = _clean_ceremony_fields(organisation, fields)
    with transaction.atomic():
        ceremony = Ceremony.objects.create(organisation=organisation, created_by=actor, **fields)
        record_event(
            actor=actor,
            action="oaths.ceremony_created",
            organisation=organisation,
            target=ceremony,
            role=acting_role(actor),
            data={"date": ceremony.date.isoformat(), "capacity": ceremony.capacity},
        )
    return ceremony


def update_ceremony(*, actor: User, ceremony: Ceremony, **fields) -> Ceremony:
    fields = _clean_ceremony_fields(ceremony.organisation, fields)
    with transaction.atomic():
        ceremony = Ceremony.objects.select_for_update().get(pk=ceremony.pk)
        active = ceremony.registrations.filter(status__in=[Registration.Status.REGISTERED, Registration.Status.TAKEN])
        taken = ceremony.registrations.filter(status=Registration.Status.TAKEN)
        if "capacity" in fields and fields["capacity"] < active.count():
            raise ValidationError(
                _("%(n)d people are registered already. The capacity cannot be lower than that.")
                % {"n": active.count()}
            )
        if "date" in fields and fields["date"] != ceremony.date and taken.exists():
            raise ValidationError(
                _("People have been checked in at this ceremony, so its date can no longer be changed.")
            )
        for name, value in fields.items():
            setattr(ceremony, name, value)
        ceremony.full_clean(exclude=["organisation", "created_by", "chair"])
        ceremony.save()
        record_event(
            actor=actor,
            action="oaths.ceremony_changed",
            organisation=ceremony.organisation,
            target=ceremony,
            role=acting_role(actor),
            data={"fields": sorted(fields)},
        )
    return ceremony


def add_dilemma(*, actor: User, ceremony: Ceremony, question: str, library_reference: str = "") -> CeremonyDilemma:
    """Record a dilemma discussed in the ceremony's light moral deliberation."""
    question = (question or "").strip()
    if not question:
        raise ValidationError(_("Describe the dilemma."))
    if ceremony.dilemmas.filter(question=question).exists():
        raise ValidationError(_("This dilemma is already recorded for this ceremony."))
    try:
        with transaction.atomic():
            dilemma = CeremonyDilemma.objects.create(
                ceremony=ceremony, question=question, library_reference=(library_reference or "").strip()
            )
            record_event(
                actor=actor,
                action="oaths.dilemma_recorded",
                organisation=ceremony.organisation,
                target=dilemma,
                role=acting_role(actor),
                data={"ceremony": ceremony.pk, "library_reference": dilemma.library_reference},
            )
    except IntegrityError:
        raise ValidationError(_("This dilemma is already recorded for this ceremony.")) from None
    return dilemma


def remove_dilemma(*, actor: User, dilemma: CeremonyDilemma) -> None:
    with transaction.atomic():
        ceremony = dilemma.ceremony
        pk = dilemma.pk
        dilemma.delete()
        record_event(
            actor=actor,
            action="oaths.dilemma_removed",
            organisation=ceremony.organisation,
            target_type="oaths.ceremonydilemma",
            target_id=pk,
            role=acting_role(actor),
            data={"ceremony": ceremony.pk},
        )


# --- invitations and registrations ----------------------------------------------------------------------------------


def _send_mail(messages: list[EmailMessage]) -> None:
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)


def _mail(subject_template: str, body_template: str, to: str, context: dict) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    return EmailMessage(subject=subject, body=body, to=[to])


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def invite_due_employees(
    *,
    actor: User,
    ceremony: Ceremony,
    today: date,
    unit: OrgUnit | None = None,
    started_from: date | None = None,
    started_to: date | None = None,
    limit: int | None = None,
) -> int:
    """Invite everyone who still has to take the oath (due or overdue) and is not invited or registered yet.

    At most ``limit`` people (default: the free places), those who started first. Each gets an e-mail.
    Returns the number invited.
    """
    from django.urls import reverse

    if ceremony.date < today:
        raise ValidationError(_("This ceremony has already taken place. Invite people to a ceremony in the future."))
    with transaction.atomic():
        ceremony = Ceremony.objects.select_for_update().get(pk=ceremony.pk)
        free = (
            ceremony.capacity
            - ceremony.registrations.filter(
                status__in=[Registration.Status.REGISTERED, Registration.Status.TAKEN]
            ).count()
        )
        limit = free if limit is None else min(limit, free)
        if limit <= 0:
            raise ValidationError(_("This ceremony is full. Raise the capacity or choose another ceremony."))
        qs = selectors.filter_obligations(
            selectors.annotate_obligations(
                selectors.obligation_population(ceremony.organisation, on=today), today=today
            ).filter(oath_done=False),
            unit=unit,
            started_from=started_from,
            started_to=started_to,
        )
        qs = (
            qs.exclude(oath_invitations__ceremony=ceremony)
            .exclude(oath_registrations__status=Registration.Status.REGISTERED)
            .filter(start_date__lte=ceremony.date)
            .order_by("start_date", "pk")
        )
        invitees = list(qs[:limit])
        Invitation.objects.bulk_create(
            [Invitation(ceremony=ceremony, employee=e, invited_by=actor) for e in invitees], ignore_conflicts=True
        )
        url = _site_url(reverse("oaths:mine"))
        messages = [
            _mail(
                "oaths/email/invitation_subject.txt",
                "oaths/email/invitation.txt",
                e.email,
                {"employee": e, "ceremony": ceremony, "url": url, "organisation": ceremony.organisation},
            )
            for e in invitees
            if e.email
        ]
        record_event(
            actor=actor,
            action="oaths.invited",
            organisation=ceremony.organisation,
            target=ceremony,
            role=acting_role(actor),
            data={"invited": len(invitees)},
        )
        transaction.on_commit(lambda: _send_mail(messages))
    return len(invitees)


def register(*, actor: User, ceremony: Ceremony, employee: Employee, form: str, today: date) -> Registration:
    """Register ``employee`` for ``ceremony`` with their choice of oath or affirmation."""
    if form not in Form.values:
        raise ValidationError(_("Choose oath or affirmation."))
    if ceremony.organisation_id != employee.organisation_id:
        raise ValidationError(_("This person does not work for the organisation of this ceremony."))
    if ceremony.date < today:
        raise ValidationError(_("This ceremony has already taken place. Choose a ceremony in the future."))
    with transaction.atomic():
        # The lock serialises registrations for one ceremony, so that the capacity check holds.
        ceremony = Ceremony.objects.select_for_update().get(pk=ceremony.pk)
        obligation = selectors.obligation_for(employee, today=today)
        if obligation is None:
            raise ValidationError(
                _(
                    "%(name)s does not have to take the oath: there is no start date, the type of employment "
                    "does not require it, or they have left."
                )
                % {"name": _name(employee)}
            )
        if obligation.is_done:
            raise ValidationError(
                _("%(name)s already took the oath or affirmation on %(date)s. A new registration is not needed.")
                % {"name": _name(employee), "date": _day(obligation.taken_on)}
            )
        if employee.start_date > ceremony.date:
            raise ValidationError(
                _("This ceremony is before %(name)s starts (%(date)s). Choose a ceremony after the start date.")
                % {"name": _name(employee), "date": _day(employee.start_date)}
            )
        existing = Registration.objects.filter(ceremony=ceremony, employee=employee).first()
        if existing is not None and existing.status == Registration.Status.REGISTERED:
            raise ValidationError(_("%(name)s is already registered for this ceremony.") % {"name": _name(employee)})
        elsewhere = (
            Registration.objects.filter(employee=employee, status=Registration.Status.REGISTERED)
            .exclude(ceremony=ceremony)
            .select_related("ceremony")
            .first()
        )
        if elsewhere is not None:
            raise ValidationError(
                _("%(name)s is already registered for %(ceremony)s. Withdraw that registration first.")
                % {"name": _name(employee), "ceremony": elsewhere.ceremony}
            )
        active = ceremony.registrations.filter(
            status__in=[Registration.Status.REGISTERED, Registration.Status.TAKEN]
        ).count()
        if active >= ceremony.capacity:
            raise ValidationError(
                _("This ceremony is full: all %(n)d places are taken. Choose another ceremony.")
                % {"n": ceremony.capacity}
            )
        oath_text = _text_for(ceremony.organisation, form, ceremony.date)
        try:
            with transaction.atomic():
                if existing is not None:
                    existing.status = Registration.Status.REGISTERED
                    existing.form = form
                    existing.text = oath_text
                    existing.registered_by = actor
                    existing.save(update_fields=["status", "form", "text", "registered_by"])
                    registration = existing
                else:
                    registration = Registration.objects.create(
                        organisation=ceremony.organisation,
                        employee=employee,
                        ceremony=ceremony,
                        form=form,
                        text=oath_text,
                        status=Registration.Status.REGISTERED,
                        source=Registration.Source.CEREMONY,
                        registered_by=actor,
                    )
        except IntegrityError:
            raise ValidationError(
                _("%(name)s is already registered. Reload the page to see the current list.")
                % {"name": _name(employee)}
            ) from None
        record_event(
            actor=actor,
            action="oaths.registered",
            organisation=ceremony.organisation,
            target=registration,
            role=acting_role(actor),
            data={"ceremony": ceremony.pk, "form": form, "text_version": oath_text.version},
        )
    return registration


def withdraw(*, actor: User, registration: Registration) -> Registration:
    with transaction.atomic():
        updated = Registration.objects.filter(pk=registration.pk, status=Registration.Status.REGISTERED).update(
            status=Registration.Status.WITHDRAWN
        )
        if not updated:
            raise ValidationError(_("This registration is not open any more, so it cannot be withdrawn."))
        registration.refresh_from_db()
        record_event(
            actor=actor,
            action="oaths.withdrawn",
            organisation=registration.organisation,
            target=registration,
            role=acting_role(actor),
            data={"ceremony": registration.ceremony_id},
        )
    return registration


def check_in(*, actor: User, registration: Registration, form: str, today: date) -> Registration:
    """Record on the day that the person took the oath or affirmation, in the presence of the ceremony's chair."""
    if form not in Form.values:
        raise ValidationError(_("Choose oath or affirmation."))
    ceremony = registration.ceremony
    employee = registration.employee
    if ceremony is None:
        raise ValidationError(_("Only registrations for a ceremony can be checked in."))
    if ceremony.date > today:
        raise ValidationError(
            _("Checking in is possible from the day of the ceremony (%(date)s).") % {"date": _day(ceremony.date)}
        )
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.TAKEN:
            raise ValidationError(
                _("%(name)s has already been checked in (%(form)s). Nothing was changed.")
                % {"name": _name(employee), "form": current.get_form_display().lower()}
            )
        if current.status == Registration.Status.WITHDRAWN:
            raise ValidationError(
                _("%(name)s withdrew from this ceremony. Register them again before checking in.")
                % {"name": _name(employee)}
            )
        obligation = selectors.obligation_for(employee, today=today)
        if obligation is not None and obligation.is_done:
            raise ValidationError(
                _("%(name)s already took the oath or affirmation on %(date)s. Nothing was changed.")
                % {"name": _name(employee), "date": _day(obligation.taken_on)}
            )
        oath_text = _text_for(ceremony.organisation, form, ceremony.date)
        start = employee.start_date
        current.status = Registration.Status.TAKEN
        current.form = form
        current.text = oath_text
        current.taken_on = ceremony.date
        current.period_start = start if start and start <= ceremony.date else None
        current.sworn_before = ceremony.chair_display
        current.location = ceremony.location
        current.checked_in_by = actor
        current.checked_in_at = timezone.now()
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            raise ValidationError(
                _("%(name)s already has an oath or affirmation on record for this employment. Nothing was changed.")
                % {"name": _name(employee)}
            ) from None
        record_event(
            actor=actor,
            action="oaths.checked_in",
            organisation=ceremony.organisation,
            target=current,
            role=acting_role(actor),
            data={"ceremony": ceremony.pk, "form": form, "text_version": oath_text.version},
        )
    return current


def undo_check_in(*, actor: User, registration: Registration) -> Registration:
    """Correct a check-in made by mistake: the person is registered again."""
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status not in (Registration.Status.TAKEN, Registration.Status.ABSENT) or current.ceremony is None:
            raise ValidationError(_("This person has not been checked in, so there is nothing to undo."))
        if Registration.objects.filter(employee=current.employee, status=Registration.Status.REGISTERED).exists():
            raise ValidationError(
                _("This person is registered for another ceremony, so the check-in cannot be undone.")
            )
        current.status = Registration.Status.REGISTERED
        current.taken_on = None
        current.period_start = None
        current.sworn_before = ""
        current.checked_in_by = None
        current.checked_in_at = None
        current.save()
        record_event(
            actor=actor,
            action="oaths.check_in_undone",
            organisation=current.organisation,
            target=current,
            role=acting_role(actor),
            data={"ceremony": current.ceremony_id},
        )
    return current


def mark_absent(*, actor: User, registration: Registration, today: date) -> Registration:
    ceremony = registration.ceremony
    if ceremony is None or ceremony.date > today:
        raise ValidationError(_("You can mark someone absent from the day of the ceremony."))
    with transaction.atomic():
        updated = Registration.objects.filter(pk=registration.pk, status=Registration.Status.REGISTERED).update(
            status=Registration.Status.ABSENT, checked_in_by=actor, checked_in_at=timezone.now()
        )
        if not updated:
            raise ValidationError(
                _("%(name)s is not on the list as registered any more. Nothing was changed.")
                % {"name": _name(registration.employee)}
            )
        registration.refresh_from_db()
        record_event(
            actor=actor,
            action="oaths.marked_absent",
            organisation=registration.organisation,
            target=registration,
            role=acting_role(actor),
            data={"ceremony": ceremony.pk},
        )
    return registration


def register_individual_oath(
    *,
    actor: User,
    employee: Employee,
    form: str,
    taken_on: date,
    sworn_before: str,
    location: str = "",
    today: date,
) -> Registration:
    """HR records an oath or affirmation taken outside a ceremony. An open ceremony registration is withdrawn."""
    if form not in Form.values:
        raise ValidationError(_("Choose oath or affirmation."))
    if taken_on > today:
        raise ValidationError(_("The date cannot be in the future. Record the oath after it has been taken."))
    sworn_before = (sworn_before or "").strip()
    if not sworn_before:
        raise ValidationError(_("Enter in whose presence the oath or affirmation was taken."))
    with transaction.atomic():
        obligation = selectors.obligation_for(employee, today=today)
        if obligation is not None and obligation.is_done:
            raise ValidationError(
                _("%(name)s already took the oath or affirmation on %(date)s. Nothing was saved.")
                % {"name": _name(employee), "date": _day(obligation.taken_on)}
            )
        oath_text = _text_for(employee.organisation, form, taken_on)
        withdrawn = Registration.objects.filter(employee=employee, status=Registration.Status.REGISTERED).update(
            status=Registration.Status.WITHDRAWN
        )
        start = employee.start_date
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    organisation=employee.organisation,
                    employee=employee,
                    ceremony=None,
                    form=form,
                    text=oath_text,
                    status=Registration.Status.TAKEN,
                    source=Registration.Source.INDIVIDUAL,
                    taken_on=taken_on,
                    period_start=start if start and start <= taken_on else None,
                    sworn_before=sworn_before,
                    location=(location or "").strip(),
                    registered_by=actor,
                    checked_in_by=actor,
                    checked_in_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(
                _("%(name)s already has an oath or affirmation on record for this day or this employment.")
                % {"name": _name(employee)}
            ) from None
        record_event(
            actor=actor,
            action="oaths.individual_registered",
            organisation=employee.organisation,
            target=registration,
            role=acting_role(actor),
            data={"form": form, "text_version": oath_text.version, "withdrawn": withdrawn},
        )
    return registration


def import_oath_records(
    *,
    actor: User | None,
    organisation: Organisation,
    records: list[tuple[Employee, date, str, str]],
    progress=None,
) -> int:
    """Write checked historical registrations (employee, date, form, label); see ``importers.OathImporter``.

    Records with the same label and date form one ceremony, created when needed. Each record gets the text version
    in effect on its date, if there is one. Open registrations of the people concerned are withdrawn, since they
    have taken the oath now. Returns the number of withdrawn registrations.
    """
    with transaction.atomic():
        keys = {(label, taken_on) for _employee, taken_on, _form, label in records if label}
        ceremonies = selectors.ceremonies_by_import_label(organisation, keys)
        sizes: dict[tuple[str, date], int] = {}
        for _employee, taken_on, _form, label in records:
            if label:
                sizes[(label, taken_on)] = sizes.get((label, taken_on), 0) + 1
        new = [
            Ceremony(
                organisation=organisation,
                title=label,
                date=day,
                import_label=label,
                capacity=sizes[(label, day)],
                format=Ceremony.Format.CLASSIC,
                created_by=actor,
            )
            for label, day in sorted(keys - set(ceremonies))
        ]
        for ceremony in Ceremony.objects.bulk_create(new):
            ceremonies[(ceremony.import_label, ceremony.date)] = ceremony
        for key, ceremony in ceremonies.items():
            needed = ceremony.registrations.filter(
                status__in=[Registration.Status.REGISTERED, Registration.Status.TAKEN]
            )
            total = needed.count() + sizes.get(key, 0)
            if ceremony.capacity < total:
                ceremony.capacity = total
                ceremony.save(update_fields=["capacity"])
        texts = list(OathText.objects.filter(organisation=organisation).order_by("-effective_from"))

        def text_for(form: str, on: date) -> OathText | None:
            return next((t for t in texts if t.form == form and t.effective_from <= on), None)

        registrations = []
        for employee, taken_on, form, label in records:
            ceremony = ceremonies.get((label, taken_on)) if label else None
            start = employee.start_date
            registrations.append(
                Registration(
                    organisation=organisation,
                    employee=employee,
                    ceremony=ceremony,
                    form=form,
                    text=text_for(form, taken_on),
                    status=Registration.Status.TAKEN,
                    source=Registration.Source.IMPORT,
                    taken_on=taken_on,
                    period_start=start if start and start <= taken_on else None,
                    sworn_before=ceremony.chair_display if ceremony else "",
                    location=ceremony.location if ceremony else "",
                    registered_by=actor,
                )
            )
        people = {employee.pk for employee, *_rest in records}
        withdrawn = Registration.objects.filter(employee__in=people, status=Registration.Status.REGISTERED).update(
            status=Registration.Status.WITHDRAWN
        )
        batch = 500
        for start_index in range(0, len(registrations), batch):
            Registration.objects.bulk_create(registrations[start_index : start_index + batch])
            if progress is not None:
                progress(min(start_index + batch, len(registrations)), len(registrations))
        record_event(
            actor=actor,
            action="oaths.imported",
            organisation=organisation,
            target_type="oaths.registration",
            role=acting_role(actor),
            data={"registrations": len(registrations), "ceremonies_created": len(new), "withdrawn": withdrawn},
        )
    return withdrawn


# --- reminders ------------------------------------------------------------------------------------------------------


def plan_reminders(*, organisation: Organisation, today: date) -> list[int]:
    """Plan the reminders that are due today; returns the ids of every reminder still to be sent.

    For each open obligation, the latest reminder moment that has been reached (days before or after the due date)
    gets one reminder for the employee and one for their manager. The unique constraint on ``Reminder`` makes
    planning idempotent: running it twice, or after a restart, plans nothing new.
    """
    offsets = conf.reminder_offsets()
    months = conf.term_months()
    planned: list[Reminder] = []
    for employee in selectors.open_obligations(organisation, today=today):
        if employee.start_date > today:
            continue
        due = due_date(employee.start_date, months)
        reached = [o for o in offsets if (today - due).days >= o]
        if not reached:
            continue
        offset = max(reached)
        if employee.email:
            planned.append(
                Reminder(
                    organisation=organisation,
                    employee=employee,
                    due_date=due,
                    offset_days=offset,
                    recipient=Reminder.Recipient.EMPLOYEE,
                )
            )
        if employee.manager is not None and employee.manager.email:
            planned.append(
                Reminder(
                    organisation=organisation,
                    employee=employee,
                    due_date=due,
                    offset_days=offset,
                    recipient=Reminder.Recipient.MANAGER,
                )
            )
    with transaction.atomic():
        Reminder.objects.bulk_create(planned, ignore_conflicts=True)
    return list(
        Reminder.objects.filter(organisation=organisation, sent_at__isnull=True, cancelled_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def deliver_reminder(*, reminder_id: int, today: date) -> bool:
    """Send one planned reminder, at most once. Returns whether an e-mail was sent.

    The row is locked and ``sent_at`` is set in the same transaction as the sending, so a second worker, a retry or
    a restart finds it sent. A reminder whose obligation has been fulfilled meanwhile is cancelled, not sent.
    """
    from django.urls import reverse

    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .filter(pk=reminder_id, sent_at__isnull=True, cancelled_at__isnull=True)
            .select_related("employee", "employee__manager", "organisation")
            .first()
        )
        if reminder is None:
            return False
        employee = reminder.employee
        obligation = selectors.obligation_for(employee, today=today)
        if obligation is None or obligation.is_done or obligation.due_date != reminder.due_date:
            reminder.cancelled_at = timezone.now()
            reminder.save(update_fields=["cancelled_at"])
            return False
        to_manager = reminder.recipient == Reminder.Recipient.MANAGER
        address = employee.manager.email if to_manager and employee.manager else employee.email
        if not address:
            reminder.cancelled_at = timezone.now()
            reminder.save(update_fields=["cancelled_at"])
            return False
        context = {
            "employee": employee,
            "manager": employee.manager,
            "due_date": reminder.due_date,
            "overdue": reminder.offset_days > 0,
            "organisation": reminder.organisation,
            "url": _site_url(reverse("oaths:overview") if to_manager else reverse("oaths:mine")),
        }
        message = _mail(
            "oaths/email/reminder_subject.txt",
            "oaths/email/reminder_manager.txt" if to_manager else "oaths/email/reminder_employee.txt",
            address,
            context,
        )
        message.send()
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
        record_event(
            actor=None,
            action="oaths.reminder_sent",
            organisation=reminder.organisation,
            target=reminder,
            data={"offset_days": reminder.offset_days, "recipient": reminder.recipient},
        )
    return True
