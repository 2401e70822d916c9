"""django-allauth adapters: no self-service sign-up; single sign-on links to known employees only."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from the HR import or single sign-on; externals need no account.
        return False


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
