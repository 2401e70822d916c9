"""Scale data: a large, realistic organisation over many years, for performance work (issue 12).

``generate(employees=N, years=Y, seed=S)`` fills an empty database with "Provincie Veenland" grown to ``N`` people in
service today: the demo's organisation shape (``plein.core.demo``) repeated in regions of about a thousand people, its
positions per region, and people joining and leaving over ``Y`` years (about six per cent leave each year and are
replaced; temporary contracts end; some start in the coming weeks). The demo accounts (``medewerker@veenland.example``
and the others of ``plein.core.demo.PERSONAS``) exist with the demo password where the demo allows it. Then, for every app, its records over those
years with realistic shares: oaths and ceremonies, the inventory of vulnerable positions with review rounds and
certificates of conduct, outside activities, gifts, financial interests and the yearly campaigns, the consultations
register (the demo's shares of who asked, topics and actions, handled by the integrity coordinators and confidential
advisers, each with its history), trainings and attendance, the portal (through the portal's own demo loader), moral
deliberation sessions, and the audit events all those writes would have left. Reports and their conversations go
through the real services of ``plein.reports``, encryption included, each with its receipt code derived by Argon2id;
their cases (``plein.dossiers``) are opened by those services too.

Everything except the reports is written with bulk inserts. Everything is drawn from ``random.Random`` instances
derived from the seed, and dated relative to ``today``, so the same seed, sizes and day give the same records (the
ciphertexts, keys and receipt codes of the reports are random by design and differ).

Argon2id: each report's receipt costs one derivation with the configured parameters (about 0.5 s on a busy
two-core machine with the production default of 64 MiB). ``fast_kdf=True`` sets up the reporting key with the
cheapest parameters instead, so receipt codes are cheap to derive: only for benchmark databases, never for real use.
See docs/performance.md for the sizes and timings.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import random
import time as clock
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from plein.core import demo
from plein.core import roles as R
from plein.core.models import (
    AuditEvent,
    AuditHead,
    Employee,
    EmploymentType,
    Organisation,
    OrgUnit,
    Position,
    RoleAssignment,
    User,
)

SCALE_SLUG = demo.DEMO_SLUG
SCALE_NAME = demo.DEMO_NAME
DEFAULT_SEED = 12
REGION_SIZE = 1000  # people per region: the demo province's size
TURNOVER = 0.06  # share of the staff that leaves per year (and is replaced)
REPORTS_PER_1000_PER_YEAR = 4  # reports of all channels together, per thousand employees per year
CONSULTATIONS_PER_1000_PER_YEAR = (15, 23)  # the demo's 2023 and 2024: each year draws a rate between them
BATCH = 2000

Progress = Callable[[str], None]


class ScaleError(Exception):
    """The scale data cannot be generated here; the message says why and what to do."""


@dataclass
class Person:
    """What the app generators need of an employee, without holding model instances."""

    pk: int
    key: str
    unit_id: int
    unit_path: str
    position_id: int
    position_code: str  # the code without the region suffix, as in the demo's lists
    manager_pk: int | None
    start: date | None
    end: date | None
    kind: str
    user_id: int | None
    is_manager: bool

    def in_service(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)

    def overlaps(self, first: date, last: date) -> bool:
        return (self.start is None or self.start <= last) and (self.end is None or self.end >= first)


@dataclass
class Context:
    organisation: Organisation
    seed: int
    today: date
    years: int
    window_start: date
    say: Progress
    started: float
    people: list[Person] = field(default_factory=list)
    by_pk: dict[int, Person] = field(default_factory=dict)
    personas: dict[str, User] = field(default_factory=dict)  # role code → the demo account
    counts: dict[str, int] = field(default_factory=dict)
    audit: list[tuple] = field(default_factory=list)  # (occurred_at, actor_id, role, action, target_type, target_id)

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    def log(self, message: str) -> None:
        self.say(f"[{clock.monotonic() - self.started:7.1f} s] {message}")

    def count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def audited(self, when: date | datetime, action: str, target_type: str, target_id, actor_id=None, role=""):
        moment = when if isinstance(when, datetime) else aware(when, 10)
        self.audit.append((moment, actor_id, role, action, target_type, str(target_id)))

    def day_between(self, rng: random.Random, first: date, last: date) -> date:
        return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


@dataclass
class ScaleResult:
    organisation: Organisation
    counts: dict[str, int]
    seconds: float


def aware(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def add_years(day: date, years: int) -> date:
    from plein.oaths.dates import add_months

    return add_months(day, 12 * years)


def bulk(model: type[models.Model], rows: Iterable[models.Model], batch: int = BATCH, keep: bool = True) -> list:
    """``bulk_create`` in batches from any iterable; returns the saved rows (with keys) unless ``keep`` is off."""
    saved: list = []
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            created = model.objects.bulk_create(chunk)
            if keep:
                saved.extend(created)
            chunk = []
    if chunk:
        created = model.objects.bulk_create(chunk)
        if keep:
            saved.extend(created)
    return saved


def chunked(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- entry point ------------------------------------------------------------------------------------------------


def generate(
    *,
    employees: int,
    years: int,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    fast_kdf: bool = False,
    progress: Progress | None = None,
) -> ScaleResult:
    """Fill the database; all or nothing. Refuses a database that already has the demo organisation or accounts."""
    if employees < 100:
        raise ScaleError("Use at least 100 employees: the organisation's fixed structure alone needs about 90.")
    if not 1 <= years <= 40:
        raise ScaleError("Use between 1 and 40 years.")
    today = today or timezone.localdate()
    if (
        Organisation.objects.filter(slug=SCALE_SLUG).exists()
        or User.objects.filter(email__in=[p.email for p in demo.PERSONAS]).exists()
    ):
        raise ScaleError(
            "This database already holds the demo organisation or its accounts. Generate scale data into an empty "
            "database, for example: DATABASE_URL=sqlite:///var/bench/scale.sqlite3 ./plein migrate && "
            "DATABASE_URL=sqlite:///var/bench/scale.sqlite3 ./plein generate_scale_data ..."
        )
    ctx = Context(
        organisation=None,  # set below
        seed=seed,
        today=today,
        years=years,
        window_start=add_years(today, -years),
        say=progress or (lambda message: None),
        started=clock.monotonic(),
    )
    with transaction.atomic(), _quiet("django_tasks", "wagtail"):
        ctx.organisation = Organisation.objects.create(
            name=SCALE_NAME,
            slug=SCALE_SLUG,
            short_name="Veenland",
            primary_colour="#1f5c3a",
            primary_text_colour="#ffffff",
            accent_colour="#f2c12e",
            website=f"https://www.{demo.DEMO_DOMAIN}",
        )
        make_people(ctx, employees)
        make_oaths(ctx)
        make_positions(ctx)
        make_declarations(ctx)
        make_consultations(ctx)
        make_learning(ctx)
        make_portal(ctx)
        make_deliberation(ctx)
        write_audit(ctx)
        make_reports(ctx, fast_kdf=fast_kdf)
    analyse(ctx)
    seconds = clock.monotonic() - ctx.started
    ctx.log(f"Done in {seconds:.0f} s.")
    return ScaleResult(ctx.organisation, dict(sorted(ctx.counts.items())), seconds)


@contextmanager
def _quiet(*names: str):
    """Wagtail and the task queue log every page they publish; the generator reports its own progress instead."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# --- the organisation and its people -----------------------------------------------------------------------------


def _position_code(code: str, region: int, regions: int) -> str:
    return code if regions == 1 else f"{code}-{region:02d}"


GLOBAL_CODES = {"AL01", "AL02", "AL05", "AL09", "CS01", "CS02", "CS03", "CS04", "CS05", "CS06"}


