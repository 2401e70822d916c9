"""Core's contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plein.core.registry import NavItem


def core_navigation(request):
    items = [NavItem(_("Home"), reverse("core:home"), order=0)]
    if request.user.is_authenticated:
        items.append(NavItem(_("My start page"), reverse("core:start"), order=1))
    items.append(NavItem(_("Who is who"), reverse("core:structure"), order=80))
    if request.user.is_authenticated and request.user.has_perm("core.view_people"):
        items.append(NavItem(_("People"), reverse("core:people"), order=85))
    return items
