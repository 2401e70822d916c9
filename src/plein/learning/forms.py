from pathlib import Path

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from plein.core.forms import PleinFormMixin
from plein.core.models import Employee, OrgUnit
from plein.learning import conf
from plein.learning.models import Course, Event, Kind, Requirement
from plein.learning.selectors import STATUS_DONE, STATUS_DUE, STATUS_OVERDUE, WHEN_PAST, WHEN_UPCOMING


class LearningForm(PleinFormMixin):
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


class EventFilterForm(LearningForm, forms.Form):
    when = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[(WHEN_UPCOMING, _("Upcoming")), (WHEN_PAST, _("Past"))],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices])


class EventForm(LearningForm, forms.ModelForm):
    module_url = forms.URLField(
        label=_("Link to the module"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Only for e-learning: the address of the module."),
    )
    hosts = forms.ModelMultipleChoiceField(
        label=_("Attendance kept by"),
        queryset=Employee.objects.none(),
        required=False,
        help_text=_("Besides HR and the integrity coordinator. Hold Ctrl (or Cmd) to choose more than one person."),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "course",
            "description",
            "date",
            "start_time",
            "end_time",
            "end_date",
            "location",
            "capacity",
            "audience",
            "organiser",
            "led_by",
            "registration_required",
            "in_public_feed",
            "module_url",
            "module_file",
            "code",
        ]
        widgets = {
            "date": DateInput(),
            "end_date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "module_file": forms.ClearableFileInput(),
        }
        help_texts = {
            "code": _("Optional. Used to import attendance, for example MOO-2025-03."),
            "module_file": _("Only for e-learning: a package (for example a ZIP or PDF) that employees download."),
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(organisation=organisation).order_by("title")
        self.fields["hosts"].queryset = (
            Employee.objects.filter(organisation=organisation).in_service().order_by("last_name", "first_name")
        )
        self.fields["hosts"].label_from_instance = lambda e: f"{e.sort_name} ({e.personnel_number})"
        if self.instance.pk:
            self.fields["hosts"].initial = list(self.instance.hosts.values_list("pk", flat=True))

    def clean_module_file(self):
        upload = self.cleaned_data.get("module_file")
        if not upload or not hasattr(upload, "size") or getattr(upload, "_committed", False):
            return upload
        extension = Path(upload.name).suffix.lower().lstrip(".")
        if extension not in conf.module_extensions():
            raise forms.ValidationError(
                _("This type of file is not accepted. Use one of: %(types)s.")
                % {"types": ", ".join(conf.module_extensions())}
            )
        if upload.size > conf.module_max_bytes():
            raise forms.ValidationError(
                _("The file is too large: at most %(max)s.") % {"max": filesizeformat(conf.module_max_bytes())}
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.ELEARNING and not (data.get("module_url") or data.get("module_file")):
            self.add_error("module_url", _("Give the link to the module, or upload a package."))
        if data.get("kind") != Kind.ELEARNING and (data.get("module_url") or data.get("module_file")):
            self.add_error("module_url", _("A link or package is only for e-learning. Choose the kind e-learning."))
        return data


class RegisterEmployeeForm(LearningForm, forms.Form):
    personnel_number = forms.CharField(label=_("Personnel number"), max_length=30)


class CourseForm(LearningForm, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "code", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": _("A short, fixed code, for example morele-oordeelsvorming.")}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def validate_unique(self):
        """The service checks the code within the organisation."""


class RequirementForm(LearningForm, forms.ModelForm):
    class Meta:
        model = Requirement
        fields = ["course", "audience", "new_starters_only", "applies_from", "due_months"]
        widgets = {"applies_from": DateInput()}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(organisation=organisation).order_by("title")
        self.fields["due_months"].initial = conf.due_months()

    def validate_unique(self):
        """The service checks for an active rule for the same course and group."""


class RecordFilterForm(LearningForm, forms.Form):
    q = forms.CharField(label=_("Name or personnel number"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    requirement = forms.ModelChoiceField(
        label=_("Mandatory training"), queryset=Requirement.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), (STATUS_DUE, _("Due")), (STATUS_OVERDUE, _("Overdue")), (STATUS_DONE, _("Done"))],
        help_text=_("Applies to the mandatory training chosen above."),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by("path")
        self.fields["unit"].empty_label = _("All units")
        self.fields["requirement"].queryset = Requirement.objects.filter(
            organisation=organisation, is_active=True
        ).select_related("course")
        self.fields["requirement"].empty_label = _("All")


class YearForm(LearningForm, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
