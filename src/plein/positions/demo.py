"""Demo records for Functies & screening: an inventory that is partly out of date, review rounds and screening dates.

Deterministic: everything comes from ``rng`` and ``today``. About half the inventory was reviewed in the last years;
a good part was last reviewed years ago (so the overview of lapsed reviews shows real work); some positions were never
reviewed or are not in the inventory at all. People in VOG positions mostly have a valid VOG, but some have an
expired one, a request that never came back, or none; some new hires miss items on their checklist.
"""

import datetime as dt
import random

from django.utils import timezone

from plein.core import roles as R
from plein.core.models import Employee, Organisation, OrgUnit, Position, RoleAssignment
from plein.positions.dates import add_months, add_years, default_rescreening_due, new_hire_months
from plein.positions.models import (
    OutsideActivitiesTalk,
    PositionProfile,
    PositionProfileHistory,
    ReviewItem,
    ReviewRound,
    VogScreening,
)
from plein.positions.services import _apply_values, _snapshot, profile_values

INF, G, GO, D, Z, P, A, PE = (
    "informatie",
    "geld",
    "goederen",
    "diensten",
    "zakelijke_transacties",
    "proces",
    "aansturing",
    "personen",
)
RATIONALES = {
    INF: "Heeft toegang tot vertrouwelijke of bedrijfsgevoelige informatie.",
    G: "Beheert budgetten of keurt betalingen en declaraties goed.",
    GO: "Bestelt of beheert goederen en voorraden.",
    D: "Verleent vergunningen, subsidies of andere diensten aan burgers en bedrijven.",
    Z: "Onderhandelt over opdrachten en contracten met leveranciers.",
    P: "Heeft invloed op processen en systemen waar anderen op vertrouwen.",
    A: "Geeft leiding en neemt besluiten over mensen en middelen.",
    PE: "Heeft zeggenschap over of contact met kwetsbare personen.",
}

# code → (areas, risk, vog, financial interests, publish outside activities, ondermijning, cybersecurity)
PROFILES = {
    "AL01": ((A, INF, Z), "hoog", True, True, True, True, False),
    "AL02": ((A, INF, G), "hoog", True, True, True, False, False),
    "AL03": ((A, G), "midden", True, True, True, False, False),
    "AL04": ((A, PE), "midden", True, False, True, False, False),
    "AL08": ((G, Z), "midden", False, True, True, False, False),
    "CS01": ((INF, PE), "midden", True, False, False, False, False),
    "CS02": ((G, INF, P), "hoog", True, True, True, False, False),
    "CS03": ((INF,), "midden", True, False, False, False, True),
    "CS04": ((INF, G), "midden", True, False, False, False, False),
    "RW08": ((D, INF), "midden", True, True, False, True, False),
    "RW09": ((D, INF), "midden", True, True, False, True, False),
    "RW10": ((D, INF, PE), "hoog", True, True, False, True, False),
    "RW11": ((D, INF, PE), "hoog", True, True, False, True, False),
    "RW12": ((INF, D), "midden", True, False, False, True, False),
    "RW16": ((PE, INF, GO), "hoog", True, False, False, True, False),
    "EM02": ((Z, INF), "midden", False, True, False, False, False),
    "EM03": ((G, D), "midden", True, True, False, True, False),
    "EM04": ((G, D), "midden", True, False, False, True, False),
    "EM07": ((Z, G), "hoog", True, True, True, False, False),
    "EM13": ((Z, G), "midden", False, True, False, False, False),
    "EM14": ((Z, G), "hoog", True, True, False, True, False),
    "EM16": ((G, INF), "midden", False, True, False, False, False),
    "BS06": ((INF,), "laag", False, False, False, False, False),
    "BS12": ((INF, PE), "midden", True, False, False, True, False),
    "BV01": ((PE, INF), "midden", True, False, False, False, False),
    "BV02": ((PE, INF), "midden", True, False, False, False, False),
    "BV03": ((G, INF, P), "hoog", True, False, False, False, True),
    "BV06": ((G, P), "midden", True, True, False, False, False),
    "BV07": ((G, P), "midden", True, True, False, False, False),
    "BV08": ((G, P), "midden", True, False, False, False, False),
    "BV09": ((G, P), "midden", True, True, False, False, False),
    "BV10": ((Z, GO, G), "hoog", True, True, False, True, False),
    "BV11": ((Z, GO, G), "hoog", True, True, False, True, False),
    "BV12": ((Z,), "midden", False, True, False, False, False),
    "BV13": ((INF, P), "hoog", True, False, False, False, True),
    "BV14": ((INF, P), "hoog", True, False, True, False, True),
    "BV15": ((INF,), "midden", False, False, False, False, True),
    "BV16": ((INF, P), "midden", True, False, False, False, True),
    "BV17": ((INF, P), "midden", True, False, False, False, True),
    "BV19": ((INF,), "midden", False, False, False, False, True),
    "BV20": ((INF, P), "laag", False, False, False, False, True),
    "BV22": ((INF,), "laag", False, False, False, False, False),
    "BV25": ((GO, Z), "midden", False, True, False, False, False),
}
BEDRIJFSVOERING = "Directie/Bedrijfsvoering"
RUIMTE_EN_WATER = "Directie/Ruimte en Water"


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _values(code: str, reviewed_on: dt.date | None, *, older: bool = False) -> dict:
    values = profile_values(None)
    spec = PROFILES.get(code)
    if spec is not None:
        areas, risk, vog, fin, publish, ondermijning, cyber = spec
        values.update(
            vulnerable_areas={area: RATIONALES[area] for area in areas},
            risk_level=risk,
            vog_required=vog,
            vog_screening_areas=list(areas) if vog else [],
            # An older version did not yet have every designation: the history shows the change.
            financial_interests=fin and not older,
            publish_outside_activities=publish,
            ondermijning_relevant=ondermijning and not older,
            cybersecurity_relevant=cyber,
        )
    else:
        values["risk_level"] = "geen"
    values["reviewed_on"] = reviewed_on
    return values


