"""The default workflow and the per-channel configuration: which stage may follow which, and who may move a case.

A channel's ``ChannelWorkflow.transitions`` replaces the defaults below when it is not empty. Role codes are those of
``plein.core.roles``; the acting person must also be in the case's team (hold the report key).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.core import roles as R
from plein.dossiers.models import ChannelWorkflow, Stage

S = Stage
IC, CVP, INV, CA = R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY

DEFAULT_TRANSITIONS: dict[str, dict[str, list[str]]] = {
    S.ONTVANGEN: {
        S.ONTVANGSTBEVESTIGING: [IC, CVP, CA],
        S.DOORVERWEZEN: [IC, CA],
        S.NIET_ONTVANKELIJK: [IC, CA],
    },
    S.ONTVANGSTBEVESTIGING: {
        S.BEOORDELING: [IC, CVP, CA],
        S.DOORVERWEZEN: [IC, CA],
        S.NIET_ONTVANKELIJK: [IC, CA],
    },
    S.BEOORDELING: {
        S.ONDERZOEK: [IC, CA],
        S.BESLUIT: [IC, CA],
        S.DOORVERWEZEN: [IC, CA],
        S.NIET_ONTVANKELIJK: [IC, CA],
    },
    S.ONDERZOEK: {S.BESLUIT: [IC, INV, CA], S.DOORVERWEZEN: [IC, CA]},
    S.BESLUIT: {S.TERUGKOPPELING: [IC, CA], S.ONDERZOEK: [IC, CA]},
    S.TERUGKOPPELING: {S.AFGESLOTEN: [IC, CVP, CA]},
    S.AFGESLOTEN: {},
    S.DOORVERWEZEN: {},
    S.NIET_ONTVANKELIJK: {},
}

# The stage a case enters only by confirming receipt (the acknowledgement letter), never by a plain move.
ACKNOWLEDGEMENT_STAGE = S.ONTVANGSTBEVESTIGING

# Who records the decision (outcome, measures, decision-maker).
DECISION_ROLES = (IC, CA)

# The default violation categories (issue 5): stable codes, labels translatable.
DEFAULT_CATEGORIES: list[tuple[str, object]] = [
    ("financieel", gettext_lazy("Financial misconduct (theft, fraud, embezzlement)")),
    ("corruptie_geschenken", gettext_lazy("Corruption and gifts")),
    ("belangenverstrengeling", gettext_lazy("Conflict of interest, mixing private and business interests")),
    ("misbruik_positie", gettext_lazy("Misuse of position or powers")),
    ("informatie", gettext_lazy("Leaking or misuse of information")),
    ("misbruik_middelen", gettext_lazy("Misuse of resources")),
    ("ongewenst_gedrag", gettext_lazy("Undesirable behaviour")),
    ("prive_gedrag", gettext_lazy("Misconduct in private time")),
    ("overig", gettext_lazy("Other")),
]


def workflow_of(channel) -> ChannelWorkflow:
    """The channel's saved configuration, or an unsaved one with the defaults."""
    try:
        return channel.workflow
    except ChannelWorkflow.DoesNotExist:
        return ChannelWorkflow(channel=channel)


def transitions_of(channel) -> dict[str, dict[str, list[str]]]:
    config = workflow_of(channel)
    return config.transitions or DEFAULT_TRANSITIONS


def acknowledgement_days(channel) -> int:
    config = workflow_of(channel)
    return config.acknowledgement_days or int(settings.PLEIN["ACKNOWLEDGEMENT_DAYS"])


def feedback_months(channel) -> int:
    config = workflow_of(channel)
    return config.feedback_months or int(settings.PLEIN["FEEDBACK_MONTHS"])


def regulation_url(channel) -> str:
    return workflow_of(channel).regulation_url or settings.PLEIN.get("DOSSIERS_REGULATION_URL", "")


def validate_transitions(value) -> dict[str, dict[str, list[str]]]:
    """Check a transitions table: known stages and roles only, and every stage reachable from ``ontvangen``."""
    if not value:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(_("The transitions must be a table of stages."), code="shape")
    handler_roles = {IC, CVP, INV, CA}
    clean: dict[str, dict[str, list[str]]] = {}
    for source, targets in value.items():
        if source not in Stage.values:
            raise ValidationError(_("Unknown stage: %(stage)s.") % {"stage": source}, code="stage")
        if not isinstance(targets, dict):
            raise ValidationError(_("The transitions must be a table of stages."), code="shape")
        clean[source] = {}
        for target, roles in targets.items():
            if target not in Stage.values or target == source:
                raise ValidationError(_("Unknown stage: %(stage)s.") % {"stage": target}, code="stage")
            if not isinstance(roles, list) or not roles or any(r not in handler_roles for r in roles):
                raise ValidationError(
                    _("Give the handling roles that may move a case from %(a)s to %(b)s.") % {"a": source, "b": target},
                    code="roles",
                )
            clean[source][target] = list(dict.fromkeys(roles))
    reachable, todo = {S.ONTVANGEN.value}, [S.ONTVANGEN.value]
    while todo:
        for target in clean.get(todo.pop(), {}):
            if target not in reachable:
                reachable.add(target)
                todo.append(target)
    if S.AFGESLOTEN.value not in reachable:
        raise ValidationError(_("A case must be able to reach the stage 'afgesloten'."), code="unreachable")
    if ACKNOWLEDGEMENT_STAGE.value not in clean.get(S.ONTVANGEN.value, {}):
        raise ValidationError(_("A case must be able to go from 'ontvangen' to 'ontvangstbevestiging'."), code="ack")
    return clean
