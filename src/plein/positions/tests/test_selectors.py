import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory
from plein.positions import integrations, selectors, services
from plein.positions.models import PositionProfileHistory
from plein.positions.tests.helpers import designated, make_person, make_position, make_profile, make_vog, values

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 14)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 3, 14, 10, 0), tick=False):
        yield


# --- public surface for other apps -------------------------------------------------------------------------------


def test_designation_for_position(organisation):
    position = make_position(organisation)
    assert selectors.designation_for_position(position) == selectors.Designation()
    assert not selectors.designation_for_position(None).is_designated
    services.save_profile(actor=None, position=position, values=designated(TODAY, publish_outside_activities=True))
    position.refresh_from_db()
    designation = selectors.designation_for_position(position)
    assert designation.inventoried
    assert designation.vog_required and designation.vog_screening_areas == ("geld",)
    assert designation.is_designated_for("financial_interests")
    assert designation.is_designated_for("publish_outside_activities")
    assert not designation.is_designated_for("cybersecurity")
    assert designation.vulnerable_areas == ("geld",)
    assert designation.next_review_due == dt.date(2028, 3, 14)
    with pytest.raises(ValueError):
        designation.is_designated_for("gifts")


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("vog", "vog_required"),
        ("financial_interests", "financial_interests"),
        ("publish_outside_activities", "publish_outside_activities"),
        ("ondermijning", "ondermijning_relevant"),
        ("cybersecurity", "cybersecurity_relevant"),
    ],
)
def test_positions_designated_for(organisation, kind, field):
    wanted = make_position(organisation)
    other = make_position(organisation)
    extra = {field: True, "reviewed_on": TODAY}
    if field == "vog_required":
        extra["vog_screening_areas"] = ["informatie"]
    make_profile(wanted, **extra)
    make_profile(other, reviewed_on=TODAY)
    assert list(selectors.positions_designated_for(kind, organisation)) == [wanted]
    assert list(selectors.positions_designated_for(kind)) == [wanted]


def test_positions_designated_for_refuses_unknown_kind():
    with pytest.raises(ValueError):
        selectors.positions_designated_for("gifts")


# --- visibility --------------------------------------------------------------------------------------------------


def test_positions_visible_to_each_role(organisation, make_user):
    own = OrgUnitFactory(organisation=organisation, name="Ruimte")
    sub = OrgUnitFactory(organisation=organisation, name="Team Water", parent=own)
    other = OrgUnitFactory(organisation=organisation, name="Bedrijfsvoering")
    mine = make_position(organisation, sub)
    theirs = make_position(organisation, other)
    # A position of another unit, held by someone in the manager's unit, is theirs to review too.
    held = make_position(organisation, other)
    EmployeeFactory(organisation=organisation, unit=sub, position=held)
    manager = make_user(R.MANAGER, unit=own)
    manager_position = manager.employee.position
    for role in (R.INTEGRITY_COORDINATOR, R.HR):
        visible = set(selectors.positions_visible_to(make_user(role), organisation))
        assert {mine, theirs, held} <= visible
    assert set(selectors.positions_visible_to(manager, organisation)) == {mine, held, manager_position}
    for role in (R.AUDITOR, R.FUNCTIONAL_ADMIN, R.EDITOR, R.CONFIDENTIAL_ADVISER):
        assert not selectors.positions_visible_to(make_user(role), organisation).exists()
    assert not selectors.positions_visible_to(make_user(), organisation).exists()


def test_review_state_and_lapsed(organisation, ic_user):
    current = make_position(organisation, code="A1")
    overdue = make_position(organisation, code="A2")
    never = make_position(organisation, code="A3")
    missing = make_position(organisation, code="A4")
    make_profile(current, reviewed_on=dt.date(2024, 1, 1))
    make_profile(overdue, reviewed_on=dt.date(2021, 3, 13))  # due 2024-03-13: lapsed
    make_profile(never)
    states = {
        r.position.code: r.state
        for r in selectors.inventory_rows(selectors.positions_visible_to(ic_user, organisation), TODAY)
    }
    assert states["A1"] == selectors.ReviewState.CURRENT
    assert states["A2"] == selectors.ReviewState.OVERDUE
    assert states["A3"] == selectors.ReviewState.NEVER
    assert states["A4"] == selectors.ReviewState.NOT_INVENTORIED
    lapsed = list(selectors.lapsed_positions(ic_user, organisation, TODAY))
    assert set(lapsed) == {overdue, never}
    assert missing not in lapsed
    # Due today is not lapsed yet; due yesterday is.
    assert list(selectors.lapsed_positions(ic_user, organisation, dt.date(2024, 3, 13))) == [never]


