from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory
from plein.oaths import selectors
from plein.oaths.models import Form, Registration
from plein.oaths.selectors import STATUS_DONE, STATUS_DUE, STATUS_OVERDUE
from plein.oaths.tests.factories import CeremonyFactory, RegistrationFactory, taken

pytestmark = pytest.mark.django_db


def status(employee, today):
    obligation = selectors.obligation_for(employee, today=today)
    return obligation.status if obligation else None


class TestObligationStatus:
    def test_leap_day_start_due_until_29_may(self, organisation):
        employee = EmployeeFactory(organisation=organisation, start_date=date(2024, 2, 29))
        obligation = selectors.obligation_for(employee, today=date(2024, 5, 29))
        assert obligation.due_date == date(2024, 5, 29)
        assert obligation.status == STATUS_DUE
        assert status(employee, date(2024, 5, 30)) == STATUS_OVERDUE

    @time_machine.travel(date(2024, 5, 30), tick=False)
    def test_frozen_time_overview_uses_today(self, organisation, settings):
        from django.utils import timezone

        employee = EmployeeFactory(organisation=organisation, start_date=date(2024, 2, 29))
        assert status(employee, timezone.localdate()) == STATUS_OVERDUE

    def test_start_in_november_due_in_leap_february(self, organisation):
        employee = EmployeeFactory(organisation=organisation, start_date=date(2023, 11, 30))
        assert selectors.obligation_for(employee, today=date(2024, 1, 1)).due_date == date(2024, 2, 29)
        assert status(employee, date(2024, 2, 29)) == STATUS_DUE
        assert status(employee, date(2024, 3, 1)) == STATUS_OVERDUE

    def test_done_when_oath_taken(self, organisation):
        employee = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 8))
        taken(employee, date(2024, 6, 13), form=Form.AFFIRMATION)
        obligation = selectors.obligation_for(employee, today=date(2024, 7, 1))
        assert obligation.status == STATUS_DONE
        assert obligation.taken_on == date(2024, 6, 13)
        assert obligation.form == Form.AFFIRMATION

    def test_registered_is_not_done(self, organisation):
        employee = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 8))
        RegistrationFactory(organisation=organisation, employee=employee)
        assert status(employee, date(2024, 2, 1)) == STATUS_DUE

    def test_externals_and_leavers_have_no_obligation(self, organisation):
        external = EmployeeFactory(organisation=organisation, employment_type="inhuur", start_date=date(2024, 1, 1))
        left = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1), end_date=date(2024, 3, 1))
        no_start = EmployeeFactory(organisation=organisation, start_date=None)
        assert selectors.obligation_for(external, today=date(2024, 6, 1)) is None
        assert selectors.obligation_for(left, today=date(2024, 6, 1)) is None
        assert selectors.obligation_for(left, today=date(2024, 2, 1)).status == STATUS_DUE
        assert selectors.obligation_for(no_start, today=date(2024, 6, 1)) is None

    def test_future_starter_is_due(self, organisation):
        employee = EmployeeFactory(organisation=organisation, start_date=date(2024, 9, 1))
        assert status(employee, date(2024, 8, 1)) == STATUS_DUE


class TestConfiguration:
    def test_changed_term(self, organisation, settings):
        employee = EmployeeFactory(organisation=organisation, start_date=date(2024, 2, 29))
        assert status(employee, date(2024, 6, 1)) == STATUS_OVERDUE
        settings.PLEIN = {**settings.PLEIN, "OATH_TERM_MONTHS": 6}
        obligation = selectors.obligation_for(employee, today=date(2024, 6, 1))
        assert obligation.due_date == date(2024, 8, 29)
        assert obligation.status == STATUS_DUE

    def test_changed_employment_types(self, organisation, settings):
        external = EmployeeFactory(organisation=organisation, employment_type="inhuur", start_date=date(2024, 1, 1))
        intern = EmployeeFactory(organisation=organisation, employment_type="stagiair", start_date=date(2024, 1, 1))
        assert selectors.obligation_for(external, today=date(2024, 2, 1)) is None
        settings.PLEIN = {**settings.PLEIN, "OATH_EMPLOYMENT_TYPES": ["vast", "tijdelijk", "inhuur"]}
        assert status(external, date(2024, 2, 1)) == STATUS_DUE
        assert selectors.obligation_for(intern, today=date(2024, 2, 1)) is None


