"""drf-spectacular: the CMS's internal API (Wagtail's admin API under /cms/api/) is no part of the published REST API."""

from django.conf import settings


def leave_out_cms_api(endpoints):
    prefix = getattr(settings, "PLEIN_CMS_PREFIX", "/cms/")
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith(prefix)]
