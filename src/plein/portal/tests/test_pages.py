"""The page types render, the home page is the site root, and the portal's pages are readable without logging in."""

import pytest
from django.urls import reverse

from plein.portal.models import HomePage
from plein.portal.services import ensure_portal_setup

pytestmark = pytest.mark.django_db


def test_home_is_the_site_root_and_core_home(client, portal, organisation):
    assert reverse("core:home") == "/"
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "portal/home_page.html"
    assert response.context["page"].pk == portal.home.pk
    assert "Integriteitsplein" in response.content.decode()


def test_home_works_before_the_portal_is_set_up(client, organisation):
    HomePage.objects.all().delete()
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Provincie Testland" in response.content.decode()


def test_setup_is_idempotent(portal):
    again = ensure_portal_setup()
    assert again.created == []
    assert again.home.pk == portal.home.pk
    assert HomePage.objects.count() == 1


def test_knowledge_page_renders_its_blocks(client, make_knowledge):
    page = make_knowledge("Geschenken en uitnodigingen")
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Geschenken en uitnodigingen" in html
    assert "Wat zijn de regels?" in html
    assert "50 euro" in html


def test_news_index_and_item(client, portal, make_news):
    item = make_news("De Integriteit Show")
    response = client.get(portal.news_index.url)
    assert response.status_code == 200
    assert "De Integriteit Show" in response.content.decode()
    response = client.get(item.url)
    assert response.status_code == 200
    assert "Meer informatie over dit bericht." in response.content.decode()


def test_page_address_without_slash_redirects(client, make_knowledge):
    page = make_knowledge("Moreel beraad")
    response = client.get(page.url.rstrip("/") + "?x=1")
    assert response.status_code == 301
    assert response["Location"] == page.url + "?x=1"


def test_unknown_page_is_404(client, portal):
    assert client.get("/bestaat-niet/").status_code == 404


def test_editors_preview_the_home_page_in_the_cms(client, portal, editor_user):
    client.force_login(editor_user)
    response = client.get(f"/cms/pages/{portal.home.pk}/view_draft/")
    assert response.status_code == 200
    assert "Integriteitsplein" in response.content.decode()
    # Served inside the CMS, framed by the editor's preview panel.
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_search_finds_knowledge_pages(client, make_knowledge):
    make_knowledge("Nevenfuncties", intro="Werk je ook buiten de provincie?")
    response = client.get("/zoeken/", {"q": "nevenfuncties"})
    assert response.status_code == 200
    assert "Nevenfuncties" in response.content.decode()
    assert "Nothing found" in client.get("/zoeken/", {"q": "xyzzy"}).content.decode()
