"""Forms of moral deliberation. They check what a person typed; the rules of the domain are in ``services.py``."""

import re
from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.forms import PleinFormMixin
from plein.core.models import Employee, OrgUnit
from plein.deliberation.models import (
    Capture,
    DeliberationRequest,
    Facilitator,
    Fact,
    LibraryEntry,
    MethodVersion,
    Option,
    Participant,
    Theme,
    ValueNorm,
)
from plein.deliberation.selectors import USE_CEREMONIES, USE_TRAININGS


class DeliberationForm(PleinFormMixin):
    """The server checks every field and says what is missing; the browser's own required marking is switched off.

    An error that a view adds after validation (``form.add_error``, for example a refused join code) is linked to its
    field for assistive technology too, as ``PleinFormMixin.full_clean`` does for the others."""

    use_required_attribute = False

    def add_error(self, field, error):
        super().add_error(field, error)
        if field is None or field not in self.fields or field not in self.errors:
            return
        widget = self.fields[field].widget
        widget.attrs["aria-invalid"] = "true"
        ids = widget.attrs.get("aria-describedby", "").split()
        error_id = f"{self[field].auto_id}_errors"
        if error_id not in ids:
            widget.attrs["aria-describedby"] = " ".join([*ids, error_id])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _units(organisation):
    return OrgUnit.objects.filter(organisation=organisation).order_by("path")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.path


# --- requests -------------------------------------------------------------------------------------------------------


