"""Views of case handling: thin; the work is in services and selectors.

Case pages hang under the report (``/meldingen/<pk>/dossier/``): the same team, the same unlocked vault. The reporter's
side (approving minutes, consenting to a reveal) hangs under ``/melden/mijn-melding/`` and works with the receipt
session. Settings are at ``/beheer/dossiers/``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.core.models import User
from plein.core.permissions import permission_required
from plein.dossiers import forms, selectors, services, workflow
from plein.dossiers.models import Assignment, OralRecord, RevealRequest
from plein.reports import services as report_services
from plein.reports.models import Channel, Report
from plein.reports.selectors import channels_of
from plein.reports.views import _private_key_or_redirect, _reporter_report, clear_key_errors

CASE_PERM = "dossiers.view_case"


def _report(request, pk):
    return get_object_or_404(
        Report.objects.select_related("channel__organisation", "organisation"), pk=pk, organisation=request.organisation
    )


def _report_fn(request, pk, **kwargs):
    return _report(request, pk)


def _case_url(case, anchor=""):
    return reverse("dossiers:case", args=[case.report_id]) + (f"#{anchor}" if anchor else "")


class _Opened:
    """The case, its report and the report key of the requesting handler (or a redirect to the vault)."""

    def __init__(self, request, pk):
        self.report = _report(request, pk)
        self.case = services.ensure_case(self.report)
        self.case.report = self.report
        self.private_key, self.redirect = _private_key_or_redirect(request)
        self.report_key = (
            report_services.handler_report_key(report=self.report, user=request.user, private_key=self.private_key)
            if self.private_key
            else None
        )


def _add_error(form, exc: ValidationError) -> None:
    """A service's error on the form: on its field when the form has it, otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _people(case) -> list[tuple[int, str]]:
    return selectors.team_members(case)


def _render_case(request, opened, *, status=200, **forms_):
    case, user = opened.case, request.user
    view = selectors.case_view(case=case, user=user, report_key=opened.report_key)
    people = view.team
    targets = services.allowed_targets(case, user)
    context = {
        "report": opened.report,
        "case": case,
        "view": view,
        "can_acknowledge": opened.report.acknowledged_at is None
        and services.may_transition(case, user, workflow.ACKNOWLEDGEMENT_STAGE),
        "transition_form": forms_.get("transition_form") or forms.TransitionForm(targets=targets),
        "has_targets": bool(targets),
        "note_form": forms_.get("note_form") or forms.NoteForm(),
        "classify_form": forms_.get("classify_form")
        or forms.ClassifyForm(
            categories=selectors.categories(opened.report.organisation), initial={"category": case.category}
        ),
        "decision_form": forms_.get("decision_form") or forms.DecisionForm(people=people),
        "can_decide": case.stage == "besluit",
        "extension_form": forms_.get("extension_form") or forms.ExtensionForm(),
        "can_extend": case.extended_at is None and case.feedback_due is not None and not case.is_closed,
        "assign_form": forms_.get("assign_form") or forms.AssignForm(people=people),
        "exclude_form": forms_.get("exclude_form") or forms.ExcludeForm(people=people),
        "reveal_form": forms_.get("reveal_form") or forms.RevealRequestForm(),
        "reveal_decision_form": forms.RevealDecisionForm(),
        "can_reveal": opened.report.mode == Report.Mode.CONFIDENTIAL and bool(opened.report.identity_ciphertext),
        "identity": forms_.get("identity"),
        "user_id": user.pk,
    }
    return render(request, "dossiers/case.html", context, status=status)


def _opened_or_redirect(request, pk):
    opened = _Opened(request, pk)
    return opened, opened.redirect


@never_cache
@require_GET
@permission_required(CASE_PERM, fn=_report_fn)
@clear_key_errors
def case(request, pk):
    opened, redirect_response = _opened_or_redirect(request, pk)
    if redirect_response:
        return redirect_response
    return _render_case(request, opened)


def _case_post(form_name, build_form, act, success):
    """A POST on the case page: validate ``build_form(request, opened)``, call ``act``, or show the page with errors."""

    @never_cache
    @require_POST
    @permission_required(CASE_PERM, fn=_report_fn)
    @clear_key_errors
    def view(request, pk, **kwargs):
        opened, redirect_response = _opened_or_redirect(request, pk)
        if redirect_response:
            return redirect_response
        form = build_form(request, opened)
        if form.is_valid():
            try:
                act(request, opened, form, **kwargs)
            except ValidationError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, success())
                return redirect(_case_url(opened.case, anchor=form_name.replace("_form", "")))
        return _render_case(request, opened, status=400, **{form_name: form})

    return view


