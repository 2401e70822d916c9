"""The API token page in the main navigation, for the functional administrator."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plein.core.registry import NavItem


def api_navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("api.manage_tokens"):
        return []
    return [NavItem(_("API tokens"), reverse("api_tokens:list"), order=91)]