def plan_people(rng: random.Random, today: date, employees: int, years: int) -> tuple[demo.Plan, int]:
    """The units and the people, decided without touching the database. Returns the plan and the region count."""
    regions = max(1, round(employees / REGION_SIZE))
    plan = demo.Plan()
    top, staff_path = demo.TOP, demo.CONCERNSTAF
    plan.units += [(top, top, OrgUnit.Kind.DIRECTORATE), (staff_path, "Concernstaf", OrgUnit.Kind.TEAM)]
    fixed: list[demo.Slot] = [
        demo.Slot("ps", top, "AL01", None),
        demo.Slot("dir1", top, "AL02", "ps"),
        demo.Slot("dir2", top, "AL02", "ps"),
        *[demo.Slot(key, top, code, "ps") for key, code in demo.DIRECTIE_STAFF],
    ]
    # (unit path, manager key, team spec, region, key of the team in the demo's terms)
    teams: list[tuple[str, str, demo.TeamSpec, int, str]] = [(staff_path, "ps", demo.CONCERNSTAF_TEAM, 1, staff_path)]
    for region in range(1, regions + 1):
        tag = "" if region == 1 else str(region)  # region 1 keeps the demo's slot keys (personas, structure)
        base = top
        if regions > 1:
            base = f"{top}/Regio {region:02d}"
            plan.units.append((base, f"Regio {region:02d}", OrgUnit.Kind.DIRECTORATE))
            fixed.append(demo.Slot(f"rd{region}", base, _position_code("AL02", region, regions), "ps"))
        for domain, director, staff, domain_teams in demo.DOMAINS:
            domain_path = f"{base}/{domain}"
            plan.units.append((domain_path, domain, OrgUnit.Kind.DOMAIN))
            boss = director if regions == 1 else f"rd{region}"
            dm = f"dm{tag}:{domain}"
            fixed.append(demo.Slot(dm, domain_path, _position_code("AL03", region, regions), boss))
            fixed += [
                demo.Slot(f"ds{tag}:{domain}:{i}", domain_path, _position_code(code, region, regions), dm)
                for i, code in enumerate(staff)
            ]
            for team in domain_teams:
                team_path = f"{domain_path}/{team.name}"
                plan.units.append((team_path, team.name, OrgUnit.Kind.TEAM))
                teams.append((team_path, dm, team, region, f"{top}/{domain}/{team.name}"))
    for team_path, manager_key, team, region, demo_path in teams:
        tag = "" if region == 1 else str(region)
        tm = f"tm{tag}:{demo_path}"
        fixed.append(demo.Slot(tm, team_path, _position_code("AL04", region, regions), manager_key))
        if region == 1:  # the named members (personas, facilitators, ...) exist once
            fixed += [demo.Slot(key, team_path, _position_code(code, region, regions), tm) for key, code in team.fixed]
    for slot in fixed:
        slot.start_date = demo._long_tenure(rng, today)

    # Team members until exactly ``employees`` people are in service today; those who start soon, and those whose
    # contract ended recently, come on top (as in an HR system).
    needed = employees - len(fixed)
    if needed < len(teams):
        raise ScaleError(f"Use at least {len(fixed) + len(teams)} employees for {regions} region(s).")
    slots = list(fixed)
    weights = [team.weight for _p, _m, team, _r, _d in teams]
    made = [0] * len(teams)
    while needed > 0:
        for index, size in enumerate(demo._share(needed, weights)):
            team_path, _manager, team, region, demo_path = teams[index]
            tag = "" if region == 1 else str(region)
            for _n in range(size):
                kind = demo._weighted(rng, demo.EMPLOYMENT_SHARES)
                code = demo.STAGIAIR_POSITION if kind == EmploymentType.INTERN else demo._weighted(rng, team.pool)
                start, end = demo._member_dates(rng, kind, today)
                made[index] += 1
                slots.append(
                    demo.Slot(
                        f"m:{team_path}:{made[index]}",
                        team_path,
                        _position_code(code, region, regions),
                        f"tm{tag}:{demo_path}",
                        kind,
                        start_date=start,
                        end_date=end,
                    )
                )
                if start <= today and (end is None or end >= today):
                    needed -= 1
    # People who left during the window, each replaced: their team in proportion to its size.
    window_start = add_years(today, -years)
    leavers = round(employees * TURNOVER * years)
    for i in range(leavers):
        team_path, _manager, team, region, demo_path = rng.choices(teams, weights=weights, k=1)[0]
        tag = "" if region == 1 else str(region)
        kind = demo._weighted(rng, demo.EMPLOYMENT_SHARES)
        code = demo.STAGIAIR_POSITION if kind == EmploymentType.INTERN else demo._weighted(rng, team.pool)
        end = window_start + timedelta(days=rng.randint(0, max(0, (today - window_start).days - 1)))
        tenure = {
            EmploymentType.PERMANENT: int(rng.betavariate(1.2, 2.5) * 25 * 365),
            EmploymentType.TEMPORARY: rng.choice((365, 730)),
            EmploymentType.HIRED: rng.randint(60, 730),
            EmploymentType.INTERN: rng.randint(90, 180),
        }[kind]
        slots.append(
            demo.Slot(
                f"l:{team_path}:{i}",
                team_path,
                _position_code(code, region, regions),
                f"tm{tag}:{demo_path}",
                kind,
                start_date=end - timedelta(days=max(30, tenure)),
                end_date=end,
            )
        )

    personas = {p.slot: p for p in demo.PERSONAS}
    used: set[str] = {p.email for p in demo.PERSONAS}
    for slot in slots:
        persona = personas.get(slot.key)
        if persona:
            slot.persona = persona
            slot.first_name, slot.infix, slot.last_name = persona.first_name, persona.infix, persona.last_name
            slot.email = persona.email
            continue
        slot.first_name = rng.choice(demo.FIRST_NAMES)
        pool = demo.INFIX_SURNAMES if rng.random() < demo.INFIX_SHARE else demo.PLAIN_SURNAMES
        slot.infix, slot.last_name = rng.choice(pool)
        base = f"{demo._email_part(slot.first_name)}.{demo._email_part(slot.infix + slot.last_name)}"
        email, n = f"{base}@{demo.DEMO_DOMAIN}", 1
        while email in used:
            n += 1
            email = f"{base}{n}@{demo.DEMO_DOMAIN}"
        used.add(email)
        slot.email = email
    for number, slot in enumerate(
        sorted(slots, key=lambda s: (s.start_date, s.last_name, s.first_name, s.key)), start=100001
    ):
        slot.personnel_number = str(number)
    plan.slots = slots
    return plan, regions


def make_people(ctx: Context, employees: int) -> None:
    rng = ctx.rng("people")
    plan, regions = plan_people(rng, ctx.today, employees, ctx.years)
    organisation = ctx.organisation
    units = demo._create_units(organisation, plan)
    position_units = {}
    for region in range(1, regions + 1):
        base = demo.TOP if regions == 1 else f"{demo.TOP}/Regio {region:02d}"
        for prefix, path in demo.POSITION_UNITS.items():
            position_units[(region, prefix)] = units.get(path.replace(demo.TOP, base, 1)) or units.get(path)
    rows = []
    for region in range(1, regions + 1):
        for code, title, scale in demo.POSITIONS:
            if regions > 1 and code in GLOBAL_CODES and region > 1:
                continue
            full = code if code in GLOBAL_CODES else _position_code(code, region, regions)
            unit = position_units.get((region, code[:2]))
            if code in GLOBAL_CODES and code.startswith("CS"):
                unit = units[demo.CONCERNSTAF]
            rows.append(Position(organisation=organisation, code=full, title=title, scale=scale, unit=unit))
    positions = {p.code: p for p in bulk(Position, rows)}
    for slot in plan.slots:  # a region's global codes (AL01, CS..) have no suffix
        if slot.position_code not in positions:
            slot.position_code = slot.position_code.split("-")[0]
    ctx.log(f"Organisation: {len(units)} units in {regions} region(s), {len(positions)} positions")

    # Accounts for everyone in service now or starting soon; the demo accounts get the demo password where allowed.
    unusable = make_password(None)
    persona_hash = demo._password_hash()
    account_slots = [s for s in plan.slots if s.persona or s.end_date is None or s.end_date >= ctx.today]
    users = bulk(
        User,
        (
            User(
                email=s.email,
                display_name=" ".join(part for part in (s.first_name, s.infix, s.last_name) if part),
                password=persona_hash if s.persona else unusable,
            )
            for s in account_slots
        ),
    )
    user_of = {slot.key: user for slot, user in zip(account_slots, users, strict=True)}

    by_key = {slot.key: slot for slot in plan.slots}
    layer_of: dict[str, int] = {}

    def layer(slot: demo.Slot) -> int:
        if slot.key not in layer_of:
            layer_of[slot.key] = 0 if slot.manager_key is None else layer(by_key[slot.manager_key]) + 1
        return layer_of[slot.key]

    layers: dict[int, list[demo.Slot]] = {}
    for slot in plan.slots:
        layers.setdefault(layer(slot), []).append(slot)
    saved: dict[str, Employee] = {}
    managers = {slot.manager_key for slot in plan.slots if slot.manager_key}
    for depth in sorted(layers):
        batch = [
            Employee(
                organisation=organisation,
                personnel_number=slot.personnel_number,
                first_name=slot.first_name,
                infix=slot.infix,
                last_name=slot.last_name,
                email=slot.email,
                unit=units[slot.unit_path],
                position=positions[slot.position_code],
                manager=saved[slot.manager_key] if slot.manager_key else None,
                employment_type=slot.employment_type,
                start_date=slot.start_date,
                end_date=slot.end_date,
                user=user_of.get(slot.key),
            )
            for slot in layers[depth]
        ]
        for slot, employee in zip(layers[depth], bulk(Employee, batch), strict=True):
            saved[slot.key] = employee
            ctx.people.append(
                Person(
                    pk=employee.pk,
                    key=slot.key,
                    unit_id=employee.unit_id,
                    unit_path=slot.unit_path,
                    position_id=employee.position_id,
                    position_code=slot.position_code.split("-")[0],
                    manager_pk=employee.manager_id,
                    start=slot.start_date,
                    end=slot.end_date,
                    kind=slot.employment_type,
                    user_id=employee.user_id,
                    is_manager=slot.key in managers,
                )
            )
    ctx.people.sort(key=lambda p: p.pk)
    ctx.by_pk = {p.pk: p for p in ctx.people}
    demo._create_structure(organisation, saved)

    # Roles: the demo accounts' roles, and every manager of a team or domain for their unit.
    assignments = []
    for persona in demo.PERSONAS:
        user = user_of[persona.slot]
        ctx.personas[persona.role] = user
        if persona.role != R.EMPLOYEE:
            unit = units[by_key[persona.slot].unit_path] if R.ROLES[persona.role].unit_scoped else None
            assignments.append(RoleAssignment(organisation=organisation, user=user, role=persona.role, unit=unit))
    persona_slots = {p.slot for p in demo.PERSONAS}
    for slot in plan.slots:
        if slot.key.startswith(("tm", "dm")) and slot.key not in persona_slots and slot.key in user_of:
            assignments.append(
                RoleAssignment(
                    organisation=organisation, user=user_of[slot.key], role=R.MANAGER, unit=units[slot.unit_path]
                )
            )
    bulk(RoleAssignment, assignments, keep=False)
    in_service = sum(1 for p in ctx.people if p.in_service(ctx.today))
    left = sum(1 for p in ctx.people if p.end and p.end < ctx.today)
    ctx.count("employees", len(ctx.people))
    ctx.count("employees in service", in_service)
    ctx.count("accounts", len(users))
    ctx.log(
        f"People: {len(ctx.people):,} employee records ({in_service:,} in service today, {left:,} left), "
        f"{len(users):,} accounts, {len(assignments):,} role assignments"
    )


