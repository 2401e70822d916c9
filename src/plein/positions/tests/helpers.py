"""Helpers for the tests of Functies & screening."""

import datetime as dt

from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory
from plein.positions import services
from plein.positions.models import VogScreening


def values(**overrides) -> dict:
    """Profile values as ``save_profile`` takes them, with sensible defaults."""
    base = services.profile_values(None)
    base.update(overrides)
    return base


def designated(reviewed_on: dt.date, **overrides) -> dict:
    """A VOG- and financial-interests-designated position with vulnerable actions in money."""
    return values(
        vulnerable_areas={"geld": "Keurt betalingen goed."},
        risk_level="hoog",
        vog_required=True,
        vog_screening_areas=["geld"],
        financial_interests=True,
        reviewed_on=reviewed_on,
        **overrides,
    )


def make_profile(position, *, actor=None, **overrides):
    return services.save_profile(actor=actor, position=position, values=values(**overrides))


def make_position(organisation, unit=None, **kwargs):
    unit = unit or OrgUnitFactory(organisation=organisation)
    return PositionFactory(organisation=organisation, unit=unit, **kwargs)


def make_person(organisation, position, **kwargs):
    kwargs.setdefault("unit", position.unit)
    return EmployeeFactory(organisation=organisation, position=position, **kwargs)


def make_vog(employee, *, requested_on, received_on=None, rescreening_due=None):
    return VogScreening.objects.create(
        organisation=employee.organisation,
        employee=employee,
        requested_on=requested_on,
        received_on=received_on,
        valid_from=received_on,
        rescreening_due=rescreening_due,
    )
