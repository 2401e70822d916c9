"""The home page brings everything together, in the order the editors chose, in a constant number of queries."""

import sys
import types
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import StructureRole
from plein.core.tests.factories import EmployeeFactory, StructureRoleFactory
from plein.portal import selectors, services
from plein.portal.models import HomePage, PortalSettings

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_news_shows_the_latest_published_items(client, make_news):
    today = timezone.localdate()
    for i in range(5):
        make_news(f"Bericht {i}", day=today - timedelta(days=i))
    make_news("Concept dat niemand mag zien", live=False)
    page = html(client.get("/"))
    assert "Bericht 0" in page and "Bericht 2" in page
    assert "Bericht 3" not in page  # the section shows 3 by default
    assert "Concept dat niemand mag zien" not in page


def test_scheduled_news_appears_only_after_publish_scheduled(client, portal):
    from django.core.management import call_command

    from plein.portal.models import NewsPage

    item = NewsPage(title="Ingepland bericht", intro="Later", date=timezone.localdate())
    item.go_live_at = timezone.now() + timedelta(hours=1)
    item.live = False
    portal.news_index.add_child(instance=item)
    item.save_revision().publish()
    item.refresh_from_db()
    assert not item.live
    assert "Ingepland bericht" not in html(client.get("/"))

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        call_command("publish_scheduled")
    assert "Ingepland bericht" in html(client.get("/"))


def test_reporting_channels_contacts_and_who_is_who(client, portal, organisation):
    from plein.reports.models import Channel

    Channel.objects.create(organisation=organisation, code="misstand", name="Vermoeden van een misstand")
    Channel.objects.create(organisation=organisation, code="oud", name="Gesloten kanaal", is_active=False)
    StructureRoleFactory(organisation=organisation, kind=StructureRole.Kind.INTEGRITY_COORDINATOR, go_to_for="Advies")
    StructureRoleFactory(
        organisation=organisation,
        kind=StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL,
        employee=None,
        name="Extern VP",
    )
    StructureRoleFactory(organisation=organisation, kind=StructureRole.Kind.CISO, employee=None, name="De CISO")
    page = html(client.get("/"))
    assert "Vermoeden van een misstand" in page
    assert "/melden/kanaal/misstand/" in page
    assert "Gesloten kanaal" not in page
    assert "Extern VP" in page
    assert "De CISO" not in page  # not one of the roles the contacts section shows
    assert "/wie-is-wie/" in page


def test_todos_only_for_a_logged_in_employee(client, portal, make_policy, ic_user, employee_user):
    document = make_policy("Regeling melden")
    version = document.versions.get()
    services.start_acknowledgement_campaign(version=version, actor=ic_user)
    assert "Code to acknowledge" not in html(client.get("/"))
    assert "Jouw takenlijst" not in html(client.get("/"))

    client.force_login(employee_user)
    page = html(client.get("/"))
    assert "Jouw takenlijst" in page
    assert "Regeling melden" in page
    assert f"/gedragscodes/bevestigen/{version.pk}/" in page


def test_dilemma_from_the_portal_texts_when_deliberation_offers_none(client, portal, monkeypatch):
    monkeypatch.setitem(sys.modules, "plein.deliberation.selectors", types.ModuleType("plein.deliberation.selectors"))
    assert "Het jubileumfeest" not in html(client.get("/"))
    texts = PortalSettings.load()
    texts.dilemma_title = "Het jubileumfeest"
    texts.dilemma_question = "Ga je?"
    texts.save()
    page = html(client.get("/"))
    assert "Het jubileumfeest" in page and "Ga je?" in page


def test_dilemma_and_events_from_the_other_apps_when_they_offer_them(client, portal, organisation, monkeypatch):
    learning = types.ModuleType("plein.learning.selectors")
    learning.upcoming_events = lambda organisation, limit: [
        types.SimpleNamespace(title="Training morele oordeelsvorming", date=date(2030, 1, 15))
    ][:limit]
    deliberation = types.ModuleType("plein.deliberation.selectors")
    deliberation.dilemma_of_the_month = lambda organisation: types.SimpleNamespace(
        title="De vergunning van de buurman", question="Wat zeg je?"
    )
    monkeypatch.setitem(sys.modules, "plein.learning.selectors", learning)
    monkeypatch.setitem(sys.modules, "plein.deliberation.selectors", deliberation)
    page = html(client.get("/"))
    assert "Training morele oordeelsvorming" in page
    assert "De vergunning van de buurman" in page


def test_events_section_is_left_out_without_the_learning_app(client, portal, organisation, monkeypatch):
    monkeypatch.setitem(sys.modules, "plein.learning.selectors", types.ModuleType("plein.learning.selectors"))
    assert selectors.upcoming_events(organisation, 3) is None
    assert "Agenda: bijeenkomsten en trainingen" not in html(client.get("/"))


def test_editors_choose_and_order_the_sections(client, portal, make_knowledge):
    page = make_knowledge("Moreel beraad")
    home = HomePage.objects.get(pk=portal.home.pk)
    home.sections = [
        ("text", {"heading": "Welkom terug", "text": "<p>Fijn dat je er bent.</p>"}),
        (
            "highlights",
            {"heading": "Uitgelicht", "items": [{"title": "Lees dit", "text": "", "page": page, "url": ""}]},
        ),
        ("news", {"heading": "Het laatste nieuws", "count": 2}),
    ]
    home.save_revision().publish()
    body = html(client.get("/"))
    assert body.index("Welkom terug") < body.index("Uitgelicht") < body.index("Het laatste nieuws")
    assert f'href="{page.url}"' in body
    assert "Gedragscodes en beleid" not in body.split("<main")[1].split("</main>")[0]  # the documents section is gone


def test_polls_section_lets_an_employee_vote(client, portal, make_poll, employee_user):
    poll = make_poll("Ken jij de gedragscode?")
    client.force_login(employee_user)
    page = html(client.get("/"))
    assert "Ken jij de gedragscode?" in page
    assert f'action="/peilingen/{poll.pk}/stemmen/"' in page


def _count(client, url="/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(organisation, ic_user, make_news, make_policy, make_poll, n: int, tag: str):
    from plein.reports.models import Channel

    for i in range(n):
        make_news(f"Nieuws {tag}{i}")
        make_policy(f"Regeling {tag}{i}")
        make_poll(f"Vraag {tag}{i}")
        Channel.objects.create(organisation=organisation, code=f"kanaal-{tag}{i}", name=f"Kanaal {tag}{i}")
        StructureRoleFactory(organisation=organisation, kind=StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL)
        EmployeeFactory(organisation=organisation)
    for version in services.PolicyVersion.objects.filter(campaign__isnull=True):
        services.start_acknowledgement_campaign(version=version, actor=ic_user)


@pytest.mark.parametrize("logged_in", [False, True])
def test_home_query_count_is_constant(
    client, portal, organisation, ic_user, make_user, make_news, make_policy, make_poll, logged_in
):
    if logged_in:
        client.force_login(make_user(R.EDITOR))
    _grow(organisation, ic_user, make_news, make_policy, make_poll, 1, "a")
    client.get("/")  # warm the caches (site root paths, content types)
    small = _count(client)
    _grow(organisation, ic_user, make_news, make_policy, make_poll, 6, "b")
    assert _count(client) == small
