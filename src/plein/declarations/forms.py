"""Forms of the declarations. Every widget gets the NL Design System classes through ``PleinFormMixin``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.forms import PleinFormMixin
from plein.core.models import OrgUnit, Position
from plein.core.widgets import UnitChoiceField
from plein.declarations import conf
from plein.declarations.models import (
    MAX_HOURS_PER_MONTH,
    Campaign,
    Decision,
    FinancialInterest,
    Gift,
    GiftDecision,
    OutsideActivity,
    Participant,
)
from plein.declarations.services import DECLARED_FIELDS, GIFT_DECISIONS

YES, NO = "ja", "nee"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def yes_no(label, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )


def _as_choice(value):
    if value is None:
        return None
    return YES if value else NO


class ActivityForm(PleinFormMixin, forms.Form):
    """Declare or change an outside activity, with the four risk questions."""

    external_organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("Where you do the activity, for example a foundation, a company or a sports club."),
    )
    role = forms.CharField(
        label=_("Role or activity"), max_length=300, help_text=_("For example: treasurer, board member, teacher.")
    )
    paid = yes_no(_("Is it paid?"))
    hours_per_month = forms.IntegerField(
        label=_("Hours per month"),
        min_value=0,
        max_value=MAX_HOURS_PER_MONTH,
        help_text=_("A whole number from 0 to 744."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=_date_widget())
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=_date_widget(), help_text=_("Leave empty if there is no end date.")
    )
    relation_to_work = forms.CharField(
        label=_("How does it relate to your own work?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the organisation gets subsidies from us, or there is no relation at all."),
    )
    conflict_of_interest = yes_no(
        _("Could the activity conflict with the interests of the province?"),
        _("For example: the organisation applies for permits, subsidies or contracts with us."),
    )
    uses_information = yes_no(
        _("Could you use information from your work for the activity?"),
    )
    time_burden = yes_no(
        _("Could the activity affect your working hours or your availability?"),
    )
    reputation_risk = yes_no(
        _("Could the activity harm the reputation of the province?"),
    )
    risk_explanation = forms.CharField(
        label=_("Explain your answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you answered yes to a risk question."),
    )

    def __init__(self, *args, instance: OutsideActivity | None = None, **kwargs):
        if instance is not None and not kwargs.get("data") and not (args and args[0]):
            initial = {name: getattr(instance, name) for name in DECLARED_FIELDS}
            for name in ("paid", "conflict_of_interest", "uses_information", "time_burden", "reputation_risk"):
                initial[name] = _as_choice(initial[name])
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        risky = any(data.get(n) for n in ("conflict_of_interest", "uses_information", "time_burden", "reputation_risk"))
        if risky and not (data.get("risk_explanation") or "").strip():
            self.add_error("risk_explanation", _("You answered yes to a risk question. Explain your answer."))
        return data


class ObjectionForm(PleinFormMixin, forms.Form):
    reasons = forms.CharField(
        label=_("Why do you object?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Your manager will look at the declaration again and make a new decision."),
    )


class EndForm(PleinFormMixin, forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=_date_widget(), help_text=_("The last day of the activity."))


class AdviceForm(PleinFormMixin, forms.Form):
    advice = forms.CharField(label=_("Your advice"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)


class RequestAdviceForm(PleinFormMixin, forms.Form):
    question = forms.CharField(
        label=_("Your question for the integrity coordinator"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )


class DecisionForm(PleinFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (c, Decision(c).label) for c in (Decision.ALLOWED, Decision.ALLOWED_WITH_CONDITIONS, Decision.REFUSED)
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=_("The employee sees the reasons."),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
        help_text=_("Only when the activity is allowed with conditions."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.ALLOWED_WITH_CONDITIONS and not (data.get("conditions") or "").strip():
            self.add_error("conditions", _("Write down the conditions."))
        return data


class ActivityFilterForm(PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by name, organisation or role"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(OutsideActivity.Status.choices)
    )
    decision = forms.ChoiceField(label=_("Decision"), required=False, choices=[("", _("All"))] + list(Decision.choices))


class CandidateForm(PleinFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    infix = forms.CharField(
        label=_("Infix"), max_length=30, required=False, help_text=_("For example: van, de, van der")
    )
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.none(), required=False)
    # All units of the organisation (hundreds): without a model or a template per option (issue 12).
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    interview_on = forms.DateField(label=_("Date of the employment-terms interview"), widget=_date_widget())
    start_date = forms.DateField(label=_("Planned start date"), widget=_date_widget())
    has_no_activities = forms.BooleanField(label=_("The candidate has no outside activities"), required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(organisation=organisation).order_by("title")
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by("path")
        self.fields["position"].empty_label = _("Not known yet")
        self.fields["unit"].empty_label = _("Not known yet")
        # Validate with the narrowed querysets, also when a base class validated while initialising.
        self._errors = None

    def clean(self):
        data = super().clean()
        if data.get("interview_on") and data.get("start_date") and data["interview_on"] > data["start_date"]:
            self.add_error("interview_on", _("The interview is held before the start date. Check both dates."))
        return data


class AttachForm(PleinFormMixin, forms.Form):
    personnel_number = forms.CharField(
        label=_("Personnel number of the new employee"),
        max_length=30,
        help_text=_("The employee record must exist already (from the HR system)."),
    )


class CampaignForm(PleinFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    scope = forms.ChoiceField(label=_("Who takes part?"), choices=Campaign.Scope.choices, widget=forms.RadioSelect)
    deadline = forms.DateField(label=_("Deadline"), widget=_date_widget())
    message = forms.CharField(
        label=_("Message to the participants"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        today = today or timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "year": today.year,
                "scope": Campaign.Scope.ALL,
                "deadline": today + dt.timedelta(weeks=conf.campaign_weeks()),
            },
        )
        super().__init__(*args, **kwargs)


class ConfirmForm(PleinFormMixin, forms.Form):
    response = forms.ChoiceField(
        label=_("My outside activities"),
        choices=[
            (Participant.Response.CONFIRMED, _("The list above is complete and correct")),
            (Participant.Response.NONE, _("I have no outside activities")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the answers.")},
    )
    financial_response = forms.ChoiceField(
        label=_("My financial interests"),
        choices=[
            (Participant.FinancialResponse.COMPLETE, _("My financial interests are declared completely")),
            (Participant.FinancialResponse.NONE, _("I have no financial interests to declare")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the answers.")},
    )

    def __init__(self, *args, financial: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not financial:
            del self.fields["financial_response"]
        self._errors = None  # validate the fields as they are now (see CandidateForm)


class FinancialInterestForm(PleinFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you declare?"), choices=FinancialInterest.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        help_text=_("For example: shares, bonds, a share in a company or real estate; or the purchase of shares."),
    )
    institution = forms.CharField(label=_("Company or institution"), max_length=200)
    transaction_date = forms.DateField(
        label=_("Transaction date"), required=False, widget=_date_widget(), help_text=_("Only for a transaction.")
    )
    relation_to_work = forms.CharField(
        label=_("How does it relate to your own work?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == FinancialInterest.Kind.TRANSACTION and not data.get("transaction_date"):
            self.add_error("transaction_date", _("Enter the date of the transaction."))
        return data


class FinancialStatementForm(PleinFormMixin, forms.Form):
    has_interests = forms.TypedChoiceField(
        label=_("My declaration"),
        choices=[
            (YES, _("My financial interests are declared completely")),
            (NO, _("I have no financial interests to declare")),
        ],
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the answers.")},
    )


class ReviewForm(PleinFormMixin, forms.Form):
    assessment = forms.ChoiceField(
        label=_("Assessment"), choices=FinancialInterest.Assessment.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when measures were agreed."),
    )


class FinancialFilterForm(PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by name, company or description"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(FinancialInterest.Status.choices)
    )


class GiftForm(PleinFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Gift or invitation?"), choices=Gift.Kind.choices, widget=forms.RadioSelect)
    direction = forms.ChoiceField(
        label=_("Received or offered?"), choices=Gift.Direction.choices, widget=forms.RadioSelect
    )
    counterparty = forms.CharField(
        label=_("From or to whom?"), max_length=200, help_text=_("The person and the organisation.")
    )
    description = forms.CharField(label=_("What is it?"), max_length=300)
    occasion = forms.CharField(label=_("Occasion"), max_length=300, help_text=_("For example: the end of a project."))
    estimated_value = forms.DecimalField(
        label=_("Estimated value in euros"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    date = forms.DateField(label=_("Date"), widget=_date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estimated_value"].help_text = _(
            "Up to EUR %(threshold)s it is accepted automatically. Above it, your manager decides."
        ) % {"threshold": f"{conf.gift_threshold():.0f}"}

    def clean_estimated_value(self):
        from django.core.exceptions import ValidationError

        from plein.declarations.services import clean_value

        value = self.cleaned_data["estimated_value"]
        try:
            return clean_value(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


class GiftDecisionForm(PleinFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(c, GiftDecision(c).label) for c in GIFT_DECISIONS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    note = forms.CharField(
        label=_("Explanation"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class GiftFilterForm(PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by name, giver, gift or occasion"), required=False, max_length=100)
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", _("All"))] + list(GiftDecision.choices)
    )
    direction = forms.ChoiceField(
        label=_("Received or offered"), required=False, choices=[("", _("All"))] + list(Gift.Direction.choices)
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_widget())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return data


class PublicSearchForm(PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by name, position or organisation"), required=False, max_length=100)


class YearForm(PleinFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