class TestReEntry:
    """Someone who left and came back: same personnel number, a new start date."""

    @pytest.fixture
    def returner(self, organisation):
        employee = EmployeeFactory(organisation=organisation, start_date=date(2018, 3, 1))
        taken(employee, date(2018, 4, 12))
        # Left in 2021 and came back on 1 February 2024.
        employee.start_date = date(2024, 2, 1)
        employee.end_date = None
        employee.save()
        return employee

    def test_earlier_oath_counts_by_default(self, returner):
        obligation = selectors.obligation_for(returner, today=date(2024, 6, 1))
        assert obligation.status == STATUS_DONE
        assert obligation.taken_on == date(2018, 4, 12)

    def test_new_oath_needed_when_configured(self, returner, settings):
        settings.PLEIN = {**settings.PLEIN, "OATH_EARLIER_OATH_COUNTS": False}
        assert status(returner, date(2024, 4, 1)) == STATUS_DUE
        assert status(returner, date(2024, 5, 2)) == STATUS_OVERDUE
        taken(returner, date(2024, 5, 16))
        obligation = selectors.obligation_for(returner, today=date(2024, 6, 1))
        assert obligation.status == STATUS_DONE
        assert obligation.taken_on == date(2024, 5, 16)


class TestVisibility:
    def test_manager_sees_own_units_only(self, organisation, make_user):
        own = OrgUnitFactory(organisation=organisation, name="Water")
        sub = OrgUnitFactory(organisation=organisation, name="Dijken", parent=own)
        other = OrgUnitFactory(organisation=organisation, name="Financiën")
        mine = EmployeeFactory(organisation=organisation, unit=sub, start_date=date(2024, 1, 1))
        theirs = EmployeeFactory(organisation=organisation, unit=other, start_date=date(2024, 1, 1))
        manager = make_user(R.MANAGER, unit=own)
        seen = set(selectors.obligations_visible_to(manager, organisation, today=date(2024, 6, 1)))
        assert mine in seen
        assert theirs not in seen

    @pytest.mark.parametrize("role", [R.HR, R.INTEGRITY_COORDINATOR])
    def test_hr_and_ic_see_everyone(self, organisation, make_user, role):
        people = [EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1)) for _ in range(3)]
        user = make_user(role)
        seen = set(selectors.obligations_visible_to(user, organisation, today=date(2024, 6, 1)))
        assert set(people) <= seen

    @pytest.mark.parametrize("role", [R.AUDITOR, R.FUNCTIONAL_ADMIN, R.EDITOR, R.CONFIDENTIAL_ADVISER, None])
    def test_others_see_nobody(self, organisation, make_user, role):
        EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1))
        user = make_user(role) if role else make_user()
        assert not selectors.obligations_visible_to(user, organisation, today=date(2024, 6, 1)).exists()


class TestFilters:
    def test_filter_by_status_unit_and_start_date(self, organisation, make_user):
        water = OrgUnitFactory(organisation=organisation, name="Water")
        roads = OrgUnitFactory(organisation=organisation, name="Wegen")
        overdue = EmployeeFactory(organisation=organisation, unit=water, start_date=date(2024, 1, 10))
        due = EmployeeFactory(organisation=organisation, unit=water, start_date=date(2024, 5, 10))
        done = EmployeeFactory(organisation=organisation, unit=roads, start_date=date(2024, 2, 10))
        taken(done, date(2024, 3, 14))
        hr = make_user(R.HR)
        qs = selectors.obligations_visible_to(hr, organisation, today=date(2024, 6, 1))
        assert set(selectors.filter_obligations(qs, status=STATUS_OVERDUE)) >= {overdue}
        assert due not in selectors.filter_obligations(qs, status=STATUS_OVERDUE)
        assert set(selectors.filter_obligations(qs, status=STATUS_DONE)) >= {done}
        assert set(selectors.filter_obligations(qs, unit=water)) == {overdue, due}
        in_range = selectors.filter_obligations(qs, started_from=date(2024, 2, 1), started_to=date(2024, 5, 31))
        assert set(in_range) >= {due, done}
        assert overdue not in in_range
        counts = selectors.status_counts(selectors.filter_obligations(qs, unit=water))
        assert counts == {STATUS_DUE: 1, STATUS_OVERDUE: 1, STATUS_DONE: 0}


