"""Small helpers for the consultations tests: no demo data, a few records made through the services."""

from __future__ import annotations

import datetime as dt

from plein.consultations import selectors, services
from plein.consultations.models import Consultation

TODAY = dt.date(2025, 6, 2)


def topic(organisation, code):
    services.ensure_default_lists(organisation)
    return selectors.topics(organisation).get(code=code)


def action(organisation, code):
    services.ensure_default_lists(organisation)
    return selectors.actions(organisation).get(code=code)


def record(
    organisation,
    handler,
    *,
    date=dt.date(2025, 5, 1),
    requester="medewerker",
    topic_code="nevenfuncties",
    action_code="procesadvies",
    note="",
    asker_name="",
    today=TODAY,
) -> Consultation:
    return services.record_consultation(
        actor=handler,
        organisation=organisation,
        data=services.ConsultationInput(
            date=date,
            requester=requester,
            topic=topic(organisation, topic_code),
            action=action(organisation, action_code),
            note=note,
            asker_name=asker_name,
        ),
        today=today,
    )


def data_for(item: Consultation, **changes) -> services.ConsultationInput:
    values = {
        "date": item.date,
        "requester": item.requester,
        "topic": item.topic,
        "action": item.action,
        "note": item.note,
        "asker_name": item.asker_name,
    }
    values.update(changes)
    return services.ConsultationInput(**values)
