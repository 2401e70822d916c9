"""Anonymous means anonymous: a logged-in employee's anonymous report leaves no link to them anywhere."""

import inspect
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.urls import reverse

from plein.core.models import AuditEvent
from plein.reports import services
from plein.reports.tests import samples

IP = "192.0.2.77"
AGENT = "CanaryBrowser/9.9 (unique-agent-4411)"


def _stored_models() -> list:
    """Every model with a real table (database views and unmanaged models hold no rows of their own)."""
    tables = set(connection.introspection.table_names())
    return [m for m in apps.get_models() if m._meta.managed and m._meta.db_table in tables]


def _snapshot() -> dict:
    return {model: set(model.objects.values_list("pk", flat=True)) for model in _stored_models()}


def _new_rows(before: dict):
    for model in _stored_models():
        new = model.objects.exclude(pk__in=before.get(model, set()))
        for row in new:
            yield model, row


def test_submission_service_has_no_user_parameter():
    params = inspect.signature(services.submit_report).parameters
    assert not {"user", "actor", "reporter", "request", "session"} & set(params)


@pytest.mark.django_db
def test_anonymous_report_by_a_logged_in_employee_leaves_no_link(client, channel, handler, make_user):
    employee = make_user(first_name="Uniekevoornaam", last_name="Uniekeachternaam")
    client.force_login(employee)
    session_key = client.session.session_key
    page = client.get(reverse("reports:submit", args=[channel.code]), REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
    before = _snapshot()
    audit_before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("reports:submit", args=[channel.code]),
        {
            "form_token": token,
            "mode": "anonymous",
            "q_wat": "Iets wat ik anoniem wil melden.",
            # Filled in by mistake: must not be stored in anonymous mode.
            "name": "Uniekevoornaam Uniekeachternaam",
            "email": employee.email,
            "attachments": [samples.upload("foto.jpg", samples.jpeg_bytes(artist="Uniekeachternaam"))],
            "strip_metadata": "on",
        },
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT=AGENT,
    )
    assert response.status_code == 200
    code = re.search(r"\d{4} \d{4} \d{4} \d{4}", response.content.decode()).group(0)
    client.post(reverse("reports:receipt_login"), {"code": code}, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    client.post(reverse("reports:reporter_report"), {"text": "Nog iets"}, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)

    identifiers = {
        employee.email,
        "Uniekevoornaam",
        "Uniekeachternaam",
        session_key,
        IP,
        AGENT,
        "unique-agent-4411",
        employee.employee.personnel_number,
    }
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    checked = 0
    for model, row in _new_rows(before):
        for field in model._meta.concrete_fields:
            value = getattr(row, field.attname)
            if isinstance(field, models.ForeignKey) and field.related_model is user_model:
                assert value is None or value == handler.pk, f"{model.__name__}.{field.name} links to {value}"
                assert value != employee.pk
            if value is None:
                continue
            text = value.hex() if isinstance(value, bytes | memoryview) else str(value)
            for identifier in identifiers:
                assert identifier not in text, f"{model.__name__}.{field.name} holds {identifier!r}"
            if model._meta.app_label == "reports":
                assert str(employee.pk) != text or field.name in {"id", "report", "message"}
            checked += 1
    assert checked > 10
    for event in AuditEvent.objects.exclude(pk__in=audit_before):
        assert event.actor_id is None and event.actor_label == ""
        for identifier in identifiers:
            assert identifier not in str(event.data)
    # The session was not touched by the reporter flow, and the cache holds no address.
    assert not [key for key in client.session.keys() if key.startswith("reports")]  # noqa: SIM118
    for key in cache._cache:  # LocMemCache in tests
        assert IP not in key and AGENT not in key