def test_filter_positions(organisation, ic_user):
    unit = OrgUnitFactory(organisation=organisation, name="Bedrijfsvoering")
    a = make_position(organisation, unit, code="INK1", title="Inkoper")
    b = make_position(organisation, code="CIS1", title="CISO")
    c = make_position(organisation, code="BOD1", title="Bode")
    make_profile(a, vulnerable_areas={"goederen": "x"}, financial_interests=True, reviewed_on=TODAY)
    make_profile(b, cybersecurity_relevant=True, reviewed_on=TODAY)
    qs = selectors.positions_visible_to(ic_user, organisation).filter(pk__in=[a.pk, b.pk, c.pk])

    def pick(**kwargs):
        return set(selectors.filter_positions(qs, today=TODAY, **kwargs))

    assert pick(text="inkop") == {a}
    assert pick(unit=unit) == {a}
    assert pick(show="designated") == {a}
    assert pick(show="vulnerable") == {a}
    assert pick(show="cybersecurity") == {b}
    assert pick(show="not_inventoried") == {c}
    assert pick(show="bogus") == {a, b, c}


# --- review rounds -----------------------------------------------------------------------------------------------


def test_round_progress_per_unit_and_manager_scope(organisation, ic_user, make_user):
    water = OrgUnitFactory(organisation=organisation, name="Water")
    bv = OrgUnitFactory(organisation=organisation, name="BV")
    w1, w2 = make_position(organisation, water), make_position(organisation, water)
    make_position(organisation, bv)
    manager = make_user(R.MANAGER, unit=water)
    review_round = services.start_round(actor=ic_user, organisation=organisation, title="R")
    items = {i.position_id: i for i in review_round.items.all()}
    services.submit_review(actor=manager, item=items[w1.pk], values=values())
    services.approve_items(actor=ic_user, review_round=review_round, items=[items[w1.pk]])
    services.submit_review(actor=manager, item=items[w2.pk], values=values())
    progress = {p.unit_path: p for p in selectors.round_progress(ic_user, review_round)}
    assert progress["Water"].total == 2 and progress["Water"].approved == 1 and progress["Water"].submitted == 1
    assert progress["Water"].open == 0 and progress["Water"].percent == 50 and not progress["Water"].complete
    assert progress["BV"].open == 1
    # The manager sees only their own unit (and their own position, which has no unit, is held in their unit).
    mine = {p.unit_path for p in selectors.round_progress(manager, review_round)}
    assert "BV" not in mine and "Water" in mine
    assert selectors.round_items_visible_to(make_user(R.HR), review_round).count() == 0
    assert set(selectors.rounds_visible_to(manager, organisation)) == {review_round}
    assert not selectors.rounds_visible_to(make_user(R.AUDITOR), organisation).exists()
    # Left to review for the manager: only their own position (held in their unit); w1 and w2 are done.
    assert selectors.reviewable_item_ids(manager, review_round) == {items[manager.employee.position_id].pk}
    assert selectors.items_awaiting_approval(organisation).count() == 1


# --- screening ---------------------------------------------------------------------------------------------------


@pytest.fixture
def vog_position(organisation):
    position = make_position(organisation)
    services.save_profile(actor=None, position=position, values=designated(TODAY))
    return position


@pytest.fixture
def no_declarations_app(monkeypatch):
    """As if the declarations app offered no selector: its status is then unknown."""
    monkeypatch.setattr(integrations, "financial_interests_declared_ids", lambda organisation: None)


def test_designated_people_and_vog_states(organisation, vog_position, no_declarations_app):
    valid = make_person(organisation, vog_position, last_name="Geldig")
    make_vog(
        valid, requested_on=dt.date(2024, 1, 1), received_on=dt.date(2024, 1, 10), rescreening_due=dt.date(2029, 1, 10)
    )
    expired = make_person(organisation, vog_position, last_name="Verlopen")
    make_vog(
        expired,
        requested_on=dt.date(2019, 1, 1),
        received_on=dt.date(2019, 1, 10),
        rescreening_due=dt.date(2024, 1, 10),
    )
    requested = make_person(organisation, vog_position, last_name="Aangevraagd")
    make_vog(requested, requested_on=dt.date(2025, 3, 1))
    nothing = make_person(organisation, vog_position, last_name="Niets")
    make_person(
        organisation, vog_position, last_name="Vertrokken", end_date=dt.date(2025, 1, 1), start_date=dt.date(2020, 1, 1)
    )
    make_person(organisation, make_position(organisation), last_name="Zonderaanwijzing")

    people = list(selectors.designated_people(organisation, TODAY))
    assert {p.last_name for p in people} == {"Geldig", "Verlopen", "Aangevraagd", "Niets"}
    rows = {r.employee.last_name: r for r in selectors.screening_rows(people, organisation, TODAY)}
    assert rows["Geldig"].vog_state == selectors.VogState.VALID and not rows["Geldig"].vog_missing
    assert rows["Verlopen"].vog_state == selectors.VogState.EXPIRED
    assert rows["Aangevraagd"].vog_state == selectors.VogState.REQUESTED
    assert rows["Niets"].vog_state == selectors.VogState.NONE
    missing = {p.last_name for p in selectors.designated_people(organisation, TODAY, missing_only=True)}
    assert missing == {"Verlopen", "Aangevraagd", "Niets"}
    assert {p.pk for p in selectors.designated_people(organisation, TODAY, text="niets")} == {nothing.pk}
    assert valid.pk not in {
        p.pk for p in selectors.designated_people(organisation, TODAY, unit=OrgUnitFactory(organisation=organisation))
    }


