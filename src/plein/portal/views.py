"""Thin views of the portal: check permission, call a selector or service, render.

Public (on the allow-list in ``plein/core/url_policy.py``, docs/portal.md "Public or not"): the home page, Wagtail
pages, search, and the polls' pages. Voting, acknowledging and everything under ``/beheer/`` need a login and a
permission.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail import hooks
from wagtail.views import serve as wagtail_serve

from plein.core.pagecache import cached_page
from plein.core.permissions import permission_required
from plein.core.selectors import employee_for
from plein.portal import selectors, services
from plein.portal.forms import (
    CampaignForm,
    PolicyDocumentForm,
    PolicyVersionForm,
    PollForm,
    SearchForm,
    VoteForm,
)
from plein.portal.models import AcknowledgementCampaign, PolicyDocument, PolicyVersion, Poll


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Public pages ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@cached_page("home")
def home(request):
    """The site root (``core:home``): the portal's home page from Wagtail, or the same page without editorial
    content when the portal has not been set up yet (``./plein setup_portal``)."""
    page = selectors.home_page()
    if page is not None:
        for fn in hooks.get_hooks("before_serve_page"):
            result = fn(page, request, [], {})
            if result is not None:
                return result
        return page.serve(request)
    return TemplateResponse(request, "portal/home_page.html", {"page": None, **selectors.home_context(request, None)})


def serve_page(request, path: str):
    """A Wagtail page. Addresses end with a slash; without it, redirect (as APPEND_SLASH would)."""
    if path and not path.endswith("/"):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"/{path}/" + (f"?{query}" if query else ""))
    return wagtail_serve(request, path)


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = Paginator(selectors.search_pages(form.cleaned_data["q"]), 10).get_page(request.GET.get("page"))
    return render(request, "portal/search.html", {"form": form, "results": results})


@require_GET
def poll_list(request):
    polls = selectors.public_polls(request.organisation or None)
    return render(request, "portal/poll_list.html", {"views": selectors.poll_views(polls, request.user)})


@require_GET
def poll_detail(request, pk: int):
    poll = selectors.poll_detail(request.organisation or None, pk)
    if poll is None or not (poll.has_started() or request.user.has_perm("portal.manage_polls")):
        raise Http404
    view = selectors.with_vote_forms(selectors.poll_views([poll], request.user))[0]
    return render(request, "portal/poll_detail.html", {"view": view})


@require_POST
@permission_required("portal.vote_in_poll")
def poll_vote(request, pk: int):
    poll = selectors.poll_detail(request.organisation or None, pk)
    if poll is None:
        raise Http404
    employee = employee_for(request.user)
    form = VoteForm(request.POST, poll=poll)
    if not form.is_valid():
        view = selectors.poll_views([poll], request.user)[0]
        view.form = form
        return render(request, "portal/poll_detail.html", {"view": view}, status=400)
    try:
        services.vote(poll=poll, option_id=form.cleaned_data["option"], employee=employee)
    except services.AlreadyVoted as exc:
        messages.warning(request, exc.messages[0])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Thank you. Your vote has been counted anonymously."))
    return redirect("portal:poll_detail", pk=poll.pk)


# --- Acknowledging a code of conduct --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("portal.acknowledge_policy")
def acknowledge(request, pk: int):
    version = selectors.version_for_acknowledgement(request.organisation or None, pk)
    if version is None:
        raise Http404
    employee = employee_for(request.user)
    if request.method == "POST":
        try:
            services.acknowledge(version=version, employee=employee, actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Thank you. You confirmed that you have read %(title)s (version %(version)s).")
                % {"title": version.document.title, "version": version.version},
            )
        return redirect("portal:acknowledge", pk=version.pk)
    campaign = getattr(version, "campaign", None)
    current = (
        version if version.status == PolicyVersion.Status.IN_FORCE else selectors.in_force_version(version.document)
    )
    return render(
        request,
        "portal/acknowledge.html",
        {
            "version": version,
            "campaign": campaign,
            "current": current,
            "acknowledgement": selectors.acknowledgement_of(employee, version),
            "asked": campaign is not None and campaign.is_open and version.status == PolicyVersion.Status.IN_FORCE,
        },
    )


# --- Managing policy documents and campaigns --------------------------------------------------------------------------


def _document(request, pk: int) -> PolicyDocument:
    return get_object_or_404(PolicyDocument, pk=pk, organisation=request.organisation)


def _version(request, pk: int) -> PolicyVersion:
    return get_object_or_404(
        PolicyVersion.objects.select_related("document", "file"), pk=pk, document__organisation=request.organisation
    )


@require_GET
@permission_required("portal.view_policy_admin")
def policy_admin(request):
    return render(
        request,
        "portal/manage/policy_list.html",
        {
            "rows": selectors.policy_documents(request.organisation),
            "campaigns": selectors.campaign_overview(request.organisation),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("portal.manage_policy_documents")
def policy_document_create(request):
    form = PolicyDocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.create_policy_document(
                organisation=request.organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The document has been added. Add its first version now."))
            return redirect("portal:policy_version_create", pk=document.pk)
    return render(request, "portal/manage/document_form.html", {"form": form, "document": None})


@require_http_methods(["GET", "POST"])
@permission_required("portal.manage_policy_documents")
def policy_document_edit(request, pk: int):
    document = _document(request, pk)
    form = PolicyDocumentForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy_document(document=document, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The document has been saved."))
            return redirect("portal:policy_document", pk=document.pk)
    return render(request, "portal/manage/document_form.html", {"form": form, "document": document})


@require_GET
@permission_required("portal.view_policy_admin")
def policy_document(request, pk: int):
    document = _document(request, pk)
    row = next(r for r in selectors.policy_documents(request.organisation) if r.document.pk == document.pk)
    return render(
        request,
        "portal/manage/document_detail.html",
        {"row": row, "document": document, "campaign_form": CampaignForm(), "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@permission_required("portal.manage_policy_documents")
def policy_version_create(request, pk: int):
    document = _document(request, pk)
    form = PolicyVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_policy_version(document=document, actor=request.user, **form.service_arguments())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The version has been added."))
            return redirect("portal:policy_document", pk=document.pk)
    return render(request, "portal/manage/version_form.html", {"form": form, "document": document, "version": None})


@require_http_methods(["GET", "POST"])
@permission_required("portal.manage_policy_documents")
def policy_version_edit(request, pk: int):
    version = _version(request, pk)
    form = PolicyVersionForm(request.POST or None, request.FILES or None, version=version)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments.pop("version")
        try:
            services.update_policy_version(version=version, actor=request.user, **arguments)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The version has been saved."))
            return redirect("portal:policy_document", pk=version.document_id)
    return render(
        request, "portal/manage/version_form.html", {"form": form, "document": version.document, "version": version}
    )


@require_POST
@permission_required("portal.manage_acknowledgement_campaigns")
def campaign_start(request, pk: int):
    version = _version(request, pk)
    form = CampaignForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("portal:policy_document", pk=version.document_id)
    try:
        services.start_acknowledgement_campaign(version=version, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("The campaign has started. Every employee now sees %(title)s on their to-do list.")
            % {"title": version.document.title},
        )
    return redirect("portal:policy_document", pk=version.document_id)


@require_POST
@permission_required("portal.manage_acknowledgement_campaigns")
def campaign_close(request, pk: int):
    campaign = get_object_or_404(
        AcknowledgementCampaign.objects.select_related("version"), pk=pk, organisation=request.organisation
    )
    try:
        services.close_acknowledgement_campaign(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The campaign has ended. Employees are no longer asked to confirm."))
    return redirect("portal:policy_document", pk=campaign.version.document_id)


@require_GET
@permission_required("portal.view_acknowledgement_coverage")
def campaign_coverage(request, pk: int):
    campaign = get_object_or_404(
        AcknowledgementCampaign.objects.select_related("version", "version__document"),
        pk=pk,
        organisation=request.organisation,
    )
    coverage = selectors.campaign_coverage(campaign, request.user)
    from plein.core.services.audit import record_event

    record_event(
        actor=request.user,
        action="portal.coverage_viewed",
        organisation=request.organisation,
        target=campaign,
        data={"units": len(coverage.rows)},
    )
    return render(request, "portal/manage/coverage.html", {"campaign": campaign, "coverage": coverage})


# --- Managing polls ---------------------------------------------------------------------------------------------------


def _poll(request, pk: int) -> Poll:
    poll = selectors.poll_detail(request.organisation, pk)
    if poll is None:
        raise Http404
    return poll


@require_GET
@permission_required("portal.manage_polls")
def poll_admin(request):
    polls = selectors.polls_for_management(request.organisation)
    return render(request, "portal/manage/poll_list.html", {"polls": selectors.poll_views(polls, request.user)})


@require_http_methods(["GET", "POST"])
@permission_required("portal.manage_polls")
def poll_create(request):
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.create_poll(organisation=request.organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The poll has been saved. It opens at the time you chose."))
            return redirect("portal:poll_detail", pk=poll.pk)
    return render(request, "portal/manage/poll_form.html", {"form": form, "poll": None})


@require_http_methods(["GET", "POST"])
@permission_required("portal.manage_polls")
def poll_edit(request, pk: int):
    poll = _poll(request, pk)
    if poll.has_started():
        messages.error(request, _("This poll has already opened, so it can no longer be changed. Close it instead."))
        return redirect("portal:poll_admin")
    form = PollForm(request.POST or None, poll=poll)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_poll(poll=poll, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The poll has been saved."))
            return redirect("portal:poll_admin")
    return render(request, "portal/manage/poll_form.html", {"form": form, "poll": poll})


@require_POST
@permission_required("portal.manage_polls")
def poll_close(request, pk: int):
    poll = _poll(request, pk)
    try:
        services.close_poll(poll=poll, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The poll has closed. Everyone can now see the results."))
    return redirect("portal:poll_admin")
