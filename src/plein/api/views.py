"""The REST API, version 1: people, organisational units and positions for the HR synchronisation (scope
``hr.sync``), and the public OpenAPI schema with its documentation page.

Views are thin: writes go through ``plein.api.services`` (the import's rules, atomic, audited); reads of people are
audited here. Report contents never go through the API.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from plein.core.importing import shown
from plein.core.models import Employee, OrgUnit, Position

from . import serializers as s
from . import services
from .authentication import BearerTokenAuthentication, HasScope
from .models import Scope


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = _("The request is too large. Send the data in several smaller requests.")


def errors(*codes: int) -> dict:
    descriptions = {
        400: "The data is not valid; nothing has been saved. `errors` says what is wrong.",
        401: "No token, or a token that is unknown, expired or revoked.",
        403: "The token lacks the scope this operation needs.",
        404: "Not found (or a page number past the end).",
        409: "It already exists.",
        413: "The request is too large.",
    }
    return {code: OpenApiResponse(s.ErrorSerializer, description=descriptions[code]) for code in codes}


class ApiViewSet(viewsets.GenericViewSet):
    """Base of every API view: token authentication, scope check, JSON only, pagination, one error shape."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [HasScope]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = ApiPagination
    metadata_class = None  # no OPTIONS self-description: the OpenAPI schema describes the API
    required_scopes: list[str] = []
    lookup_value_regex = ".+"
    not_found = _("Not found.")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and the scope check come first
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestTooLarge()

    @property
    def token(self):
        return self.request.auth

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no token
            return self.base_queryset().none()
        return self.base_queryset().filter(organisation=self.token.organisation)

    def get_object(self):
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        obj = self.get_queryset().filter(**{self.lookup_field: value}).first()
        if obj is None:
            raise exceptions.NotFound(self.not_found % {"value": shown(value)})
        return obj

    def list_response(self, serializer_class):
        page = self.paginate_queryset(self.get_queryset())
        return page, self.get_paginated_response(serializer_class(page, many=True).data)

    def write_data(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def example(name: str, value, summary: str = "") -> OpenApiExample:
    """A request example: shown on the docs page, and sent by the schemathesis run in the tests."""
    return OpenApiExample(name, value=value, summary=summary, request_only=True)


# --- people -----------------------------------------------------------------------------------------------------------

PERSON = {
    "personnel_number": "100001",
    "first_name": "Sanne",
    "infix": "",
    "last_name": "Visser",
    "email": "s.visser@veenland.example",
    "unit": "Directie/Ruimte en Water/Team Water",
    "position_code": "F0001",
    "position_title": "Beleidsmedewerker water",
    "manager": None,
    "employment_type": "vast",
    "start_date": "2019-04-01",
    "end_date": None,
}
NEW_PERSON = {
    **PERSON,
    "personnel_number": "100002",
    "first_name": "Noor",
    "last_name": "Bakker",
    "email": "n.bakker@veenland.example",
    "manager": "100001",
    "employment_type": "tijdelijk",
    "start_date": "2025-02-01",
    "end_date": "2025-12-31",
}
person_lookup = OpenApiParameter(
    "personnel_number",
    str,
    OpenApiParameter.PATH,
    description="The personnel number.",
    pattern=r"^[^/]+$",
    examples=[OpenApiExample("A personnel number", value="100001")],
)


@extend_schema_view(
    list=extend_schema(summary="List people", responses={200: s.PersonSerializer(many=True), **errors(401, 403, 404)}),
    retrieve=extend_schema(
        summary="One person", parameters=[person_lookup], responses={200: s.PersonSerializer, **errors(401, 403, 404)}
    ),
    create=extend_schema(
        summary="Add a person",
        request=s.PersonWriteSerializer,
        examples=[example("A new person", NEW_PERSON)],
        responses={201: s.PersonSerializer, **errors(400, 401, 403, 409, 413)},
    ),
    update=extend_schema(
        summary="Replace a person's data",
        parameters=[person_lookup],
        request=s.PersonWriteSerializer,
        examples=[example("Every field", PERSON)],
        responses={200: s.PersonSerializer, **errors(400, 401, 403, 404, 413)},
    ),
    partial_update=extend_schema(
        summary="Change some of a person's data",
        parameters=[person_lookup],
        request=s.PersonWriteSerializer,
        examples=[example("Leaving", {"end_date": "2030-12-31"}, "Record that someone leaves")],
        responses={200: s.PersonSerializer, **errors(400, 401, 403, 404, 413)},
    ),
)
class PeopleViewSet(ApiViewSet):
    """People (employees), by personnel number. Writes follow the rules of the people import."""

    required_scopes = [Scope.HR_SYNC]
    lookup_field = "personnel_number"
    lookup_value_regex = "[^/]+"
    not_found = _("There is no person with personnel number %(value)s.")

    def base_queryset(self):
        return Employee.objects.select_related("unit", "position", "manager").order_by("personnel_number")

    def list(self, request):
        page, response = self.list_response(s.PersonSerializer)
        services.audit_api(
            self.token,
            action="api.people.list",
            data={"page": self.paginator.page.number, "results": len(page)},
        )
        return response

    def retrieve(self, request, personnel_number=None):
        employee = self.get_object()
        services.audit_api(self.token, action="api.person.view", target=employee)
        return Response(s.PersonSerializer(employee).data)

    def create(self, request):
        employee = services.create_person(token=self.token, data=self.write_data(s.PersonWriteSerializer))
        location = reverse("api:person-detail", kwargs={"personnel_number": employee.personnel_number})
        return Response(
            s.PersonSerializer(employee).data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    def update(self, request, personnel_number=None):
        return self._update(partial=False)

    def partial_update(self, request, personnel_number=None):
        return self._update(partial=True)

    def _update(self, *, partial: bool):
        employee = services.update_person(
            token=self.token,
            employee=self.get_object(),
            data=self.write_data(s.PersonWriteSerializer),
            partial=partial,
        )
        return Response(s.PersonSerializer(employee).data)

    @extend_schema(
        summary="Sync people (all or nothing)",
        request=s.SyncSerializer,
        examples=[example("Two people", {"rows": [PERSON, NEW_PERSON], "dry_run": False})],
        responses={200: s.SyncResultSerializer, **errors(400, 401, 403, 413)},
    )
    @action(detail=False, methods=["post"], url_path="sync")
    def sync(self, request):
        data = self.write_data(s.SyncSerializer)
        rows = [dict(row) for row in data["rows"]]
        result = services.sync_people(token=self.token, rows=rows, dry_run=data.get("dry_run", False))
        return Response(
            {
                "dry_run": result.dry_run,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "units_created": result.details.get("units_created", 0),
                "positions_created": result.details.get("positions_created", 0),
                "positions_updated": result.details.get("positions_updated", 0),
            }
        )


# --- organisational units ---------------------------------------------------------------------------------------------

unit_lookup = OpenApiParameter(
    "path",
    str,
    OpenApiParameter.PATH,
    description="The unit's path, for example Directie/Ruimte en Water.",
    examples=[OpenApiExample("A unit", value="Directie")],
)


@extend_schema_view(
    list=extend_schema(summary="List units", responses={200: s.UnitSerializer(many=True), **errors(401, 403, 404)}),
    retrieve=extend_schema(
        summary="One unit", parameters=[unit_lookup], responses={200: s.UnitSerializer, **errors(401, 403, 404)}
    ),
    create=extend_schema(
        summary="Add a unit",
        request=s.UnitWriteSerializer,
        examples=[example("A team", {"path": "Directie/Ruimte en Water/Team Water", "kind": "team"})],
        responses={201: s.UnitSerializer, **errors(400, 401, 403, 409, 413)},
    ),
    update=extend_schema(
        summary="Replace a unit (move, rename, kind)",
        parameters=[unit_lookup],
        request=s.UnitWriteSerializer,
        examples=[example("Path and kind", {"path": "Directie", "kind": "directie"})],
        responses={200: s.UnitSerializer, **errors(400, 401, 403, 404, 409, 413)},
    ),
    partial_update=extend_schema(
        summary="Change a unit",
        parameters=[unit_lookup],
        request=s.UnitWriteSerializer,
        examples=[example("Kind", {"kind": "overig"})],
        responses={200: s.UnitSerializer, **errors(400, 401, 403, 404, 409, 413)},
    ),
)
class UnitViewSet(ApiViewSet):
    """Organisational units, by path (Directie/Domein/Team)."""

    required_scopes = [Scope.HR_SYNC]
    lookup_field = "path"
    not_found = _("There is no unit “%(value)s”.")

    def base_queryset(self):
        return OrgUnit.objects.select_related("parent").order_by("path")

    def list(self, request):
        return self.list_response(s.UnitSerializer)[1]

    def retrieve(self, request, path=None):
        return Response(s.UnitSerializer(self.get_object()).data)

    def create(self, request):
        unit = services.create_unit(token=self.token, data=self.write_data(s.UnitWriteSerializer))
        location = reverse("api:unit-detail", kwargs={"path": unit.path})
        return Response(s.UnitSerializer(unit).data, status=status.HTTP_201_CREATED, headers={"Location": location})

    def update(self, request, path=None):
        return self._update(partial=False)

    def partial_update(self, request, path=None):
        return self._update(partial=True)

    def _update(self, *, partial: bool):
        unit = services.update_unit(
            token=self.token, unit=self.get_object(), data=self.write_data(s.UnitWriteSerializer), partial=partial
        )
        return Response(s.UnitSerializer(unit).data)


# --- positions --------------------------------------------------------------------------------------------------------

position_lookup = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="The position code.",
    examples=[OpenApiExample("A position code", value="F0001")],
)


@extend_schema_view(
    list=extend_schema(
        summary="List positions", responses={200: s.PositionSerializer(many=True), **errors(401, 403, 404)}
    ),
    retrieve=extend_schema(
        summary="One position",
        parameters=[position_lookup],
        responses={200: s.PositionSerializer, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Add a position",
        request=s.PositionWriteSerializer,
        examples=[example("A position", {"code": "F0100", "title": "Jurist", "scale": "11", "unit": "Directie"})],
        responses={201: s.PositionSerializer, **errors(400, 401, 403, 409, 413)},
    ),
    update=extend_schema(
        summary="Replace a position's data",
        parameters=[position_lookup],
        request=s.PositionWriteSerializer,
        examples=[example("Every field", {"title": "Beleidsmedewerker", "scale": "10", "unit": None})],
        responses={200: s.PositionSerializer, **errors(400, 401, 403, 404, 413)},
    ),
    partial_update=extend_schema(
        summary="Change a position",
        parameters=[position_lookup],
        request=s.PositionWriteSerializer,
        examples=[example("Title", {"title": "Senior beleidsmedewerker"})],
        responses={200: s.PositionSerializer, **errors(400, 401, 403, 404, 413)},
    ),
)
class PositionViewSet(ApiViewSet):
    """Positions (functies), by position code."""

    required_scopes = [Scope.HR_SYNC]
    lookup_field = "code"
    not_found = _("There is no position with code %(value)s.")

    def base_queryset(self):
        return Position.objects.select_related("unit").order_by("code")

    def list(self, request):
        return self.list_response(s.PositionSerializer)[1]

    def retrieve(self, request, code=None):
        return Response(s.PositionSerializer(self.get_object()).data)

    def create(self, request):
        position = services.create_position(token=self.token, data=self.write_data(s.PositionWriteSerializer))
        location = reverse("api:position-detail", kwargs={"code": position.code})
        return Response(
            s.PositionSerializer(position).data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    def update(self, request, code=None):
        return self._update(partial=False)

    def partial_update(self, request, code=None):
        return self._update(partial=True)

    def _update(self, *, partial: bool):
        position = services.update_position(
            token=self.token,
            position=self.get_object(),
            data=self.write_data(s.PositionWriteSerializer),
            partial=partial,
        )
        return Response(s.PositionSerializer(position).data)


# --- the schema and its documentation page (public) -------------------------------------------------------------------


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema. Public: it describes the API, and holds no data."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own origin (drf-spectacular-sidecar). The split view serves its start-up script as a
    separate file, so the page needs no inline script and works under our CSP (``script-src 'self'``)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "Integriteitsplein API"

    def perform_authentication(self, request):
        """Public page: no API authentication. Django's own user (anonymous, or the account logged in to the site)
        stays on the request for the template context, instead of DRF's unauthenticated ``None``."""
        request.user = request._request.user
