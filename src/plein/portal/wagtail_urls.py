"""Wagtail's routes, wired for Integriteitsplein. Included last by ``plein/urls.py`` (the page route catches the rest).

Instead of ``wagtail.urls`` and ``wagtail.documents.urls`` as they come:

- pages are served by ``plein.portal.views.serve_page`` at ``<path>/`` (Wagtail's own ``serve``, with a redirect to
  the trailing slash); the site root ``/`` is ``core:home``, served by ``plein.portal.views.home``;
- documents at ``/bestanden/<id>/<filename>`` through Wagtail's serve view (privacy checks, no media URL);
- Wagtail's front-end login (for pages restricted to logged-in users) sends people to allauth's login page;
- shared-password forms are not routed: that option is switched off (settings: ``WAGTAIL_PRIVATE_PAGE_OPTIONS``);
- the CMS at ``/cms/``, without Wagtail's catch-all "not found" route (unknown CMS addresses get the normal 404).
"""

from django.contrib.auth.views import redirect_to_login
from django.urls import URLPattern, include, path, register_converter
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents.views import serve as document_serve

from plein.portal import views


class PagePathConverter:
    """A page path below the site root: slugs separated by slashes, possibly empty (the root itself)."""

    regex = r"(?:[\w\-]+/)*[\w\-]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PagePathConverter, "pagepath")


def _is_catch_all(pattern) -> bool:
    return isinstance(pattern, URLPattern) and pattern.name is None and str(pattern.pattern) in ("^.*/$", "^")


def frontend_login(request):
    return redirect_to_login(request.GET.get("next", "/"))


cms_patterns = [p for p in wagtailadmin_urls.urlpatterns if not _is_catch_all(p)]

urlpatterns = [
    path("cms/", include(cms_patterns)),
    path(
        "bestanden/<int:document_id>/<str:document_filename>",
        document_serve.serve,
        name="wagtaildocs_serve",
    ),
    path("_util/login/", frontend_login, name="wagtailcore_login"),
    path("<pagepath:path>", views.serve_page, name="wagtail_serve"),
]