def test_obligation_list_query_count_is_constant(organisation, make_user):
    hr = make_user(R.HR)

    def run():
        with CaptureQueriesContext(connection) as ctx:
            qs = selectors.obligations_visible_to(hr, organisation, today=date(2024, 6, 1))
            rows = [selectors.to_obligation(e) for e in qs.order_by("start_date")[:50]]
            for o in rows:
                str(o.employee.unit), o.due_date, o.status
            selectors.status_counts(qs)
        return len(ctx.captured_queries), len(rows)

    for _ in range(3):
        EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1))
    run()  # loads the user's roles once; they are cached on the user object
    small, n_small = run()
    for i in range(30):
        e = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1))
        if i % 2:
            taken(e, date(2024, 3, 1))
    large, n_large = run()
    assert n_large > n_small
    assert small == large


class TestOverdueCount:
    def test_overdue_at_a_date(self, organisation):
        a = EmployeeFactory(organisation=organisation, start_date=date(2024, 2, 29))
        b = EmployeeFactory(organisation=organisation, start_date=date(2024, 3, 15))
        EmployeeFactory(organisation=organisation, start_date=date(2024, 9, 1))  # due 1 December
        EmployeeFactory(organisation=organisation, employment_type="inhuur", start_date=date(2024, 1, 1))
        taken(b, date(2024, 7, 1))  # late, but done by 1 August
        assert selectors.overdue_count(organisation, at=date(2024, 5, 29)) == 0
        assert selectors.overdue_count(organisation, at=date(2024, 5, 30)) == 1
        assert selectors.overdue_count(organisation, at=date(2024, 6, 20)) == 2
        assert selectors.overdue_count(organisation, at=date(2024, 8, 1)) == 1
        taken(a, date(2024, 9, 5))
        assert selectors.overdue_count(organisation, at=date(2024, 8, 1)) == 1  # was still overdue then
        assert selectors.overdue_count(organisation, at=date(2024, 10, 1)) == 0


