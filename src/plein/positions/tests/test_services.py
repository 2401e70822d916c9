import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import OrgUnitFactory
from plein.positions import services
from plein.positions.models import (
    OutsideActivitiesTalk,
    PositionProfile,
    PositionProfileHistory,
    ReviewItem,
    ReviewRound,
    VogScreening,
)
from plein.positions.tests.helpers import designated, make_person, make_position, make_profile, values

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 14)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 3, 14, 10, 0), tick=False):
        yield


# --- the inventory -----------------------------------------------------------------------------------------------


def test_save_profile_creates_profile_history_and_audit_event(organisation, ic_user):
    position = make_position(organisation)
    profile = services.save_profile(
        actor=ic_user, position=position, values=designated(dt.date(2025, 1, 10), reviewed_by=ic_user), role="ic"
    )
    assert profile.vog_required and profile.financial_interests and profile.is_vulnerable
    assert profile.next_review_due == dt.date(2028, 1, 10)  # POSITION_REVIEW_YEARS = 3
    assert profile.reviewed_by == ic_user
    history = list(profile.history.all())
    assert len(history) == 1
    assert history[0].change == PositionProfileHistory.Change.CREATED
    assert history[0].snapshot["vulnerable_areas"] == {"geld": "Keurt betalingen goed."}
    assert history[0].snapshot["next_review_due"] == "2028-01-10"
    event = AuditEvent.objects.get(action="positions.profile_saved")
    assert event.target_id == str(profile.pk)
    # No content in the audit log: field names and numbers only.
    assert "Keurt" not in str(event.data)
    assert event.data["fields"]


def test_review_period_is_configurable(organisation, settings):
    settings.PLEIN = {**settings.PLEIN, "POSITION_REVIEW_YEARS": 5}
    profile = services.save_profile(actor=None, position=make_position(organisation), values=designated(TODAY))
    assert profile.next_review_due == dt.date(2030, 3, 14)


def test_every_change_appends_a_version_and_no_change_writes_nothing(organisation, ic_user):
    position = make_position(organisation)
    profile = make_profile(position, actor=ic_user, vulnerable_areas={"informatie": "Vertrouwelijke stukken."})
    changed = values(
        vulnerable_areas={"informatie": "Vertrouwelijke stukken."},
        ondermijning_relevant=True,
        reviewed_on=dt.date(2025, 3, 1),
    )
    services.save_profile(actor=ic_user, position=position, values=changed)
    # Same values again: nothing is written.
    services.save_profile(actor=ic_user, position=position, values=changed)
    profile.refresh_from_db()
    assert profile.version == 2
    versions = list(profile.history.order_by("version").values_list("version", "changed_fields"))
    assert versions[0][0] == 1
    assert versions[1] == (2, ["ondermijning_relevant", "reviewed_on", "next_review_due"])
    assert AuditEvent.objects.filter(action="positions.profile_saved").count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"vulnerable_areas": {"hacken": "x"}}, "vulnerable_areas"),
        ({"vog_required": True, "vog_screening_areas": []}, "vog_screening_areas"),
        ({"vog_screening_areas": ["geld"]}, "vog_screening_areas"),
        ({"vog_required": True, "vog_screening_areas": ["onbekend"]}, "vog_screening_areas"),
        ({"financial_interests": True}, "reviewed_on"),
        ({"reviewed_on": dt.date(2025, 3, 15)}, "reviewed_on"),
        ({"risk_level": "extreem"}, "risk_level"),
        ({"vulnerable_areas": {"geld": "x" * 501}}, "rationale_geld"),
    ],
)
def test_bad_profile_values_are_refused_and_nothing_is_saved(organisation, overrides, field):
    position = make_position(organisation)
    with pytest.raises(ValidationError) as exc:
        services.save_profile(actor=None, position=position, values=values(**overrides))
    assert field in exc.value.message_dict
    assert not PositionProfile.objects.exists()
    assert not PositionProfileHistory.objects.exists()


def test_history_is_append_only(organisation):
    profile = make_profile(make_position(organisation))
    row = profile.history.get()
    row.change = "updated"
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()
    with pytest.raises(RuntimeError):
        PositionProfileHistory.objects.filter(pk=row.pk).update(change="updated")
    with pytest.raises(RuntimeError):
        PositionProfileHistory.objects.filter(pk=row.pk).delete()


# --- review rounds -----------------------------------------------------------------------------------------------


