from django.conf import settings

from plein.core import roles as R
from plein.core.registry import navigation_for, split_navigation
from plein.core.selectors import user_roles


def plein(request):
    user = getattr(request, "user", None)
    codes = user_roles(user) if user is not None else set()
    navigation = navigation_for(request)
    primary, management = split_navigation(navigation)
    return {
        "organisation": getattr(request, "organisation", None),
        "plein_demo": settings.DEMO,
        "plein_mfa_optional": settings.PLEIN_MFA_OPTIONAL,
        "user_role_codes": codes,
        "user_roles": [R.ROLES[c] for c in R.ROLES if c in codes],
        "main_navigation": navigation,
        "navigation_primary": primary,
        "navigation_management": management,
        "navigation_management_current": any(item.active for item in management),
    }
