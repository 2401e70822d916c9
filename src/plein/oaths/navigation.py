"""The oath register's contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.core.registry import NavItem, StartPageItem
from plein.oaths import selectors


def oath_navigation(request):
    user = request.user
    if not user.is_authenticated:
        return []
    if user.has_perm("oaths.view_obligations"):
        return [NavItem(gettext_lazy("Oath of office"), reverse("oaths:overview"), order=40)]
    if user.has_perm("oaths.view_figures"):
        return [NavItem(gettext_lazy("Oath figures"), reverse("oaths:figures"), order=40)]
    return []


def oath_start_items(request):
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    if user.has_perm("oaths.view_own_oath"):
        employee = selectors.own_employee(user)
        obligation = selectors.obligation_for(employee, today=timezone.localdate())
        if obligation is not None and obligation.is_done:
            items.append(
                StartPageItem(
                    title=_("My oath of office"),
                    url=reverse("oaths:mine"),
                    description=_("Taken on %(date)s. You can download your confirmation.")
                    % {"date": date_format(obligation.taken_on, "j F Y")},
                    kind="link",
                )
            )
        elif obligation is not None:
            registration = selectors.open_registration(employee)
            if registration is not None:
                description = _("You are registered for %(ceremony)s.") % {"ceremony": registration.ceremony}
            elif obligation.is_overdue:
                description = _("This should have been done by %(date)s. Register for a ceremony.") % {
                    "date": date_format(obligation.due_date, "j F Y")
                }
            else:
                description = _("Do this by %(date)s. Register for a ceremony.") % {
                    "date": date_format(obligation.due_date, "j F Y")
                }
            items.append(
                StartPageItem(
                    title=_("Take the oath or affirmation"),
                    url=reverse("oaths:mine"),
                    description=description,
                    overdue=obligation.is_overdue,
                )
            )
    if user.has_perm("oaths.manage_oaths"):
        items.append(StartPageItem(title=_("Oath ceremonies"), url=reverse("oaths:ceremony_list"), kind="link"))
    return items
