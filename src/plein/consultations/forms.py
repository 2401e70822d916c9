"""Forms of the consultations register. Every widget gets the NL Design System classes through ``PleinFormMixin``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plein.consultations import selectors
from plein.consultations.models import MAX_NAME_LENGTH, MAX_NOTE_LENGTH, Requester, code_validator
from plein.consultations.services import MIN_REASON_LENGTH
from plein.core.forms import PleinFormMixin


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label if obj.is_active else _("%(label)s (no longer in use)") % {"label": obj.label}


class ConsultationForm(PleinFormMixin, forms.Form):
    """Record or change a consultation. The name field exists only when the organisation records names."""

    date = forms.DateField(
        label=_("Date of the consultation"),
        widget=_date_widget(),
        error_messages={"required": _("Enter the date of the consultation."), "invalid": _("Enter a valid date.")},
    )
    requester = forms.ChoiceField(
        label=_("Who asked?"),
        choices=Requester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who asked.")},
    )
    topic = EntryChoiceField(
        label=_("Topic"),
        queryset=None,
        empty_label=_("Choose a topic"),
        error_messages={"required": _("Choose a topic."), "invalid_choice": _("Choose a topic from the list.")},
    )
    action = EntryChoiceField(
        label=_("What was done"),
        queryset=None,
        empty_label=_("Choose what was done"),
        error_messages={
            "required": _("Choose what was done."),
            "invalid_choice": _("Choose what was done from the list."),
        },
    )
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At most 500 characters. Write no names or details that identify someone."),
    )
    asker_name = forms.CharField(
        label=_("Name of the person who asked"),
        required=False,
        max_length=MAX_NAME_LENGTH,
    )

    def __init__(self, *args, organisation, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "date": instance.date,
                "requester": instance.requester,
                "topic": instance.topic_id,
                "action": instance.action_id,
                "note": instance.note,
                "asker_name": instance.asker_name,
            }
        super().__init__(*args, **kwargs)
        # A record keeps its entry even when that is no longer in use; new choices come from the active ones.
        topic_ids = [instance.topic_id] if instance is not None else []
        action_ids = [instance.action_id] if instance is not None else []
        self.fields["topic"].queryset = selectors.topics(organisation).filter(_active_or(topic_ids))
        self.fields["action"].queryset = selectors.actions(organisation).filter(_active_or(action_ids))
        if not selectors.settings_for(organisation).record_names:
            del self.fields["asker_name"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


def _active_or(ids):
    from django.db.models import Q

    return Q(is_active=True) | Q(pk__in=ids)


class FilterForm(PleinFormMixin, forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_widget())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget())
    requester = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Asked by"),
        required=False,
        choices=[("", _("Everyone"))] + list(Requester.choices),
    )
    topic = EntryChoiceField(label=_("Topic"), queryset=None, required=False, empty_label=_("All topics"))
    action = EntryChoiceField(label=_("What was done"), queryset=None, required=False, empty_label=_("All actions"))
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=None, required=False, empty_label=_("All handlers"))

    def __init__(self, *args, organisation, show_handler: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = selectors.topics(organisation)
        self.fields["action"].queryset = selectors.actions(organisation)
        if show_handler:
            self.fields["handler"].queryset = selectors.handlers(organisation)
        else:
            del self.fields["handler"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return data


class RemoveForm(PleinFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for removing"),
        min_length=MIN_REASON_LENGTH,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: recorded twice, or recorded by mistake. The reason stays in the history."),
        error_messages={
            "required": _("Give a reason."),
            "min_length": _("Give a reason of at least %(limit_value)d characters."),
        },
    )


class ListEntryForm(PleinFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        validators=[code_validator],
        help_text=_(
            "Used in imports, exports and the annual report; it cannot be changed later. "
            "Lowercase letters, digits and _, for example: social_media."
        ),
    )
    name_nl = forms.CharField(label=_("Name in Dutch"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120)
    order = forms.IntegerField(
        label=_("Position in the list"), min_value=0, max_value=999, initial=100, help_text=_("Lower comes first.")
    )
    is_active = forms.BooleanField(
        label=_("In use (offered when recording a consultation)"), required=False, initial=True
    )

    def __init__(self, *args, entry=None, **kwargs):
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name_nl": entry.name_nl,
                "name_en": entry.name_en,
                "order": entry.order,
                "is_active": entry.is_active,
            }
        super().__init__(*args, **kwargs)
        if entry is not None:
            del self.fields["code"]


class SettingsForm(PleinFormMixin, forms.Form):
    record_names = forms.BooleanField(
        label=_("Record the name of the person who asked"),
        required=False,
        help_text=_(
            "Off by default. When off, the form and the export have no name, and names recorded earlier are deleted."
        ),
    )
