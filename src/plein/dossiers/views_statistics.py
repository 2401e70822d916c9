"""Pages of case-handling statistics and retention (issue 5, items 7 and 9). Thin: the work is in ``statistics.py`` and
``retention.py``.

Who (docs/dossiers-statistics.md):
* statistics: the integrity coordinator, who may switch to exact counts, and the auditor, who sees the published
  figures only (small counts hidden). Everyone else: 403.
* retention preview and run: the integrity coordinator and the functional administrator. The preview shows metadata
  only (reference, channel, dates, counts). Legal hold: the integrity coordinator.
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.annual_report import privacy
from plein.core.exports import FORMATS, export_rows
from plein.core.forms import PleinFormMixin
from plein.core.permissions import permission_required
from plein.core.services.audit import record_event
from plein.dossiers import retention, statistics
from plein.reports.models import Channel


def _role(user) -> str:
    return retention.acting_role(user, ("integrity_coordinator", "auditor", "functional_admin"))


# --- Statistics -----------------------------------------------------------------------------------------------


class StatisticsFilterForm(PleinFormMixin, forms.Form):
    PUBLISHED, EXACT = "gepubliceerd", "exact"

    van = forms.DateField(
        label=gettext_lazy("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The first day of the period (the date of receipt)."),
    )
    tot = forms.DateField(
        label=gettext_lazy("Received up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kanaal = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    weergave = forms.ChoiceField(
        label=gettext_lazy("Figures"),
        required=False,
        choices=[
            (PUBLISHED, gettext_lazy("As published: counts below the threshold hidden")),
            (EXACT, gettext_lazy("Exact counts (internal use only)")),
        ],
    )

    def __init__(self, *args, organisation=None, exact_allowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        channels = Channel.objects.filter(organisation=organisation).order_by("order", "name")
        self.fields["kanaal"].choices = [("", _("All channels")), *[(c.code, c.name) for c in channels]]
        if not exact_allowed:
            del self.fields["weergave"]

    def clean(self):
        data = super().clean()
        start, end = data.get("van"), data.get("tot")
        if start and end and end < start:
            raise ValidationError(_("The end of the period lies before its start. Swap the dates."))
        return data

    def period(self) -> statistics.Period:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return statistics.Period(
            start=data.get("van") or (date(today.year, 1, 1) if not self.is_bound else None),
            end=data.get("tot"),
            channel_code=data.get("kanaal") or "",
        )

    def published(self) -> bool:
        if "weergave" not in self.fields:
            return True
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("weergave") != self.EXACT


def _statistics_request(request):
    exact_allowed = request.user.has_perm("dossiers.view_exact_statistics")
    form = StatisticsFilterForm(
        request.GET or None,
        organisation=request.organisation,
        exact_allowed=exact_allowed,
        initial={"van": date(timezone.localdate().year, 1, 1)},
    )
    if form.is_bound and not form.is_valid():
        return form, None
    period = form.period()
    figures = statistics.case_statistics(request.organisation, period, published=form.published())
    return form, figures


def _audit(request, action: str, figures: statistics.Statistics, **extra) -> None:
    period = figures.period
    record_event(
        actor=request.user,
        action=action,
        organisation=request.organisation,
        role=_role(request.user),
        data={
            "published": figures.published,
            "start": period.start.isoformat() if period.start else "",
            "end": period.end.isoformat() if period.end else "",
            "channel": period.channel_code,
            **extra,
        },
    )


def _hidden(figures: statistics.Statistics, section: str, code: str) -> bool:
    hidden = set(figures.suppressed)
    if section == "total":
        return "received" in hidden
    if section == "duration":
        return code in hidden
    if section.endswith("_deadline"):
        return section in hidden or (code != "due" and f"{section}.on_time" in hidden)
    return f"{section}.{code}" in hidden


def display_rows(figures: statistics.Statistics) -> list[tuple[str, str, str, object]]:
    """The rows with every hidden value as "fewer than N" and a missing one (no cases) as an empty cell."""
    out = []
    for section, code, label, value in figures.rows():
        if value is None:
            value = privacy.fewer_than(figures.threshold) if _hidden(figures, section, code) else ""
        out.append((section, code, label, value))
    return out


SECTION_TITLES = {
    "by_channel": gettext_lazy("By channel"),
    "by_category": gettext_lazy("By category"),
    "by_stage": gettext_lazy("By stage"),
    "by_outcome": gettext_lazy("By outcome"),
}


@never_cache
@require_GET
@permission_required("dossiers.view_statistics")
def statistics_page(request):
    form, figures = _statistics_request(request)
    sections, key_figures = [], []
    if figures is not None:
        _audit(request, "dossiers.statistics_viewed", figures)
        rows = display_rows(figures)
        key_figures = [(label, value) for section, _code, label, value in rows if section not in SECTION_TITLES]
        for key, title in SECTION_TITLES.items():
            sections.append((title, [(label, value) for section, _code, label, value in rows if section == key]))
    return render(
        request,
        "dossiers/statistics.html",
        {
            "form": form,
            "figures": figures,
            "sections": sections,
            "key_figures": key_figures,
            "query": request.GET.urlencode(),
            "formats": FORMATS,
        },
    )


EXPORT_HEADERS = ("onderdeel", "code", "omschrijving", "waarde")


@never_cache
@require_GET
@permission_required("dossiers.view_statistics")
def statistics_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    form, figures = _statistics_request(request)
    if figures is None:
        return redirect(reverse("dossiers_oversight:statistics") + "?" + request.GET.urlencode())
    rows = display_rows(figures)
    _audit(request, "dossiers.statistics_exported", figures, format=fmt, rows=len(rows))
    period = figures.period
    stem = "statistieken-meldingen"
    if period.start or period.end:
        stem += f"-{period.start or ''}-{period.end or ''}"
    if not figures.published:
        stem += "-exact"
    return export_rows(rows, headers=EXPORT_HEADERS, format=fmt, filename=stem)


# --- Retention ------------------------------------------------------------------------------------------------


class RetentionRunForm(PleinFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked the list: remove the contents of these cases for good."),
        error_messages={"required": gettext_lazy("Tick the box to confirm that the contents may be removed.")},
    )


class LegalHoldForm(PleinFormMixin, forms.Form):
    SET, LIFT = "instellen", "opheffen"

    reference = forms.CharField(
        label=gettext_lazy("Reference of the report"),
        max_length=20,
        help_text=gettext_lazy("As shown in the inbox, for example 2026-0012."),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("What do you want to do?"),
        choices=[(SET, gettext_lazy("Set a legal hold")), (LIFT, gettext_lazy("Lift the legal hold"))],
        initial=SET,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Required when you set a hold: for example the court case or the request of the authority. "
            "No names or contents of the report."
        ),
    )


def _retention_context(request, **extra) -> dict:
    organisation = request.organisation
    preview = retention.apply_retention(organisation=organisation, actor=request.user, dry_run=True)
    return {
        "preview": preview,
        "due": list(retention.due_cases(organisation, today=preview.today)),
        "held": list(retention.held_cases(organisation)),
        "run_form": RetentionRunForm(),
        "hold_form": LegalHoldForm() if request.user.has_perm("dossiers.set_legal_hold") else None,
        **extra,
    }


@never_cache
@require_GET
@permission_required("dossiers.apply_retention")
def retention_page(request):
    return render(request, "dossiers/retention.html", _retention_context(request))


@never_cache
@require_POST
@permission_required("dossiers.apply_retention")
def retention_run(request):
    form = RetentionRunForm(request.POST)
    if not form.is_valid():
        return render(request, "dossiers/retention.html", _retention_context(request, run_form=form), status=400)
    result = retention.apply_retention(organisation=request.organisation, actor=request.user, dry_run=False)
    if result.cases:
        messages.success(
            request,
            _(
                "The contents of %(cases)d cases were removed: %(messages)d messages, %(attachments)d attachments "
                "and %(keys)d keys. Their figures remain in the statistics."
            )
            % {
                "cases": result.cases,
                "messages": result.messages,
                "attachments": result.attachments,
                "keys": result.keys,
            },
        )
    else:
        messages.info(request, _("There was nothing to remove."))
    if result.files_failed:
        messages.warning(
            request,
            _(
                "%(n)d encrypted files could not be deleted from the storage; their key is gone, so nobody can open them."
            )
            % {"n": result.files_failed},
        )
    return redirect("dossiers_oversight:retention")


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("dossiers.set_legal_hold")
def legal_hold(request):
    form = LegalHoldForm(request.POST or None, initial={"reference": request.GET.get("reference", "")[:20]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = retention.find_case(request.organisation, data["reference"])
        if case is None:
            form.add_error("reference", _("There is no report with this reference."))
        else:
            try:
                retention.set_legal_hold(
                    case=case, actor=request.user, hold=data["action"] == form.SET, reason=data["reason"]
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    form.add_error(None, exc)
            else:
                if data["action"] == form.SET:
                    messages.success(request, _("Legal hold set on %(ref)s.") % {"ref": case.report.reference})
                else:
                    messages.success(request, _("Legal hold lifted from %(ref)s.") % {"ref": case.report.reference})
                return redirect("dossiers_oversight:retention")
    status = 400 if request.method == "POST" else 200
    return render(request, "dossiers/retention_hold.html", {"form": form}, status=status)