class TestAnnualFigures:
    def test_counting_rules(self, organisation):
        march = CeremonyFactory(organisation=organisation, date=date(2024, 3, 14))
        CeremonyFactory(organisation=organisation, date=date(2024, 6, 13))  # nobody checked in: not held
        dec_2023 = CeremonyFactory(organisation=organisation, date=date(2023, 12, 7))
        people = [EmployeeFactory(organisation=organisation, start_date=date(2024, 1, d)) for d in (2, 10, 20)]
        taken(people[0], date(2024, 3, 14), ceremony=march)  # 72 days
        taken(people[1], date(2024, 3, 14), ceremony=march, form=Form.AFFIRMATION)  # 64 days
        taken(people[2], date(2024, 4, 30), form=Form.AFFIRMATION)  # individual, 101 days
        early = EmployeeFactory(organisation=organisation, start_date=date(2023, 10, 2))
        taken(early, date(2023, 12, 7), ceremony=dec_2023)
        RegistrationFactory(organisation=organisation, ceremony=march)  # registered, never checked in

        figures = selectors.annual_figures(organisation, 2024)
        assert figures["ceremonies_held"] == 1
        assert figures["sworn"] == 3
        assert figures["oath"] == 1
        assert figures["affirmation"] == 2
        assert figures["median_days_to_oath"] == 72
        assert figures["overdue_at"] == date(2024, 12, 31)

        assert selectors.annual_figures(organisation, 2023)["ceremonies_held"] == 1
        assert selectors.annual_figures(organisation, 2023)["sworn"] == 1
        empty = selectors.annual_figures(organisation, 2022)
        assert empty["sworn"] == 0
        assert empty["median_days_to_oath"] is None

    def test_overdue_in_figures(self, organisation):
        EmployeeFactory(organisation=organisation, start_date=date(2024, 8, 1))
        assert selectors.annual_figures(organisation, 2024)["overdue"] == 1
        assert selectors.annual_figures(organisation, 2024, overdue_at=date(2024, 10, 1))["overdue"] == 0

    def test_other_organisations_do_not_count(self, organisation):
        from plein.core.tests.factories import OrganisationFactory

        other = OrganisationFactory(slug="elders", name="Elders")
        employee = EmployeeFactory(organisation=other, start_date=date(2024, 1, 1))
        taken(employee, date(2024, 2, 1))
        assert selectors.annual_figures(organisation, 2024)["sworn"] == 0

    def test_median_of_even_count(self, organisation):
        a = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1))
        b = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1))
        taken(a, date(2024, 1, 11))
        taken(b, date(2024, 1, 31))
        assert selectors.annual_figures(organisation, 2024)["median_days_to_oath"] == 20


def test_text_in_effect_follows_dates(organisation):
    from plein.oaths.tests.factories import OathTextFactory

    v1 = OathTextFactory(organisation=organisation, version=1, effective_from=date(2020, 1, 1))
    v2 = OathTextFactory(organisation=organisation, version=2, effective_from=date(2024, 7, 1))
    assert selectors.text_in_effect(organisation, Form.OATH, on=date(2024, 6, 30)) == v1
    assert selectors.text_in_effect(organisation, Form.OATH, on=date(2024, 7, 1)) == v2
    assert selectors.text_in_effect(organisation, Form.OATH, on=date(2019, 1, 1)) is None
    assert selectors.text_in_effect(organisation, Form.AFFIRMATION, on=date(2024, 7, 1)) is None


def test_ceremony_counts(organisation):
    ceremony = CeremonyFactory(organisation=organisation, capacity=3)
    RegistrationFactory(organisation=organisation, ceremony=ceremony)
    RegistrationFactory(organisation=organisation, ceremony=ceremony, status=Registration.Status.WITHDRAWN)
    employee = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1))
    taken(employee, ceremony.date, ceremony=ceremony)
    row = selectors.ceremony_with_counts(organisation, ceremony.pk)
    assert row.active_count == 2
    assert row.taken_count == 1
    assert [c.pk for c in selectors.open_ceremonies(organisation, today=date(2024, 6, 1))] == [ceremony.pk]
    RegistrationFactory(organisation=organisation, ceremony=ceremony)
    assert selectors.open_ceremonies(organisation, today=date(2024, 6, 1)) == []


def test_ceremony_list_sorts_names_as_people_read_them(organisation):
    ceremony = CeremonyFactory(organisation=organisation)
    for name in ("de Vries", "Çelik", "Bakker", "Ünal", "Aalders"):
        RegistrationFactory(organisation=organisation, ceremony=ceremony, employee__last_name=name)
    names = [r.employee.last_name for r in selectors.ceremony_registrations(ceremony)]
    assert names == ["Aalders", "Bakker", "Çelik", "de Vries", "Ünal"]


@time_machine.travel(date(2024, 8, 1), tick=False)
def test_overdue_for_the_running_year_is_counted_today(organisation):
    EmployeeFactory(organisation=organisation, start_date=date(2024, 3, 1))  # overdue since 2 June
    EmployeeFactory(organisation=organisation, start_date=date(2024, 7, 1))  # due 1 October
    figures = selectors.annual_figures(organisation, 2024)
    assert figures["overdue_at"] == date(2024, 8, 1)
    assert figures["overdue"] == 1
