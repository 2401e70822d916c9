"""Demo records of the oath register, reproducing the 2024 annual report of the seed.

The report says: in 2024 four physical ceremonies were held where 156 employees took the oath, before the
provinciesecretaris, in a new interactive format (plenary part, the oath, and a light moral deliberation on a dilemma
such as "how the right to demonstrate relates to being a civil servant").

The loader works from the employees the core generator made, chosen by start date, so that every oath makes sense:

- oath-bound employees who started before ``HISTORY_UNTIL`` get an imported registration (the paper register of
  earlier years), taken a few weeks after their start;
- everyone who started later goes to the first ceremony that is at least two weeks after their start date and before
  they left; the four 2024 ceremonies take at most ``SEED_SWORN_2024`` (156) people together, the rest move on to
  the next ceremony. If fewer oath-bound employees started in the months before those ceremonies, fewer are sworn:
  nobody is given an oath that does not fit their start date (the returned ``Summary`` has the numbers);
- 2023 ceremonies use the classic format; from 2024 on the interactive one;
- a few people were absent once and came to the next ceremony, a few took the oath individually;
- some who started in the last year missed every ceremony and are overdue today; of everyone whose obligation is
  still open, some are registered for the next ceremony and the rest not yet.

Everything is drawn from the given ``rng`` in a fixed order, so the same seed and day give the same records.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from plein.core import roles as R
from plein.core.models import Employee, Organisation, RoleAssignment, StructureRole
from plein.oaths import conf
from plein.oaths.dates import due_date
from plein.oaths.models import Ceremony, CeremonyDilemma, Form, Invitation, OathText, Registration

SEED_YEAR = 2024
SEED_SWORN_2024 = 156
SEED_CEREMONY_DATES_2024 = (date(2024, 3, 14), date(2024, 6, 13), date(2024, 9, 19), date(2024, 12, 5))
FIRST_CEREMONY_YEAR = 2023
HISTORY_UNTIL = date(2022, 10, 1)
DEMONSTRATION_DILEMMA = "Hoe verhoudt het demonstratierecht zich tot het zijn van ambtenaar?"
OTHER_DILEMMAS = [
    "Mag je als ambtenaar op sociale media reageren op een besluit van Gedeputeerde Staten?",
    "Een leverancier nodigt je uit voor een voetbalwedstrijd terwijl er een aanbesteding loopt. Wat doe je?",
    "Een buurman vraagt je hoe het staat met een vergunningaanvraag van een kennis. Wat zeg je?",
    "Je leidinggevende vraagt je een advies positiever op te schrijven dan je het ziet. Wat doe je?",
]
LOCATION = "Provinciehuis, Statenzaal"
PROGRAMME_INTERACTIVE = (
    "15.00 Welkom door de provinciesecretaris\n"
    "15.15 Integriteit bij de provincie: de integriteitscoördinator over beleid, regels en waar je terecht kunt\n"
    "15.45 Afleggen van de eed of belofte\n"
    "16.15 Moreel beraad (lichte variant) in kleine groepen over een dilemma\n"
    "17.00 Afsluiting met een drankje"
)
PROGRAMME_CLASSIC = (
    "15.00 Welkom door de provinciesecretaris\n"
    "15.15 Toelichting op het integriteitsbeleid\n"
    "15.45 Afleggen van de eed of belofte"
)
OATH_V1 = (
    "Ik zweer dat ik mij zal gedragen zoals een goed ambtenaar betaamt.\n"
    "Ik zal mijn taak nauwgezet, zorgvuldig en integer vervullen.\n"
    "Ik zal de Grondwet en alle andere wetten eerbiedigen.\n"
    "Ik zal geheimhouden wat mij in vertrouwen is verteld of wat ik als geheim heb leren kennen.\n"
    "Ik zal geen geschenken of beloften aannemen die mijn onafhankelijkheid in gevaar kunnen brengen.\n"
    "Zo waarlijk helpe mij God almachtig."
)
AFFIRMATION_V1 = OATH_V1.replace("Ik zweer", "Ik beloof").replace(
    "Zo waarlijk helpe mij God almachtig.", "Dat verklaar en beloof ik."
)
OATH_V2 = OATH_V1.replace(
    "Ik zal geen geschenken",
    "Ik ben mij bewust van mijn voorbeeldfunctie, ook buiten werktijd.\nIk zal geen geschenken",
)
AFFIRMATION_V2 = OATH_V2.replace("Ik zweer", "Ik beloof").replace(
    "Zo waarlijk helpe mij God almachtig.", "Dat verklaar en beloof ik."
)
TEXTS = [
    (Form.OATH, 1, OATH_V1, date(2020, 1, 1)),
    (Form.AFFIRMATION, 1, AFFIRMATION_V1, date(2020, 1, 1)),
    (Form.OATH, 2, OATH_V2, date(2024, 1, 1)),
    (Form.AFFIRMATION, 2, AFFIRMATION_V2, date(2024, 1, 1)),
]
ABSENT_SHARE = 0.03
INDIVIDUAL_SHARE = 0.04
# Of the people who started in the last year: missed every ceremony so far.
MISSED_SHARE = 0.12
OATH_SHARE = 0.42
OPEN_REGISTERED_SHARE = 0.6


@dataclass
class Summary:
    sworn_by_year: dict[int, int] = field(default_factory=dict)
    ceremonies_by_year: dict[int, int] = field(default_factory=dict)
    candidates_2024: int = 0
    imported: int = 0
    registered_upcoming: int = 0
    open_unregistered: int = 0


def _second_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7)


def _ceremony_dates(today: date) -> list[date]:
    """Held ceremonies (before today), quarterly from 2023; the seed's four dates in 2024."""
    dates = []
    for year in range(FIRST_CEREMONY_YEAR, today.year + 1):
        if year == SEED_YEAR:
            dates += list(SEED_CEREMONY_DATES_2024)
        else:
            dates += [_second_thursday(year, month) for month in (3, 6, 9, 12)]
    return [d for d in dates if d < today]


