from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plein.core.models import OrgUnit

WIDGET_CLASSES = {
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.FileInput: "plein-file-input",
}


class PleinFormMixin:
    """Gives every widget the NL Design System classes and the ARIA links to its help text and errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), None)
            if css is None:
                css = "utrecht-textbox utrecht-textbox--html-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            # Not self.errors here: that would validate the form before subclasses finish __init__ (for
            # example before they narrow a ModelChoiceField's queryset). full_clean() links the errors.
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def full_clean(self):
        super().full_clean()
        # Errors are known only now; link them for assistive technology.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                if "utrecht-textbox" in widget.attrs.get("class", "").split():
                    widget.attrs["class"] += " utrecht-textbox--invalid"
                ids = widget.attrs.get("aria-describedby", "").split()
                err = f"{self[name].auto_id}_errors"
                if err not in ids:
                    widget.attrs["aria-describedby"] = " ".join([*ids, err])


class PeopleFilterForm(PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by name or personnel number"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation).order_by("path")
        self.fields["unit"].empty_label = _("All units")

    def filter(self, qs):
        q = self.cleaned_data.get("q")
        if q:
            qs = qs.filter(
                Q(first_name__icontains=q)
                | Q(last_name__icontains=q)
                | Q(personnel_number__iexact=q)
                | Q(email__icontains=q)
            )
        unit = self.cleaned_data.get("unit")
        if unit:
            qs = qs.filter(unit.subtree_q("unit__"))
        return qs