def _act_transition(request, o, form):
    services.transition(
        case=o.case,
        actor=request.user,
        report_key=o.report_key,
        to_stage=form.cleaned_data["to_stage"],
        why=form.cleaned_data["why"],
        investigation=form.cleaned_data.get("investigation", ""),
        external_agency=form.cleaned_data.get("external_agency", ""),
        referral=form.cleaned_data.get("referral", ""),
    )


transition = _case_post(
    "transition_form",
    lambda request, o: forms.TransitionForm(request.POST, targets=services.allowed_targets(o.case, request.user)),
    _act_transition,
    lambda: _("The case has moved to the new stage."),
)

note = _case_post(
    "note_form",
    lambda request, o: forms.NoteForm(request.POST),
    lambda request, o, form: services.add_note(
        case=o.case, actor=request.user, report_key=o.report_key, text=form.cleaned_data["text"]
    ),
    lambda: _("The note has been added to the timeline."),
)

classify = _case_post(
    "classify_form",
    lambda request, o: forms.ClassifyForm(request.POST, categories=selectors.categories(o.report.organisation)),
    lambda request, o, form: services.classify(case=o.case, actor=request.user, category=form.cleaned_data["category"]),
    lambda: _("The category has been saved."),
)


def _act_decide(request, o, form):
    maker = User.objects.filter(pk=form.cleaned_data["decision_maker"]).first()
    services.record_decision(
        case=o.case,
        actor=request.user,
        report_key=o.report_key,
        outcome=form.cleaned_data["outcome"],
        measures=form.cleaned_data.get("measures", ""),
        decision_maker=maker,
    )


decide = _case_post(
    "decision_form",
    lambda request, o: forms.DecisionForm(request.POST, people=_people(o.case)),
    _act_decide,
    lambda: _("The decision has been recorded."),
)

extend = _case_post(
    "extension_form",
    lambda request, o: forms.ExtensionForm(request.POST),
    lambda request, o, form: services.extend_feedback(
        case=o.case,
        actor=request.user,
        report_key=o.report_key,
        until=form.cleaned_data["until"],
        reason=form.cleaned_data["reason"],
    ),
    lambda: _("The feedback deadline has been extended."),
)


def _act_assign(request, o, form):
    users = {u.pk: u for u in User.objects.filter(pk__in=[pk for pk, _label in _people(o.case)])}
    user = users.get(form.cleaned_data["user"])
    if user is None:
        raise ValidationError(_("Choose a member of this case's team."))
    services.assign(
        case=o.case,
        actor=request.user,
        report_key=o.report_key,
        user=user,
        kind=form.cleaned_data["kind"],
        stands_in_for=users.get(form.cleaned_data.get("stands_in_for")),
        until=form.cleaned_data.get("until"),
    )


assign = _case_post(
    "assign_form",
    lambda request, o: forms.AssignForm(request.POST, people=_people(o.case)),
    _act_assign,
    lambda: _("The assignment has been saved."),
)


def _act_exclude(request, o, form):
    user = User.objects.filter(pk__in=[pk for pk, _label in _people(o.case)], pk=form.cleaned_data["user"]).first()
    if user is None:
        raise ValidationError(_("Choose a member of this case's team."))
    services.exclude_handler(case=o.case, actor=request.user, user=user)


exclude = _case_post(
    "exclude_form",
    lambda request, o: forms.ExcludeForm(request.POST, people=_people(o.case)),
    _act_exclude,
    lambda: _("The team member has been excluded from this case."),
)

reveal_request = _case_post(
    "reveal_form",
    lambda request, o: forms.RevealRequestForm(request.POST),
    lambda request, o, form: services.request_reveal(
        case=o.case,
        actor=request.user,
        report_key=o.report_key,
        reason=form.cleaned_data["reason"],
        explanation=form.cleaned_data["explanation"],
    ),
    lambda: _("Your request has been recorded. A second member of the team must approve it."),
)


