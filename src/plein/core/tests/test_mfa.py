"""The second factor (MFA): who must have one, setting it up, passing it, and the MFA pages themselves.

These tests run with MFA enforced (``mfa_enforced``), as in production, through django-allauth's real views.
"""

import re
import time

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from plein.core import roles as R
from plein.core.middleware_mfa import requires_mfa
from plein.core.tests.auth_helpers import add_totp, login_with_mfa, totp_code, totp_code_for_secret

PASSWORD = "correct horse battery staple"  # the factories' password
# The issue names them: the IC, the confidential advisers, the investigators, HR, the facilitators, the
# administrators and the competent authority.
MFA_ROLES = {
    R.INTEGRITY_COORDINATOR,
    R.CONFIDENTIAL_ADVISER,
    R.INVESTIGATOR,
    R.HR,
    R.FACILITATOR,
    R.FUNCTIONAL_ADMIN,
    R.COMPETENT_AUTHORITY,
}
OTHER_ROLES = {R.EMPLOYEE, R.MANAGER, R.EDITOR, R.AUDITOR}

pytestmark = pytest.mark.mfa_enforced


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and used TOTP codes live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _totp_window(settings):
    # A code from the neighbouring 30-second window counts too, so that a test that computes a code just before a
    # window ends does not fail when the server checks it just after.
    settings.MFA_TOTP_TOLERANCE = 1


def _user_with(make_user, role):
    return make_user() if role == R.EMPLOYEE else make_user(role)


def _record_sso_login(client, user, at=None):
    """Put a single sign-on login in the session, as allauth's social login flow records it."""
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    with context.request_context(request):
        record_authentication(request, user, method="socialaccount", provider="entra", uid="abc")
    if at is not None:
        records = session["account_authentication_methods"]
        records[-1]["at"] = at
        session["account_authentication_methods"] = records
    session.save()


def _totp_secret_from(page) -> str:
    return re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content.decode()).group(1)


# --- who needs a second factor -------------------------------------------------------------------------------------


