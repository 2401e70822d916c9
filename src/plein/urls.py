from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from plein.core.views import error_page

urlpatterns = [
    path("", include("plein.core.urls")),
    path("ambtseed/", include("plein.oaths.urls")),
    path("functies/", include("plein.positions.urls")),
    path("verklaringen/", include("plein.declarations.urls")),
    path("jaarverslag/", include("plein.annual_report.urls")),  # Jaarverslag: public reports; writing under opstellen/
    path("leren/", include("plein.learning.urls")),  # Leren & bewustwording: events, records, /leren/agenda.ics
    path("moreel-beraad/", include("plein.deliberation.urls")),  # Moreel beraad: requests, sessions, library
    path(
        "consultaties/", include("plein.consultations.urls")
    ),  # the consultations register (IC, confidential advisers)
    path("dossiers/", include("plein.dossiers.urls_statistics")),  # Dossiers: statistics, retention (issue 5)
    path("api/", include("plein.api.urls")),  # REST API: /api/v1/, /api/schema/, /api/docs/
    path("beheer/api-tokens/", include("plein.api.urls_tokens")),  # API tokens (functional administrator)
    path("", include("plein.dossiers.urls")),  # Dossiers: /meldingen/<pk>/dossier/, /beheer/dossiers/ (issue 5)
    path("", include("plein.reports.urls")),  # Meldkanaal: /melden/, /meldingen/, /beheer/meldkanalen/
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("plein.portal.urls")),  # Integriteitsplein portal: /zoeken/, /peilingen/, /beheer/beleid/ ...
]

# Benchmarks (issue 12): the bare Django baseline of benchmarks/run, only when PLEIN_BENCHMARK_VIEWS is on.
if settings.PLEIN_BENCHMARK_VIEWS:
    urlpatterns.insert(
        0, path("__bench__/django", lambda request: HttpResponse(b"hello, world\n", content_type="text/plain"))
    )

# Integriteitsplein portal (issue 10): the CMS (/cms/), documents (/bestanden/) and every Wagtail page. The page route
# catches any remaining address, so this must stay the very last entry: add new routes to the list above.
urlpatterns += [path("", include("plein.portal.wagtail_urls"))]

handler400 = error_page(400, _("Bad request"), _("The request could not be processed. Check what you entered."))
handler403 = error_page(
    403,
    _("No access"),
    _("You do not have access to this page. If you think you should, ask the functional administrator."),
)
handler404 = error_page(404, _("Page not found"), _("This page does not exist (any more). Check the address."))
handler500 = error_page(
    500, _("Something went wrong"), _("An error occurred on our side. Nothing you sent has been lost; try again later.")
)
