"""Thin views of the oath register: check permission, call a selector or service, render."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.core.permissions import permission_required
from plein.core.services.audit import record_event
from plein.oaths import documents, selectors, services
from plein.oaths.forms import (
    CeremonyForm,
    DilemmaForm,
    FormChoiceForm,
    IndividualOathForm,
    InviteForm,
    OathTextForm,
    ObligationFilterForm,
    RegisterEmployeeForm,
    YearForm,
)
from plein.oaths.models import Ceremony, CeremonyDilemma, Form, Registration

PAGE_SIZE = 50


def _today() -> date:
    return timezone.localdate()


def _error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _ceremony(request, pk: int) -> Ceremony:
    return get_object_or_404(Ceremony.objects.select_related("chair"), pk=pk, organisation=request.organisation)


def _audit_read(request, action: str, target=None, **data) -> None:
    record_event(
        actor=request.user,
        action=action,
        organisation=request.organisation,
        target=target,
        role=services.acting_role(request.user),
        data=data,
    )


def _confirmation_object(request, pk: int):
    registration = selectors.registration_for_confirmation(pk)
    if registration is None or registration.organisation_id != request.organisation.pk:
        raise Http404
    return registration


# --- the employee's own page ----------------------------------------------------------------------------------------


@require_GET
@permission_required("oaths.view_own_oath")
def mine(request):
    today = _today()
    employee = selectors.own_employee(request.user)
    obligation = selectors.obligation_for(employee, today=today)
    open_registration = selectors.open_registration(employee) if employee else None
    show_ceremonies = obligation is not None and not obligation.is_done and open_registration is None
    return render(
        request,
        "oaths/mine.html",
        {
            "employee": employee,
            "obligation": obligation,
            "open_registration": open_registration,
            "registrations": selectors.registrations_of(employee) if employee else [],
            "ceremonies": selectors.open_ceremonies(request.organisation, today=today) if show_ceremonies else [],
            "invited_to": {c.pk for c in selectors.invitations_for(employee, today=today)} if employee else set(),
            "choice_form": FormChoiceForm(),
            "texts": [
                t for t in (selectors.text_in_effect(request.organisation, form, on=today) for form in Form.values) if t
            ],
        },
    )


@require_POST
@permission_required("oaths.register_for_ceremony")
def self_register(request, pk: int):
    ceremony = _ceremony(request, pk)
    employee = selectors.own_employee(request.user)
    form = FormChoiceForm(request.POST)
    if employee is None:
        messages.error(request, _("There is no employee record linked to your account. Ask HR to link it."))
    elif not form.is_valid():
        messages.error(request, _("Choose whether you will take the oath or the affirmation."))
    else:
        try:
            services.register(
                actor=request.user, ceremony=ceremony, employee=employee, form=form.cleaned_data["form"], today=_today()
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("You are registered for %(ceremony)s.") % {"ceremony": ceremony})
    return redirect("oaths:mine")


def _registration_object(request, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("employee", "ceremony"), pk=pk, organisation=request.organisation
    )


@require_POST
@permission_required("oaths.withdraw_registration", fn=_registration_object)
def withdraw(request, pk: int):
    registration = _registration_object(request, pk)
    try:
        services.withdraw(actor=request.user, registration=registration)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The registration has been withdrawn."))
    if request.POST.get("next") == "ceremony" and request.user.has_perm("oaths.manage_oaths"):
        return redirect("oaths:ceremony_detail", pk=registration.ceremony_id)
    return redirect("oaths:mine")


@require_GET
@permission_required("oaths.view_confirmation", fn=_confirmation_object)
def confirmation(request, pk: int):
    registration = _confirmation_object(request, pk)
    _audit_read(request, "oaths.confirmation_viewed", registration)
    return render(request, "oaths/confirmation.html", {"registration": registration})


@require_GET
@permission_required("oaths.view_confirmation", fn=_confirmation_object)
def confirmation_pdf(request, pk: int):
    registration = _confirmation_object(request, pk)
    _audit_read(request, "oaths.confirmation_downloaded", registration)
    pdf = documents.confirmation_pdf(registration)
    return _pdf_response(pdf, f"bevestiging-ambtseed-{registration.employee.personnel_number}.pdf")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- obligations overview -------------------------------------------------------------------------------------------


class _CountedPaginator(Paginator):
    """A paginator told its count: the overview's status counts already give it, so no COUNT over everyone."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


