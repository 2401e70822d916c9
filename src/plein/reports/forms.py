import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from plein.core.forms import PleinFormMixin
from plein.reports import files as reporting_files
from plein.reports.models import Channel, Report
from plein.reports.questionnaire import validate_questionnaire
from plein.reports.selectors import member_label


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class DynamicForm(forms.Form):
    """A form whose fields are partly built per instance, *before* ``PleinFormMixin`` styles them.

    Subclasses list ``PleinFormMixin`` first and implement ``build_fields``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.build_fields()

    def build_fields(self) -> None:
        pass


def _limit(name: str) -> int:
    return int(settings.PLEIN[name])


class AttachmentsMixin:
    """Adds the file field and the metadata choice, and checks the files (type on content, sizes, count)."""

    def add_attachment_fields(self, *, strip_choice: bool = True) -> None:
        self.fields["attachments"] = MultipleFileField(
            label=_("Files"),
            required=False,
            help_text=_(
                "Optional. At most %(count)d files of at most %(size)s each, %(total)s together. Accepted: %(kinds)s."
            )
            % {
                "count": _limit("REPORTS_MAX_FILES"),
                "size": filesizeformat(_limit("REPORTS_MAX_FILE_BYTES")),
                "total": filesizeformat(_limit("REPORTS_MAX_TOTAL_BYTES")),
                "kinds": reporting_files.accepted_kinds_text(),
            },
            widget=MultipleFileInput(attrs={"accept": reporting_files.accept_attribute()}),
        )
        if strip_choice:
            self.fields["strip_metadata"] = forms.BooleanField(
                label=_("Remove hidden information from photos and PDF files (recommended)"),
                required=False,
                initial=True,
                help_text=_(
                    "Photos and PDF files often contain hidden information, such as the place where a photo was "
                    "taken, the camera or phone, and the name of the author. That can show who you are. We remove "
                    "it before the file is stored. Word, Excel and OpenDocument files can also contain your name: "
                    "check File > Properties before you add them."
                ),
            )

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        if len(uploads) > _limit("REPORTS_MAX_FILES"):
            raise ValidationError(
                _("You can add at most %(n)d files at a time.") % {"n": _limit("REPORTS_MAX_FILES")}, code="too_many"
            )
        total = sum(u.size for u in uploads)
        if total > _limit("REPORTS_MAX_TOTAL_BYTES"):
            raise ValidationError(
                _("Together the files are %(size)s; the limit is %(max)s. Leave some out.")
                % {"size": filesizeformat(total), "max": filesizeformat(_limit("REPORTS_MAX_TOTAL_BYTES"))},
                code="too_large_total",
            )
        return uploads

    def prepared_files(self) -> list[reporting_files.PreparedFile]:
        """Check every file on its content and strip metadata when asked; every refusal becomes a field error."""
        uploads = self.cleaned_data.get("attachments") or []
        strip = bool(self.cleaned_data.get("strip_metadata", False))
        prepared, errors = [], []
        for upload in uploads:
            try:
                prepared.append(
                    reporting_files.prepare_upload(upload, strip=strip, max_bytes=_limit("REPORTS_MAX_FILE_BYTES"))
                )
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            self.add_error("attachments", errors)
        return prepared


def _text_limit() -> int:
    return _limit("REPORTS_MAX_TEXT_CHARS")


class ReportForm(AttachmentsMixin, PleinFormMixin, DynamicForm):
    """The questionnaire of a channel, the way of reporting, optional exclusions and files."""

    mode = forms.ChoiceField(label=_("How do you want to report?"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_("Optional. Only if you want the team to be able to contact you outside this channel."),
    )
    phone = forms.CharField(label=_("Telephone number"), required=False, max_length=40, help_text=_("Optional."))
    form_token = forms.CharField(widget=forms.HiddenInput)

    MODE_HELP = {
        Report.Mode.NAMED: _("The team knows who you are and may mention your name where that is needed."),
        Report.Mode.CONFIDENTIAL: _(
            "Only the team knows who you are. Your name is not shared without your consent, unless the law requires it."
        ),
        Report.Mode.ANONYMOUS: _(
            "Nobody knows who you are, not even the team. You can still read and answer questions with your receipt "
            "code. But it can make an investigation harder, and you get less protection as a whistleblower."
        ),
    }

    def __init__(self, *args, channel: Channel, **kwargs):
        self.channel = channel
        super().__init__(*args, **kwargs)

    def build_fields(self) -> None:
        channel = self.channel
        modes = [m for m in Report.Mode if m != Report.Mode.ANONYMOUS or channel.anonymity_allowed]
        self.fields["mode"].choices = [(m.value, m.label) for m in modes]
        self.mode_help = [(m.value, m.label, self.MODE_HELP[m]) for m in modes]
        self.question_fields = []
        for question in channel.questionnaire:
            name = f"q_{question['key']}"
            self.fields[name] = self._question_field(question)
            self.question_fields.append(name)
        members = getattr(channel, "confirmed_members", None)
        if members is None:
            members = list(channel.memberships.filter(confirmed_at__isnull=False).select_related("user__employee"))
        self.member_choices = [(str(m.user_id), member_label(m.user)) for m in members]
        if len(self.member_choices) > 1:
            self.fields["exclude"] = forms.MultipleChoiceField(
                label=_("Team members who must not see this report"),
                required=False,
                choices=self.member_choices,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "Optional. Is one of them involved in what you report? Tick their name: they then cannot open "
                    "your report. At least one team member must remain."
                ),
            )
        self.add_attachment_fields()

    @staticmethod
    def _question_field(question: dict) -> forms.Field:
        common = {"label": question["label"], "required": question["required"], "help_text": question.get("help", "")}
        kind = question["type"]
        if kind == "textarea":
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=_text_limit(), **common)
        if kind == "date":
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        if kind == "choice":
            choices = [("", _("Choose…"))] + [(c, c) for c in question["choices"]]
            return forms.ChoiceField(choices=choices, **common)
        return forms.CharField(max_length=500, **common)

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode in (Report.Mode.NAMED, Report.Mode.CONFIDENTIAL) and not (data.get("name") or "").strip():
            self.add_error("name", _("Fill in your name, or choose to report anonymously."))
        excluded = data.get("exclude") or []
        if excluded and len(set(excluded)) >= len(self.member_choices):
            self.add_error("exclude", _("At least one team member must be able to read your report."))
        return data

    def answers(self) -> list[dict]:
        out = []
        for question in self.channel.questionnaire:
            value = self.cleaned_data.get(f"q_{question['key']}")
            if value in (None, ""):
                continue
            out.append({"key": question["key"], "label": question["label"], "value": str(value)})
        return out

    def identity(self) -> dict | None:
        if self.cleaned_data.get("mode") == Report.Mode.ANONYMOUS:
            return None
        return {
            "name": self.cleaned_data.get("name", "").strip(),
            "email": self.cleaned_data.get("email", "").strip(),
            "phone": self.cleaned_data.get("phone", "").strip(),
        }

    def _bound(self, names) -> list:
        return [self[name] for name in names if name in self.fields]

    @property
    def question_bound(self) -> list:
        return self._bound(self.question_fields)

    @property
    def identity_bound(self) -> list:
        return self._bound(["mode", "name", "email", "phone"])

    @property
    def exclude_bound(self) -> list:
        return self._bound(["exclude"])

    @property
    def file_bound(self) -> list:
        return self._bound(["attachments", "strip_metadata"])

    def excluded_user_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("exclude") or []]


class ReceiptLoginForm(PleinFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Your receipt code"),
        max_length=40,
        help_text=_("The 16 digits you got after sending your report. Spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )


class MessageForm(AttachmentsMixin, PleinFormMixin, DynamicForm):
    def __init__(self, *args, strip_choice: bool = True, label=None, **kwargs):
        self.strip_choice = strip_choice
        self.text_label = label or _("Your message")
        super().__init__(*args, **kwargs)

    def build_fields(self) -> None:
        self.fields["text"] = forms.CharField(
            label=self.text_label, required=False, max_length=_text_limit(), widget=forms.Textarea(attrs={"rows": 5})
        )
        self.add_attachment_fields(strip_choice=self.strip_choice)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("attachments") and not self.errors:
            raise ValidationError(_("Write a message or add a file."), code="empty")
        return data


class AcknowledgeForm(PleinFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Message to the reporter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. For example: what happens next and when they can expect to hear from you."),
    )


class RevealIdentityForm(PleinFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you need to know who reported?"),
        choices=[
            ("", _("Choose…")),
            ("consent", _("The reporter agreed that I may see it")),
            ("investigation", _("The investigation cannot continue without it (agreed with a second handler)")),
            ("legal_obligation", _("A legal obligation")),
        ],
    )


class VaultSetupForm(PleinFormMixin, forms.Form):
    passphrase = forms.CharField(
        label=_("Vault passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    passphrase2 = forms.CharField(
        label=_("Vault passphrase again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["passphrase"].help_text = _(
            "At least %(n)d characters. Use a few unrelated words. Not your login password: the vault protects reports "
            "even when someone knows your login. Nobody can recover it for you."
        ) % {"n": _limit("REPORTS_VAULT_MIN_PASSPHRASE")}

    def clean(self):
        data = super().clean()
        first, second = data.get("passphrase") or "", data.get("passphrase2") or ""
        if len(first) < _limit("REPORTS_VAULT_MIN_PASSPHRASE"):
            self.add_error(
                "passphrase",
                _("Choose a passphrase of at least %(n)d characters.") % {"n": _limit("REPORTS_VAULT_MIN_PASSPHRASE")},
            )
        elif first != second:
            self.add_error("passphrase2", _("The two passphrases are not the same."))
        elif self.user.has_usable_password() and self.user.check_password(first):
            self.add_error("passphrase", _("Do not use your login password. Choose a different passphrase."))
        return data


class VaultUnlockForm(PleinFormMixin, forms.Form):
    passphrase = forms.CharField(
        label=_("Vault passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class GrantAccessForm(PleinFormMixin, forms.Form):
    member = forms.TypedChoiceField(label=_("Team member"), coerce=int)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = choices


class ChannelForm(PleinFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Short name for the web address, e.g. misstand.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("What can be reported here"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    anonymity_allowed = forms.BooleanField(label=_("Anonymous reports allowed"), required=False, initial=True)
    retention_days = forms.IntegerField(
        label=_("Retention period after closure (days)"), min_value=30, max_value=36500, initial=5 * 365
    )
    category = forms.CharField(label=_("Default category"), required=False, max_length=60)
    is_active = forms.BooleanField(label=_("Open for reports"), required=False, initial=True)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)
    questionnaire = forms.CharField(
        label=_("Questionnaire (JSON)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text=_(
            'A list of questions: {"key", "label", "help", "type" (text, textarea, choice or date), "required" '
            '(true/false), "choices" (only for choice)}.'
        ),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True

    def clean_questionnaire(self):
        raw = self.cleaned_data["questionnaire"]
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("The questionnaire is not valid JSON (line %(line)d, column %(col)d): %(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ) from exc
        return validate_questionnaire(value)


class TeamMemberForm(PleinFormMixin, forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("Choose…")), *choices]


class RecoverySetupForm(PleinFormMixin, forms.Form):
    understood = forms.BooleanField(
        label=_("I understand that the recovery key is shown only once, and I am ready to store it offline."),
        required=True,
    )
