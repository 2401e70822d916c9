"""factory_boy factories for the oath register."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from plein.core.tests.factories import EmployeeFactory, OrganisationFactory
from plein.oaths.models import Ceremony, Form, OathText, Registration

OATH_TEXT = "Ik zweer dat ik mijn taak integer zal uitvoeren.\nZo waarlijk helpe mij God almachtig."
AFFIRMATION_TEXT = "Ik beloof dat ik mijn taak integer zal uitvoeren.\nDat verklaar en beloof ik."


class OathTextFactory(DjangoModelFactory):
    class Meta:
        model = OathText

    organisation = factory.SubFactory(OrganisationFactory)
    form = Form.OATH
    version = factory.Sequence(lambda n: n + 1)
    text = factory.LazyAttribute(lambda o: OATH_TEXT if o.form == Form.OATH else AFFIRMATION_TEXT)
    effective_from = date(2000, 1, 1)


class CeremonyFactory(DjangoModelFactory):
    class Meta:
        model = Ceremony

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Ambtseed {n}")
    date = date(2024, 6, 13)
    location = "Provinciehuis, Statenzaal"
    chair_name = "Jolanda ter Horst"
    chair_title = "provinciesecretaris"
    witnesses = "Ineke de Vries\nPeter Bakker"
    capacity = 40
    format = Ceremony.Format.INTERACTIVE


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    organisation = factory.SubFactory(OrganisationFactory)
    employee = factory.SubFactory(EmployeeFactory, organisation=factory.SelfAttribute("..organisation"))
    ceremony = factory.SubFactory(CeremonyFactory, organisation=factory.SelfAttribute("..organisation"))
    form = Form.OATH
    status = Registration.Status.REGISTERED
    source = Registration.Source.CEREMONY


def texts(organisation, effective_from=date(2000, 1, 1)):
    """Both texts, in effect from ``effective_from``."""
    return (
        OathTextFactory(organisation=organisation, form=Form.OATH, version=1, effective_from=effective_from),
        OathTextFactory(organisation=organisation, form=Form.AFFIRMATION, version=1, effective_from=effective_from),
    )


def taken(employee, on, *, form=Form.OATH, ceremony=None, period_start=None):
    """A taken oath of ``employee`` on ``on`` (individually unless a ceremony is given)."""
    return Registration.objects.create(
        organisation=employee.organisation,
        employee=employee,
        ceremony=ceremony,
        form=form,
        status=Registration.Status.TAKEN,
        source=Registration.Source.CEREMONY if ceremony else Registration.Source.INDIVIDUAL,
        taken_on=on,
        period_start=period_start if period_start is not None else employee.start_date,
        sworn_before="Jolanda ter Horst (provinciesecretaris)",
    )
