from django.conf import settings

from plein.core.registry import navigation_for, split_navigation


def plein(request):
    navigation = navigation_for(request)
    primary, management = split_navigation(navigation)
    return {
        "organisation": getattr(request, "organisation", None),
        "plein_demo": settings.DEMO,
        "plein_mfa_optional": settings.PLEIN_MFA_OPTIONAL,
        "main_navigation": navigation,
        "navigation_primary": primary,
        "navigation_management": management,
        "navigation_management_current": any(item.active for item in management),
    }
