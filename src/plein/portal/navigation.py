"""The portal's contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.core.registry import NavItem, StartPageItem
from plein.core.selectors import employee_for
from plein.portal import selectors


def portal_navigation(request):
    # The pages the editors put in the menu ("show in menus" in the CMS), in the order of the page tree.
    items = [NavItem(title, url, order=10 + i) for i, (title, url) in enumerate(_menu_pages(request))]
    items.append(NavItem(gettext_lazy("Search"), reverse("portal:search"), order=75))
    user = request.user
    if user.is_authenticated:
        if user.has_perm("portal.view_policy_admin"):
            items.append(NavItem(gettext_lazy("Codes and campaigns"), reverse("portal:policy_admin"), order=93))
        if user.has_perm("portal.manage_polls"):
            items.append(NavItem(gettext_lazy("Polls"), reverse("portal:poll_admin"), order=94))
        if user.has_perm("wagtailadmin.access_admin"):
            items.append(NavItem(gettext_lazy("Edit the portal"), reverse("wagtailadmin_home"), order=95))
    return items


def _menu_pages(request) -> list[tuple[str, str]]:
    # url_path is "/<home slug>/<slug>/"; below the site root the address is "/<slug>/".
    return [(page.title, "/" + page.url_path.strip("/").split("/", 1)[-1] + "/") for page in selectors.menu_pages()]


def portal_start_items(request):
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    if user.has_perm("portal.acknowledge_policy"):
        for campaign in selectors.campaigns_to_acknowledge(employee_for(user)):
            version = campaign.version
            if campaign.deadline:
                description = _("Read it and confirm by %(date)s.") % {"date": date_format(campaign.deadline, "j F Y")}
            else:
                description = _("Read it and confirm that you have read it.")
            items.append(
                StartPageItem(
                    title=_("Code to acknowledge: %(title)s (version %(version)s)")
                    % {"title": version.document.title, "version": version.version},
                    url=reverse("portal:acknowledge", kwargs={"pk": version.pk}),
                    description=description,
                    overdue=bool(campaign.deadline and campaign.deadline < timezone.localdate()),
                )
            )
    if user.has_perm("portal.manage_acknowledgement_campaigns") or user.has_perm("portal.manage_policy_documents"):
        items.append(
            StartPageItem(title=_("Codes of conduct and campaigns"), url=reverse("portal:policy_admin"), kind="link")
        )
    if user.has_perm("wagtailadmin.access_admin"):
        items.append(StartPageItem(title=_("Edit the portal (CMS)"), url=reverse("wagtailadmin_home"), kind="link"))
    return items
