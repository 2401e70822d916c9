"""The demo organisation "Provincie Veenland", ``load_demo`` and ``demo``."""

import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plein.core import demo
from plein.core import roles as R
from plein.core.management.commands import demo as demo_command
from plein.core.models import (
    Employee,
    EmploymentType,
    Organisation,
    OrgUnit,
    Position,
    RoleAssignment,
    StructureRole,
    User,
)
from plein.core.registry import demo_loaders
from plein.core.selectors import user_roles

TODAY = date(2025, 6, 1)


def load(seed=demo.DEFAULT_SEED, today=TODAY, **kwargs):
    return demo.load_demo(seed=seed, today=today, **kwargs).organisation


def snapshot(organisation) -> dict:
    """Every record of the demo, without primary keys: references are written as natural keys."""
    employees = Employee.objects.filter(organisation=organisation).select_related("unit", "position", "manager", "user")
    return {
        "organisation": Organisation.objects.filter(pk=organisation.pk)
        .values("name", "slug", "short_name", "primary_colour", "primary_text_colour", "accent_colour", "website")
        .get(),
        "units": sorted(
            (u.path, u.name, u.kind, u.depth, u.parent.path if u.parent else None)
            for u in OrgUnit.objects.filter(organisation=organisation).select_related("parent")
        ),
        "positions": sorted(
            (p.code, p.title, p.scale, p.unit.path if p.unit else None)
            for p in Position.objects.filter(organisation=organisation).select_related("unit")
        ),
        "employees": sorted(
            (
                e.personnel_number,
                e.first_name,
                e.infix,
                e.last_name,
                e.email,
                e.unit.path,
                e.position.code,
                e.manager.personnel_number if e.manager else None,
                e.employment_type,
                e.start_date,
                e.end_date,
                e.user.email if e.user else None,
            )
            for e in employees
        ),
        "structure": sorted(
            (
                s.kind,
                s.order,
                s.employee.personnel_number if s.employee else None,
                s.name,
                s.email,
                s.phone,
                s.go_to_for,
            )
            for s in StructureRole.objects.filter(organisation=organisation).select_related("employee")
        ),
        "accounts": sorted(
            (u.email, u.display_name, u.has_usable_password())
            for u in User.objects.filter(employee__organisation=organisation)
        ),
        "roles": sorted(
            (a.user.email, a.role, a.unit.path if a.unit else None)
            for a in RoleAssignment.objects.filter(organisation=organisation).select_related("user", "unit")
        ),
    }


@pytest.fixture(scope="class")
def demo_organisation(django_db_setup, django_db_blocker):
    """The default demo (seed and day of this module), loaded once for the tests of ``TestTheDefaultDemo``.

    Those tests only look at the demo. It is loaded in a transaction that stays open while they run and is rolled
    back after the last one, so no other test sees it; each test runs in its own savepoint inside it (pytest-django's
    usual isolation), so what a test changes (a login, say) is undone before the next one.
    """
    from django.db import transaction

    outer = transaction.atomic()

    def roll_back():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)

    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            organisation = load()
        except BaseException:
            roll_back()
            raise
    yield organisation
    with django_db_blocker.unblock():
        roll_back()


