"""The annual report's contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.annual_report import selectors
from plein.annual_report.models import AnnualReport
from plein.core.registry import NavItem, StartPageItem


def annual_report_navigation(request):
    user = request.user
    if user.is_authenticated and user.has_perm("annual_report.view_report"):
        return [NavItem(gettext_lazy("Annual report"), reverse("annual_report:index"), order=80)]
    return []


def annual_report_start_items(request):
    user = request.user
    organisation = getattr(request, "organisation", None)
    if not user.is_authenticated or not organisation:
        return []
    items = []
    last_year = timezone.localdate().year - 1
    if user.has_perm("annual_report.approve_report"):
        for report in selectors.reports_of(organisation):
            if report.status == AnnualReport.Status.SUBMITTED:
                items.append(
                    StartPageItem(
                        title=_("The annual report %(year)d waits for your approval") % {"year": report.year},
                        url=reverse("annual_report:report", args=[report.year]),
                    )
                )
    if user.has_perm("annual_report.edit_report"):
        report = selectors.report_for(organisation, last_year)
        if report is None or report.status == AnnualReport.Status.DRAFT:
            items.append(
                StartPageItem(
                    title=_("Write the annual integrity report %(year)d") % {"year": last_year},
                    url=reverse("annual_report:report", args=[last_year]),
                    description=_("Every figure is filled in from the registers; add the texts and submit it."),
                    kind="link",
                )
            )
    return items