class RequestForm(DeliberationForm, forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=[("", _("Choose a theme")), *Theme.choices])
    situation = forms.CharField(
        label=_("What is the situation?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe the question or the situation in a few sentences. Only the integrity coordinator and the "
            "facilitators of your session read this."
        ),
    )
    team = UnitChoiceField(label=_("Team"), queryset=OrgUnit.objects.none(), required=False)
    team_description = forms.CharField(
        label=_("Or another group"),
        max_length=200,
        required=False,
        help_text=_("For example a project group. Leave empty if you chose a team."),
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=DeliberationRequest.Urgency.choices,
        initial=DeliberationRequest.Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    preferred_dates = forms.CharField(
        label=_("Preferred dates"),
        max_length=500,
        required=False,
        help_text=_("For example: Tuesday mornings, or the week of 10 March."),
    )
    expected_participants = forms.IntegerField(
        label=_("About how many participants?"), min_value=1, max_value=200, required=False
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _units(organisation)
        self.fields["team"].empty_label = _("No team / another group")


class DeclineForm(DeliberationForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person who asked reads this. For example: this is a question for the confidential adviser."),
    )


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if obj.training_status == Facilitator.Training.IN_TRAINING:
            return _("%(name)s (in training)") % {"name": obj.employee.full_name}
        return obj.employee.full_name


class MethodVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (v{obj.number})"


class PlanForm(DeliberationForm, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("No names and no details of the case: the coordinator sees the title in the overview."),
    )
    facilitators = FacilitatorChoiceField(
        label=_("Facilitators"),
        queryset=Facilitator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or two."),
    )
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    method_version = MethodVersionChoiceField(label=_("Method"), queryset=None, empty_label=None)
    theme = forms.ChoiceField(label=_("Theme"), choices=[("", _("Choose a theme")), *Theme.choices])
    team = UnitChoiceField(label=_("Team"), queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args, facilitators=None, versions=None, with_theme=False, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = facilitators
        self.fields["method_version"].queryset = MethodVersion.objects.filter(pk__in=[v.pk for v in versions or []])
        if with_theme:
            self.fields["team"].queryset = _units(organisation)
            self.fields["team"].empty_label = _("No team")
        else:
            del self.fields["theme"]
            del self.fields["team"]

    def clean_facilitators(self):
        chosen = self.cleaned_data["facilitators"]
        if not 1 <= len(chosen) <= 2:
            raise forms.ValidationError(_("Choose one or two facilitators."))
        return chosen

    def scheduled_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["day"], data["start_time"]))


class InviteForm(DeliberationForm, forms.Form):
    people = forms.CharField(
        label=_("Personnel numbers or e-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, or separated by commas."),
    )
    whole_team = forms.BooleanField(label=_("Invite everyone in the team of this session"), required=False)

    def __init__(self, *args, organisation=None, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.team = team
        if team is None:
            del self.fields["whole_team"]

    def clean(self):
        data = super().clean()
        tokens = [t for t in re.split(r"[\s,;]+", data.get("people") or "") if t]
        employees, unknown = [], []
        base = Employee.objects.filter(organisation=self.organisation).in_service()
        for token in tokens:
            lookup = {"email__iexact": token} if "@" in token else {"personnel_number": token}
            found = base.filter(**lookup).first()
            (employees.append(found) if found else unknown.append(token))
        if unknown:
            raise forms.ValidationError(
                _("These are not known as current employees: %(list)s. Check the numbers or addresses.")
                % {"list": ", ".join(unknown)}
            )
        if data.get("whole_team") and self.team is not None:
            employees += list(base.filter(self.team.subtree_q("unit__")).order_by("last_name", "pk"))
        if not employees:
            raise forms.ValidationError(_("Enter at least one personnel number or e-mail address."))
        data["employees"] = employees
        return data


# --- facilitators ---------------------------------------------------------------------------------------------------


class FacilitatorForm(DeliberationForm, forms.Form):
    personnel_number = forms.CharField(label=_("Personnel number"), max_length=30)
    training_status = forms.ChoiceField(
        label=_("Training"), choices=Facilitator.Training.choices, widget=forms.RadioSelect
    )
    training_started_on = forms.DateField(label=_("Training started on"), widget=DateInput())
    certified_on = forms.DateField(
        label=_("Certified on"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty while the training is still going on."),
    )
    available = forms.BooleanField(label=_("Available for new sessions"), required=False, initial=True)
    availability = forms.CharField(
        label=_("Availability"),
        max_length=300,
        required=False,
        help_text=_("For example: Tuesdays and Thursdays, not in July."),
    )
    stopped_on = forms.DateField(
        label=_("Stopped on"),
        widget=DateInput(),
        required=False,
        help_text=_("Fill in when this person no longer leads sessions."),
    )

    def __init__(self, *args, organisation=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if editing:
            del self.fields["personnel_number"]
        else:
            del self.fields["stopped_on"]

    def clean_personnel_number(self):
        number = self.cleaned_data["personnel_number"].strip()
        employee = Employee.objects.filter(organisation=self.organisation, personnel_number=number).first()
        if employee is None:
            raise forms.ValidationError(_("There is no employee with this personnel number."))
        self.cleaned_data["employee"] = employee
        return number


class AvailabilityForm(DeliberationForm, forms.Form):
    available = forms.BooleanField(label=_("Available for new sessions"), required=False)
    availability = forms.CharField(
        label=_("Availability"),
        max_length=300,
        required=False,
        help_text=_("For example: Tuesdays and Thursdays, not in July."),
    )


# --- methods --------------------------------------------------------------------------------------------------------


class MethodForm(DeliberationForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    summary = forms.CharField(label=_("What it is"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    suited_for = forms.CharField(label=_("Suited for"), max_length=300, required=False)
    duration_minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=5, max_value=600, required=False)
    change_note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("A short note for the version history."),
    )

    def __init__(self, *args, changing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not changing:
            del self.fields["change_note"]


class StepForm(DeliberationForm, forms.Form):
    title = forms.CharField(label=_("Title of the step"), max_length=200, required=False)
    instruction = forms.CharField(
        label=_("Instruction for the facilitator"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    questions = forms.CharField(
        label=_("Guiding questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One question per line."),
    )
    captures = forms.MultipleChoiceField(
        label=_("What is recorded at this step"),
        choices=Capture.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("title", "instruction", "questions", "captures"))


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.has_content() and not self._should_delete_form(f)]
        for form in kept:
            if not form.cleaned_data.get("title"):
                raise forms.ValidationError(
                    _("Step %(n)d has text but no title. Give every step a title, or empty it.")
                    % {"n": self.forms.index(form) + 1}
                )
        if not kept:
            raise forms.ValidationError(_("A method needs at least one step."))

    def specs(self):
        from plein.deliberation.services import StepSpec

        return [
            StepSpec(
                title=f.cleaned_data["title"],
                instruction=f.cleaned_data.get("instruction", ""),
                questions=f.cleaned_data.get("questions", ""),
                captures=list(f.cleaned_data.get("captures") or []),
            )
            for f in self.forms
            if f.has_content() and not self._should_delete_form(f)
        ]


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=2, can_delete=True, max_num=30)


# --- the session record ---------------------------------------------------------------------------------------------


class JoinForm(DeliberationForm, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The code of six letters and numbers on the screen of the facilitator."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class StepNumberForm(forms.Form):
    number = forms.IntegerField(min_value=1, max_value=100)


class TextForm(DeliberationForm, forms.Form):
    text = forms.CharField(label=_("Text"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class DilemmaForm(DeliberationForm, forms.Form):
    question = forms.CharField(
        label=_("The dilemma in one question"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    option_a = forms.CharField(label=_("Option A"), required=False, max_length=300)
    cost_a = forms.CharField(
        label=_("What A costs"), required=False, max_length=500, help_text=_("The damage if you choose A.")
    )
    option_b = forms.CharField(label=_("Option B"), required=False, max_length=300)
    cost_b = forms.CharField(
        label=_("What B costs"), required=False, max_length=500, help_text=_("The damage if you choose B.")
    )


class FactForm(DeliberationForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Fact.Kind.choices, initial=Fact.Kind.FACT, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Fact or open question"), max_length=500)


class StakeholderForm(DeliberationForm, forms.Form):
    name = forms.CharField(label=_("Who is involved?"), max_length=200, help_text=_("A role or a group, not a name."))
    rights = forms.CharField(label=_("Rights"), max_length=500, required=False)
    interests = forms.CharField(label=_("Interests"), max_length=500, required=False)
    wishes = forms.CharField(label=_("Wishes"), max_length=500, required=False)


class ValueForm(DeliberationForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ValueNorm.Kind.choices, initial=ValueNorm.Kind.VALUE, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Value or norm"), max_length=300, help_text=_("For example: honesty, or: 'we keep our word'.")
    )


class OptionForm(DeliberationForm, forms.Form):
    text = forms.CharField(label=_("Option"), max_length=300, help_text=_("What could you do?"))
    cost = forms.CharField(
        label=_("What it costs"),
        max_length=500,
        required=False,
        help_text=_("The damage or the price of choosing this."),
    )


class ActionForm(DeliberationForm, forms.Form):
    description = forms.CharField(label=_("Action"), max_length=500)
    owner = forms.CharField(label=_("Who does it"), max_length=200)
    due_on = forms.DateField(label=_("By"), required=False, widget=DateInput())


class OptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.side.upper()}: {obj.text}" if obj.side else obj.text


class ChoiceForm(DeliberationForm, forms.Form):
    """I choose … because of the value … despite …; how do I limit the damage; what do I need?"""

    option = OptionChoiceField(
        label=_("I choose"), queryset=Option.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    because = forms.CharField(label=_("because of the value"), max_length=300)
    despite = forms.CharField(label=_("despite"), max_length=300, required=False, help_text=_("What do you give up?"))
    limit_damage = forms.CharField(label=_("How do I limit the damage?"), max_length=500, required=False)
    needs = forms.CharField(label=_("What do I need?"), max_length=500, required=False)

    participant = forms.ModelChoiceField(
        label=_("Participant"), queryset=Participant.objects.none(), empty_label=_("Choose the participant")
    )

    field_order = ["participant"]

    def __init__(self, *args, options=None, participants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = options if options is not None else Option.objects.none()
        if participants is None:
            del self.fields["participant"]
        else:
            self.fields["participant"].queryset = participants


SCORE_CHOICES = [("", "–"), ("2", "+2"), ("1", "+1"), ("0", "0"), ("-1", "−1"), ("-2", "−2")]
WEIGHT_CHOICES = [("1", "1"), ("2", "2"), ("3", "3")]


class MatrixForm(forms.Form):
    """A weight per criterion and a score per option and criterion, as dynamic fields ``w_s12`` and ``c_5_s12``."""

    def __init__(self, *args, matrix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        for criterion in matrix.criteria:
            self.fields[f"w_{criterion.key}"] = forms.TypedChoiceField(
                label=_("Weight of %(name)s") % {"name": criterion.label},
                choices=WEIGHT_CHOICES,
                coerce=int,
                initial=str(criterion.weight),
            )
        for row in matrix.rows:
            for criterion, cell in zip(matrix.criteria, row.cells, strict=True):
                self.fields[f"c_{row.option.pk}_{criterion.key}"] = forms.TypedChoiceField(
                    label=_("%(option)s for %(criterion)s") % {"option": row.option.text, "criterion": criterion.label},
                    choices=SCORE_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial="" if cell.score is None else str(cell.score),
                )
        for field in self.fields.values():
            field.widget.attrs["class"] = "utrecht-select utrecht-select--html-select deliberation-matrix__select"

    def weights(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"w_{c.key}"] for c in self.matrix.criteria}

    def scores(self) -> dict[tuple[int, str], int | None]:
        return {
            (row.option.pk, c.key): self.cleaned_data.get(f"c_{row.option.pk}_{c.key}")
            for row in self.matrix.rows
            for c in self.matrix.criteria
        }

    def weight_fields(self):
        return [(c, self[f"w_{c.key}"]) for c in self.matrix.criteria]

    def rows(self):
        return [
            (row, [(c, self[f"c_{row.option.pk}_{c.key}"]) for c in self.matrix.criteria]) for row in self.matrix.rows
        ]


class PresentForm(forms.Form):
    participant = forms.ModelChoiceField(queryset=Participant.objects.none())


# --- the case library -----------------------------------------------------------------------------------------------


class EntryForm(DeliberationForm, forms.ModelForm):
    class Meta:
        model = LibraryEntry
        fields = [
            "title",
            "theme",
            "situation",
            "question",
            "option_a",
            "option_b",
            "considerations",
            "use_at_ceremonies",
            "use_in_trainings",
        ]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 6}),
            "considerations": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Choose a theme")), *Theme.choices]


class ReviewForm(EntryForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish in the library")), ("return", _("Return to the facilitator with a note"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the facilitator"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta(EntryForm.Meta):
        pass

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("Write what should change."))
        return data


class LibrarySearchForm(DeliberationForm, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices])
    use = forms.ChoiceField(
        label=_("Use"),
        required=False,
        choices=[("", _("Any use")), (USE_CEREMONIES, _("Oath ceremonies")), (USE_TRAININGS, _("Trainings"))],
    )


class MonthForm(DeliberationForm, forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("Year and month, for example 2025-09."),
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    question = forms.CharField(
        label=_("Poll question"), max_length=300, required=False, help_text=_("Leave empty for: What would you choose?")
    )

    def clean_month(self) -> date:
        value = self.cleaned_data["month"].strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Write the month as year-month, for example 2025-09."))
        return date(int(match.group(1)), int(match.group(2)), 1)


class VoteForm(forms.Form):
    option = forms.IntegerField(min_value=1, max_value=2**31 - 1)  # a primary key; beyond it the database overflows


class YearForm(DeliberationForm, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
