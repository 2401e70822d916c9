"""Views of the reporting channel: thin; the work is in services, selectors and crypto.

Reporter pages (``/melden/``) are public, work without JavaScript, set no session data and are never cached. Handler
pages (``/meldingen/``) need a handling role, team membership and an unlocked vault. Channel set-up
(``/beheer/meldkanalen/``) is for the functional administrator, who holds no key.
"""

import datetime
import json
from dataclasses import dataclass
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.core.permissions import permission_required
from plein.reports import crypto, forms, keysession, ratelimit, selectors, services
from plein.reports.models import Attachment, Channel, ChannelMembership, Report, ReportKey
from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

# --- Helpers --------------------------------------------------------------------------------------------------


def keep_input_on_csrf_failure(view):
    """CSRF protection that keeps what the reporter typed: on a failed check the view gets ``request.csrf_failed``.

    The view must then store nothing and show the form again, filled in, with a fresh token and a clear message.
    (Django's default would replace the page with an error, and a long report would be lost.)
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.csrf_failed = False
        if request.method == "POST":
            rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            request.csrf_failed = rejected is not None
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def clear_key_errors(view):
    """A report key that cannot be unwrapped (a changed key, a removed wrap) gets a page that says what to do."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (crypto.CryptoError, ReportKey.DoesNotExist):
            return render(request, "reports/key_error.html", status=409)

    return wrapped


def _busy(request):
    response = render(request, "reports/busy.html", status=503)
    response["Retry-After"] = "10"
    return response


