"""Security headers by path prefix: ``Referrer-Policy: no-referrer`` on the reporter pages (issue 13).

Every other page keeps ``SECURE_REFERRER_POLICY`` (same-origin, set by Django's SecurityMiddleware, which leaves a
header that is already there alone). The prefixes come from ``PLEIN_NO_REFERRER_PATH_PREFIXES`` (default: the
reporting channel's public pages, ``/melden/``). Placed right after SecurityMiddleware in ``MIDDLEWARE``, so before
CSRF.

The base template's ``<meta name="referrer" content="same-origin">`` would override the header in the browser (a meta
policy applies after the header), so it is left out on these pages (``request.plein_no_referrer``): the header alone
decides, and it is the stricter one.

CSRF under no-referrer: a browser then sends ``Origin: null`` (and no Referer) with a form post from the page, which
Django's CSRF check refuses as a foreign origin. On these paths only, an unsafe request with ``Origin: null`` is taken
as coming from this site's own page (the Origin header is set to this site's origin before the CSRF check). The CSRF
token must still match the CSRF cookie, and that cookie is ``SameSite=Lax``, so a cross-site page (a sandboxed frame
also sends ``Origin: null``) cannot post with it. What is given up, on these paths only, is Django's second line of
defence against a CSRF cookie planted by a sibling subdomain (docs/security.md, V4/V13).
"""

from django.conf import settings

DEFAULT_PREFIXES = ("/melden/",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def no_referrer_prefixes() -> tuple[str, ...]:
    return tuple(getattr(settings, "PLEIN_NO_REFERRER_PATH_PREFIXES", DEFAULT_PREFIXES))


class PathSecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        no_referrer = request.path_info.startswith(no_referrer_prefixes())
        request.plein_no_referrer = no_referrer  # base.html leaves its referrer meta out
        if no_referrer and request.method not in SAFE_METHODS and request.META.get("HTTP_ORIGIN") == "null":
            scheme = "https" if request.is_secure() else "http"
            request.META["HTTP_ORIGIN"] = f"{scheme}://{request.get_host()}"
        response = self.get_response(request)
        if no_referrer:
            response.headers["Referrer-Policy"] = "no-referrer"
        return response
