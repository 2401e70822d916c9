"""The reporting channel's contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plein.core.registry import NavItem, StartPageItem


def reports_navigation(request):
    items = [NavItem(_("Report a concern"), reverse("reports:start"), order=70)]
    user = request.user
    if user.is_authenticated and user.has_perm("reports.view_inbox"):
        items.append(NavItem(_("Reports"), reverse("reports:inbox"), order=30))
    if user.is_authenticated and user.has_perm("reports.manage_channels"):
        items.append(NavItem(_("Reporting channels"), reverse("reports:admin_channels"), order=92))
    return items


def reports_start_items(request):
    from plein.reports import selectors

    user = request.user
    items = [
        StartPageItem(
            title=_("Report a suspected wrongdoing"),
            url=reverse("reports:start"),
            description=_("Safely, with your name, confidentially or anonymously."),
            kind="link",
        )
    ]
    if not (user.is_authenticated and user.has_perm("reports.view_inbox")) or not request.organisation:
        return items
    channels = selectors.channels_of(user, request.organisation)
    if channels and selectors.handler_key(user) is None:
        items.append(
            StartPageItem(
                title=_("Set up your vault for reports"),
                url=reverse("reports:vault_setup"),
                description=_("You are in a reporting team. You need a vault passphrase to read reports."),
            )
        )
    waiting = selectors.unacknowledged_count(user, request.organisation)
    if waiting:
        items.append(
            StartPageItem(
                title=ngettext(
                    "%(n)d report waits for a confirmation of receipt",
                    "%(n)d reports wait for a confirmation of receipt",
                    waiting,
                )
                % {"n": waiting},
                url=reverse("reports:inbox") + "?status=received",
                description=_("The law gives 7 days to confirm receipt to the reporter."),
            )
        )
    return items