def _organisation(request):
    org = request.organisation
    return org if org else None


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _file_response(decrypted: selectors.DecryptedFile) -> StreamingHttpResponse:
    response = StreamingHttpResponse(decrypted.chunks, content_type="application/octet-stream")
    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in decrypted.name)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(decrypted.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    if decrypted.size:
        response["Content-Length"] = str(decrypted.size)
    return response


# --- Public: information and submission -----------------------------------------------------------------------


@require_GET
@never_cache
def start(request):
    org = _organisation(request)
    available = selectors.organisation_key(org) is not None
    return render(
        request,
        "reports/start.html",
        {
            "channels": selectors.open_channels(org) if available else [],
            "available": available,
            "advisers": selectors.confidential_advisers(org),
            "authorities": settings.PLEIN.get("EXTERNAL_AUTHORITIES", []),
        },
    )


def _unknown_channel(request):
    return render(request, "reports/unknown_channel.html", status=404)


def _initial_from_post(post) -> dict:
    initial = {key: post.get(key) for key in post if key not in ("csrfmiddlewaretoken", "form_token", "exclude")}
    initial["exclude"] = post.getlist("exclude")
    initial["strip_metadata"] = "strip_metadata" in post
    return initial


@never_cache
@require_http_methods(["GET", "POST"])
@keep_input_on_csrf_failure
def submit(request, code):
    org = _organisation(request)
    channel = selectors.open_channel(org, code)
    if channel is None or selectors.organisation_key(org) is None:
        return _unknown_channel(request)
    context = {"channel": channel, "logged_in": request.user.is_authenticated}
    if request.method == "GET":
        form = forms.ReportForm(channel=channel, initial={"form_token": services.issue_form_token()})
        return render(request, "reports/submit.html", {**context, "form": form})

    if request.csrf_failed:
        initial = {**_initial_from_post(request.POST), "form_token": services.issue_form_token()}
        form = forms.ReportForm(channel=channel, initial=initial)
        context["notice"] = _(
            "For your safety this form had expired, so nothing was sent yet. What you typed is still here: check it, "
            "add your files again if you had any, and send the form."
        )
        return render(request, "reports/submit.html", {**context, "form": form}, status=403)

    form = forms.ReportForm(request.POST, request.FILES, channel=channel)
    if ratelimit.exceeded(request, ratelimit.submission_limit()):
        form.is_valid()
        form.add_error(
            None, _("Many reports were sent from your connection in a short time. Wait an hour and try again.")
        )
        return render(request, "reports/submit.html", {**context, "form": form}, status=429)
    if form.is_valid():
        prepared = form.prepared_files()
        if not form.errors:
            try:
                submission = services.submit_report(
                    channel=channel,
                    mode=form.cleaned_data["mode"],
                    answers=form.answers(),
                    identity=form.identity(),
                    excluded_user_ids=form.excluded_user_ids(),
                    files=prepared,
                    form_token=form.cleaned_data["form_token"],
                )
            except services.DuplicateSubmission:
                return render(request, "reports/already_sent.html", context, status=409)
            except crypto.Argon2Busy:
                return _busy(request)
            except ValidationError as exc:
                if getattr(exc, "code", "") == "form_expired":
                    data = request.POST.copy()
                    data["form_token"] = services.issue_form_token()
                    form = forms.ReportForm(data, channel=channel)
                    form.is_valid()
                form.add_error(None, exc)
            else:
                ratelimit.hit(request, ratelimit.submission_limit())
                return render(
                    request,
                    "reports/receipt.html",
                    {
                        **context,
                        "receipt": crypto.format_receipt(submission.receipt_code),
                        "received_at": submission.report.received_at,
                    },
                )
    return render(request, "reports/submit.html", {**context, "form": form}, status=400)


# --- Public: the reporter's way back --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def receipt_login(request):
    """One generic error for any wrong code; a lock-out per client (keyed hash in the cache) after too many."""
    org = _organisation(request)
    form = forms.ReceiptLoginForm(request.POST or None)
    if request.method == "GET":
        return render(request, "reports/receipt_login.html", {"form": form})
    limit = ratelimit.receipt_limit()
    if ratelimit.exceeded(request, limit):
        return _receipt_error(request, _locked_message(limit), 429)
    if form.is_valid():
        try:
            opened = services.open_with_receipt(organisation=org, code=form.cleaned_data["code"]) if org else None
        except crypto.Argon2Busy:
            return _busy(request)
        if opened is not None:
            report, report_key = opened
            response = redirect("reports:reporter_report")
            keysession.start_reporter_session(response, report_id=report.pk, report_key=report_key)
            return response
    if ratelimit.hit(request, limit) >= limit.max_events:
        return _receipt_error(request, _locked_message(limit), 429)
    return _receipt_error(request, _("This receipt code is not correct. Check the 16 digits and try again."), 400)


def _receipt_error(request, message, status):
    return render(
        request, "reports/receipt_login.html", {"form": forms.ReceiptLoginForm(), "error": message}, status=status
    )


def _locked_message(limit) -> str:
    minutes = max(1, limit.window_seconds // 60)
    return _(
        "A wrong receipt code was entered too often from your connection. For safety, you can try again in "
        "%(minutes)d minutes."
    ) % {"minutes": minutes}


def _reporter_report(request):
    access = keysession.reporter_access(request)
    if access is None:
        return None, None
    org = _organisation(request)
    report = Report.objects.filter(pk=access.report_id, organisation=org).select_related("channel").first()
    if report is None:
        return None, None
    return report, access.report_key


def _expired_reporter_session(request):
    return render(request, "reports/reporter_expired.html", status=403)


@never_cache
@require_http_methods(["GET", "POST"])
@keep_input_on_csrf_failure
def reporter_report(request):
    report, report_key = _reporter_report(request)
    if report is None:
        return _expired_reporter_session(request)
    status = 200
    notice = ""
    if request.method == "POST" and request.csrf_failed:
        form = forms.MessageForm(initial={"text": request.POST.get("text", "")})
        notice = _(
            "For your safety the form had expired, so nothing was sent yet. Check your message and send it again."
        )
        status = 403
    elif request.method == "POST":
        form = forms.MessageForm(request.POST, request.FILES)
        if ratelimit.exceeded(request, ratelimit.message_limit()):
            form.is_valid()
            form.add_error(None, _("Many messages were sent from your connection in a short time. Try again later."))
            status = 429
        elif form.is_valid():
            prepared = form.prepared_files()
            if not form.errors:
                try:
                    services.add_reporter_message(
                        report=report, report_key=report_key, text=form.cleaned_data.get("text", ""), files=prepared
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    ratelimit.hit(request, ratelimit.message_limit())
                    return redirect(reverse("reports:reporter_report") + "?verzonden=1#berichten")
        if form.errors and status == 200:
            status = 400
    else:
        form = forms.MessageForm()
    opened = selectors.report_for_reporter(report=report, report_key=report_key, team_label=_("The team"))
    from plein.dossiers.selectors import for_reporter  # the handling side: records to check, consent questions

    return render(
        request,
        "reports/reporter_report.html",
        {
            "opened": opened,
            "report": report,
            "form": form,
            "sent": "verzonden" in request.GET,
            "notice": notice,
            "dossier": for_reporter(report=report, report_key=report_key),
        },
        status=status,
    )


@never_cache
@require_GET
def reporter_attachment(request, pk):
    report, report_key = _reporter_report(request)
    if report is None:
        return _expired_reporter_session(request)
    attachment = get_object_or_404(Attachment, pk=pk, report=report)
    return _file_response(selectors.decrypt_attachment(attachment=attachment, report_key=report_key, actor=None))


@require_POST
def reporter_logout(request):
    response = render(request, "reports/reporter_logged_out.html")
    keysession.end_reporter_session(request, response)
    response["Cache-Control"] = "no-store"
    return response


# --- Handler: vault -------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("reports.use_vault")
def vault_setup(request):
    if selectors.handler_key(request.user) is not None:
        messages.info(request, _("Your vault has already been set up."))
        return redirect("reports:vault_unlock")
    form = forms.VaultSetupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_up_vault(user=request.user, passphrase=form.cleaned_data["passphrase"])
        except crypto.Argon2Busy:
            return _busy(request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Your vault has been set up. A colleague in your team (or the functional administrator, for a new "
                    "team) now confirms you, after which you can read reports."
                ),
            )
            return redirect("reports:vault_unlock")
    return render(request, "reports/vault_setup.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("reports.use_vault")
def vault_unlock(request):
    hk = selectors.handler_key(request.user)
    if hk is None:
        return redirect("reports:vault_setup")
    form = forms.VaultUnlockForm(request.POST or None)
    next_url = _safe_next(request, reverse("reports:inbox"))
    status = 200
    error = ""
    if request.method == "POST":
        limit = ratelimit.vault_limit()
        if ratelimit.user_exceeded(request.user, limit):
            form = forms.VaultUnlockForm()
            error = _("The passphrase was wrong too often. For safety, try again in %(n)d minutes.") % {
                "n": max(1, limit.window_seconds // 60)
            }
            status = 429
        elif form.is_valid():
            try:
                private_key = services.unlock_vault(user=request.user, passphrase=form.cleaned_data["passphrase"])
            except crypto.Argon2Busy:
                return _busy(request)
            except services.WrongPassphrase:
                ratelimit.hit_user(request.user, limit)
                form = forms.VaultUnlockForm()
                error = _("This passphrase is not correct.")
                status = 400
            else:
                ratelimit.reset_user(request.user, limit.purpose)
                response = redirect(next_url)
                keysession.store_unlocked_key(request, response, user=request.user, private_key=private_key)
                return response
        else:
            status = 400
    return render(
        request,
        "reports/vault_unlock.html",
        {"form": form, "next": next_url, "error": error, "fingerprint": crypto.fingerprint(bytes(hk.public_key))},
        status=status,
    )


@require_POST
@permission_required("reports.use_vault")
def vault_lock(request):
    response = redirect("reports:inbox")
    keysession.lock(request, response)
    messages.success(request, _("Your vault is locked."))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("reports.use_vault")
def vault_reset(request):
    if selectors.handler_key(request.user) is None:
        return redirect("reports:vault_setup")
    form = forms.VaultSetupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_vault(user=request.user, passphrase=form.cleaned_data["passphrase"])
        except crypto.Argon2Busy:
            return _busy(request)
        response = redirect("reports:vault_unlock")
        keysession.lock(request, response)
        messages.success(
            request,
            _("You have a new vault. Ask a colleague in your team to give you access to the reports again."),
        )
        return response
    return render(request, "reports/vault_reset.html", {"form": form}, status=400 if form.errors else 200)


def _private_key_or_redirect(request):
    hk = selectors.handler_key(request.user)
    if hk is None:
        return None, redirect("reports:vault_setup")
    key = keysession.unlocked_key(request, public_key=bytes(hk.public_key))
    if key is None:
        return None, redirect(f"{reverse('reports:vault_unlock')}?next={quote(request.get_full_path())}")
    return key, None


# --- Handler: inbox and reading -------------------------------------------------------------------------------


@dataclass
class InboxRow:
    """One report in the inbox, with its labels, links and dates worked out in Python (see ``_inbox_rows``)."""

    report: Report
    case: object  # plein.dossiers.models.Case, or None
    url: str
    case_url: str
    mode: str
    status: str
    stage: str
    received: str
    acknowledge_before: str
    feedback_before: str
    feedback_due: str
    next_due: str


def _url_for_pk(name: str):
    """``reverse(name, args=[pk])`` for many pks at the cost of one ``reverse()``: the pk is an integer in the path."""
    marker = 918273645
    pattern = reverse(name, args=[marker])
    head, tail = pattern.split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


def _inbox_rows(reports) -> list[InboxRow]:
    """The page's rows with per-page work instead of per-row template work (issue 12).

    The choice labels come from one dictionary each (``get_FOO_display`` hashes every lazy label of the field per
    call), the links from one ``reverse()`` per view, and the dates are written as the ``date:"j F Y"`` filter writes
    them (in local time for date-times), with each month's name translated once. Metadata only, as before.
    """
    from django.utils.dates import MONTHS

    from plein.dossiers.models import Case

    modes, statuses, stages = (
        {value: str(label) for value, label in model._meta.get_field(name).flatchoices}
        for model, name in ((Report, "mode"), (Report, "status"), (Case, "stage"))
    )
    report_url, case_url = _url_for_pk("reports:report"), _url_for_pk("dossiers:case")
    months = {number: str(name) for number, name in MONTHS.items()}

    def day(value) -> str:
        """``value|date:"j F Y"``: the day without a leading zero, the month's name, the year in four digits."""
        if value is None:
            return ""
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.day} {months[value.month]} {value.year:04d}"

    rows = []
    for r in reports:
        try:
            case = r.case
        except Case.DoesNotExist:
            case = None
        rows.append(
            InboxRow(
                report=r,
                case=case,
                url=report_url(r.pk),
                case_url=case_url(r.pk),
                mode=modes.get(r.mode, r.mode),
                status=statuses.get(r.status, r.status),
                stage=stages.get(case.stage, case.stage) if case is not None else "",
                received=day(r.received_at),
                acknowledge_before=day(r.acknowledge_before),
                feedback_before=day(r.feedback_before),
                feedback_due=day(case.feedback_due) if case is not None else "",
                next_due=day(r.next_due),
            )
        )
    return rows


@never_cache
@require_GET
@permission_required("reports.view_inbox")
def inbox(request):
    org = _organisation(request)
    channels = selectors.channels_of(request.user, org)
    channel_code = request.GET.get("kanaal", "")
    status = request.GET.get("status", "")
    if status not in Report.Status.values:
        status = ""
    if channel_code not in {c.code for c in channels}:
        channel_code = ""
    sort = request.GET.get("sorteer", "-received")
    if sort not in selectors.INBOX_SORTS:
        sort = "-received"
    deadline = request.GET.get("termijn", "")
    if deadline not in selectors.DEADLINE_FILTERS:
        deadline = ""
    try:
        within = min(366, max(0, int(request.GET.get("dagen") or 7)))
    except ValueError:
        within = 7
    qs = selectors.inbox(
        request.user, org, channel_code=channel_code, status=status, sort=sort, deadline=deadline, within_days=within
    ).only(*selectors.INBOX_COLUMNS)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    hk = selectors.handler_key(request.user)
    today = timezone.localdate()
    return render(
        request,
        "reports/inbox.html",
        {
            "page": page,
            "rows": _inbox_rows(page.object_list),
            "channels": channels,
            "statuses": Report.Status.choices,
            "channel_code": channel_code,
            "status": status,
            "sort": sort,
            "sorts": [
                ("-received", _("Newest first")),
                ("received", _("Oldest first")),
                ("deadline", _("Next deadline first")),
            ],
            "deadline": deadline,
            "deadlines": [
                ("overdue", pgettext("deadline", "Overdue")),
                ("soon", _("Due within the number of days below")),
                ("open", _("With an open deadline")),
            ],
            "within": within,
            "today": today,
            "can_register_oral": request.user.has_perm("reports.view_inbox") and bool(channels),
            "has_vault": hk is not None,
            "unlocked": hk is not None and keysession.is_unlocked(request),
        },
    )


def _report(request, pk):
    """The report of this request (of the request's organisation), loaded once: the permission check and the view
    share it (``permission_required(fn=...)`` asks for it first)."""
    loaded = getattr(request, "_plein_report", None)
    if loaded is not None and loaded.pk == pk:
        return loaded
    report = get_object_or_404(
        Report.objects.select_related("channel", "organisation"), pk=pk, organisation=request.organisation
    )
    request._plein_report = report
    return report


def _render_report(request, report, private_key, *, identity=None, status=200, **forms_):
    report_key = services.handler_report_key(report=report, user=request.user, private_key=private_key)
    opened = selectors.report_for_handler(report=report, user=request.user, report_key=report_key)
    if identity is not None:
        opened.identity, opened.identity_hidden = identity, False
    context = {
        **forms_,  # a form that failed validation (the page shows only the reply form)
        "opened": opened,
        "report": report,
        "reply_form": forms_.get("reply_form") or forms.MessageForm(label=_("Message to the reporter")),
    }
    return render(request, "reports/report_detail.html", context, status=status)


@never_cache
@require_GET
@permission_required("reports.view_report", fn=lambda request, pk: _report(request, pk))
@clear_key_errors
def report_detail(request, pk):
    report = _report(request, pk)
    private_key, redirect_response = _private_key_or_redirect(request)
    if redirect_response:
        return redirect_response
    return _render_report(request, report, private_key)


@never_cache
@require_POST
@permission_required("reports.view_report", fn=lambda request, pk: _report(request, pk))
@clear_key_errors
def report_reply(request, pk):
    report = _report(request, pk)
    private_key, redirect_response = _private_key_or_redirect(request)
    if redirect_response:
        return redirect_response
    form = forms.MessageForm(request.POST, request.FILES, label=_("Message to the reporter"))
    if form.is_valid():
        prepared = form.prepared_files()
        if not form.errors:
            report_key = services.handler_report_key(report=report, user=request.user, private_key=private_key)
            try:
                services.add_team_message(
                    report=report,
                    actor=request.user,
                    report_key=report_key,
                    text=form.cleaned_data.get("text", ""),
                    files=prepared,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Your message has been sent. The reporter sees it with their receipt code.")
                )
                return redirect(reverse("reports:report", args=[report.pk]) + "#berichten")
    return _render_report(request, report, private_key, reply_form=form, status=400)


@never_cache
@require_POST
@permission_required("reports.view_report", fn=lambda request, pk: _report(request, pk))
@clear_key_errors
def report_acknowledge(request, pk):
    report = _report(request, pk)
    private_key, redirect_response = _private_key_or_redirect(request)
    if redirect_response:
        return redirect_response
    form = forms.AcknowledgeForm(request.POST)
    if form.is_valid():
        report_key = services.handler_report_key(report=report, user=request.user, private_key=private_key)
        try:
            services.acknowledge_report(
                report=report, actor=request.user, report_key=report_key, text=form.cleaned_data.get("text", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Receipt has been confirmed. The reporter sees this with their receipt code."))
        return redirect("reports:report", pk=report.pk)
    return _render_report(request, report, private_key, ack_form=form, status=400)


@never_cache
@require_POST
@permission_required("reports.view_report", fn=lambda request, pk: _report(request, pk))
def report_reveal_identity(request, pk):
    """Kept for old links and forms: a confidential identity is shown only through the case's four-eyes step."""
    report = _report(request, pk)
    messages.info(
        request,
        _(
            "A confidential reporter's identity is shown only after a second team member approved your request, or "
            "the reporter consented. Ask for it here."
        ),
    )
    return redirect(reverse("dossiers:case", args=[report.pk]) + "#identiteit")


@never_cache
@require_GET
@permission_required("reports.view_report", fn=lambda request, pk, attachment_pk: _report(request, pk))
@clear_key_errors
def report_attachment(request, pk, attachment_pk):
    report = _report(request, pk)
    private_key, redirect_response = _private_key_or_redirect(request)
    if redirect_response:
        return redirect_response
    attachment = get_object_or_404(
        Attachment.objects.select_related("report__organisation"), pk=attachment_pk, report=report
    )
    report_key = services.handler_report_key(report=report, user=request.user, private_key=private_key)
    return _file_response(
        selectors.decrypt_attachment(attachment=attachment, report_key=report_key, actor=request.user)
    )


# --- Handler: team access -------------------------------------------------------------------------------------


def _channel(request, code):
    return get_object_or_404(Channel, organisation=request.organisation, code=code)


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("reports.grant_access", fn=lambda request, code: _channel(request, code))
def channel_team(request, code):
    channel = _channel(request, code)
    members = selectors.team(channel)
    choices = [
        (m.membership.user_id, m.label)
        for m in members
        if m.membership.user_id != request.user.pk and m.has_vault and (m.missing or not m.confirmed or m.key_changed)
    ]
    form = forms.GrantAccessForm(request.POST or None, choices=choices)
    status = 200
    if request.method == "POST":
        private_key, redirect_response = _private_key_or_redirect(request)
        if redirect_response:
            return redirect_response
        if form.is_valid():
            grantee = next(m.membership.user for m in members if m.membership.user_id == form.cleaned_data["member"])
            try:
                granted = services.grant_access(
                    channel=channel, actor=request.user, actor_private_key=private_key, grantee=grantee
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s now has access to %(n)d more reports of this channel.")
                    % {"name": selectors.member_label(grantee), "n": granted},
                )
                return redirect("reports:channel_team", code=channel.code)
        status = 400
    return render(
        request,
        "reports/channel_team.html",
        {"channel": channel, "members": members, "form": form, "can_grant": bool(choices)},
        status=status,
    )


# --- Functional administrator: set-up -------------------------------------------------------------------------


@never_cache
@require_GET
@permission_required("reports.manage_channels")
def admin_channels(request):
    org = _organisation(request)
    key = selectors.organisation_key(org)
    page = Paginator(selectors.channels_for_admin(org), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/admin_channels.html",
        {
            "page": page,
            "org_key": key,
            "fingerprint": crypto.fingerprint(bytes(key.recovery_public_key)) if key else "",
            "recovery_form": forms.RecoverySetupForm(),
        },
    )


@never_cache
@require_POST
@permission_required("reports.manage_channels")
def admin_recovery(request):
    org = _organisation(request)
    form = forms.RecoverySetupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that you are ready to store the recovery key."))
        return redirect("reports:admin_channels")
    try:
        record, recovery_key = services.set_up_reporting(organisation=org, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:admin_channels")
    response = render(
        request,
        "reports/admin_recovery_key.html",
        {"recovery_key": recovery_key, "fingerprint": crypto.fingerprint(bytes(record.recovery_public_key))},
    )
    response["Cache-Control"] = "no-store"
    return response


def _channel_values(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("code", None)
    return data


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("reports.manage_channels")
def admin_channel_new(request):
    form = forms.ChannelForm(
        request.POST or None, initial={"questionnaire": json.dumps(DEFAULT_QUESTIONNAIRE, ensure_ascii=False, indent=2)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.create_channel(
                organisation=request.organisation,
                actor=request.user,
                code=form.cleaned_data["code"],
                **_channel_values(form),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The channel has been created. Now put together its team."))
            return redirect("reports:admin_channel_team", code=channel.code)
    return render(
        request, "reports/admin_channel_form.html", {"form": form, "channel": None}, status=400 if form.errors else 200
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("reports.manage_channels")
def admin_channel_edit(request, code):
    channel = _channel(request, code)
    initial = {name: getattr(channel, name) for name in services.CHANNEL_FIELDS}
    initial["code"] = channel.code
    initial["questionnaire"] = json.dumps(channel.questionnaire, ensure_ascii=False, indent=2)
    form = forms.ChannelForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_channel(channel=channel, actor=request.user, **_channel_values(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The channel has been saved."))
            return redirect("reports:admin_channels")
    return render(
        request,
        "reports/admin_channel_form.html",
        {"form": form, "channel": channel},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("reports.manage_channels")
def admin_channel_team(request, code):
    channel = _channel(request, code)
    members = selectors.team(channel)
    member_ids = {m.membership.user_id for m in members}
    candidates = [
        (u.pk, selectors.member_label(u))
        for u in selectors.handler_candidates(request.organisation).select_related("employee")
        if u.pk not in member_ids
    ]
    form = forms.TeamMemberForm(request.POST or None, choices=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = next(
                u for u in selectors.handler_candidates(request.organisation) if u.pk == form.cleaned_data["user"]
            )
            try:
                services.add_team_member(channel=channel, actor=request.user, user=user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("%(name)s has been added to the team.") % {"name": selectors.member_label(user)}
                )
                return redirect("reports:admin_channel_team", code=channel.code)
        status = 400
    has_confirmed = any(m.confirmed for m in members)
    return render(
        request,
        "reports/admin_channel_team.html",
        {"channel": channel, "members": members, "form": form, "has_confirmed": has_confirmed},
        status=status,
    )


@require_POST
@permission_required("reports.manage_channels")
def admin_team_member_remove(request, code, user_pk):
    channel = _channel(request, code)
    membership = get_object_or_404(ChannelMembership.objects.select_related("user"), channel=channel, user_id=user_pk)
    services.remove_team_member(channel=channel, actor=request.user, user=membership.user)
    messages.success(
        request, _("%(name)s has been removed from the team.") % {"name": selectors.member_label(membership.user)}
    )
    return redirect("reports:admin_channel_team", code=channel.code)


@require_POST
@permission_required("reports.manage_channels")
def admin_team_member_confirm(request, code, user_pk):
    channel = _channel(request, code)
    membership = get_object_or_404(ChannelMembership.objects.select_related("user"), channel=channel, user_id=user_pk)
    try:
        services.confirm_first_team_member(channel=channel, actor=request.user, user=membership.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s has been confirmed.") % {"name": selectors.member_label(membership.user)})
    return redirect("reports:admin_channel_team", code=channel.code)
