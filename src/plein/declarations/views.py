"""Thin views of the declarations: check permission, call a selector or service, render.

Every read of someone else's declarations is recorded in the audit log (who, in which role, which record or page;
never the content or the search terms).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.core.exports import FORMATS, export_rows
from plein.core.models import Employee
from plein.core.permissions import permission_required
from plein.core.services.audit import record_event
from plein.declarations import selectors, services
from plein.declarations.forms import (
    ActivityFilterForm,
    ActivityForm,
    AdviceForm,
    AttachForm,
    CampaignForm,
    CandidateForm,
    ConfirmForm,
    DecisionForm,
    EndForm,
    FinancialFilterForm,
    FinancialInterestForm,
    FinancialStatementForm,
    GiftDecisionForm,
    GiftFilterForm,
    GiftForm,
    ObjectionForm,
    PublicSearchForm,
    RequestAdviceForm,
    ReviewForm,
    YearForm,
)
from plein.declarations.models import Decision, FinancialInterest, OutsideActivity, Participant

PAGE_SIZE = 50


def _today():
    return timezone.localdate()


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _audit_read(request, action: str, target=None, **data) -> None:
    record_event(
        actor=request.user,
        action=action,
        organisation=request.organisation,
        target=target,
        role=selectors.acting_role(request.user),
        data=data,
    )


def _form_page(
    request, form, *, title, intro="", submit, back_url, record=None, template="declarations/form_page.html", **extra
):
    context = {"form": form, "title": title, "intro": intro, "submit": submit, "back_url": back_url, "record": record}
    context.update(extra)
    return render(request, template, context)


def _no_employee(request):
    messages.error(request, _("There is no employee record linked to your account. Ask HR to link it."))
    return redirect("core:start")


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


# --- objects for the permission checks -------------------------------------------------------------------------------


def _activity(request, pk: int, **kwargs) -> OutsideActivity:
    item = selectors.activity(request.organisation, pk)
    if item is None:
        raise Http404
    return item


def _gift(request, pk: int, **kwargs):
    item = selectors.gift(request.organisation, pk)
    if item is None:
        raise Http404
    return item


def _interest(request, pk: int, **kwargs):
    item = selectors.financial_interest(request.organisation, pk)
    if item is None:
        raise Http404
    return item


def _is_own(request, item) -> bool:
    employee = selectors.own_employee(request.user)
    return employee is not None and getattr(item, "employee_id", None) == employee.pk


# --- the employee's own page -----------------------------------------------------------------------------------------


@require_GET
@permission_required("declarations.declare")
def mine(request):
    employee = selectors.own_employee(request.user)
    if employee is None:
        return _no_employee(request)
    today = _today()
    financial = selectors.financial_interests_required(employee)
    interests = selectors.financial_interests_of(employee)
    return render(
        request,
        "declarations/mine.html",
        {
            "employee": employee,
            "activities": selectors.activities_of(employee),
            "gifts": selectors.gifts_of(employee),
            "financial": financial,
            "interests": interests,
            "statement": selectors.latest_statement(employee) if financial or interests else None,
            "statement_form": FinancialStatementForm(),
            "participation": selectors.open_participation(employee),
            "today": today,
        },
    )


# --- outside activities ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("declarations.declare")
def activity_create(request):
    employee = selectors.own_employee(request.user)
    if employee is None:
        return _no_employee(request)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.declare_activity(
                actor=request.user, employee=employee, data=form.cleaned_data, today=_today()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if item.status == OutsideActivity.Status.AWAITING_ADVICE:
                messages.success(
                    request,
                    _(
                        "Your declaration has been sent. The integrity coordinator gives advice first; then your manager decides."
                    ),
                )
            else:
                messages.success(request, _("Your declaration has been sent to your manager."))
            return redirect("declarations:activity_detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Declare an outside activity"),
        intro=_(
            "Declare every activity outside your job that could affect your work for the province, paid or unpaid. "
            "Your manager assesses it."
        ),
        submit=_("Send declaration"),
        back_url="declarations:mine",
    )


@require_GET
@permission_required("declarations.view_activity", fn=_activity)
def activity_detail(request, pk: int):
    item = _activity(request, pk)
    own = _is_own(request, item)
    if not own:
        _audit_read(request, "declarations.activity_viewed", item)
    user = request.user
    today = _today()
    ended = item.ended_on is not None or item.has_ended(today)
    return render(
        request,
        "declarations/activity_detail.html",
        {
            "item": item,
            "history": selectors.activity_history(item),
            "own": own,
            "ended": ended,
            "can_change": user.has_perm("declarations.change_activity", item) and not ended,
            "can_object": user.has_perm("declarations.change_activity", item)
            and item.status == OutsideActivity.Status.DECIDED
            and not ended,
            "can_end": user.has_perm("declarations.end_activity", item) and item.ended_on is None,
            "can_decide": user.has_perm("declarations.decide_activity", item)
            and item.status != OutsideActivity.Status.DECIDED,
            "can_request_advice": user.has_perm("declarations.decide_activity", item)
            and item.status == OutsideActivity.Status.AWAITING_DECISION,
            "can_advise": user.has_perm("declarations.give_advice")
            and item.status == OutsideActivity.Status.AWAITING_ADVICE,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.change_activity", fn=_activity)
def activity_change(request, pk: int):
    item = _activity(request, pk)
    form = ActivityForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_activity(actor=request.user, activity=item, data=form.cleaned_data, today=_today())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your change has been saved. The declaration will be assessed again."))
            return redirect("declarations:activity_detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Change your declaration"),
        intro=_(
            "After a change, your manager assesses the declaration again. The earlier decision stays in the history."
        ),
        submit=_("Save the change"),
        back_url="declarations:activity_detail",
        record=item,
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.change_activity", fn=_activity)
def activity_object(request, pk: int):
    item = _activity(request, pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.object_to_decision(
                actor=request.user, activity=item, reasons=form.cleaned_data["reasons"], today=_today()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your objection has been recorded. Your manager will decide again."))
            return redirect("declarations:activity_detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Object to the decision"),
        submit=_("Send objection"),
        back_url="declarations:activity_detail",
        record=item,
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.end_activity", fn=_activity)
def activity_end(request, pk: int):
    item = _activity(request, pk)
    form = EndForm(request.POST or None, initial={"end_date": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_activity(
                actor=request.user, activity=item, end_date=form.cleaned_data["end_date"], today=_today()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The end of the activity has been recorded."))
            return redirect("declarations:activity_detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Record the end of the activity"),
        submit=_("Record the end"),
        back_url="declarations:activity_detail",
        record=item,
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.decide_activity", fn=_activity)
def activity_request_advice(request, pk: int):
    item = _activity(request, pk)
    form = RequestAdviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_advice(
                actor=request.user, activity=item, question=form.cleaned_data["question"], today=_today()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The integrity coordinator has been asked for advice."))
            return redirect("declarations:activity_detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Ask the integrity coordinator for advice"),
        submit=_("Ask for advice"),
        back_url="declarations:activity_detail",
        record=item,
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.give_advice")
def activity_advise(request, pk: int):
    item = _activity(request, pk)
    form = AdviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_advice(actor=request.user, activity=item, advice=form.cleaned_data["advice"], today=_today())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your advice has been recorded. The manager can decide now."))
            return redirect("declarations:activity_detail", pk=item.pk)
    _audit_read(request, "declarations.activity_viewed", item)
    return _form_page(
        request,
        form,
        title=_("Give advice"),
        submit=_("Save advice"),
        back_url="declarations:activity_detail",
        record=item,
        show_record=True,
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.decide_activity", fn=_activity)
def activity_decide(request, pk: int):
    item = _activity(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_activity(
                actor=request.user,
                activity=item,
                today=_today(),
                as_coordinator=selectors.is_ic(request.user),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The decision has been recorded. The employee can see it now."))
            return redirect("declarations:activity_detail", pk=item.pk)
    _audit_read(request, "declarations.activity_viewed", item)
    return _form_page(
        request,
        form,
        title=_("Decide on the outside activity"),
        submit=_("Record the decision"),
        back_url="declarations:activity_detail",
        record=item,
        show_record=True,
    )


@require_GET
@permission_required("declarations.view_assessments")
def activity_list(request):
    form = ActivityFilterForm(request.GET or None)
    qs = selectors.activities_visible_to(request.user, request.organisation)
    if form.is_valid():
        data = form.cleaned_data
        counts = selectors.status_counts(selectors.filter_activities(qs, text=data.get("q") or ""))
        qs = selectors.filter_activities(
            qs, status=data.get("status") or "", decision=data.get("decision") or "", text=data.get("q") or ""
        )
    else:
        counts = selectors.status_counts(qs)
    qs = selectors.for_register(qs).order_by("status", "-declared_on", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.register_rows(page.object_list)
    _audit_read(request, "declarations.activities_listed", page=page.number, shown=len(rows))
    return render(
        request,
        "declarations/activity_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": counts,
            "can_export": request.user.has_perm("declarations.export_activities"),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@permission_required("declarations.export_activities")
def activity_export(request, fmt: str):
    fmt = _format(fmt)
    form = ActivityFilterForm(request.GET or None)
    qs = selectors.activities_visible_to(request.user, request.organisation)
    if form.is_valid():
        data = form.cleaned_data
        qs = selectors.filter_activities(
            qs, status=data.get("status") or "", decision=data.get("decision") or "", text=data.get("q") or ""
        )
    rows = selectors.export_rows(qs)
    _audit_read(request, "declarations.activities_exported", format=fmt, rows=len(rows))
    return export_rows(rows, headers=selectors.EXPORT_HEADERS, format=fmt, filename="nevenfuncties")


# --- candidates ------------------------------------------------------------------------------------------------------


@require_GET
@permission_required("declarations.manage_candidates")
def candidate_list(request):
    page = Paginator(selectors.candidates(request.organisation), PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_read(request, "declarations.candidates_listed", page=page.number, shown=len(page.object_list))
    return render(request, "declarations/candidate_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@permission_required("declarations.manage_candidates")
def candidate_create(request):
    form = CandidateForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.create_candidate(
                actor=request.user, organisation=request.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The candidate has been recorded. Now record their outside activities."))
            return redirect("declarations:candidate_detail", pk=candidate.pk)
    return _form_page(
        request,
        form,
        title=_("Employment-terms interview: new candidate"),
        intro=_("Record the candidate before the start date, so that outside activities are discussed in time."),
        submit=_("Save candidate"),
        back_url="declarations:candidate_list",
    )


def _candidate(request, pk: int):
    item = selectors.candidate(request.organisation, pk)
    if item is None:
        raise Http404
    return item


@require_GET
@permission_required("declarations.manage_candidates")
def candidate_detail(request, pk: int):
    item = _candidate(request, pk)
    _audit_read(request, "declarations.candidate_viewed", item)
    return render(
        request,
        "declarations/candidate_detail.html",
        {"candidate": item, "activities": selectors.candidate_activities(item), "attach_form": AttachForm()},
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.manage_candidates")
def candidate_activity_create(request, pk: int):
    candidate = _candidate(request, pk)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_candidate_activity(
                actor=request.user, candidate=candidate, data=form.cleaned_data, today=_today()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The outside activity has been recorded."))
            return redirect("declarations:candidate_detail", pk=candidate.pk)
    return _form_page(
        request,
        form,
        title=_("Outside activity of %(name)s") % {"name": candidate.full_name},
        submit=_("Record the activity"),
        back_url="declarations:candidate_detail",
        record=candidate,
    )


@require_POST
@permission_required("declarations.manage_candidates")
def candidate_attach(request, pk: int):
    candidate = _candidate(request, pk)
    form = AttachForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the personnel number of the new employee."))
        return redirect("declarations:candidate_detail", pk=pk)
    number = form.cleaned_data["personnel_number"].strip()
    employee = Employee.objects.filter(organisation=request.organisation, personnel_number=number).first()
    if employee is None:
        messages.error(
            request, _("There is nobody with personnel number %(number)s. Check the number.") % {"number": number}
        )
        return redirect("declarations:candidate_detail", pk=pk)
    try:
        count = services.attach_candidate(actor=request.user, candidate=candidate, employee=employee)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s is in service now: %(n)d declarations have been attached to the employee.")
            % {"name": employee.full_name, "n": count},
        )
    return redirect("declarations:candidate_detail", pk=pk)


# --- campaigns -------------------------------------------------------------------------------------------------------


@require_GET
@permission_required("declarations.view_campaign_progress")
def campaign_list(request):
    page = Paginator(selectors.campaigns(request.organisation), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "declarations/campaign_list.html",
        {"page": page, "can_manage": request.user.has_perm("declarations.manage_campaigns")},
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.manage_campaigns")
def campaign_start(request):
    form = CampaignForm(request.POST or None, today=_today())
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.start_campaign(
                actor=request.user, organisation=request.organisation, today=_today(), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The campaign has started."))
            return redirect("declarations:campaign_detail", pk=campaign.pk)
    return _form_page(
        request,
        form,
        title=_("Start the yearly campaign"),
        intro=_(
            "Everyone who takes part confirms or updates their outside activities (and, in a designated position, "
            "their financial interests). Reminders go out before the deadline."
        ),
        submit=_("Start campaign"),
        back_url="declarations:campaign_list",
    )


def _campaign(request, pk: int):
    item = selectors.campaign(request.organisation, pk)
    if item is None:
        raise Http404
    return item


@require_GET
@permission_required("declarations.view_campaign_progress")
def campaign_detail(request, pk: int):
    item = _campaign(request, pk)
    units, total = selectors.campaign_progress(request.user, item)
    unit_id = request.GET.get("unit")
    try:
        unit_id = int(unit_id) if unit_id else None
    except ValueError:
        unit_id = None
    page = Paginator(selectors.open_participants(request.user, item, unit_id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _audit_read(request, "declarations.campaign_viewed", item, page=page.number, shown=len(page.object_list))
    return render(
        request,
        "declarations/campaign_detail.html",
        {
            "campaign": item,
            "units": units,
            "total": total,
            "page": page,
            "unit_id": unit_id,
            "can_manage": request.user.has_perm("declarations.manage_campaigns"),
        },
    )


@require_POST
@permission_required("declarations.manage_campaigns")
def campaign_close(request, pk: int):
    item = _campaign(request, pk)
    try:
        services.close_campaign(actor=request.user, campaign=item, today=_today())
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The campaign has been closed."))
    return redirect("declarations:campaign_detail", pk=pk)


@require_POST
@permission_required("declarations.manage_campaigns")
def campaign_remind(request, pk: int):
    from plein.declarations.tasks import plan_declaration_reminders

    item = _campaign(request, pk)
    if not item.is_open:
        messages.error(request, _("This campaign has been closed; no reminders are sent."))
        return redirect("declarations:campaign_detail", pk=pk)
    plan_declaration_reminders.enqueue(request.organisation.pk, _today().isoformat())
    messages.success(
        request,
        _("Reminders that are due have been handed over for sending. Nobody gets the same reminder twice."),
    )
    return redirect("declarations:campaign_detail", pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required("declarations.declare")
def confirm(request):
    employee = selectors.own_employee(request.user)
    if employee is None:
        return _no_employee(request)
    participation = selectors.open_participation(employee)
    today = _today()
    if participation is None:
        return render(request, "declarations/confirm.html", {"participation": None})
    form = ConfirmForm(request.POST or None, financial=participation.financial_interests_required)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_participation(
                actor=request.user,
                participant=participation,
                response=form.cleaned_data["response"],
                financial_response=form.cleaned_data.get("financial_response", ""),
                today=today,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you. Your confirmation has been recorded."))
            return redirect("declarations:mine")
    return render(
        request,
        "declarations/confirm.html",
        {
            "participation": participation,
            "form": form,
            "current": selectors.current_activities(employee, today),
            "interests": selectors.financial_interests_of(employee)
            if participation.financial_interests_required
            else [],
            "none_code": Participant.Response.NONE,
        },
    )


# --- financial interests ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("declarations.declare")
def interest_create(request):
    employee = selectors.own_employee(request.user)
    if employee is None:
        return _no_employee(request)
    if not selectors.financial_interests_required(employee):
        messages.info(
            request,
            _("Your position is not designated for declaring financial interests. You do not need to declare them."),
        )
        return redirect("declarations:mine")
    form = FinancialInterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_financial_interest(
                actor=request.user, employee=employee, today=_today(), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Your financial interest has been declared. Only the integrity coordinator sees it.")
            )
            return redirect("declarations:mine")
    return _form_page(
        request,
        form,
        title=_("Declare a financial interest or securities transaction"),
        intro=_(
            "Your position is designated for financial interests. Declare interests and transactions that could "
            "touch your work. Only the integrity coordinator sees them."
        ),
        submit=_("Send declaration"),
        back_url="declarations:mine",
    )


@require_POST
@permission_required("declarations.declare")
def interest_statement(request):
    employee = selectors.own_employee(request.user)
    if employee is None:
        return _no_employee(request)
    form = FinancialStatementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the answers."))
        return redirect("declarations:mine")
    try:
        services.make_financial_statement(
            actor=request.user, employee=employee, has_interests=form.cleaned_data["has_interests"], today=_today()
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your statement about your financial interests has been recorded."))
    return redirect("declarations:mine")


@require_GET
@permission_required("declarations.view_financial_interests")
def interest_list(request):
    form = FinancialFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.financial_interests(request.organisation, status=data.get("status") or "", text=data.get("q") or "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_read(request, "declarations.financial_interests_listed", page=page.number, shown=len(page.object_list))
    return render(request, "declarations/interest_list.html", {"form": form, "page": page})


@require_http_methods(["GET", "POST"])
@permission_required("declarations.view_financial_interest", fn=_interest)
def interest_detail(request, pk: int):
    item = _interest(request, pk)
    can_review = request.user.has_perm("declarations.review_financial_interests") and not _is_own(request, item)
    form = ReviewForm(request.POST or None) if can_review else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.review_financial_interest(
                    actor=request.user, interest=item, today=_today(), **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The review has been recorded."))
                return redirect("declarations:interest_detail", pk=pk)
    if not _is_own(request, item):
        _audit_read(request, "declarations.financial_interest_viewed", item)
    return render(
        request,
        "declarations/interest_detail.html",
        {"item": item, "form": form if item.status == FinancialInterest.Status.SUBMITTED else None},
    )


# --- gifts and invitations -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("declarations.declare")
def gift_create(request):
    employee = selectors.own_employee(request.user)
    if employee is None:
        return _no_employee(request)
    form = GiftForm(request.POST or None, initial={"date": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            gift = services.declare_gift(
                actor=request.user, employee=employee, data=services.GiftInput(**form.cleaned_data), today=_today()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if gift.is_pending:
                messages.success(request, _("Registered. The value is above the threshold, so your manager decides."))
            else:
                messages.success(
                    request, _("Registered. The value is not above the threshold: accepted automatically.")
                )
            return redirect("declarations:gift_detail", pk=gift.pk)
    return _form_page(
        request,
        form,
        title=_("Register a gift or invitation"),
        intro=_("Register every gift or invitation that you received or offered in connection with your work."),
        submit=pgettext("record a gift", "Register"),
        back_url="declarations:mine",
    )


@require_GET
@permission_required("declarations.view_gift", fn=_gift)
def gift_detail(request, pk: int):
    item = _gift(request, pk)
    if not _is_own(request, item):
        _audit_read(request, "declarations.gift_viewed", item)
    return render(
        request,
        "declarations/gift_detail.html",
        {"item": item, "can_decide": item.is_pending and request.user.has_perm("declarations.decide_gift", item)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("declarations.decide_gift", fn=_gift)
def gift_decide(request, pk: int):
    item = _gift(request, pk)
    form = GiftDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_gift(actor=request.user, gift=item, today=_today(), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect("declarations:gift_detail", pk=pk)
    _audit_read(request, "declarations.gift_viewed", item)
    return _form_page(
        request,
        form,
        title=_("Decide on the gift or invitation"),
        submit=_("Record the decision"),
        back_url="declarations:gift_detail",
        record=item,
        template="declarations/gift_decide.html",
    )


def _gift_queryset(request):
    form = GiftFilterForm(request.GET or None)
    qs = selectors.gifts_visible_to(request.user, request.organisation)
    if form.is_valid():
        data = form.cleaned_data
        qs = selectors.filter_gifts(
            qs,
            text=data.get("q") or "",
            decision=data.get("decision") or "",
            direction=data.get("direction") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    else:
        qs = qs.order_by("-date", "-pk")
    return form, qs


@require_GET
@permission_required("declarations.view_gift_register")
def gift_list(request):
    form, qs = _gift_queryset(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_read(request, "declarations.gifts_listed", page=page.number, shown=len(page.object_list))
    return render(
        request, "declarations/gift_list.html", {"form": form, "page": page, "query": request.GET.urlencode()}
    )


@require_GET
@permission_required("declarations.view_gift_register")
def gift_export(request, fmt: str):
    fmt = _format(fmt)
    _form, qs = _gift_queryset(request)
    rows = selectors.gift_rows(qs)
    _audit_read(request, "declarations.gifts_exported", format=fmt, rows=len(rows))
    return export_rows(rows, headers=selectors.GIFT_HEADERS, format=fmt, filename="geschenken-en-uitnodigingen")


# --- figures and the public register ---------------------------------------------------------------------------------


DECISION_LABELS = dict(Decision.choices)


@require_GET
@permission_required("declarations.view_figures")
def figures(request):
    today = _today()
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    data = selectors.annual_figures(request.organisation, year)
    from plein.declarations.models import GiftDecision

    return render(
        request,
        "declarations/figures.html",
        {
            "form": form,
            "year": year,
            "figures": data,
            "years": selectors.figure_years(request.organisation),
            "decisions": [(DECISION_LABELS[c], data["by_decision"][c]) for c in Decision.values],
            "gift_decisions": [(label, data["gifts_by_decision"][c]) for c, label in GiftDecision.choices],
        },
    )


PUBLIC_TITLE = gettext_lazy("Public register of outside activities")


@require_GET
def public_register(request):
    """Public, without login: the outside activities of employees in positions designated for publication."""
    today = _today()
    form = PublicSearchForm(request.GET or None)
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    qs = selectors.filter_public(selectors.public_register_qs(request.organisation or None, today), text)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [selectors.public_entry(item) for item in page.object_list]
    return render(
        request,
        "declarations/public_register.html",
        {"form": form, "page": page, "entries": entries, "today": today, "title": PUBLIC_TITLE},
    )


@require_GET
def public_register_export(request, fmt: str):
    fmt = _format(fmt)
    entries = selectors.public_register(request.organisation or None, _today())
    return export_rows(
        selectors.public_rows(entries),
        headers=selectors.PUBLIC_HEADERS,
        format=fmt,
        filename="openbaar-register-nevenfuncties",
    )
