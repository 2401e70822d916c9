from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from plein.core.forms import PleinFormMixin
from plein.core.models import OrgUnit
from plein.positions.models import Area, DesignationKind, RiskLevel
from plein.positions.services import RATIONALE_MAX_LENGTH, clean_profile_values


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(label, *, required=False, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


AREA_HELP = {
    Area.INFORMATION: _("Works with confidential or sensitive information."),
    Area.MONEY: _("Handles, spends or approves money."),
    Area.GOODS: _("Manages or orders goods, equipment or stock."),
    Area.SERVICES: _("Buys or delivers services, grants permits or subsidies."),
    Area.BUSINESS_TRANSACTIONS: _("Negotiates or signs contracts and tenders."),
    Area.PROCESS: _("Controls processes that others rely on, such as IT systems or payments."),
    Area.MANAGING: _("Manages people or parts of the organisation."),
    Area.PERSONS: _("Works with vulnerable people or has power over people."),
}


def _area_fields() -> dict:
    fields = {}
    for code, label in Area.choices:
        fields[f"area_{code}"] = forms.BooleanField(
            label=format_lazy(_("Vulnerable actions: {area}"), area=label), required=False, help_text=AREA_HELP[code]
        )
        fields[f"rationale_{code}"] = forms.CharField(
            label=format_lazy(_("Rationale: {area}"), area=label),
            required=False,
            max_length=RATIONALE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("In one or two sentences: which actions, and why they are vulnerable."),
        )
    return fields


# The area fields come first, in the order of the screening areas.
_AreaFieldsForm = type("_AreaFieldsForm", (forms.Form,), _area_fields())


class InventoryForm(PleinFormMixin, _AreaFieldsForm):
    """The inventory of one position: vulnerable actions per screening area, risk level and designations.

    ``values(actor)`` gives what ``services.save_profile`` takes. With ``with_review`` the person saving can record
    that they reviewed the designation (they become the reviewer, with the review date they give).
    """

    risk_level = forms.ChoiceField(label=_("Overall risk level"), choices=RiskLevel.choices)
    vog_required = forms.BooleanField(label=_("A certificate of conduct (VOG) is required"), required=False)
    vog_screening_areas = forms.MultipleChoiceField(
        label=_("Screening areas to ask for on the VOG"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when a VOG is required."),
    )
    financial_interests = forms.BooleanField(
        label=_("The holder must report financial interests (Ambtenarenwet art. 5(1)(d))"), required=False
    )
    publish_outside_activities = forms.BooleanField(
        label=_("The holder's outside activities are published (Ambtenarenwet art. 5(1)(c))"), required=False
    )
    ondermijning_relevant = forms.BooleanField(
        label=_("Relevant for subversion resilience (ondermijning)"), required=False
    )
    cybersecurity_relevant = forms.BooleanField(label=_("Relevant for cybersecurity"), required=False)
    mark_reviewed = forms.BooleanField(
        label=_("I have reviewed this inventory and its designations"),
        required=False,
        help_text=_("You are then recorded as the reviewer. A designation always needs a review."),
    )
    reviewed_on = _date_field(_("Review date"))

    def __init__(self, *args, profile_values: dict, with_review: bool = True, **kwargs):
        self.current = profile_values
        self.with_review = with_review
        initial = {
            "risk_level": profile_values["risk_level"],
            "vog_required": profile_values["vog_required"],
            "vog_screening_areas": profile_values["vog_screening_areas"],
            "financial_interests": profile_values["financial_interests"],
            "publish_outside_activities": profile_values["publish_outside_activities"],
            "ondermijning_relevant": profile_values["ondermijning_relevant"],
            "cybersecurity_relevant": profile_values["cybersecurity_relevant"],
            "reviewed_on": timezone.localdate(),
        }
        for code, rationale in profile_values["vulnerable_areas"].items():
            initial[f"area_{code}"] = True
            initial[f"rationale_{code}"] = rationale
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if not with_review:
            del self.fields["mark_reviewed"]
            del self.fields["reviewed_on"]

    def area_groups(self):
        """(code, label, checkbox, rationale) per screening area, for the template."""
        return [(code, label, self[f"area_{code}"], self[f"rationale_{code}"]) for code, label in Area.choices]

    def other_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("area_", "rationale_"))]

    def clean(self):
        data = super().clean()
        areas = {}
        for code, _label in Area.choices:
            ticked = data.get(f"area_{code}")
            rationale = (data.get(f"rationale_{code}") or "").strip()
            if ticked and not rationale:
                self.add_error(f"rationale_{code}", _("Give a short rationale for this area."))
            elif rationale and not ticked:
                self.add_error(
                    f"area_{code}", _("You wrote a rationale, but did not tick the area. Tick it or clear the text.")
                )
            elif ticked:
                areas[code] = rationale
        data["vulnerable_areas"] = areas
        return data

    def values(self, actor) -> dict:
        """The values for ``save_profile``; call after ``is_valid``. Adds errors and raises when they are not valid."""
        data = self.cleaned_data
        values = {
            "vulnerable_areas": data["vulnerable_areas"],
            "risk_level": data["risk_level"],
            "vog_required": data["vog_required"],
            "vog_screening_areas": data["vog_screening_areas"],
            "financial_interests": data["financial_interests"],
            "publish_outside_activities": data["publish_outside_activities"],
            "ondermijning_relevant": data["ondermijning_relevant"],
            "cybersecurity_relevant": data["cybersecurity_relevant"],
            "reviewed_by": self.current["reviewed_by"],
            "reviewed_on": self.current["reviewed_on"],
        }
        if self.with_review and data.get("mark_reviewed"):
            if not data.get("reviewed_on"):
                self.add_error("reviewed_on", _("Fill in the review date."))
                raise ValidationError("invalid")
            values["reviewed_by"] = actor
            values["reviewed_on"] = data["reviewed_on"]
        try:
            clean_profile_values(values, require_review=self.with_review)
        except ValidationError as exc:
            self.add_service_errors(exc)
            raise
        return values

    def add_service_errors(self, exc: ValidationError):
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            if name == "reviewed_on" and self.with_review:
                self.add_error(
                    "mark_reviewed",
                    _("A designation needs a reviewer and a review date: tick that you reviewed it."),
                )
                continue
            self.add_error(name if name in self.fields else None, errors)


