"""Demo records of the declarations for "Provincie Veenland": every state, and a public register with entries.

What the demo accounts see:

- the employee (Sanne Visser): an allowed activity, one allowed with conditions, one refused, one ended, one waiting
  for a decision; gifts accepted automatically, kept, and one waiting; the open campaign still to confirm;
- the manager (Team Vergunningverlening): declarations waiting for a decision, one reopened by an objection, one
  waiting for the IC's advice, and a gift to decide on;
- the integrity coordinator: all of that, advice to give, financial interests to review, candidates, the campaigns
  (last year closed, this year open with completion per unit) and the figures;
- HR: candidates at the employment-terms interview, one of them hired and attached;
- anyone: the public register with the activities of employees in positions designated for publication.

Historical declarations with decisions since 1 January 2023 feed the figures. Everything is drawn from ``rng`` in
a fixed order and dated relative to ``today``, so the same seed and day give the same records.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from plein.core.demo import DEMO_DOMAIN, MANAGER_TEAM
from plein.core.models import Employee, Organisation, User
from plein.declarations import conf
from plein.declarations.models import (
    ActivityEvent,
    Campaign,
    CampaignReminder,
    Candidate,
    Decision,
    FinancialInterest,
    FinancialStatement,
    Gift,
    GiftDecision,
    OutsideActivity,
    Participant,
)
from plein.declarations.services import _snapshot
from plein.positions.selectors import positions_designated_for

ORGANISATIONS = [
    ("Stichting Natuurmonumenten Veenland", "Lid raad van toezicht", False),
    ("Voetbalvereniging VV Veenwijk", "Penningmeester", False),
    ("Waterschap Hunze en Aa's", "Lid algemeen bestuur", True),
    ("Gemeente Veendam", "Raadslid", True),
    ("Hogeschool Noord", "Gastdocent omgevingsrecht", True),
    ("Adviesbureau Groen & Water BV", "Zelfstandig adviseur", True),
    ("Vereniging Dorpsbelangen Oudeschans", "Voorzitter", False),
    ("Stichting Voedselbank Veenland", "Vrijwilliger", False),
    ("Muziekvereniging Crescendo", "Secretaris", False),
    ("Rijdende Rechter Podcast", "Presentator", True),
    ("Zorgcoöperatie De Linde", "Bestuurslid", False),
    ("Energiecoöperatie Zonnedorp", "Lid raad van commissarissen", True),
]
GIFTS = [
    ("Kerstpakket", "Aannemersbedrijf Bouwman", "Kerst", Decimal("45.00"), Gift.Kind.GIFT),
    ("Fles wijn", "Ingenieursbureau Delta", "Afronding project", Decimal("25.00"), Gift.Kind.GIFT),
    ("Bos bloemen", "Gemeente Veendam", "Afscheid collega", Decimal("20.00"), Gift.Kind.GIFT),
    (
        "Uitnodiging voetbalwedstrijd met diner",
        "Wegenbouw Noord BV",
        "Relatiedag",
        Decimal("250.00"),
        Gift.Kind.INVITATION,
    ),
    ("Tablet", "Softwareleverancier GeoData", "Nieuwjaarsbijeenkomst", Decimal("399.00"), Gift.Kind.GIFT),
    (
        "Uitnodiging congres met overnachting",
        "Vereniging Waterbouw",
        "Jaarcongres",
        Decimal("640.00"),
        Gift.Kind.INVITATION,
    ),
    ("Boek over de provincie", "Historische Vereniging", "Lezing", Decimal("30.00"), Gift.Kind.GIFT),
    ("Concertkaarten", "Adviesbureau Groen & Water BV", "Einde samenwerking", Decimal("120.00"), Gift.Kind.GIFT),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _event(item: OutsideActivity, kind: str, day: dt.date, actor: User | None, **fields) -> ActivityEvent:
    return ActivityEvent.objects.create(
        activity=item, kind=kind, occurred_at=_at(day), actor=actor, actor_name=str(actor) if actor else "", **fields
    )


def _activity(
    organisation: Organisation,
    employee: Employee | None,
    *,
    declared_on: dt.date,
    spec: tuple[str, str, bool],
    rng: random.Random,
    start: dt.date | None = None,
    end: dt.date | None = None,
    risk: bool = False,
    candidate: Candidate | None = None,
) -> OutsideActivity:
    name, role, paid = spec
    item = OutsideActivity.objects.create(
        organisation=organisation,
        employee=employee,
        candidate=candidate,
        source=OutsideActivity.Source.INTERVIEW if candidate else OutsideActivity.Source.EMPLOYEE,
        declared_on=declared_on,
        external_organisation=name,
        role=role,
        paid=paid,
        hours_per_month=rng.choice([2, 4, 6, 8, 12, 16, 24]),
        start_date=start or declared_on - dt.timedelta(days=rng.randint(0, 400)),
        end_date=end,
        relation_to_work="" if not risk else "De organisatie vraagt soms een vergunning aan bij de provincie.",
        conflict_of_interest=risk,
        uses_information=False,
        time_burden=False,
        reputation_risk=False,
        risk_explanation="Mogelijk raakvlak met vergunningverlening." if risk else "",
        status=OutsideActivity.Status.AWAITING_ADVICE if risk else OutsideActivity.Status.AWAITING_DECISION,
        advice_needed=risk,
        last_confirmed_on=declared_on,
    )
    kind = ActivityEvent.Kind.RECORDED_AT_INTERVIEW if candidate else ActivityEvent.Kind.DECLARED
    _event(item, kind, declared_on, employee.user if employee else None, snapshot=_snapshot(item))
    return item


def _advise(item: OutsideActivity, day: dt.date, ic: User | None) -> None:
    item.advice = "Toestaan onder voorwaarde dat betrokkene niet meewerkt aan dossiers van deze organisatie."
    item.advice_on = day
    item.status = OutsideActivity.Status.AWAITING_DECISION
    item.save()
    _event(item, ActivityEvent.Kind.ADVICE_GIVEN, day, ic, text=item.advice)


REASONS = {
    Decision.ALLOWED: "Geen raakvlak met de eigen werkzaamheden; de belasting is beperkt.",
    Decision.ALLOWED_WITH_CONDITIONS: "Toegestaan, mits er geen bemoeienis is met dossiers van deze organisatie.",
    Decision.REFUSED: "De nevenfunctie raakt direct aan de eigen werkzaamheden; het risico op belangenverstrengeling is "
    "te groot.",
}


def _decide(item: OutsideActivity, decision: str, day: dt.date, by: User | None) -> None:
    item.decision = decision
    item.decision_reasons = REASONS[decision]
    item.conditions = (
        "Meld het als een dossier van deze organisatie bij je komt."
        if decision == Decision.ALLOWED_WITH_CONDITIONS
        else ""
    )
    item.decided_on = day
    item.decided_by = by
    item.status = OutsideActivity.Status.DECIDED
    item.save()
    _event(
        item,
        ActivityEvent.Kind.DECIDED,
        day,
        by,
        decision=decision,
        text=item.decision_reasons,
        conditions=item.conditions,
    )


def _manager_user(employee: Employee) -> User | None:
    return employee.manager.user if employee.manager_id and employee.manager.user_id else None


HISTORY_START = dt.date(2023, 1, 1)


def load(organisation: Organisation, *, rng: random.Random, today: dt.date) -> None:
    users = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
    ic = users.get(f"ic@{DEMO_DOMAIN}")
    hr = users.get(f"hr@{DEMO_DOMAIN}")
    manager = users.get(f"manager@{DEMO_DOMAIN}")
    people = list(
        Employee.objects.in_service(today)
        .filter(organisation=organisation)
        .select_related("position", "unit", "manager", "manager__user", "user")
        .order_by("personnel_number")
    )
    if not people:
        return
    by_user = {e.user_id: e for e in people if e.user_id}
    me = by_user.get(users[f"medewerker@{DEMO_DOMAIN}"].pk) if f"medewerker@{DEMO_DOMAIN}" in users else None
    manager_employee = by_user.get(manager.pk) if manager else None
    team = [e for e in people if e.unit_id and e.unit.path == MANAGER_TEAM and e != manager_employee]
    special = {e.pk for e in team} | ({me.pk} if me else set())
    others = [e for e in people if e.pk not in special]

    # 1. The employee's own declarations, one in each state.
    if me is not None:
        boss = _manager_user(me) or ic
        a = _activity(organisation, me, declared_on=today - dt.timedelta(days=300), spec=ORGANISATIONS[1], rng=rng)
        _decide(a, Decision.ALLOWED, today - dt.timedelta(days=290), boss)
        b = _activity(
            organisation, me, declared_on=today - dt.timedelta(days=200), spec=ORGANISATIONS[2], rng=rng, risk=True
        )
        _advise(b, today - dt.timedelta(days=195), ic)
        _decide(b, Decision.ALLOWED_WITH_CONDITIONS, today - dt.timedelta(days=190), boss)
        c = _activity(organisation, me, declared_on=today - dt.timedelta(days=150), spec=ORGANISATIONS[5], rng=rng)
        _decide(c, Decision.REFUSED, today - dt.timedelta(days=140), boss)
        d = _activity(
            organisation,
            me,
            declared_on=today - dt.timedelta(days=500),
            spec=ORGANISATIONS[8],
            rng=rng,
            start=today - dt.timedelta(days=900),
        )
        _decide(d, Decision.ALLOWED, today - dt.timedelta(days=495), boss)
        d.end_date = today - dt.timedelta(days=60)
        d.ended_on = today - dt.timedelta(days=60)
        d.save()
        _event(d, ActivityEvent.Kind.ENDED, d.ended_on, me.user, text=d.end_date.isoformat(), snapshot=_snapshot(d))
        _activity(organisation, me, declared_on=today - dt.timedelta(days=3), spec=ORGANISATIONS[7], rng=rng)
        for i, index in enumerate((0, 1, 7, 3)):
            what, who, occasion, value, kind = GIFTS[index]
            decider = None if index == 3 else boss
            _gift(organisation, me, what, who, occasion, value, kind, today - dt.timedelta(days=5 + 40 * i), decider)

    # 2. The manager's team: waiting for a decision, waiting for advice, reopened by an objection.
    for i, employee in enumerate(team[:5]):
        spec = ORGANISATIONS[(i + 3) % len(ORGANISATIONS)]
        declared = today - dt.timedelta(days=5 + 7 * i)
        item = _activity(organisation, employee, declared_on=declared, spec=spec, rng=rng, risk=i == 1)
        if i == 2:
            _decide(item, Decision.REFUSED, declared + dt.timedelta(days=3), manager)
            item.decision, item.decided_on, item.decided_by = Decision.PENDING, None, None
            item.status = OutsideActivity.Status.AWAITING_DECISION
            item.save()
            _event(
                item,
                ActivityEvent.Kind.OBJECTED,
                declared + dt.timedelta(days=6),
                employee.user,
                decision=Decision.REFUSED,
                text="Ik werk niet aan dossiers van deze organisatie; ik vraag u het besluit te heroverwegen.",
            )
        elif i == 3:
            _decide(item, Decision.ALLOWED, declared + dt.timedelta(days=2), manager)
    if team:
        _gift(organisation, team[0], *GIFTS[5][:4], GIFTS[5][4], today - dt.timedelta(days=4), None)

    # 3. History for the figures: declarations since 1 January 2023 (so that the seed year 2024 and the year before
    # have outside activities in the annual report, whatever day the demo is loaded), most of them decided.
    history = rng.sample(others, min(60, len(others)))
    for employee in history:
        earliest = max(HISTORY_START, employee.start_date or HISTORY_START)
        declared = earliest + dt.timedelta(days=rng.randint(0, max((today - earliest).days - 20, 0)))
        spec = rng.choice(ORGANISATIONS)
        item = _activity(organisation, employee, declared_on=declared, spec=spec, rng=rng)
        roll = rng.random()
        decided = min(declared + dt.timedelta(days=rng.randint(3, 40)), today)
        if roll < 0.6:
            _decide(item, Decision.ALLOWED, decided, _manager_user(employee) or ic)
        elif roll < 0.8:
            _decide(item, Decision.ALLOWED_WITH_CONDITIONS, decided, _manager_user(employee) or ic)
        elif roll < 0.9:
            _decide(item, Decision.REFUSED, decided, _manager_user(employee) or ic)
        if item.decision != Decision.PENDING and rng.random() < 0.2:
            item.end_date = min(decided + dt.timedelta(days=rng.randint(30, 300)), today)
            item.ended_on = item.end_date
            item.save()
            _event(item, ActivityEvent.Kind.ENDED, item.ended_on, employee.user, text=item.end_date.isoformat())

    # 4. The public register: employees in positions designated for publication.
    published_positions = set(
        positions_designated_for("publish_outside_activities", organisation).values_list("pk", flat=True)
    )
    designated = [e for e in others if e.position_id in published_positions and e not in history][:8]
    for i, employee in enumerate(designated):
        for j in range(1 + i % 2):
            spec = ORGANISATIONS[(2 * i + j) % len(ORGANISATIONS)]
            declared = today - dt.timedelta(days=rng.randint(60, 500))
            item = _activity(organisation, employee, declared_on=declared, spec=spec, rng=rng)
            _decide(item, rng.choice(list(Decision)[1:3]), declared + dt.timedelta(days=10), ic)

    # 5. Candidates at the employment-terms interview.
    positions = [e.position for e in others if e.position_id][:3]
    upcoming = Candidate.objects.create(
        organisation=organisation,
        first_name="Jorien",
        last_name="Bakker",
        email=f"j.bakker.kandidaat@{DEMO_DOMAIN}",
        position=positions[0] if positions else None,
        unit=team[0].unit if team else None,
        start_date=today + dt.timedelta(days=21),
        interview_on=today - dt.timedelta(days=7),
        recorded_by=hr,
    )
    _activity(
        organisation,
        None,
        candidate=upcoming,
        declared_on=today - dt.timedelta(days=7),
        spec=ORGANISATIONS[3],
        rng=rng,
        risk=True,
    )
    Candidate.objects.create(
        organisation=organisation,
        first_name="Ahmed",
        last_name="Benali",
        start_date=today + dt.timedelta(days=35),
        interview_on=today - dt.timedelta(days=2),
        has_no_activities=True,
        recorded_by=hr,
    )
    recent = [e for e in others if e.start_date and today - dt.timedelta(days=120) <= e.start_date <= today]
    recent = [e for e in recent if e not in history and e not in designated]
    if recent:
        newcomer = recent[0]
        hired = Candidate.objects.create(
            organisation=organisation,
            first_name=newcomer.first_name,
            infix=newcomer.infix,
            last_name=newcomer.last_name,
            position=newcomer.position,
            unit=newcomer.unit,
            start_date=newcomer.start_date,
            interview_on=newcomer.start_date - dt.timedelta(days=30),
            employee=newcomer,
            hired_at=_at(newcomer.start_date),
            recorded_by=hr,
        )
        item = _activity(
            organisation,
            None,
            candidate=hired,
            declared_on=newcomer.start_date - dt.timedelta(days=30),
            spec=ORGANISATIONS[6],
            rng=rng,
        )
        _decide(item, Decision.ALLOWED, newcomer.start_date - dt.timedelta(days=20), ic)
        item.employee = newcomer
        item.save()
        _event(item, ActivityEvent.Kind.ATTACHED, newcomer.start_date, hr)

    # 6. Financial interests of employees in designated positions.
    financial_positions = set(
        positions_designated_for("financial_interests", organisation).values_list("pk", flat=True)
    )
    fin_people = [e for e in people if e.position_id in financial_positions]
    for i, employee in enumerate(fin_people[:8]):
        declared = today - dt.timedelta(days=rng.randint(10, 300))
        interest = FinancialInterest.objects.create(
            organisation=organisation,
            employee=employee,
            kind=FinancialInterest.Kind.TRANSACTION if i % 3 == 2 else FinancialInterest.Kind.INTEREST,
            description="Aandelen" if i % 3 != 1 else "Participatie in vastgoedfonds",
            institution=["Heijmans NV", "BAM Groep", "Veenland Vastgoed CV", "Arcadis NV"][i % 4],
            transaction_date=declared - dt.timedelta(days=3) if i % 3 == 2 else None,
            declared_on=declared,
        )
        if i % 2 == 0:
            interest.status = FinancialInterest.Status.REVIEWED
            interest.assessment = FinancialInterest.Assessment.NO_OBJECTION
            interest.reviewed_on = min(declared + dt.timedelta(days=7), today)
            interest.reviewed_by = ic
            interest.save()
        FinancialStatement.objects.create(
            organisation=organisation, employee=employee, made_on=declared, has_interests=True
        )
    for employee in fin_people[8:14]:
        FinancialStatement.objects.create(
            organisation=organisation, employee=employee, made_on=today - dt.timedelta(days=100), has_interests=False
        )

    # 7. Other gifts, for the register and the figures.
    for employee in rng.sample(others, min(16, len(others))):
        what, who, occasion, value, kind = rng.choice(GIFTS)
        _gift(
            organisation, employee, what, who, occasion, value, kind, today - dt.timedelta(days=rng.randint(5, 700)), ic
        )

    # 8. Campaigns: last year's closed, this year's open.
    _campaign(
        organisation,
        people,
        rng=rng,
        today=today,
        year=today.year - 1,
        start=today - dt.timedelta(days=330),
        share=0.86,
        ic=ic,
        open_=False,
        skip=set(),
    )
    _campaign(
        organisation,
        people,
        rng=rng,
        today=today,
        year=today.year,
        start=today - dt.timedelta(days=32),
        share=0.45,
        ic=ic,
        open_=True,
        skip={me.pk} if me else set(),
        financial=financial_positions,
    )


def _gift(organisation, employee, what, who, occasion, value, kind, day: dt.date, decider: User | None) -> Gift:
    auto = value <= conf.gift_threshold()
    if auto:
        decision, decided_on = GiftDecision.AUTO_ACCEPTED, day
    elif decider is None:
        decision, decided_on = GiftDecision.PENDING, None
    else:
        decision = [GiftDecision.KEEP, GiftDecision.RETURN, GiftDecision.HAND_OVER][int(value) % 3]
        decided_on = day + dt.timedelta(days=2)
    return Gift.objects.create(
        organisation=organisation,
        employee=employee,
        kind=kind,
        direction=Gift.Direction.RECEIVED,
        counterparty=who,
        description=what,
        occasion=occasion,
        estimated_value=value,
        date=day,
        declared_on=day,
        decision=decision,
        decided_on=decided_on,
        decided_by=None if auto else decider,
        decision_note="" if auto else "Besproken met de medewerker.",
    )


def _campaign(
    organisation, people, *, rng, today, year, start, share, ic, open_, skip, financial=frozenset()
) -> Campaign:
    deadline = start + dt.timedelta(weeks=6)
    campaign = Campaign.objects.create(
        organisation=organisation,
        year=year,
        scope=Campaign.Scope.ALL,
        started_on=start,
        deadline=deadline,
        message="Controleer je nevenfuncties en bevestig ze, ook als je er geen hebt.",
        started_by=ic,
        closed_on=None if open_ else deadline + dt.timedelta(days=14),
    )
    participants = []
    for employee in people:
        done = employee.pk not in skip and rng.random() < share
        participants.append(
            Participant(
                campaign=campaign,
                employee=employee,
                unit_id=employee.unit_id,
                financial_interests_required=employee.position_id in financial,
                response=Participant.Response.CONFIRMED
                if done and rng.random() < 0.3
                else (Participant.Response.NONE if done else ""),
                financial_response=Participant.FinancialResponse.NONE
                if done and employee.position_id in financial
                else "",
                confirmed_at=_at(min(start + dt.timedelta(days=rng.randint(0, 40)), today)) if done else None,
            )
        )
    Participant.objects.bulk_create(participants, batch_size=500)
    if open_:
        reminders = Participant.objects.filter(campaign=campaign, confirmed_at__isnull=True).order_by("pk")[:25]
        CampaignReminder.objects.bulk_create(
            [
                CampaignReminder(participant=p, days_before_deadline=14, sent_at=_at(deadline - dt.timedelta(days=14)))
                for p in reminders
            ]
        )
    return campaign
