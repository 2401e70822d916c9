"""Logging in: local accounts, single sign-on (OIDC), rate limits, sessions, and what bad input gets back.

Everything goes through django-allauth's real views; only the identity provider's discovery document is replaced,
so that no test talks to the network.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from plein.core import roles as R

PASSWORD = "correct horse battery staple"  # the factories' password
SRC = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps its rate limits in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def run_settings(env: dict, *names: str) -> subprocess.CompletedProcess:
    """Import plein.settings in a fresh interpreter with exactly ``env`` and print the named settings as JSON."""
    code = (
        "import json, plein.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(SRC), "PLEIN_ROOT": str(SRC.parent)}
    return subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True, timeout=60)


def settings_json(env: dict, *names: str) -> dict:
    result = run_settings(env, *names)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION_ENV = {
    "PLEIN_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "integriteit.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


# --- local login -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_dutch_by_default_and_the_language_switch_works(client):
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    body = page.content.decode()
    assert '<html lang="nl"' in body
    assert ">Wachtwoord<" in body  # allauth's label, in Dutch
    switched = client.post(reverse("set_language"), {"language": "en", "next": reverse("account_login")})
    assert switched.status_code == 302
    assert switched["Location"] == reverse("account_login")
    body = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en"' in body
    assert ">Password<" in body
    # and back to Dutch
    client.post(reverse("set_language"), {"language": "nl", "next": reverse("account_login")})
    assert '<html lang="nl"' in client.get(reverse("account_login")).content.decode()


@pytest.mark.django_db
def test_login_page_uses_our_layout_and_offers_no_sign_up(client):
    body = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<body class="[^"]*\bplein-body\b', body)  # base.html
    assert 'class="utrecht-heading-1"' in body
    assert 'class="utrecht-button utrecht-button--primary-action"' in body
    assert reverse("account_signup") not in body
    # every label belongs to a field
    for field_id in re.findall(r'<label class="utrecht-form-label[^"]*" for="([^"]+)"', body):
        assert f'id="{field_id}"' in body


@pytest.mark.django_db
def test_local_login_with_email_and_password(client, employee_user):
    response = client.post(reverse("account_login"), {"login": employee_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:start")
    assert client.get(reverse("core:start")).status_code == 200


@pytest.mark.django_db
def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
    client.post(reverse("account_signup"), {"email": "new@example.org", "password1": "a-new-long-password-1"})
    assert not apps.get_model("core", "User").objects.filter(email="new@example.org").exists()


@pytest.mark.django_db
def test_wrong_password_gives_a_clear_error(client, employee_user):
    response = client.post(
        reverse("account_login"), {"login": employee_user.email, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'role="alert">\s*<p class="utrecht-paragraph">The email address and/or password', body)


@pytest.mark.django_db
def test_field_errors_are_linked_to_their_field(client):
    body = client.post(reverse("account_login"), {"login": "not an address", "password": ""}).content.decode()
    for name in ("login", "password"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', body).group(0)
        assert 'aria-invalid="true"' in field
        described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
        assert f"id_{name}_error" in described
        assert f'id="id_{name}_error"' in body


@pytest.mark.django_db
def test_logout_asks_for_confirmation_and_logs_out(client, employee_user):
    client.force_login(employee_user)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200  # ACCOUNT_LOGOUT_ON_GET is off: a GET only asks
    assert client.get(reverse("core:start")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:start")).status_code == 302


@pytest.mark.django_db
def test_password_reset_mail_goes_to_the_configured_backend_and_the_link_works(client, employee_user):
    response = client.post(reverse("account_reset_password"), {"email": employee_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [employee_user.email]
    link = re.search(r"https?://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new_password = "a brand new long passphrase 2024"
    done = client.post(action, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    employee_user.refresh_from_db()
    assert employee_user.check_password(new_password)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # same answer as for a known address (ACCOUNT_PREVENT_ENUMERATION)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,logged_in",
    [
        ("account_login", False),
        ("account_signup", False),
        ("account_reset_password", False),
        ("account_reset_password_done", False),
        ("account_reset_password_from_key_done", False),
        ("account_inactive", False),
        ("socialaccount_login_cancelled", False),
        ("socialaccount_login_error", False),
        ("account_logout", True),
        ("account_change_password", True),
        ("account_email", True),
        ("account_reauthenticate", True),
        ("socialaccount_connections", True),
        ("mfa_index", True),
    ],
)
def test_every_allauth_page_uses_our_layout(client, employee_user, name, logged_in):
    if logged_in:
        client.force_login(employee_user)
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 401), name  # the "login error" page is a 401
    body = response.content.decode()
    assert re.search(r'<body class="[^"]*\bplein-body\b', body), name
    assert '<h1 class="utrecht-heading-1">' in body, name
    assert "<strong>Menu:</strong>" not in body  # allauth's bare layout
    assert " style=" not in body
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert ' src="/static/' in tag or 'type="application/json"' in tag, (name, tag)


# --- rate limit and lock-out -------------------------------------------------------------------------------------


def _all_stored_text() -> str:
    """Every text value in every table of the database, as one string."""
    chunks = []
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.proxy or model._meta.db_table not in tables:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if not isinstance(f, models.BinaryField)]
        for row in model._default_manager.values_list(*fields):
            chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks)


@pytest.mark.django_db
def test_sixth_failed_login_for_one_account_is_refused_even_with_the_right_password(employee_user):
    client = Client(REMOTE_ADDR="203.0.113.77", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": employee_user.email, "password": "wrong"})
        assert "The email address and/or password" in response.content.decode()
    response = client.post(reverse("account_login"), {"login": employee_user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    # Another account from the same place is not locked out.
    other = apps.get_model("core", "User").objects.create_user(email="other@example.org", password=PASSWORD)
    response = client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_lock_out_message_is_dutch_by_default(employee_user):
    client = Client(REMOTE_ADDR="203.0.113.78")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": employee_user.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": employee_user.email, "password": PASSWORD})
    assert "Te veel inlogpogingen" in response.content.decode()


@pytest.mark.django_db
def test_rate_limits_store_no_ip_address_in_the_database_or_the_cache(employee_user):
    address = "203.0.113.79"
    client = Client(REMOTE_ADDR=address)
    for _ in range(7):
        client.post(reverse("account_login"), {"login": employee_user.email, "password": "wrong"})
    client.post(reverse("account_login"), {"login": employee_user.email, "password": PASSWORD})
    assert address not in _all_stored_text()
    # The rate-limit counters are keyed on a keyed hash of the address, not the address itself.
    keys = list(cache._cache.keys())  # LocMemCache in tests
    assert any(":ip:" in key for key in keys)
    assert not any(address in key for key in keys)


@pytest.mark.django_db
def test_too_many_requests_get_a_clear_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    assert response.status_code == 429
    assert 'class="utrecht-heading-1"' in response.content.decode()  # our page, not a bare one


@pytest.mark.django_db
def test_rate_limits_count_the_client_behind_a_trusted_proxy(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    for _ in range(2):
        assert first.post(reverse("account_login"), {"login": "a@example.org", "password": "x"}).status_code == 200
    assert first.post(reverse("account_login"), {"login": "a@example.org", "password": "x"}).status_code == 429
    # Another client behind the same load balancer is not blocked.
    assert second.post(reverse("account_login"), {"login": "a@example.org", "password": "x"}).status_code == 200


# --- bad input: forged CSRF, tampered session --------------------------------------------------------------------


@pytest.mark.django_db
def test_forged_csrf_token_on_login_gets_403_and_a_clear_page(employee_user):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.get(reverse("account_login"))  # sets the CSRF cookie
    assert settings.CSRF_COOKIE_NAME in client.cookies
    response = client.post(
        reverse("account_login"),
        {"login": employee_user.email, "password": PASSWORD, "csrfmiddlewaretoken": "forged" * 8},
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form has expired" in body
    assert 'class="utrecht-heading-1"' in body
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_login_without_csrf_cookie_gets_403(employee_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": employee_user.email, "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_login_with_a_valid_csrf_token_works(employee_user):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("account_login"), {"login": employee_user.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda key: key[:-1] + ("a" if key[-1] != "a" else "b"),  # one character changed
        lambda key: "0" * len(key),
        lambda key: "../../etc/passwd",
        lambda key: "x" * 5000,
        lambda key: "",
    ],
    ids=["one-char", "zeros", "path", "huge", "empty"],
)
def test_tampered_session_cookie_means_logged_out_never_an_error(client, employee_user, tamper):
    client.force_login(employee_user)
    assert client.get(reverse("core:start")).status_code == 200
    client.cookies[settings.SESSION_COOKIE_NAME] = tamper(client.cookies[settings.SESSION_COOKIE_NAME].value)
    response = client.get(reverse("core:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("account_login")).status_code == 200
    # and one can simply log in again
    response = client.post(reverse("account_login"), {"login": employee_user.email, "password": PASSWORD})
    assert response.status_code == 302


# --- single sign-on (OpenID Connect) ------------------------------------------------------------------------------

OIDC_ENV = {
    "PLEIN_ENV": "test",
    "OIDC_SERVER_URL": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "OIDC_CLIENT_ID": "11111111-2222-3333-4444-555555555555",
    "OIDC_CLIENT_SECRET": "not-a-real-secret",
    "OIDC_PROVIDER_ID": "entra",
    "OIDC_NAME": "Microsoft Entra ID",
    "OIDC_VERIFIED_EMAIL_DOMAINS": "example.org, provincie.example",
    "DATABASE_URL": "sqlite:///:memory:",
}
DISCOVERY = {
    "issuer": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "authorization_endpoint": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/authorize",
    "token_endpoint": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token",
    "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
    "jwks_uri": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/discovery/v2.0/keys",
}


@pytest.fixture(scope="module")
def oidc_settings():
    """The settings that OIDC_* environment variables produce, read from a fresh import of plein.settings."""
    return settings_json(OIDC_ENV, "SOCIALACCOUNT_PROVIDERS", "CONTENT_SECURITY_POLICY")


@pytest.fixture
def oidc(settings, oidc_settings):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_settings["SOCIALACCOUNT_PROVIDERS"]
    with mock.patch.object(OpenIDConnectOAuth2Adapter, "openid_config", new=DISCOVERY):
        yield oidc_settings


def test_oidc_is_configured_from_the_environment_only(oidc_settings):
    app = oidc_settings["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "entra"
    assert app["name"] == "Microsoft Entra ID"
    assert app["client_id"] == OIDC_ENV["OIDC_CLIENT_ID"]
    assert app["secret"] == OIDC_ENV["OIDC_CLIENT_SECRET"]
    assert app["settings"]["server_url"] == OIDC_ENV["OIDC_SERVER_URL"]
    assert app["settings"]["verified_email"] == ["example.org", "provincie.example"]
    form_action = oidc_settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"]
    assert "https://login.microsoftonline.com" in form_action
    # without OIDC_SERVER_URL there is no provider
    assert settings_json({"PLEIN_ENV": "test"}, "SOCIALACCOUNT_PROVIDERS")["SOCIALACCOUNT_PROVIDERS"] == {}


@pytest.mark.django_db
def test_login_page_has_no_sso_button_without_configuration(client):
    body = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-provider" not in body
    assert "/accounts/oidc/" not in body
    assert "Log in with your e-mail address and password." in body


@pytest.mark.django_db
def test_login_page_shows_the_sso_button_when_configured(client, oidc):
    body = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', body, re.S)
    assert form is not None
    assert form.group(1).startswith("/accounts/oidc/entra/login/")
    assert "csrfmiddlewaretoken" in form.group(2)
    assert "Log in with Microsoft Entra ID" in form.group(2)


@pytest.mark.django_db
def test_sso_login_redirects_to_the_identity_provider_with_state_and_pkce(client, oidc):
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "entra"}) + "?process=login")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == DISCOVERY["authorization_endpoint"]
    query = parse_qs(target.query)
    assert query["client_id"] == [OIDC_ENV["OIDC_CLIENT_ID"]]
    assert query["state"][0]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/entra/login/callback/"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?code=abc&state=not-the-state-we-sent", "?code=abc", "?state=&code=abc", "?code=abc&state=" + "x" * 3000],
    ids=["wrong-state", "missing-state", "empty-state", "huge-state"],
)
def test_sso_callback_with_a_wrong_or_missing_state_gets_a_clear_4xx_page(client, oidc, query):
    # Start a real login first, so that the session holds a genuine state that the callback must match.
    client.post(reverse("openid_connect_login", kwargs={"provider_id": "entra"}) + "?process=login")
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "entra"})
    with mock.patch.object(OpenIDConnectOAuth2Adapter, "get_access_token_data") as token_request:
        response = client.get(callback + query, HTTP_ACCEPT_LANGUAGE="en")
    token_request.assert_not_called()  # nothing is exchanged with the identity provider
    assert response.status_code == 401
    body = response.content.decode()
    assert "Logging in with single sign-on did not work" in body
    assert reverse("account_login") in body
    assert 'class="utrecht-heading-1"' in body
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_sso_callback_with_the_right_state_but_an_error_from_the_provider_is_not_a_500(client, oidc):
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "entra"}) + "?process=login")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "entra"})
    response = client.get(f"{callback}?state={state}&error=server_error", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "Logging in with single sign-on did not work" in response.content.decode()


# --- production start-up checks and cookie flags -------------------------------------------------------------------


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {**PRODUCTION_ENV, "PLEIN_VAR_DIR": str(tmp_path)}
    del env["SECRET_KEY"]
    result = run_settings(env, "SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY is required when PLEIN_ENV=production" in result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path):
    result = run_settings({**PRODUCTION_ENV, "PLEIN_VAR_DIR": str(tmp_path), "DEBUG": "1"}, "DEBUG")
    assert result.returncode != 0
    assert "DEBUG must be off when PLEIN_ENV=production" in result.stderr


@pytest.mark.parametrize("cookie", ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"])
def test_production_refuses_to_start_with_insecure_cookies(tmp_path, cookie):
    result = run_settings({**PRODUCTION_ENV, "PLEIN_VAR_DIR": str(tmp_path), cookie: "0"}, cookie)
    assert result.returncode != 0
    assert "Insecure cookies are refused when PLEIN_ENV=production" in result.stderr


def test_production_refuses_to_switch_mfa_off(tmp_path):
    result = run_settings({**PRODUCTION_ENV, "PLEIN_VAR_DIR": str(tmp_path), "PLEIN_DEMO_MFA_OPTIONAL": "1"}, "DEBUG")
    assert result.returncode != 0
    assert "PLEIN_DEMO_MFA_OPTIONAL may only be set in the demo" in result.stderr


def test_production_session_and_cookie_settings_are_secure(tmp_path):
    values = settings_json(
        {**PRODUCTION_ENV, "PLEIN_VAR_DIR": str(tmp_path)},
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "SESSION_COOKIE_AGE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "LANGUAGE_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "ACCOUNT_SESSION_REMEMBER",
        "PLEIN_MFA_OPTIONAL",
        "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN",
    )
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_COOKIE_AGE": 8 * 60 * 60,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "ACCOUNT_SESSION_REMEMBER": False,
        "PLEIN_MFA_OPTIONAL": False,
        "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": False,
    }


def test_mfa_can_be_switched_off_only_explicitly_and_only_in_the_demo(tmp_path):
    demo = {"PLEIN_ENV": "demo", "PLEIN_VAR_DIR": str(tmp_path), "DATABASE_URL": "sqlite:///:memory:"}
    assert settings_json(demo, "PLEIN_MFA_OPTIONAL") == {"PLEIN_MFA_OPTIONAL": False}
    switched_off = {**demo, "PLEIN_DEMO_MFA_OPTIONAL": "1"}
    assert settings_json(switched_off, "PLEIN_MFA_OPTIONAL") == {"PLEIN_MFA_OPTIONAL": True}
    dev = {"PLEIN_ENV": "dev", "PLEIN_VAR_DIR": str(tmp_path), "PLEIN_DEMO_MFA_OPTIONAL": "1"}
    result = run_settings(dev, "PLEIN_MFA_OPTIONAL")
    assert result.returncode != 0
    assert "PLEIN_DEMO_MFA_OPTIONAL may only be set in the demo" in result.stderr


def test_plein_demo_switches_mfa_off_unless_told_otherwise():
    """./plein demo exports PLEIN_DEMO_MFA_OPTIONAL=1 unless it is set; PLEIN_DEMO_MFA_OPTIONAL=0 keeps MFA on."""
    script = (SRC.parent / "plein").read_text()
    demo_branch = script[script.index("    demo)") : script.index(";;", script.index("    demo)"))]
    assert 'export PLEIN_DEMO_MFA_OPTIONAL="${PLEIN_DEMO_MFA_OPTIONAL:-1}"' in demo_branch


@pytest.mark.django_db
def test_session_cookie_flags_on_a_real_login(client, employee_user, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.post(reverse("account_login"), {"login": employee_user.email, "password": PASSWORD}, secure=True)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends when the browser closes


# --- content security policy on the login page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_has_no_inline_script_or_style(client, oidc):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    body = response.content.decode()
    assert " style=" not in body
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert ' src="/static/' in tag or 'type="application/json"' in tag, tag
    # the passkey login uses allauth's static scripts
    assert '<script src="/static/mfa/js/webauthn.js">' in body


@pytest.mark.django_db
def test_login_page_for_someone_already_logged_in_with_a_role(client, make_user):
    client.force_login(make_user(R.EDITOR))
    response = client.get(reverse("account_login"))
    assert response.status_code == 302


# --- documentation -------------------------------------------------------------------------------------------------


def test_every_environment_variable_is_documented():
    """docs/configuration.md lists every environment variable that settings.py reads."""
    source = (SRC / "plein" / "settings.py").read_text()
    names = set(re.findall(r"""\benv(?:_bool|_int|_list)?\(\s*["']([A-Z0-9_]+)["']""", source))
    names |= set(re.findall(r"""os\.environ\.get\(\s*["']([A-Z0-9_]+)["']""", source))
    assert {"SECRET_KEY", "OIDC_SERVER_URL", "PLEIN_DEMO_MFA_OPTIONAL", "PLEIN_VAR_DIR"} <= names
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", (SRC.parent / "docs" / "configuration.md").read_text(), re.M))
    missing = sorted(names - documented)
    assert not missing, f"Add these environment variables to docs/configuration.md: {', '.join(missing)}"
