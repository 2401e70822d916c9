"""Moral deliberation's contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.core.registry import NavItem, StartPageItem
from plein.deliberation import selectors


def deliberation_navigation(request):
    user = request.user
    if not user.is_authenticated:
        return []
    if user.has_perm("deliberation.view_sessions") or user.has_perm("deliberation.manage_requests"):
        return [NavItem(gettext_lazy("Moral deliberation"), reverse("deliberation:index"), order=50)]
    if user.has_perm("deliberation.view_figures") and not user.has_perm("deliberation.ask"):
        return [NavItem(gettext_lazy("Deliberation figures"), reverse("deliberation:figures"), order=50)]
    return []


def deliberation_start_items(request):
    user = request.user
    if not user.is_authenticated or not user.has_perm("deliberation.ask"):
        return []
    items = []
    for session in selectors.upcoming_invitations(user, request.organisation):
        when = date_format(timezone.localtime(session.scheduled_at), "j F Y, H:i")
        items.append(
            StartPageItem(
                title=_("Moral deliberation on %(when)s") % {"when": when},
                url=reverse("deliberation:participate", args=[session.pk]),
                description=_("You are invited. Join with the code the facilitator shows at the start."),
            )
        )
    items.append(
        StartPageItem(
            title=_("Moral deliberation"),
            url=reverse("deliberation:index"),
            description=_("Ask for a session with your team, join one with a code, or read the dilemma library."),
            kind="link",
        )
    )
    return items