def _user_of_manager(ctx: Context, person: Person) -> int | None:
    boss = ctx.by_pk.get(person.manager_pk) if person.manager_pk else None
    return boss.user_id if boss else None


# --- Ambtseed ----------------------------------------------------------------------------------------------------


def _thursdays(first: date, last: date) -> list[date]:
    """The second and fourth Thursday of every month between ``first`` and ``last``."""
    days = []
    month = date(first.year, first.month, 1)
    while month <= last:
        thursday = month + timedelta(days=(3 - month.weekday()) % 7)
        for day in (thursday + timedelta(days=7), thursday + timedelta(days=21)):
            if first <= day <= last:
                days.append(day)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return days


def make_oaths(ctx: Context) -> None:
    from plein.oaths import conf
    from plein.oaths import demo as oaths_demo
    from plein.oaths.dates import due_date
    from plein.oaths.models import Ceremony, CeremonyDilemma, Form, Invitation, OathText, Registration

    rng = ctx.rng("oaths")
    organisation, today = ctx.organisation, ctx.today
    texts = bulk(
        OathText,
        [
            OathText(organisation=organisation, form=form, version=version, text=text, effective_from=start)
            for form, version, text, start in oaths_demo.TEXTS
        ],
    )

    def text_for(form: str, on: date):
        fitting = [t for t in texts if t.form == form and t.effective_from <= on]
        return max(fitting, key=lambda t: t.effective_from) if fitting else None

    chair = next(p for p in ctx.people if p.key == "ps")
    chair_name = Employee.objects.get(pk=chair.pk).full_name
    sworn_before = f"{chair_name} (provinciesecretaris)"
    held_days = _thursdays(ctx.window_start, today - timedelta(days=1))
    upcoming_day = next(d for d in _thursdays(today + timedelta(days=14), today + timedelta(days=60)))
    types = set(conf.employment_types())
    bound = sorted(
        (p for p in ctx.people if p.start and p.kind in types),
        key=lambda p: (p.start, p.pk),
    )
    attendees: dict[date, list[tuple[Person, str, str]]] = {}  # day → (person, form, status)
    individual: list[tuple[Person, str, date]] = []
    imported: list[tuple[Person, str, date]] = []
    open_people: list[Person] = []
    for person in bound:
        form = Form.OATH if rng.random() < oaths_demo.OATH_SHARE else Form.AFFIRMATION
        roll = rng.random()
        last = min(today - timedelta(days=1), person.end or today)
        if person.start < ctx.window_start:
            on = person.start + timedelta(days=rng.randint(10, 80))
            if on <= last:
                imported.append((person, form, on))
            continue
        if person.start >= today - timedelta(days=365) and roll < oaths_demo.MISSED_SHARE:
            if person.end is None or person.end >= today:
                open_people.append(person)
            continue
        index = bisect.bisect_left(held_days, person.start + timedelta(days=14))
        if index >= len(held_days) or held_days[index] > last:
            if person.end is None or person.end >= today:
                open_people.append(person)
            continue
        day = held_days[index]
        if roll > 1 - oaths_demo.INDIVIDUAL_SHARE:
            on = max(person.start, day - timedelta(days=rng.randint(3, 20)))
            individual.append((person, form, on))
            continue
        if roll < oaths_demo.ABSENT_SHARE and index + 1 < len(held_days) and held_days[index + 1] <= last:
            attendees.setdefault(day, []).append((person, form, Registration.Status.ABSENT))
            day = held_days[index + 1]
        attendees.setdefault(day, []).append((person, form, Registration.Status.TAKEN))

    chair_pk = chair.pk
    witnesses = "Ineke Hofstede (integriteitscoördinator)\nFatima El Amrani (HR-adviseur)"

    def ceremony(day: date, capacity: int) -> Ceremony:
        interactive = day.year >= oaths_demo.SEED_YEAR
        return Ceremony(
            organisation=organisation,
            title=f"Ambtseed {day:%Y-%m-%d}",
            date=day,
            start_time=time(15, 0),
            location=oaths_demo.LOCATION,
            chair_id=chair_pk,
            chair_name=chair_name,
            chair_title="provinciesecretaris",
            witnesses=witnesses,
            capacity=capacity,
            programme=oaths_demo.PROGRAMME_INTERACTIVE if interactive else oaths_demo.PROGRAMME_CLASSIC,
            format=Ceremony.Format.INTERACTIVE if interactive else Ceremony.Format.CLASSIC,
        )

    days = sorted(attendees)
    registered_upcoming = [p for p in open_people if rng.random() < oaths_demo.OPEN_REGISTERED_SHARE]
    ceremonies = bulk(
        Ceremony,
        [
            *(ceremony(day, max(40, len(attendees[day]) + 10)) for day in days),
            ceremony(upcoming_day, max(60, len(registered_upcoming) + 10)),
        ],
    )
    upcoming = ceremonies[-1]
    by_day = dict(zip(days, ceremonies[:-1], strict=True))
    dilemmas = [oaths_demo.DEMONSTRATION_DILEMMA, *oaths_demo.OTHER_DILEMMAS]
    bulk(
        CeremonyDilemma,
        (
            CeremonyDilemma(ceremony=c, question=question)
            for c in ceremonies[:-1]
            if c.format == Ceremony.Format.INTERACTIVE
            for question in rng.sample(dilemmas, 2)
        ),
        keep=False,
    )

    def registration(person: Person, form, status, *, ceremony=None, on=None, source=Registration.Source.CEREMONY):
        taken = status == Registration.Status.TAKEN
        return Registration(
            organisation=organisation,
            employee_id=person.pk,
            ceremony=ceremony,
            form=form,
            text=text_for(form, on or ceremony.date) if source != Registration.Source.IMPORT else None,
            status=status,
            source=source,
            taken_on=on if taken else None,
            period_start=person.start if taken and person.start <= on else None,
            sworn_before=sworn_before if taken and source != Registration.Source.IMPORT else "",
            location=oaths_demo.LOCATION if ceremony else "",
            checked_in_at=aware(ceremony.date, 16)
            if ceremony and status in (Registration.Status.TAKEN, Registration.Status.ABSENT)
            else None,
        )

    def all_registrations():
        for person, form, on in imported:
            yield registration(person, form, Registration.Status.TAKEN, on=on, source=Registration.Source.IMPORT)
        for person, form, on in individual:
            yield registration(person, form, Registration.Status.TAKEN, on=on, source=Registration.Source.INDIVIDUAL)
        for day in days:
            for person, form, status in attendees[day]:
                yield registration(
                    person, form, status, ceremony=by_day[day], on=day if status == Registration.Status.TAKEN else None
                )
        for person in registered_upcoming:
            form = Form.OATH if rng.random() < oaths_demo.OATH_SHARE else Form.AFFIRMATION
            yield registration(person, form, Registration.Status.REGISTERED, ceremony=upcoming)

    saved = bulk(Registration, all_registrations())
    for row in saved:
        if row.status == Registration.Status.TAKEN:
            ctx.audited(row.taken_on, "oaths.oath_registered", "oaths.registration", row.pk)
    bulk(Invitation, (Invitation(ceremony=upcoming, employee_id=p.pk) for p in open_people), keep=False)
    overdue = sum(1 for p in open_people if due_date(p.start, conf.term_months()) < today)
    ctx.count("oath ceremonies", len(ceremonies))
    ctx.count("oath registrations", len(saved))
    ctx.log(
        f"Ambtseed: {len(ceremonies):,} ceremonies, {len(saved):,} registrations, {len(open_people):,} open "
        f"obligations ({overdue:,} overdue)"
    )


# --- Functies & screening ----------------------------------------------------------------------------------------