def test_start_round_for_a_unit_takes_its_subtree_only(organisation, ic_user):
    top = OrgUnitFactory(organisation=organisation, name="Ruimte")
    sub = OrgUnitFactory(organisation=organisation, name="Team Water", parent=top)
    other = OrgUnitFactory(organisation=organisation, name="Bedrijfsvoering")
    inside = [make_position(organisation, top), make_position(organisation, sub)]
    make_position(organisation, other)
    review_round = services.start_round(actor=ic_user, organisation=organisation, title="Ronde 2025", unit=top)
    assert set(review_round.items.values_list("position_id", flat=True)) == {p.pk for p in inside}
    assert set(review_round.items.values_list("unit_id", flat=True)) == {top.pk, sub.pk}
    event = AuditEvent.objects.get(action="positions.round_started")
    assert event.data == {"unit": top.pk, "positions": 2}


def test_start_round_skips_positions_in_an_open_round_and_refuses_when_none_are_left(organisation, ic_user):
    unit = OrgUnitFactory(organisation=organisation)
    make_position(organisation, unit)
    services.start_round(actor=ic_user, organisation=organisation, title="Eerste")
    with pytest.raises(ValidationError):
        services.start_round(actor=ic_user, organisation=organisation, title="Tweede")
    assert ReviewRound.objects.count() == 1
    make_position(organisation, unit)
    second = services.start_round(actor=ic_user, organisation=organisation, title="Tweede")
    assert second.items.count() == 1


@pytest.mark.parametrize("kwargs", [{"title": " "}, {"title": "Ronde", "due_date": dt.date(2025, 3, 13)}])
def test_start_round_refuses_bad_input(organisation, ic_user, kwargs):
    make_position(organisation)
    with pytest.raises(ValidationError):
        services.start_round(actor=ic_user, organisation=organisation, **kwargs)
    assert not ReviewRound.objects.exists()


def test_review_approve_and_complete(organisation, ic_user, make_user):
    unit = OrgUnitFactory(organisation=organisation)
    first, second = make_position(organisation, unit), make_position(organisation, unit)
    manager = make_user(R.MANAGER, unit=unit)
    review_round = services.start_round(actor=ic_user, organisation=organisation, title="Ronde", unit=unit)
    item1 = review_round.items.get(position=first)
    item2 = review_round.items.get(position=second)

    # The manager designates the position; the review date follows on approval.
    services.submit_review(
        actor=manager,
        item=item1,
        values=values(vog_required=True, vog_screening_areas=["informatie"], vulnerable_areas={"informatie": "x"}),
        comment="Nieuwe taak: toegang tot dossiers.",
    )
    item1.refresh_from_db()
    assert item1.status == ReviewItem.Status.SUBMITTED and item1.reviewed_by == manager
    profile = PositionProfile.objects.get(position=first)
    assert profile.vog_required and profile.reviewed_on is None

    with pytest.raises(ValidationError):
        services.submit_review(actor=manager, item=item1, values=values())

    assert services.approve_items(actor=ic_user, review_round=review_round, items=[item1, item2]) == 1
    profile.refresh_from_db()
    assert profile.reviewed_on == TODAY and profile.reviewed_by == manager
    assert profile.next_review_due == dt.date(2028, 3, 14)
    assert profile.history.order_by("-version").first().change == PositionProfileHistory.Change.ROUND_APPROVED
    review_round.refresh_from_db()
    assert review_round.status == ReviewRound.Status.OPEN  # the second position is still open

    services.submit_review(actor=manager, item=item2, values=values())
    services.approve_items(actor=ic_user, review_round=review_round, items=[item2])
    review_round.refresh_from_db()
    assert review_round.status == ReviewRound.Status.COMPLETED
    assert review_round.completed_at is not None
    assert PositionProfile.objects.get(position=second).reviewed_on == TODAY
    with pytest.raises(ValidationError):
        services.approve_items(actor=ic_user, review_round=review_round, items=[item2])


def test_return_item_needs_a_reason_and_reopens_it(organisation, ic_user, make_user):
    unit = OrgUnitFactory(organisation=organisation)
    position = make_position(organisation, unit)
    manager = make_user(R.MANAGER, unit=unit)
    review_round = services.start_round(actor=ic_user, organisation=organisation, title="Ronde", unit=unit)
    item = review_round.items.get()
    with pytest.raises(ValidationError):
        services.return_item(actor=ic_user, item=item, comment="Nog niet bekeken")  # not reviewed yet
    services.submit_review(actor=manager, item=item, values=values())
    with pytest.raises(ValidationError):
        services.return_item(actor=ic_user, item=item, comment="  ")
    services.return_item(actor=ic_user, item=item, comment="Vul de toelichting aan.")
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.RETURNED
    assert item.comment == "Vul de toelichting aan."
    # Sent back: the manager may review again.
    services.submit_review(actor=manager, item=item, values=values(ondermijning_relevant=True))
    assert PositionProfile.objects.get(position=position).ondermijning_relevant


