"""Thin views of Leren & bewustwording: check permission, call a selector or service, render."""

from datetime import date
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.core.permissions import permission_required
from plein.core.services.audit import record_event
from plein.learning import ical, selectors, services
from plein.learning.forms import (
    CourseForm,
    EventFilterForm,
    EventForm,
    RecordFilterForm,
    RegisterEmployeeForm,
    RequirementForm,
    YearForm,
)
from plein.learning.models import Event, Registration, Requirement

PAGE_SIZE = 25


def _today() -> date:
    return timezone.localdate()


def _error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _audit_read(request, action: str, target=None, **data) -> None:
    record_event(
        actor=request.user,
        action=action,
        organisation=request.organisation,
        target=target,
        role=services.acting_role(request.user),
        data=data,
    )


def _event(request, pk: int) -> Event:
    event = selectors.event_for(request.organisation, pk) if request.organisation else None
    if event is None:
        raise Http404
    return event


def _event_object(request, pk: int, **kwargs) -> Event:
    return _event(request, pk)


# --- events ---------------------------------------------------------------------------------------------------------


@require_GET
@permission_required("learning.view_events")
def events(request):
    today = _today()
    form = EventFilterForm(request.GET or None)
    when, kind = selectors.WHEN_UPCOMING, ""
    if form.is_valid():
        when = form.cleaned_data.get("when") or selectors.WHEN_UPCOMING
        kind = form.cleaned_data.get("kind") or ""
    page = Paginator(selectors.events(request.organisation, when=when, kind=kind, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    employee = selectors.own_employee(request.user)
    return render(
        request,
        "learning/event_list.html",
        {
            "form": form,
            "page": page,
            "when": when,
            "today": today,
            "registered": selectors.registered_event_ids(employee, list(page.object_list)),
            "can_manage": request.user.has_perm("learning.manage_events"),
        },
    )


@require_GET
@permission_required("learning.view_events")
def event_detail(request, pk: int):
    event = _event(request, pk)
    now = timezone.now()
    employee = selectors.own_employee(request.user)
    registration = selectors.registration_of(event, employee)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    places_left = selectors.places_left(event)
    begun = event.has_begun(now)
    may_register = request.user.has_perm("learning.register") and employee is not None
    return render(
        request,
        "learning/event_detail.html",
        {
            "event": event,
            "employee": employee,
            "registered": registered,
            "completed": selectors.attendance_of(event, employee),
            "places_left": places_left,
            "begun": begun,
            "can_register": may_register
            and event.registration_required
            and not event.is_elearning
            and not begun
            and not registered
            and places_left != 0,
            "can_unregister": may_register and registered and not begun,
            "can_complete": request.user.has_perm("learning.complete_elearning")
            and employee is not None
            and event.is_elearning
            and event.date <= _today()
            and (event.end_date is None or event.end_date >= _today()),
            "can_take_attendance": request.user.has_perm("learning.take_attendance", event),
            "can_manage": request.user.has_perm("learning.manage_events"),
        },
    )


@require_POST
@permission_required("learning.register")
def register(request, pk: int):
    event = _event(request, pk)
    employee = selectors.own_employee(request.user)
    if employee is None:
        messages.error(request, _("There is no employee record linked to your account. Ask HR to link it."))
        return redirect(event.get_absolute_url())
    try:
        services.register(actor=request.user, event=event, employee=employee)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("You are registered for %(title)s. Add it to your calendar with the calendar file.")
            % {"title": event.title},
        )
    return redirect(event.get_absolute_url())


@require_POST
@permission_required("learning.register")
def unregister(request, pk: int):
    event = _event(request, pk)
    employee = selectors.own_employee(request.user)
    if employee is None:
        messages.error(request, _("There is no employee record linked to your account. Ask HR to link it."))
        return redirect(event.get_absolute_url())
    try:
        services.unregister(actor=request.user, event=event, employee=employee)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("You are no longer registered for %(title)s.") % {"title": event.title})
    return redirect(event.get_absolute_url())


