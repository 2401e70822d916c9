"""What this app needs from other apps, read only through their selectors.

The new-hire checklist shows whether a person has taken the oath (``plein.oaths``: ``obligation_population`` and
``annotate_obligations``) and whether they have made the financial-interests declaration (``plein.declarations``). When the other app offers no selector for it, the status is
``None``: the pages then say "unknown" with a clear label, instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence

from django.db.models import QuerySet

from plein.core.models import Employee, Organisation

# The declarations app's selector looked for, in order: it takes the organisation and returns the employees (or
# their ids, as a queryset) whose financial-interests declaration is made, so that a whole page is one query.
DECLARATION_SELECTORS = ("employees_with_financial_interests_declared", "financial_interests_declared_employee_ids")


def _selectors(app: str):
    name = f"plein.{app}.selectors"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _first(module, names: Sequence[str]):
    for name in names:
        fn = getattr(module, name, None) if module is not None else None
        if callable(fn):
            return fn
    return None


def oath_statuses(organisation: Organisation, employee_ids: Sequence[int], today: dt.date) -> dict[int, str] | None:
    """Employee id → "done", "open" (not yet due), "missing" (overdue) or "not_needed" (no oath obligation), from the
    oaths app's selectors in one query; ``None`` when that app offers no such selector (the status is then unknown)."""
    module = _selectors("oaths")
    annotate = getattr(module, "annotate_obligations", None)
    population = getattr(module, "obligation_population", None)
    if not (callable(annotate) and callable(population)):
        return None
    mapping = {
        getattr(module, "STATUS_DONE", "done"): "done",
        getattr(module, "STATUS_DUE", "due"): "open",
        getattr(module, "STATUS_OVERDUE", "overdue"): "missing",
    }
    ids = list(employee_ids)
    if not ids:
        return {}
    rows = annotate(population(organisation, on=today).filter(pk__in=ids), today=today).values_list("pk", "oath_status")
    statuses = {pk: mapping.get(status, "missing") for pk, status in rows}
    return {pk: statuses.get(pk, "not_needed") for pk in ids}


def financial_interests_declared_ids(organisation: Organisation) -> QuerySet | None:
    """A queryset of the employees (by ``pk``) who have made their financial-interests declaration, from the
    declarations app's selectors; ``None`` when that app offers no such selector (the status is then unknown)."""
    fn = _first(_selectors("declarations"), DECLARATION_SELECTORS)
    if fn is None:
        return None
    return Employee.objects.filter(organisation=organisation, pk__in=fn(organisation))