@never_cache
@require_POST
@permission_required(CASE_PERM, fn=_report_fn)
@clear_key_errors
def unassign(request, pk, assignment_pk):
    opened, redirect_response = _opened_or_redirect(request, pk)
    if redirect_response:
        return redirect_response
    assignment = get_object_or_404(Assignment, pk=assignment_pk, case=opened.case)
    try:
        services.end_assignment(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The assignment has ended."))
    return redirect(_case_url(opened.case, "team"))


@never_cache
@require_POST
@permission_required(CASE_PERM, fn=_report_fn)
@clear_key_errors
def reveal_decide(request, pk, request_pk):
    opened, redirect_response = _opened_or_redirect(request, pk)
    if redirect_response:
        return redirect_response
    reveal = get_object_or_404(RevealRequest, pk=request_pk, case=opened.case)
    form = forms.RevealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(_case_url(opened.case, "identiteit"))
    try:
        if form.cleaned_data["decision"] == "ask_reporter":
            services.ask_reporter_consent(request=reveal, actor=request.user, report_key=opened.report_key)
        else:
            services.decide_reveal(
                request=reveal, actor=request.user, approve=form.cleaned_data["decision"] == "approve"
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your decision has been recorded."))
    return redirect(_case_url(opened.case, "identiteit"))


@never_cache
@require_POST
@permission_required(CASE_PERM, fn=_report_fn)
@clear_key_errors
def reveal_show(request, pk, request_pk):
    opened, redirect_response = _opened_or_redirect(request, pk)
    if redirect_response:
        return redirect_response
    reveal = get_object_or_404(RevealRequest, pk=request_pk, case=opened.case)
    try:
        identity = services.reveal(request=reveal, actor=request.user, report_key=opened.report_key)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_case_url(opened.case, "identiteit"))
    return _render_case(request, opened, identity=identity or {})


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required(CASE_PERM, fn=_report_fn)
@clear_key_errors
def letter(request, pk):
    opened, redirect_response = _opened_or_redirect(request, pk)
    if redirect_response:
        return redirect_response
    case = opened.case
    allowed = opened.report.acknowledged_at is None and services.may_transition(
        case, request.user, workflow.ACKNOWLEDGEMENT_STAGE
    )
    form = forms.LetterForm(request.POST or None)
    preview = ""
    status = 200
    if request.method == "POST" and allowed and form.is_valid():
        if "send" in request.POST:
            try:
                services.send_acknowledgement_letter(
                    case=case,
                    actor=request.user,
                    report_key=opened.report_key,
                    summary=form.cleaned_data["summary"],
                    next_steps=form.cleaned_data["next_steps"],
                )
            except ValidationError as exc:
                _add_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The acknowledgement letter has been sent. The reporter reads it with their receipt code."),
                )
                return redirect(_case_url(case, "tijdlijn"))
        if not form.errors:
            preview = services.acknowledgement_letter(
                case=case, summary=form.cleaned_data["summary"], next_steps=form.cleaned_data["next_steps"]
            )
    if form.errors:
        status = 400
    return render(
        request,
        "dossiers/letter.html",
        {
            "report": opened.report,
            "case": case,
            "form": form,
            "preview": preview,
            "allowed": allowed,
            "regulation_url": workflow.regulation_url(opened.report.channel),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required(CASE_PERM, fn=_report_fn)
@clear_key_errors
def oral_new(request, pk):
    opened, redirect_response = _opened_or_redirect(request, pk)
    if redirect_response:
        return redirect_response
    form = forms.OralRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.add_oral_record(
                case=opened.case,
                actor=request.user,
                report_key=opened.report_key,
                kind=form.cleaned_data["kind"],
                held_on=form.cleaned_data["held_on"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The record has been saved. Share it with the reporter to have it checked."))
            return redirect("dossiers:oral_record", pk=pk, record_pk=record.pk)
    return render(
        request,
        "dossiers/oral_new.html",
        {"report": opened.report, "case": opened.case, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required(CASE_PERM, fn=_report_fn)
@clear_key_errors
def oral_record(request, pk, record_pk):
    opened, redirect_response = _opened_or_redirect(request, pk)
    if redirect_response:
        return redirect_response
    record = get_object_or_404(OralRecord, pk=record_pk, case=opened.case)
    form = forms.OralVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_oral_version(
                record=record, actor=request.user, report_key=opened.report_key, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The new version has been saved."))
            return redirect("dossiers:oral_record", pk=pk, record_pk=record.pk)
    view = selectors.case_view(case=opened.case, user=request.user, report_key=opened.report_key)
    record_view = next(r for r in view.oral_records if r.record.pk == record.pk)
    if request.method == "GET" and record_view.latest:
        form = forms.OralVersionForm(initial={"text": record_view.latest.text})
    return render(
        request,
        "dossiers/oral_record.html",
        {"report": opened.report, "case": opened.case, "record": record_view, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@require_POST
@permission_required(CASE_PERM, fn=_report_fn)
@clear_key_errors
def oral_share(request, pk, record_pk):
    opened, redirect_response = _opened_or_redirect(request, pk)
    if redirect_response:
        return redirect_response
    record = get_object_or_404(OralRecord, pk=record_pk, case=opened.case)
    try:
        services.share_oral_record(record=record, actor=request.user, report_key=opened.report_key)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The reporter has been asked, through the dialogue, to check the record."))
    return redirect("dossiers:oral_record", pk=pk, record_pk=record.pk)


# --- A report received by phone or in a meeting ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("reports.view_inbox")
def oral_report_new(request):
    channels = [
        c
        for c in channels_of(request.user, request.organisation)
        if request.user.has_perm("dossiers.register_oral_report", c)
    ]
    form = forms.OralReportForm(request.POST or None, channels=channels)
    status = 200
    if request.method == "POST":
        private_key, redirect_response = _private_key_or_redirect(request)
        if redirect_response:
            return redirect_response
        if form.is_valid():
            channel = next(c for c in channels if c.code == form.cleaned_data["channel"])
            try:
                case, _record, code = services.register_oral_report(
                    channel=channel,
                    actor=request.user,
                    private_key=private_key,
                    mode=form.cleaned_data["mode"],
                    identity=form.identity(),
                    kind=form.cleaned_data["kind"],
                    held_on=form.cleaned_data["held_on"],
                    transcript=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                _add_error(form, exc)
            else:
                from plein.reports import crypto

                response = render(
                    request,
                    "dossiers/oral_receipt.html",
                    {"case": case, "report": case.report, "receipt": crypto.format_receipt(code)},
                )
                response["Cache-Control"] = "no-store"
                return response
        status = 400
    return render(request, "dossiers/oral_report_new.html", {"form": form, "channels": channels}, status=status)


# --- The reporter's side ---------------------------------------------------------------------------------------


@never_cache
@require_POST
def reporter_oral(request, record_pk):
    """The reporter approves or corrects a record. No messages framework: reporter pages set no session data."""
    report, report_key = _reporter_report(request)
    if report is None:
        return render(request, "reports/reporter_expired.html", status=403)
    record = get_object_or_404(OralRecord, pk=record_pk, case__report=report)
    try:
        if request.POST.get("action") == "approve":
            version = int(request.POST.get("version") or 0)
            services.reporter_approve_oral_record(record=record, report_key=report_key, version=version)
        else:
            form = forms.ReporterCorrectionForm(request.POST)
            if not form.is_valid():
                raise ValidationError("empty")
            services.reporter_correct_oral_record(record=record, report_key=report_key, text=form.cleaned_data["text"])
    except (ValidationError, ValueError):
        return redirect(reverse("reports:reporter_report") + "?fout=1#verslagen")
    return redirect(reverse("reports:reporter_report") + "?bijgewerkt=1#verslagen")


@never_cache
@require_POST
def reporter_consent(request, request_pk):
    report, report_key = _reporter_report(request)
    if report is None:
        return render(request, "reports/reporter_expired.html", status=403)
    reveal = get_object_or_404(RevealRequest, pk=request_pk, case__report=report)
    try:
        services.reporter_consent(request=reveal, report_key=report_key)
    except ValidationError:
        return redirect(reverse("reports:reporter_report") + "?fout=1#verslagen")
    return redirect(reverse("reports:reporter_report") + "?bijgewerkt=1#verslagen")


# --- Settings --------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("dossiers.manage_workflow")
def settings_page(request):
    org = request.organisation
    current = selectors.categories(org)
    form = forms.CategoriesForm(
        request.POST or None, initial={"lines": "\n".join(f"{c.code} | {c.label}" for c in current)}
    )
    if request.method == "POST" and form.is_valid():
        services.save_categories(organisation=org, actor=request.user, rows=form.cleaned_data["lines"])
        messages.success(request, _("The categories have been saved."))
        return redirect("dossiers:settings")
    channels = Channel.objects.filter(organisation=org).order_by("order", "name")
    return render(
        request,
        "dossiers/settings.html",
        {"form": form, "channels": channels},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("dossiers.manage_workflow")
def workflow_edit(request, code):
    import json

    channel = get_object_or_404(Channel, organisation=request.organisation, code=code)
    config = workflow.workflow_of(channel)
    initial = {name: getattr(config, name) for name in services.WORKFLOW_FIELDS}
    initial["transitions"] = json.dumps(config.transitions, indent=2) if config.transitions else ""
    form = forms.WorkflowForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_workflow(channel=channel, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The workflow of this channel has been saved."))
            return redirect("dossiers:settings")
    return render(
        request,
        "dossiers/workflow.html",
        {
            "form": form,
            "channel": channel,
            "defaults": json.dumps(workflow.DEFAULT_TRANSITIONS, indent=2),
        },
        status=400 if form.errors else 200,
    )
