"""The declarations' contributions to the main navigation and the start page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from plein.core.registry import NavItem, StartPageItem
from plein.declarations import selectors


def declarations_navigation(request):
    user = request.user
    if not user.is_authenticated:
        return []
    if user.has_perm("declarations.declare"):
        return [NavItem(gettext_lazy("Declarations"), reverse("declarations:mine"), order=45)]
    if user.has_perm("declarations.view_assessments"):
        return [NavItem(gettext_lazy("Declarations"), reverse("declarations:activity_list"), order=45)]
    if user.has_perm("declarations.manage_candidates"):
        return [NavItem(gettext_lazy("Declarations"), reverse("declarations:candidate_list"), order=45)]
    if user.has_perm("declarations.view_figures"):
        return [NavItem(gettext_lazy("Declaration figures"), reverse("declarations:figures"), order=45)]
    return []


def declarations_start_items(request):
    user = request.user
    if not user.is_authenticated or not getattr(request, "organisation", None):
        return []
    organisation = request.organisation
    today = timezone.localdate()
    items = []
    employee = selectors.own_employee(user) if user.has_perm("declarations.declare") else None
    if employee is not None:
        participation = selectors.open_participation(employee)
        if participation is not None and not participation.is_done:
            deadline = participation.campaign.deadline
            items.append(
                StartPageItem(
                    title=_("Confirm your declarations for %(year)d") % {"year": participation.campaign.year},
                    url=reverse("declarations:confirm"),
                    description=_("Do this by %(date)s.") % {"date": date_format(deadline, "j F Y")},
                    overdue=deadline < today,
                )
            )
        items.append(
            StartPageItem(
                title=_("My declarations: outside activities, gifts and invitations"),
                url=reverse("declarations:mine"),
                kind="link",
            )
        )
    if user.has_perm("declarations.view_assessments"):
        waiting = selectors.awaiting_decision_count(user, organisation)
        if waiting:
            items.append(
                StartPageItem(
                    title=ngettext(
                        "%(n)d declaration waits for your decision",
                        "%(n)d declarations wait for your decision",
                        waiting,
                    )
                    % {"n": waiting},
                    url=reverse("declarations:activity_list") + "?status=beoordeling",
                )
            )
    if user.has_perm("declarations.give_advice"):
        advice = selectors.awaiting_advice_count(organisation)
        if advice:
            items.append(
                StartPageItem(
                    title=ngettext(
                        "%(n)d outside activity waits for your advice",
                        "%(n)d outside activities wait for your advice",
                        advice,
                    )
                    % {"n": advice},
                    url=reverse("declarations:activity_list") + "?status=advies",
                )
            )
    if user.has_perm("declarations.review_financial_interests"):
        unreviewed = selectors.unreviewed_financial_interests_count(organisation)
        if unreviewed:
            items.append(
                StartPageItem(
                    title=ngettext(
                        "%(n)d financial interest waits for review",
                        "%(n)d financial interests wait for review",
                        unreviewed,
                    )
                    % {"n": unreviewed},
                    url=reverse("declarations:interest_list") + "?status=ingediend",
                )
            )
    return items
