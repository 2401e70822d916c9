"""Figures for the annual report: acknowledgement coverage per version and poll participation in a year."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from plein.core.tests.factories import EmployeeFactory
from plein.portal import services
from plein.portal.models import AcknowledgementCampaign, Poll
from plein.portal.selectors import annual_figures

pytestmark = pytest.mark.django_db


def aware(*args):
    return timezone.make_aware(datetime(*args))


def test_annual_figures(organisation, ic_user, make_policy, make_poll, make_user):
    document = make_policy(versions=[("2024", "geldend", date(2024, 3, 1), date(2028, 3, 1))])
    version = document.versions.get()
    old = make_policy("Oude regeling", versions=[("2019", "geldend", date(2019, 3, 1), date(2023, 3, 1))])
    people = [EmployeeFactory(organisation=organisation, start_date=date(2020, 1, 1)) for _ in range(3)]
    with time_machine.travel(aware(2024, 3, 5, 12)):
        services.start_acknowledgement_campaign(version=version, actor=ic_user)
        services.acknowledge(version=version, employee=people[0], actor=ic_user)
        services.acknowledge(version=version, employee=people[1], actor=ic_user)
    with time_machine.travel(aware(2025, 1, 10, 12)):
        services.acknowledge(version=version, employee=people[2], actor=ic_user)  # counts for 2025, not 2024

    with time_machine.travel(aware(2024, 5, 1, 12)):
        poll = make_poll("Vraag 2024", opens=timezone.now(), closes=timezone.now() + timedelta(days=7))
        voters = [make_user() for _ in range(2)]
        for user in voters:
            services.vote(poll=poll, option_id=poll.options.first().pk, employee=user.employee)
    make_poll("Vraag van nu")  # closes in another year

    with time_machine.travel(aware(2026, 6, 1, 12)):
        figures = annual_figures(organisation, 2024)
    rows = {row["document"]: row for row in figures["acknowledgements"]}
    assert set(rows) == {document.title}  # the 2019 version was neither adopted nor campaigned in 2024
    assert old.title not in rows
    row = rows[document.title]
    assert row["acknowledged"] == 2
    assert row["employees"] == figures["employees_in_service"]
    assert row["coverage_percentage"] == round(100 * 2 / figures["employees_in_service"])
    assert figures["poll_count"] == 1
    assert figures["polls"][0]["question"] == "Vraag 2024"
    assert figures["poll_participants"] == 2
    assert AcknowledgementCampaign.objects.count() == 1 and Poll.objects.count() == 2