def _review_date(rng: random.Random, today: dt.date, code: str) -> dt.date | None:
    roll = rng.random()
    if roll < 0.5:
        return today - dt.timedelta(days=rng.randint(20, 3 * 365 - 30))  # up to date
    if roll < 0.85 or code in PROFILES:
        return today - dt.timedelta(days=rng.randint(4 * 365, 8 * 365))  # lapsed, years ago
    return None  # in the inventory, never reviewed


def _inventory(organisation: Organisation, rng: random.Random, today: dt.date, reviewer) -> dict[str, Position]:
    positions = {p.code: p for p in Position.objects.filter(organisation=organisation).select_related("unit")}
    completed_round_day = add_months(today, -10)
    profiles: list[PositionProfile] = []
    versions: list[PositionProfileHistory] = []
    for code in sorted(positions):
        position = positions[code]
        if code not in PROFILES and rng.random() < 0.25:
            continue  # not in the inventory yet
        unit_path = position.unit.path if position.unit else ""
        # Bedrijfsvoering was approved in last year's round.
        reviewed_on = completed_round_day if unit_path == BEDRIJFSVOERING else _review_date(rng, today, code)
        profile = PositionProfile(position=position, organisation=organisation)
        steps = []
        if reviewed_on is not None and code in PROFILES and rng.random() < 0.5:
            first = add_years(reviewed_on, -3) - dt.timedelta(days=rng.randint(0, 60))
            steps.append((_values(code, first, older=True), _at(first), PositionProfileHistory.Change.CREATED))
            steps.append((_values(code, reviewed_on), _at(reviewed_on), PositionProfileHistory.Change.REVIEWED))
        else:
            day = reviewed_on or today - dt.timedelta(days=rng.randint(30, 700))
            steps.append((_values(code, reviewed_on), _at(day), PositionProfileHistory.Change.CREATED))
        for values, at, change in steps:
            changed = _apply_values(profile, {**values, "reviewed_by": reviewer if values["reviewed_on"] else None})
            profile.version += 1
            versions.append(
                PositionProfileHistory(
                    profile=profile,
                    organisation=organisation,
                    version=profile.version,
                    change=change,
                    changed_fields=changed,
                    snapshot=_snapshot(profile),
                    changed_by=reviewer,
                    changed_at=at,
                )
            )
        profiles.append(profile)
    PositionProfile.objects.bulk_create(profiles)
    for row in versions:
        row.profile_id = row.profile.pk
    PositionProfileHistory.objects.bulk_create(versions)
    return positions


