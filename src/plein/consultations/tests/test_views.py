import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from plein.consultations import selectors, services
from plein.consultations.models import Consultation, ConsultationEvent
from plein.consultations.tests.helpers import action, record, topic
from plein.core import roles as R
from plein.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0), tick=False):
        yield


@pytest.fixture
def ic(make_user):
    return make_user(R.INTEGRITY_COORDINATOR)


@pytest.fixture
def adviser(make_user):
    return make_user(R.CONFIDENTIAL_ADVISER)


def login(client, user):
    client.force_login(user)
    return client


def audit(action_name):
    return AuditEvent.objects.filter(action=action_name).order_by("seq")


def post_data(organisation, **changes):
    data = {
        "date": "2025-05-20",
        "requester": "leidinggevende",
        "topic": topic(organisation, "nevenfuncties").pk,
        "action": action(organisation, "procesadvies").pk,
        "note": "Vraag over een nevenfunctie",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- the list ---------------------------------------------------------------------------------------------------------


def test_empty_register_shows_the_empty_state_and_creates_the_default_lists(client, organisation, ic):
    response = login(client, ic).get(reverse("consultations:list"))
    assert response.status_code == 200
    assert "No consultations have been recorded yet" in response.content.decode() or "Er zijn nog geen" in (
        response.content.decode()
    )
    assert selectors.topics(organisation).count() == 7
    assert audit("consultations.listed").count() == 1


def test_ic_sees_all_and_an_adviser_only_their_own(client, organisation, ic, adviser):
    record(organisation, ic, note="van de ic")
    mine = record(organisation, adviser, topic_code="geschenken")
    response = login(client, adviser).get(reverse("consultations:list"))
    assert list(response.context["page"].object_list) == [mine]
    assert "handler" not in response.context["form"].fields  # an adviser sees only their own anyway
    assert not response.context["can_export"]
    response = login(client, ic).get(reverse("consultations:list"))
    assert response.context["page"].paginator.count == 2 and response.context["can_export"]
    event = audit("consultations.listed").last()
    assert event.actor == ic and event.role == R.INTEGRITY_COORDINATOR and event.data == {"page": 1, "shown": 2}


def test_filters_and_wrong_filter_input(client, organisation, ic, adviser):
    record(organisation, ic, date=dt.date(2024, 3, 1), requester="extern")
    record(organisation, adviser, date=dt.date(2025, 3, 1), topic_code="overig")
    client = login(client, ic)
    url = reverse("consultations:list")
    page = client.get(url, {"date_from": "2025-01-01"}).context["page"]
    assert page.paginator.count == 1
    assert client.get(url, {"requester": "extern"}).context["page"].paginator.count == 1
    overig = topic(organisation, "overig").pk
    assert client.get(url, {"topic": overig}).context["page"].paginator.count == 1
    assert client.get(url, {"handler": adviser.pk}).context["page"].paginator.count == 1
    assert client.get(url, {"action": action(organisation, "procesadvies").pk}).context["page"].paginator.count == 2
    # No matches: its own empty state.
    response = client.get(url, {"requester": "leidinggevende"})
    assert response.context["filtered"] and response.context["page"].paginator.count == 0
    # Wrong input: a message on the field, the input kept.
    response = client.get(url, {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert 'value="2025-02-01"' in response.content.decode()
    response = client.get(url, {"date_from": "gisteren", "topic": "999999", "handler": "9" * 40})
    assert set(response.context["form"].errors) == {"date_from", "topic", "handler"}


# --- create, detail, change, remove -----------------------------------------------------------------------------------


def test_record_a_consultation(client, organisation, adviser):
    response = login(client, adviser).post(reverse("consultations:create"), post_data(organisation))
    item = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("consultations:detail", args=[item.pk])
    assert item.handler == adviser and item.requester == "leidinggevende" and item.note == "Vraag over een nevenfunctie"
    assert "asker_name" not in login(client, adviser).get(reverse("consultations:create")).context["form"].fields


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"date": ""}, "date"),
        ({"date": "31-02-2025"}, "date"),
        ({"date": "2025-06-03"}, "date"),  # tomorrow
        ({"requester": None}, "requester"),
        ({"requester": "directeur"}, "requester"),
        ({"topic": ""}, "topic"),
        ({"topic": "999999"}, "topic"),
        ({"action": "abc"}, "action"),
        ({"action": "9" * 40}, "action"),  # larger than any database integer
        ({"note": "x" * 501}, "note"),
    ],
)
def test_record_with_wrong_input_keeps_what_was_typed(client, organisation, ic, changes, field):
    response = login(client, ic).post(reverse("consultations:create"), post_data(organisation, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Consultation.objects.count() == 0
    if field != "note":
        assert "Vraag over een nevenfunctie" in response.content.decode()


def test_a_retired_topic_is_not_offered(client, organisation, ic):
    retired = topic(organisation, "informatiebeveiliging")
    retired.is_active = False
    retired.save()
    response = login(client, ic).post(reverse("consultations:create"), post_data(organisation, topic=retired.pk))
    assert "topic" in response.context["form"].errors
    assert retired not in response.context["form"].fields["topic"].queryset


def test_detail_is_audited_and_shows_the_history(client, organisation, ic, adviser):
    item = record(organisation, adviser, note="Korte notitie")
    response = login(client, ic).get(reverse("consultations:detail", args=[item.pk]))
    assert response.status_code == 200 and "Korte notitie" in response.content.decode()
    assert [e.kind for e in response.context["history"]] == [ConsultationEvent.Kind.CREATED]
    event = audit("consultations.viewed").last()
    assert event.actor == ic and event.target_id == str(item.pk) and event.data == {}
    # Another adviser: refused, and no read is recorded for them.
    other = login(client, adviser.__class__.objects.get(pk=adviser.pk))
    assert other.get(reverse("consultations:detail", args=[999999])).status_code == 404


def test_change_records_history_and_wrong_input(client, organisation, adviser):
    item = record(organisation, adviser)
    client = login(client, adviser)
    url = reverse("consultations:change", args=[item.pk])
    assert client.get(url).context["form"].initial["topic"] == item.topic_id
    response = client.post(url, post_data(organisation, date="2030-01-01"))
    assert response.status_code == 200 and "date" in response.context["form"].errors
    response = client.post(url, post_data(organisation, requester="extern", topic=topic(organisation, "overig").pk))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.requester == "extern" and item.topic.code == "overig"
    changed = item.events.get(kind=ConsultationEvent.Kind.CHANGED)
    assert changed.changes["topic"] == ["nevenfuncties", "overig"]
    assert audit("consultations.changed").count() == 1
    detail = client.get(reverse("consultations:detail", args=[item.pk])).content.decode()
    assert "nevenfuncties → overig" in detail


def test_remove_needs_a_reason(client, organisation, ic, adviser):
    item = record(organisation, adviser)
    client = login(client, ic)
    url = reverse("consultations:remove", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "kort"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"]
    item.refresh_from_db()
    assert item.removed_at is None
    response = client.post(url, {"reason": "Twee keer ingevoerd"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.removed_at is not None
    assert client.get(reverse("consultations:list")).context["page"].paginator.count == 0
    # The record page still says what happened; changing is no longer possible.
    detail = client.get(reverse("consultations:detail", args=[item.pk]))
    assert "Twee keer ingevoerd" in detail.content.decode() and not detail.context["can_change"]
    assert client.get(reverse("consultations:change", args=[item.pk])).status_code == 302
    assert client.post(url, {"reason": "Nog een keer weg"}).status_code == 302
    assert item.events.filter(kind=ConsultationEvent.Kind.REMOVED).count() == 1


def test_an_adviser_cannot_reach_someone_elses_record(client, organisation, ic, adviser):
    item = record(organisation, ic)
    client = login(client, adviser)
    for name in ("consultations:detail", "consultations:change", "consultations:remove"):
        assert client.get(reverse(name, args=[item.pk])).status_code == 403
    assert client.post(reverse("consultations:remove", args=[item.pk]), {"reason": "weg ermee"}).status_code == 403
    assert Consultation.objects.current().count() == 1
    assert not audit("consultations.viewed").exists()


@pytest.mark.parametrize("role", [R.HR, R.FUNCTIONAL_ADMIN, R.MANAGER, R.AUDITOR, None])
def test_other_roles_are_refused_everywhere(client, organisation, make_user, unit, role):
    user = make_user(role, unit=unit) if role else make_user()
    client = login(client, user)
    for name in ("consultations:list", "consultations:create", "consultations:settings", "consultations:topic_create"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("consultations:export", args=["csv"])).status_code == 403


# --- export -------------------------------------------------------------------------------------------------------------


def test_export_csv_and_xlsx_with_the_import_codes(client, organisation, ic, adviser):
    record(organisation, ic, date=dt.date(2024, 2, 1), note="=SOM(A1)")
    record(organisation, adviser, date=dt.date(2024, 3, 1), requester="extern", topic_code="geschenken")
    client = login(client, ic)
    response = client.get(reverse("consultations:export", args=["csv"]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["datum", "vrager", "onderwerp", "afhandeling", "behandelaar", "notitie"]
    assert rows[1] == [
        "2024-02-01",
        "medewerker",
        "nevenfuncties",
        "procesadvies",
        ic.employee.personnel_number,
        "'=SOM(A1)",
    ]
    assert rows[2][:4] == ["2024-03-01", "extern", "geschenken", "procesadvies"]
    # Filters apply to the export too.
    response = client.get(reverse("consultations:export", args=["xlsx"]), {"requester": "extern"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:5] == ("datum", "vrager", "onderwerp", "afhandeling", "behandelaar")
    assert len(values) == 2 and values[1][1] == "extern"
    events = audit("consultations.exported")
    assert [e.data for e in events] == [{"format": "csv", "rows": 2}, {"format": "xlsx", "rows": 1}]
    assert client.get(reverse("consultations:export", args=["pdf"])).status_code == 404


def test_names_setting_adds_the_field_and_the_column(client, organisation, ic):
    client = login(client, ic)
    response = client.post(reverse("consultations:settings"), {"record_names": "on"})
    assert response.status_code == 302 and selectors.settings_for(organisation).record_names
    assert "asker_name" in client.get(reverse("consultations:create")).context["form"].fields
    client.post(reverse("consultations:create"), post_data(organisation, asker_name="Jan Jansen"))
    assert Consultation.objects.get().asker_name == "Jan Jansen"
    rows = client.get(reverse("consultations:export", args=["csv"])).content.decode("utf-8-sig").splitlines()
    assert rows[0].endswith(";naam") and rows[1].endswith(";Jan Jansen")
    client.post(reverse("consultations:settings"), {})
    assert Consultation.objects.get().asker_name == ""
    rows = client.get(reverse("consultations:export", args=["csv"])).content.decode("utf-8-sig").splitlines()
    assert "naam" not in rows[0]


# --- the lists ----------------------------------------------------------------------------------------------------------


def test_ic_adds_and_changes_a_topic_with_wrong_input_first(client, organisation, ic):
    client = login(client, ic)
    assert client.get(reverse("consultations:settings")).status_code == 200
    url = reverse("consultations:topic_create")
    good = {
        "code": "social_media",
        "name_nl": "Sociale media",
        "name_en": "Social media",
        "order": "80",
        "is_active": "on",
    }
    for bad, field in (
        ({"code": "Sociale Media"}, "code"),
        ({"code": ""}, "code"),
        ({"name_nl": ""}, "name_nl"),
        ({"order": "-1"}, "order"),
        ({"code": "nevenfuncties"}, "code"),  # already in the list
    ):
        response = client.post(url, {**good, **bad})
        assert response.status_code == 200, bad
        form = response.context["form"]
        assert field in form.errors or form.non_field_errors(), bad
        assert "Sociale media" in response.content.decode() or bad == {"name_nl": ""}
    assert not selectors.topics(organisation).filter(code="social_media").exists()
    assert client.post(url, good).status_code == 302
    entry = selectors.topics(organisation).get(code="social_media")
    response = client.post(
        reverse("consultations:topic_change", args=[entry.pk]),
        {"name_nl": "Sociale media en internet", "name_en": "Social media", "order": "5"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name_nl == "Sociale media en internet" and not entry.is_active and entry.code == "social_media"
    assert client.get(reverse("consultations:topic_change", args=[999999])).status_code == 404


def test_ic_adds_an_action(client, organisation, ic):
    client = login(client, ic)
    response = client.post(
        reverse("consultations:action_create"),
        {
            "code": "gesprek_gepland",
            "name_nl": "Vervolggesprek",
            "name_en": "Follow-up",
            "order": "60",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = selectors.actions(organisation).get(code="gesprek_gepland")
    assert client.get(reverse("consultations:action_change", args=[entry.pk])).status_code == 200
    assert audit("consultations.action_added").count() == 1
    services.ensure_default_lists(organisation)
    assert selectors.actions(organisation).count() == 6