@pytest.mark.django_db
class TestTheDefaultDemo:
    """Tests that only read the demo organisation share one load of it (loading it takes seconds)."""

    def test_load_demo_refuses_an_existing_organisation(self, demo_organisation):
        before = Employee.objects.count()
        with pytest.raises(CommandError, match="--replace"):
            call_command("load_demo", verbosity=0)
        assert Employee.objects.count() == before
        assert Organisation.objects.count() == 1

    def test_organisation_people_and_positions_look_real(self, demo_organisation):
        organisation = demo_organisation
        employees = list(Employee.objects.filter(organisation=organisation))
        assert 950 <= len(employees) <= 1050

        types = Counter(e.employment_type for e in employees)
        assert set(types) == {t.value for t in EmploymentType}
        assert types[EmploymentType.PERMANENT] > len(employees) * 0.6
        assert 0 < types[EmploymentType.INTERN] < types[EmploymentType.HIRED] < types[EmploymentType.PERMANENT]
        starts = [e.start_date for e in employees]
        assert (TODAY - min(starts)).days > 25 * 365
        left = [e for e in employees if e.end_date and e.end_date < TODAY]
        soon = [e for e in employees if e.start_date > TODAY]
        assert 20 < len(left) < 200 and 5 < len(soon) < 60
        assert all(e.end_date is None or e.end_date >= e.start_date for e in employees)
        assert Employee.objects.in_service(TODAY).count() > 800

        assert len({e.personnel_number for e in employees}) == len(employees)
        assert len({e.email for e in employees}) == len(employees)
        assert all(e.email.endswith("@veenland.example") for e in employees)
        assert sum(1 for e in employees if e.infix) > 100

        units = list(OrgUnit.objects.filter(organisation=organisation))
        top = [u for u in units if u.parent_id is None]
        assert [(u.name, u.kind) for u in top] == [("Directie", OrgUnit.Kind.DIRECTORATE)]
        domains = {u.name for u in units if u.kind == OrgUnit.Kind.DOMAIN}
        assert {"Ruimte en Water", "Economie en Mobiliteit", "Bestuur en Samenleving", "Bedrijfsvoering"} <= domains
        teams = [u for u in units if u.kind == OrgUnit.Kind.TEAM]
        assert len(teams) >= 20
        assert all(u.path == f"{u.parent.path}/{u.name}" for u in units if u.parent)

        positions = list(Position.objects.filter(organisation=organisation))
        assert 75 <= len(positions) <= 100
        titles = {p.title for p in positions}
        for title in ("Beleidsmedewerker", "Vergunningverlener", "Inkoper", "Jurist", "Toezichthouder"):
            assert title in titles
        assert {"Financieel adviseur", "Informatiebeveiliger", "Teammanager", "Domeinmanager"} <= titles
        assert all(p.scale for p in positions if p.code != demo.STAGIAIR_POSITION)

    def test_every_team_has_a_manager_and_there_are_no_cycles(self, demo_organisation):
        organisation = demo_organisation
        by_pk = {e.pk: e for e in Employee.objects.filter(organisation=organisation).select_related("position")}
        for team in OrgUnit.objects.filter(organisation=organisation, kind=OrgUnit.Kind.TEAM):
            members = [e for e in by_pk.values() if e.unit_id == team.pk]
            managers = [e for e in members if e.position.title == "Teammanager"]
            assert len(managers) == 1, team.path
            manager = managers[0]
            assert all(e.manager_id == manager.pk for e in members if e is not manager), team.path
            assert manager.end_date is None and manager.start_date <= TODAY
            assert by_pk[manager.manager_id].position.title == "Domeinmanager" or team.depth == 1

        tops = [e for e in by_pk.values() if e.manager_id is None]
        assert [e.position.title for e in tops] == ["Provinciesecretaris / algemeen directeur"]
        for employee in by_pk.values():
            seen = set()
            current = employee
            while current.manager_id is not None:
                assert current.pk not in seen, f"manager cycle at {employee.personnel_number}"
                seen.add(current.pk)
                current = by_pk[current.manager_id]
            assert current is tops[0]

    def test_every_integrity_structure_role_is_filled_with_contact_details(self, demo_organisation):
        organisation = demo_organisation
        roles = list(StructureRole.objects.filter(organisation=organisation).select_related("employee"))
        kinds = Counter(r.kind for r in roles)
        assert set(kinds) == {k.value for k in StructureRole.Kind}
        assert kinds[StructureRole.Kind.FACILITATOR] == 6
        assert kinds[StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL] == 2
        assert kinds[StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL] >= 1
        assert kinds[StructureRole.Kind.INVESTIGATOR] >= 1 and kinds[StructureRole.Kind.EMPLOYMENT_LAWYER] >= 1
        for role in roles:
            assert role.holder_name and role.go_to_for, role
            assert role.contact_email.rsplit("@", 1)[1].endswith(".example"), role
            if role.employee:
                assert role.employee.end_date is None and role.employee.start_date <= TODAY, role
        externals = [r for r in roles if r.kind == StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL]
        assert all(r.employee is None and r.phone for r in externals)

    def test_every_access_role_has_a_demo_account_that_can_log_in(self, demo_organisation, client):
        organisation = demo_organisation
        for code, role in R.ROLES.items():
            if code == R.EMPLOYEE:
                user = User.objects.get(email="medewerker@veenland.example")
                assert not user.role_assignments.exists()
            else:
                # The demo account of this role (other people may hold the role too, e.g. a second investigator).
                persona = next(p for p in demo.PERSONAS if p.role == code)
                assignment = RoleAssignment.objects.get(
                    organisation=organisation, role=code, revoked_at__isnull=True, user__email=persona.email
                )
                user = assignment.user
                assert (assignment.unit is not None) == role.unit_scoped
            assert user.employee.organisation == organisation
            assert user.employee.email == user.email
            assert user.email.endswith("@veenland.example")
            assert client.login(email=user.email, password=demo.DEMO_PASSWORD), code
            assert code in user_roles(User.objects.get(pk=user.pk))
            client.logout()
        assert not client.login(email="ic@veenland.example", password="wrong password")

        assert {row["email"] for row in demo.demo_accounts()} >= {"ic@veenland.example", "hr@veenland.example"}
        manager = RoleAssignment.objects.get(
            role=R.MANAGER, user__email=next(p.email for p in demo.PERSONAS if p.role == R.MANAGER)
        )
        assert manager.unit == manager.user.employee.unit
        assert manager.user.employee.reports_to_me.count() > 10
        secretary = StructureRole.objects.get(kind=StructureRole.Kind.PROVINCIAL_SECRETARY)
        assert RoleAssignment.objects.filter(role=R.COMPETENT_AUTHORITY, user=secretary.employee.user).exists()
        coordinator = StructureRole.objects.get(kind=StructureRole.Kind.INTEGRITY_COORDINATOR)
        assert RoleAssignment.objects.filter(role=R.INTEGRITY_COORDINATOR, user=coordinator.employee.user).exists()