def _next_ceremony_date(today: date) -> date:
    day = today + timedelta(days=14)
    for offset in range(0, 13):
        month_index = day.month - 1 + offset
        candidate = _second_thursday(day.year + month_index // 12, month_index % 12 + 1)
        if candidate >= day:
            return candidate
    raise AssertionError("unreachable: a second Thursday always exists within a year")


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _people(organisation: Organisation):
    chair = (
        StructureRole.objects.filter(
            organisation=organisation, kind=StructureRole.Kind.PROVINCIAL_SECRETARY, employee__isnull=False
        )
        .select_related("employee")
        .first()
    )
    ic = (
        StructureRole.objects.filter(
            organisation=organisation, kind=StructureRole.Kind.INTEGRITY_COORDINATOR, employee__isnull=False
        )
        .select_related("employee")
        .first()
    )
    hr = (
        RoleAssignment.objects.filter(organisation=organisation, role=R.HR, revoked_at__isnull=True)
        .select_related("user__employee")
        .order_by("pk")
        .first()
    )
    hr_employee = getattr(hr.user, "employee", None) if hr else None
    witnesses = []
    if ic:
        witnesses.append(f"{ic.employee.full_name} (integriteitscoördinator)")
    if hr_employee:
        witnesses.append(f"{hr_employee.full_name} (HR-adviseur)")
    return (chair.employee if chair else None), "\n".join(witnesses)


def load(organisation: Organisation, *, rng: random.Random, today: date) -> Summary:
    summary = Summary()

    texts = OathText.objects.bulk_create(
        [
            OathText(organisation=organisation, form=form, version=version, text=text, effective_from=start)
            for form, version, text, start in TEXTS
        ]
    )

    def text_for(form: str, on: date) -> OathText | None:
        fitting = [t for t in texts if t.form == form and t.effective_from <= on]
        return max(fitting, key=lambda t: t.effective_from) if fitting else None

    chair, witnesses = _people(organisation)
    chair_name = chair.full_name if chair else "De provinciesecretaris"
    chair_title = "provinciesecretaris"
    sworn_before = f"{chair_name} ({chair_title})"

    held_dates = _ceremony_dates(today)
    ceremonies: list[Ceremony] = []
    for day in held_dates:
        interactive = day.year >= SEED_YEAR
        month = day.strftime("%m")
        ceremonies.append(
            Ceremony(
                organisation=organisation,
                title=f"Ambtseed {day.year}-{month}",
                date=day,
                start_time=time(15, 0),
                location=LOCATION,
                chair=chair,
                chair_name=chair_name,
                chair_title=chair_title,
                witnesses=witnesses,
                capacity=60,
                programme=PROGRAMME_INTERACTIVE if interactive else PROGRAMME_CLASSIC,
                format=Ceremony.Format.INTERACTIVE if interactive else Ceremony.Format.CLASSIC,
            )
        )
    upcoming_day = _next_ceremony_date(today)
    upcoming = Ceremony(
        organisation=organisation,
        title=f"Ambtseed {upcoming_day.year}-{upcoming_day.strftime('%m')}",
        date=upcoming_day,
        start_time=time(15, 0),
        location=LOCATION,
        chair=chair,
        chair_name=chair_name,
        chair_title=chair_title,
        witnesses=witnesses,
        capacity=60,
        programme=PROGRAMME_INTERACTIVE,
        format=Ceremony.Format.INTERACTIVE,
    )
    ceremonies = Ceremony.objects.bulk_create([*ceremonies, upcoming])
    upcoming = ceremonies[-1]
    held = ceremonies[:-1]

    dilemmas = []
    for ceremony in held:
        if ceremony.format != Ceremony.Format.INTERACTIVE:
            continue
        dilemmas.append(CeremonyDilemma(ceremony=ceremony, question=DEMONSTRATION_DILEMMA))
        if ceremony.date > SEED_CEREMONY_DATES_2024[0]:
            dilemmas.append(CeremonyDilemma(ceremony=ceremony, question=rng.choice(OTHER_DILEMMAS)))
    CeremonyDilemma.objects.bulk_create(dilemmas)

    employees = list(
        Employee.objects.filter(
            organisation=organisation, start_date__isnull=False, employment_type__in=conf.employment_types()
        ).order_by("start_date", "personnel_number")
    )
    registrations: list[Registration] = []
    taken_count: dict[int, int] = {}  # ceremony pk → people sworn there
    sworn_2024 = 0
    open_people: list[Employee] = []

    def taken_registration(employee: Employee, form: str, on: date, ceremony: Ceremony | None, source: str):
        return Registration(
            organisation=organisation,
            employee=employee,
            ceremony=ceremony,
            form=form,
            text=text_for(form, on) if source != Registration.Source.IMPORT else None,
            status=Registration.Status.TAKEN,
            source=source,
            taken_on=on,
            period_start=employee.start_date if employee.start_date <= on else None,
            sworn_before=sworn_before if source != Registration.Source.IMPORT else "",
            location=LOCATION if ceremony else "",
            checked_in_at=_at(on, 16) if source != Registration.Source.IMPORT else None,
        )

    for employee in employees:
        form = Form.OATH if rng.random() < OATH_SHARE else Form.AFFIRMATION
        roll = rng.random()
        left = employee.end_date
        if employee.start_date < HISTORY_UNTIL:
            on = employee.start_date + timedelta(days=rng.randint(10, 80))
            if on < today and (left is None or on <= left):
                registrations.append(taken_registration(employee, form, on, None, Registration.Source.IMPORT))
                summary.imported += 1
            continue
        earliest = employee.start_date + timedelta(days=14)
        fitting = [c for c in held if c.date >= earliest and (left is None or c.date <= left)]
        if fitting and fitting[0].date.year == SEED_YEAR:
            summary.candidates_2024 += 1
        choices = [c for c in fitting if not (c.date.year == SEED_YEAR and sworn_2024 >= SEED_SWORN_2024)]
        if employee.start_date >= today - timedelta(days=365) and roll < MISSED_SHARE + INDIVIDUAL_SHARE:
            choices = []  # did not come and has not been rescheduled yet: overdue today
        if not choices:
            if left is None or left >= today:
                open_people.append(employee)
            continue
        ceremony = choices[0]
        if roll < INDIVIDUAL_SHARE and ceremony.date.year != SEED_YEAR:
            on = ceremony.date - timedelta(days=rng.randint(3, 20))
            if on >= employee.start_date:
                registrations.append(taken_registration(employee, form, on, None, Registration.Source.INDIVIDUAL))
                continue
        if (
            roll > 1 - ABSENT_SHARE
            and len(choices) > 1
            and not (choices[1].date.year == SEED_YEAR and sworn_2024 >= SEED_SWORN_2024)
        ):
            registrations.append(
                Registration(
                    organisation=organisation,
                    employee=employee,
                    ceremony=ceremony,
                    form=form,
                    text=text_for(form, ceremony.date),
                    status=Registration.Status.ABSENT,
                    source=Registration.Source.CEREMONY,
                    checked_in_at=_at(ceremony.date, 16),
                )
            )
            ceremony = choices[1]
        registrations.append(taken_registration(employee, form, ceremony.date, ceremony, Registration.Source.CEREMONY))
        taken_count[ceremony.pk] = taken_count.get(ceremony.pk, 0) + 1
        if ceremony.date.year == SEED_YEAR:
            sworn_2024 += 1

    # Today's open obligations: some registered for the next ceremony (everyone invited), the rest not yet.
    invitations = []
    registered_upcoming = 0
    for employee in open_people:
        invitations.append(Invitation(ceremony=upcoming, employee=employee))
        overdue = due_date(employee.start_date, conf.term_months()) < today
        if registered_upcoming < upcoming.capacity and rng.random() < (0.4 if overdue else OPEN_REGISTERED_SHARE):
            form = Form.OATH if rng.random() < OATH_SHARE else Form.AFFIRMATION
            registrations.append(
                Registration(
                    organisation=organisation,
                    employee=employee,
                    ceremony=upcoming,
                    form=form,
                    text=text_for(form, upcoming.date),
                    status=Registration.Status.REGISTERED,
                    source=Registration.Source.CEREMONY,
                )
            )
            registered_upcoming += 1
    Invitation.objects.bulk_create(invitations)
    Registration.objects.bulk_create(registrations, batch_size=500)

    # Capacity of each held ceremony: what was needed plus some room, as it was planned.
    for ceremony in held:
        needed = taken_count.get(ceremony.pk, 0)
        ceremony.capacity = max(40, needed + 10)
    Ceremony.objects.bulk_update(held, ["capacity"])

    for registration in registrations:
        if registration.status == Registration.Status.TAKEN:
            year = registration.taken_on.year
            summary.sworn_by_year[year] = summary.sworn_by_year.get(year, 0) + 1
    for ceremony in held:
        if taken_count.get(ceremony.pk):
            summary.ceremonies_by_year[ceremony.date.year] = summary.ceremonies_by_year.get(ceremony.date.year, 0) + 1
    summary.registered_upcoming = registered_upcoming
    summary.open_unregistered = len(open_people) - registered_upcoming
    return summary
