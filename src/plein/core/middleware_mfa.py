"""A second factor (MFA) for everyone who can see personal or report data.

For a logged-in user who holds a role with ``requires_mfa`` (``plein.core.roles``), or who is a superuser:

1. without a second factor (an authenticator app or a security key), every request is redirected to the MFA set-up
   page, with an explanation. Only the set-up pages (and the reauthentication they ask for), logging out, static
   files, the language switch, the theme stylesheet and the health check stay reachable;
2. with a second factor, the user must have passed it in this session. django-allauth records every authentication
   step in the session (``allauth.account.authentication.get_authentication_records``): a login with MFA, a passkey
   login and an MFA reauthentication are recorded as method ``"mfa"``. A second factor that was set up during this
   session counts too, because setting it up required a valid code or the key itself. Otherwise (for example a
   login through the Django admin) the user is sent to the MFA reauthentication page first.

``settings.PLEIN_MFA_OPTIONAL`` switches all of this off. Settings allow it only in the demo and in tests
(``PLEIN_DEMO_MFA_OPTIONAL``); the demo banner says so.
"""

from datetime import UTC, datetime

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from plein.core import roles as R
from plein.core.selectors import active_assignments, user_roles

# The factors that count as "a second factor"; recovery codes are only a fallback for them.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# Reachable in every state: leaving, switching language, assets the pages below need, and the health check.
ALWAYS_ALLOWED = frozenset({"account_logout", "set_language", "core:healthz", "core:theme_css"})
# Reachable while the second factor still has to be set up. Activation asks for a reauthentication first.
SETUP_ALLOWED = ALWAYS_ALLOWED | {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
}
# Reachable while the second factor has to be passed in this session.
VERIFY_ALLOWED = ALWAYS_ALLOWED | {"mfa_reauthenticate", "mfa_reauthenticate_webauthn"}

SETUP_MESSAGE = _(
    "Your role gives you access to personal or confidential data, so your account needs a second login step. "
    "Set up an authenticator app or a security key first. Until then you can only use this page."
)
VERIFY_MESSAGE = _(
    "Your role gives you access to personal or confidential data. Confirm that it is you with your second login "
    "step (authenticator app, security key or recovery code) before you continue."
)


def requires_mfa(user) -> bool:
    """Whether this user must use a second factor: a role that requires it, or a superuser."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    # The employee role comes from an employee record, not an assignment, and needs no second factor: then the
    # assigned roles decide, and the employee record is not looked up on every request just for this.
    codes = user_roles(user) if R.ROLES[R.EMPLOYEE].requires_mfa else {a.role for a in active_assignments(user)}
    return any(R.ROLES[code].requires_mfa for code in codes if code in R.ROLES)


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()


def passed_mfa_in_session(request, user) -> bool:
    """Whether this session has proven the user's second factor (see the module docstring)."""
    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    times = [record["at"] for record in records if isinstance(record.get("at"), int | float)]
    if not times:
        return False
    session_start = datetime.fromtimestamp(min(times), tz=UTC)
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES, created_at__gte=session_start).exists()


class MFAEnforcementMiddleware:
    """Keeps users who need a second factor on the MFA pages until they have set it up and passed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(settings, "PLEIN_MFA_OPTIONAL", False):
            return None
        user = getattr(request, "user", None)
        if not requires_mfa(user):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if not has_second_factor(user):
            if view_name in SETUP_ALLOWED:
                return None
            return self._redirect(request, reverse("mfa_index"), SETUP_MESSAGE, with_next=False)
        if passed_mfa_in_session(request, user):
            return None
        if view_name in VERIFY_ALLOWED:
            return None
        return self._redirect(request, self._verify_url(user), VERIFY_MESSAGE, with_next=True)

    @staticmethod
    def _verify_url(user) -> str:
        """allauth's MFA reauthentication page that fits the user's factors (code or security key)."""
        for method in get_account_adapter().get_reauthentication_methods(user):
            if method["id"].startswith("mfa_reauthenticate"):
                return method["url"]
        return reverse("mfa_reauthenticate")

    @staticmethod
    def _redirect(request, url: str, message, *, with_next: bool):
        if with_next and request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # htmx would swap the redirected page into a fragment; ask it to load the whole page instead.
            response = HttpResponse(status=200)
            response["HX-Redirect"] = url
        else:
            response = HttpResponseRedirect(url)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            messages.warning(request, message, fail_silently=True)
        return response
