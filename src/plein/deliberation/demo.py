"""Demo records of moral deliberation for "Provincie Veenland", as in the seed report.

- Six facilitators (procesbegeleiders), recruited and trained from 2024, certified before the summer of 2025; so the
  annual figures for 2024 count six facilitators, in training.
- Two practice sessions in the autumn of 2024 (part of the training), whose content has since been deleted at the end
  of the retention period: only the actions remain.
- Later sessions in every state: held (with a full record, a weighing and argued choices), running (with a join code
  valid all day), planned (with invitations), cancelled; and requests that wait, were planned or were declined.
- A library that includes "Ambtenaar zijn én gaan demonstreren", the dilemma used at the oath ceremonies, which is
  also the dilemma of the month, with anonymous votes; and one proposal waiting for the coordinator's review.

Everything is drawn from the loader's own ``random.Random`` and dated from fixed seed dates or relative to ``today``.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from plein.core.demo import DEMO_DOMAIN
from plein.core.models import Employee, Organisation, StructureRole
from plein.deliberation import conf, selectors
from plein.deliberation.models import (
    Action,
    Choice,
    DeliberationRequest,
    Facilitator,
    Fact,
    LibraryEntry,
    MonthlyDilemma,
    MonthlyOption,
    MonthlyVoter,
    Option,
    Participant,
    Score,
    Session,
    Stakeholder,
    Theme,
    ValueNorm,
)
from plein.deliberation.services import JOIN_CODE_ALPHABET, purge_expired_content

TRAINING_STARTED = [
    date(2024, 3, 4),
    date(2024, 3, 4),
    date(2024, 3, 4),
    date(2024, 4, 8),
    date(2024, 4, 8),
    date(2024, 4, 8),
]
CERTIFIED = [
    date(2025, 5, 22),
    date(2025, 5, 22),
    date(2025, 5, 22),
    date(2025, 6, 12),
    date(2025, 6, 12),
    date(2025, 6, 12),
]
PRACTICE_SESSIONS = [date(2024, 10, 15), date(2024, 11, 26)]

DEMONSTRATION = {
    "title": "Ambtenaar zijn én gaan demonstreren",
    "theme": Theme.EXPRESSION,
    "situation": (
        "Een medewerker wil in het weekend meedoen aan een demonstratie tegen een besluit waar de provincie bij "
        "betrokken is. Als je bij de overheid werkt, werk je in een 'glazen huis': bij je eed of belofte heb je je "
        "gecommitteerd aan integer zijn. Tegelijk heeft iedereen het recht om te demonstreren. Welke ruimte heb je dan "
        "wel en niet?"
    ),
    "question": "Hoe verhoudt het demonstratierecht zich tot het zijn van ambtenaar?",
    "option_a": "Ik ga demonstreren, als burger, en houd mijn werk erbuiten",
    "option_b": "Ik ga niet demonstreren, omdat ik aan dit dossier werk",
    "considerations": (
        "Betrokkenen: de medewerker, collega's die aan het dossier werken, het bestuur, inwoners die de provincie "
        "onpartijdig willen zien. Waarden: vrijheid van meningsuiting, onpartijdigheid, loyaliteit, "
        "geloofwaardigheid van de overheid. Wat zwaar weegt: hoe dicht de medewerker bij het besluit staat en of "
        "hij of zij herkenbaar is als ambtenaar. Wat bij nader inzien minder zwaar weegt: dat er 'altijd wel iemand "
        "is die het ziet' – het demonstratierecht geldt ook voor ambtenaren (Ambtenarenwet art. 10), zolang de goede "
        "vervulling van de functie niet in het geding is. Bespreek het vooraf met je leidinggevende."
    ),
    "use_at_ceremonies": True,
    "use_in_trainings": True,
}

LIBRARY = [
    {
        "title": "Kaartjes voor de bekerfinale",
        "theme": Theme.GIFTS,
        "situation": (
            "Een aannemer met wie je team regelmatig werkt, biedt je twee kaartjes aan voor een bekerfinale. Er loopt "
            "op dit moment geen aanbesteding. Collega's zeggen dat het 'gewoon relatiebeheer' is."
        ),
        "question": "Neem je de kaartjes aan?",
        "option_a": "Ik neem de kaartjes aan en meld het",
        "option_b": "Ik sla de uitnodiging vriendelijk af",
        "considerations": (
            "Betrokkenen: de medewerker, de aannemer, andere aannemers, het team, inwoners. Waarden: onafhankelijkheid, "
            "transparantie, goede relaties. Wat zwaar weegt: de waarde boven de grens voor geschenken en de schijn van "
            "belangenverstrengeling bij een volgende opdracht."
        ),
        "use_at_ceremonies": True,
        "use_in_trainings": True,
        "published": date(2024, 12, 10),
    },
    {
        "title": "De buurman vraagt naar een vergunning",
        "theme": Theme.INFORMATION,
        "situation": (
            "Op een verjaardag vraagt een buurman of je kunt 'even kijken' hoe het staat met zijn vergunningaanvraag. "
            "Je hebt toegang tot het systeem, maar de aanvraag is niet jouw dossier."
        ),
        "question": "Kijk je in het systeem voor je buurman?",
        "option_a": "Ik kijk even en vertel hem hoe het ervoor staat",
        "option_b": "Ik verwijs hem naar het algemene nummer en kijk niet",
        "considerations": (
            "Betrokkenen: de buurman, de behandelaar, andere aanvragers, de organisatie. Waarden: vertrouwelijkheid, "
            "gelijke behandeling, behulpzaamheid. Wat zwaar weegt: je mag alleen gegevens inzien die je voor je werk "
            "nodig hebt (AVG)."
        ),
        "use_at_ceremonies": False,
        "use_in_trainings": True,
        "published": date(2025, 3, 18),
    },
    {
        "title": "Kritiek op het beleid, op je eigen LinkedIn",
        "theme": Theme.PRIVATE_LIFE,
        "situation": (
            "Een medewerker is het oneens met een nieuw provinciaal beleid en wil daar op zijn persoonlijke "
            "LinkedIn-pagina over schrijven. In zijn profiel staat dat hij bij de provincie werkt."
        ),
        "question": "Plaats je je kritiek online?",
        "option_a": "Ik plaats mijn mening, als privépersoon",
        "option_b": "Ik bespreek mijn kritiek intern en plaats niets",
        "considerations": (
            "Betrokkenen: de medewerker, het team dat het beleid uitvoert, het bestuur, volgers. Waarden: vrijheid van "
            "meningsuiting, loyaliteit, vertrouwen in de overheid. Wat zwaar weegt: de relatie tussen de kritiek en je "
            "eigen werk."
        ),
        "use_at_ceremonies": True,
        "use_in_trainings": False,
        "published": date(2025, 6, 24),
    },
]

REGELS_SESSION = {
    "title": "Moreel beraad: de regel en de inwoner in nood",
    "theme": Theme.CITIZENS,
    "case": (
        "Een inwoner levert een subsidieaanvraag één dag na de termijn in. Zonder subsidie moet zij haar kleine "
        "zorgboerderij mogelijk sluiten. De regeling laat geen ruimte voor uitzonderingen, maar een collega stelt voor "
        "de datum 'even' aan te passen."
    ),
    "question": "Houden we ons aan de termijn, of helpen we deze inwoner?",
    "a": ("We houden ons aan de termijn en wijzen de aanvraag af", "De inwoner verliest mogelijk haar bedrijf"),
    "b": ("We passen de datum aan zodat de aanvraag op tijd is", "We handelen onrechtmatig en ongelijk"),
    "alternative": (
        "We wijzen af en zoeken samen naar een andere regeling",
        "Kost tijd; geen zekerheid voor de inwoner",
    ),
    "stakeholders": [
        ("De inwoner", "Gelijke behandeling, een zorgvuldig besluit", "Haar bedrijf voortzetten", "Coulance"),
        ("Andere aanvragers", "Gelijke behandeling", "Eerlijke verdeling van het budget", ""),
        ("De behandelaar", "", "Integer en rechtmatig werken", "Ruimte voor menselijke maat"),
    ],
    "values": [("waarde", "Rechtmatigheid"), ("waarde", "Menselijke maat"), ("norm", "Termijnen gelden voor iedereen")],
    "conclusions": (
        "De datum aanpassen is geen optie. We zoeken wel actief naar andere mogelijkheden en leggen de vraag over "
        "hardheid van de regeling voor aan de beleidsmakers."
    ),
    "actions": [
        ("Hardheidsclausule voorstellen aan het team beleid", "Teamleider"),
        ("Inwoner bellen over alternatieven", "Behandelaar"),
    ],
    "evaluation": "Goed om de spanning tussen regel en mens hardop te bespreken. Volgende keer meer tijd voor de dialoog.",
}

FAMILY_SESSION = {
    "title": "Moreel beraad op verzoek van een teamleider",
    "theme": Theme.CONFLICT_OF_INTEREST,
    "case": (
        "Een vergunningverlener krijgt een aanvraag binnen van een bedrijf waarvan een familielid mede-eigenaar is. "
        "Het team is klein en de collega die de aanvraag zou kunnen overnemen, is drie weken afwezig. De aanvrager "
        "belt al om te vragen hoe lang het nog duurt."
    ),
    "question": "Behandel je de aanvraag zelf, of laat je die wachten?",
    "a": ("Ik behandel de aanvraag zelf, volgens het boekje", "De schijn van belangenverstrengeling"),
    "b": ("Ik draag de aanvraag over, ook al duurt het langer", "De aanvrager wacht langer; druk op het team"),
    "alternative": ("Een collega van een ander team neemt het over", "Inwerktijd en extra werk voor die collega"),
    "stakeholders": [
        ("De aanvrager", "Een besluit binnen de termijn", "Snelheid", "Duidelijkheid"),
        ("De vergunningverlener", "", "Zijn goede naam", "Niet in een lastige positie komen"),
        ("Het team", "", "Werkdruk beheersen", "Steun van de leidinggevende"),
        ("Inwoners", "Een onpartijdige overheid", "Vertrouwen", ""),
    ],
    "values": [
        ("waarde", "Onpartijdigheid"),
        ("waarde", "Betrouwbaarheid"),
        ("norm", "Meld een mogelijk belang vooraf"),
    ],
    "conclusions": "Overdragen aan een ander team; het belang melden bij de leidinggevende en vastleggen.",
    "actions": [
        ("Afspraak maken met team Handhaving over overname", "Teamleider"),
        ("Procedure voor melding van belangen bespreken in teamoverleg", "Procesbegeleider"),
    ],
    "evaluation": "Waardevol. De weging maakte zichtbaar dat onpartijdigheid zwaarder weegt dan snelheid.",
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _facilitator_employees(organisation: Organisation, rng: random.Random) -> list[Employee]:
    employees = [
        role.employee
        for role in StructureRole.objects.filter(
            organisation=organisation, kind=StructureRole.Kind.FACILITATOR, employee__isnull=False
        )
        .select_related("employee")
        .order_by("order", "pk")
    ]
    if len(employees) < 6:
        others = list(
            Employee.objects.filter(organisation=organisation)
            .exclude(pk__in=[e.pk for e in employees])
            .order_by("personnel_number")[:200]
        )
        employees += rng.sample(others, min(6 - len(employees), len(others)))
    return employees[:6]


def _persona(organisation: Organisation, local_part: str) -> Employee | None:
    return (
        Employee.objects.filter(organisation=organisation, user__email=f"{local_part}@{DEMO_DOMAIN}")
        .select_related("unit", "user")
        .first()
    )


def _pick(rng: random.Random, pool: list[Employee], n: int, exclude: set[int]) -> list[Employee]:
    candidates = [e for e in pool if e.pk not in exclude]
    return rng.sample(candidates, min(n, len(candidates)))


def _fill_record(session: Session, spec: dict, participants: list[Participant], rng: random.Random) -> None:
    """A complete record: case, dilemma, facts, stakeholders, values, options, choices, weighing, conclusions."""
    session.case_description = spec["case"]
    session.dilemma_question = spec["question"]
    session.conclusions = spec["conclusions"]
    session.evaluation = spec["evaluation"]
    session.save(update_fields=["case_description", "dilemma_question", "conclusions", "evaluation"])
    by = participants[:]
    options = [
        Option.objects.create(session=session, side="a", text=spec["a"][0], cost=spec["a"][1]),
        Option.objects.create(session=session, side="b", text=spec["b"][0], cost=spec["b"][1]),
        Option.objects.create(
            session=session, text=spec["alternative"][0], cost=spec["alternative"][1], added_by=by[0] if by else None
        ),
    ]
    Fact.objects.create(session=session, kind=Fact.Kind.FACT, text="De regeling is door het bestuur vastgesteld.")
    Fact.objects.create(session=session, kind=Fact.Kind.QUESTION, text="Wat zegt de leidinggevende erover?")
    stakeholders = [
        Stakeholder.objects.create(
            session=session,
            name=name,
            rights=rights,
            interests=interests,
            wishes=wishes,
            weight=rng.choice([1, 2, 3]),
            added_by=by[(i + 1) % len(by)] if by and i % 2 else None,
        )
        for i, (name, rights, interests, wishes) in enumerate(spec["stakeholders"])
    ]
    values = [
        ValueNorm.objects.create(session=session, kind=kind, text=text, weight=rng.choice([2, 3]))
        for kind, text in spec["values"]
    ]
    # The weighing: the alternative scores best, A and B each hurt someone.
    leaning = {0: [-1, 1, 1, 0], 1: [1, -2, -1, -2], 2: [1, 1, 1, 2]}
    for i, option in enumerate(options):
        for j, criterion in enumerate([*stakeholders, *values]):
            score = max(-2, min(2, leaning[i][j % 4] + rng.choice([0, 0, 1, -1])))
            if isinstance(criterion, Stakeholder):
                Score.objects.create(session=session, option=option, stakeholder=criterion, score=score)
            else:
                Score.objects.create(session=session, option=option, value=criterion, score=score)
    reasons = ["onpartijdigheid", "rechtmatigheid", "menselijke maat", "betrouwbaarheid", "gelijke behandeling"]
    for participant in participants:
        option = rng.choices(options, weights=[2, 1, 4])[0]
        Choice.objects.create(
            session=session,
            participant=participant,
            option=option,
            because=rng.choice(reasons),
            despite=option.cost,
            limit_damage="Het uitleggen aan de betrokkenen en samen zoeken naar een oplossing.",
            needs="Steun van mijn leidinggevende.",
        )
    for description, owner in spec["actions"]:
        Action.objects.create(session=session, description=description, owner=owner)


def load(organisation: Organisation, *, rng: random.Random, today: date) -> dict:
    versions = {v.method.key: v for v in selectors.current_versions(organisation)}
    dilemma_method = versions["dilemmamethode"]
    light = versions["lichte-variant"]

    # Facilitators: trained from 2024, certified before the summer of 2025.
    facilitators = []
    for i, employee in enumerate(_facilitator_employees(organisation, rng)):
        started = min(TRAINING_STARTED[i], today)
        certified = CERTIFIED[i] if CERTIFIED[i] <= today else None
        facilitators.append(
            Facilitator.objects.create(
                organisation=organisation,
                employee=employee,
                training_status=Facilitator.Training.CERTIFIED if certified else Facilitator.Training.IN_TRAINING,
                training_started_on=started,
                certified_on=certified,
                available=i != 4,
                availability=["Dinsdag en donderdag", "Maandagochtend", "", "Hele week, niet in juli", "", "Woensdag"][
                    i
                ],
            )
        )

    people = list(
        Employee.objects.in_service(today)
        .filter(organisation=organisation, user__isnull=True)
        .select_related("unit")
        .order_by("personnel_number")
    )
    taken = {f.employee_id for f in facilitators}
    sanne = _persona(organisation, "medewerker")
    manager = _persona(organisation, "manager")

    def session(*, title, theme, method, leads, day, hour, status, team=None, request=None, location=""):
        created = Session.objects.create(
            organisation=organisation,
            request=request,
            title=title,
            theme=theme,
            team=team,
            method_version=method,
            scheduled_at=_at(day, hour),
            location=location or "Provinciehuis, vergaderzaal 2.14",
            status=status,
        )
        created.facilitators.set(leads)
        return created

    def participants_for(target: Session, n: int, *, joined_at, invited_at, extra=()) -> list[Participant]:
        chosen = [*extra, *_pick(rng, people, n - len(extra), taken | {e.pk for e in extra})]
        return [
            Participant.objects.create(session=target, employee=e, invited_at=invited_at, joined_at=joined_at)
            for e in chosen
        ]

    def close(target: Session, day: date, participants: list[Participant]) -> None:
        target.status = Session.Status.HELD
        target.started_at = target.scheduled_at
        target.held_on = day
        target.closed_at = _at(day, 12)
        target.participant_count = sum(1 for p in participants if p.joined_at)
        target.current_step = len(selectors.steps(target))
        target.save()

    sessions: list[Session] = []
    # 1-2. Practice sessions during the training (2024): as any session, their content goes after the retention period.
    for n, day in enumerate(PRACTICE_SESSIONS):
        if day >= today:
            continue
        practice = session(
            title=f"Oefensessie opleiding procesbegeleiders {n + 1}",
            theme=[Theme.RULES, Theme.INFORMATION][n],
            method=dilemma_method,
            leads=facilitators[2 * n : 2 * n + 2],
            day=day,
            hour=13,
            status=Session.Status.PLANNED,
        )
        members = participants_for(practice, 6 - n, joined_at=_at(day, 13), invited_at=_at(day - timedelta(days=14), 9))
        _fill_record(practice, REGELS_SESSION if n == 0 else FAMILY_SESSION, members, rng)
        close(practice, day, members)
        sessions.append(practice)

    # 3. Held, with a request and a complete record; its dilemma was published in the library.
    held_day = today - timedelta(days=120)
    regels = session(
        title=REGELS_SESSION["title"],
        theme=REGELS_SESSION["theme"],
        method=dilemma_method,
        leads=[facilitators[1], facilitators[5]],
        day=held_day,
        hour=10,
        status=Session.Status.PLANNED,
    )
    members = participants_for(regels, 7, joined_at=_at(held_day, 10), invited_at=_at(held_day - timedelta(days=10), 9))
    _fill_record(regels, REGELS_SESSION, members, rng)
    close(regels, held_day, members)
    sessions.append(regels)

    # 4. Held recently, asked for by a manager; the demo employee took part; its dilemma waits for review.
    family_day = today - timedelta(days=40)
    family_request = DeliberationRequest.objects.create(
        organisation=organisation,
        requested_by=manager.user if manager else None,
        requester=manager,
        theme=FAMILY_SESSION["theme"],
        situation=(
            "In mijn team speelt een vraag over een aanvraag van een bedrijf waar een familielid van een collega bij "
            "betrokken is. Ik wil dit graag met het team bespreken."
        ),
        team=manager.unit if manager else None,
        urgency=DeliberationRequest.Urgency.NORMAL,
        preferred_dates="Dinsdagochtend",
        expected_participants=8,
        status=DeliberationRequest.Status.PLANNED,
        decided_at=_at(family_day - timedelta(days=20), 11),
    )
    family = session(
        title=FAMILY_SESSION["title"],
        theme=FAMILY_SESSION["theme"],
        method=dilemma_method,
        leads=[facilitators[0], facilitators[4]],
        day=family_day,
        hour=9,
        status=Session.Status.PLANNED,
        team=manager.unit if manager else None,
        request=family_request,
    )
    members = participants_for(
        family,
        6,
        joined_at=_at(family_day, 9),
        invited_at=_at(family_day - timedelta(days=14), 9),
        extra=[sanne] if sanne else [],
    )
    _fill_record(family, FAMILY_SESSION, members, rng)
    close(family, family_day, members)
    sessions.append(family)

    # 5. Running now, the light variant in a team meeting, led by the demo facilitator; the code works all day.
    running = session(
        title="Teamoverleg: dilemma van de maand",
        theme=Theme.EXPRESSION,
        method=light,
        leads=[facilitators[0], facilitators[2]],
        day=today,
        hour=9,
        status=Session.Status.RUNNING,
    )
    code = "".join(rng.choice(JOIN_CODE_ALPHABET) for _i in range(6))
    running.join_code = code
    running.join_code_expires_at = _at(today, 23, 59)
    running.started_at = _at(today, 9, 5)
    running.current_step = 2
    running.dilemma_question = DEMONSTRATION["question"]
    running.save()
    joined = participants_for(running, 4, joined_at=_at(today, 9, 6), invited_at=_at(today - timedelta(days=7), 9))
    Option.objects.create(session=running, side="a", text=DEMONSTRATION["option_a"])
    Option.objects.create(session=running, side="b", text=DEMONSTRATION["option_b"])
    Stakeholder.objects.create(
        session=running,
        name="De medewerker",
        interests="Zijn mening laten horen",
        wishes="Geen gedoe op het werk",
        added_by=joined[0],
    )
    Stakeholder.objects.create(session=running, name="Inwoners", rights="Een onpartijdige overheid")
    sessions.append(running)

    # 6. Planned, asked for by the demo employee; invitations sent.
    planned_day = today + timedelta(days=12)
    own_request = DeliberationRequest.objects.create(
        organisation=organisation,
        requested_by=sanne.user if sanne else None,
        requester=sanne,
        theme=Theme.LOYALTY,
        situation=(
            "Een collega vertelde mij in vertrouwen dat hij het niet zo nauw neemt met zijn uren. Ik weet niet of ik "
            "dit moet melden. Ik zou het graag in een moreel beraad met een paar collega's verkennen."
        ),
        team=sanne.unit if sanne else None,
        urgency=DeliberationRequest.Urgency.NORMAL,
        preferred_dates="Liever niet op vrijdag",
        expected_participants=5,
        status=DeliberationRequest.Status.PLANNED,
        decided_at=_at(today - timedelta(days=5), 14),
    )
    planned = session(
        title="Moreel beraad over loyaliteit",
        theme=Theme.LOYALTY,
        method=dilemma_method,
        leads=[facilitators[0], facilitators[5]],
        day=planned_day,
        hour=10,
        status=Session.Status.PLANNED,
        team=sanne.unit if sanne else None,
        request=own_request,
    )
    participants_for(
        planned, 5, joined_at=None, invited_at=_at(today - timedelta(days=4), 9), extra=[sanne] if sanne else []
    )
    sessions.append(planned)

    # 7. Cancelled.
    cancelled = session(
        title="Moreel beraad team Subsidies",
        theme=Theme.RULES,
        method=light,
        leads=[facilitators[3]],
        day=today - timedelta(days=20),
        hour=14,
        status=Session.Status.CANCELLED,
    )
    cancelled.closed_at = _at(today - timedelta(days=22), 10)
    cancelled.save(update_fields=["closed_at"])
    sessions.append(cancelled)

    # Requests that wait or were declined.
    waiting_by = _pick(rng, people, 1, taken)[0]
    DeliberationRequest.objects.create(
        organisation=organisation,
        requested_by=None,
        requester=waiting_by,
        theme=Theme.LEADERSHIP,
        situation=(
            "Onze afdeling moet bezuinigen en de leidinggevende vraagt ons om informatie achter te houden voor een "
            "externe partner. Dat voelt niet goed."
        ),
        team=waiting_by.unit,
        urgency=DeliberationRequest.Urgency.HIGH,
        preferred_dates="Zo snel mogelijk",
        expected_participants=4,
    )
    declined_by = _pick(rng, people, 1, taken | {waiting_by.pk})[0]
    DeliberationRequest.objects.create(
        organisation=organisation,
        requester=declined_by,
        theme=Theme.OTHER,
        situation="Ik heb een conflict met een collega en wil dat bespreken.",
        urgency=DeliberationRequest.Urgency.HIGH,
        status=DeliberationRequest.Status.DECLINED,
        decline_reason=(
            "Een moreel beraad is niet de goede plek voor een conflict tussen twee mensen. Neem contact op met een "
            "vertrouwenspersoon; die helpt je verder."
        ),
        decided_at=_at(today - timedelta(days=60), 15),
    )

    # The library: the oath ceremonies' dilemma, three more, one from session 3, and one proposal waiting for review.
    entries = []
    published_on = [date(2024, 7, 4), *[spec["published"] for spec in LIBRARY], held_day + timedelta(days=21)]
    specs = [DEMONSTRATION, *LIBRARY]
    specs.append(
        {
            "title": "De termijn en de inwoner in nood",
            "theme": Theme.CITIZENS,
            "situation": (
                "Een inwoner levert een aanvraag één dag na de termijn in. Zonder de bijdrage komt haar bedrijf in "
                "gevaar. Een collega stelt voor de datum aan te passen."
            ),
            "question": "Houd je je aan de termijn, of help je deze inwoner?",
            "option_a": "Ik houd me aan de termijn",
            "option_b": "Ik pas de datum aan",
            "considerations": (
                "Rechtmatigheid en gelijke behandeling wegen zwaar; de menselijke maat ook. Het alternatief – afwijzen "
                "en samen zoeken naar een andere regeling – scoorde in de weging het best."
            ),
            "use_at_ceremonies": False,
            "use_in_trainings": True,
        }
    )
    number = 0
    for spec, day in zip(specs, published_on, strict=True):
        if day > today:
            continue
        number += 1
        fields = {k: v for k, v in spec.items() if k != "published"}
        entries.append(
            LibraryEntry.objects.create(
                organisation=organisation,
                number=number,
                status=LibraryEntry.Status.PUBLISHED,
                published_at=_at(day, 12),
                reviewed_at=_at(day, 12),
                **fields,
            )
        )
    LibraryEntry.objects.create(
        organisation=organisation,
        title="Een aanvraag van familie",
        theme=Theme.CONFLICT_OF_INTEREST,
        situation=(
            "Een medewerker krijgt een aanvraag binnen van een bedrijf waarvan een familielid mede-eigenaar is. De "
            "collega die het zou kunnen overnemen, is weken afwezig."
        ),
        question="Behandel je de aanvraag zelf, of draag je die over?",
        option_a="Ik behandel de aanvraag zelf, volgens het boekje",
        option_b="Ik draag de aanvraag over, ook al duurt het langer",
        considerations="Onpartijdigheid woog in de weging zwaarder dan snelheid. Meld een mogelijk belang altijd vooraf.",
        use_in_trainings=True,
        source_session=family,
        proposed_by=facilitators[0].employee.user,
    )
    for entry in entries:
        entry.proposed_at = entry.published_at
    LibraryEntry.objects.bulk_update(entries, ["proposed_at"])

    # The dilemma of the month: the demonstration dilemma this month, with anonymous votes; last month's has closed.
    demonstration = entries[0] if entries else None
    voters_pool = [e for e in people if e.pk not in taken]
    this_month = selectors.first_of_month(today)
    previous_month = selectors.first_of_month(this_month - timedelta(days=1))
    months = []
    if len(entries) > 1:
        months.append((entries[1], previous_month, (31, 12), True))
    if demonstration is not None:
        months.append((demonstration, this_month, (14, 9), False))
    for entry, month, (votes_a, votes_b), closed in months:
        monthly = MonthlyDilemma.objects.create(
            organisation=organisation,
            entry=entry,
            month=month,
            question="Wat zou jij kiezen?",
            secret=rng.randbytes(32),
        )
        MonthlyOption.objects.bulk_create(
            [
                MonthlyOption(monthly=monthly, label=entry.option_a, order=1, votes=votes_a),
                MonthlyOption(monthly=monthly, label=entry.option_b, order=2, votes=votes_b),
            ]
        )
        voters = rng.sample(voters_pool, min(votes_a + votes_b, len(voters_pool)))
        MonthlyVoter.objects.bulk_create(
            [
                MonthlyVoter(
                    id=f"{rng.getrandbits(128):032x}", monthly=monthly, marker=selectors.voter_marker(monthly, e)
                )
                for e in voters
            ]
        )
        if closed:
            MonthlyDilemma.objects.filter(pk=monthly.pk).update(secret=b"")

    # Retention: the content of sessions held longer ago than the retention period goes, as the daily job would do.
    report = purge_expired_content(now=_at(today, 6), organisation=organisation)
    return {
        "facilitators": len(facilitators),
        "sessions": len(sessions),
        "library": len(entries),
        "purged": len(report.sessions),
        "retention_months": conf.retention_months(),
    }
