"""Views of Functies & screening: thin, permission-checked; writes go through ``services``, reads through
``selectors``. Reads of people's screening data are audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.core import roles as R
from plein.core.exports import export_rows
from plein.core.models import Employee, Position
from plein.core.permissions import permission_required
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event
from plein.positions import selectors, services
from plein.positions.forms import (
    ExportForm,
    InventoryFilterForm,
    InventoryForm,
    ReturnForm,
    ReviewForm,
    RoundForm,
    ScreeningFilterForm,
    TalkForm,
    VogForm,
)
from plein.positions.models import Area, ReviewItem, ReviewRound, VogScreening

PAGE_SIZE = 50


def _role(request, *preferred: str) -> str:
    """The role in which the user acts here, for the audit log."""
    roles = user_roles(request.user)
    return next((code for code in preferred if code in roles), "")


def _page(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _position(request, pk):
    return get_object_or_404(
        Position.objects.select_related("unit", "profile", "profile__reviewed_by"),
        pk=pk,
        organisation=request.organisation,
    )


def _item(request, pk):
    return get_object_or_404(
        ReviewItem.objects.select_related("round", "position", "position__unit", "position__profile"),
        pk=pk,
        round__organisation=request.organisation,
    )


def _employee(request, pk):
    return get_object_or_404(
        Employee.objects.select_related("unit", "position"), pk=pk, organisation=request.organisation
    )


def _form_errors_from(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- inventory ----------------------------------------------------------------------------------------------------


@require_GET
@permission_required("positions.view_inventory")
def inventory(request):
    today = timezone.localdate()
    form = InventoryFilterForm(request.GET or None, organisation=request.organisation)
    qs = selectors.positions_visible_to(request.user, request.organisation)
    if form.is_valid():
        qs = selectors.filter_positions(
            qs,
            today=today,
            text=form.cleaned_data["q"],
            unit=form.cleaned_data["unit"],
            show=form.cleaned_data["show"],
        )
    page = _page(request, qs.order_by("code"))
    return render(
        request,
        "positions/inventory.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.inventory_rows(page.object_list, today),
            "can_change": request.user.has_perm("positions.change_position"),
            "can_export": request.user.has_perm("positions.export_positions"),
        },
    )


@require_GET
@permission_required("positions.view_position", fn=_position)
def detail(request, pk):
    position = _position(request, pk)
    profile = selectors.profile_of(position)
    history = _page(request, selectors.position_history(profile), size=20) if profile else None
    state = selectors.review_state(profile, timezone.localdate())
    return render(
        request,
        "positions/detail.html",
        {
            "position": position,
            "profile": profile,
            "state": state,
            "state_label": selectors.ReviewState.LABELS[state],
            "history": history,
            "area_labels": dict(Area.choices),
            "can_change": request.user.has_perm("positions.change_position"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("positions.change_position")
def edit(request, pk):
    position = _position(request, pk)
    profile = selectors.profile_of(position)
    current = services.profile_values(profile)
    form = InventoryForm(request.POST or None, profile_values=current)
    if request.method == "POST" and form.is_valid():
        try:
            values = form.values(request.user)
            services.save_profile(
                actor=request.user,
                position=position,
                values=values,
                role=_role(request, R.INTEGRITY_COORDINATOR, R.HR),
            )
        except ValidationError as exc:
            if not form.errors:
                _form_errors_from(form, exc)
        else:
            messages.success(request, _("The inventory of this position has been saved."))
            return redirect("positions:detail", pk=position.pk)
    if request.method == "POST":
        messages.error(request, _("The inventory has not been saved. Check the fields marked below."))
    return render(request, "positions/edit.html", {"position": position, "form": form})


# --- overviews ----------------------------------------------------------------------------------------------------


@require_GET
@permission_required("positions.view_inventory")
def lapsed(request):
    today = timezone.localdate()
    page = _page(request, selectors.lapsed_positions(request.user, request.organisation, today))
    return render(
        request,
        "positions/lapsed.html",
        {"page": page, "rows": selectors.inventory_rows(page.object_list, today), "today": today},
    )


@require_GET
@permission_required("positions.view_coverage")
def coverage(request):
    today = timezone.localdate()
    rows, total = selectors.coverage_per_unit(request.organisation, today)
    return render(
        request,
        "positions/coverage.html",
        {
            "rows": rows,
            "total": total,
            "today": today,
            # People per unit only for those who keep people's data; the auditor sees the totals.
            "people_per_unit": bool(user_roles(request.user) & {R.INTEGRITY_COORDINATOR, R.HR}),
        },
    )


@require_GET
@permission_required("positions.export_positions")
def export(request):
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        focus = form.cleaned_data["focus"]
        fmt = form.cleaned_data["format"]
        rows = selectors.designated_positions_for_export(request.organisation, focus)
        record_event(
            actor=request.user,
            action="positions.exported",
            organisation=request.organisation,
            role=_role(request, R.INTEGRITY_COORDINATOR, R.HR),
            data={"focus": focus, "format": fmt, "rows": len(rows)},
        )
        stamp = timezone.localdate().isoformat()
        return export_rows(rows, selectors.EXPORT_HEADERS, fmt, filename=f"functies-{focus}-{stamp}")
    return render(request, "positions/export.html", {"form": form})


# --- review rounds ------------------------------------------------------------------------------------------------


@require_GET
@permission_required("positions.view_rounds")
def rounds(request):
    page = _page(request, selectors.rounds_visible_to(request.user, request.organisation))
    return render(
        request,
        "positions/rounds.html",
        {"page": page, "can_manage": request.user.has_perm("positions.manage_rounds")},
    )


@require_http_methods(["GET", "POST"])
@permission_required("positions.manage_rounds")
def round_start(request):
    form = RoundForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.start_round(
                actor=request.user,
                organisation=request.organisation,
                title=form.cleaned_data["title"],
                unit=form.cleaned_data["unit"],
                due_date=form.cleaned_data["due_date"],
                role=R.INTEGRITY_COORDINATOR,
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            count = review_round.items.count()
            messages.success(request, _("The review round has started with %(count)d positions.") % {"count": count})
            return redirect("positions:round", pk=review_round.pk)
    return render(request, "positions/round_start.html", {"form": form})


@require_GET
@permission_required("positions.view_rounds")
def round_detail(request, pk):
    review_round = get_object_or_404(
        ReviewRound.objects.select_related("unit", "started_by"), pk=pk, organisation=request.organisation
    )
    status = request.GET.get("status", "")
    items = selectors.round_items_visible_to(request.user, review_round, status=status)
    page = _page(request, items)
    is_ic = request.user.has_perm("positions.manage_rounds")
    reviewable = selectors.reviewable_item_ids(request.user, review_round)
    for item in page.object_list:
        item.can_review = item.pk in reviewable
    return render(
        request,
        "positions/round_detail.html",
        {
            "round": review_round,
            "progress": selectors.round_progress(request.user, review_round),
            "page": page,
            "status": status,
            "statuses": ReviewItem.Status.choices,
            "is_ic": is_ic,
            "is_open": review_round.status == ReviewRound.Status.OPEN,
            "awaiting": selectors.items_awaiting_approval(request.organisation).filter(round=review_round).count()
            if is_ic
            else 0,
        },
    )


@require_POST
@permission_required("positions.manage_rounds")
def round_approve(request, pk):
    review_round = get_object_or_404(ReviewRound, pk=pk, organisation=request.organisation)
    items = list(review_round.items.filter(status=ReviewItem.Status.SUBMITTED).only("pk"))
    try:
        count = services.approve_items(
            actor=request.user, review_round=review_round, items=items, role=R.INTEGRITY_COORDINATOR
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)d reviewed positions have been approved.") % {"count": count})
    return redirect("positions:round", pk=review_round.pk)


@require_http_methods(["GET", "POST"])
@permission_required("positions.review_position", fn=_item)
def item_review(request, pk):
    item = _item(request, pk)
    back = reverse("positions:round", kwargs={"pk": item.round_id})
    if item.round.status != ReviewRound.Status.OPEN or item.status not in ReviewItem.OPEN_STATUSES:
        messages.info(request, _("This position has already been reviewed in this round, or the round is closed."))
        return HttpResponseRedirect(back)
    profile = selectors.profile_of(item.position)
    form = ReviewForm(request.POST or None, profile_values=services.profile_values(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_review(
                actor=request.user,
                item=item,
                values=form.values(request.user),
                comment=form.cleaned_data["comment"],
                role=R.MANAGER,
            )
        except ValidationError as exc:
            if not form.errors:
                _form_errors_from(form, exc)
        else:
            messages.success(
                request, _("Thank you. The review has been sent to the integrity coordinator for approval.")
            )
            return HttpResponseRedirect(back)
    if request.method == "POST":
        messages.error(request, _("The review has not been sent. Check the fields marked below."))
    return render(request, "positions/item_review.html", {"item": item, "form": form, "profile": profile})


@require_POST
@permission_required("positions.manage_rounds")
def item_approve(request, pk):
    item = _item(request, pk)
    try:
        services.approve_items(actor=request.user, review_round=item.round, items=[item], role=R.INTEGRITY_COORDINATOR)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The review of %(position)s has been approved.") % {"position": item.position})
    return redirect("positions:round", pk=item.round_id)


@require_http_methods(["GET", "POST"])
@permission_required("positions.manage_rounds")
def item_return(request, pk):
    item = _item(request, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_item(
                actor=request.user, item=item, comment=form.cleaned_data["comment"], role=R.INTEGRITY_COORDINATOR
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("The position has been sent back to the manager."))
            return redirect("positions:round", pk=item.round_id)
    return render(request, "positions/item_return.html", {"item": item, "form": form})


# --- screening of people ------------------------------------------------------------------------------------------


def _audit_read(request, *, action: str, target=None, count: int = 0, page: int = 1) -> None:
    record_event(
        actor=request.user,
        action=action,
        organisation=request.organisation,
        target=target,
        role=_role(request, R.HR),
        data={"count": count, "page": page} if target is None else {},
    )


@require_GET
@permission_required("positions.view_screening")
def screening(request):
    today = timezone.localdate()
    form = ScreeningFilterForm(request.GET or None, organisation=request.organisation)
    filters = {}
    if form.is_valid():
        filters = {
            "unit": form.cleaned_data["unit"],
            "text": form.cleaned_data["q"],
            "missing_only": form.cleaned_data["missing"],
        }
    page = _page(request, selectors.designated_people(request.organisation, today, **filters))
    rows = selectors.screening_rows(page.object_list, request.organisation, today)
    _audit_read(request, action="positions.screening_list_viewed", count=len(rows), page=page.number)
    return render(request, "positions/screening.html", {"form": form, "page": page, "rows": rows})


@require_GET
@permission_required("positions.view_screening")
def new_hires(request):
    today = timezone.localdate()
    page = _page(request, selectors.new_hires(request.organisation, today))
    rows = selectors.screening_rows(page.object_list, request.organisation, today)
    _audit_read(request, action="positions.new_hires_viewed", count=len(rows), page=page.number)
    return render(request, "positions/new_hires.html", {"page": page, "rows": rows})


@require_GET
@permission_required("positions.view_screening")
def person(request, pk):
    employee = _employee(request, pk)
    today = timezone.localdate()
    person = selectors.person_screening(employee, today)
    _audit_read(request, action="positions.screening_viewed", target=employee)
    return render(
        request,
        "positions/person.html",
        {
            "person": person,
            "vog_form": VogForm(),
            "talk_form": TalkForm(initial={"held_on": person.talk.held_on if person.talk else None}),
            "can_change": request.user.has_perm("positions.change_screening"),
        },
    )


def _person_page_with_errors(request, employee, *, vog_form=None, talk_form=None):
    person = selectors.person_screening(employee, timezone.localdate())
    messages.error(request, _("Nothing has been saved. Check the fields marked below."))
    return render(
        request,
        "positions/person.html",
        {
            "person": person,
            "vog_form": vog_form or VogForm(),
            "talk_form": talk_form or TalkForm(),
            "can_change": True,
        },
        status=400,
    )


@require_POST
@permission_required("positions.change_screening")
def vog_add(request, pk):
    employee = _employee(request, pk)
    form = VogForm(request.POST)
    if form.is_valid():
        try:
            services.record_vog(actor=request.user, employee=employee, role=R.HR, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("The VOG dates have been saved."))
            return redirect("positions:person", pk=employee.pk)
    return _person_page_with_errors(request, employee, vog_form=form)


@require_http_methods(["GET", "POST"])
@permission_required("positions.change_screening")
def vog_edit(request, pk):
    vog = get_object_or_404(VogScreening.objects.select_related("employee"), pk=pk, organisation=request.organisation)
    initial = {
        "requested_on": vog.requested_on,
        "received_on": vog.received_on,
        "valid_from": vog.valid_from,
        "rescreening_due": vog.rescreening_due,
    }
    form = VogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_vog(actor=request.user, screening=vog, role=R.HR, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("The VOG dates have been saved."))
            return redirect("positions:person", pk=vog.employee_id)
    if request.method == "POST":
        messages.error(request, _("Nothing has been saved. Check the fields marked below."))
    return render(request, "positions/vog_edit.html", {"vog": vog, "form": form})


@require_POST
@permission_required("positions.change_screening")
def talk(request, pk):
    employee = _employee(request, pk)
    form = TalkForm(request.POST)
    if form.is_valid():
        try:
            services.record_outside_activities_talk(
                actor=request.user, employee=employee, held_on=form.cleaned_data["held_on"], role=R.HR
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("The talk about outside activities has been recorded."))
            return redirect("positions:person", pk=employee.pk)
    return _person_page_with_errors(request, employee, talk_form=form)


@require_GET
@permission_required("positions.view_own_screening")
def mine(request):
    person = selectors.own_screening(request.user, timezone.localdate())
    return render(request, "positions/mine.html", {"person": person})