_CONFIRMATION_PK = 987654321  # placeholder, reversed once per page; see _overview_rows

# One row of the overview table. Built in Python with format_html (every value escaped): 50 rows through the template
# engine, with date filters, an include and a URL reversal per row, cost more than the page's queries (issue 12).
_ROW = (
    '<tr class="utrecht-table__row">'
    '<td class="utrecht-table__cell">{}</td>'
    '<td class="utrecht-table__cell">{}</td>'
    '<td class="utrecht-table__cell">{}</td>'
    '<td class="utrecht-table__cell">{}</td>'
    '<td class="utrecht-table__cell">{}</td>'
    '<td class="utrecht-table__cell"><span class="oaths-status oaths-status--{}">{}</span></td>'
    '<td class="utrecht-table__cell">{}</td>'
    "</tr>\n"
)
_TAKEN = "{}, {}"
_TAKEN_WITH_LINK = '{}, {} · <a class="utrecht-link" href="{}">{}<span class="oaths-visually-hidden"> {}</span></a>'


def _day(value: date | None, months: list[str]) -> str:
    """``value|date:"j M Y"`` without a format parse and a translation lookup per call."""
    return f"{value.day} {months[value.month]} {value.year:04d}" if value else ""


def _overview_rows(obligations, *, can_manage: bool) -> str:
    """The table rows of the overview, as safe HTML; labels, month names and the URL pattern looked up once."""
    months = [""] + [MONTHS_3[m].title() for m in range(1, 13)]
    labels = {
        selectors.STATUS_DONE: _("Done"),
        selectors.STATUS_OVERDUE: _("Overdue"),
        selectors.STATUS_DUE: _("Due"),
    }
    forms = {value: str(label).lower() for value, label in Form.choices}
    confirmation = reverse("oaths:confirmation", args=[_CONFIRMATION_PK]) if can_manage else ""
    link_text = _("confirmation")
    rows = []
    for o in obligations:
        e = o.employee
        if not o.is_done:
            taken = "–"
        elif confirmation and o.registration_id:
            url = confirmation.replace(str(_CONFIRMATION_PK), str(o.registration_id))
            taken = format_html(
                _TAKEN_WITH_LINK, _day(o.taken_on, months), forms.get(o.form, ""), url, link_text, e.full_name
            )
        else:
            taken = format_html(_TAKEN, _day(o.taken_on, months), forms.get(o.form, ""))
        rows.append(
            format_html(
                _ROW,
                e.sort_name,
                e.personnel_number,
                (e.unit.name if e.unit_id else "") or "–",
                _day(o.start_date, months),
                _day(o.due_date, months),
                o.status,
                labels[o.status],
                taken,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part went through format_html


@require_GET
@permission_required("oaths.view_obligations")
def overview(request):
    today = _today()
    form = ObligationFilterForm(request.GET or None, organisation=request.organisation)
    qs = selectors.obligation_scope(request.user, request.organisation, today=today)
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        scoped = selectors.filter_obligations(
            qs,
            unit=data.get("unit"),
            started_from=data.get("started_from"),
            started_to=data.get("started_to"),
            search=data.get("q") or "",
        )
        counts = selectors.overview_status_counts(scoped)
        status = data.get("status") or ""
        qs = selectors.filter_obligations(scoped, status=status)
    else:
        counts = selectors.overview_status_counts(qs)
    total = counts[status] if status in selectors.STATUSES else sum(counts.values())
    ids = qs.order_by(*selectors.OVERVIEW_ORDER).values("pk")
    page = _CountedPaginator(ids, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    obligations = selectors.obligation_rows(page.object_list, today=today) if total else []
    _audit_read(request, "oaths.obligations_viewed", shown=len(obligations), page=page.number)
    can_manage = request.user.has_perm("oaths.manage_oaths")
    return render(
        request,
        "oaths/overview.html",
        {
            "form": form,
            "page": page,
            "obligations": obligations,
            "rows": _overview_rows(obligations, can_manage=can_manage),
            "counts": counts,
            "today": today,
            "can_manage": can_manage,
        },
    )


# --- ceremonies -----------------------------------------------------------------------------------------------------


@require_GET
@permission_required("oaths.manage_oaths")
def ceremony_list(request):
    page = Paginator(selectors.ceremonies(request.organisation), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oaths/ceremony_list.html", {"page": page, "today": _today()})


@require_http_methods(["GET", "POST"])
@permission_required("oaths.manage_oaths")
def ceremony_create(request):
    form = CeremonyForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            ceremony = services.create_ceremony(
                actor=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The ceremony has been created."))
            return redirect("oaths:ceremony_detail", pk=ceremony.pk)
    return render(request, "oaths/ceremony_form.html", {"form": form, "ceremony": None})


@require_http_methods(["GET", "POST"])
@permission_required("oaths.manage_oaths")
def ceremony_edit(request, pk: int):
    ceremony = _ceremony(request, pk)
    form = CeremonyForm(request.POST or None, instance=ceremony, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_ceremony(actor=request.user, ceremony=ceremony, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The ceremony has been saved."))
            return redirect("oaths:ceremony_detail", pk=ceremony.pk)
    # A failed ModelForm validation may have changed the instance; show the stored values in the heading.
    return render(request, "oaths/ceremony_form.html", {"form": form, "ceremony": _ceremony(request, pk)})


@require_GET
@permission_required("oaths.manage_oaths")
def ceremony_detail(request, pk: int):
    ceremony = selectors.ceremony_with_counts(request.organisation, pk)
    if ceremony is None:
        raise Http404
    registrations = selectors.ceremony_registrations(ceremony)
    _audit_read(request, "oaths.ceremony_viewed", ceremony, shown=len(registrations))
    return render(
        request,
        "oaths/ceremony_detail.html",
        {
            "ceremony": ceremony,
            "registrations": registrations,
            "dilemmas": selectors.ceremony_dilemmas(ceremony),
            "dilemma_form": DilemmaForm(),
            "invite_form": InviteForm(organisation=request.organisation),
            "register_form": RegisterEmployeeForm(),
            "today": _today(),
            "free": max(ceremony.capacity - ceremony.active_count, 0),
        },
    )


@require_POST
@permission_required("oaths.manage_oaths")
def ceremony_invite(request, pk: int):
    ceremony = _ceremony(request, pk)
    form = InviteForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        messages.error(request, _("Check the filters for the invitation."))
        return redirect("oaths:ceremony_detail", pk=pk)
    try:
        count = services.invite_due_employees(
            actor=request.user, ceremony=ceremony, today=_today(), **form.cleaned_data
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        if count:
            messages.success(request, _("%(n)d people have been invited by e-mail.") % {"n": count})
        else:
            messages.info(request, _("Nobody to invite: everyone who matches has been invited or registered already."))
    return redirect("oaths:ceremony_detail", pk=pk)


@require_POST
@permission_required("oaths.manage_oaths")
def ceremony_register_employee(request, pk: int):
    ceremony = _ceremony(request, pk)
    form = RegisterEmployeeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a personnel number and choose oath or affirmation."))
        return redirect("oaths:ceremony_detail", pk=pk)
    employee = selectors.employee_by_number(request.organisation, form.cleaned_data["personnel_number"])
    if employee is None:
        messages.error(
            request,
            _("There is nobody with personnel number %(number)s. Check the number.")
            % {"number": form.cleaned_data["personnel_number"]},
        )
        return redirect("oaths:ceremony_detail", pk=pk)
    try:
        services.register(
            actor=request.user, ceremony=ceremony, employee=employee, form=form.cleaned_data["form"], today=_today()
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(name)s has been registered.") % {"name": employee.full_name})
    return redirect("oaths:ceremony_detail", pk=pk)


@require_POST
@permission_required("oaths.manage_oaths")
def dilemma_add(request, pk: int):
    ceremony = _ceremony(request, pk)
    form = DilemmaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe the dilemma (at most 500 characters)."))
        return redirect("oaths:ceremony_detail", pk=pk)
    try:
        services.add_dilemma(actor=request.user, ceremony=ceremony, **form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The dilemma has been recorded."))
    return redirect("oaths:ceremony_detail", pk=pk)


@require_POST
@permission_required("oaths.manage_oaths")
def dilemma_remove(request, pk: int, dilemma_pk: int):
    ceremony = _ceremony(request, pk)
    dilemma = get_object_or_404(CeremonyDilemma, pk=dilemma_pk, ceremony=ceremony)
    services.remove_dilemma(actor=request.user, dilemma=dilemma)
    messages.success(request, _("The dilemma has been removed."))
    return redirect("oaths:ceremony_detail", pk=pk)


@require_GET
@permission_required("oaths.manage_oaths")
def check_in_list(request, pk: int):
    ceremony = selectors.ceremony_with_counts(request.organisation, pk)
    if ceremony is None:
        raise Http404
    registrations = selectors.ceremony_registrations(ceremony)
    _audit_read(request, "oaths.check_in_list_viewed", ceremony, shown=len(registrations))
    today = _today()
    return render(
        request,
        "oaths/check_in.html",
        {
            "ceremony": ceremony,
            "registrations": registrations,
            "today": today,
            "open": ceremony.date <= today,
            "taken": sum(1 for r in registrations if r.status == Registration.Status.TAKEN),
        },
    )


@require_POST
@permission_required("oaths.manage_oaths")
def check_in(request, pk: int, registration_pk: int):
    ceremony = _ceremony(request, pk)
    registration = selectors.registration_for_check_in(ceremony, registration_pk)
    if registration is None:
        raise Http404
    action = request.POST.get("action", "")
    name = registration.employee.full_name
    try:
        if action in Form.values:
            done = services.check_in(actor=request.user, registration=registration, form=action, today=_today())
            messages.success(
                request,
                _("%(name)s: %(form)s taken.") % {"name": name, "form": done.get_form_display().lower()},
            )
        elif action == "absent":
            services.mark_absent(actor=request.user, registration=registration, today=_today())
            messages.success(request, _("%(name)s: marked absent.") % {"name": name})
        elif action == "undo":
            services.undo_check_in(actor=request.user, registration=registration)
            messages.success(request, _("%(name)s: the check-in has been undone.") % {"name": name})
        else:
            messages.error(request, _("Unknown action. Use one of the buttons."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("oaths:check_in_list", kwargs={"pk": pk}) + f"#r{registration.pk}")


@require_GET
@permission_required("oaths.manage_oaths")
def ceremony_record_pdf(request, pk: int):
    ceremony = selectors.ceremony_with_counts(request.organisation, pk)
    if ceremony is None:
        raise Http404
    registrations = [r for r in selectors.ceremony_registrations(ceremony) if r.status == Registration.Status.TAKEN]
    _audit_read(request, "oaths.record_downloaded", ceremony, shown=len(registrations))
    pdf = documents.ceremony_record_pdf(ceremony, registrations, selectors.ceremony_dilemmas(ceremony))
    return _pdf_response(pdf, f"proces-verbaal-ambtseed-{ceremony.date:%Y-%m-%d}.pdf")


# --- individual oath, texts, figures --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("oaths.manage_oaths")
def individual(request):
    form = IndividualOathForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employee = selectors.employee_by_number(request.organisation, data["personnel_number"])
        if employee is None:
            form.add_error("personnel_number", _("There is nobody with this personnel number. Check the number."))
        else:
            try:
                registration = services.register_individual_oath(
                    actor=request.user,
                    employee=employee,
                    form=data["form"],
                    taken_on=data["taken_on"],
                    sworn_before=data["sworn_before"],
                    location=data["location"],
                    today=_today(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("The %(form)s of %(name)s has been recorded.")
                    % {"form": registration.get_form_display().lower(), "name": employee.full_name},
                )
                return redirect("oaths:confirmation", pk=registration.pk)
    return render(request, "oaths/individual.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("oaths.manage_oaths")
def texts(request):
    form = OathTextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            text = services.create_oath_text(actor=request.user, organisation=request.organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Version %(version)d of the %(form)s text has been saved.")
                % {"version": text.version, "form": text.get_form_display().lower()},
            )
            return redirect("oaths:texts")
    today = _today()
    current = {t.pk for t in (selectors.text_in_effect(request.organisation, f, on=today) for f in Form.values) if t}
    return render(
        request,
        "oaths/texts.html",
        {"form": form, "texts": selectors.oath_texts(request.organisation), "current": current},
    )


@require_GET
@permission_required("oaths.view_figures")
def figures(request):
    today = _today()
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    overdue_at = min(date(year, 12, 31), today)
    data = selectors.annual_figures(request.organisation, year, overdue_at=overdue_at)
    years = selectors.figure_years(request.organisation)
    return render(request, "oaths/figures.html", {"form": form, "figures": data, "year": year, "years": years})