def test_closed_round_refuses_reviews(organisation, ic_user, make_user):
    unit = OrgUnitFactory(organisation=organisation)
    make_position(organisation, unit)
    manager = make_user(R.MANAGER, unit=unit)
    review_round = services.start_round(actor=ic_user, organisation=organisation, title="Ronde", unit=unit)
    ReviewRound.objects.filter(pk=review_round.pk).update(status=ReviewRound.Status.COMPLETED)
    with pytest.raises(ValidationError):
        services.submit_review(actor=manager, item=review_round.items.get(), values=values())
    assert not PositionProfile.objects.exists()


# --- screening ---------------------------------------------------------------------------------------------------


def test_record_vog_keeps_dates_only_and_sets_rescreening(organisation, make_user):
    hr = make_user(R.HR)
    person = make_person(organisation, make_position(organisation))
    vog = services.record_vog(
        actor=hr,
        employee=person,
        requested_on=dt.date(2025, 1, 2),
        received_on=dt.date(2025, 1, 20),
        valid_from=dt.date(2025, 1, 18),
    )
    assert vog.rescreening_due == dt.date(2030, 1, 18)  # VOG_RESCREENING_YEARS = 5
    assert vog.position == person.position
    event = AuditEvent.objects.get(action="positions.vog_recorded")
    assert event.data == {"employee": person.pk}


def test_no_periodic_rescreening_when_configured_off(organisation, settings):
    settings.PLEIN = {**settings.PLEIN, "VOG_RESCREENING_YEARS": 0}
    person = make_person(organisation, make_position(organisation))
    vog = services.record_vog(actor=None, employee=person, requested_on=TODAY, received_on=TODAY, valid_from=TODAY)
    assert vog.rescreening_due is None


@pytest.mark.parametrize(
    "dates",
    [
        {"requested_on": dt.date(2025, 3, 15)},
        {"requested_on": dt.date(2025, 1, 10), "received_on": dt.date(2025, 1, 9)},
        {"requested_on": dt.date(2025, 1, 10), "valid_from": dt.date(2025, 1, 10)},
        {"requested_on": dt.date(2025, 1, 10), "received_on": dt.date(2025, 3, 20)},
        {"requested_on": dt.date(2025, 1, 1), "received_on": dt.date(2025, 1, 5), "valid_from": dt.date(2025, 1, 6)},
        {
            "requested_on": dt.date(2025, 1, 1),
            "received_on": dt.date(2025, 1, 5),
            "valid_from": dt.date(2025, 1, 5),
            "rescreening_due": dt.date(2025, 1, 5),
        },
    ],
)
def test_bad_vog_dates_are_refused(organisation, dates):
    person = make_person(organisation, make_position(organisation))
    with pytest.raises(ValidationError):
        services.record_vog(actor=None, employee=person, **dates)
    assert not VogScreening.objects.exists()


def test_update_vog_completes_a_request(organisation, make_user):
    hr = make_user(R.HR)
    person = make_person(organisation, make_position(organisation))
    vog = services.record_vog(actor=hr, employee=person, requested_on=dt.date(2025, 2, 1))
    services.update_vog(
        actor=hr, screening=vog, requested_on=dt.date(2025, 2, 1), received_on=TODAY, valid_from=dt.date(2025, 3, 10)
    )
    vog.refresh_from_db()
    assert vog.received_on == TODAY and vog.rescreening_due == dt.date(2030, 3, 10)
    assert AuditEvent.objects.get(action="positions.vog_updated").data["fields"] == [
        "received_on",
        "valid_from",
        "rescreening_due",
    ]
    with pytest.raises(ValidationError):
        services.update_vog(actor=hr, screening=vog, requested_on=dt.date(2025, 2, 1), valid_from=TODAY)
    vog.refresh_from_db()
    assert vog.received_on == TODAY


def test_outside_activities_talk_is_recorded_once_per_person(organisation):
    person = make_person(organisation, make_position(organisation))
    services.record_outside_activities_talk(actor=None, employee=person, held_on=dt.date(2025, 2, 1))
    services.record_outside_activities_talk(actor=None, employee=person, held_on=dt.date(2025, 2, 3))
    assert OutsideActivitiesTalk.objects.get().held_on == dt.date(2025, 2, 3)
    with pytest.raises(ValidationError):
        services.record_outside_activities_talk(actor=None, employee=person, held_on=dt.date(2025, 3, 15))
