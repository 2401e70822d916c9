"""Helpers for the tests of the declarations."""

import datetime as dt

from plein.core.tests.factories import EmployeeFactory, PositionFactory
from plein.declarations import services

TODAY = dt.date(2025, 6, 2)


def designate(position, *, publish=False, financial=False, reviewed_on=dt.date(2025, 1, 15)):
    """Designate ``position`` through the positions app's service (the only way its inventory is written)."""
    from plein.positions import services as positions_services

    values = positions_services.profile_values(None)
    values.update(
        vulnerable_areas={"informatie": "Werkt met vertrouwelijke informatie."},
        risk_level="midden",
        financial_interests=financial,
        publish_outside_activities=publish,
        reviewed_on=reviewed_on,
    )
    return positions_services.save_profile(actor=None, position=position, values=values)


def person(organisation, unit=None, *, publish=False, financial=False, **kwargs):
    """An employee in service; with a designated position when asked."""
    position = PositionFactory(organisation=organisation, unit=unit)
    if publish or financial:
        designate(position, publish=publish, financial=financial)
    kwargs.setdefault("start_date", dt.date(2015, 1, 1))
    if unit is not None:
        kwargs["unit"] = unit
    return EmployeeFactory(organisation=organisation, position=position, **kwargs)


def activity_data(**overrides) -> dict:
    data = {
        "external_organisation": "Stichting Het Veen",
        "role": "Penningmeester",
        "paid": False,
        "hours_per_month": 8,
        "start_date": dt.date(2025, 1, 1),
        "end_date": None,
        "relation_to_work": "",
        "conflict_of_interest": False,
        "uses_information": False,
        "time_burden": False,
        "reputation_risk": False,
        "risk_explanation": "",
    }
    data.update(overrides)
    return data


def declare(employee, *, actor=None, today=TODAY, **overrides):
    return services.declare_activity(
        actor=actor or employee.user, employee=employee, data=activity_data(**overrides), today=today
    )


def decided(employee, decision="toegestaan", *, decider=None, today=TODAY, **overrides):
    item = declare(employee, today=today, **overrides)
    return services.decide_activity(
        actor=decider,
        activity=item,
        decision=decision,
        reasons="Geen bezwaar.",
        conditions="Niet meewerken aan dossiers." if decision == "toegestaan_onder_voorwaarden" else "",
        today=today,
        as_coordinator=True,
    )


def form_post(**overrides) -> dict:
    """The POST data of the activity form."""
    data = {
        "external_organisation": "Stichting Het Veen",
        "role": "Penningmeester",
        "paid": "nee",
        "hours_per_month": "8",
        "start_date": "2025-01-01",
        "end_date": "",
        "relation_to_work": "",
        "conflict_of_interest": "nee",
        "uses_information": "nee",
        "time_burden": "nee",
        "reputation_risk": "nee",
        "risk_explanation": "",
    }
    data.update(overrides)
    return data
