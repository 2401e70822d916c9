"""docs/permissions.md is generated from the code and cannot drift from it."""

import pytest
import rules
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from rules.rulesets import RuleSet

from plein.core import object_rules
from plein.core import roles as R
from plein.core.management.commands import permissions_table
from plein.core.management.commands.permissions_table import DEFAULT_PATH, evaluate, render, synthetic_user
from plein.core.object_rules import SCOPES, object_rule
from plein.core.rules import has_role, is_hr
from plein.core.selectors import user_roles

pytestmark = pytest.mark.django_db


def test_docs_permissions_md_is_up_to_date():
    assert DEFAULT_PATH.exists(), "docs/permissions.md is missing: run ./plein permissions_table"
    assert DEFAULT_PATH.read_text(encoding="utf-8") == render(), (
        "docs/permissions.md is out of date with the rules in the code: run ./plein permissions_table and commit it"
    )


def test_check_fails_on_a_stale_file_and_passes_on_a_fresh_one(tmp_path):
    target = tmp_path / "permissions.md"
    target.write_text("# stale\n", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        call_command("permissions_table", "--check", "--output", str(target))
    assert target.read_text(encoding="utf-8") == "# stale\n"  # --check changes nothing
    call_command("permissions_table", "--output", str(target))
    assert target.read_text(encoding="utf-8") == render()
    call_command("permissions_table", "--check", "--output", str(target))


@pytest.mark.parametrize("code", list(R.ROLES))
def test_synthetic_user_holds_exactly_one_role(code):
    assert user_roles(synthetic_user(code)) == {code}


def test_every_registered_permission_and_role_is_in_the_table():
    text = render()
    for name in rules.permissions.permissions:
        assert f"| `{name}` |" in text
    with translation.override("en"):  # the table is written in English
        for role in R.ROLES.values():
            mfa = "yes" if role.requires_mfa else "no"
            assert f"| {role.label} | `{role.code}` | {role.purpose} | {mfa} |" in text


def _row(text, perm):
    header = next(line for line in text.splitlines() if line.startswith("| Permission | Employee"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    # The first row for the permission is in the role × permission table (the rules table comes later).
    line = next(line for line in text.splitlines() if line.startswith(f"| `{perm}` | "))
    cells = [c.strip() for c in line.strip("|").split("|")]
    return dict(zip(columns, cells, strict=True))


def test_table_content_for_core_permissions():
    text = render()
    view_employee = _row(text, "core.view_employee")
    assert view_employee["HR"] == "✓"
    assert view_employee["Integrity coordinator"] == "✓"
    assert view_employee["Manager"] == "unit"  # object level: only their own units
    assert view_employee["Employee"] == "–"
    assert view_employee["Functional administrator"] == "–"
    assert view_employee["Auditor"] == "–"

    manage_roles = _row(text, "core.manage_roles")
    assert [role for role, cell in manage_roles.items() if cell == "✓"] == ["Functional administrator"]

    audit = _row(text, "core.view_audit_log")
    assert sorted(role for role, cell in audit.items() if cell == "✓") == ["Auditor", "Integrity coordinator"]
    assert "| unit | only for people in the units they manage" in text


def test_object_rules_alone_or_combined(monkeypatch):
    scopes = dict(SCOPES)  # keep the test scopes out of the real registry
    monkeypatch.setattr(object_rules, "SCOPES", scopes)
    monkeypatch.setattr(permissions_table, "SCOPES", scopes)

    @object_rule("test-own", "only their own test records")
    def is_own(user, obj):
        return obj is not None and obj.owner == user

    @object_rule("test-team", "only test records of their team", roles=[R.INVESTIGATOR])
    def in_team(user, obj):
        return obj is not None and obj.team == user

    assert "test-own" not in SCOPES
    either = is_hr | is_own | in_team
    both = is_own & in_team
    assert evaluate("t.either", either, R.HR) == ("✓", set())
    assert evaluate("t.either", either, R.EMPLOYEE) == ("test-own", {"test-own"})
    assert evaluate("t.either", either, R.INVESTIGATOR) == ("test-own, test-team", {"test-own", "test-team"})
    assert evaluate("t.both", both, R.INVESTIGATOR) == ("test-own + test-team", {"test-own", "test-team"})
    assert evaluate("t.both", both, R.EMPLOYEE) == ("–", set())
    # The wrapped predicates still answer for real objects.
    user = synthetic_user(R.EMPLOYEE)
    assert is_own.test(user, type("Obj", (), {"owner": user})())


def test_a_predicate_that_fails_without_an_object_is_named():
    @object_rule("unit", SCOPES["unit"].description, roles=[R.MANAGER])
    def careless(user, obj):
        return obj.unit == user

    ruleset = RuleSet()
    ruleset["test.careless"] = careless
    with pytest.raises(CommandError, match="test.careless.*without an object"):
        render(ruleset)


def test_an_undeclared_object_rule_cannot_hide_in_the_table():
    @rules.predicate
    def owns_it(user, obj):
        return obj is not None and obj.owner == user

    ruleset = RuleSet()
    ruleset["test.undeclared"] = has_role(R.HR) | owns_it
    with pytest.raises(CommandError, match="test.undeclared.*object_rule"):
        render(ruleset)
