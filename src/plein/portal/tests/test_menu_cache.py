"""The menu pages are cached for every page's navigation, and forgotten when a page changes (issue 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plein.portal import selectors
from plein.portal.models import KnowledgePage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _menu_cache(settings):
    from django.core.cache import cache

    settings.PLEIN_PORTAL_MENU_CACHE_SECONDS = 300
    cache.delete(selectors.MENU_CACHE_KEY)
    yield
    cache.delete(selectors.MENU_CACHE_KEY)


def titles():
    return [page.title for page in selectors.menu_pages()]


def cost():
    with CaptureQueriesContext(connection) as ctx:
        selectors.menu_pages()
    return len(ctx.captured_queries)


def test_cached_after_the_first_call(portal):
    assert "Nieuws" in titles()
    assert cost() == 0


def test_forgotten_when_a_page_is_added_renamed_unpublished_or_deleted(portal):
    titles()
    home = selectors.home_page()
    page = home.add_child(instance=KnowledgePage(title="Over ons", slug="over-ons", show_in_menus=True, intro="x"))
    assert "Over ons" in titles()
    page.title = "Over de organisatie"
    page.save_revision().publish()
    assert "Over de organisatie" in titles() and "Over ons" not in titles()
    page.unpublish()
    assert "Over de organisatie" not in titles()
    page.save_revision().publish()
    assert "Over de organisatie" in titles()
    page.delete()
    assert "Over de organisatie" not in titles()
    assert cost() == 0
