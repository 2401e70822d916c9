import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from plein.consultations import selectors, services
from plein.consultations.defaults import DEFAULT_ACTIONS, DEFAULT_TOPICS
from plein.consultations.models import Action, Consultation, ConsultationEvent, Topic
from plein.consultations.tests.helpers import TODAY, action, data_for, record, topic
from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ic(make_user):
    return make_user(R.INTEGRITY_COORDINATOR)


def test_default_lists_are_created_once_with_the_issue_codes(organisation):
    services.ensure_default_lists(organisation)
    services.ensure_default_lists(organisation)
    assert list(selectors.topics(organisation).values_list("code", flat=True)) == [c for c, _nl, _en in DEFAULT_TOPICS]
    assert [a.code for a in selectors.actions(organisation)] == [
        "luisterend_oor",
        "procesadvies",
        "doorverwezen_leidinggevende",
        "doorverwezen_vertrouwenspersoon",
        "melding_gedaan",
    ]
    assert Topic.objects.count() == len(DEFAULT_TOPICS) and Action.objects.count() == len(DEFAULT_ACTIONS)
    # Each organisation gets its own list.
    other = OrganisationFactory(slug="ander", name="Ander")
    services.ensure_default_lists(other)
    assert Topic.objects.filter(organisation=other).count() == len(DEFAULT_TOPICS)


def test_labels_follow_the_language(organisation):
    from django.utils import translation

    item = topic(organisation, "nevenfuncties")
    with translation.override("nl"):
        assert item.label == "Nevenfuncties"
    with translation.override("en"):
        assert item.label == "Outside activities"


def test_record_sets_the_handler_writes_history_and_audits_without_content(organisation, ic):
    item = record(organisation, ic, note="Vraag over een bijbaan", asker_name="Jan")
    assert item.handler == ic and item.note == "Vraag over een bijbaan"
    assert item.asker_name == ""  # names are off by default: not stored even when given
    assert [e.kind for e in item.events.all()] == [ConsultationEvent.Kind.CREATED]
    event = AuditEvent.objects.get(action="consultations.recorded")
    assert event.actor == ic and event.role == R.INTEGRITY_COORDINATOR and event.target_id == str(item.pk)
    assert "bijbaan" not in str(event.data) and "Jan" not in str(event.data)
    assert event.data == {"topic": "nevenfuncties", "action": "procesadvies"}


