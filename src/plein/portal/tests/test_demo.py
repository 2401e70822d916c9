"""The portal's demo content: pages, news from the seed, the flagged 2019 codes, campaigns and polls."""

import random
from datetime import date

import pytest
from django.utils import timezone

from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory, OrganisationFactory, RoleAssignmentFactory, UserFactory
from plein.portal import demo, selectors
from plein.portal.models import (
    Acknowledgement,
    HomePage,
    KnowledgePage,
    NewsPage,
    PolicyVersion,
    Poll,
    PortalSettings,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 28)


@pytest.fixture
def loaded(organisation):
    for _ in range(20):
        EmployeeFactory(organisation=organisation, start_date=date(2015, 1, 1))
    for email, role in ((demo.EDITOR_EMAIL, R.EDITOR), (demo.IC_EMAIL, R.INTEGRITY_COORDINATOR)):
        user = UserFactory(email=email)
        EmployeeFactory(organisation=organisation, user=user, start_date=date(2015, 1, 1))
        RoleAssignmentFactory(organisation=organisation, user=user, role=role)
    demo.load(organisation, rng=random.Random(1), today=TODAY)
    return organisation


def test_pages_and_news_from_the_seed(loaded):
    home = HomePage.objects.get()
    assert [block.block_type for block in home.sections][:3] == ["highlights", "todos", "reporting"]
    titles = set(KnowledgePage.objects.live().values_list("title", flat=True))
    assert {"Ambtseed en belofte", "Nevenfuncties", "Geschenken en uitnodigingen", "Moreel beraad"} <= titles
    assert {"Een vermoeden van een misstand melden", "Wat is integriteit?"} <= titles
    news = {n.slug: n for n in NewsPage.objects.all()}
    assert news["de-integriteit-show"].date == date(2024, 4, 12) and "11 april" in news["de-integriteit-show"].intro
    assert "4 juli" in news["uitnodiging-demonstreren"].intro
    assert {n.date.year for n in news.values()} >= {2024, 2025, 2026}
    # One item is scheduled (scheduled publishing), one knowledge page waits in the editorial workflow.
    assert not news["anticorruptiedag"].live and news["anticorruptiedag"].go_live_at.date() > TODAY
    draft = KnowledgePage.objects.get(slug="nieuwe-gedragscode")
    assert not draft.live
    assert draft.workflow_in_progress
    assert draft.current_workflow_task.name == "Review by the integrity coordinator"


def test_the_2019_codes_are_flagged_for_review(loaded):
    flagged = {v.document.title for v in selectors.overdue_reviews(loaded, today=TODAY)}
    assert flagged == {"Gedragscode integriteit CvdK en GS", "Gedragscode Ambtelijke Integriteit"}
    plan = PolicyVersion.objects.get(document__title="Integriteitsplan", status=PolicyVersion.Status.IN_FORCE)
    assert not plan.review_overdue(TODAY)
    assert all(v.file is not None for v in PolicyVersion.objects.exclude(status=PolicyVersion.Status.DRAFT))
    assert bytes(PolicyVersion.objects.filter(file__isnull=False).first().file.file.read()).startswith(b"%PDF-1.4")


def test_campaigns_polls_and_dilemma(loaded):
    assert len(selectors.open_campaigns(loaded)) == 1
    assert Acknowledgement.objects.exists()
    open_polls = [
        p
        for p in Poll.objects.filter(organisation=loaded)
        if p.is_open(timezone.make_aware(timezone.datetime(2026, 11, 28, 12)))
    ]
    assert len(open_polls) == 1
    assert Poll.objects.filter(organisation=loaded).count() == 3
    assert PortalSettings.load().dilemma_title


def test_loading_again_replaces_the_pages(loaded):
    other = OrganisationFactory(slug="ander", name="Ander")
    demo.load(other, rng=random.Random(1), today=TODAY)
    assert NewsPage.objects.filter(slug="de-integriteit-show").count() == 1
    assert KnowledgePage.objects.filter(slug="kennisbank").count() == 1
    assert HomePage.objects.count() == 1