class ReviewForm(InventoryForm):
    """A manager's review of a position in a round: the inventory, and a comment for the IC."""

    comment = forms.CharField(
        label=_("Comment for the integrity coordinator"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what changed in the position. Do not write about people."),
    )

    def __init__(self, *args, **kwargs):
        kwargs["with_review"] = False
        super().__init__(*args, **kwargs)


class RoundForm(PleinFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("For example: Inventory 2025"))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Leave empty for all positions. A unit includes the units below it."),
    )
    due_date = _date_field(_("Review before"))

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by("path")
        self.fields["unit"].empty_label = _("All units")


class ReturnForm(PleinFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Why do you send it back?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The manager sees this. Write about the position, not about people."),
    )


class VogForm(PleinFormMixin, forms.Form):
    requested_on = _date_field(_("VOG requested on"), required=True)
    received_on = _date_field(_("VOG received on"))
    valid_from = _date_field(_("Date on the VOG"), help_text=_("The VOG itself is not stored; only its dates."))
    rescreening_due = _date_field(
        _("Re-screening due"), help_text=_("Leave empty to use the standard period from the date on the VOG.")
    )


class TalkForm(PleinFormMixin, forms.Form):
    held_on = _date_field(_("Date of the talk"), required=True)


SHOW_CHOICES = [
    ("", _("All positions")),
    ("designated", _("With a designation for the holder")),
    ("vulnerable", _("With vulnerable actions")),
    ("lapsed", _("Review lapsed")),
    ("not_inventoried", _("Not in the inventory yet")),
    ("ondermijning", DesignationKind.ONDERMIJNING.label),
    ("cybersecurity", DesignationKind.CYBERSECURITY.label),
]


class UnitFilterMixin:
    def _limit_units(self, organisation):
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by("path")
        self.fields["unit"].empty_label = _("All units")


class InventoryFilterForm(UnitFilterMixin, PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by code or title"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_units(organisation)


class ScreeningFilterForm(UnitFilterMixin, PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by name or personnel number"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    missing = forms.BooleanField(label=_("Only people who miss something"), required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_units(organisation)


class ExportForm(PleinFormMixin, forms.Form):
    focus = forms.ChoiceField(
        label=_("Which positions"),
        choices=[
            ("all", _("All designated and vulnerable positions")),
            ("ondermijning", _("Relevant for subversion resilience (ondermijning)")),
            ("cybersecurity", _("Relevant for cybersecurity")),
        ],
    )
    format = forms.ChoiceField(label=_("File type"), choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV"))])
