"""Reads of the consultations register (query-count aware) and its figures for the annual report.

Other apps read the register only through ``annual_figures`` / ``consultation_figures`` and ``topic_count``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from plein.consultations.defaults import OUTSIDE_ACTIVITIES_TOPIC
from plein.consultations.models import (
    Action,
    Consultation,
    ConsultationEvent,
    ConsultationSettings,
    Requester,
    Topic,
)
from plein.core import roles as R
from plein.core.models import Organisation, User
from plein.core.selectors import user_roles

_ROLE_PREFERENCE = (R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER)


def acting_role(user: User | None) -> str:
    """The role in which ``user`` acts here, for the audit log."""
    if user is None:
        return ""
    roles = user_roles(user)
    return next((code for code in _ROLE_PREFERENCE if code in roles), "")


def settings_for(organisation: Organisation) -> ConsultationSettings:
    """The organisation's settings; an unsaved default (no name field) when none are stored."""
    found = ConsultationSettings.objects.filter(organisation=organisation).first()
    return found or ConsultationSettings(organisation=organisation)


def topics(organisation: Organisation, *, active_only: bool = False) -> QuerySet[Topic]:
    qs = Topic.objects.filter(organisation=organisation)
    return qs.filter(is_active=True) if active_only else qs


def actions(organisation: Organisation, *, active_only: bool = False) -> QuerySet[Action]:
    qs = Action.objects.filter(organisation=organisation)
    return qs.filter(is_active=True) if active_only else qs


def list_entry(organisation: Organisation, kind: str, pk: int):
    model = Topic if kind == "topic" else Action
    return model.objects.filter(organisation=organisation, pk=pk).first()


# --- records, need-to-know -------------------------------------------------------------------------------------------


def visible_to(user: User, organisation: Organisation) -> QuerySet[Consultation]:
    """The records ``user`` may see: the integrity coordinator all of the organisation's, a confidential adviser
    only the ones they recorded themselves, anyone else none."""
    roles = user_roles(user)
    qs = Consultation.objects.current().filter(organisation=organisation)
    if R.INTEGRITY_COORDINATOR in roles:
        return qs
    if R.CONFIDENTIAL_ADVISER in roles:
        return qs.filter(handler=user)
    return qs.none()


def consultation(organisation: Organisation, pk: int) -> Consultation | None:
    """One record of the organisation (also a removed one), for the permission check."""
    return (
        Consultation.objects.filter(organisation=organisation, pk=pk)
        .select_related("topic", "action", "handler")
        .first()
    )


def history(item: Consultation) -> list[ConsultationEvent]:
    return list(ConsultationEvent.objects.filter(consultation=item).order_by("occurred_at", "pk"))


def filter_consultations(
    qs: QuerySet[Consultation],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    requester: str = "",
    topic: Topic | None = None,
    action: Action | None = None,
    handler: User | None = None,
) -> QuerySet[Consultation]:
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if requester:
        qs = qs.filter(requester=requester)
    if topic is not None:
        qs = qs.filter(topic=topic)
    if action is not None:
        qs = qs.filter(action=action)
    if handler is not None:
        qs = qs.filter(handler=handler)
    return qs


def with_relations(qs: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return qs.select_related("topic", "action", "handler", "handler__employee").order_by("-date", "-pk")


def handlers(organisation: Organisation) -> QuerySet[User]:
    """Accounts that handled at least one record of the organisation, for the handler filter."""
    ids = Consultation.objects.current().filter(organisation=organisation).values("handler_id")
    return User.objects.filter(pk__in=ids).order_by("display_name", "email")


# --- export ----------------------------------------------------------------------------------------------------------

EXPORT_HEADERS = ["datum", "vrager", "onderwerp", "afhandeling", "behandelaar", "notitie"]
NAME_HEADER = "naam"


def export_headers(organisation: Organisation) -> list[str]:
    """The import's column names (plus the note, and the name only when names are recorded)."""
    headers = list(EXPORT_HEADERS)
    if settings_for(organisation).record_names:
        headers.append(NAME_HEADER)
    return headers


def export_rows(qs: QuerySet[Consultation], organisation: Organisation) -> list[list]:
    """One row per record with the same codes as the import; the handler as their personnel number (or the
    e-mail address of an account without an employee record)."""
    names = settings_for(organisation).record_names
    rows = []
    for item in with_relations(qs).order_by("date", "pk"):
        handler = ""
        if item.handler is not None:
            employee = getattr(item.handler, "employee", None)
            handler = employee.personnel_number if employee is not None else item.handler.email
        row = [item.date, item.requester, item.topic.code, item.action.code, handler, item.note]
        if names:
            row.append(item.asker_name)
        rows.append(row)
    return rows


# --- figures ---------------------------------------------------------------------------------------------------------


def annual_figures(organisation: Organisation, year: int) -> dict:
    """The register's figures for ``year``: a record counts in the year its date falls in; removed records never.

    ``{"total": int, "by_requester": {"medewerker", "leidinggevende", "extern"}, "by_topic": {code: int},
    "topic_names": {code: label}, "by_action": {code: int}, "action_names": {code: label}}``. Every topic and action
    of the organisation is listed, with 0 when it did not occur; labels are in the active language.
    """
    qs = (
        Consultation.objects.current()
        .filter(organisation=organisation, date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        .order_by()
    )
    by_requester = dict.fromkeys(Requester.values, 0)
    for row in qs.values("requester").annotate(n=Count("pk")):
        by_requester[row["requester"]] = row["n"]
    topic_list = list(topics(organisation))
    action_list = list(actions(organisation))
    by_topic = {t.code: 0 for t in topic_list}
    for row in qs.values("topic__code").annotate(n=Count("pk")):
        by_topic[row["topic__code"]] = row["n"]
    by_action = {a.code: 0 for a in action_list}
    for row in qs.values("action__code").annotate(n=Count("pk")):
        by_action[row["action__code"]] = row["n"]
    return {
        "total": sum(by_requester.values()),
        "by_requester": by_requester,
        "by_topic": by_topic,
        "topic_names": {t.code: t.label for t in topic_list},
        "by_action": by_action,
        "action_names": {a.code: a.label for a in action_list},
    }


# The name the annual report also looks for.
consultation_figures = annual_figures


def topic_count(organisation: Organisation, year: int, code: str) -> int:
    """Consultations dated in ``year`` about the topic ``code`` (0 when the topic does not exist)."""
    return (
        Consultation.objects.current()
        .filter(
            organisation=organisation,
            topic__code=code,
            date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        )
        .count()
    )


def figure_years(organisation: Organisation) -> list[int]:
    dates = Consultation.objects.current().filter(organisation=organisation).dates("date", "year")
    return sorted({d.year for d in dates}, reverse=True)


def outside_activity_consultations(organisation: Organisation, year: int) -> int:
    """Consultations dated in ``year`` about outside activities (the topic ``nevenfuncties``), for the declarations'
    figures (issue 8, item 7)."""
    return topic_count(organisation, year, OUTSIDE_ACTIVITIES_TOPIC)
