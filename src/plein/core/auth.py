"""django-allauth adapters: no self-service sign-up; single sign-on links to known employees only."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from the HR import or single sign-on; externals need no account.
        return False

    # --- added for MFA set-up and rate limits (issue 3; see middleware_mfa.py) ---
    def get_client_ip(self, request) -> str:
        """The client's address as a keyed hash. Rate limits must tell clients apart, not know their address; allauth
        puts this value in its cache keys (Redis in production), so no IP address is stored anywhere."""
        from allauth.core.internal.ratelimit import truncate_ip
        from django.utils.crypto import salted_hmac

        address = truncate_ip(super().get_client_ip(request))  # an IPv6 address counts per /64 network
        return "h" + salted_hmac("plein.auth.client_ip", address, algorithm="sha256").hexdigest()[:32]

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up a first second factor asks to confirm the password again. Someone who signed in with single
        sign-on has no password here, so allauth would refuse; they may set up their first factor within
        ACCOUNT_REAUTHENTICATION_TIMEOUT of signing in, which is what the MFA enforcement sends them to do."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and self._freshly_signed_in_without_password():
            return False
        return required

    def _freshly_signed_in_without_password(self) -> bool:
        import time

        from allauth.account import app_settings
        from allauth.account.authentication import get_authentication_records
        from allauth.mfa.models import Authenticator

        request = self.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.has_usable_password():
            return False
        if Authenticator.objects.filter(user=user).exists():
            return False
        logins = [r for r in get_authentication_records(request, user) if r.get("method") == "socialaccount"]
        return bool(logins) and time.time() - logins[-1].get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        """A first SSO login creates an account only for an e-mail address that HR imported."""
        from plein.core.models import Employee

        email = (sociallogin.user.email or "").lower()
        return bool(email) and Employee.objects.filter(email__iexact=email, end_date__isnull=True).exists()

    def save_user(self, request, sociallogin, form=None):
        from plein.core.models import Employee

        user = super().save_user(request, sociallogin, form)
        Employee.objects.filter(email__iexact=user.email, user__isnull=True).update(user=user)
        return user


class RulesDecideBackend:
    """Permissions that our rules define are decided by the rules alone (issue 3 "roles in one place", issue 12).

    Django asks every authentication backend in turn until one grants. After ``rules``' backend has said no, Django's
    model backend would look the permission up among the user's and their groups' database permissions: two queries
    on the first check of every page, and a way around the roles (a Wagtail group that holds
    ``wagtailadmin.access_admin`` would keep the CMS open after the editor role was revoked). Placed right after the
    rules backend, this one ends the search for a rules permission with a denial; every other permission (Wagtail's
    own page and document permissions, for example) still goes on to the model backend.
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        import rules
        from django.core.exceptions import PermissionDenied

        if rules.perm_exists(perm):
            raise PermissionDenied
        return False
