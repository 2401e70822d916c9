import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from plein.reports import crypto, keysession, ratelimit


def _request_with_cookie(response, name):
    request = RequestFactory().get("/melden/mijn-melding/")
    request.COOKIES[name] = response.cookies[name].value
    return request


def test_reporter_session_keeps_only_ciphertext_in_the_cache(settings):
    report_key = crypto.new_key()
    response = HttpResponse()
    keysession.start_reporter_session(response, report_id=42, report_key=report_key)
    token = crypto.b64decode(response.cookies[keysession.REPORTER_COOKIE].value)
    stored = list(cache._cache.items())
    assert len(stored) == 1
    cache_key, value = stored[0]
    assert token.hex() not in cache_key and report_key.hex() not in cache_key
    raw = cache.get(cache_key.split(":", 2)[-1])
    assert raw is not None and report_key not in raw and b"42" not in raw
    access = keysession.reporter_access(_request_with_cookie(response, keysession.REPORTER_COOKIE))
    assert access == keysession.ReporterAccess(report_id=42, report_key=report_key)


def test_reporter_session_with_a_wrong_or_garbage_cookie():
    response = HttpResponse()
    keysession.start_reporter_session(response, report_id=1, report_key=crypto.new_key())
    request = RequestFactory().get("/melden/")
    for value in ("", "not base64 !!", crypto.b64encode(b"short"), crypto.b64encode(crypto.new_key())):
        request.COOKIES[keysession.REPORTER_COOKIE] = value
        assert keysession.reporter_access(request) is None


def test_cookies_are_secure_outside_development(settings):
    settings.DEBUG = False
    settings.DEMO = False
    response = HttpResponse()
    keysession.start_reporter_session(response, report_id=1, report_key=crypto.new_key())
    assert response.cookies[keysession.REPORTER_COOKIE]["secure"]
    settings.DEBUG = True
    response = HttpResponse()
    keysession.start_reporter_session(response, report_id=1, report_key=crypto.new_key())
    assert not response.cookies[keysession.REPORTER_COOKIE]["secure"]


@pytest.mark.django_db
def test_rate_limit_counts_per_client_without_storing_the_address(settings):
    settings.PLEIN = {**settings.PLEIN, "REPORTS_RECEIPT_MAX_FAILURES": 2}
    limit = ratelimit.receipt_limit()
    one = RequestFactory().post("/", REMOTE_ADDR="198.51.100.1")
    two = RequestFactory().post("/", REMOTE_ADDR="198.51.100.2")
    ratelimit.hit(one, limit)
    ratelimit.hit(one, limit)
    assert ratelimit.exceeded(one, limit) and not ratelimit.exceeded(two, limit)
    for key in cache._cache:
        assert "198.51.100" not in key


def test_client_address_header_behind_a_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    assert ratelimit.client_address(request) == "127.0.0.1"
    settings.PLEIN = {**settings.PLEIN, "REPORTS_CLIENT_ADDRESS_HEADER": "HTTP_X_FORWARDED_FOR"}
    assert ratelimit.client_address(request) == "10.0.0.1"