def _rounds(organisation: Organisation, rng: random.Random, today: dt.date, ic, manager) -> None:
    units = {
        u.path: u
        for u in OrgUnit.objects.filter(organisation=organisation, path__in=[BEDRIJFSVOERING, RUIMTE_EN_WATER])
    }
    done_day = add_months(today, -10)
    if BEDRIJFSVOERING in units:
        unit = units[BEDRIJFSVOERING]
        closed = ReviewRound.objects.create(
            organisation=organisation,
            title=f"Inventarisatie kwetsbare functies {done_day.year} – Bedrijfsvoering",
            unit=unit,
            unit_path=unit.path,
            due_date=done_day,
            status=ReviewRound.Status.COMPLETED,
            started_by=ic,
            started_at=_at(done_day - dt.timedelta(days=42)),
            completed_at=_at(done_day, 15),
        )
        ReviewItem.objects.bulk_create(
            [
                ReviewItem(
                    round=closed,
                    position=p,
                    unit=unit,
                    unit_path=unit.path,
                    status=ReviewItem.Status.APPROVED,
                    reviewed_by=manager,
                    reviewed_at=_at(done_day - dt.timedelta(days=rng.randint(3, 30))),
                    approved_by=ic,
                    approved_at=_at(done_day, 15),
                )
                for p in Position.objects.filter(organisation=organisation, unit=unit).order_by("code")
            ]
        )
    if RUIMTE_EN_WATER in units:
        unit = units[RUIMTE_EN_WATER]
        started = today - dt.timedelta(days=21)
        open_round = ReviewRound.objects.create(
            organisation=organisation,
            title=f"Inventarisatie kwetsbare functies {today.year} – Ruimte en Water",
            unit=unit,
            unit_path=unit.path,
            due_date=today + dt.timedelta(days=35),
            started_by=ic,
            started_at=_at(started),
        )
        items = []
        for position in (
            Position.objects.filter(organisation=organisation).filter(unit.subtree_q("unit__")).order_by("code")
        ):
            roll = rng.random()
            item = ReviewItem(round=open_round, position=position, unit=position.unit, unit_path=position.unit.path)
            if roll < 0.35:
                item.status = ReviewItem.Status.SUBMITTED
                item.reviewed_by = manager
                item.reviewed_at = _at(started + dt.timedelta(days=rng.randint(1, 20)))
                item.comment = "Taken ongewijzigd; geen aanpassing nodig."
            elif roll < 0.45:
                item.status = ReviewItem.Status.RETURNED
                item.reviewed_by = manager
                item.reviewed_at = _at(started + dt.timedelta(days=rng.randint(1, 10)))
                item.comment = "Graag de toelichting bij 'diensten' aanvullen: welke vergunningen precies?"
            items.append(item)
        ReviewItem.objects.bulk_create(items)


def _screening(organisation: Organisation, rng: random.Random, today: dt.date, hr) -> None:
    designated = (
        Employee.objects.in_service(today)
        .filter(organisation=organisation, position__profile__isnull=False)
        .select_related("position__profile")
    )
    recent = add_months(today, -new_hire_months())
    upcoming = Employee.objects.filter(organisation=organisation, start_date__gt=today, position__profile__isnull=False)
    people = sorted({*designated, *upcoming.select_related("position__profile")}, key=lambda e: e.personnel_number)
    vogs, talks = [], []
    for person in people:
        profile = person.position.profile
        start = person.start_date
        new_hire = start is not None and start >= recent
        if profile.vog_required:
            roll = rng.random()
            if new_hire:
                requested = (start or today) - dt.timedelta(days=rng.randint(20, 50))
                if roll < 0.5 and requested + dt.timedelta(days=14) <= today:
                    received = min(requested + dt.timedelta(days=rng.randint(5, 14)), today)
                    vogs.append((person, requested, received))
                elif roll < 0.75 and requested <= today:
                    vogs.append((person, requested, None))
            elif roll < 0.8:
                valid = today - dt.timedelta(days=rng.randint(60, 5 * 365 - 60))
                vogs.append((person, valid - dt.timedelta(days=rng.randint(7, 21)), valid))
            elif roll < 0.9:
                valid = today - dt.timedelta(days=rng.randint(5 * 365 + 30, 8 * 365))
                vogs.append((person, valid - dt.timedelta(days=14), valid))
            elif roll < 0.95:
                vogs.append((person, today - dt.timedelta(days=rng.randint(30, 120)), None))
        if new_hire and profile.is_designated and rng.random() < 0.6:
            held = min((start or today) - dt.timedelta(days=rng.randint(20, 60)), today)
            talks.append(
                OutsideActivitiesTalk(organisation=organisation, employee=person, held_on=held, recorded_by=hr)
            )
    VogScreening.objects.bulk_create(
        [
            VogScreening(
                organisation=organisation,
                employee=person,
                position=person.position,
                requested_on=requested,
                received_on=received,
                valid_from=received,
                rescreening_due=default_rescreening_due(received),
                recorded_by=hr,
            )
            for person, requested, received in vogs
        ]
    )
    OutsideActivitiesTalk.objects.bulk_create(talks)


def load_demo(organisation: Organisation, *, rng: random.Random, today: dt.date) -> None:
    """Registered in ``plein.core.registry.demo_loaders``."""
    roles = {
        a.role: a.user
        for a in RoleAssignment.objects.filter(
            organisation=organisation, revoked_at__isnull=True, role__in=[R.INTEGRITY_COORDINATOR, R.HR, R.MANAGER]
        )
        .select_related("user")
        .order_by("pk")
    }
    ic, hr, manager = roles.get(R.INTEGRITY_COORDINATOR), roles.get(R.HR), roles.get(R.MANAGER)
    _inventory(organisation, rng, today, ic)
    _rounds(organisation, rng, today, ic, manager)
    _screening(organisation, rng, today, hr)
