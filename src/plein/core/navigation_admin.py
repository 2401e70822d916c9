"""Main navigation for the role administration (functional administrator) and the audit log (IC, auditor)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plein.core.registry import NavItem


def admin_navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    if user.has_perm("core.manage_roles"):
        items.append(NavItem(_("Roles"), reverse("core:role_list"), order=90))
    if user.has_perm("core.view_audit_log"):
        items.append(NavItem(_("Audit log"), reverse("core:audit_log"), order=92))
    return items
