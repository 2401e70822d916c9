"""Small-count suppression for the published report (docs/annual-report.md, "Privacy").

In every breakdown that could point to people, a count from 1 up to (not including) the threshold is replaced by
``None`` ("fewer than 5" on screen); zero stays visible. When exactly one cell of a breakdown is hidden, the
smallest other non-zero cell is hidden too, or a zero cell when all others are zero (secondary suppression), because
otherwise the hidden value follows from the published total by subtraction. Every hidden value's path is listed in ``data["privacy"]["suppressed"]``.

Totals (reports received, oaths taken) are not breakdowns and stay visible; so do counts about positions, which are
not people. Names never appear, except the public roles of the integrity structure.
"""

from __future__ import annotations

# Breakdowns whose cells are counts of people or of their cases: dotted path → the path of their total (or None).
DICT_BREAKDOWNS = (
    "reports.by_channel",
    "reports.by_category",
    "consultations.by_requester",
    "consultations.by_topic",
    "outside_activities.by_decision",
    "outside_activities.gifts_by_decision",
    "deliberation.themes",  # sessions per theme (when the moral deliberation app gives them)
)
# Groups of single figures that together split a published total: hiding one reveals nothing by subtraction.
FIGURE_GROUPS = (
    ("oath.oath", "oath.affirmation"),  # oath or affirmation: a personal conviction
)
# Single figures that are a part of a total and could point to people on their own.
SINGLE_FIGURES = (
    "reports.anonymous",
    "reports.substantiated",
)


def fewer_than(threshold: int) -> str:
    from django.utils.translation import gettext as _

    return _("fewer than %(n)d") % {"n": threshold}


def is_small(value, threshold: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


def _parent(data: dict, path: str) -> tuple[dict | None, str]:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None, parts[-1]
    return node, parts[-1]


def _hide_cells(cells: list[tuple[dict, str, str]], threshold: int, hidden: list[str]) -> None:
    """``cells``: (container, key, path). Hide the small ones, then one more when only one was hidden."""
    small = [c for c in cells if is_small(c[0][c[1]], threshold)]
    if len(small) == 1:
        others = [c for c in cells if c not in small and isinstance(c[0][c[1]], int)]
        # The smallest other non-zero cell; when every other cell is zero, a zero cell (else "total minus the zeros"
        # gives the hidden value away).
        nonzero = [c for c in others if c[0][c[1]] > 0]
        if nonzero or others:
            small.append(min(nonzero or others, key=lambda c: (c[0][c[1]], c[2])))
    for container, key, path in small:
        container[key] = None
        hidden.append(path)


def suppress(data: dict, threshold: int) -> dict:
    """Hide small counts in place (see the module docstring); returns ``data``."""
    hidden: list[str] = []
    for path in DICT_BREAKDOWNS:
        parent, key = _parent(data, path)
        breakdown = parent.get(key) if parent else None
        if isinstance(breakdown, dict):
            _hide_cells([(breakdown, k, f"{path}.{k}") for k in sorted(breakdown)], threshold, hidden)
    for group in FIGURE_GROUPS:
        cells = []
        for path in group:
            parent, key = _parent(data, path)
            if parent is not None and key in parent:
                cells.append((parent, key, path))
        _hide_cells(cells, threshold, hidden)
    for path in SINGLE_FIGURES:
        parent, key = _parent(data, path)
        if parent is not None and is_small(parent.get(key), threshold):
            parent[key] = None
            hidden.append(path)
    learning = data.get("learning") or {}
    events = learning.get("events") or []
    # Participants per kind of activity would reveal a hidden event's count by subtraction: not published.
    learning.pop("per_kind", None)
    _hide_cells(
        [(e, "participants", f"learning.events.{i}.participants") for i, e in enumerate(events)], threshold, hidden
    )
    data.setdefault("privacy", {})["threshold"] = threshold
    data["privacy"]["suppressed"] = hidden
    return data
