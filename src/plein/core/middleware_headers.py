"""Security headers by path prefix: ``Referrer-Policy: no-referrer`` on the reporter pages (issue 13).

Every other page keeps ``SECURE_REFERRER_POLICY`` (same-origin, set by Django's SecurityMiddleware, which leaves a
header that is already there alone). The prefixes come from ``PLEIN_NO_REFERRER_PATH_PREFIXES`` (default: the
reporting channel's public pages, ``/melden/``). Placed right after SecurityMiddleware in ``MIDDLEWARE``.

Note: the base template also says ``<meta name="referrer" content="same-origin">``, which a browser applies after the
header. Both policies send nothing to other origins; ``no-referrer`` additionally keeps the reporter pages' address out
of same-origin requests. A page that switched the meta tag to no-referrer as well would make browsers send
``Origin: null`` with its form posts, which Django's CSRF check refuses (see the comment at SECURE_REFERRER_POLICY).
"""

from django.conf import settings

DEFAULT_PREFIXES = ("/melden/",)


def no_referrer_prefixes() -> tuple[str, ...]:
    return tuple(getattr(settings, "PLEIN_NO_REFERRER_PATH_PREFIXES", DEFAULT_PREFIXES))


class PathSecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(no_referrer_prefixes()):
            response.headers["Referrer-Policy"] = "no-referrer"
        return response
