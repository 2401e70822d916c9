import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.forms import PleinFormMixin
from plein.dossiers import workflow
from plein.dossiers.models import Assignment, Investigation, OralRecord, Outcome, Referral, Stage
from plein.reports.forms import RevealIdentityForm
from plein.reports.models import Report

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choose(choices):
    return [("", _("Choose…")), *[(v, label) for v, label in choices if v]]


class TransitionForm(PleinFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"))
    why = forms.CharField(label=_("Why (only the team sees this)"), widget=forms.Textarea(attrs={"rows": 3}))
    investigation = forms.ChoiceField(
        label=_("Investigated by"),
        required=False,
        choices=_choose(Investigation.choices),
        help_text=_("Only when the case goes to investigation."),
    )
    external_agency = forms.CharField(
        label=_("External agency"),
        required=False,
        max_length=200,
        help_text=_("Only for an investigation by an external agency."),
    )
    referral = forms.ChoiceField(
        label=_("Referred to"),
        required=False,
        choices=_choose(Referral.choices),
        help_text=_("Only when the case is referred."),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Stage.choices)
        self.fields["to_stage"].choices = _choose([(t, labels[t]) for t in targets])


class LetterForm(PleinFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Factual summary of the report"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In your own words, without judgement. The reporter can correct it in the dialogue."),
    )
    next_steps = forms.CharField(
        label=_("Next steps"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=_("We will assess your report and let you know whether it will be investigated."),
    )


class NoteForm(PleinFormMixin, forms.Form):
    text = forms.CharField(label=_("Note (only the team sees this)"), widget=forms.Textarea(attrs={"rows": 3}))


class ClassifyForm(PleinFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _choose([(c.code, c.label) for c in categories])


class DecisionForm(PleinFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_choose(Outcome.choices))
    decision_maker = forms.TypedChoiceField(label=_("Decision-maker"), coerce=int)
    measures = forms.CharField(
        label=_("Measures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Encrypted; only the team sees them."),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_maker"].choices = _choose(people)


class ExtensionForm(PleinFormMixin, forms.Form):
    until = forms.DateField(label=_("New feedback deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(PleinFormMixin, forms.Form):
    user = forms.TypedChoiceField(label=_("Team member"), coerce=int)
    kind = forms.ChoiceField(label=_("As"), choices=_choose(Assignment.Kind.choices))
    stands_in_for = forms.TypedChoiceField(
        label=_("Stands in for"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Only for a stand-in during absence."),
    )
    until = forms.DateField(label=_("Until"), required=False, widget=DATE, help_text=_("Only for a stand-in."))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _choose(people)
        self.fields["stands_in_for"].choices = _choose(people)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Assignment.Kind.STAND_IN:
            if not data.get("stands_in_for"):
                self.add_error("stands_in_for", _("Choose for whom they stand in."))
            if not data.get("until"):
                self.add_error("until", _("Choose until when."))
        return data


class ExcludeForm(PleinFormMixin, forms.Form):
    user = forms.TypedChoiceField(label=_("Team member to exclude"), coerce=int)
    confirm = forms.BooleanField(
        label=_("I understand that this person loses access to this case for good."), required=True
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _choose(people)


class OralRecordForm(PleinFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Received by"), choices=_choose(OralRecord.Kind.choices))
    held_on = forms.DateField(label=_("Date of the conversation"), widget=DATE)
    text = forms.CharField(label=_("Transcript or minutes"), widget=forms.Textarea(attrs={"rows": 8}))

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The conversation cannot be in the future."))
        return value


class OralReportForm(OralRecordForm):
    channel = forms.ChoiceField(label=_("Channel"))
    mode = forms.ChoiceField(label=_("Way of reporting"), choices=_choose(Report.Mode.choices))
    name = forms.CharField(label=_("Reporter's name"), required=False, max_length=200)
    contact = forms.CharField(label=_("How to reach the reporter"), required=False, max_length=200)

    field_order = ["channel", "mode", "name", "contact", "kind", "held_on", "text"]

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _choose([(c.code, c.name) for c in channels])

    def clean(self):
        data = super().clean()
        if data.get("mode") in (Report.Mode.NAMED, Report.Mode.CONFIDENTIAL) and not (data.get("name") or "").strip():
            self.add_error("name", _("Fill in the reporter's name, or choose anonymous."))
        return data

    def identity(self) -> dict | None:
        if self.cleaned_data["mode"] == Report.Mode.ANONYMOUS:
            return None
        return {"name": self.cleaned_data["name"].strip(), "phone": self.cleaned_data.get("contact", "").strip()}


class OralVersionForm(PleinFormMixin, forms.Form):
    text = forms.CharField(label=_("Corrected transcript or minutes"), widget=forms.Textarea(attrs={"rows": 8}))


class RevealRequestForm(RevealIdentityForm):
    explanation = forms.CharField(label=_("Explain to your colleague why"), widget=forms.Textarea(attrs={"rows": 3}))


class RevealDecisionForm(PleinFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("", _("Choose…")),
            ("approve", _("Approve: the requester may see the identity")),
            ("reject", _("Refuse")),
            ("ask_reporter", _("Ask the reporter for consent instead")),
        ],
    )


class ReporterCorrectionForm(PleinFormMixin, forms.Form):
    text = forms.CharField(label=_("What should be corrected?"), widget=forms.Textarea(attrs={"rows": 4}))


class WorkflowForm(PleinFormMixin, forms.Form):
    acknowledgement_days = forms.IntegerField(
        label=_("Days to confirm receipt"),
        required=False,
        min_value=1,
        max_value=7,
        help_text=_("Empty: the organisation's default. The law allows at most 7 days."),
    )
    feedback_months = forms.IntegerField(
        label=_("Months to give feedback"),
        required=False,
        min_value=1,
        max_value=3,
        help_text=_("Empty: the organisation's default. The law allows at most 3 months."),
    )
    acknowledgement_reminder_days = forms.IntegerField(
        label=_("Remind this many days before the receipt deadline"), min_value=0, max_value=7
    )
    feedback_reminder_days = forms.IntegerField(
        label=_("Remind this many days before the feedback deadline"), min_value=0, max_value=60
    )
    max_extension_months = forms.IntegerField(label=_("Longest extension (months)"), min_value=1, max_value=3)
    regulation_url = forms.URLField(label=_("Regulation (web address)"), required=False, assume_scheme="https")
    transitions = forms.CharField(
        label=_("Stages and who may move a case (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("Empty: the default workflow. A table from stage to next stage to the roles that may move it."),
    )

    def clean_transitions(self):
        text = (self.cleaned_data.get("transitions") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("This is not valid JSON (line %(line)d, column %(col)d).") % {"line": exc.lineno, "col": exc.colno}
            ) from exc
        return workflow.validate_transitions(value)


class CategoriesForm(PleinFormMixin, forms.Form):
    lines = forms.CharField(
        label=_("Categories, one per line: code | name"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_("Keep the codes stable: statistics and exports use them. A code left out is no longer offered."),
    )

    def clean_lines(self):
        rows, errors = [], []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, label = (part.strip() for part in line.partition("|"))
            if not sep or not code or not label:
                errors.append(_("Line %(n)d: write it as code | name.") % {"n": number})
            elif not code.replace("_", "").replace("-", "").isalnum() or len(code) > 60:
                errors.append(_("Line %(n)d: a code has only letters, digits, - and _.") % {"n": number})
            else:
                rows.append((code.lower(), label[:200]))
        if errors:
            raise ValidationError(errors)
        if not rows:
            raise ValidationError(_("Give at least one category."))
        return rows
