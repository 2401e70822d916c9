"""Object-level ``rules`` predicates that declare their scope, so that ``docs/permissions.md`` can show them.

Some permissions depend on the object: a manager may view an employee only when that employee is in a unit they
manage. Without an object such a predicate cannot answer, so a role × permission table would show "never" where the
truth is "for their own unit". Declare the predicate with ``object_rule`` instead of ``rules.predicate``::

    @object_rule("unit", "only for people in the units they manage", roles=[R.MANAGER])
    def manages_employee(user, employee) -> bool:
        ...

``label`` is what the table shows; ``description`` goes in the legend; ``roles`` lists the roles for which the
predicate can ever be true (``None``: any role, as for "own records"). ``./plein permissions_table`` evaluates
every permission with a ``RoleProbe`` as the object. A declared predicate answers the probe from its declaration.
An undeclared predicate that touches the probe raises ``UndeclaredObjectRule``, so that the table cannot silently
show "never" for a permission that depends on the object.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import rules
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ObjectScope:
    label: str
    description: str
    roles: frozenset[str] | None


# Every declared scope by label, for the legend of the permissions table.
SCOPES: dict[str, ObjectScope] = {}


class UndeclaredObjectRule(Exception):
    """An object-level predicate was evaluated for the permissions table without declaring its scope."""


class RoleProbe:
    """Stands in for "some object" when the permissions table evaluates a permission for one role.

    A declared predicate says yes when its scope applies to ``role`` and its label is ``enabled``; every label that
    said yes is collected in ``hits``.
    """

    __slots__ = ("role", "enabled", "hits")

    def __init__(self, role: str, enabled: Iterable[str]) -> None:
        self.role = role
        self.enabled = frozenset(enabled)
        self.hits: set[str] = set()

    def consult(self, scope: ObjectScope) -> bool:
        if scope.roles is not None and self.role not in scope.roles:
            return False
        if scope.label not in self.enabled:
            return False
        self.hits.add(scope.label)
        return True

    def __getattr__(self, name: str):
        raise UndeclaredObjectRule(
            f"an object-level predicate read .{name} of the object; declare it with plein.core.object_rules.object_rule"
        )

    def __eq__(self, other) -> bool:
        raise UndeclaredObjectRule(
            "an object-level predicate compared the object; declare it with plein.core.object_rules.object_rule"
        )

    __hash__ = object.__hash__


def object_rule(label: str, description: str, *, roles: Iterable[str] | None = None) -> Callable:
    """Turn ``fn(user, obj)`` into a ``rules`` predicate with a declared scope (see the module docstring)."""
    scope = ObjectScope(label, description, frozenset(roles) if roles is not None else None)
    known = SCOPES.get(label)
    if known is not None and known.description != description:
        raise ImproperlyConfigured(f"Object scope {label!r} is declared twice with different descriptions.")
    if known is not None and known.roles != scope.roles:
        # One label, one meaning in the table: widen the declared roles instead of hiding the difference.
        raise ImproperlyConfigured(f"Object scope {label!r} is declared twice with different roles.")
    SCOPES[label] = scope

    def decorate(fn: Callable) -> rules.Predicate:
        @functools.wraps(fn)
        def predicate(user, obj):
            if isinstance(obj, RoleProbe):
                return obj.consult(scope)
            return fn(user, obj)

        pred = rules.predicate(predicate, name=fn.__name__)
        pred.object_scope = scope
        return pred

    return decorate
