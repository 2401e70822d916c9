from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model

from plein.core.forms import PleinFormMixin
from plein.portal.models import PolicyDocument, PolicyVersion, Poll


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class SearchForm(PleinFormMixin, forms.Form):
    q = forms.CharField(label=_("Search the portal"), max_length=200, required=False)


class PolicyDocumentForm(PleinFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyDocument.Kind.choices)
    summary = forms.CharField(
        label=_("What it is about"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, document: PolicyDocument | None = None, **kwargs):
        if document is not None:
            kwargs.setdefault("initial", {"title": document.title, "kind": document.kind, "summary": document.summary})
        super().__init__(*args, **kwargs)


class PolicyVersionForm(PleinFormMixin, forms.Form):
    version = forms.CharField(label=_("Version"), max_length=30, help_text=_("For example 2019, 1.0 or 2.1."))
    status = forms.ChoiceField(label=_("Status"), choices=PolicyVersion.Status.choices)
    adopted_on = forms.DateField(label=_("Adopted on"), required=False, widget=DateInput())
    adopted_by = forms.CharField(
        label=_("Adopted by"),
        required=False,
        max_length=200,
        help_text=_("For example Gedeputeerde Staten or the directorate."),
    )
    review_on = forms.DateField(
        label=_("Review by"),
        required=False,
        widget=DateInput(),
        help_text=_("When this version must be reviewed at the latest."),
    )
    upload = forms.FileField(
        label=_("Upload the file"),
        required=False,
        help_text=_("PDF, Word, OpenDocument or text. Or choose a document that is already in the CMS below."),
    )
    file = forms.ModelChoiceField(
        label=_("Or choose a document from the CMS"),
        queryset=get_document_model().objects.none(),
        required=False,
    )
    notes = forms.CharField(
        label=_("What changed"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, version: PolicyVersion | None = None, **kwargs):
        if version is not None:
            kwargs.setdefault(
                "initial",
                {
                    "version": version.version,
                    "status": version.status,
                    "adopted_on": version.adopted_on,
                    "adopted_by": version.adopted_by,
                    "review_on": version.review_on,
                    "file": version.file_id,
                    "notes": version.notes,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["file"].queryset = get_document_model().objects.order_by("-created_at")
        self.fields["file"].empty_label = _("No document")
        if version is not None:
            self.fields["version"].disabled = True
            self.fields["version"].help_text = _("The version number cannot change; add a new version instead.")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "version": data["version"],
            "status": data["status"],
            "adopted_on": data["adopted_on"],
            "adopted_by": data["adopted_by"],
            "review_on": data["review_on"],
            "notes": data["notes"],
            "file": data["file"],
            "upload": data.get("upload"),
        }


class CampaignForm(PleinFormMixin, forms.Form):
    deadline = forms.DateField(label=_("Confirm by"), required=False, widget=DateInput())
    message = forms.CharField(
        label=_("Message to employees"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the document. For example what changed and why it matters."),
    )


class VoteForm(PleinFormMixin, forms.Form):
    option = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect)

    def __init__(self, *args, poll: Poll, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(str(o.pk), o.label) for o in poll.options.all()]
        self.fields["option"].error_messages["required"] = _("Choose one of the options.")
        self.fields["option"].error_messages["invalid_choice"] = _("Choose one of the options.")


def _default_open() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class PollForm(PleinFormMixin, forms.Form):
    question = forms.CharField(label=_("Question"), max_length=300)
    description = forms.CharField(
        label=_("Explanation"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One option per line; at least 2, at most 10."),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())

    def __init__(self, *args, poll: Poll | None = None, **kwargs):
        if poll is not None:
            kwargs.setdefault(
                "initial",
                {
                    "question": poll.question,
                    "description": poll.description,
                    "options": "\n".join(o.label for o in poll.options.all()),
                    "opens_at": timezone.localtime(poll.opens_at),
                    "closes_at": timezone.localtime(poll.closes_at),
                },
            )
        else:
            start = _default_open()
            kwargs.setdefault(
                "initial",
                {"opens_at": start, "closes_at": datetime.combine(start.date() + timedelta(days=14), time(17, 0))},
            )
        super().__init__(*args, **kwargs)

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