def make_positions(ctx: Context) -> None:
    from plein.positions import demo as positions_demo
    from plein.positions.dates import default_rescreening_due
    from plein.positions.models import (
        OutsideActivitiesTalk,
        PositionProfile,
        PositionProfileHistory,
        ReviewItem,
        ReviewRound,
        VogScreening,
    )
    from plein.positions.services import _apply_values, _snapshot

    rng = ctx.rng("positions")
    organisation, today = ctx.organisation, ctx.today
    ic, hr, manager = ctx.personas[R.INTEGRITY_COORDINATOR], ctx.personas[R.HR], ctx.personas[R.MANAGER]
    positions = list(Position.objects.filter(organisation=organisation).select_related("unit").order_by("code"))
    profiles, versions = [], []
    for position in positions:
        code = position.code.split("-")[0]
        if code not in positions_demo.PROFILES and rng.random() < 0.25:
            continue  # not in the inventory
        # Reviews every three years or so; a third of the inventory stopped being reviewed years ago.
        first = ctx.window_start - timedelta(days=rng.randint(0, 3 * 365))
        stop = today if rng.random() < 0.7 else today - timedelta(days=rng.randint(4 * 365, 8 * 365))
        reviews = []
        day = first
        while day <= stop:
            reviews.append(day)
            day = add_years(day, 3) + timedelta(days=rng.randint(-60, 60))
        profile = PositionProfile(position=position, organisation=organisation)
        for n, reviewed in enumerate(reviews or [first]):
            values = positions_demo._values(code, reviewed if reviews else None, older=n == 0 and len(reviews) > 1)
            values = {**values, "reviewed_on": reviewed if reviews else None}
            changed = _apply_values(profile, {**values, "reviewed_by": ic if reviews else None})
            profile.version += 1
            versions.append(
                PositionProfileHistory(
                    profile=profile,
                    organisation=organisation,
                    version=profile.version,
                    change=PositionProfileHistory.Change.CREATED if n == 0 else PositionProfileHistory.Change.REVIEWED,
                    changed_fields=changed,
                    snapshot=_snapshot(profile),
                    changed_by=ic,
                    changed_at=aware(reviewed),
                )
            )
        profiles.append(profile)
    bulk(PositionProfile, profiles)
    for row in versions:
        row.profile_id = row.profile.pk
    bulk(PositionProfileHistory, versions, keep=False)
    for row in versions:
        ctx.audited(row.changed_at, "positions.profile_saved", "positions.positionprofile", row.profile_id, ic.pk)

    # Review rounds: every year each domain reviews its positions; this year's round of one domain is still open.
    domains = list(OrgUnit.objects.filter(organisation=organisation, kind=OrgUnit.Kind.DOMAIN).order_by("path"))
    by_unit: dict[int, list[Position]] = {}
    for position in positions:
        if position.unit_id:
            by_unit.setdefault(position.unit_id, []).append(position)
    rounds, items = [], []
    for year in range(ctx.window_start.year + 1, today.year + 1):
        for domain in domains:
            due = date(year, 6, 30)
            is_open = year == today.year and domain == domains[0]
            if due >= today and not is_open:
                continue
            started = date(year, 5, 1)
            rounds.append(
                (
                    ReviewRound(
                        organisation=organisation,
                        title=f"Inventarisatie kwetsbare functies {year} – {domain.name}",
                        unit=domain,
                        unit_path=domain.path,
                        due_date=max(due, today + timedelta(days=30)) if is_open else due,
                        status=ReviewRound.Status.OPEN if is_open else ReviewRound.Status.COMPLETED,
                        started_by=ic,
                        started_at=aware(min(started, today - timedelta(days=21)) if is_open else started),
                        completed_at=None if is_open else aware(due, 15),
                    ),
                    domain,
                    is_open,
                )
            )
    saved_rounds = bulk(ReviewRound, [r for r, _d, _o in rounds])
    for (_row, domain, is_open), review_round in zip(rounds, saved_rounds, strict=True):
        for position in by_unit.get(domain.pk, []):
            item = ReviewItem(round=review_round, position=position, unit=domain, unit_path=domain.path)
            if not is_open:
                item.status = ReviewItem.Status.APPROVED
                item.reviewed_by, item.reviewed_at = manager, review_round.completed_at - timedelta(days=14)
                item.approved_by, item.approved_at = ic, review_round.completed_at
            elif rng.random() < 0.4:
                item.status = ReviewItem.Status.SUBMITTED
                item.reviewed_by, item.reviewed_at = manager, aware(today - timedelta(days=rng.randint(1, 20)))
                item.comment = "Taken ongewijzigd; geen aanpassing nodig."
            items.append(item)
    bulk(ReviewItem, items, keep=False)

    # Certificates of conduct (VOG) for the people in VOG positions, at the start and every five years; some late.
    vog_positions = {p.position_id for p in profiles if p.vog_required}
    talk_positions = {p.position_id for p in profiles if p.financial_interests or p.publish_outside_activities}
    position_of = {p.pk: p for p in positions}
    recent = today - timedelta(days=183)
    vogs, talks = [], []
    for person in ctx.people:
        if not person.overlaps(ctx.window_start, today) or person.start is None:
            continue
        if person.position_id in vog_positions:
            day = person.start - timedelta(days=rng.randint(20, 50))
            last = min(person.end or today, today)
            while day < ctx.window_start:
                day = add_years(day, 5)
            while day <= last:
                roll = rng.random()
                if roll < 0.05:
                    break  # never asked: shows as missing
                received = day + timedelta(days=rng.randint(5, 14))
                pending = received > today or roll < 0.08
                vogs.append(
                    VogScreening(
                        organisation=organisation,
                        employee_id=person.pk,
                        position=position_of[person.position_id],
                        requested_on=day,
                        received_on=None if pending else received,
                        valid_from=None if pending else received,
                        rescreening_due=None if pending else default_rescreening_due(received),
                        recorded_by=hr,
                    )
                )
                day = add_years(received, 5) + timedelta(days=rng.randint(-30, 120))
        if person.position_id in talk_positions and person.start >= recent and rng.random() < 0.6:
            held = min(person.start - timedelta(days=rng.randint(20, 60)), today)
            talks.append(
                OutsideActivitiesTalk(organisation=organisation, employee_id=person.pk, held_on=held, recorded_by=hr)
            )
    saved_vogs = bulk(VogScreening, vogs)
    for row in saved_vogs:
        ctx.audited(row.requested_on, "positions.vog_recorded", "positions.vogscreening", row.pk, hr.pk, R.HR)
    bulk(OutsideActivitiesTalk, talks, keep=False)
    ctx.count("position profiles", len(profiles))
    ctx.count("position profile versions", len(versions))
    ctx.count("review rounds", len(saved_rounds))
    ctx.count("VOG screenings", len(vogs))
    ctx.log(
        f"Functies & screening: {len(profiles):,} profiles with {len(versions):,} versions, {len(saved_rounds):,} "
        f"review rounds with {len(items):,} items, {len(vogs):,} VOG screenings, {len(talks):,} talks"
    )


# --- Verklaringen ------------------------------------------------------------------------------------------------


