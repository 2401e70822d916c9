"""Thin views of the annual report: check permission, call a selector or service, render.

The public pages (a published report, its PDF and its JSON) need no login and show only the frozen snapshot.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.annual_report import rendering, selectors, services
from plein.annual_report.document import build_document
from plein.annual_report.forms import FileForm, PlanActionForm, SectionTextForm, YearForm
from plein.annual_report.models import AnnualReport, GenerationJob
from plein.annual_report.sections import section as section_spec
from plein.core.permissions import permission_required


def _organisation(request):
    organisation = request.organisation
    if not organisation:
        raise Http404
    return organisation


def _year(year: int) -> int:
    try:
        return selectors.check_year(year)
    except selectors.YearNotAllowed as exc:
        raise Http404 from exc


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _download(content: bytes, fmt: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=rendering.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- writing the report ------------------------------------------------------------------------------------------


@require_GET
@permission_required("annual_report.view_report")
def index(request):
    organisation = _organisation(request)
    years = selectors.candidate_years(organisation)
    form = YearForm(request.GET or None, years=years)
    if request.GET and form.is_valid():
        return redirect("annual_report:report", year=form.cleaned_data["year"])
    reports = {r.year: r for r in selectors.reports_of(organisation)}
    rows = [{"year": y, "report": reports.get(y)} for y in years]
    return render(request, "annual_report/index.html", {"form": form, "rows": rows})


def _actions(request, report: AnnualReport | None) -> dict:
    user = request.user
    status = report.status if report else AnnualReport.Status.DRAFT
    return {
        "can_edit": user.has_perm("annual_report.edit_report") and (report is None or report.is_editable),
        "can_submit": user.has_perm("annual_report.submit_report") and status == AnnualReport.Status.DRAFT,
        "can_approve": user.has_perm("annual_report.approve_report") and status == AnnualReport.Status.SUBMITTED,
        "can_publish": user.has_perm("annual_report.publish_report") and status == AnnualReport.Status.APPROVED,
        "can_reopen": user.has_perm("annual_report.reopen_report") and status != AnnualReport.Status.DRAFT,
        "can_download": user.has_perm("annual_report.download_report"),
    }


@require_GET
@permission_required("annual_report.view_report")
def report(request, year: int):
    organisation = _organisation(request)
    year = _year(year)
    stored = selectors.report_for(organisation, year)
    as_published = request.GET.get("versie") == "openbaar"
    data = selectors.build_report(organisation, year, published=as_published)
    doc = build_document(data, selectors.texts_of(stored))
    actions = _actions(request, stored)
    if actions["can_edit"]:
        for section in doc.sections:
            section.edit_url = reverse("annual_report:edit_section", args=[year, section.code])
    return render(
        request,
        "annual_report/report.html",
        {
            "doc": doc,
            "year": year,
            "stored": stored,
            "status_label": stored.get_status_display() if stored else AnnualReport.Status.DRAFT.label,
            "as_published": as_published,
            "formats": GenerationJob.Format.choices,
            **actions,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("annual_report.edit_report")
def edit_section(request, year: int, section: str):
    organisation = _organisation(request)
    year = _year(year)
    spec = section_spec(section)
    if spec is None:
        raise Http404
    stored = selectors.report_for(organisation, year)
    if stored is not None and not stored.is_editable:
        messages.error(request, _("This report has been approved; its texts can no longer change."))
        return redirect("annual_report:report", year=year)
    texts = selectors.texts_of(stored)
    doc = build_document(selectors.build_report(organisation, year), texts)
    doc_section = next(s for s in doc.sections if s.code == section)
    initial = {"narrative": texts["sections"].get(section, "")}
    for index, figure in enumerate(doc_section.figures):
        initial[f"figure_{index}"] = texts["figures"].get(figure.key, "")
    form = SectionTextForm(request.POST or None, initial=initial, section=section, figures=doc_section.figures)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_texts(
                organisation=organisation,
                year=year,
                actor=request.user,
                section=section,
                narrative=form.cleaned_data["narrative"],
                comments=form.comments(),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _('The text of "%(title)s" has been saved.') % {"title": doc_section.title})
            return redirect(reverse("annual_report:report", args=[year]) + f"#{section}")
    return render(
        request,
        "annual_report/edit_section.html",
        {"form": form, "year": year, "section": doc_section, "figure_fields": form.figure_fields},
    )


def _transition(request, year: int, service, success: str):
    """A step of the approval flow (the view's decorator checked the permission)."""
    organisation = _organisation(request)
    year = _year(year)
    stored = selectors.report_for(organisation, year)
    if stored is None:
        stored = services.get_or_create_report(organisation=organisation, year=year)
    try:
        service(report=stored, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("annual_report:report", year=year)


@require_POST
@permission_required("annual_report.submit_report")
def submit(request, year: int):
    return _transition(
        request,
        year,
        services.submit,
        _("The report has been submitted for approval. The competent authority sees it on their start page."),
    )


@require_POST
@permission_required("annual_report.approve_report")
def approve(request, year: int):
    return _transition(
        request,
        year,
        services.approve,
        _("The report has been approved. It can now be published."),
    )


@require_POST
@permission_required("annual_report.publish_report")
def publish(request, year: int):
    return _transition(
        request,
        year,
        services.publish,
        _("The report has been published. Everyone can now read it, and download it as a PDF."),
    )


@require_POST
@permission_required("annual_report.reopen_report")
def reopen(request, year: int):
    return _transition(
        request,
        year,
        services.reopen,
        _("The report is a draft again. Approve and publish it again when it has been corrected."),
    )


# --- files -------------------------------------------------------------------------------------------------------


@require_POST
@permission_required("annual_report.download_report")
def file_request(request, year: int):
    organisation = _organisation(request)
    year = _year(year)
    form = FileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose PDF, Word, HTML or JSON."))
        return redirect("annual_report:report", year=year)
    try:
        job = services.request_file(
            organisation=organisation,
            year=year,
            fmt=form.cleaned_data["format"],
            published=form.cleaned_data["published"],
            actor=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("annual_report:report", year=year)
    return redirect("annual_report:job", pk=job.pk)


def _job(request, pk: int) -> GenerationJob:
    job = selectors.job_for(_organisation(request), pk, request.user)
    if job is None:
        raise Http404
    return job


@require_GET
@permission_required("annual_report.download_report")
def job(request, pk: int):
    return render(request, "annual_report/job.html", {"job": _job(request, pk)})


@require_GET
@permission_required("annual_report.download_report")
def job_status(request, pk: int):
    """The status block alone, for htmx polling; without JavaScript the job page has a refresh link."""
    return render(request, "annual_report/includes/job_status.html", {"job": _job(request, pk)})


@require_GET
@permission_required("annual_report.download_report")
def job_download(request, pk: int):
    organisation = _organisation(request)
    job = selectors.job_with_content(organisation, pk, request.user)
    if job is None or job.state != GenerationJob.State.DONE:
        raise Http404
    name = rendering.filename(organisation.slug, job.year, job.format, published=job.published)
    return _download(bytes(job.content), job.format, name)


# --- the integrity plan ------------------------------------------------------------------------------------------


@require_GET
@permission_required("annual_report.view_plan")
def plan_list(request):
    organisation = _organisation(request)
    return render(
        request,
        "annual_report/plan_list.html",
        {
            "actions": selectors.plan_actions(organisation),
            "can_manage": request.user.has_perm("annual_report.manage_plan"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("annual_report.manage_plan")
def plan_create(request):
    organisation = _organisation(request)
    form = PlanActionForm(request.POST or None, initial={"planned_year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_plan_action(organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The action has been added to the integrity plan."))
            return redirect("annual_report:plan")
    return render(request, "annual_report/plan_form.html", {"form": form, "action": None})


@require_http_methods(["GET", "POST"])
@permission_required("annual_report.manage_plan")
def plan_edit(request, pk: int):
    organisation = _organisation(request)
    action = selectors.plan_action(organisation, pk)
    if action is None:
        raise Http404
    form = PlanActionForm(request.POST or None, instance=selectors.plan_action(organisation, pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan_action(action=action, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The action has been saved."))
            return redirect("annual_report:plan")
    return render(request, "annual_report/plan_form.html", {"form": form, "action": action})


@require_POST
@permission_required("annual_report.manage_plan")
def plan_delete(request, pk: int):
    action = selectors.plan_action(_organisation(request), pk)
    if action is None:
        raise Http404
    services.delete_plan_action(action=action, actor=request.user)
    messages.success(
        request, _('The action "%(title)s" has been removed from the integrity plan.') % {"title": action.title}
    )
    return redirect("annual_report:plan")


# --- public: published reports -----------------------------------------------------------------------------------


@require_GET
def public_index(request):
    organisation = request.organisation or None
    return render(request, "annual_report/public_index.html", {"reports": selectors.published_reports(organisation)})


def _published(request, year: int) -> AnnualReport:
    found = selectors.published_report(request.organisation or None, year)
    if found is None:
        raise Http404
    return found


@require_GET
def public_report(request, year: int):
    published = _published(request, year)
    doc = build_document(published.snapshot["data"], published.snapshot["texts"])
    return render(request, "annual_report/public_report.html", {"doc": doc, "published": published})


@require_GET
def public_pdf(request, year: int):
    published = _published(request, year)
    if not published.published_pdf:
        services.store_published_pdf(report_id=published.pk)
        published.refresh_from_db()
    name = rendering.filename(published.organisation.slug, published.year, "pdf", published=True)
    return _download(bytes(published.published_pdf), "pdf", name)


@require_GET
def public_json(request, year: int):
    published = _published(request, year)
    name = rendering.filename(published.organisation.slug, published.year, "json", published=True)
    response = _download(rendering.render_json(published.snapshot["data"]), "json", name, inline=True)
    return response
