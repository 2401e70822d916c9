"""The portal in a real browser: every public page passes axe (WCAG 2.1 AA), with the strict CSP, no request to
another origin and keyboard-friendly forms; the CMS runs under its own policy without a CSP violation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plein.core.models import StructureRole
from plein.core.tests.browser import assert_no_console_errors, assert_no_external_requests, login, monitor, visit
from plein.core.tests.factories import StructureRoleFactory
from plein.portal import services
from plein.portal.models import PortalSettings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page):
    page.wait_for_load_state("networkidle")


@pytest.fixture
def content(portal, organisation, make_knowledge, make_news, make_policy, make_poll, ic_user):
    from plein.reports.models import Channel

    base = make_knowledge("Kennisbank", intro="Alles over integer werken.")
    knowledge = make_knowledge(
        "Geschenken en uitnodigingen",
        parent=base,
        body=[
            ("heading", "De afspraken"),
            ("paragraph", "<p>Meld elk geschenk. Boven de <b>50 euro</b> beslist je leidinggevende.</p>"),
            ("callout", {"title": "Voorbeeld", "text": "<p>Een uitnodiging voor een wedstrijd.</p>"}),
            ("quote", {"quote": "Twijfel? Vraag het.", "source": "De integriteitscoördinator"}),
            (
                "faq",
                {
                    "title": "Veelgestelde vragen",
                    "questions": [{"question": "Mag een bos bloemen?", "answer": "<p>Ja, meestal wel.</p>"}],
                },
            ),
        ],
    )
    news = make_news("De Integriteit Show", intro="Op 11 april organiseerde de ondernemingsraad een show.")
    make_news("Bijeenkomst over demonstreren", day=timezone.localdate() - timedelta(days=3))
    document = make_policy("Gedragscode Ambtelijke Integriteit")
    services.start_acknowledgement_campaign(version=document.versions.get(), actor=ic_user)
    poll = make_poll("Weet je bij wie je terecht kunt?")
    Channel.objects.create(organisation=organisation, code="misstand", name="Vermoeden van een misstand")
    StructureRoleFactory(organisation=organisation, kind=StructureRole.Kind.INTEGRITY_COORDINATOR, go_to_for="Advies")
    texts = PortalSettings.load()
    texts.dilemma_title, texts.dilemma_text, texts.dilemma_question = "Het jubileumfeest", "Een uitnodiging.", "Ga je?"
    texts.save()
    return {"knowledge": knowledge, "news": news, "poll": poll, "document": document}


def test_public_pages_pass_axe_without_logging_in(page, portal, content):
    visit(page, "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Provincie Testland")
    expect(page.get_by_role("heading", name="Melden of advies vragen")).to_be_visible()
    expect(page.get_by_role("link", name="Vermoeden van een misstand", exact=True)).to_be_visible()
    visit(page, content["knowledge"].url)
    page.get_by_text("Mag een bos bloemen?").click()
    expect(page.get_by_text("Ja, meestal wel.")).to_be_visible()
    visit(page, portal.news_index.url)
    visit(page, content["news"].url)
    visit(page, portal.document_index.url)
    expect(page.locator(".plein-badge--overdue").first).to_be_visible()
    visit(page, "/peilingen/")
    visit(page, f"/peilingen/{content['poll'].pk}/")
    expect(page.locator(f"main a[href^='/accounts/login/?next=/peilingen/{content['poll'].pk}/']")).to_be_visible()
    visit(page, "/zoeken/?q=geschenken")
    expect(page.get_by_role("link", name="Geschenken en uitnodigingen", exact=True)).to_be_visible()
    assert_no_external_requests(page)
    assert_no_console_errors(page)


def test_an_employee_votes_and_confirms_a_code_with_the_keyboard(page, portal, content, employee_user):
    login(page, employee_user, mfa=False)
    visit(page, "/")
    expect(page.get_by_role("heading", name="Jouw takenlijst")).to_be_visible()
    version = content["document"].versions.get()
    page.locator(f"main a[href='/gedragscodes/bevestigen/{version.pk}/']").first.click()
    settle(page)
    page.locator("main form.plein-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    settle(page)
    expect(page.locator(".plein-messages .utrecht-alert--ok")).to_be_visible()
    assert content["document"].versions.get().acknowledgements.count() == 1

    visit(page, f"/peilingen/{content['poll'].pk}/")
    page.get_by_label("Nee").check()
    page.locator("main .portal-vote button[type=submit]").click()
    settle(page)
    expect(page.locator(".plein-messages .utrecht-alert--ok")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Nee")


def test_management_pages_pass_axe(page, portal, content, ic_user):
    login(page, ic_user)
    visit(page, "/beheer/beleid/")
    document = content["document"]
    page.locator(f"main a[href='/beheer/beleid/{document.pk}/']").click()
    settle(page)
    campaign = document.versions.get().campaign
    page.locator(f"main .portal-actions a[href='/beheer/beleid/campagnes/{campaign.pk}/dekking/']").click()
    settle(page)
    visit(page, f"/beheer/beleid/{content['document'].pk}/versies/nieuw/")
    visit(page, "/beheer/peilingen/")
    visit(page, "/beheer/peilingen/nieuw/")


def test_the_cms_runs_under_its_own_policy_without_violations(page, portal, content, editor_user):
    """Wagtail's admin is not ours to make pass axe; here it must work in Dutch, with no CSP violation and no request
    to another origin."""
    login(page, editor_user, mfa=False)
    page.goto("/cms/")
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.goto(f"/cms/pages/{content['knowledge'].pk}/edit/")
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Geschenken en uitnodigingen")
    expect(page.get_by_role("button", name="Bewaar concept")).to_be_visible()
    # An editor cannot publish; they submit the page to the editorial workflow.
    page.get_by_role("button", name="Meer acties").click()
    expect(page.get_by_role("button", name="Redactionele controle")).to_be_visible()
    expect(page.get_by_role("button", name="Publiceren")).to_have_count(0)
    page.keyboard.press("Escape")
    # The live preview panel frames our page inside the CMS: no CSP or framing error.
    page.get_by_role("button", name="Toon/verberg voorvertoning").click()
    frame = page.frame_locator("#w-preview-iframe")
    expect(frame.get_by_role("heading", level=1)).to_contain_text("Geschenken en uitnodigingen")
    assert_no_external_requests(page)
    assert_no_console_errors(page)
    monitor(page).clear()  # Wagtail's own pages are not checked with axe here