def make_declarations(ctx: Context) -> None:
    from plein.declarations import conf
    from plein.declarations import demo as declarations_demo
    from plein.declarations.models import (
        ActivityEvent,
        Campaign,
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
    from plein.positions.models import PositionProfile

    rng = ctx.rng("declarations")
    organisation, today, start = ctx.organisation, ctx.today, ctx.window_start
    ic = ctx.personas[R.INTEGRITY_COORDINATOR]
    flags = {
        p.position_id: (p.financial_interests, p.publish_outside_activities)
        for p in PositionProfile.objects.filter(organisation=organisation)
    }
    active = [p for p in ctx.people if p.start and p.overlaps(start, today) and p.start <= today]

    # Outside activities: about one in seven people declares one during the window, a few declare two.
    activities: list[tuple[OutsideActivity, Person, str | None, date | None]] = []
    for person in active:
        for _n in range(2):
            if rng.random() >= (0.14 if _n == 0 else 0.2):
                break
            first, last = max(person.start, start), min(person.end or today, today)
            declared = ctx.day_between(rng, first, last)
            name, role, paid = rng.choice(declarations_demo.ORGANISATIONS)
            risk = rng.random() < 0.1
            decided_on, decision = None, None
            if declared < today - timedelta(days=45) or rng.random() < 0.5:
                decided_on = min(today, declared + timedelta(days=rng.randint(5, 40)))
                decision = rng.choices(
                    [Decision.ALLOWED, Decision.ALLOWED_WITH_CONDITIONS, Decision.REFUSED], weights=[85, 10, 5]
                )[0]
            ended = person.end if person.end and person.end < today else None
            item = OutsideActivity(
                organisation=organisation,
                employee_id=person.pk,
                source=OutsideActivity.Source.EMPLOYEE,
                declared_on=declared,
                external_organisation=name,
                role=role,
                paid=paid,
                hours_per_month=rng.choice([2, 4, 6, 8, 12, 16, 24]),
                start_date=declared - timedelta(days=rng.randint(0, 400)),
                end_date=ended,
                relation_to_work="De organisatie vraagt soms een vergunning aan bij de provincie." if risk else "",
                conflict_of_interest=risk,
                uses_information=False,
                time_burden=False,
                reputation_risk=False,
                risk_explanation="Mogelijk raakvlak met vergunningverlening." if risk else "",
                status=OutsideActivity.Status.DECIDED
                if decision
                else (OutsideActivity.Status.AWAITING_ADVICE if risk else OutsideActivity.Status.AWAITING_DECISION),
                advice_needed=risk,
                advice="Toestaan onder voorwaarde dat betrokkene niet meewerkt aan dossiers van deze organisatie."
                if risk and decision
                else "",
                advice_on=decided_on if risk and decision else None,
                decision=decision or Decision.PENDING,
                decision_reasons=declarations_demo.REASONS[decision] if decision else "",
                conditions="Meld het als een dossier van deze organisatie bij je komt."
                if decision == Decision.ALLOWED_WITH_CONDITIONS
                else "",
                decided_on=decided_on,
                decided_by_id=(_user_of_manager(ctx, person) or ic.pk) if decision else None,
                ended_on=ended,
                last_confirmed_on=declared,
            )
            activities.append((item, person, decision, decided_on))
    saved = bulk(OutsideActivity, [a for a, _p, _d, _o in activities])
    events = []
    for (item, person, decision, decided_on), row in zip(activities, saved, strict=True):
        events.append(
            ActivityEvent(
                activity=row,
                kind=ActivityEvent.Kind.DECLARED,
                occurred_at=aware(item.declared_on),
                actor_id=person.user_id,
                snapshot=_snapshot(item),
            )
        )
        ctx.audited(item.declared_on, "declarations.activity_declared", "declarations.outsideactivity", row.pk)
        if item.advice_on:
            events.append(
                ActivityEvent(
                    activity=row,
                    kind=ActivityEvent.Kind.ADVICE_GIVEN,
                    occurred_at=aware(item.advice_on, 9),
                    actor=ic,
                    text=item.advice,
                )
            )
        if decision:
            events.append(
                ActivityEvent(
                    activity=row,
                    kind=ActivityEvent.Kind.DECIDED,
                    occurred_at=aware(decided_on, 11),
                    actor_id=item.decided_by_id,
                    decision=decision,
                    text=item.decision_reasons,
                    conditions=item.conditions,
                )
            )
            ctx.audited(aware(decided_on, 11), "declarations.activity_decided", "declarations.outsideactivity", row.pk)
    bulk(ActivityEvent, events, keep=False)
    has_activity = {person.pk for _i, person, _d, _o in activities}

    # Gifts and invitations: about one per eight employee-years.
    threshold = conf.gift_threshold()
    gifts = []
    for person in active:
        first, last = max(person.start, start), min(person.end or today, today)
        for _year in range(max(1, (last - first).days // 365)):
            if rng.random() >= 0.12:
                continue
            what, who, occasion, value, kind = rng.choice(declarations_demo.GIFTS)
            value = (value * Decimal(rng.choice(["0.8", "1", "1", "1.2"]))).quantize(Decimal("0.01"))
            day = ctx.day_between(rng, first, last)
            declared = min(today, day + timedelta(days=rng.randint(0, 5)))
            auto = value <= threshold
            decided = auto or day < today - timedelta(days=30)
            gifts.append(
                Gift(
                    organisation=organisation,
                    employee_id=person.pk,
                    kind=kind,
                    direction=Gift.Direction.RECEIVED if rng.random() < 0.93 else Gift.Direction.OFFERED,
                    counterparty=who,
                    description=what,
                    occasion=occasion,
                    estimated_value=value,
                    date=day,
                    declared_on=declared,
                    decision=GiftDecision.AUTO_ACCEPTED
                    if auto
                    else (
                        rng.choice([GiftDecision.KEEP, GiftDecision.RETURN, GiftDecision.HAND_OVER])
                        if decided
                        else GiftDecision.PENDING
                    ),
                    decision_note="" if auto or not decided else "Besproken met de leidinggevende.",
                    decided_on=(declared if auto else min(today, declared + timedelta(days=7))) if decided else None,
                    decided_by_id=None if auto or not decided else (_user_of_manager(ctx, person) or ic.pk),
                )
            )
    saved_gifts = bulk(Gift, gifts)
    for row in saved_gifts:
        ctx.audited(row.declared_on, "declarations.gift_declared", "declarations.gift", row.pk)

    # Financial interests of people in designated positions, and the yearly campaigns with their statements.
    interests = []
    for person in active:
        if flags.get(person.position_id, (False, False))[0] and rng.random() < 0.25:
            declared = ctx.day_between(rng, max(person.start, start), min(person.end or today, today))
            reviewed = declared < today - timedelta(days=30)
            interests.append(
                FinancialInterest(
                    organisation=organisation,
                    employee_id=person.pk,
                    kind=FinancialInterest.Kind.INTEREST,
                    description="Aandelen in een beursgenoteerd bedrijf",
                    institution=rng.choice(["Energiebedrijf Noord", "Bouwgroep Delta", "Waterbouw NV"]),
                    declared_on=declared,
                    status=FinancialInterest.Status.REVIEWED if reviewed else FinancialInterest.Status.SUBMITTED,
                    assessment=FinancialInterest.Assessment.NO_OBJECTION if reviewed else "",
                    reviewed_on=min(today, declared + timedelta(days=14)) if reviewed else None,
                    reviewed_by=ic if reviewed else None,
                )
            )
    bulk(FinancialInterest, interests, keep=False)
    weeks = conf.campaign_weeks()
    campaigns, participants, statements = 0, 0, 0
    for year in range(start.year + 1, today.year + 1):
        began = date(year, 3, 1)
        if began > today:
            continue
        deadline = began + timedelta(weeks=weeks)
        closed = deadline < today
        campaign = Campaign.objects.create(
            organisation=organisation,
            year=year,
            scope=Campaign.Scope.DESIGNATED,
            started_on=began,
            deadline=deadline,
            message="Bevestig dat je nevenfuncties en financiële belangen volledig zijn gemeld.",
            started_by=ic,
            closed_on=deadline + timedelta(days=7) if closed else None,
        )
        ctx.audited(began, "declarations.campaign_started", "declarations.campaign", campaign.pk, ic.pk)
        campaigns += 1
        rows, made = [], []
        for person in active:
            financial, published = flags.get(person.position_id, (False, False))
            if not (financial or published) or not person.in_service(began):
                continue
            done = rng.random() < (0.93 if closed else 0.55)
            when = began + timedelta(days=rng.randint(0, max(0, min((today - began).days, weeks * 7 + 7))))
            rows.append(
                Participant(
                    campaign=campaign,
                    employee_id=person.pk,
                    unit_id=person.unit_id,
                    financial_interests_required=financial,
                    response=(
                        Participant.Response.CONFIRMED if person.pk in has_activity else Participant.Response.NONE
                    )
                    if done
                    else "",
                    financial_response=Participant.FinancialResponse.NONE if done and financial else "",
                    confirmed_at=aware(when, 12) if done else None,
                )
            )
            if done and financial:
                made.append(
                    FinancialStatement(
                        organisation=organisation,
                        employee_id=person.pk,
                        made_on=when,
                        has_interests=False,
                        campaign=campaign,
                    )
                )
        bulk(Participant, rows, keep=False)
        bulk(FinancialStatement, made, keep=False)
        participants += len(rows)
        statements += len(made)

    # Candidates at the employment-terms interview: half of the recent hires in designated positions.
    candidates = []
    for person in active:
        if person.start >= today - timedelta(days=730) and person.position_id in flags and rng.random() < 0.5:
            interview = person.start - timedelta(days=rng.randint(14, 60))
            infix, last_name = rng.choice(
                demo.INFIX_SURNAMES if rng.random() < demo.INFIX_SHARE else demo.PLAIN_SURNAMES
            )
            candidates.append(
                Candidate(
                    organisation=organisation,
                    first_name=rng.choice(demo.FIRST_NAMES),
                    infix=infix,
                    last_name=last_name,
                    position_id=person.position_id,
                    unit_id=person.unit_id,
                    start_date=person.start,
                    interview_on=interview,
                    has_no_activities=person.pk not in has_activity,
                    employee_id=person.pk if person.start <= today else None,
                    hired_at=aware(person.start) if person.start <= today else None,
                    recorded_by=ctx.personas[R.HR],
                )
            )
    bulk(Candidate, candidates, keep=False)
    ctx.count("outside activities", len(saved))
    ctx.count("gifts", len(saved_gifts))
    ctx.count("campaign participants", participants)
    ctx.log(
        f"Verklaringen: {len(saved):,} outside activities ({len(events):,} events), {len(saved_gifts):,} gifts, "
        f"{len(interests):,} financial interests, {campaigns} campaigns with {participants:,} participants and "
        f"{statements:,} statements, {len(candidates):,} candidates"
    )


# --- Consultations register ------------------------------------------------------------------------------------


def consultation_pattern(rng: random.Random, n: int) -> list[tuple[str, str, str, str, str]]:
    """``n`` draws of (asked by, topic, what was done, handler key, note) from the demo's records, those of 2024 (the
    seed report's year) counting three times as much as those of 2023: the shares and how they go together (the
    confidential adviser listens, nevenfuncties get process advice) stay the demo's."""
    from plein.consultations import demo as consultations_demo

    records = consultations_demo.RECORDS
    weights = [3 if day.startswith("2024") else 1 for day, *_rest in records]
    return [tuple(record[1:]) for record in rng.choices(records, weights=weights, k=n)]


def make_consultations(ctx: Context) -> None:
    """The consultations register, if the app exists: about as many consultations per thousand employees a year as
    the demo (15 to 23), on working days, handled by the organisation's integrity coordinators and confidential
    advisers; each with the history event and the audit event that ``services.record_consultation`` would write."""
    from django.apps import apps

    if not apps.is_installed("plein.consultations"):
        return
    from plein.consultations import demo as consultations_demo
    from plein.consultations import services
    from plein.consultations.models import Action, Consultation, ConsultationEvent, Topic

    rng = ctx.rng("consultations")
    organisation, today = ctx.organisation, ctx.today
    services.ensure_default_lists(organisation)
    topics = dict(Topic.objects.filter(organisation=organisation).values_list("code", "pk"))
    actions = dict(Action.objects.filter(organisation=organisation).values_list("code", "pk"))
    roles = {R.INTEGRITY_COORDINATOR: consultations_demo.IC, R.CONFIDENTIAL_ADVISER: consultations_demo.VP}
    handlers: dict[str, list[User]] = {key: [] for key in roles.values()}
    role_of: dict[int, str] = {}
    for assignment in (
        RoleAssignment.objects.filter(organisation=organisation, role__in=list(roles), revoked_at__isnull=True)
        .select_related("user")
        .order_by("role", "user_id")
    ):
        if assignment.user_id not in role_of or assignment.role == R.INTEGRITY_COORDINATOR:
            role_of[assignment.user_id] = assignment.role  # the role in which they act (selectors.acting_role)
        if assignment.user not in handlers[roles[assignment.role]]:
            handlers[roles[assignment.role]].append(assignment.user)
    if not handlers[consultations_demo.VP]:
        handlers[consultations_demo.VP] = handlers[consultations_demo.IC]
    if not handlers[consultations_demo.IC]:
        ctx.log("Consultations: no integrity coordinator; no consultations made")
        return

    in_service = sum(1 for p in ctx.people if p.in_service(today))
    last = today - timedelta(days=1)  # a consultation is never dated in the future
    days: list[date] = []
    for year in range(ctx.window_start.year, today.year + 1):
        first, end = max(date(year, 1, 1), ctx.window_start), min(date(year, 12, 31), last)
        if end < first:
            continue
        rate = rng.randint(*CONSULTATIONS_PER_1000_PER_YEAR)
        share = ((end - first).days + 1) / (date(year + 1, 1, 1) - date(year, 1, 1)).days
        for _n in range(round(in_service / 1000 * rate * share)):
            day = ctx.day_between(rng, first, end)
            if day.weekday() > 4:  # a working day: the Friday before, or the Monday after
                friday, monday = day - timedelta(days=day.weekday() - 4), day + timedelta(days=7 - day.weekday())
                day = friday if friday >= first else (monday if monday <= end else day)
            days.append(day)
    days.sort()
    rows, moments = [], []
    for day, (requester, topic, action, handler_key, note) in zip(
        days, consultation_pattern(rng, len(days)), strict=True
    ):
        handler = rng.choice(handlers[handler_key])
        rows.append(
            Consultation(
                organisation=organisation,
                date=day,
                requester=requester,
                topic_id=topics[topic],
                action_id=actions[action],
                handler=handler,
                note=note,
            )
        )
        moments.append(aware(day, rng.randint(9, 16), rng.choice([0, 15, 30, 45])))
    saved = bulk(Consultation, rows)
    bulk(
        ConsultationEvent,
        (
            ConsultationEvent(
                consultation=row,
                kind=ConsultationEvent.Kind.CREATED,
                occurred_at=moment,
                actor=row.handler,
                actor_name=str(row.handler),
            )
            for row, moment in zip(saved, moments, strict=True)
        ),
        keep=False,
    )
    for row, moment in zip(saved, moments, strict=True):
        actor = row.handler_id
        ctx.audited(moment, "consultations.recorded", "consultations.consultation", row.pk, actor, role_of[actor])
    ctx.count("consultations", len(saved))
    ctx.log(
        f"Consultations: {len(saved):,} consultations with their history, handled by "
        f"{len({row.handler_id for row in saved})} integrity coordinator(s) and confidential adviser(s)"
    )


# --- Leren & bewustwording ---------------------------------------------------------------------------------------


def make_learning(ctx: Context) -> None:
    from plein.learning import conf
    from plein.learning import demo as learning_demo
    from plein.learning.models import Attendance, Course, Event, Kind, Registration, Requirement

    rng = ctx.rng("learning")
    organisation, today, start = ctx.organisation, ctx.today, ctx.window_start
    ic = ctx.personas[R.INTEGRITY_COORDINATOR]
    moo, workshop, module = Course.objects.bulk_create(
        [
            Course(
                organisation=organisation,
                code=conf.coverage_course_code(),
                title="Morele oordeelsvorming",
                kind=Kind.TRAINING,
                description=learning_demo.MOO_TEXT,
            ),
            Course(
                organisation=organisation,
                code="workshop-leidinggevenden",
                title="Workshop integriteit voor leidinggevenden",
                kind=Kind.WORKSHOP,
                description=learning_demo.WORKSHOP_TEXT,
            ),
            Course(
                organisation=organisation,
                code="e-learning-integriteit",
                title="Integriteit in de praktijk",
                kind=Kind.ELEARNING,
                description=learning_demo.ELEARNING_TEXT,
            ),
        ]
    )
    Requirement.objects.bulk_create(
        [
            Requirement(
                organisation=organisation,
                course=moo,
                audience=Requirement.Audience.ALL,
                applies_from=start,
                due_months=36,
                created_by=ic,
            ),
            Requirement(
                organisation=organisation,
                course=workshop,
                audience=Requirement.Audience.MANAGERS,
                new_starters_only=True,
                applies_from=start,
                due_months=conf.new_manager_months(),
                created_by=ic,
            ),
        ]
    )
    active = [p for p in ctx.people if p.start and p.overlaps(start, today) and p.start <= today]
    # Who attends what, and when: most people take the mandatory training once; managers the workshop; a few come to
    # each lecture or show; a third does the e-learning.
    sessions: dict[tuple[str, date], list[int]] = {}
    for person in active:
        first, last = max(person.start, start) + timedelta(days=30), min(person.end or today, today) - timedelta(days=1)
        if last <= first:
            continue
        if rng.random() < 0.85:
            day = _session_day(ctx.day_between(rng, first, last))
            if day < today:
                sessions.setdefault(("moo", day), []).append(person.pk)
        if person.is_manager and rng.random() < 0.8:
            day = ctx.day_between(rng, first, last)
            if day < today:
                sessions.setdefault(("workshop", date(day.year, 4 if day.month <= 6 else 10, 15)), []).append(person.pk)
        if rng.random() < 0.3:
            sessions.setdefault(("elearning", ctx.day_between(rng, first, last)), []).append(person.pk)
    for year in range(start.year, today.year + 1):
        for kind, month in (("lecture", 4), ("show", 10)):
            day = date(year, month, 11)
            if not start <= day < today:
                continue
            present = [p.pk for p in active if p.in_service(day) and rng.random() < 0.05]
            sessions[(kind, day)] = present
    rooms = learning_demo.ROOMS
    events, event_people = [], []
    for (kind, day), people in sorted(sessions.items()):
        if kind == "elearning":
            continue
        for n, group in enumerate(chunked(people, 16 if kind in ("moo", "workshop") else 10_000)):
            title, course, event_kind = {
                "moo": ("Training morele oordeelsvorming", moo, Kind.TRAINING),
                "workshop": ("Workshop integriteit voor leidinggevenden", workshop, Kind.WORKSHOP),
                "lecture": ("Lezing: ondermijning herkennen", None, Kind.LECTURE),
                "show": ("De Integriteit Show", None, Kind.SHOW),
            }[kind]
            events.append(
                Event(
                    organisation=organisation,
                    code=f"{kind.upper()}-{day:%Y%m%d}-{n + 1}",
                    title=title,
                    kind=event_kind,
                    course=course,
                    date=day,
                    start_time=time(9, 30) if n % 2 == 0 else time(13, 30),
                    end_time=time(12, 30) if n % 2 == 0 else time(16, 30),
                    location=rooms[n % len(rooms)],
                    capacity=max(16, len(group)),
                    audience="Alle medewerkers" if kind != "workshop" else "Leidinggevenden",
                    organiser="Integriteitscoördinator",
                    registration_required=kind in ("moo", "workshop"),
                    created_by=ic,
                )
            )
            event_people.append(group)
    module_event = Event(
        organisation=organisation,
        code="ELEARNING-1",
        title="Integriteit in de praktijk",
        kind=Kind.ELEARNING,
        course=module,
        date=start,
        location="",
        audience="Alle medewerkers",
        organiser="Integriteitscoördinator",
        registration_required=False,
        module_url="https://leren.veenland.example/integriteit",
        created_by=ic,
    )
    # The coming weeks: sessions open for registration, some full.
    upcoming = []
    for week in range(1, 9):
        day = _tuesday_on_or_after(today + timedelta(days=7 * week))
        for n in range(max(1, len(active) // 4000)):
            upcoming.append(
                Event(
                    organisation=organisation,
                    code=f"MOO-{day:%Y%m%d}-U{n + 1}",
                    title="Training morele oordeelsvorming",
                    kind=Kind.TRAINING,
                    course=moo,
                    date=day,
                    start_time=time(9, 30),
                    end_time=time(12, 30),
                    location=rooms[n % len(rooms)],
                    capacity=16,
                    audience="Alle medewerkers",
                    organiser="Integriteitscoördinator",
                    registration_required=True,
                    in_public_feed=week % 2 == 0,
                    created_by=ic,
                )
            )
    saved = bulk(Event, [*events, module_event, *upcoming])
    held, module_row, coming = saved[: len(events)], saved[len(events)], saved[len(events) + 1 :]
    attendance = []
    for event, group in zip(held, event_people, strict=True):
        for pk in group:
            attendance.append(
                Attendance(
                    event=event,
                    employee_id=pk,
                    attended_on=event.date,
                    source=Attendance.Source.LIST,
                    recorded_by=ic,
                    recorded_at=aware(event.date, 17),
                )
            )
    for (kind, day), people in sessions.items():
        if kind == "elearning":
            attendance += [
                Attendance(
                    event=module_row,
                    employee_id=pk,
                    attended_on=day,
                    source=Attendance.Source.SELF,
                    recorded_at=aware(day, 15),
                )
                for pk in people
            ]
    seen: set[tuple[int, int]] = set()
    unique = []
    for row in attendance:
        if (row.event.pk, row.employee_id) not in seen:
            seen.add((row.event.pk, row.employee_id))
            unique.append(row)
    bulk(Attendance, unique, keep=False)
    for row in unique:
        ctx.audited(row.recorded_at, "learning.attendance_recorded", "learning.event", row.event.pk, ic.pk)
    in_service = [p for p in active if p.in_service(today)]
    registrations = []
    for event in coming:
        for pk in sorted(p.pk for p in rng.sample(in_service, k=min(len(in_service), rng.randint(6, 16)))):
            registrations.append(
                Registration(event=event, employee_id=pk, registered_at=aware(today - timedelta(days=3)))
            )
    bulk(Registration, registrations, keep=False)
    ctx.count("learning events", len(saved))
    ctx.count("attendance", len(unique))
    ctx.log(f"Leren: {len(saved):,} events, {len(unique):,} attendance records, {len(registrations):,} registrations")


def _tuesday_on_or_after(day: date) -> date:
    return day + timedelta(days=(1 - day.weekday()) % 7)


def _session_day(day: date) -> date:
    """The training's next session day: the second or fourth Tuesday of a month."""
    while True:
        tuesday = _tuesday_on_or_after(day)
        if 8 <= tuesday.day <= 14 or 22 <= tuesday.day <= 28:
            return tuesday
        day = tuesday + timedelta(days=1)


# --- Portal ------------------------------------------------------------------------------------------------------


def make_portal(ctx: Context) -> None:
    """The portal's own demo loader (home page, knowledge base, codes of conduct and their campaigns for everyone in
    service, polls), and news every month of the window."""
    from wagtail.models import Page

    from plein.portal import demo as portal_demo
    from plein.portal import services
    from plein.portal.models import NewsPage

    portal_demo.load(ctx.organisation, rng=ctx.rng("portal"), today=ctx.today)
    setup = services.ensure_portal_setup(site_name=ctx.organisation.name)
    ic = ctx.personas[R.INTEGRITY_COORDINATOR]
    news = 0
    month = date(ctx.window_start.year, ctx.window_start.month, 1)
    topics = (
        "Nieuwe collega's legden de ambtseed af",
        "Terugblik op de training morele oordeelsvorming",
        "Geschenken rond de feestdagen: wat mag wel en niet?",
        "Nevenfuncties: bevestig je opgave",
        "Het jaarverslag integriteit is verschenen",
        "Moreel beraad in je team? Vraag een procesbegeleider",
    )
    while month < date(ctx.today.year, ctx.today.month, 1):
        page = NewsPage(
            title=f"{topics[news % len(topics)]} ({month:%m-%Y})",
            slug=f"nieuws-{month:%Y-%m}",
            date=month + timedelta(days=9),
            intro="Kort nieuws over integriteit bij de provincie.",
        )
        setup.news_index.add_child(instance=page)
        page.save_revision(user=ic).publish(user=ic, skip_permission_checks=True)
        Page.objects.filter(pk=page.pk).update(first_published_at=aware(page.date), last_published_at=aware(page.date))
        news += 1
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    ctx.count("news pages", news)
    ctx.log(f"Portal: the demo content, and {news} news pages")


# --- Moreel beraad -----------------------------------------------------------------------------------------------


def make_deliberation(ctx: Context) -> None:
    """Moral deliberation sessions, if the app exists: about one a year per two hundred employees."""
    from django.apps import apps

    if not apps.is_installed("plein.deliberation"):
        return
    from plein.deliberation.models import Facilitator, MethodVersion, Participant, Session, Theme

    rng = ctx.rng("deliberation")
    organisation, today = ctx.organisation, ctx.today
    versions = list(MethodVersion.objects.filter(organisation__isnull=True).order_by("pk")) or list(
        MethodVersion.objects.filter(organisation=organisation).order_by("pk")
    )
    if not versions:
        ctx.log("Moreel beraad: no methods installed; no sessions made")
        return
    facilitators = bulk(
        Facilitator,
        [
            Facilitator(
                organisation=organisation,
                employee_id=p.pk,
                training_status=Facilitator.Training.CERTIFIED,
                training_started_on=ctx.window_start,
                certified_on=ctx.window_start + timedelta(days=120),
                created_by=ctx.personas[R.INTEGRITY_COORDINATOR],
            )
            for p in ctx.people
            if p.key.startswith("fac")
        ],
    )
    if not facilitators:
        return
    team_people: dict[int, list[Person]] = {}
    for person in ctx.people:
        team_people.setdefault(person.unit_id, []).append(person)
    teams = sorted(uid for uid, members in team_people.items() if len(members) >= 6)
    in_service = sum(1 for p in ctx.people if p.in_service(today))
    per_year = max(1, in_service // 200)
    themes = [value for value, _label in Theme.choices]
    sessions, members = [], []
    for year in range(ctx.window_start.year, today.year + 1):
        for _n in range(per_year):
            day = ctx.day_between(rng, date(year, 1, 10), date(year, 12, 10))
            if not ctx.window_start <= day < today:
                continue
            team = rng.choice(teams)
            present = [p for p in team_people[team] if p.in_service(day)][:12]
            if len(present) < 4:
                continue
            sessions.append(
                Session(
                    organisation=organisation,
                    title=f"Moreel beraad {day:%d-%m-%Y}",
                    theme=rng.choice(themes),
                    team_id=team,
                    method_version=rng.choice(versions),
                    scheduled_at=aware(day, 14),
                    location="Provinciehuis",
                    status=Session.Status.HELD,
                    held_on=day,
                    closed_at=aware(day, 17),
                    participant_count=len(present),
                    created_by=ctx.personas[R.FACILITATOR],
                )
            )
            members.append(present)
    saved = bulk(Session, sessions)
    through = Session.facilitators.through
    bulk(through, (through(session=s, facilitator=rng.choice(facilitators)) for s in saved), keep=False)
    bulk(
        Participant,
        (
            Participant(session=session, employee_id=p.pk, joined_at=session.scheduled_at)
            for session, present in zip(saved, members, strict=True)
            for p in present
        ),
        keep=False,
    )
    ctx.count("deliberation sessions", len(saved))
    ctx.log(f"Moreel beraad: {len(facilitators)} facilitators, {len(saved):,} sessions")


# --- the audit trail of everything written in bulk ---------------------------------------------------------------


def write_audit(ctx: Context) -> None:
    """The events the services would have written for the records above, in time order, on the hash chain."""
    from plein.core.services.audit import GENESIS, compute_hash

    rows = sorted(ctx.audit, key=lambda row: (row[0], row[3], row[5]))
    head = AuditHead.objects.select_for_update().first()
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    labels = dict(User.objects.filter(pk__in={row[1] for row in rows if row[1]}).values_list("pk", "email"))
    events = []
    for occurred_at, actor_id, role, action, target_type, target_id in rows:
        seq += 1
        event = AuditEvent(
            seq=seq,
            occurred_at=occurred_at.astimezone(UTC),  # as the database gives it back, so that the hash verifies
            organisation=ctx.organisation,
            actor_id=actor_id,
            actor_label=labels.get(actor_id, ""),
            role=role,
            action=action,
            target_type=target_type,
            target_id=target_id,
            data={"generated": True},
            prev_hash=prev,
        )
        event.hash = compute_hash(event)
        prev = event.hash
        events.append(event)
    bulk(AuditEvent, events, keep=False)
    if head:
        AuditHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    elif events:
        AuditHead.objects.create(seq=seq, hash=prev)
    ctx.count("audit events", len(events))
    ctx.log(f"Audit log: {len(events):,} events on the hash chain")


# --- Meldkanaal: through the services, with encryption -----------------------------------------------------------

REPORT_TEXTS = [
    "Een collega lijkt een opdracht te gunnen aan het bedrijf van een familielid.",
    "Bij de inspectie zijn meetgegevens weggelaten uit het rapport.",
    "Een leidinggevende gebruikt de dienstauto voor privéritten.",
    "Iemand bood geld aan om een handhavingsverzoek te laten liggen.",
    "Er is een bestand met persoonsgegevens naar een verkeerde ontvanger gestuurd.",
    "Een subsidieaanvraag lijkt met valse gegevens te zijn ingediend.",
    "Offertes werden na de sluitingsdatum nog aangepast.",
    "Een collega deelt vertrouwelijke informatie met een adviesbureau.",
]
TEAM_REPLIES = [
    "Dank voor uw melding. We hebben hem ontvangen en gaan hem beoordelen.",
    "Kunt u aangeven wanneer dit ongeveer gebeurde, en wie erbij betrokken waren?",
    "Dank u. We onderzoeken dit nu. Binnen drie maanden hoort u wat we ermee doen.",
    "Het onderzoek is afgerond. Dank voor uw melding.",
]
REPORTER_REPLIES = [
    "Het was in het voorjaar, bij het project aan de provinciale weg.",
    "Ik heb nog een e-mail die dit bevestigt.",
    "Dank voor het bericht.",
]


def make_reports(ctx: Context, *, fast_kdf: bool) -> None:
    from dateutil.relativedelta import relativedelta

    from plein.reports import crypto, services
    from plein.reports import demo as reports_demo
    from plein.reports.models import Message, Report, ReportKey

    rng = ctx.rng("reports")
    organisation, today = ctx.organisation, ctx.today
    cheap = {**settings.PLEIN, "REPORTS_ARGON2_OPSLIMIT": 1, "REPORTS_ARGON2_MEMLIMIT": 8192}
    if fast_kdf:
        with override_settings(PLEIN=cheap):
            _record, recovery_text = services.set_up_reporting(organisation=organisation, actor=None)
    else:
        _record, recovery_text = services.set_up_reporting(organisation=organisation, actor=None)
    recovery = crypto.parse_recovery_key(recovery_text)
    handlers = reports_demo._handler_accounts(organisation)
    if reports_demo._demo_password() is not None:
        for user in handlers.values():  # the handlers' vaults keep the configured cost: only a few are made
            services.set_up_vault(user=user, passphrase=reports_demo.DEMO_VAULT_PASSPHRASE)
    channels, teams = {}, {}
    for spec in reports_demo.CHANNELS:
        spec = dict(spec)
        team, code = spec.pop("team"), spec.pop("code")
        channels[code] = services.create_channel(organisation=organisation, actor=None, code=code, **spec)
        teams[code] = [handlers[s] for s in team if s in handlers]
        for user in teams[code]:
            services.add_team_member(channel=channels[code], actor=None, user=user)
    in_service = sum(1 for p in ctx.people if p.in_service(today))
    total = max(1, round(in_service / 1000 * REPORTS_PER_1000_PER_YEAR * ctx.years))
    span = (today - ctx.window_start).days
    moments = sorted(
        aware(ctx.window_start + timedelta(days=rng.randint(0, span - 1)), rng.randint(7, 21), rng.randint(0, 59))
        for _ in range(total)
    )
    codes = list(channels)
    months = int(settings.PLEIN["FEEDBACK_MONTHS"])
    ctx.log(
        f"Meldkanaal: {total:,} reports through the services (receipts: {'cheap' if fast_kdf else 'configured'} "
        "Argon2id)"
    )
    messages = 0
    tick = clock.monotonic()
    for n, received in enumerate(moments, start=1):
        code = rng.choices(codes, weights=[3, 3, 1, 3][: len(codes)])[0]
        channel = channels[code]
        mode = rng.choices(["anonymous", "confidential", "named"], weights=[45, 30, 25])[0]
        answers = [{"key": "wat", "label": "Wat is er gebeurd?", "value": rng.choice(REPORT_TEXTS)}]
        submission = services.submit_report(
            channel=channel,
            mode=mode,
            answers=answers,
            identity=None if mode == "anonymous" else {"name": f"Melder {n}", "email": "", "phone": ""},
            form_token=services.issue_form_token(),
            received_at=received,
        )
        report = submission.report
        wrapped = ReportKey.objects.get(report=report, kind=ReportKey.Kind.RECOVERY).wrapped_key
        report_key = crypto.unseal(recovery, bytes(wrapped))
        age = (today - received.date()).days
        author = teams[code][0] if teams[code] else None
        moment = received
        if author is not None and (age > 10 or rng.random() < 0.5):
            for k in range(rng.randint(0, 3) if age > 30 else rng.randint(0, 1)):
                moment = moment + timedelta(days=rng.randint(1, 20), hours=rng.randint(1, 6))
                if moment.date() >= today:
                    break
                if k % 2 == 0:
                    message = services.add_team_message(
                        report=report, actor=author, report_key=report_key, text=TEAM_REPLIES[k % len(TEAM_REPLIES)]
                    )
                else:
                    message = services.add_reporter_message(
                        report=report, report_key=report_key, text=REPORTER_REPLIES[k % len(REPORTER_REPLIES)]
                    )
                Message.objects.filter(pk=message.pk).update(created_at=moment)
                messages += 1
            services.acknowledge_report(report=report, actor=author, report_key=report_key)
            acknowledged = received + timedelta(days=rng.choice([0, 1, 2, 3, 5, 6, 9]), hours=2)
            closed = age > 120 and rng.random() < 0.9
            fields = {
                "acknowledged_at": acknowledged,
                "feedback_before": timezone.localtime(acknowledged).date() + relativedelta(months=months),
                "status": Report.Status.CLOSED
                if closed
                else (Report.Status.IN_PROGRESS if age > 20 else Report.Status.ACKNOWLEDGED),
                "last_team_activity_at": max(moment, acknowledged),
                "outcome": rng.choice(["substantiated", "partly_substantiated", "not_substantiated"]) if closed else "",
                "closed_at": received + timedelta(days=rng.randint(60, 110)) if closed else None,
            }
            Report.objects.filter(pk=report.pk).update(**fields)
            _backdate_case(report, fields, closed=closed, in_progress=age > 20)
        if n % 100 == 0 or n == total:
            rate = n / max(clock.monotonic() - tick, 1e-6)
            ctx.log(f"Meldkanaal: {n:,} of {total:,} reports ({rate:.1f} per second)")
    ctx.count("reports", total)
    ctx.count("report messages", messages)


def _backdate_case(report, fields: dict, *, closed: bool, in_progress: bool) -> None:
    """The case of a report whose dates were set back: the same stage, deadlines, outcome and timeline dates as the
    report, so that the data does not depend on the moment of the run (the services stamp "now")."""
    from plein.dossiers.models import Case, CaseEvent, Stage

    acknowledged = fields["acknowledged_at"]
    case = Case.objects.get(report=report)
    stage = Stage.AFGESLOTEN if closed else (Stage.BEOORDELING if in_progress else Stage.ONTVANGSTBEVESTIGING)
    Case.objects.filter(pk=case.pk).update(
        stage=stage,
        outcome=fields["outcome"],
        feedback_due=fields["feedback_before"],
        feedback_given_at=fields["closed_at"],
    )
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ACKNOWLEDGED).update(
        created_at=acknowledged,
        data={
            "on_time": timezone.localtime(acknowledged).date() <= case.acknowledge_due,
            "feedback_due": str(fields["feedback_before"]),
        },
    )


def analyse(ctx: Context) -> None:
    """Planner statistics, as a database in use has them. Without them PostgreSQL picks nested loops over freshly
    loaded tables: the annual report's training coverage took 70 s instead of under one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ctx.log("Planner statistics updated (ANALYZE)")


# --- what the test compares --------------------------------------------------------------------------------------

# Fields that are random by design (keys, ciphertexts, receipt lookups, file names) or set by the clock of the run.
VOLATILE = {
    "core.user": {"password", "last_login", "date_joined"},
    "core.auditevent": {"occurred_at", "hash", "prev_hash", "data", "target_id"},
    "core.audithead": {"hash"},
    "reports.reportkey": {"lookup"},
    "reports.usedformtoken": {"token_hash"},
    "reports.attachment": {"storage_name"},
    "reports.report": {"last_reporter_activity_at"},
    "reports.channelmembership": {"confirmed_at"},
    "portal.poll": {"secret"},
    "portal.pollparticipation": {"id", "voter_hash"},
}


PLAIN = (str, int, float, bool, Decimal, date, datetime, list, dict, type(None))


def natural_dump(app_prefix: str = "plein.") -> dict[str, list[tuple]]:
    """Every row of this project's models as plain values, foreign keys as the target's rank (its position in key
    order), without the volatile fields. Two runs with the same seed, sizes and day give the same dump."""
    from django.apps import apps

    dump: dict[str, list[tuple]] = {}
    rank_cache: dict[str, dict] = {}

    def ranks(model) -> dict:
        label = model._meta.label_lower
        if label not in rank_cache:
            pks = model._base_manager.order_by("pk").values_list("pk", flat=True)
            rank_cache[label] = {pk: i for i, pk in enumerate(pks)}
        return rank_cache[label]

    for model in apps.get_models():
        config = model._meta.app_config
        if not config.name.startswith(app_prefix) or model._meta.proxy:
            continue
        label = model._meta.label_lower
        skip = VOLATILE.get(label, set())
        fields = []
        for f in model._meta.local_concrete_fields:  # a Wagtail page type: its own fields, not Page's
            if f.name in skip or f.primary_key and not f.is_relation:
                continue
            if isinstance(f, models.BinaryField):
                continue
            if isinstance(f, models.DateTimeField | models.DateField) and (f.auto_now or f.auto_now_add):
                continue
            fields.append(f)
        rows = []
        for values in model._base_manager.order_by("pk").values_list(*[f.attname for f in fields]):
            row = []
            for f, value in zip(fields, values, strict=True):
                if f.is_relation and value is not None and f.related_model is not None:
                    value = ranks(f.related_model).get(value, "?")
                elif not isinstance(value, PLAIN):
                    value = str(value)  # a StreamField's blocks, rendered
                row.append(value)
            rows.append(tuple(row))
        dump[label] = rows
    return dump


def dump_digest(dump: dict[str, list[tuple]]) -> str:
    text = json.dumps(dump, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
