"""Demo records of Leren & bewustwording, reproducing the 2023–2024 activities of the seed's annual report.

The report says: every employee gets a training in moral judgement ("morele oordeelsvorming"); an integrity
workshop for managers started in October 2023 as part of onboarding and was held again in April 2024; the works
council (Ondernemingsraad) organised "De Integriteit Show" on 11 April 2024; and on 4 July 2024 the organisation held
a meeting about being a civil servant and demonstrating, led by the integrity coordinator of Noord-Holland.

The loader makes, from the people the core generator made:

- three courses (morele oordeelsvorming, the workshop for managers, an e-learning module) and two mandatory
  trainings: morele oordeelsvorming for everyone from 2024 (within three years: sessions run through 2024–2026), and
  the workshop for managers, new ones within ``LEARNING_NEW_MANAGER_MONTHS`` of starting;
- the workshops of October 2023 and April 2024 (and every half year after that), the show and the meeting, each
  with registrations and attendance of people in service on that day;
- two sessions of morele oordeelsvorming a month (not in July and August) from February 2024 to December 2026:
  those before ``today`` with attendance, the next ones with registrations (one of them full);
- the e-learning module "Integriteit in de praktijk" (from September 2024) with completions;
- a lecture and a meeting in the weeks after ``today``, so that the calendar always has upcoming events.

The demo employee and the demo manager have not done their mandatory training, so their start page shows the to-do;
the demo employee was at the show, so their learning record has a history.
Everything is drawn from the given ``rng`` in a fixed order, so the same seed and day give the same records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from plein.core import roles as R
from plein.core.models import Employee, Organisation, RoleAssignment, StructureRole
from plein.learning import conf
from plein.learning.models import Attendance, Course, Event, Kind, Registration, Requirement

SHOW_DATE = date(2024, 4, 11)
MEETING_DATE = date(2024, 7, 4)
WORKSHOP_DATES = (date(2023, 10, 12), date(2024, 4, 18))
MOO_FIRST_MONTH = (2024, 2)
MOO_LAST_MONTH = (2026, 12)
ELEARNING_DATE = date(2024, 9, 2)
MOO_CAPACITY = 16
WORKSHOP_CAPACITY = 16
NO_SHOW_SHARE = 0.08
ELEARNING_SHARE = 0.3
DEMO_EMPLOYEE_EMAIL = "medewerker@veenland.example"
DEMO_MANAGER_EMAIL = "manager@veenland.example"
ROOMS = ("Provinciehuis, vergaderzaal 2.14", "Provinciehuis, vergaderzaal 3.02", "Steunpunt Wegen, kantine")

MOO_TEXT = (
    "In je werk kom je morele vraagstukken tegen: van wat ongemak bij een beslissing tot een kwestie die je uit je "
    "slaap houdt. In deze training leer je zulke vraagstukken herkennen, de belangen van de betrokkenen wegen en "
    "uitleggen waarom je doet wat je doet. Een wet of procedure volgen is niet altijd hetzelfde als goed handelen. "
    "De training is verplicht voor alle medewerkers."
)
WORKSHOP_TEXT = (
    "Een workshop over integriteit voor leidinggevenden, als vast onderdeel van het on-boardingprogramma. Je "
    "oefent met dilemma's uit de praktijk, bespreekt je rol als voorbeeld (ethisch leiderschap) en leert wat je "
    "doet als een medewerker met een vraag of een vermoeden bij je komt."
)
SHOW_TEXT = (
    "De Ondernemingsraad organiseert De Integriteit Show. Met verschillende illusieacts leer je beter op je "
    "onderbuikgevoel te vertrouwen, en ervaar je hoe gemakkelijk mensen te beïnvloeden zijn. Een positieve "
    "manier om integriteit onder de aandacht te brengen, en een opstap naar een goed gesprek met je collega's, de "
    "integriteitscoördinator of een vertrouwenspersoon."
)
MEETING_TEXT = (
    "Als je bij de overheid werkt, werk je in een glazen huis. Bij je eed of belofte heb je beloofd integer te "
    "zijn. Maar hoe werkt dat als je wilt gaan demonstreren? Welke ruimte heb je wel en niet? We verkennen het "
    "samen, onder leiding van de coördinator integriteit van de provincie Noord-Holland."
)
ELEARNING_TEXT = (
    "Een korte e-learning (ongeveer 30 minuten) over integriteit in je dagelijkse werk: geschenken en uitnodigingen, "
    "nevenfuncties, vertrouwelijke informatie en waar je terechtkunt met een vraag. Je kunt hem op elk moment doen."
)
LECTURE_TEXT = (
    "Criminelen zoeken soms contact met ambtenaren: voor informatie, een vergunning of een opdracht. Hoe herken je "
    "signalen van ondermijning, en wat doe je als je twijfelt? Een lezing met voorbeelden uit de praktijk."
)
DELIBERATION_TEXT = (
    "Maak kennis met de procesbegeleiders moreel beraad. Je ervaart in een korte sessie hoe een moreel beraad "
    "werkt en hoe je er een aanvraagt voor je team."
)


@dataclass
class Summary:
    events_by_year: dict[int, int] = field(default_factory=dict)
    attendance: int = 0
    registrations: int = 0
    upcoming: int = 0


@dataclass(frozen=True)
class Person:
    pk: int
    start: date | None
    end: date | None
    is_manager: bool

    def in_service(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)


def _weekdays(year: int, month: int, weekday: int) -> list[date]:
    day = date(year, month, 1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    days = []
    while day.month == month:
        days.append(day)
        day += timedelta(days=7)
    return days


def _moo_dates() -> list[date]:
    """The second and fourth Tuesday of each month, February 2024 to December 2026, not in July and August."""
    dates = []
    year, month = MOO_FIRST_MONTH
    while (year, month) <= MOO_LAST_MONTH:
        if month not in (7, 8):
            tuesdays = _weekdays(year, month, 1)
            dates += [tuesdays[1], tuesdays[3]]
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return dates


def _workshop_dates(today: date) -> list[date]:
    """The seed's two workshops, then the third Thursday of April and October, up to the first one after today."""
    dates = list(WORKSHOP_DATES)
    year, month = 2024, 10
    while True:
        day = _weekdays(year, month, 3)[2]
        dates.append(day)
        if day > today + timedelta(days=21):
            return dates
        year, month = (year, 10) if month == 4 else (year + 1, 4)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Loader:
    def __init__(self, organisation: Organisation, rng: random.Random, today: date):
        self.organisation = organisation
        self.rng = rng
        self.today = today
        self.summary = Summary()
        self.registrations: list[Registration] = []
        self.attendance: list[Attendance] = []
        self.recorder = (
            RoleAssignment.objects.filter(organisation=organisation, role=R.HR, revoked_at__isnull=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        ic = (
            StructureRole.objects.filter(
                organisation=organisation, kind=StructureRole.Kind.INTEGRITY_COORDINATOR, employee__isnull=False
            )
            .select_related("employee")
            .first()
        )
        self.ic_name = ic.employee.full_name if ic else "de integriteitscoördinator"
        managers = set(
            Employee.objects.filter(organisation=organisation, reports_to_me__isnull=False).values_list("pk", flat=True)
        )
        managers |= set(
            Employee.objects.filter(
                organisation=organisation,
                user__role_assignments__role=R.MANAGER,
                user__role_assignments__revoked_at__isnull=True,
            ).values_list("pk", flat=True)
        )
        rows = Employee.objects.filter(organisation=organisation).order_by("personnel_number")
        self.people = [
            Person(pk, start, end, pk in managers)
            for pk, start, end in rows.values_list("pk", "start_date", "end_date")
        ]
        personas = dict(
            Employee.objects.filter(
                organisation=organisation, user__email__in=[DEMO_EMPLOYEE_EMAIL, DEMO_MANAGER_EMAIL]
            ).values_list("user__email", "pk")
        )
        # The demo employee and manager keep their mandatory training open, so that their start page shows it.
        self.demo_employee = personas.get(DEMO_EMPLOYEE_EMAIL)
        self.demo_manager = personas.get(DEMO_MANAGER_EMAIL)
        self.completed: dict[int, set[int]] = {}  # course pk → employees who completed it

    @property
    def recorded_by(self):
        return self.recorder.user if self.recorder else None

    def event(self, **fields) -> Event:
        event = Event.objects.create(organisation=self.organisation, created_by=self.recorded_by, **fields)
        self.summary.events_by_year[event.date.year] = self.summary.events_by_year.get(event.date.year, 0) + 1
        if event.date >= self.today:
            self.summary.upcoming += 1
        return event

    def take_part(self, event: Event, chosen: list[Person], no_shows: list[Person] = ()) -> None:
        """Registrations before the day, and attendance on the day (a few registered people did not come)."""
        for person in [*chosen, *no_shows]:
            self.registrations.append(
                Registration(
                    event=event,
                    employee_id=person.pk,
                    registered_at=_at(event.date - timedelta(days=self.rng.randint(3, 40)), self.rng.randint(8, 17)),
                )
            )
        for person in chosen:
            self.attendance.append(
                Attendance(
                    event=event,
                    employee_id=person.pk,
                    attended_on=event.date,
                    source=Attendance.Source.LIST,
                    recorded_by=self.recorded_by,
                    recorded_at=_at(event.date, 17),
                )
            )
            if event.course_id:
                self.completed.setdefault(event.course_id, set()).add(person.pk)

    def register_only(self, event: Event, chosen: list[Person]) -> None:
        for person in chosen:
            self.registrations.append(
                Registration(
                    event=event,
                    employee_id=person.pk,
                    registered_at=_at(self.today - timedelta(days=self.rng.randint(0, 30)), self.rng.randint(8, 17)),
                )
            )

    def candidates(self, day: date, *, course: Course | None = None, managers: bool = False) -> list[Person]:
        done = self.completed.get(course.pk, set()) if course else set()
        keep_open = {self.demo_employee, self.demo_manager}
        return [
            p
            for p in self.people
            if p.in_service(day) and p.pk not in done and p.pk not in keep_open and (p.is_manager or not managers)
        ]

    def sample(self, people: list[Person], low: int, high: int) -> list[Person]:
        count = min(len(people), self.rng.randint(low, high))
        return self.rng.sample(people, count)

    def split_no_shows(self, chosen: list[Person]) -> tuple[list[Person], list[Person]]:
        no_shows = [p for p in chosen if self.rng.random() < NO_SHOW_SHARE]
        return [p for p in chosen if p not in no_shows], no_shows


def load(organisation: Organisation, *, rng: random.Random, today: date) -> Summary:
    loader = _Loader(organisation, rng, today)

    moo = Course.objects.create(
        organisation=organisation,
        code="morele-oordeelsvorming",
        title="Morele oordeelsvorming",
        kind=Kind.TRAINING,
        description=MOO_TEXT,
    )
    workshop = Course.objects.create(
        organisation=organisation,
        code="integriteitsworkshop-leidinggevenden",
        title="Integriteitsworkshop voor leidinggevenden",
        kind=Kind.WORKSHOP,
        description=WORKSHOP_TEXT,
    )
    elearning = Course.objects.create(
        organisation=organisation,
        code="integriteit-in-de-praktijk",
        title="Integriteit in de praktijk",
        kind=Kind.ELEARNING,
        description=ELEARNING_TEXT,
    )
    Requirement.objects.create(
        organisation=organisation,
        course=moo,
        audience=Requirement.Audience.ALL,
        applies_from=date(2024, 1, 1),
        due_months=36,
    )
    Requirement.objects.create(
        organisation=organisation,
        course=workshop,
        audience=Requirement.Audience.MANAGERS,
        applies_from=WORKSHOP_DATES[0] - timedelta(days=WORKSHOP_DATES[0].day - 1),
        due_months=conf.new_manager_months(),
    )

    # The seed's activities, in the order they happened, so that nobody takes part in a workshop twice.
    plan: list[tuple[date, str]] = [(d, "workshop") for d in _workshop_dates(today)]
    plan += [(SHOW_DATE, "show"), (MEETING_DATE, "meeting")]
    plan += [(d, "moo") for d in _moo_dates()]
    moo_numbers: dict[tuple[int, int], int] = {}
    full_made = False
    for day, what in sorted(plan):
        if what == "workshop":
            event = loader.event(
                code=f"WS-LG-{day:%Y-%m}",
                title=workshop.title,
                kind=Kind.WORKSHOP,
                course=workshop,
                description=WORKSHOP_TEXT,
                date=day,
                start_time=time(13, 30),
                end_time=time(16, 30),
                location=ROOMS[0],
                capacity=WORKSHOP_CAPACITY,
                audience="Leidinggevenden, in het bijzonder nieuwe leidinggevenden",
                organiser="Integriteitscoördinator",
                led_by=loader.ic_name,
            )
            people = loader.candidates(day, course=workshop, managers=True)
            if day < today:
                # The seed's first two workshops were for the managers then in office; later ones for new managers.
                low, high = (6, 9) if day in WORKSHOP_DATES else (2, 5)
                loader.take_part(event, *loader.split_no_shows(loader.sample(people, low, high)))
            else:
                loader.register_only(event, loader.sample(people, 3, 7))
        elif what == "show":
            event = loader.event(
                code="SHOW-2024",
                title="De Integriteit Show",
                kind=Kind.SHOW,
                description=SHOW_TEXT,
                date=day,
                start_time=time(15, 30),
                end_time=time(17, 0),
                location="Provinciehuis, Statenzaal",
                capacity=200,
                audience="Alle medewerkers",
                organiser="Ondernemingsraad",
            )
            if day < today:
                chosen, no_shows = loader.split_no_shows(loader.sample(loader.candidates(day), 130, 170))
                # The demo employee was there, so that their learning record has a history.
                chosen += [p for p in loader.people if p.pk == loader.demo_employee and p.in_service(day)]
                loader.take_part(event, chosen, no_shows)
            else:
                loader.register_only(event, loader.sample(loader.candidates(day), 60, 90))
        elif what == "meeting":
            event = loader.event(
                code="DEMO-2024",
                title="Ambtenaar zijn én gaan demonstreren",
                kind=Kind.MEETING,
                description=MEETING_TEXT,
                date=day,
                start_time=time(14, 0),
                end_time=time(16, 0),
                location="Provinciehuis, Statenzaal",
                capacity=80,
                audience="Alle medewerkers",
                organiser="Provinciesecretaris",
                led_by="Coördinator integriteit van de provincie Noord-Holland",
            )
            if day < today:
                loader.take_part(event, *loader.split_no_shows(loader.sample(loader.candidates(day), 45, 70)))
            else:
                loader.register_only(event, loader.sample(loader.candidates(day), 20, 40))
        else:
            number = moo_numbers[(day.year, day.month)] = moo_numbers.get((day.year, day.month), 0) + 1
            event = loader.event(
                code=f"MOO-{day:%Y-%m}-{number}",
                title=moo.title,
                kind=Kind.TRAINING,
                course=moo,
                description=MOO_TEXT,
                date=day,
                start_time=time(9, 30),
                end_time=time(12, 30),
                location=ROOMS[(day.month + number) % len(ROOMS)],
                capacity=MOO_CAPACITY,
                audience="Alle medewerkers",
                organiser="Integriteitscoördinator en HR",
                led_by="Trainers van De Morele Werkplaats",
            )
            people = loader.candidates(day, course=moo)
            if day < today:
                loader.take_part(event, *loader.split_no_shows(loader.sample(people, 10, MOO_CAPACITY)))
            elif day < today + timedelta(days=90):
                if not full_made:
                    full_made = True
                    chosen = loader.sample(people, MOO_CAPACITY, MOO_CAPACITY)
                else:
                    chosen = loader.sample(people, 3, MOO_CAPACITY - 4)
                loader.register_only(event, chosen)
                # Registered for one session: not a candidate for the next one.
                loader.completed.setdefault(moo.pk, set()).update(p.pk for p in chosen)

    module = loader.event(
        code="EL-INT-2024",
        title="E-learning Integriteit in de praktijk",
        kind=Kind.ELEARNING,
        course=elearning,
        description=ELEARNING_TEXT,
        date=ELEARNING_DATE,
        audience="Alle medewerkers",
        organiser="Integriteitscoördinator",
        registration_required=False,
        module_url="https://leren.veenland.example/integriteit-in-de-praktijk",
    )
    if today > ELEARNING_DATE:
        span = (today - ELEARNING_DATE).days
        for person in loader.candidates(today):
            if rng.random() < ELEARNING_SHARE:
                day = ELEARNING_DATE + timedelta(days=rng.randint(0, span - 1))
                if person.in_service(day):
                    loader.attendance.append(
                        Attendance(
                            event=module,
                            employee_id=person.pk,
                            attended_on=day,
                            source=Attendance.Source.SELF,
                            recorded_at=_at(day, rng.randint(8, 17)),
                        )
                    )

    lecture_day = today + timedelta(days=rng.randint(17, 24))
    lecture = loader.event(
        code=f"LEZ-{lecture_day:%Y-%m-%d}",
        title="Lezing: ondermijning herkennen",
        kind=Kind.LECTURE,
        description=LECTURE_TEXT,
        date=lecture_day,
        start_time=time(12, 15),
        end_time=time(13, 15),
        location="Provinciehuis, Statenzaal",
        capacity=120,
        audience="Alle medewerkers",
        organiser="Platform Integriteit en Informatieveiligheid",
        led_by="Adviseur weerbaarheid en ondermijning",
    )
    loader.register_only(lecture, loader.sample(loader.candidates(today), 25, 50))
    if loader.demo_employee is not None:
        # The demo employee keeps the attendance list of the lecture (for example as a member of the works council).
        lecture.hosts.add(loader.demo_employee)
    meeting_day = today + timedelta(days=rng.randint(30, 40))
    meeting = loader.event(
        code=f"MB-{meeting_day:%Y-%m-%d}",
        title="Kennismaking met moreel beraad",
        kind=Kind.MEETING,
        description=DELIBERATION_TEXT,
        date=meeting_day,
        start_time=time(15, 0),
        end_time=time(16, 30),
        location=ROOMS[1],
        capacity=30,
        audience="Alle medewerkers",
        organiser="Integriteitscoördinator",
        led_by="Procesbegeleiders moreel beraad",
    )
    loader.register_only(meeting, loader.sample(loader.candidates(today), 8, 20))

    Registration.objects.bulk_create(loader.registrations, batch_size=500)
    Attendance.objects.bulk_create(loader.attendance, batch_size=500)
    loader.summary.registrations = len(loader.registrations)
    loader.summary.attendance = len(loader.attendance)
    return loader.summary
