"""Case handling's contributions to the main navigation and the start page (in-app deadline notices)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plein.core.registry import NavItem, StartPageItem


def dossiers_navigation(request):
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    if user.has_perm("dossiers.view_statistics"):
        items.append(NavItem(_("Case statistics"), reverse("dossiers_oversight:statistics"), order=92))
    if user.has_perm("dossiers.apply_retention"):
        items.append(NavItem(_("Retention"), reverse("dossiers_oversight:retention"), order=94))
    if user.has_perm("dossiers.manage_workflow"):
        items.append(NavItem(_("Case handling settings"), reverse("dossiers:settings"), order=93))
    return items


def dossiers_start_items(request):
    """Overdue cases and cases due within 7 days in the user's inbox: counts and a link, no content."""
    from plein.dossiers.selectors import attention_counts

    user = request.user
    if not (user.is_authenticated and user.has_perm("reports.view_inbox")) or not request.organisation:
        return []
    overdue, soon = attention_counts(user, request.organisation, within_days=7)
    items = []
    if overdue:
        items.append(
            StartPageItem(
                title=ngettext("%(n)d case is past a legal deadline", "%(n)d cases are past a legal deadline", overdue)
                % {"n": overdue},
                url=reverse("reports:inbox") + "?termijn=overdue&sorteer=deadline",
                description=_("Confirm receipt within 7 days and give feedback within 3 months."),
                overdue=True,
            )
        )
    if soon:
        items.append(
            StartPageItem(
                title=ngettext(
                    "%(n)d case has a deadline within 7 days", "%(n)d cases have a deadline within 7 days", soon
                )
                % {"n": soon},
                url=reverse("reports:inbox") + "?termijn=soon&dagen=7&sorteer=deadline",
                description=_("Sorted with the nearest deadline first."),
            )
        )
    return items