def test_the_roles_that_require_mfa_are_the_ones_the_issue_names():
    assert {code for code, role in R.ROLES.items() if role.requires_mfa} == MFA_ROLES
    assert set(R.ROLES) == MFA_ROLES | OTHER_ROLES


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(MFA_ROLES))
def test_role_needing_mfa_without_a_second_factor_is_sent_to_set_it_up(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    # The warning is stored with the redirect, so it is in the language of this request.
    response = client.get(reverse("core:start"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "your account needs a second login step" in page.content.decode()
    # every other page too, including ones that do not exist for them
    for url in (reverse("core:home"), reverse("core:people"), reverse("core:structure"), "/django-admin/"):
        assert client.get(url)["Location"] == reverse("mfa_index"), url


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(OTHER_ROLES))
def test_role_not_needing_mfa_is_not_redirected(client, make_user, role):
    client.force_login(_user_with(make_user, role))
    assert client.get(reverse("core:start")).status_code == 200
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(MFA_ROLES))
def test_role_needing_mfa_with_mfa_passed_has_access(client, make_user, role):
    user = make_user(role)
    login_with_mfa(client, user)
    response = client.get(reverse("core:start"))
    assert response.status_code == 200
    assert str(R.ROLES[role].label) in response.content.decode()


@pytest.mark.django_db
def test_superuser_needs_mfa_too(client):
    from plein.core.models import User

    admin = User.objects.create_superuser(email="admin@example.org", password=PASSWORD)
    assert requires_mfa(admin)
    client.force_login(admin)
    assert client.get("/django-admin/")["Location"] == reverse("mfa_index")
    login_with_mfa(client, admin)
    assert client.get("/django-admin/").status_code == 200


@pytest.mark.django_db
def test_revoked_role_no_longer_requires_mfa(client, make_user):
    from django.utils import timezone

    from plein.core.models import RoleAssignment

    user = make_user(R.HR)
    RoleAssignment.objects.filter(user=user).update(revoked_at=timezone.now())
    client.force_login(user)
    assert client.get(reverse("core:start")).status_code == 200


@pytest.mark.django_db
def test_what_stays_reachable_before_mfa_is_set_up(client, make_user):
    client.force_login(make_user(R.INTEGRITY_COORDINATOR))
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(reverse("core:theme_css")).status_code == 200
    assert client.get("/static/plein/plein.css").status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_add_webauthn")).status_code in (200, 302)  # 302: asks for the password first
    switched = client.post(reverse("set_language"), {"language": "en", "next": reverse("mfa_index")})
    assert switched["Location"] == reverse("mfa_index")
    logged_out = client.post(reverse("account_logout"))
    assert logged_out.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200  # anonymous now


@pytest.mark.django_db
def test_htmx_requests_are_told_to_load_the_set_up_page(client, make_user):
    client.force_login(make_user(R.HR))
    response = client.get(reverse("core:start"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mfa_index")


@pytest.mark.django_db
def test_post_requests_are_refused_before_mfa_is_set_up(client, make_user):
    client.force_login(make_user(R.FUNCTIONAL_ADMIN))
    response = client.post(reverse("core:people"), {"q": "x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


@pytest.mark.django_db
def test_enforcement_can_be_switched_off_for_the_demo(client, make_user, settings):
    settings.PLEIN_MFA_OPTIONAL = True
    client.force_login(make_user(R.INTEGRITY_COORDINATOR))
    assert client.get(reverse("core:start")).status_code == 200


# --- passing the second factor in this session ----------------------------------------------------------------------


@pytest.mark.django_db
def test_user_with_mfa_who_did_not_pass_it_in_this_session_must_confirm_it(client, make_user):
    user = make_user(R.CONFIDENTIAL_ADVISER)
    authenticator = add_totp(user)
    client.force_login(user)  # e.g. a login through the Django admin: no second factor in this session
    # The warning is stored with the redirect, so it is in the language of this request.
    response = client.get(reverse("core:start"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_reauthenticate") + "?next=%2Fstart%2F"
    assert client.get(reverse("core:people"))["Location"].startswith(reverse("mfa_reauthenticate"))
    # The password alone does not do.
    assert client.get(reverse("account_reauthenticate"))["Location"].startswith(reverse("mfa_reauthenticate"))
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Confirm that it is you with your second login step" in page.content.decode()
    wrong = client.post(response["Location"], {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get(reverse("core:start")).status_code == 302
    confirmed = client.post(response["Location"], {"code": totp_code(authenticator)})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("core:start")
    assert client.get(reverse("core:start")).status_code == 200


@pytest.mark.django_db
def test_login_with_password_and_totp_through_allauth(client, make_user):
    user = make_user(R.INVESTIGATOR)
    authenticator = add_totp(user)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("core:start")).status_code == 302  # not logged in yet
    page = client.get(reverse("mfa_authenticate"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="utrecht-heading-1"' in body
    assert re.search(r'<label class="utrecht-form-label" for="id_code">', body)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'aria-invalid="true"' in wrong.content.decode()
    assert 'id="id_code_error"' in wrong.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(authenticator)})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:start")
    assert client.get(reverse("core:start")).status_code == 200


@pytest.mark.django_db
def test_login_with_a_recovery_code(client, make_user):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = make_user(R.HR)
    add_totp(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response["Location"] == reverse("core:start")
    assert client.get(reverse("core:start")).status_code == 200


def _add_security_key(user, name="YubiKey", passkey=True):
    """A WebAuthn authenticator as allauth stores it (only what the pages read: the name and the passkey flag)."""
    from allauth.mfa.webauthn.internal.auth import WebAuthn

    return WebAuthn.add(user, name, {"clientExtensionResults": {"credProps": {"rk": passkey}}}).instance


@pytest.mark.django_db
def test_user_with_only_a_security_key_is_sent_to_confirm_with_it(client, make_user):
    user = make_user(R.INVESTIGATOR)
    _add_security_key(user)
    client.force_login(user)
    response = client.get(reverse("core:start"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate_webauthn") + "?next=")


@pytest.mark.django_db
def test_security_key_list(client, make_user):
    user = make_user(R.HR)
    login_with_mfa(client, user)
    _add_security_key(user, name="Sleutel op de werkplek")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_list_webauthn"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sleutel op de werkplek" in body
    assert re.search(r'<table class="utrecht-table[^"]*"', body)
    assert re.search(r'<span class="utrecht-status-badge[^"]*">\s*Passkey', body)
    # the empty header above the buttons gets a name for screen readers
    assert re.search(r'scope="col"><span class="plein-visually-hidden">Actions</span></th>', body)
    edit = reverse(
        "mfa_edit_webauthn", kwargs={"pk": Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN).pk}
    )
    assert f'href="{edit}"' in body


# --- setting up the second factor --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setting_up_totp_after_a_password_login(client, make_user):
    user = make_user(R.INTEGRITY_COORDINATOR)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.get(response["Location"])["Location"] == reverse("mfa_index")
    index = client.get(reverse("mfa_index"), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("mfa_activate_totp") in index.content.decode()
    # allauth asks for the password again before a factor is added
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    # The QR code is an inline SVG as a data: URI, which the CSP allows for images (img-src 'self' data:).
    assert re.search(r'<img class="utrecht-img plein-qr__image" src="data:image/svg\+xml;base64,[^"]+" alt="QR', body)
    assert "data:" in re.search(r"img-src ([^;]+)", page["Content-Security-Policy"]).group(1)
    secret = _totp_secret_from(page)
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="id_code_error"' in wrong.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code_for_secret(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # The factor was proven while setting it up, so this session may go on.
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert re.search(r"<textarea[^>]*id=\"recovery_codes\"[^>]*readonly", codes.content.decode())
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert len(download.content.decode().split()) == 10
    assert client.get(reverse("core:start")).status_code == 200


@pytest.mark.django_db
def test_sso_user_without_password_can_set_up_a_first_factor_right_after_login(client, make_user):
    user = make_user(R.HR)
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    _record_sso_login(client, user)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200  # without the fix, allauth refuses: there is no password to confirm
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code_for_secret(_totp_secret_from(page))})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("core:start")).status_code == 200


@pytest.mark.django_db
def test_sso_user_cannot_add_a_factor_without_confirmation_long_after_login(client, make_user):
    user = make_user(R.HR)
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    _record_sso_login(client, user, at=time.time() - 3600)
    assert client.get(reverse("mfa_activate_totp")).status_code == 403


@pytest.mark.django_db
def test_sso_user_with_a_factor_needs_it_to_change_factors(client, make_user):
    user = make_user(R.HR)
    user.set_unusable_password()
    user.save()
    add_totp(user)
    client.force_login(user)
    _record_sso_login(client, user)
    response = client.get(reverse("core:start"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


# --- the MFA pages ----------------------------------------------------------------------------------------------


def _assert_no_inline_script_or_style(response):
    body = response.content.decode()
    assert " style=" not in body
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert ' src="/static/' in tag or 'type="application/json"' in tag, tag
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_mfa_pages_render_in_our_layout_without_inline_script(client, make_user):
    user = make_user(R.INTEGRITY_COORDINATOR)
    login_with_mfa(client, user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(user)
    for name in (
        "mfa_index",
        "mfa_deactivate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "account_reset_password",
    ):
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, name
        body = response.content.decode()
        assert re.search(r'<body class="[^"]*\bplein-body\b', body), name
        assert 'class="utrecht-heading-1"' in body, name
        _assert_no_inline_script_or_style(response)
    webauthn = client.get(reverse("mfa_add_webauthn")).content.decode()
    for script in ("mfa/js/webauthn-json.js", "mfa/js/webauthn.js", "account/js/onload.js"):
        assert f'<script src="/static/{script}">' in webauthn
        assert client.get(f"/static/{script}").status_code == 200


@pytest.mark.django_db
def test_mfa_authenticate_page_has_no_inline_script(client, make_user):
    user = make_user(R.INVESTIGATOR)
    add_totp(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    _assert_no_inline_script_or_style(response)
    assert 'id="mfa_webauthn_authenticate"' in response.content.decode()


@pytest.mark.django_db
def test_mfa_pages_are_dutch_by_default(client, make_user):
    client.force_login(make_user(R.HR))
    body = client.get(reverse("mfa_index")).content.decode()
    assert '<html lang="nl"' in body
    assert "Twee-factor-authenticatie" in body  # allauth's own Dutch translation


# --- in a real browser: axe (WCAG 2.1 AA), CSP and console checks on every MFA page ------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_setting_up_mfa_and_logging_in_with_it_in_the_browser(page, make_user):
    from playwright.sync_api import expect

    from plein.core.tests.browser import visit

    user = make_user(R.INTEGRITY_COORDINATOR)
    visit(page, reverse("account_login"))
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(user.email)
    page.get_by_label(re.compile("wachtwoord|password", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role("main").get_by_role(
        "button", name=re.compile("^(aanmelden|inloggen|log in)$", re.IGNORECASE)
    ).click()
    # Sent to set up a second factor, with the reason.
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_index")) + "$"))
    expect(page.locator(".plein-messages")).to_contain_text(re.compile("second login step|tweede", re.IGNORECASE))
    page.get_by_role("link", name=re.compile("^(activeer|activate)$", re.IGNORECASE)).click()
    # allauth asks for the password again before a factor is added.
    expect(page).to_have_url(re.compile(re.escape(reverse("account_reauthenticate"))))
    page.get_by_label(re.compile("wachtwoord|password", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("bevestigen|confirm", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_activate_totp")) + "$"))
    qr = page.get_by_role("img", name=re.compile("QR"))
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", qr.element_handle())  # CSP allowed it
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label(re.compile("^authenticator code$", re.IGNORECASE)).fill(totp_code_for_secret(secret))
    page.get_by_role("main").get_by_role("button", name=re.compile("activeer|activate", re.IGNORECASE)).click()
    # The recovery codes are shown once set up; the session may continue.
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_view_recovery_codes")) + "$"))
    codes = page.get_by_role("textbox", name=re.compile("ongebruikte codes|unused codes", re.IGNORECASE))
    recovery_code = codes.input_value().split()[0]
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("codes downloaden|download codes", re.IGNORECASE)).click()
    assert download.value.suggested_filename.endswith(".txt")
    visit(page, reverse("core:start"))
    visit(page, reverse("mfa_index"))

    # Log out and in again: now the second step is asked at login.
    page.get_by_role("banner").get_by_role(
        "button", name=re.compile("afmelden|uitloggen|log out", re.IGNORECASE)
    ).click()
    visit(page, reverse("account_login"))
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(user.email)
    page.get_by_label(re.compile("wachtwoord|password", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role("main").get_by_role(
        "button", name=re.compile("^(aanmelden|inloggen|log in)$", re.IGNORECASE)
    ).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate")) + "$"))
    page.get_by_label(re.compile("^code$", re.IGNORECASE)).fill("000000")
    page.get_by_role("main").get_by_role("button", name=re.compile("^(aanmelden|sign in)$", re.IGNORECASE)).click()
    expect(page.get_by_label(re.compile("^code$", re.IGNORECASE))).to_have_attribute("aria-invalid", "true")
    page.get_by_label(re.compile("^code$", re.IGNORECASE)).fill(recovery_code)
    page.get_by_role("main").get_by_role("button", name=re.compile("^(aanmelden|sign in)$", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("core:start")) + "$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mfa_management_pages_in_the_browser(page, make_user):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    user = make_user(R.HR)
    login(page, user)  # with a second factor
    RecoveryCodes.activate(user)
    visit(page, reverse("mfa_index"))
    # Managing factors asks for the password first (allauth's reauthentication).
    visit(page, reverse("mfa_add_webauthn"))
    page.get_by_label(re.compile("wachtwoord|password", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("bevestigen|confirm", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_add_webauthn")) + "$"))
    # allauth's WebAuthn script is loaded from our origin and set up the button without any CSP complaint.
    page.wait_for_load_state("load")
    assert page.evaluate("() => typeof window.allauth.webauthn.forms.addForm") == "function"
    for name in ("mfa_list_webauthn", "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_deactivate_totp"):
        visit(page, reverse(name))
    visit(page, reverse("mfa_reauthenticate"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sso_error_page_in_the_browser(page, settings):
    from plein.core.tests.browser import visit

    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "entra",
                    "name": "Microsoft Entra ID",
                    "client_id": "client",
                    "secret": "secret",
                    "settings": {"server_url": "https://login.example.org/v2.0"},
                }
            ]
        }
    }
    visit(page, reverse("account_login"))
    visit(page, reverse("openid_connect_callback", kwargs={"provider_id": "entra"}) + "?code=x&state=y", status=401)


@pytest.mark.django_db
def test_deciding_whether_mfa_is_needed_costs_one_query(make_user, django_assert_num_queries):
    """Every request of a logged-in user asks this: the role assignments decide, the employee record is not read."""
    from plein.core.models import User

    for roles, needed in (((), False), ((R.MANAGER,), False), ((R.HR,), True)):
        user = User.objects.get(pk=make_user(*roles).pk)
        with django_assert_num_queries(1):
            assert requires_mfa(user) is needed
