"""Thin views of moral deliberation: check permission, call a selector or service, render.

Every page works without JavaScript. The projected screen and the participant's page refresh a part of the page with
htmx polling (``hx-get`` + ``hx-trigger="every 2s"``); without JavaScript a "Refresh" link does the same.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.core.permissions import permission_required
from plein.core.selectors import employee_for
from plein.core.services.audit import record_event
from plein.deliberation import documents, selectors, services
from plein.deliberation.forms import (
    ActionForm,
    AvailabilityForm,
    ChoiceForm,
    DeclineForm,
    DilemmaForm,
    EntryForm,
    FacilitatorForm,
    FactForm,
    InviteForm,
    JoinForm,
    LibrarySearchForm,
    MatrixForm,
    MethodForm,
    MonthForm,
    OptionForm,
    PlanForm,
    RequestForm,
    ReviewForm,
    StakeholderForm,
    StepFormSet,
    StepNumberForm,
    TextForm,
    ValueForm,
    VoteForm,
    YearForm,
)
from plein.deliberation.models import (
    Capture,
    DeliberationRequest,
    Facilitator,
    LibraryEntry,
    MethodVersion,
    Participant,
    Session,
    Theme,
)

PAGE_SIZE = 25


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _audit_read(request, action: str, target=None, **data) -> None:
    record_event(
        actor=request.user,
        action=f"deliberation.{action}",
        organisation=request.organisation,
        target=target,
        role=services.acting_role(request.user),
        data=data,
    )


def _cached(request, key, load):
    cache = request.__dict__.setdefault("_deliberation_objects", {})
    if key not in cache:
        found = load()
        if found is None:
            raise Http404
        cache[key] = found
    return cache[key]


def _session_obj(request, pk: int, **_kwargs) -> Session:
    return _cached(request, ("session", pk), lambda: selectors.session_in(request.organisation, pk))


def _request_obj(request, pk: int, **_kwargs) -> DeliberationRequest:
    return _cached(request, ("request", pk), lambda: selectors.request_in(request.organisation, pk))


def _entry_obj(request, pk: int, **_kwargs) -> LibraryEntry:
    return _cached(request, ("entry", pk), lambda: selectors.library_entry_in(request.organisation, pk))


def _facilitator_obj(request, pk: int, **_kwargs) -> Facilitator:
    return _cached(
        request,
        ("facilitator", pk),
        lambda: Facilitator.objects.filter(organisation=request.organisation, pk=pk).select_related("employee").first(),
    )


def _today():
    return timezone.localdate()


# --- start page of the app ------------------------------------------------------------------------------------------


@require_GET
@permission_required("deliberation.ask")
def home(request):
    user, organisation = request.user, request.organisation
    return render(
        request,
        "deliberation/home.html",
        {
            "own_requests": selectors.own_requests(user, organisation),
            "taking_part": selectors.sessions_taking_part(user, organisation),
            "leading": selectors.sessions_leading(user, organisation),
            "facilitator": selectors.facilitator_of(user, organisation),
            "monthly": selectors.dilemma_of_the_month(organisation),
            "join_form": JoinForm(),
            "open_requests": (
                selectors.requests_for_coordinator(organisation, status=DeliberationRequest.Status.SUBMITTED).count()
                if user.has_perm("deliberation.manage_requests")
                else None
            ),
            "review_count": (
                len(selectors.review_queue(organisation)) if user.has_perm("deliberation.review_library") else None
            ),
        },
    )


# --- requests -------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.ask")
def request_create(request):
    form = RequestForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.submit_request(
                actor=request.user,
                organisation=request.organisation,
                theme=data["theme"],
                situation=data["situation"],
                urgency=data["urgency"],
                team=data.get("team"),
                team_description=data.get("team_description", ""),
                preferred_dates=data.get("preferred_dates", ""),
                expected_participants=data.get("expected_participants"),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("Your request has been sent. The integrity coordinator will contact you about a date.")
            )
            return redirect("deliberation:request_detail", pk=created.pk)
    return render(request, "deliberation/request_form.html", {"form": form})


@require_GET
@permission_required("deliberation.manage_requests")
def request_list(request):
    status = request.GET.get("status", "")
    if status not in DeliberationRequest.Status.values:
        status = ""
    qs = selectors.requests_for_coordinator(request.organisation, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_read(request, "requests_viewed", shown=len(page.object_list))
    return render(
        request,
        "deliberation/request_list.html",
        {"page": page, "status": status, "statuses": DeliberationRequest.Status.choices},
    )


def _plan_form(request, data=None, *, with_theme=False, initial=None):
    return PlanForm(
        data,
        initial=initial,
        facilitators=selectors.plannable_facilitators(request.organisation, today=_today()),
        versions=selectors.current_versions(request.organisation),
        with_theme=with_theme,
        organisation=request.organisation,
    )


def _request_page(request, deliberation_request, *, plan_form=None, decline_form=None, status=200):
    can_manage = request.user.has_perm("deliberation.manage_requests")
    is_waiting = deliberation_request.status == DeliberationRequest.Status.SUBMITTED
    return render(
        request,
        "deliberation/request_detail.html",
        {
            "item": deliberation_request,
            "session": selectors.session_of_request(deliberation_request),
            "can_manage": can_manage,
            "can_withdraw": is_waiting and request.user.has_perm("deliberation.withdraw_request", deliberation_request),
            "plan_form": (plan_form or _plan_form(request)) if can_manage and is_waiting else None,
            "decline_form": (decline_form or DeclineForm()) if can_manage and is_waiting else None,
        },
        status=status,
    )


@require_GET
@permission_required("deliberation.view_request", fn=_request_obj)
def request_detail(request, pk: int):
    deliberation_request = _request_obj(request, pk)
    _audit_read(request, "request_viewed", deliberation_request)
    return _request_page(request, deliberation_request)


@require_POST
@permission_required("deliberation.manage_requests")
def request_plan(request, pk: int):
    deliberation_request = _request_obj(request, pk)
    form = _plan_form(request, request.POST)
    if form.is_valid():
        try:
            session = services.plan_session(
                actor=request.user,
                organisation=request.organisation,
                facilitators=list(form.cleaned_data["facilitators"]),
                scheduled_at=form.scheduled_at(),
                method_version=form.cleaned_data["method_version"],
                title=form.cleaned_data["title"],
                location=form.cleaned_data.get("location", ""),
                deliberation_request=deliberation_request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The session has been planned. Now invite the participants."))
            return redirect("deliberation:session_plan", pk=session.pk)
    return _request_page(request, deliberation_request, plan_form=form, status=400)


@require_POST
@permission_required("deliberation.manage_requests")
def request_decline(request, pk: int):
    deliberation_request = _request_obj(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_request(
                actor=request.user, deliberation_request=deliberation_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The request has been declined. The person who asked gets an e-mail."))
            return redirect("deliberation:request_detail", pk=pk)
    return _request_page(request, deliberation_request, decline_form=form, status=400)


@require_POST
@permission_required("deliberation.withdraw_request", fn=_request_obj)
def request_withdraw(request, pk: int):
    try:
        services.withdraw_request(actor=request.user, deliberation_request=_request_obj(request, pk))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("deliberation:request_detail", pk=pk)


# --- facilitators ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.manage_facilitators")
def facilitator_list(request):
    form = FacilitatorForm(request.POST or None, organisation=request.organisation, initial={"available": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_facilitator(
                actor=request.user,
                organisation=request.organisation,
                employee=data["employee"],
                training_status=data["training_status"],
                training_started_on=data["training_started_on"],
                certified_on=data.get("certified_on"),
                available=data.get("available", False),
                availability=data.get("availability", ""),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s has been added to the register.") % {"name": data["employee"]})
            return redirect("deliberation:facilitator_list")
    facilitators = list(selectors.facilitator_register(request.organisation))
    today = _today()
    for facilitator in facilitators:
        facilitator.active_today = facilitator.is_active(today)
    _audit_read(request, "facilitators_viewed", shown=len(facilitators))
    return render(
        request,
        "deliberation/facilitator_list.html",
        {
            "facilitators": facilitators,
            "form": form,
            "active_count": sum(1 for f in facilitators if f.active_today),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.change_availability", fn=_facilitator_obj)
def facilitator_edit(request, pk: int):
    facilitator = _facilitator_obj(request, pk)
    full = request.user.has_perm("deliberation.manage_facilitators")
    initial = {
        name: getattr(facilitator, name)
        for name in (
            "training_status",
            "training_started_on",
            "certified_on",
            "available",
            "availability",
            "stopped_on",
        )
    }
    if full:
        form = FacilitatorForm(request.POST or None, organisation=request.organisation, editing=True, initial=initial)
    else:
        form = AvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_facilitator(actor=request.user, facilitator=facilitator, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("deliberation:facilitator_list" if full else "deliberation:index")
    return render(
        request, "deliberation/facilitator_form.html", {"facilitator": facilitator, "form": form, "full": full}
    )


# --- methods --------------------------------------------------------------------------------------------------------


@require_GET
@permission_required("deliberation.view_methods")
def method_list(request):
    return render(
        request, "deliberation/method_list.html", {"versions": selectors.current_versions(request.organisation)}
    )


def _version(request, pk: int) -> MethodVersion:
    version = selectors.method_version(pk, request.organisation)
    if version is None:
        raise Http404
    return version


@require_GET
@permission_required("deliberation.view_methods")
def method_detail(request, pk: int):
    version = _version(request, pk)
    current = selectors.current_version(version.method, request.organisation)
    return render(
        request,
        "deliberation/method_detail.html",
        {
            "version": version,
            "is_current": current is not None and current.pk == version.pk,
            "current": current,
            "history": selectors.version_history(version.method, request.organisation),
        },
    )


def _method_forms(request, *, initial=None, steps=None, changing=False):
    data = request.POST if request.method == "POST" else None
    form = MethodForm(data, initial=initial, changing=changing)
    formset = StepFormSet(data, initial=steps, prefix="steps")
    return form, formset


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.manage_methods")
def method_create(request):
    form, formset = _method_forms(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            version = services.create_method(
                actor=request.user,
                organisation=request.organisation,
                name=data["name"],
                summary=data.get("summary", ""),
                suited_for=data.get("suited_for", ""),
                duration_minutes=data.get("duration_minutes"),
                steps=formset.specs(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The method has been added."))
            return redirect("deliberation:method_detail", pk=version.pk)
    return render(request, "deliberation/method_form.html", {"form": form, "formset": formset, "version": None})


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.manage_methods")
def method_change(request, pk: int):
    base = _version(request, pk)
    current = selectors.current_version(base.method, request.organisation)
    if current is None or current.pk != base.pk:
        messages.info(request, _("This is an older version. You change the current version."))
        return redirect("deliberation:method_change", pk=current.pk)
    initial = {
        "name": base.name,
        "summary": base.summary,
        "suited_for": base.suited_for,
        "duration_minutes": base.duration_minutes,
    }
    steps = [
        {"title": s.title, "instruction": s.instruction, "questions": s.questions, "captures": s.captures}
        for s in base.steps.all()
    ]
    form, formset = _method_forms(request, initial=initial, steps=steps, changing=True)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            version = services.change_method(
                actor=request.user,
                organisation=request.organisation,
                method=base.method,
                name=data["name"],
                summary=data.get("summary", ""),
                suited_for=data.get("suited_for", ""),
                duration_minutes=data.get("duration_minutes"),
                change_note=data.get("change_note", ""),
                steps=formset.specs(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Version %(n)d has been saved. Sessions that used an earlier version keep it.")
                % {"n": version.number},
            )
            return redirect("deliberation:method_detail", pk=version.pk)
    return render(request, "deliberation/method_form.html", {"form": form, "formset": formset, "version": base})


# --- sessions: planning ---------------------------------------------------------------------------------------------


@require_GET
@permission_required("deliberation.view_sessions")
def session_list(request):
    status = request.GET.get("status", "")
    if status not in Session.Status.values:
        status = ""
    qs = selectors.sessions_overview(request.user, request.organisation, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deliberation/session_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Session.Status.choices,
            "can_plan": request.user.has_perm("deliberation.plan_sessions"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.plan_sessions")
def session_create(request):
    form = _plan_form(request, request.POST or None, with_theme=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.plan_session(
                actor=request.user,
                organisation=request.organisation,
                facilitators=list(data["facilitators"]),
                scheduled_at=form.scheduled_at(),
                method_version=data["method_version"],
                title=data["title"],
                location=data.get("location", ""),
                theme=data["theme"],
                team=data.get("team"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The session has been planned. Now invite the participants."))
            return redirect("deliberation:session_plan", pk=session.pk)
    return render(request, "deliberation/session_form.html", {"form": form})


@require_GET
@permission_required("deliberation.manage_session", fn=_session_obj)
def session_plan(request, pk: int):
    session = _session_obj(request, pk)
    return render(
        request,
        "deliberation/session_plan.html",
        {
            "session": session,
            "participants": selectors.participants(session),
            "invite_form": InviteForm(organisation=request.organisation, team=session.team),
            "leads": request.user.has_perm("deliberation.lead_session", session),
        },
    )


@require_POST
@permission_required("deliberation.manage_session", fn=_session_obj)
def session_invite(request, pk: int):
    session = _session_obj(request, pk)
    form = InviteForm(request.POST, organisation=request.organisation, team=session.team)
    if form.is_valid():
        try:
            invited, already = services.invite_participants(
                actor=request.user, session=session, employees=form.cleaned_data["employees"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("%(n)d people have been invited by e-mail.") % {"n": len(invited)})
            if already:
                messages.info(request, _("%(n)d were on the list already.") % {"n": len(already)})
    else:
        _form_errors(request, form)
    return redirect("deliberation:session_plan", pk=pk)


@require_POST
@permission_required("deliberation.manage_session", fn=_session_obj)
def session_cancel(request, pk: int):
    try:
        services.cancel_session(actor=request.user, session=_session_obj(request, pk))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The session has been cancelled."))
    return redirect("deliberation:session_plan", pk=pk)


# --- sessions: the workspace of the facilitator ---------------------------------------------------------------------


def _capture_forms(session, record, captures, data=None):
    forms = {}
    if Capture.CASE in captures:
        forms["case"] = TextForm(initial={"text": session.case_description}, label=_("The case"), prefix="case")
    if Capture.DILEMMA in captures:
        sides = {o.side: o for o in record.dilemma_sides}
        forms["dilemma"] = DilemmaForm(
            initial={
                "question": session.dilemma_question,
                "option_a": sides["a"].text if "a" in sides else "",
                "cost_a": sides["a"].cost if "a" in sides else "",
                "option_b": sides["b"].text if "b" in sides else "",
                "cost_b": sides["b"].cost if "b" in sides else "",
            },
            prefix="dilemma",
        )
    if Capture.FACTS in captures:
        forms["fact"] = FactForm(prefix="fact")
    if Capture.STAKEHOLDERS in captures:
        forms["stakeholder"] = StakeholderForm(prefix="stakeholder")
    if Capture.VALUES in captures:
        forms["value"] = ValueForm(prefix="value")
    if Capture.OPTIONS in captures:
        forms["option"] = OptionForm(prefix="option")
    if Capture.CHOICES in captures:
        forms["choice"] = ChoiceForm(
            options=selectors.ordered_options(session),
            participants=Participant.objects.filter(session=session).select_related("employee"),
            prefix="choice",
        )
    if Capture.MATRIX in captures:
        forms["matrix"] = MatrixForm(matrix=record.matrix, prefix="matrix")
    if Capture.CONCLUSIONS in captures:
        forms["conclusions"] = TextForm(
            initial={"text": session.conclusions}, label=_("Conclusions"), prefix="conclusions"
        )
        forms["action"] = ActionForm(prefix="action")
    if Capture.EVALUATION in captures:
        forms["evaluation"] = TextForm(initial={"text": session.evaluation}, label=_("Evaluation"), prefix="evaluation")
    return forms


@require_GET
@permission_required("deliberation.lead_session", fn=_session_obj)
def workspace(request, pk: int):
    session = _session_obj(request, pk)
    _audit_read(request, "session_opened", session)
    step_list = selectors.steps(session)
    step = selectors.current_step(session, step_list)
    record = selectors.session_record(session, with_participants=True)
    if session.status == Session.Status.RUNNING:
        captures = list(step.captures) if step else []
    elif session.status == Session.Status.HELD and session.content_deleted_at is None:
        captures = [Capture.CONCLUSIONS, Capture.EVALUATION]
    else:
        captures = []
    now = timezone.now()
    return render(
        request,
        "deliberation/workspace.html",
        {
            "session": session,
            "steps": step_list,
            "step": step,
            "record": record,
            "forms": _capture_forms(session, record, captures),
            "code_valid": session.code_is_valid(now),
            "joined": [p for p in record.participants if p.joined_at],
            "not_joined": [p for p in record.participants if not p.joined_at],
            "step_is_empty": session.status == Session.Status.RUNNING and record.step_is_empty(step),
            "can_propose": session.status == Session.Status.HELD,
        },
    )


def _back(request, session: Session):
    if request.POST.get("next") == "participate":
        return redirect(reverse("deliberation:participate", args=[session.pk]) + "#add")
    anchor = request.POST.get("anchor", "")
    url = reverse("deliberation:workspace", args=[session.pk])
    return redirect(url + (f"#{anchor}" if re.fullmatch(r"[a-z][a-z-]{0,40}", anchor) else ""))


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_start(request, pk: int):
    try:
        session = services.start_session(actor=request.user, session=_session_obj(request, pk))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("The session has started. Participants join with the code %(code)s.") % {"code": session.join_code},
        )
    return redirect("deliberation:workspace", pk=pk)


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_code(request, pk: int):
    try:
        session = services.renew_join_code(actor=request.user, session=_session_obj(request, pk))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The new code is %(code)s.") % {"code": session.join_code})
    return redirect("deliberation:workspace", pk=pk)


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_step(request, pk: int):
    form = StepNumberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect("deliberation:workspace", pk=pk)
    try:
        _session, left_empty = services.go_to_step(
            actor=request.user, session=_session_obj(request, pk), number=form.cleaned_data["number"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if left_empty is not None:
            messages.warning(
                request,
                _("Nothing was recorded at step %(n)d (%(title)s). You can go back to it at any time.")
                % {"n": left_empty.number, "title": left_empty.title},
            )
    return redirect("deliberation:workspace", pk=pk)


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_present(request, pk: int):
    session = _session_obj(request, pk)
    participant = Participant.objects.filter(session=session, pk=request.POST.get("participant") or 0).first()
    if participant is None:
        messages.error(request, _("Choose a participant."))
    else:
        try:
            services.mark_present(actor=request.user, session=session, participant=participant)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("%(name)s is marked as present.") % {"name": participant.employee.full_name})
    return _back(request, session)


TEXT_PARTS = {
    "casus": ("case_description", "case"),
    "conclusies": ("conclusions", "conclusions"),
    "evaluatie": ("evaluation", "evaluation"),
}


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_text(request, pk: int, part: str):
    session = _session_obj(request, pk)
    if part not in TEXT_PARTS:
        raise Http404
    field_name, prefix = TEXT_PARTS[part]
    form = TextForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            services.record_text(
                actor=request.user, session=session, field_name=field_name, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Saved."))
    else:
        _form_errors(request, form)
    return _back(request, session)


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_dilemma(request, pk: int):
    session = _session_obj(request, pk)
    form = DilemmaForm(request.POST, prefix="dilemma")
    if form.is_valid():
        try:
            services.record_dilemma(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The dilemma has been saved."))
    else:
        _form_errors(request, form)
    return _back(request, session)


ADD_KINDS = {
    "feit": (FactForm, "fact"),
    "betrokkene": (StakeholderForm, "stakeholder"),
    "waarde": (ValueForm, "value"),
    "optie": (OptionForm, "option"),
    "actie": (ActionForm, "action"),
}
PARTICIPANT_ADD_KINDS = ("betrokkene", "optie")


@require_POST
@permission_required("deliberation.view_session_content", fn=_session_obj)
def session_add(request, pk: int, kind: str):
    session = _session_obj(request, pk)
    if kind not in ADD_KINDS:
        raise Http404
    form_class, prefix = ADD_KINDS[kind]
    leads = request.user.has_perm("deliberation.lead_session", session)
    participant = None
    if not leads:
        if kind not in PARTICIPANT_ADD_KINDS or not request.user.has_perm("deliberation.contribute", session):
            raise PermissionDenied
        participant = selectors.participant_of(session, request.user)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, session)
    data = form.cleaned_data
    try:
        if prefix == "fact":
            services.add_fact(actor=request.user, session=session, **data)
        elif prefix == "stakeholder":
            services.add_stakeholder(actor=request.user, session=session, participant=participant, **data)
        elif prefix == "value":
            services.add_value(actor=request.user, session=session, **data)
        elif prefix == "option":
            services.add_option(actor=request.user, session=session, participant=participant, **data)
        else:
            services.add_action(actor=request.user, session=session, **data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Added."))
    return _back(request, session)


REMOVE_KINDS = {"feit": "fact", "betrokkene": "stakeholder", "waarde": "value", "optie": "option", "actie": "action"}


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_remove(request, pk: int, kind: str, item: int):
    session = _session_obj(request, pk)
    if kind not in REMOVE_KINDS:
        raise Http404
    try:
        services.remove_item(actor=request.user, session=session, kind=REMOVE_KINDS[kind], pk=item)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Removed."))
    return _back(request, session)


@require_POST
@permission_required("deliberation.view_session_content", fn=_session_obj)
def session_choice(request, pk: int):
    session = _session_obj(request, pk)
    leads = request.user.has_perm("deliberation.lead_session", session)
    options = selectors.ordered_options(session)
    if leads:
        form = ChoiceForm(
            request.POST,
            options=options,
            participants=Participant.objects.filter(session=session),
            prefix="choice",
        )
    elif request.user.has_perm("deliberation.contribute", session):
        form = ChoiceForm(request.POST, options=options, prefix="choice")
    else:
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        participant = data["participant"] if leads else selectors.participant_of(session, request.user)
        try:
            services.record_choice(
                actor=request.user,
                session=session,
                participant=participant,
                option=data["option"],
                because=data["because"],
                despite=data.get("despite", ""),
                limit_damage=data.get("limit_damage", ""),
                needs=data.get("needs", ""),
                by_facilitator=leads,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The choice has been saved."))
    else:
        _form_errors(request, form)
    return _back(request, session)


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_matrix(request, pk: int):
    session = _session_obj(request, pk)
    record = selectors.session_record(session)
    form = MatrixForm(request.POST, matrix=record.matrix, prefix="matrix")
    if form.is_valid():
        try:
            services.record_weighing(actor=request.user, session=session, weights=form.weights(), scores=form.scores())
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The weighing has been saved."))
    else:
        messages.error(request, _("The weighing could not be saved: choose a weight and a score from the lists."))
    return _back(request, session)


@require_POST
@permission_required("deliberation.lead_session", fn=_session_obj)
def session_close(request, pk: int):
    try:
        services.close_session(actor=request.user, session=_session_obj(request, pk))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _(
                "The session has been closed. Participants can download the record. You can propose the dilemma for the library."
            ),
        )
    return redirect("deliberation:workspace", pk=pk)


# --- the projected screen and the participant's device --------------------------------------------------------------


def _screen_context(session: Session) -> dict:
    step_list = selectors.steps(session)
    step = selectors.current_step(session, step_list)
    record = selectors.session_record(session)
    return {
        "session": session,
        "step": step,
        "step_count": len(step_list),
        "record": record,
        "code_valid": session.code_is_valid(timezone.now()),
        "step_is_empty": record.step_is_empty(step),
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@permission_required("deliberation.view_session_content", fn=_session_obj)
def projection(request, pk: int):
    session = _session_obj(request, pk)
    _audit_read(request, "screen_opened", session)  # the page; its two-second refreshes are not logged
    return _no_store(render(request, "deliberation/projection.html", _screen_context(session)))


@require_GET
@permission_required("deliberation.view_session_content", fn=_session_obj)
def projection_live(request, pk: int):
    """The part of the projected screen that htmx fetches every two seconds."""
    return _no_store(render(request, "deliberation/includes/screen.html", _screen_context(_session_obj(request, pk))))


def _participant_context(request, session: Session) -> dict:
    participant = selectors.participant_of(session, request.user)
    step_list = selectors.steps(session)
    step = selectors.current_step(session, step_list)
    own_choice = participant.choices.select_related("option").first() if participant else None
    options = selectors.ordered_options(session)
    return {
        "session": session,
        "participant": participant,
        "step": step,
        "step_count": len(step_list),
        "own_choice": own_choice,
        "has_options": options.exists(),
        "stakeholder_form": StakeholderForm(prefix="stakeholder"),
        "option_form": OptionForm(prefix="option"),
        "choice_form": ChoiceForm(
            options=options,
            prefix="choice",
            initial=(
                {
                    "option": own_choice.option_id,
                    "because": own_choice.because,
                    "despite": own_choice.despite,
                    "limit_damage": own_choice.limit_damage,
                    "needs": own_choice.needs,
                }
                if own_choice
                else None
            ),
        ),
        "join_form": JoinForm(),
    }


@require_GET
@permission_required("deliberation.contribute", fn=_session_obj)
def participate(request, pk: int):
    session = _session_obj(request, pk)
    _audit_read(request, "session_opened", session)
    context = _participant_context(request, session)
    if session.status == Session.Status.HELD:
        context["record"] = selectors.session_record(session)
    return _no_store(render(request, "deliberation/participate.html", context))


@require_GET
@permission_required("deliberation.contribute", fn=_session_obj)
def participate_live(request, pk: int):
    session = _session_obj(request, pk)
    step_list = selectors.steps(session)
    return _no_store(
        render(
            request,
            "deliberation/includes/participant_step.html",
            {"session": session, "step": selectors.current_step(session, step_list), "step_count": len(step_list)},
        )
    )


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.join_session")
def join(request):
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")[:20]})
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.join_session(
                user=request.user, organisation=request.organisation, code=form.cleaned_data["code"]
            )
        except services.JoinError as exc:
            if exc.code == "duplicate" and exc.participant is not None:
                messages.info(request, exc.messages[0])
                return redirect("deliberation:participate", pk=exc.participant.session_id)
            form.add_error("code", exc.messages[0])
        else:
            messages.success(request, _("Welcome. You have joined the session."))
            return redirect("deliberation:participate", pk=participant.session_id)
    return render(request, "deliberation/join.html", {"form": form})


@require_GET
@permission_required("deliberation.view_session_content", fn=_session_obj)
def record_pdf(request, pk: int):
    session = _session_obj(request, pk)
    if session.status != Session.Status.HELD:
        messages.error(request, _("The record can be downloaded once the session has been held."))
        return redirect("deliberation:index")
    _audit_read(request, "record_downloaded", session)
    response = HttpResponse(documents.session_record_pdf(session), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="moreel-beraad-{session.held_on:%Y-%m-%d}-{session.pk}.pdf"'
    )
    return _no_store(response)


# --- the case library -----------------------------------------------------------------------------------------------


def _entry_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.ENTRY_FIELDS}


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.propose_dilemma", fn=_session_obj)
def propose(request, pk: int):
    session = _session_obj(request, pk)
    if session.status != Session.Status.HELD:
        messages.error(request, _("You can propose a dilemma for the library after the session has been held."))
        return redirect("deliberation:workspace", pk=pk)
    sides = {o.side: o.text for o in selectors.ordered_options(session) if o.side}
    initial = {
        "theme": session.theme,
        "question": session.dilemma_question[:300],
        "option_a": sides.get("a", ""),
        "option_b": sides.get("b", ""),
    }
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.propose_entry(
                actor=request.user, organisation=request.organisation, session=session, **_entry_fields(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you. The integrity coordinator will review the dilemma."))
            return redirect("deliberation:library_entry", pk=entry.pk)
    return render(request, "deliberation/entry_form.html", {"form": form, "session": session, "mode": "propose"})


@require_GET
@permission_required("deliberation.view_library")
def library(request):
    form = LibrarySearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.library(
        request.organisation, q=data.get("q", ""), theme=data.get("theme", ""), use=data.get("use", "")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_review = request.user.has_perm("deliberation.review_library")
    return render(
        request,
        "deliberation/library.html",
        {
            "form": form,
            "page": page,
            "searching": bool(data.get("q") or data.get("theme") or data.get("use")),
            "review_queue": selectors.review_queue(request.organisation) if can_review else [],
            "can_review": can_review,
            "own_proposals": selectors.open_proposals_of(request.user, request.organisation),
        },
    )


@require_GET
@permission_required("deliberation.view_library_entry", fn=_entry_obj)
def library_entry(request, pk: int):
    entry = _entry_obj(request, pk)
    can_feature = request.user.has_perm("deliberation.choose_dilemma_of_the_month")
    return render(
        request,
        "deliberation/library_entry.html",
        {
            "entry": entry,
            "can_review": request.user.has_perm("deliberation.review_library"),
            "can_change": request.user.has_perm("deliberation.change_proposal", entry),
            "month_form": MonthForm(initial={"month": _today().strftime("%Y-%m")}) if can_feature else None,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.review_library")
def library_new(request):
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.propose_entry(actor=request.user, organisation=request.organisation, **_entry_fields(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The dilemma has been saved. Review it to publish it."))
            return redirect("deliberation:library_review", pk=entry.pk)
    return render(request, "deliberation/entry_form.html", {"form": form, "mode": "new"})


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.change_proposal", fn=_entry_obj)
def proposal_change(request, pk: int):
    entry = _entry_obj(request, pk)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_proposal(actor=request.user, entry=entry, **_entry_fields(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changed proposal has been sent for review."))
            return redirect("deliberation:library_entry", pk=pk)
    return render(request, "deliberation/entry_form.html", {"form": form, "entry": entry, "mode": "change"})


@require_http_methods(["GET", "POST"])
@permission_required("deliberation.review_library")
def library_review(request, pk: int):
    entry = _entry_obj(request, pk)
    if entry.status not in (LibraryEntry.Status.PROPOSED, LibraryEntry.Status.RETURNED):
        messages.info(request, _("This dilemma has been reviewed already."))
        return redirect("deliberation:library_entry", pk=pk)
    form = ReviewForm(request.POST or None, instance=entry, initial={"decision": "publish"})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.review_entry(
                actor=request.user,
                entry=entry,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data.get("note", ""),
                **_entry_fields(form),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if entry.status == LibraryEntry.Status.PUBLISHED:
                messages.success(request, _("Published as %(ref)s.") % {"ref": entry.reference})
            else:
                messages.success(request, _("The dilemma has been returned to the facilitator."))
            return redirect("deliberation:library_entry", pk=pk)
    return render(request, "deliberation/entry_form.html", {"form": form, "entry": entry, "mode": "review"})


@require_POST
@permission_required("deliberation.review_library")
def library_withdraw(request, pk: int):
    try:
        services.review_entry(actor=request.user, entry=_entry_obj(request, pk), decision=services.WITHDRAW)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The dilemma has been taken out of the library."))
    return redirect("deliberation:library_entry", pk=pk)


@require_POST
@permission_required("deliberation.choose_dilemma_of_the_month")
def library_feature(request, pk: int):
    entry = _entry_obj(request, pk)
    form = MonthForm(request.POST)
    if form.is_valid():
        try:
            monthly = services.choose_dilemma_of_the_month(
                actor=request.user,
                entry=entry,
                month=form.cleaned_data["month"],
                question=form.cleaned_data["question"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("This is the dilemma of the month for %(month)s.") % {"month": monthly.month.strftime("%m-%Y")},
            )
    else:
        _form_errors(request, form)
    return redirect("deliberation:library_entry", pk=pk)


# --- the dilemma of the month ---------------------------------------------------------------------------------------


@require_GET
@permission_required("deliberation.view_library")
def monthly(request):
    current = selectors.current_monthly(request.organisation)
    employee = employee_for(request.user)
    context = {"monthly": current, "history": []}
    if current is not None:
        results, total = selectors.poll_results(current)
        context |= {
            "results": results,
            "total": total,
            "voted": selectors.has_voted(current, employee),
            "poll_open": selectors.poll_is_open(current),
            "can_vote": request.user.has_perm("deliberation.vote") and employee is not None,
        }
    if request.user.has_perm("deliberation.choose_dilemma_of_the_month"):
        context["history"] = selectors.monthly_list(request.organisation)
    return render(request, "deliberation/monthly.html", context)


@require_POST
@permission_required("deliberation.vote")
def monthly_vote(request, pk: int):
    found = selectors.monthly_in(request.organisation, pk)
    if found is None:
        raise Http404
    employee = employee_for(request.user)
    form = VoteForm(request.POST)
    if employee is None:
        messages.error(request, _("There is no employee record linked to your account. Ask HR to link it."))
    elif not form.is_valid():
        messages.error(request, _("Choose one of the options."))
    else:
        try:
            services.vote(monthly=found, option_id=form.cleaned_data["option"], employee=employee)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Thank you for voting. Nobody can see what you chose."))
    return redirect("deliberation:monthly")


# --- figures --------------------------------------------------------------------------------------------------------


@require_GET
@permission_required("deliberation.view_figures")
def figures(request):
    years = selectors.figure_years(request.organisation)
    form = YearForm(request.GET or None, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else years[0]
    data = selectors.annual_figures(request.organisation, year)
    themes = [(Theme(code).label, n) for code, n in data["themes"].items() if n]
    return render(
        request,
        "deliberation/figures.html",
        {"form": form, "year": year, "figures": data, "themes": sorted(themes, key=lambda t: (-t[1], str(t[0])))},
    )
