"""The REST API under /api/: version 1 of the endpoints, the OpenAPI schema and its documentation page."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("people", views.PeopleViewSet, basename="person")
router.register("units", views.UnitViewSet, basename="unit")
router.register("positions", views.PositionViewSet, basename="position")

urlpatterns = [
    path("v1/", include(router.urls)),
    # Public (plein.core.url_policy.PUBLIC_API_URL_NAMES): the schema describes the API and holds no data.
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
]
