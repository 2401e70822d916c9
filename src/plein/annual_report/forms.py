from django import forms
from django.utils.translation import gettext_lazy as _

from plein.annual_report.models import GenerationJob, PlanAction
from plein.annual_report.services import MAX_TEXT
from plein.core.forms import PleinFormMixin


class YearForm(PleinFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


class SectionTextForm(PleinFormMixin, forms.Form):
    """The narrative of one section and the meaning (duiding) of each of its figures."""

    def __init__(self, *args, section, figures, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.fields["narrative"] = forms.CharField(
            label=_("Text of the section"),
            required=False,
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 14}),
            help_text=_("Leave an empty line between paragraphs. Start a line with > for a quotation."),
        )
        self.figure_fields = []
        for index, figure in enumerate(figures):
            name = f"figure_{index}"
            self.fields[name] = forms.CharField(
                label=_("Meaning of: %(figure)s (%(value)s)") % {"figure": figure.label, "value": figure.display},
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.figure_fields.append((name, figure.key))

    def comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for name, key in self.figure_fields}


class FileForm(forms.Form):
    format = forms.ChoiceField(choices=GenerationJob.Format.choices)
    published = forms.BooleanField(required=False)


class PlanActionForm(PleinFormMixin, forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["title", "theme", "owner", "planned_year", "planned_quarter", "status", "module", "note", "order"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
