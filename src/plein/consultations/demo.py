"""Demo records of the consultations register for "Provincie Veenland", matching the seed report for 2024.

The seed report (annual integrity report 2024): consultations at the request of employees, managers and externals,
mostly answering questions and exploring what integrity means in a situation; the IC offered a listening ear and
(process) advice, referred to the manager or to the external confidential advisers; and the impact of outside
activities (nevenfuncties) was the topic most often discussed. No report was made to the IC in 2024.

The records have fixed dates (not relative to ``today``), so the annual report of 2023 and 2024 is the same on every
day; records dated after ``today`` are left out. The integrity coordinator and the confidential adviser of the demo
are the handlers. Figures of 2024, counted by hand: 23 consultations; 15 employees, 6 managers, 2 externals;
nevenfuncties 8, geschenken 3, belangenverstrengeling 3, ongewenst_gedrag 3, moreel_dilemma 3, overig 2,
informatiebeveiliging 1; procesadvies 11, luisterend_oor 6, doorverwezen_leidinggevende 4,
doorverwezen_vertrouwenspersoon 2, melding_gedaan 0. 2023: 15 consultations, ongewenst_gedrag (4) before
nevenfuncties (3).
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from plein.consultations import selectors, services
from plein.consultations.models import Consultation, ConsultationEvent
from plein.core.demo import DEMO_DOMAIN
from plein.core.models import Organisation, User

IC, VP = "ic", "vertrouwenspersoon"
BEFORE_HIRING = "Vraag over een nevenfunctie vóór indiensttreding (arbeidsvoorwaardengesprek)."

# (date, asked by, topic, what was done, handler, note)
RECORDS = (
    # 2023
    ("2023-01-24", "medewerker", "ongewenst_gedrag", "luisterend_oor", VP, ""),
    ("2023-02-14", "medewerker", "nevenfuncties", "procesadvies", IC, ""),
    ("2023-03-07", "leidinggevende", "belangenverstrengeling", "procesadvies", IC, ""),
    ("2023-03-28", "medewerker", "ongewenst_gedrag", "doorverwezen_vertrouwenspersoon", IC, ""),
    ("2023-04-18", "medewerker", "geschenken", "procesadvies", IC, ""),
    ("2023-05-09", "extern", "overig", "luisterend_oor", IC, ""),
    ("2023-05-30", "medewerker", "moreel_dilemma", "luisterend_oor", IC, ""),
    ("2023-06-20", "leidinggevende", "ongewenst_gedrag", "doorverwezen_leidinggevende", IC, ""),
    ("2023-08-29", "medewerker", "nevenfuncties", "procesadvies", IC, ""),
    ("2023-09-19", "medewerker", "informatiebeveiliging", "melding_gedaan", IC, ""),
    ("2023-10-10", "medewerker", "ongewenst_gedrag", "luisterend_oor", VP, ""),
    ("2023-10-31", "leidinggevende", "geschenken", "procesadvies", IC, ""),
    ("2023-11-21", "medewerker", "nevenfuncties", "doorverwezen_leidinggevende", IC, ""),
    ("2023-12-05", "medewerker", "moreel_dilemma", "luisterend_oor", VP, ""),
    ("2023-12-19", "medewerker", "overig", "procesadvies", IC, ""),
    # 2024
    ("2024-01-16", "medewerker", "nevenfuncties", "procesadvies", IC, BEFORE_HIRING),
    ("2024-01-30", "leidinggevende", "nevenfuncties", "procesadvies", IC, ""),
    ("2024-02-13", "medewerker", "moreel_dilemma", "luisterend_oor", VP, ""),
    ("2024-02-27", "extern", "nevenfuncties", "procesadvies", IC, ""),
    ("2024-03-12", "medewerker", "ongewenst_gedrag", "doorverwezen_vertrouwenspersoon", IC, ""),
    ("2024-03-26", "medewerker", "geschenken", "procesadvies", IC, ""),
    ("2024-04-09", "leidinggevende", "belangenverstrengeling", "procesadvies", IC, ""),
    ("2024-04-23", "medewerker", "nevenfuncties", "procesadvies", IC, BEFORE_HIRING),
    ("2024-05-14", "medewerker", "ongewenst_gedrag", "luisterend_oor", VP, ""),
    ("2024-05-28", "leidinggevende", "nevenfuncties", "doorverwezen_leidinggevende", IC, ""),
    ("2024-06-11", "medewerker", "moreel_dilemma", "luisterend_oor", IC, ""),
    ("2024-06-25", "extern", "geschenken", "procesadvies", IC, ""),
    ("2024-07-09", "medewerker", "nevenfuncties", "procesadvies", IC, ""),
    ("2024-08-20", "medewerker", "informatiebeveiliging", "doorverwezen_leidinggevende", IC, ""),
    ("2024-09-03", "leidinggevende", "belangenverstrengeling", "procesadvies", IC, ""),
    ("2024-09-17", "medewerker", "nevenfuncties", "doorverwezen_leidinggevende", IC, ""),
    ("2024-10-01", "medewerker", "ongewenst_gedrag", "doorverwezen_vertrouwenspersoon", VP, ""),
    ("2024-10-15", "medewerker", "overig", "luisterend_oor", IC, ""),
    ("2024-10-29", "leidinggevende", "moreel_dilemma", "procesadvies", IC, ""),
    ("2024-11-12", "medewerker", "nevenfuncties", "procesadvies", IC, BEFORE_HIRING),
    ("2024-11-26", "medewerker", "geschenken", "luisterend_oor", IC, ""),
    ("2024-12-10", "leidinggevende", "belangenverstrengeling", "doorverwezen_leidinggevende", IC, ""),
    ("2024-12-17", "medewerker", "overig", "luisterend_oor", VP, ""),
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def load(organisation: Organisation, *, rng: random.Random, today: dt.date) -> None:
    services.ensure_default_lists(organisation)
    topics = {t.code: t for t in selectors.topics(organisation)}
    actions = {a.code: a for a in selectors.actions(organisation)}
    users = {u.email: u for u in User.objects.filter(email__in=[f"{IC}@{DEMO_DOMAIN}", f"{VP}@{DEMO_DOMAIN}"])}
    handlers = {key: users.get(f"{key}@{DEMO_DOMAIN}") for key in (IC, VP)}
    for day, requester, topic, action, handler_key, note in RECORDS:
        date = dt.date.fromisoformat(day)
        if date > today:
            continue
        handler = handlers[handler_key]
        item = Consultation.objects.create(
            organisation=organisation,
            date=date,
            requester=requester,
            topic=topics[topic],
            action=actions[action],
            handler=handler,
            note=note,
        )
        ConsultationEvent.objects.create(
            consultation=item,
            kind=ConsultationEvent.Kind.CREATED,
            occurred_at=dt.datetime.combine(date, dt.time(16, 0), tzinfo=AMSTERDAM),
            actor=handler,
            actor_name=str(handler) if handler else "",
        )
