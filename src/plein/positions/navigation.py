"""Functies & screening's contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from plein.core.registry import NavItem, StartPageItem
from plein.positions import selectors


def positions_navigation(request):
    user = request.user
    if not user.is_authenticated:
        return []
    if user.has_perm("positions.view_inventory"):
        return [NavItem(gettext_lazy("Positions"), reverse("positions:inventory"), order=45)]
    if user.has_perm("positions.view_coverage"):
        return [NavItem(gettext_lazy("Positions"), reverse("positions:coverage"), order=45)]
    return []


def positions_start_items(request):
    """To-dos: a manager's positions to review, the IC's reviews to approve, HR's new hires with gaps, and an
    employee's own VOG when their position requires one and it is missing."""
    user = request.user
    organisation = getattr(request, "organisation", None)
    if not user.is_authenticated or organisation is None:
        return []
    today = timezone.localdate()
    items = []
    if user.has_perm("positions.view_own_screening"):
        person = selectors.own_screening(user, today)
        if person is not None and person.vog_missing:
            items.append(
                StartPageItem(
                    title=_("Hand in a certificate of conduct (VOG)"),
                    url=reverse("positions:mine"),
                    description=_("Your position requires a valid VOG. HR will help you apply for it."),
                    overdue=person.employee.start_date is not None and person.employee.start_date < today,
                )
            )
        elif person is not None:
            items.append(StartPageItem(title=_("My screening"), url=reverse("positions:mine"), kind="link"))
    if user.has_perm("positions.view_rounds"):
        open_items = selectors.open_items_for_manager(user, organisation).count()
        if open_items:
            items.append(
                StartPageItem(
                    title=ngettext(
                        "Review %(count)d position of your unit",
                        "Review %(count)d positions of your units",
                        open_items,
                    )
                    % {"count": open_items},
                    url=reverse("positions:rounds"),
                    description=_("Check whether the inventory of vulnerable positions is still right."),
                )
            )
    if user.has_perm("positions.manage_rounds"):
        awaiting = selectors.items_awaiting_approval(organisation).count()
        if awaiting:
            items.append(
                StartPageItem(
                    title=ngettext(
                        "Approve %(count)d reviewed position", "Approve %(count)d reviewed positions", awaiting
                    )
                    % {"count": awaiting},
                    url=reverse("positions:rounds"),
                )
            )
    if user.has_perm("positions.view_screening"):
        missing = selectors.new_hires_missing_count(organisation, today)
        if missing:
            items.append(
                StartPageItem(
                    title=ngettext(
                        "%(count)d new hire misses something on the checklist",
                        "%(count)d new hires miss something on the checklist",
                        missing,
                    )
                    % {"count": missing},
                    url=reverse("positions:new_hires"),
                    description=_("A VOG or the talk about outside activities is still missing."),
                )
            )
    return items
