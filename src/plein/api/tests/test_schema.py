"""The OpenAPI schema and its documentation page, and a schemathesis run of the whole API against the schema.

The schemathesis run is in-process (WSGI, no server), with a valid ``hr.sync`` token and a bounded number of examples
per operation. It asserts that no request gets a server error (5xx) and that every response conforms to the schema:
documented status code, content type, body and headers.
"""

import json
import re

import pytest
import schemathesis
import yaml
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings

from plein.api.models import Scope
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12


def test_the_schema_is_public_and_describes_the_api():
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/people",
        "/api/v1/people/{personnel_number}",
        "/api/v1/people/sync",
        "/api/v1/units",
        "/api/v1/units/{path}",
        "/api/v1/positions",
        "/api/v1/positions/{code}",
    } <= paths
    assert all(path.startswith("/api/v1/") for path in paths)  # the schema and docs views are not in it
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiToken"]["description"],
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"apiToken": []}], (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
    people = schema["paths"]["/api/v1/people"]
    assert set(people) == {"get", "post"}  # no delete: people leave with an end date
    assert set(schema["paths"]["/api/v1/people/{personnel_number}"]) == {"get", "put", "patch"}
    assert "report" not in json.dumps(schema).lower().replace("report contents never pass here", "")


def test_the_schema_as_json():
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content)["info"]["title"] == "Integriteitsplein API"


def test_the_docs_page_is_public_and_needs_no_inline_script():
    response = Client().get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 4  # Swagger UI, its preset, its start-up script and our accessibility fixes
    for attributes, body in scripts:
        assert body.strip() == "" and 'src="/' in attributes  # from our own origin, nothing inline
    assert "<style" not in html and " style=" not in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp

    script_url = re.findall(r'<script src="([^"]+\?[^"]*script[^"]*)"', html)[0].replace("&amp;", "&")
    script = Client().get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    body = script.content.decode()
    assert "SwaggerUIBundle" in body and '"/api/schema/"' in body
    assert '"validatorUrl": null' in body  # Swagger UI would otherwise load a badge from another origin


def test_the_docs_static_files_are_installed():
    from django.contrib.staticfiles import finders

    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css", "favicon-32x32.png"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}"), name
    assert finders.find("api/docs.css") and finders.find("api/docs.js")


# --- schemathesis -----------------------------------------------------------------------------------------------------


def load_schema():
    """The schema as the app serves it, loaded in-process through WSGI. Fuzzing: valid and invalid data (positive
    and negative), a bounded number of examples per operation, deterministic, no stateful phase."""
    from plein.wsgi import application

    config = schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "all",
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)


schema = load_schema()

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]


@pytest.fixture
def in_process_requests():
    """Requests through the real WSGI handler would close the database connection when they finish, and with it the
    test's transaction (on PostgreSQL). Django's own test client avoids that the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_header(organisation, make_token, in_process_requests):
    """A valid hr.sync token, and some data for the reads and updates to find."""
    _token, raw = make_token(Scope.HR_SYNC)
    directie = OrgUnitFactory(organisation=organisation, name="Directie", kind="directie")
    EmployeeFactory(organisation=organisation, personnel_number="100001", unit=directie)
    PositionFactory(organisation=organisation, code="F0001")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_schema_and_never_fails_on_the_server(case, token_header):
    response = case.call(headers=token_header)
    case.validate_response(response, checks=CHECKS, headers=token_header)
