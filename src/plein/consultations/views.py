"""Thin views of the consultations register: check permission, call a selector or service, render.

Every read of records (a list page, a record, an export) and every change is recorded in the audit log: who, in
which role, which record or page; never the note, a name or the filter values.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from plein.consultations import selectors, services
from plein.consultations.forms import ConsultationForm, FilterForm, ListEntryForm, RemoveForm, SettingsForm
from plein.core.exports import FORMATS, export_rows
from plein.core.permissions import permission_required
from plein.core.services.audit import record_event

PAGE_SIZE = 50


def _audit_read(request, action: str, target=None, **data) -> None:
    record_event(
        actor=request.user,
        action=action,
        organisation=request.organisation,
        target=target,
        role=selectors.acting_role(request.user),
        data=data,
    )


def _posted(request):
    """The form data of a POST (also an empty one, so that it shows what is missing); None for a GET."""
    return request.POST if request.method == "POST" else None


def _consultation(request, pk: int, **kwargs):
    item = selectors.consultation(request.organisation, pk)
    if item is None:
        raise Http404
    return item


def _input(form) -> services.ConsultationInput:
    data = form.cleaned_data
    return services.ConsultationInput(
        date=data["date"],
        requester=data["requester"],
        topic=data["topic"],
        action=data["action"],
        note=data.get("note") or "",
        asker_name=data.get("asker_name") or "",
    )


def _form_page(request, form, *, title, submit, back_url, intro="", record=None):
    return render(
        request,
        "consultations/form_page.html",
        {"form": form, "title": title, "intro": intro, "submit": submit, "back_url": back_url, "record": record},
    )


def _filtered(request):
    """The filter form and the records it selects, within what the user may see."""
    organisation = request.organisation
    show_handler = request.user.has_perm("consultations.export")  # only the IC sees other people's records
    form = FilterForm(request.GET or None, organisation=organisation, show_handler=show_handler)
    qs = selectors.visible_to(request.user, organisation)
    if form.is_valid():
        data = form.cleaned_data
        qs = selectors.filter_consultations(
            qs,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            requester=data.get("requester") or "",
            topic=data.get("topic"),
            action=data.get("action"),
            handler=data.get("handler"),
        )
    return form, qs


# --- the register ----------------------------------------------------------------------------------------------------


@require_GET
@permission_required("consultations.view_register")
def consultation_list(request):
    services.ensure_default_lists(request.organisation)
    form, qs = _filtered(request)
    page = Paginator(selectors.with_relations(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_read(request, "consultations.listed", page=page.number, shown=len(page.object_list))
    user = request.user
    return render(
        request,
        "consultations/list.html",
        {
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
            "filtered": bool(request.GET.dict().keys() - {"page"}),
            "can_record": user.has_perm("consultations.record"),
            "can_export": user.has_perm("consultations.export"),
            "can_manage": user.has_perm("consultations.manage_lists"),
            "only_own": not user.has_perm("consultations.export"),
            "show_names": selectors.settings_for(request.organisation).record_names,
        },
    )


@require_GET
@permission_required("consultations.export")
def consultation_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    _form, qs = _filtered(request)
    rows = selectors.export_rows(qs, request.organisation)
    _audit_read(request, "consultations.exported", format=fmt, rows=len(rows))
    return export_rows(
        rows, headers=selectors.export_headers(request.organisation), format=fmt, filename="consultaties"
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.record")
def consultation_create(request):
    organisation = request.organisation
    services.ensure_default_lists(organisation)
    form = ConsultationForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.record_consultation(actor=request.user, organisation=organisation, data=_input(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The consultation has been recorded."))
            return redirect("consultations:detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Record a consultation"),
        intro=_(
            "Record who asked, about what and what you did. You are recorded as the handler. "
            "Keep the note short and leave out names."
        ),
        submit=_("Record"),
        back_url="consultations:list",
    )


@require_GET
@permission_required("consultations.view_consultation", fn=_consultation)
def consultation_detail(request, pk: int):
    item = _consultation(request, pk)
    _audit_read(request, "consultations.viewed", item)
    return render(
        request,
        "consultations/detail.html",
        {
            "item": item,
            "history": selectors.history(item),
            "can_change": item.removed_at is None and request.user.has_perm("consultations.change_consultation", item),
            "show_names": selectors.settings_for(request.organisation).record_names,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.change_consultation", fn=_consultation)
def consultation_change(request, pk: int):
    item = _consultation(request, pk)
    if item.removed_at is not None:
        messages.error(request, _("This consultation has been removed from the register and cannot be changed."))
        return redirect("consultations:detail", pk=item.pk)
    form = ConsultationForm(_posted(request), organisation=request.organisation, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.change_consultation(actor=request.user, consultation=item, data=_input(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, _("Your change has been saved. The history shows what changed."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("consultations:detail", pk=item.pk)
    return _form_page(
        request,
        form,
        title=_("Change the consultation"),
        intro=_("The history of the record keeps what you change, and who changed it when."),
        submit=_("Save the change"),
        back_url="consultations:detail",
        record=item,
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.change_consultation", fn=_consultation)
def consultation_remove(request, pk: int):
    item = _consultation(request, pk)
    if item.removed_at is not None:
        messages.error(request, _("This consultation has already been removed."))
        return redirect("consultations:detail", pk=item.pk)
    form = RemoveForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_consultation(actor=request.user, consultation=item, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The consultation has been removed from the register."))
            return redirect("consultations:list")
    return _form_page(
        request,
        form,
        title=_("Remove the consultation from the register"),
        intro=_(
            "Remove a record only when it should not be in the register, for example because it was recorded twice. "
            "It then no longer counts in lists, exports and figures; its note and name are deleted. The date, the "
            "codes and the history with your reason remain."
        ),
        submit=_("Remove"),
        back_url="consultations:detail",
        record=item,
    )


# --- the lists and the setting (integrity coordinator) ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage_lists")
def settings_page(request):
    organisation = request.organisation
    services.ensure_default_lists(organisation)
    current = selectors.settings_for(organisation)
    form = SettingsForm(_posted(request), initial={"record_names": current.record_names})
    if request.method == "POST" and form.is_valid():
        services.update_settings(
            actor=request.user, organisation=organisation, record_names=form.cleaned_data["record_names"]
        )
        messages.success(request, _("The setting has been saved."))
        return redirect("consultations:settings")
    return render(
        request,
        "consultations/settings.html",
        {"form": form, "topics": selectors.topics(organisation), "actions": selectors.actions(organisation)},
    )


ENTRY_TITLES = {
    ("topic", True): gettext_lazy("Add a topic"),
    ("topic", False): gettext_lazy("Change the topic"),
    ("action", True): pgettext_lazy("consultation action", "Add an action"),
    ("action", False): gettext_lazy("Change the action"),
}


def _entry_page(request, kind: str, pk: int | None):
    organisation = request.organisation
    services.ensure_default_lists(organisation)
    entry = None
    if pk is not None:
        entry = selectors.list_entry(organisation, kind, pk)
        if entry is None:
            raise Http404
    form = ListEntryForm(_posted(request), entry=entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_list_entry(
                actor=request.user,
                organisation=organisation,
                kind=kind,
                entry=entry,
                code=data.get("code", ""),
                name_nl=data["name_nl"],
                name_en=data["name_en"],
                is_active=data["is_active"],
                order=data["order"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The list has been saved."))
            return redirect("consultations:settings")
    intro = ""
    if entry is not None:
        intro = _(
            "Code: %(code)s. The code stays the same; you can change the names, the position and whether it is in use."
        ) % {"code": entry.code}
    return _form_page(
        request,
        form,
        title=ENTRY_TITLES[(kind, entry is None)],
        intro=intro,
        submit=_("Save"),
        back_url="consultations:settings",
    )


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage_lists")
def topic_create(request):
    return _entry_page(request, "topic", None)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage_lists")
def topic_change(request, pk: int):
    return _entry_page(request, "topic", pk)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage_lists")
def action_create(request):
    return _entry_page(request, "action", None)


@require_http_methods(["GET", "POST"])
@permission_required("consultations.manage_lists")
def action_change(request, pk: int):
    return _entry_page(request, "action", pk)
