"""The CMS (Wagtail's admin at ``/cms/``): its own, narrower exception to the strict CSP, log-in through allauth, and
the editors' Wagtail groups kept in line with their roles. See docs/adr/0003-wagtail-admin-csp.md.

Placed after ``csp.middleware.CSPMiddleware`` in ``MIDDLEWARE``, so that on the way out it marks the response before
django-csp writes the header. Every path outside the CMS prefix passes through untouched and keeps the strict policy.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from plein.portal import services


def cms_prefix() -> str:
    return getattr(settings, "PLEIN_CMS_PREFIX", "/cms/")


class CMSAdminMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = cms_prefix()
        if not request.path_info.startswith(prefix):
            return self.get_response(request)
        response = self._account_page(request, prefix)
        if response is None:
            user = request.user
            if not user.is_authenticated:
                # Nothing of the CMS is public, not even its icons and translations.
                return redirect_to_login(request.get_full_path())
            if user.is_authenticated:
                services.sync_cms_groups(user=user, organisation=getattr(request, "organisation", None) or None)
                # Wagtail would send a logged-in account without access back to the log-in page, which sends it
                # back here: refuse clearly instead (the strict policy applies to this error page).
                if not user.has_perm("wagtailadmin.access_admin"):
                    raise PermissionDenied
            response = self.get_response(request)
        # Wagtail renders previews through the whole middleware stack at the page's own address, so they arrive here
        # with the strict policy (frame-ancestors 'none'), which would block the preview panel's frame.
        if "Content-Security-Policy" in response:
            del response["Content-Security-Policy"]
        # django-csp reads these attributes (csp.decorators.csp_replace does the same for a single view).
        response._csp_replace = settings.CMS_CONTENT_SECURITY_POLICY
        return response

    @staticmethod
    def _account_page(request, prefix: str):
        """Wagtail's own log-in and password pages would bypass allauth (rate limits, single sign-on, MFA)."""
        path = request.path_info
        if path == reverse("wagtailadmin_login"):
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = prefix
            if request.user.is_authenticated:
                return redirect(target)
            return redirect_to_login(target)
        if path.startswith(prefix + "password_reset/"):
            # allauth's log-in page offers the password reset (with its rate limits).
            return redirect_to_login(prefix)
        return None
