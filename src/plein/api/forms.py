"""The form of the API token page (functional administrator)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plein.core.forms import PleinFormMixin

from .models import Scope
from .services import DEFAULT_DAYS, MAX_DAYS


class TokenForm(PleinFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the integration"),
        max_length=100,
        help_text=_("For example: HR system. The name shows in the list and in the audit log."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=_("After this the token stops working. Make a new one in time."),
    )
