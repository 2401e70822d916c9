"""A channel's questionnaire: a JSON list of questions, validated with clear messages.

Each question is ``{"key", "label", "help", "type", "required", "choices"}`` with ``type`` one of ``text``,
``textarea``, ``choice`` or ``date``; ``choices`` (a list of texts) only for ``choice``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TYPES = ("text", "textarea", "choice", "date")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_QUESTIONS = 40


def validate_questionnaire(value) -> list[dict]:
    """The normalised questionnaire, or ``ValidationError`` listing every problem (question numbers from 1)."""
    if not isinstance(value, list):
        raise ValidationError(_("The questionnaire must be a list of questions."), code="not_a_list")
    if not value:
        raise ValidationError(_("The questionnaire needs at least one question."), code="empty")
    if len(value) > MAX_QUESTIONS:
        raise ValidationError(_("A questionnaire can have at most %(n)d questions.") % {"n": MAX_QUESTIONS})
    errors: list[str] = []
    seen: set[str] = set()
    out: list[dict] = []
    for number, question in enumerate(value, start=1):
        if not isinstance(question, dict):
            errors.append(_("Question %(n)d is not an object with key, label and type.") % {"n": number})
            continue
        key = question.get("key")
        label = question.get("label")
        kind = question.get("type", "text")
        if not isinstance(key, str) or not _KEY.match(key):
            errors.append(
                _("Question %(n)d: the key must start with a letter and hold only a-z, 0-9 and _ (at most 40).")
                % {"n": number}
            )
        elif key in seen:
            errors.append(_("Question %(n)d: the key “%(key)s” is used twice.") % {"n": number, "key": key})
        else:
            seen.add(key)
        if not isinstance(label, str) or not label.strip() or len(label) > 300:
            errors.append(_("Question %(n)d needs a label of at most 300 characters.") % {"n": number})
        if kind not in TYPES:
            errors.append(
                _("Question %(n)d: the type must be one of %(types)s.") % {"n": number, "types": ", ".join(TYPES)}
            )
        choices = question.get("choices") or []
        if kind == "choice":
            if (
                not isinstance(choices, list)
                or len(choices) < 2
                or not all(isinstance(c, str) and c.strip() for c in choices)
            ):
                errors.append(_("Question %(n)d: a choice needs at least two options.") % {"n": number})
        elif choices:
            errors.append(_("Question %(n)d: only a choice question has options.") % {"n": number})
        help_text = question.get("help", "")
        if not isinstance(help_text, str) or len(help_text) > 1000:
            errors.append(_("Question %(n)d: the help text must be text of at most 1000 characters.") % {"n": number})
        required = question.get("required", False)
        if not isinstance(required, bool):
            errors.append(_("Question %(n)d: required must be true or false.") % {"n": number})
        out.append(
            {
                "key": key,
                "label": (label or "").strip() if isinstance(label, str) else "",
                "help": help_text if isinstance(help_text, str) else "",
                "type": kind,
                "required": bool(required),
                "choices": [c.strip() for c in choices] if kind == "choice" and isinstance(choices, list) else [],
            }
        )
    if not any(q["required"] for q in out if isinstance(q, dict)):
        errors.append(_("At least one question must be required, so that a report is never empty."))
    if errors:
        raise ValidationError(errors)
    return out


# The questions every demo channel starts with; the functional administrator can change them per channel.
DEFAULT_QUESTIONNAIRE = [
    {
        "key": "wat",
        "label": "Wat is er gebeurd?",
        "help": "Beschrijf wat u heeft gezien of gehoord. Schrijf feiten op, zo precies als u kunt.",
        "type": "textarea",
        "required": True,
        "choices": [],
    },
    {
        "key": "wanneer",
        "label": "Wanneer is het gebeurd?",
        "help": "Een datum, of ongeveer. Gebeurt het nog steeds? Zeg dat dan ook bij de vorige vraag.",
        "type": "date",
        "required": False,
        "choices": [],
    },
    {
        "key": "waar",
        "label": "Waar is het gebeurd?",
        "help": "Bijvoorbeeld de afdeling, het project of de locatie.",
        "type": "text",
        "required": False,
        "choices": [],
    },
    {
        "key": "wie",
        "label": "Wie zijn erbij betrokken?",
        "help": "Namen of functies van de mensen om wie het gaat, en van mensen die het ook weten.",
        "type": "textarea",
        "required": False,
        "choices": [],
    },
    {
        "key": "eerder_gemeld",
        "label": "Heeft u dit al eerder gemeld?",
        "help": "",
        "type": "choice",
        "required": False,
        "choices": ["Nee", "Ja, bij mijn leidinggevende", "Ja, ergens anders", "Weet ik niet"],
    },
]