def test_new_hire_checklist(organisation, vog_position, no_declarations_app):
    on_time = make_person(organisation, vog_position, last_name="Optijd", start_date=dt.date(2025, 2, 1))
    make_vog(on_time, requested_on=dt.date(2025, 1, 5), received_on=dt.date(2025, 1, 20))
    services.record_outside_activities_talk(actor=None, employee=on_time, held_on=dt.date(2025, 1, 3))
    late = make_person(organisation, vog_position, last_name="Telaat", start_date=dt.date(2025, 1, 6))
    make_vog(late, requested_on=dt.date(2025, 1, 5), received_on=dt.date(2025, 1, 20))
    make_person(organisation, vog_position, last_name="Straks", start_date=dt.date(2025, 4, 1))
    make_person(organisation, vog_position, last_name="Lang", start_date=dt.date(2015, 4, 1))
    plain = make_position(organisation)
    make_profile(plain, reviewed_on=TODAY)
    make_person(organisation, plain, last_name="Geenaanwijzing", start_date=dt.date(2025, 2, 1))

    hires = list(selectors.new_hires(organisation, TODAY))
    assert [h.last_name for h in hires] == ["Telaat", "Optijd", "Straks"]
    rows = {r.employee.last_name: r for r in selectors.screening_rows(hires, organisation, TODAY)}

    def status(name, code):
        return next(i.status for i in rows[name].checklist if i.code == code)

    assert status("Optijd", "vog") == selectors.Status.DONE
    assert status("Optijd", "talk") == selectors.Status.DONE
    assert status("Telaat", "vog") == selectors.Status.LATE
    assert status("Telaat", "talk") == selectors.Status.MISSING
    assert status("Straks", "vog") == selectors.Status.OPEN
    assert [i.code for i in rows["Telaat"].missing] == ["vog", "talk"]
    assert selectors.new_hires_missing_count(organisation, TODAY) == 2  # Telaat (talk) and Straks (VOG, talk)


def test_declaration_status_unknown_without_the_declarations_app(organisation, vog_position, no_declarations_app):
    person = make_person(organisation, vog_position, start_date=dt.date(2025, 2, 1))
    make_vog(person, requested_on=dt.date(2025, 1, 1), received_on=dt.date(2025, 1, 10))
    row = selectors.screening_rows([person], organisation, TODAY)[0]
    assert row.financial_interests_state == selectors.Status.UNKNOWN
    item = next(i for i in row.checklist if i.code == "financial_interests")
    assert item.status == selectors.Status.UNKNOWN and item.note
    assert not item.missing
    # Unknown is not counted as missing: the overview cannot tell, and says so.
    assert not selectors.designated_people(organisation, TODAY, missing_only=True).filter(pk=person.pk).exists()


def test_declaration_status_from_the_declarations_selector(organisation, vog_position, monkeypatch):
    declared = make_person(organisation, vog_position, last_name="Gemeld")
    open_ = make_person(organisation, vog_position, last_name="Nietgemeld")
    make_vog(declared, requested_on=dt.date(2024, 1, 1), received_on=dt.date(2024, 1, 2))
    make_vog(open_, requested_on=dt.date(2024, 1, 1), received_on=dt.date(2024, 1, 2))

    class FakeDeclarations:
        @staticmethod
        def employees_with_financial_interests_declared(org):
            return type(declared).objects.filter(organisation=org, pk=declared.pk).values("pk")

    monkeypatch.setattr(integrations, "_selectors", lambda app: FakeDeclarations if app == "declarations" else None)
    rows = {r.employee.pk: r for r in selectors.screening_rows([declared, open_], organisation, TODAY)}
    assert rows[declared.pk].financial_interests_state == selectors.Status.DONE
    assert rows[open_.pk].financial_interests_state == selectors.Status.MISSING
    missing = selectors.designated_people(organisation, TODAY, missing_only=True)
    assert list(missing) == [open_]