def _ics_response(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_GET
@permission_required("learning.view_events")
def event_ics(request, pk: int):
    event = _event(request, pk)
    content = ical.calendar_for([event], name=event.title, base_url=request.build_absolute_uri("/"))
    return _ics_response(content, f"activiteit-{event.pk}.ics", attachment=True)


@require_GET
def feed(request):
    """The public calendar of upcoming events: no login, because calendar apps subscribe to it. Nothing personal."""
    organisation = request.organisation or None
    items = selectors.feed_events(organisation) if organisation else []
    name = _("Integrity: events and trainings")
    if organisation:
        name = f"{name} – {organisation.name}"
    response = _ics_response(
        ical.calendar_for(items, name=name, base_url=request.build_absolute_uri("/")), "agenda.ics", attachment=False
    )
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
@permission_required("learning.view_events")
def module_download(request, pk: int):
    """An uploaded e-learning package, from our own origin, always as a download (never shown in the browser)."""
    event = _event(request, pk)
    if not event.is_elearning or not event.module_file:
        raise Http404
    if event.date > _today() and not request.user.has_perm("learning.manage_events"):
        raise Http404
    try:
        handle = event.module_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=Path(event.module_file.name).name,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required("learning.complete_elearning")
def complete(request, pk: int):
    event = _event(request, pk)
    employee = selectors.own_employee(request.user)
    if employee is None:
        messages.error(request, _("There is no employee record linked to your account. Ask HR to link it."))
        return redirect(event.get_absolute_url())
    try:
        services.complete_elearning(actor=request.user, event=event, employee=employee)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Well done. %(title)s is now in your learning record.") % {"title": event.title})
    return redirect(event.get_absolute_url())


# --- attendance -----------------------------------------------------------------------------------------------------


@require_GET
@permission_required("learning.take_attendance", fn=_event_object)
def attendance(request, pk: int):
    event = _event(request, pk)
    rows = selectors.attendance_list(event)
    _audit_read(request, "learning.attendance_list_viewed", event, shown=len(rows))
    today = _today()
    return render(
        request,
        "learning/attendance.html",
        {
            "event": event,
            "rows": rows,
            "open": event.date <= today,
            "present": sum(1 for row in rows if row.present),
            "add_form": RegisterEmployeeForm(),
        },
    )


def _attendance_redirect(event: Event, anchor: str = ""):
    return redirect(reverse("learning:attendance", kwargs={"pk": event.pk}) + (f"#{anchor}" if anchor else ""))


@require_POST
@permission_required("learning.take_attendance", fn=_event_object)
def attendance_update(request, pk: int):
    event = _event(request, pk)
    listed = {row.employee.pk: row for row in selectors.attendance_list(event)}
    try:
        row = listed[int(request.POST.get("employee", ""))]
    except (KeyError, ValueError):
        raise Http404 from None
    action = request.POST.get("action", "")
    name = row.employee.full_name
    try:
        if action == "present":
            services.record_attendance(actor=request.user, event=event, employee=row.employee, present=True)
            messages.success(request, _("%(name)s: present.") % {"name": name})
        elif action == "undo":
            services.record_attendance(actor=request.user, event=event, employee=row.employee, present=False)
            messages.success(request, _("%(name)s: no longer marked present.") % {"name": name})
        else:
            messages.error(request, _("Unknown action. Use one of the buttons."))
    except ValidationError as exc:
        _error(request, exc)
    return _attendance_redirect(event, f"p{row.employee.pk}")


@require_POST
@permission_required("learning.take_attendance", fn=_event_object)
def attendance_add(request, pk: int):
    event = _event(request, pk)
    form = RegisterEmployeeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the personnel number of the person who is present."))
        return _attendance_redirect(event)
    number = form.cleaned_data["personnel_number"]
    employee = selectors.employee_by_number(request.organisation, number)
    if employee is None:
        messages.error(
            request, _("There is nobody with personnel number %(number)s. Check the number.") % {"number": number}
        )
        return _attendance_redirect(event)
    try:
        services.record_attendance(actor=request.user, event=event, employee=employee, present=True)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(name)s: present.") % {"name": employee.full_name})
    return _attendance_redirect(event, f"p{employee.pk}")


# --- managing events ------------------------------------------------------------------------------------------------


def _event_fields(form: EventForm) -> tuple[dict, list]:
    data = dict(form.cleaned_data)
    hosts = list(data.pop("hosts", []) or [])
    upload = data.get("module_file")
    if upload is None:
        data.pop("module_file", None)
    elif upload is False:
        data["module_file"] = ""
    return data, hosts


@require_http_methods(["GET", "POST"])
@permission_required("learning.manage_events")
def event_create(request):
    form = EventForm(request.POST or None, request.FILES or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        fields, hosts = _event_fields(form)
        try:
            event = services.create_event(actor=request.user, organisation=request.organisation, hosts=hosts, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event has been created."))
            return redirect(event.get_absolute_url())
    return render(request, "learning/event_form.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
@permission_required("learning.manage_events")
def event_edit(request, pk: int):
    event = get_object_or_404(Event, pk=pk, organisation=request.organisation)
    form = EventForm(request.POST or None, request.FILES or None, instance=event, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        fields, hosts = _event_fields(form)
        try:
            services.update_event(actor=request.user, event=event, hosts=hosts, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(event.get_absolute_url())
    # A failed validation may have changed the instance; show the stored title in the heading.
    return render(request, "learning/event_form.html", {"form": form, "event": get_object_or_404(Event, pk=pk)})


# --- the learning record --------------------------------------------------------------------------------------------


def _record_context(organisation, employee, *, today: date) -> dict:
    statuses = selectors.requirements_for(employee, today=today)
    registrations = selectors.registrations_of(employee, today=today)
    registered_courses = {r.event.course_id for r in registrations if r.event.course_id}
    open_courses = {s.requirement.course_id for s in statuses if not s.is_done} - registered_courses
    next_events = selectors.next_events_of(organisation, open_courses, today=today)
    mandatory = [
        {
            "status": status,
            "registered": status.requirement.course_id in registered_courses,
            "next_event": next_events.get(status.requirement.course_id),
        }
        for status in statuses
    ]
    return {
        "employee": employee,
        "mandatory": mandatory,
        "registrations": registrations,
        "attendances": selectors.attendances_of(employee),
        "today": today,
    }


@require_GET
@permission_required("learning.view_own_record")
def mine(request):
    today = _today()
    employee = selectors.own_employee(request.user)
    context = {"employee": None, "own": True}
    if employee is not None:
        context.update(_record_context(request.organisation, employee, today=today))
        context["elearning"] = selectors.open_elearning(request.organisation, employee, today=today)
    return render(request, "learning/record.html", context)


def _employee_object(request, pk: int):
    employee = selectors.record_employee(request.organisation, pk) if request.organisation else None
    if employee is None:
        raise Http404
    return employee


@require_GET
@permission_required("learning.view_record", fn=_employee_object)
def record(request, pk: int):
    employee = _employee_object(request, pk)
    _audit_read(request, "learning.record_viewed", employee)
    context = _record_context(request.organisation, employee, today=_today())
    context["own"] = False
    return render(request, "learning/record.html", context)


@require_GET
@permission_required("learning.view_records")
def records(request):
    today = _today()
    form = RecordFilterForm(request.GET or None, organisation=request.organisation)
    requirements = selectors.active_requirements(request.organisation)
    qs = selectors.records_visible_to(request.user, request.organisation, today=today)
    if form.is_valid():
        data = form.cleaned_data
        qs = selectors.filter_records(
            qs,
            unit=data.get("unit"),
            search=data.get("q") or "",
            requirement=data.get("requirement"),
            status=data.get("status") or "",
            today=today,
        )
    qs = selectors.annotate_records(qs, requirements, today=today).order_by("last_name", "first_name", "pk")
    page = Paginator(qs, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    rows = selectors.record_rows(list(page.object_list), requirements, today=today)
    _audit_read(request, "learning.records_viewed", shown=len(rows), page=page.number)
    return render(
        request,
        "learning/records.html",
        {"form": form, "page": page, "rows": rows, "requirements": requirements},
    )


@require_GET
@permission_required("learning.view_coverage")
def coverage(request):
    scope = selectors.coverage_scope(request.user)
    if scope is None:
        raise Http404
    items = selectors.coverage_of_all(
        request.organisation, selectors.active_requirements(request.organisation), scope=scope
    )
    _audit_read(request, "learning.coverage_viewed", requirements=len(items))
    return render(request, "learning/coverage.html", {"items": items, "scoped": bool(scope)})


# --- mandatory training and courses ---------------------------------------------------------------------------------


def _requirements_page(request, *, course_form=None, requirement_form=None, status=200):
    organisation = request.organisation
    return render(
        request,
        "learning/requirements.html",
        {
            "requirements": selectors.all_requirements(organisation),
            "courses": selectors.courses(organisation),
            "course_form": course_form or CourseForm(organisation=organisation),
            "requirement_form": requirement_form or RequirementForm(organisation=organisation),
        },
        status=status,
    )


@require_GET
@permission_required("learning.manage_events")
def requirements(request):
    return _requirements_page(request)


@require_POST
@permission_required("learning.manage_events")
def course_create(request):
    form = CourseForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            services.create_course(actor=request.user, organisation=request.organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The course has been added."))
            return redirect("learning:requirements")
    return _requirements_page(request, course_form=form)


@require_POST
@permission_required("learning.manage_events")
def requirement_create(request):
    form = RequirementForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            services.create_requirement(actor=request.user, organisation=request.organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The training is now mandatory for this group."))
            return redirect("learning:requirements")
    return _requirements_page(request, requirement_form=form)


@require_POST
@permission_required("learning.manage_events")
def requirement_stop(request, pk: int):
    requirement = get_object_or_404(Requirement, pk=pk, organisation=request.organisation)
    try:
        services.stop_requirement(actor=request.user, requirement=requirement)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The rule has been stopped. Completed trainings stay in the learning records."))
    return redirect("learning:requirements")


# --- figures --------------------------------------------------------------------------------------------------------


@require_GET
@permission_required("learning.view_figures")
def figures(request):
    today = _today()
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    data = selectors.annual_figures(request.organisation, year, today=today)
    return render(
        request,
        "learning/figures.html",
        {"form": form, "figures": data, "year": year, "years": selectors.figure_years(request.organisation)},
    )