def test_names_are_stored_only_when_the_organisation_records_names(organisation, ic):
    services.update_settings(actor=ic, organisation=organisation, record_names=True)
    item = record(organisation, ic, asker_name="Jan de Vries")
    assert item.asker_name == "Jan de Vries"
    # Turning names off deletes the names already recorded.
    services.update_settings(actor=ic, organisation=organisation, record_names=False)
    item.refresh_from_db()
    assert item.asker_name == ""
    audit = AuditEvent.objects.filter(action="consultations.settings_changed").order_by("seq").last()
    assert audit.data == {"record_names": False, "names_wiped": 1}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"date": TODAY + dt.timedelta(days=1)}, "date"),
        ({"date": None}, "date"),
        ({"requester": "directeur"}, "requester"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(organisation, ic, change, field):
    item = record(organisation, ic)
    data = data_for(item, **change)
    with pytest.raises(ValidationError) as exc:
        services.record_consultation(actor=ic, organisation=organisation, data=data, today=TODAY)
    assert field in exc.value.message_dict
    assert Consultation.objects.count() == 1


def test_topic_of_another_organisation_or_not_in_use_is_refused(organisation, ic):
    other = OrganisationFactory(slug="ander", name="Ander")
    item = record(organisation, ic)
    with pytest.raises(ValidationError) as exc:
        services.record_consultation(
            actor=ic, organisation=organisation, data=data_for(item, topic=topic(other, "overig")), today=TODAY
        )
    assert "topic" in exc.value.message_dict
    retired = action(organisation, "melding_gedaan")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as exc:
        services.record_consultation(
            actor=ic, organisation=organisation, data=data_for(item, action=retired), today=TODAY
        )
    assert "action" in exc.value.message_dict


def test_change_keeps_an_appended_history_of_codes_but_not_of_the_note(organisation, ic):
    item = record(organisation, ic, note="eerste")
    changed = services.change_consultation(
        actor=ic,
        consultation=item,
        data=data_for(item, topic=topic(organisation, "geschenken"), requester="extern", note="tweede"),
        today=TODAY,
    )
    assert changed is True
    item.refresh_from_db()
    assert (item.topic.code, item.requester, item.note) == ("geschenken", "extern", "tweede")
    event = item.events.get(kind=ConsultationEvent.Kind.CHANGED)
    assert event.changes == {
        "topic": ["nevenfuncties", "geschenken"],
        "requester": ["medewerker", "extern"],
        "note": None,
    }
    assert "eerste" not in str(event.changes) and "tweede" not in str(event.changes)
    assert AuditEvent.objects.get(action="consultations.changed").data == {"fields": ["note", "requester", "topic"]}
    # Saving the same values again changes nothing and adds nothing.
    assert services.change_consultation(actor=ic, consultation=item, data=data_for(item), today=TODAY) is False
    assert item.events.count() == 2


def test_a_record_keeps_its_entry_after_the_entry_is_taken_out_of_use(organisation, ic):
    item = record(organisation, ic, topic_code="overig")
    services.save_list_entry(
        actor=ic,
        organisation=organisation,
        kind="topic",
        entry=item.topic,
        name_nl="Overig",
        name_en="Other",
        is_active=False,
    )
    item.refresh_from_db()
    assert services.change_consultation(
        actor=ic, consultation=item, data=data_for(item, requester="extern"), today=TODAY
    )


def test_remove_needs_a_reason_wipes_the_note_and_leaves_the_figures(organisation, ic):
    item = record(organisation, ic, date=dt.date(2024, 3, 1), note="iets", today=TODAY)
    assert selectors.annual_figures(organisation, 2024)["total"] == 1
    with pytest.raises(ValidationError) as exc:
        services.remove_consultation(actor=ic, consultation=item, reason="  ")
    assert "reason" in exc.value.message_dict
    services.remove_consultation(actor=ic, consultation=item, reason="Dubbel geregistreerd")
    item.refresh_from_db()
    assert item.removed_at is not None and item.note == ""
    assert item.events.last().reason == "Dubbel geregistreerd"
    assert selectors.annual_figures(organisation, 2024)["total"] == 0
    assert not selectors.visible_to(ic, organisation).exists()
    audit = AuditEvent.objects.get(action="consultations.removed")
    assert "Dubbel" not in str(audit.data)
    with pytest.raises(ValidationError):
        services.remove_consultation(actor=ic, consultation=item, reason="nog een keer")
    with pytest.raises(ValidationError):
        services.change_consultation(actor=ic, consultation=item, data=data_for(item), today=TODAY)


def test_list_entries_get_a_unique_immutable_code(organisation, ic):
    services.ensure_default_lists(organisation)
    entry = services.save_list_entry(
        actor=ic,
        organisation=organisation,
        kind="topic",
        code="social_media",
        name_nl="Sociale media",
        name_en="Social media",
    )
    assert entry.code == "social_media" and entry.is_active
    with pytest.raises(ValidationError) as exc:
        services.save_list_entry(
            actor=ic, organisation=organisation, kind="topic", code="social_media", name_nl="X", name_en="Y"
        )
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.save_list_entry(
            actor=ic, organisation=organisation, kind="action", code="Met Spatie", name_nl="X", name_en="Y"
        )
    with pytest.raises(ValidationError):
        services.save_list_entry(actor=ic, organisation=organisation, kind="action", code="ok", name_nl="", name_en="Y")
    services.save_list_entry(
        actor=ic,
        organisation=organisation,
        kind="topic",
        entry=entry,
        code="anders",
        name_nl="Social media",
        name_en="Social media",
    )
    entry.refresh_from_db()
    assert entry.code == "social_media" and entry.name_nl == "Social media"
    assert (
        AuditEvent.objects.filter(action__in=["consultations.topic_added", "consultations.topic_changed"]).count() == 2
    )
