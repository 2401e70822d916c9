"""The whole-page cache of the start page and the portal home (plein.core.pagecache, issue 12).

The start page's items come from a provider registered for these tests that counts its calls, so a test can tell a
page that was rendered from one that was served from the cache.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from plein.core import pagecache
from plein.core import roles as R
from plein.core.registry import StartPageItem, start_page_items
from plein.core.tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache(settings):
    settings.PLEIN_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def renders(monkeypatch):
    """Counts the start page's renders; each render shows its number and the person's e-mail address."""
    calls = []

    def provider(request):
        calls.append(request.user.email)
        return [StartPageItem(title=f"Render {len(calls)} for {request.user.email}", url="/")]

    monkeypatch.setattr(start_page_items, "_providers", [provider])
    return calls


def start(client) -> str:
    response = client.get(reverse("core:start"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_start_page_is_served_from_the_cache_until_someone_changes_something(client, employee_user, renders):
    client.force_login(employee_user)
    assert "Render 1 for" in start(client)
    assert "Render 1 for" in start(client)
    assert len(renders) == 1

    other = Client()
    changed = other.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert changed.status_code == 302
    assert "Render 2 for" in start(client)
    assert len(renders) == 2


def test_a_refused_change_keeps_the_cached_copy(client, employee_user, renders):
    client.force_login(employee_user)
    start(client)
    refused = Client(enforce_csrf_checks=True).post(reverse("set_language"), {"language": "en", "next": "/"})
    assert refused.status_code == 403
    start(client)
    assert len(renders) == 1


def test_everyone_gets_their_own_copy(make_user, renders):
    first, second = make_user(), make_user()
    one, two = Client(), Client()
    one.force_login(first)
    two.force_login(second)
    assert f"for {first.email}" in start(one)
    assert f"for {second.email}" in start(two)
    assert f"for {first.email}" in start(one)
    assert f"for {second.email}" not in start(one)
    assert len(renders) == 2


def test_a_new_session_gets_a_new_copy(client, employee_user, renders):
    client.force_login(employee_user)
    start(client)
    client.logout()
    client.force_login(employee_user)
    assert "Render 2 for" in start(client)


def test_the_access_checks_still_run_on_every_request(client, organisation, employee_user, renders, settings):
    client.force_login(employee_user)
    start(client)
    # A role that needs a second factor, given after the copy was made: the copy is not served, MFA comes first.
    settings.PLEIN_MFA_OPTIONAL = False
    RoleAssignmentFactory(organisation=organisation, user=employee_user, role=R.HR)
    response = client.get(reverse("core:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_index"))
    client.logout()
    assert client.get(reverse("core:start")).status_code == 302
    assert len(renders) == 1


def test_no_copy_is_served_or_kept_while_there_are_messages(client, employee_user, renders):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    client.force_login(employee_user)
    start(client)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.INFO, "Gelukt")])
    page = start(client)
    assert "Gelukt" in page and "Render 2 for" in page
    after = start(client)  # the earlier copy again: the page with the message was not kept
    assert "Render 1 for" in after and "Gelukt" not in after
    assert len(renders) == 2


def test_switched_off_with_a_timeout_of_zero(client, employee_user, renders, settings):
    settings.PLEIN_PAGE_CACHE_SECONDS = 0
    client.force_login(employee_user)
    start(client)
    start(client)
    assert len(renders) == 2


def test_without_a_working_cache_the_page_is_rendered(client, employee_user, renders, monkeypatch):
    client.force_login(employee_user)

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(pagecache.cache, "get_many", broken)
    monkeypatch.setattr(pagecache.cache, "set", broken)
    assert "Render 1 for" in start(client)
    assert "Render 2 for" in start(client)


# --- CSRF tokens in cached pages ---------------------------------------------------------------------------------


def test_a_cached_page_gives_every_visitor_a_working_token_of_their_own():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    home = reverse("core:home")
    rendered = first.get(home)
    served = second.get(home)
    assert rendered.status_code == served.status_code == 200
    token_one = TOKEN.search(rendered.content.decode()).group(1)
    token_two = TOKEN.search(served.content.decode()).group(1)
    assert token_one != token_two
    # The second visitor's page came from the cache, with its own token and the cookie that goes with it.
    assert "csrftoken" in served.cookies
    assert pagecache.TOKEN_PLACEHOLDER in cache.get(_only_page_key())[3]
    assert token_one.encode() not in cache.get(_only_page_key())[3]
    for client, token in ((first, token_one), (second, token_two)):
        switched = client.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
        assert switched.status_code == 302
    refused = Client(enforce_csrf_checks=True)
    refused.get(home)
    assert (
        refused.post(
            reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token_one}
        ).status_code
        == 403
    )


def _only_page_key() -> str:
    keys = [key.split(":", 2)[-1] for key in cache._cache if "pagecache:home" in key]
    assert len(keys) == 1, keys
    return keys[0]


def test_without_tokens_replaces_only_the_tokens_of_this_request():
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    other = _mask_cipher_secret(_get_new_csrf_string())
    mine = _mask_cipher_secret(secret)
    lookalike = "a" * 64

    class Request:
        META = {"CSRF_COOKIE": secret, "CSRF_COOKIE_NEEDS_UPDATE": True}

    page = f'<input value="{mine}"><div hx-headers=\'{{"X-CSRFToken": "{mine}"}}\'>{other} {lookalike}</div>'
    stored = pagecache.without_tokens(Request, page.encode()).decode()
    assert mine not in stored
    assert stored.count(pagecache.TOKEN_PLACEHOLDER.decode()) == 2
    assert other in stored and lookalike in stored


def test_the_home_page_copy_is_renewed_when_a_page_is_published(client):
    from plein.portal import services
    from plein.portal.models import NewsPage

    portal = services.ensure_portal_setup()
    client.get(reverse("core:home"))
    news = NewsPage(title="Nieuw beleid voor geschenken", intro="Kort.", body=[("paragraph", "<p>Meer.</p>")])
    portal.news_index.add_child(instance=news)
    news.save_revision().publish()
    assert "Nieuw beleid voor geschenken" in client.get(reverse("core:home")).content.decode()


# --- memoised values ------------------------------------------------------------------------------------------------


def test_a_memoised_value_is_kept_per_key_until_a_change():
    calls = []

    def compute(value):
        calls.append(value)
        return value * 2

    assert pagecache.memoised("test", ("a", 1), lambda: compute(1)) == 2
    assert pagecache.memoised("test", ("a", 1), lambda: compute(1)) == 2
    assert pagecache.memoised("test", ("a", 2), lambda: compute(2)) == 4
    assert calls == [1, 2]
    pagecache.invalidate()
    assert pagecache.memoised("test", ("a", 1), lambda: compute(1)) == 2
    assert calls == [1, 2, 1]


def test_a_memoised_value_is_computed_every_time_without_a_timeout_or_a_cache(settings, monkeypatch):
    calls = []
    settings.PLEIN_PAGE_CACHE_SECONDS = 0
    pagecache.memoised("test", "k", lambda: calls.append(1))
    pagecache.memoised("test", "k", lambda: calls.append(1))
    settings.PLEIN_PAGE_CACHE_SECONDS = 60

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(pagecache.cache, "get_many", broken)
    pagecache.memoised("test", "k", lambda: calls.append(1))
    assert len(calls) == 3
