from django import forms
from django.utils.translation import gettext_lazy as _

from plein.core.forms import PleinFormMixin
from plein.core.models import Employee, OrgUnit
from plein.core.widgets import UnitChoiceField
from plein.oaths.models import Ceremony, Form
from plein.oaths.selectors import STATUS_DONE, STATUS_DUE, STATUS_OVERDUE


class OathForm(PleinFormMixin):
    """The server checks every field and explains what is missing; the browser's own required-field styling would
    mark empty fields red before anyone typed, so it is switched off."""

    use_required_attribute = False


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ObligationFilterForm(OathForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            (STATUS_DUE, _("Due")),
            (STATUS_OVERDUE, _("Overdue")),
            (STATUS_DONE, _("Done")),
        ],
    )
    # All units of the organisation (hundreds), rendered without a model or a template per option (issue 12).
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    started_from = forms.DateField(label=_("Started on or after"), required=False, widget=DateInput())
    started_to = forms.DateField(label=_("Started on or before"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Name or personnel number"), required=False, max_length=100)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by("path")
        self.fields["unit"].empty_label = _("All units")

    def clean(self):
        data = super().clean()
        start, end = data.get("started_from"), data.get("started_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The first start date must be on or before the second."))
        return data


class CeremonyForm(OathForm, forms.ModelForm):
    chair = forms.ModelChoiceField(
        label=_("Chair (employee)"),
        queryset=Employee.objects.none(),
        required=False,
        help_text=_("For example the provinciesecretaris. Or leave empty and type a name below."),
    )

    class Meta:
        model = Ceremony
        fields = [
            "title",
            "date",
            "start_time",
            "location",
            "chair",
            "chair_name",
            "chair_title",
            "witnesses",
            "capacity",
            "format",
            "programme",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "witnesses": forms.Textarea(attrs={"rows": 3}),
            "programme": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"chair_name": _("Filled in from the chair when left empty.")}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Chairs are people who hold a role in the integrity structure or manage others: a short list.
        self.fields["chair"].queryset = (
            Employee.objects.filter(organisation=organisation)
            .filter(structure_roles__isnull=False)
            .distinct()
            .order_by("last_name", "first_name")
        )

    def clean(self):
        data = super().clean()
        if not data.get("chair") and not (data.get("chair_name") or "").strip():
            self.add_error("chair_name", _("Choose a chair or enter the name of the chair."))
        return data


class DilemmaForm(OathForm, forms.Form):
    question = forms.CharField(
        label=_("Dilemma"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The question discussed, for example: how does the right to demonstrate relate to being a civil servant?"
        ),
    )
    library_reference = forms.CharField(
        label=_("Reference in the dilemma library"),
        max_length=100,
        required=False,
        help_text=_("Optional. The number of the dilemma in the library of moral deliberation."),
    )


class InviteForm(OathForm, forms.Form):
    unit = UnitChoiceField(label=_("Only people in unit"), queryset=OrgUnit.objects.none(), required=False)
    started_from = forms.DateField(label=_("Started on or after"), required=False, widget=DateInput())
    started_to = forms.DateField(label=_("Started on or before"), required=False, widget=DateInput())

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by("path")
        self.fields["unit"].empty_label = _("All units")


class FormChoiceForm(OathForm, forms.Form):
    form = forms.ChoiceField(
        label=_("I will take"),
        choices=Form.choices,
        widget=forms.RadioSelect,
        help_text=_("The oath ends with “So help me God”; the affirmation with “That I declare and promise”."),
    )


class RegisterEmployeeForm(OathForm, forms.Form):
    personnel_number = forms.CharField(label=_("Personnel number"), max_length=30)
    form = forms.ChoiceField(label=_("Oath or affirmation"), choices=Form.choices, widget=forms.RadioSelect)


class IndividualOathForm(OathForm, forms.Form):
    personnel_number = forms.CharField(label=_("Personnel number"), max_length=30)
    form = forms.ChoiceField(label=_("Oath or affirmation"), choices=Form.choices, widget=forms.RadioSelect)
    taken_on = forms.DateField(label=_("Date"), widget=DateInput())
    sworn_before = forms.CharField(
        label=_("In the presence of"),
        max_length=300,
        help_text=_("Name and function, for example: J. ter Horst, provinciesecretaris."),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class OathTextForm(OathForm, forms.Form):
    form = forms.ChoiceField(label=_("Oath or affirmation"), choices=Form.choices, widget=forms.RadioSelect)
    effective_from = forms.DateField(label=_("In effect from"), widget=DateInput())
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=5000)


class YearForm(OathForm, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