def test_oath_status_comes_from_the_oaths_app(organisation, vog_position, make_user):
    """The oath item reads the oaths app's selectors: open, overdue (missing) or done, and absent without obligation."""
    from plein.oaths import services as oath_services
    from plein.oaths.tests.factories import texts

    texts(organisation)
    recent = make_person(organisation, vog_position, start_date=dt.date(2025, 2, 1), employment_type="vast")
    overdue = make_person(organisation, vog_position, start_date=dt.date(2024, 10, 1), employment_type="vast")
    external = make_person(organisation, vog_position, start_date=dt.date(2025, 2, 1), employment_type="inhuur")

    def oath(person):
        row = selectors.screening_rows([person], organisation, TODAY)[0]
        return next((i.status for i in row.checklist if i.code == "oath"), None)

    assert oath(recent) == selectors.Status.OPEN  # obliged, not yet due
    assert oath(overdue) == selectors.Status.MISSING
    assert oath(external) is None  # no oath obligation for hired staff
    oath_services.register_individual_oath(
        actor=make_user(R.HR),
        employee=overdue,
        form="eed",
        taken_on=dt.date(2025, 3, 1),
        sworn_before="De provinciesecretaris",
        today=TODAY,
    )
    assert oath(overdue) == selectors.Status.DONE


def test_oath_status_unknown_without_the_oaths_app(organisation, vog_position, monkeypatch):
    monkeypatch.setattr(integrations, "_selectors", lambda app: None)
    person = make_person(organisation, vog_position, start_date=dt.date(2025, 2, 1))
    row = selectors.screening_rows([person], organisation, TODAY)[0]
    item = next(i for i in row.checklist if i.code == "oath")
    assert item.status == selectors.Status.UNKNOWN and item.note
    assert row.financial_interests_state == selectors.Status.UNKNOWN


def test_own_screening(organisation, vog_position, make_user):
    user = make_user(position=vog_position)
    person = selectors.own_screening(user, TODAY)
    assert person is not None and person.vog_missing
    assert selectors.own_screening(make_user(), TODAY) is None  # position without a designation


# --- coverage, export and figures --------------------------------------------------------------------------------


def test_coverage_per_unit(organisation, vog_position):
    unit = vog_position.unit
    empty = OrgUnitFactory(organisation=organisation, name="Leeg")
    make_position(organisation, unit)  # not inventoried
    lapsed = make_position(organisation, unit)
    make_profile(lapsed, reviewed_on=dt.date(2020, 1, 1))
    PositionFactory(organisation=organisation, unit=None)
    with_vog = make_person(organisation, vog_position)
    make_vog(with_vog, requested_on=dt.date(2024, 1, 1), received_on=dt.date(2024, 1, 2))
    make_person(organisation, vog_position)
    rows, total = selectors.coverage_per_unit(organisation, TODAY)
    by_unit = {row.unit.pk if row.unit else None: row for row in rows}
    row = by_unit[unit.pk]
    assert (row.positions, row.inventoried, row.current, row.vulnerable, row.vog_required) == (3, 2, 1, 1, 1)
    assert (row.people_vog_required, row.people_valid_vog, row.vog_percent) == (2, 1, 50)
    assert row.inventoried_percent == 67
    assert by_unit[empty.pk].positions == 0
    assert by_unit[None].positions >= 1
    assert total.positions == sum(r.positions for r in rows)
    assert total.people_vog_required == 2


def test_coverage_query_count_is_constant(organisation, vog_position):
    def measure():
        with CaptureQueriesContext(connection) as ctx:
            selectors.coverage_per_unit(organisation, TODAY)
        return len(ctx.captured_queries)

    small = measure()
    for n in range(15):
        unit = OrgUnitFactory(organisation=organisation)
        position = make_position(organisation, unit)
        make_profile(position, vulnerable_areas={"geld": "x"}, reviewed_on=TODAY)
        make_vog(
            make_person(organisation, vog_position), requested_on=dt.date(2024, 1, 1), received_on=dt.date(2024, 1, 2)
        )
    assert measure() == small == 3


