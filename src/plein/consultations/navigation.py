"""The consultations register in the main navigation: for the integrity coordinator and confidential advisers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from plein.core.registry import NavItem


def consultations_navigation(request):
    user = request.user
    if user.is_authenticated and user.has_perm("consultations.view_register"):
        return [NavItem(gettext_lazy("Consultations"), reverse("consultations:list"), order=42)]
    return []
