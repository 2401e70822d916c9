"""Moral deliberation in a real browser: a whole session with a facilitator, two participants on their own devices
and the projected screen (htmx polling), the join messages, the pages without JavaScript, and axe on every page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.selectors import employee_for
from plein.deliberation import services
from plein.deliberation.models import Session
from plein.deliberation.tests.factories import (
    EntryFactory,
    FacilitatorFactory,
    RequestFactory,
    SessionFactory,
    facilitator_user,
    held,
    light_variant,
    participant,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH = {"locale": "en-GB"}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "en-GB"}
LIVE = 6_000  # the projected screen polls every 2 seconds: anything added shows within a few seconds


def settle(page):
    page.wait_for_load_state("networkidle")


@pytest.fixture
def cast(make_user, organisation):
    lead, facilitator = facilitator_user(make_user, organisation)
    anna = make_user(first_name="Anna", last_name="Visser")
    bram = make_user(first_name="Bram", last_name="Smit")
    session = SessionFactory(
        organisation=organisation,
        facilitators=[facilitator],
        method_version=light_variant(organisation),
        title="Teamoverleg: demonstreren",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    participant(session, anna, joined=False)
    return {"lead": lead, "anna": anna, "bram": bram, "session": session}


def join(page, code: str):
    from plein.core.tests.browser import visit

    visit(page, reverse("deliberation:join"))
    page.locator("#id_code").fill(code)
    page.locator("form.deliberation-join button[type=submit]").click()
    settle(page)


def test_a_whole_session_with_two_participants_and_the_projected_screen(new_page, cast):
    from playwright.sync_api import expect

    from plein.core.tests.browser import assert_accessible, assert_no_problems, login, visit

    session = cast["session"]
    lead = new_page(**ENGLISH)
    login(lead, cast["lead"])
    visit(lead, reverse("deliberation:workspace", args=[session.pk]))
    lead.get_by_role("button", name="Start the session").first.click()
    settle(lead)
    code = lead.locator(".deliberation-code__value").inner_text().strip()
    assert len(code) == 6

    # Step 1: the dilemma, recorded by the facilitator with the normal form.
    lead.locator("#id_dilemma-question").fill("Ga je demonstreren tegen het besluit van je eigen provincie?")
    lead.locator("#id_dilemma-option_a").fill("Ik ga demonstreren, als burger")
    lead.locator("#id_dilemma-option_b").fill("Ik ga niet, ik werk aan het dossier")
    lead.get_by_role("button", name="Save the dilemma").click()
    settle(lead)
    lead.get_by_role("button", name="Next step").click()
    settle(lead)

    # The projected screen, in its own browser context (the beamer's laptop).
    screen = new_page(**ENGLISH)
    login(screen, cast["lead"])
    visit(screen, reverse("deliberation:projection", args=[session.pk]))
    live = screen.locator("#screen")
    expect(live).to_contain_text("Step 2 of 5")
    expect(live).to_contain_text("Nothing has been recorded at this step yet.")
    expect(live.locator(".deliberation-screen__codevalue")).to_have_text(code)

    # Two participants join on their own phone and add stakeholders.
    anna = new_page(**PHONE)
    login(anna, cast["anna"])
    join(anna, code.lower())
    expect(anna.get_by_role("heading", level=1)).to_have_text(session.title)
    expect(anna.locator("#now")).to_contain_text("step 2 of 5")
    anna.locator("#id_stakeholder-name").fill("Inwoners van het dorp")
    anna.locator("#id_stakeholder-interests").fill("Een onpartijdige provincie")
    anna.get_by_role("button", name="Add stakeholder").click()
    settle(anna)
    assert anna.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing sticks out on a phone

    bram = new_page(**ENGLISH)
    login(bram, cast["bram"])
    join(bram, code)
    bram.locator("#id_stakeholder-name").fill("Collega's in het team")
    bram.get_by_role("button", name="Add stakeholder").click()
    settle(bram)

    expect(live).to_contain_text("Inwoners van het dorp", timeout=LIVE)
    expect(live).to_contain_text("Collega's in het team", timeout=LIVE)
    expect(live).not_to_contain_text("Nothing has been recorded")
    assert_accessible(screen)

    # A second join with the same code: a clear message, and back to the session.
    join(bram, code)
    expect(bram.get_by_role("status").first).to_contain_text("You have already joined this session")
    expect(bram.get_by_role("heading", level=1)).to_have_text(session.title)

    # Step 3: the facilitator moves on; the screen and the participants' devices follow without reloading.
    lead.reload()
    lead.get_by_role("button", name="Next step").click()
    settle(lead)
    expect(live).to_contain_text("Step 3 of 5", timeout=LIVE)
    expect(anna.locator("#now")).to_contain_text("step 3 of 5", timeout=LIVE)
    anna.locator("#id_option-text").fill("Eerst overleggen met mijn leidinggevende")
    anna.get_by_role("button", name="Add option").click()
    settle(anna)
    expect(live).to_contain_text("Eerst overleggen met mijn leidinggevende", timeout=LIVE)

    # Step 4: each participant records an argued choice.
    lead.get_by_role("button", name="Next step").click()
    settle(lead)
    expect(live).to_contain_text("Step 4 of 5", timeout=LIVE)
    for page, option, value in (
        (anna, "Eerst overleggen met mijn leidinggevende", "zorgvuldigheid"),
        (bram, "Ik ga demonstreren, als burger", "vrijheid van meningsuiting"),
    ):
        page.reload()
        page.get_by_label(option).check()
        page.locator("#id_choice-because").fill(value)
        page.locator("#id_choice-despite").fill("het ongemak")
        page.get_by_role("button", name="Save my choice").click()
        settle(page)
    expect(live).to_contain_text("zorgvuldigheid", timeout=LIVE)
    expect(live).to_contain_text("vrijheid van meningsuiting", timeout=LIVE)
    expect(live).to_contain_text("Bram")

    # The weighing, by the facilitator; the screen draws the chart with its text version.
    lead.reload()
    matrix = lead.locator("#capture-weging form")
    for select in matrix.locator("select[name^='matrix-c_']").all():
        select.select_option("1")
    matrix.locator("select[name^='matrix-c_']").first.select_option("-2")
    matrix.get_by_role("button", name="Save the weighing").click()
    settle(lead)
    expect(live.locator("svg[role=img]")).to_be_visible(timeout=LIVE)
    expect(live.locator("table.deliberation-matrix")).to_be_visible()
    assert_accessible(screen)
    assert_accessible(lead)

    # Close: the participants get the record and the PDF.
    lead.get_by_role("button", name="Close the session").last.click()
    settle(lead)
    expect(live).to_contain_text("Thank you for taking part", timeout=LIVE)
    anna.reload()
    expect(anna.get_by_role("link", name="Download the record (PDF)")).to_be_visible()
    expect(anna.locator(".deliberation-record")).to_contain_text("Inwoners van het dorp")
    assert Session.objects.get(pk=session.pk).participant_count == 2
    for page in (lead, screen, anna, bram):
        assert_no_problems(page)


def test_wrong_and_expired_codes_get_a_clear_message(new_page, cast):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login

    session = services.start_session(actor=cast["lead"], session=cast["session"])
    page = new_page(**ENGLISH)
    login(page, cast["bram"])
    join(page, "WRONG9")
    expect(page.locator("#id_code_errors")).to_contain_text("This code is not known")
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    Session.objects.filter(pk=session.pk).update(join_code_expires_at=timezone.now() - timedelta(minutes=1))
    join(page, session.join_code)
    expect(page.locator("#id_code_errors")).to_contain_text("This code has expired")


def test_the_facilitator_records_without_javascript(new_page, cast):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    session = services.start_session(actor=cast["lead"], session=cast["session"])
    services.go_to_step(actor=cast["lead"], session=session, number=2)
    page = new_page(java_script_enabled=False, **ENGLISH)
    login(page, cast["lead"])
    visit(page, reverse("deliberation:workspace", args=[session.pk]))
    expect(page.get_by_role("status").first).to_contain_text("Nothing has been recorded at this step yet")
    page.locator("#id_stakeholder-name").fill("De provincie als werkgever")
    page.locator("#id_stakeholder-rights").fill("Loyaliteit van medewerkers")
    page.get_by_role("button", name="Add stakeholder").click()
    expect(page.locator("#capture-betrokkenen")).to_contain_text("De provincie als werkgever")
    page.get_by_role("button", name="Next step").click()
    expect(page.get_by_role("heading", level=2, name="Step 3 of 5: Welke argumenten zijn er?")).to_be_visible()
    visit(page, reverse("deliberation:projection", args=[session.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welke argumenten zijn er?")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()

    member = new_page(java_script_enabled=False, **PHONE)
    login(member, cast["anna"])
    join(member, session.join_code)
    member.locator("#id_option-text").fill("Alleen in het weekend demonstreren")
    member.get_by_role("button", name="Add option").click()
    expect(member.get_by_role("status").first).to_be_visible()


def test_every_page_passes_axe(new_page, organisation, make_user, cast):
    """Every page of the app, in Dutch (the default), with data on it."""
    from plein.core.tests.browser import login, visit

    ic = make_user(R.INTEGRITY_COORDINATOR)
    session = cast["session"]
    services.start_session(actor=cast["lead"], session=session)
    services.record_dilemma(
        actor=cast["lead"], session=session, question="Wat doe je?", option_a="A doen", option_b="B doen"
    )
    services.add_stakeholder(actor=cast["lead"], session=session, name="Inwoners", interests="Vertrouwen")
    request = RequestFactory(organisation=organisation, requester=employee_for(cast["anna"]), requested_by=cast["anna"])
    old = SessionFactory(organisation=organisation, facilitators=list(session.facilitators.all()))
    participant(old, cast["anna"])
    held(old)
    entry = EntryFactory(organisation=organisation, use_at_ceremonies=True)
    services.choose_dilemma_of_the_month(actor=ic, entry=entry, month=timezone.localdate())
    proposal = EntryFactory(organisation=organisation, status="voorgesteld", number=None, proposed_by=cast["lead"])
    facilitator = FacilitatorFactory(organisation=organisation)
    method = session.method_version

    page = new_page()
    login(page, ic)
    for path in (
        reverse("deliberation:index"),
        reverse("deliberation:request_list"),
        reverse("deliberation:request_detail", args=[request.pk]),
        reverse("deliberation:request_create"),
        reverse("deliberation:facilitator_list"),
        reverse("deliberation:facilitator_edit", args=[facilitator.pk]),
        reverse("deliberation:method_list"),
        reverse("deliberation:method_detail", args=[method.pk]),
        reverse("deliberation:method_create"),
        reverse("deliberation:method_change", args=[method.pk]),
        reverse("deliberation:session_list"),
        reverse("deliberation:session_create"),
        reverse("deliberation:session_plan", args=[session.pk]),
        reverse("deliberation:library"),
        reverse("deliberation:library_entry", args=[entry.pk]),
        reverse("deliberation:library_new"),
        reverse("deliberation:library_review", args=[proposal.pk]),
        reverse("deliberation:monthly"),
        reverse("deliberation:figures"),
        reverse("deliberation:join"),
    ):
        visit(page, path)

    lead = new_page()
    login(lead, cast["lead"])
    for path in (
        reverse("deliberation:workspace", args=[session.pk]),
        reverse("deliberation:projection", args=[session.pk]),
        reverse("deliberation:workspace", args=[old.pk]),
        reverse("deliberation:propose", args=[old.pk]),
    ):
        visit(lead, path)

    member = new_page(**PHONE)
    login(member, cast["anna"])
    for path in (
        reverse("deliberation:participate", args=[session.pk]),
        reverse("deliberation:participate", args=[old.pk]),
        reverse("deliberation:monthly"),
    ):
        visit(member, path)