def test_export_rows_match_the_import_columns(organisation):
    unit = OrgUnitFactory(organisation=organisation, name="Bedrijfsvoering")
    a = make_position(organisation, unit, code="BV14", title="=CISO")
    b = make_position(organisation, unit, code="BV10", title="Inkoper")
    make_position(organisation, unit, code="BV99", title="Zonder")
    make_profile(
        a,
        vulnerable_areas={"informatie": "Beheert de beveiliging.", "proces": "Kan systemen stilleggen."},
        cybersecurity_relevant=True,
        reviewed_on=dt.date(2024, 6, 1),
    )
    make_profile(
        b, vulnerable_areas={"zakelijke_transacties": "Aanbestedingen."}, ondermijning_relevant=True, reviewed_on=TODAY
    )
    rows = selectors.designated_positions_for_export(organisation, "all")
    assert [r[0] for r in rows] == ["BV10", "BV14"]
    ciso = dict(zip(selectors.EXPORT_HEADERS, rows[1], strict=True))
    assert ciso["functienaam"] == "=CISO"  # neutralised by core.exports when written
    assert ciso["organisatieonderdeel"] == "Bedrijfsvoering"
    assert ciso["kwetsbare_gebieden"] == "informatie|proces"
    assert ciso["vog_vereist"] == "nee" and ciso["cybersecurity"] == "ja"
    assert ciso["laatst_beoordeeld"] == dt.date(2024, 6, 1)
    assert "Kan systemen stilleggen." in ciso["toelichting"]
    assert [r[0] for r in selectors.designated_positions_for_export(organisation, "cybersecurity")] == ["BV14"]
    assert [r[0] for r in selectors.designated_positions_for_export(organisation, "ondermijning")] == ["BV10"]


def test_annual_figures_follow_the_history(organisation):
    """Stock figures are the state at 31 December, rebuilt from the history; flows count by their date."""
    a, b, c = (make_position(organisation) for _ in range(3))
    with time_machine.travel(dt.datetime(2023, 5, 1, 12), tick=False):
        services.save_profile(actor=None, position=a, values=designated(dt.date(2023, 5, 1)))
        services.save_profile(actor=None, position=b, values=values(vulnerable_areas={"informatie": "x"}))
        services.record_vog(
            actor=None,
            employee=make_person(organisation, a),
            requested_on=dt.date(2023, 4, 1),
            received_on=dt.date(2023, 4, 20),
            valid_from=dt.date(2023, 4, 18),
        )
    with time_machine.travel(dt.datetime(2024, 2, 1, 12), tick=False):
        # In 2024 the VOG requirement of a is dropped and c is added as a VOG position.
        services.save_profile(
            actor=None, position=a, values=values(vulnerable_areas={"geld": "x"}, reviewed_on=dt.date(2024, 2, 1))
        )
        services.save_profile(actor=None, position=c, values=designated(dt.date(2020, 1, 1)))
        services.start_round(actor=None, organisation=organisation, title="Ronde 2024")

    y2023 = selectors.annual_figures(organisation, 2023)
    assert y2023["positions_inventoried"] == 2
    assert y2023["vulnerable"] == 2
    assert y2023["vog_required"] == 1
    assert y2023["financial_interests"] == 1
    assert y2023["review_overdue"] == 1  # b was never reviewed
    assert y2023["positions_reviewed"] == 1
    assert y2023["vog_received"] == 1
    assert y2023["rounds_started"] == 0

    y2024 = selectors.annual_figures(organisation, 2024)
    assert y2024["positions_inventoried"] == 3
    assert y2024["vulnerable"] == 3
    assert y2024["vog_required"] == 1  # c only
    assert y2024["review_overdue"] == 2  # b never reviewed; c due 2023-01-01
    assert y2024["positions_reviewed"] == 1  # a on 2024-02-01 (c's review date is in 2020)
    assert y2024["vog_received"] == 0
    assert y2024["rounds_started"] == 1 and y2024["rounds_completed"] == 0
    assert all(isinstance(v, int) for v in y2024.values())
    assert selectors.annual_figures(organisation, 2022)["positions_inventoried"] == 0


def test_history_rows_are_kept_per_version(organisation):
    position = make_position(organisation)
    profile = make_profile(position)
    make_profile(position, vulnerable_areas={"geld": "x"})
    assert list(selectors.position_history(profile).values_list("version", flat=True)) == [2, 1]
    assert PositionProfileHistory.objects.filter(profile=profile).count() == 2


def test_the_declarations_app_selector_is_found(organisation, vog_position):
    """The declarations app offers ``employees_with_financial_interests_declared``; the checklist reads it."""
    declared = integrations.financial_interests_declared_ids(organisation)
    assert declared is not None
    person = make_person(organisation, vog_position)
    assert not declared.filter(pk=person.pk).exists()
    row = selectors.screening_rows([person], organisation, TODAY)[0]
    assert row.financial_interests_state == selectors.Status.MISSING
