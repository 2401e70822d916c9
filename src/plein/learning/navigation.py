"""Leren & bewustwording's contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.core.registry import NavItem, StartPageItem
from plein.learning import selectors


def learning_navigation(request):
    user = request.user
    if not user.is_authenticated:
        return []
    if user.has_perm("learning.view_events"):
        return [NavItem(gettext_lazy("Learning"), reverse("learning:events"), order=45)]
    if user.has_perm("learning.view_figures"):
        return [NavItem(gettext_lazy("Learning figures"), reverse("learning:figures"), order=45)]
    return []


def learning_start_items(request):
    """A to-do for every mandatory training the person still has to complete, and the way in to their record."""
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    if user.has_perm("learning.view_own_record"):
        employee = selectors.own_employee(user)
        statuses = [s for s in selectors.requirements_for(employee) if not s.is_done]
        registered = {}
        if statuses:
            for registration in selectors.registrations_of(employee):
                if registration.event.course_id:
                    registered.setdefault(registration.event.course_id, registration.event)
        for status in statuses:
            course = status.requirement.course
            event = registered.get(course.pk)
            if event is not None:
                description = _("You are registered for %(title)s on %(date)s.") % {
                    "title": event.title,
                    "date": date_format(event.date, "j F Y"),
                }
            elif status.is_overdue:
                description = _("This should have been done by %(date)s. Register for a session.") % {
                    "date": date_format(status.due_date, "j F Y")
                }
            else:
                description = _("Do this by %(date)s. Register for a session.") % {
                    "date": date_format(status.due_date, "j F Y")
                }
            items.append(
                StartPageItem(
                    title=_("Mandatory training: %(course)s") % {"course": course.title},
                    url=reverse("learning:mine"),
                    description=description,
                    overdue=status.is_overdue and event is None,
                )
            )
        items.append(StartPageItem(title=_("My learning record"), url=reverse("learning:mine"), kind="link"))
    if user.has_perm("learning.view_coverage"):
        items.append(StartPageItem(title=_("Training coverage"), url=reverse("learning:coverage"), kind="link"))
    return items
