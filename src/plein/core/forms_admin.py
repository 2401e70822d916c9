"""Forms of the role administration and the audit log."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core import roles as R
from plein.core.forms import PleinFormMixin
from plein.core.models import AuditEvent, OrgUnit


def _role_filter_choices():
    return [("", _("All roles")), *R.assignable_role_choices()]


def _grant_role_choices():
    return [("", _("Choose a role")), *R.assignable_role_choices()]


class RoleSearchForm(PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by name or e-mail address"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=_role_filter_choices)

    def filter(self, qs: QuerySet) -> QuerySet:
        q = self.cleaned_data.get("q")
        if q:
            qs = qs.filter(
                Q(email__icontains=q)
                | Q(display_name__icontains=q)
                | Q(employee__first_name__icontains=q)
                | Q(employee__last_name__icontains=q)
            )
        role = self.cleaned_data.get("role")
        if role:
            qs = qs.filter(role_assignments__role=role, role_assignments__revoked_at__isnull=True)
        return qs.distinct()


class GrantRoleForm(PleinFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_grant_role_choices)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Only for a role that is given per unit (manager): the unit and everything below it."),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by("path")
        self.fields["unit"].empty_label = _("No unit")
        # Validate against the queryset above, even if a base class already validated during __init__.
        self._errors = None


class AuditFilterForm(PleinFormMixin, forms.Form):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=80,
        help_text=_("For example role.grant, or role. for every role change."),
    )
    actor = forms.CharField(label=_("E-mail address of who did it"), required=False, max_length=254)
    target_type = forms.CharField(
        label=_("Type of object"), required=False, max_length=80, help_text=_("For example core.user.")
    )
    target_id = forms.CharField(label=_("Object number"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date. Choose a later end date."))
        return data

    def used_filters(self) -> list[str]:
        """The names of the filters in use (never their values: those may be personal data)."""
        return sorted(name for name, value in self.cleaned_data.items() if value not in (None, ""))

    def filter(self, qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data.get("action"):
            qs = qs.filter(action__startswith=data["action"].strip())
        if data.get("actor"):
            qs = qs.filter(actor_label__icontains=data["actor"].strip())
        if data.get("target_type"):
            qs = qs.filter(target_type=data["target_type"].strip().lower())
        if data.get("target_id"):
            qs = qs.filter(target_id=data["target_id"].strip())
        # Whole days in the local time zone, as a range on the indexed timestamp.
        if data.get("date_from"):
            qs = qs.filter(occurred_at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            qs = qs.filter(occurred_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        return qs


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
