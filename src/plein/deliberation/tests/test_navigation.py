"""The app's place in the main navigation and on the start page, and the portal's dilemma of the month."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from plein.core import roles as R
from plein.deliberation import services
from plein.deliberation.navigation import deliberation_navigation, deliberation_start_items
from plein.deliberation.tests.factories import EntryFactory, SessionFactory, participant

pytestmark = pytest.mark.django_db


def request_for(user, organisation):
    request = RequestFactory().get("/")
    request.user = user
    request.organisation = organisation
    return request


def test_navigation_for_the_coordinator_the_facilitator_and_the_auditor(make_user, organisation):
    for role in (R.INTEGRITY_COORDINATOR, R.FACILITATOR):
        items = deliberation_navigation(request_for(make_user(role), organisation))
        assert [i.url for i in items] == ["/moreel-beraad/"]
    assert deliberation_navigation(request_for(make_user(), organisation)) == []
    auditor = make_user(R.AUDITOR)
    auditor.employee.delete()
    auditor = type(auditor).objects.get(pk=auditor.pk)
    assert [i.url for i in deliberation_navigation(request_for(auditor, organisation))] == ["/moreel-beraad/cijfers/"]


def test_the_start_page_shows_an_invitation_and_the_way_in(make_user, organisation):
    user = make_user()
    session = SessionFactory(organisation=organisation, scheduled_at=timezone.now() + timedelta(days=3))
    participant(session, user, joined=False)
    items = deliberation_start_items(request_for(user, organisation))
    assert items[0].kind == "todo" and items[0].url == f"/moreel-beraad/sessies/{session.pk}/meedoen/"
    assert items[-1].kind == "link" and items[-1].url == "/moreel-beraad/"


def test_the_portal_shows_the_dilemma_of_the_month(make_user, organisation):
    from plein.portal import selectors as portal

    ic = make_user(R.INTEGRITY_COORDINATOR)
    entry = EntryFactory(organisation=organisation, title="Ambtenaar zijn én gaan demonstreren")
    services.choose_dilemma_of_the_month(actor=ic, entry=entry, month=timezone.localdate())
    found = portal.dilemma_of_the_month(organisation, None)
    assert found["source"] == "deliberation"
    item = found["item"]
    assert item.title == "Ambtenaar zijn én gaan demonstreren"
    assert item.summary and item.question == entry.question and item.get_absolute_url() == item.url
    assert item.poll["open"] and [r.label for r in item.poll["results"]] == [entry.option_a, entry.option_b]