@pytest.mark.django_db
def test_same_seed_gives_identical_data_and_another_seed_does_not():
    first = snapshot(load(seed=7))
    call_command("load_demo", "--seed", "7", "--today", "2025-06-01", "--replace", verbosity=0)
    assert Organisation.objects.filter(slug=demo.DEMO_SLUG).count() == 1
    assert Employee.objects.count() == demo.EMPLOYEE_COUNT
    again = snapshot(Organisation.objects.get(slug=demo.DEMO_SLUG))
    assert again == first

    organisation = Organisation.objects.get(slug=demo.DEMO_SLUG)
    demo.remove_demo(organisation)
    assert not Employee.objects.exists() and not User.objects.exists() and not OrgUnit.objects.exists()
    other = snapshot(load(seed=8))
    assert other["units"] == first["units"] and other["positions"] == first["positions"]
    assert other["employees"] != first["employees"]


@pytest.mark.django_db
def test_dates_are_relative_to_today():
    early = snapshot(load(today=date(2025, 1, 1)))["employees"]
    demo.remove_demo(Organisation.objects.get(slug=demo.DEMO_SLUG))
    later = snapshot(load(today=date(2025, 1, 11)))["employees"]
    shift = timedelta(days=10)
    # People are matched by e-mail address (personnel numbers follow the start date, so they may reorder).
    early_by_email = {e[4]: e[9] for e in early}
    later_by_email = {e[4]: e[9] for e in later}
    assert early_by_email.keys() == later_by_email.keys()
    moved = [email for email, start in early_by_email.items() if later_by_email[email] == start + shift]
    # Everyone moves with today, except the 2024 hiring wave, which is anchored to the seed report's year.
    anchored = [
        email
        for email, start in early_by_email.items()
        if later_by_email[email] == start and start.year == demo.HIRING_WAVE_YEAR
    ]
    assert len(moved) + len(anchored) == len(early_by_email)
    assert len(anchored) == demo.HIRING_WAVE_SIZE


@pytest.mark.django_db
def test_load_demo_rejects_a_bad_day_and_production(settings):
    with pytest.raises(CommandError, match="JJJJ-MM-DD|YYYY-MM-DD"):
        call_command("load_demo", "--today", "1-6-2025")
    settings.PLEIN_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", verbosity=0)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_no_demo_password_outside_demo_and_test(settings, client):
    settings.PLEIN_ENV = "dev"
    load()
    assert not User.objects.filter(email__endswith="@veenland.example").exclude(password__startswith="!").exists()
    assert not client.login(email="ic@veenland.example", password=demo.DEMO_PASSWORD)
    assert demo.ensure_demo_passwords() == 0
    assert all(row["password"] == "" for row in demo.demo_accounts())

    settings.PLEIN_ENV = "demo"
    assert demo.ensure_demo_passwords() == len(demo.PERSONAS)
    assert client.login(email="ic@veenland.example", password=demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_app_loaders_run_after_the_core_data_in_installed_apps_order(monkeypatch):
    calls = []

    def reports_loader(organisation, *, rng, today):
        calls.append(("reports", Employee.objects.filter(organisation=organisation).count(), today, rng.random()))

    def portal_loader(organisation, *, rng, today):
        calls.append(("portal", StructureRole.objects.filter(organisation=organisation).count(), today, rng.random()))

    reports_loader.__module__ = "plein.reports.demo"
    portal_loader.__module__ = "plein.portal.demo"
    monkeypatch.setattr(demo_loaders, "_providers", [])
    demo_loaders.register(reports_loader)
    demo_loaders.register(portal_loader)

    load(seed=3)
    # portal comes before reports in INSTALLED_APPS, whatever the order of registration.
    assert [c[0] for c in calls] == ["portal", "reports"]
    assert calls[0][1] > 20 and calls[1][1] == demo.EMPLOYEE_COUNT
    assert calls[0][2] == calls[1][2] == TODAY
    assert calls[0][3] != calls[1][3]  # each loader has its own random stream

    first = list(calls)
    calls.clear()
    load(seed=3, replace=True)
    assert calls == first


@pytest.mark.django_db
def test_a_failing_app_loader_leaves_nothing_behind(monkeypatch):
    def broken(organisation, *, rng, today):
        raise RuntimeError("kapot")

    monkeypatch.setattr(demo_loaders, "_providers", [broken])
    with pytest.raises(RuntimeError):
        load()
    assert not Organisation.objects.exists() and not Employee.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_demo_command_loads_once_keeps_data_and_prints_the_accounts(capsys):
    call_command("demo", "--no-serve")
    first = capsys.readouterr().out
    assert Employee.objects.count() == demo.EMPLOYEE_COUNT
    for persona in demo.PERSONAS:
        assert persona.email in first
    assert demo.DEMO_PASSWORD in first
    assert "Team Vergunningverlening" in first  # the manager's scope

    changed = Employee.objects.order_by("personnel_number").first()
    Employee.objects.filter(pk=changed.pk).update(first_name="Gewijzigd")
    call_command("demo", "--no-serve")
    second = capsys.readouterr().out
    assert "Provincie Veenland" in second
    assert Employee.objects.count() == demo.EMPLOYEE_COUNT
    assert Employee.objects.get(pk=changed.pk).first_name == "Gewijzigd"
    assert "ic@veenland.example" in second


@pytest.mark.django_db
def test_demo_command_serves_on_the_chosen_port(monkeypatch):
    served = []
    real_call_command = demo_command.call_command

    def fake_call_command(name, *args, **kwargs):
        if name == "runserver":
            served.append((args, kwargs))
            return None
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    monkeypatch.setenv("PORT", "8123")
    call_command("demo", verbosity=0)
    call_command("demo", "--port", "9001", verbosity=0)
    assert [args for args, _kwargs in served] == [("127.0.0.1:8123",), ("127.0.0.1:9001",)]
    assert all(kwargs["use_reloader"] is False for _args, kwargs in served)
    with pytest.raises(CommandError, match="65535"):
        call_command("demo", "--port", "http", "--no-serve")


@pytest.mark.django_db
def test_demo_reset_refuses_a_database_outside_var():
    # The test database is in memory, not a file under var/.
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--reset", "--no-serve")


@pytest.mark.backend_independent
def test_demo_runs_twice_and_reset_starts_fresh(tmp_path):
    """The real thing, in a subprocess: a SQLite file under a temporary var/ directory."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PORT"}}
    env.update({"PLEIN_ENV": "demo", "PLEIN_VAR_DIR": str(tmp_path)})
    # The demo's vaults and receipts use Argon2id; the cost is tested elsewhere, so keep it cheap here.
    env.update({"PLEIN_REPORTS_ARGON2_OPSLIMIT": "1", "PLEIN_REPORTS_ARGON2_MEMLIMIT": "8192"})
    database = tmp_path / "plein.sqlite3"

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "plein", "demo", "--no-serve", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def first_employee() -> tuple[str, int]:
        with sqlite3.connect(database) as db:
            name = db.execute("SELECT first_name FROM core_employee WHERE personnel_number = '100001'").fetchone()[0]
            return name, db.execute("SELECT COUNT(*) FROM core_employee").fetchone()[0]

    out = run()
    assert "ic@veenland.example" in out and demo.DEMO_PASSWORD in out
    original, count = first_employee()
    assert count == demo.EMPLOYEE_COUNT
    with sqlite3.connect(database) as db:
        db.execute("UPDATE core_employee SET first_name = 'Gewijzigd' WHERE personnel_number = '100001'")

    out = run()
    assert "Provincie Veenland" in out and "ic@veenland.example" in out
    assert first_employee() == ("Gewijzigd", demo.EMPLOYEE_COUNT)

    out = run("--reset")
    assert str(database) in out
    assert first_employee() == (original, demo.EMPLOYEE_COUNT)


def test_build_plan_is_pure_and_deterministic():
    plan = demo.build_plan(random.Random(11), TODAY)
    again = demo.build_plan(random.Random(11), TODAY)
    assert [vars(s) for s in plan.slots] == [vars(s) for s in again.slots]
    assert len(plan.slots) == demo.EMPLOYEE_COUNT
    assert {p.slot for p in demo.PERSONAS} <= {s.key for s in plan.slots}


def test_readme_lists_every_demo_account_and_the_password():
    from django.conf import settings

    readme = (settings.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]
    assert f"`{demo.DEMO_PASSWORD}`" in section
    for persona in demo.PERSONAS:
        assert f"`{persona.email}`" in section, persona.email
        assert f"{persona.first_name} {persona.infix} {persona.last_name}".replace("  ", " ") in section
