"""Get a scale database ready for a benchmark run, with the server's own settings; print what the load needs as JSON.

Run by ``benchmarks/run`` in the environment of the server it is about to start (same database, same SECRET_KEY), so
that the sessions it writes are valid there:

- logged-in sessions for the demo employee, the integrity coordinator and HR, made through Django's session engine.
  The coordinator and HR need a second factor in production: they get an authenticator app (TOTP) and a session
  that records the second step, as after a real login. The coordinator's vault is unlocked the way the vault page
  does it (half of the key in the session, half in the ``plein_vault`` cookie);
- the case with the longest conversation in the coordinator's channels;
- last year's annual report: generated from the registers (timed, as JSON and as PDF) and published, so that its
  public JSON and PDF can be measured.
"""

import json
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plein.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from plein.core.models import User  # noqa: E402
from plein.core.selectors import default_organisation  # noqa: E402

EMPLOYEE, IC, HR = "medewerker@veenland.example", "ic@veenland.example", "hr@veenland.example"
VAULT_PASSPHRASE = "kluis-veenland-demo"  # plein.reports.demo.DEMO_VAULT_PASSPHRASE; the scale data uses the demo's


def session_cookie(user: User, *, mfa: bool, extra: dict | None = None) -> str:
    from importlib import import_module

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    if mfa:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            authenticator = TOTP.activate(user, secrets.token_hex(10)).instance
        records.append({"method": "mfa", "at": now, "type": "totp", "id": authenticator.pk})
    store[AUTHENTICATION_METHODS_SESSION_KEY] = records
    store["account_authentication_methods_user"] = str(user.pk)
    for key, value in (extra or {}).items():
        store[key] = value
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def vault_cookie(user: User) -> tuple[dict, str]:
    from plein.reports import crypto, services
    from plein.reports.keysession import VAULT_COOKIE, VAULT_SESSION_KEY

    private_key = services.unlock_vault(user=user, passphrase=VAULT_PASSPHRASE)
    wrapping_key, ciphertext = crypto.split_secret(private_key)
    return {VAULT_SESSION_KEY: {"user": user.pk, "ct": crypto.b64encode(ciphertext)}}, (
        f"{VAULT_COOKIE}={crypto.b64encode(wrapping_key)}"
    )


def the_case(user: User):
    from plein.reports.models import Report, ReportKey

    readable = ReportKey.objects.filter(kind=ReportKey.Kind.HANDLER, user=user).values("report_id")
    return Report.objects.filter(pk__in=readable).annotate(n=Count("messages")).order_by("-n", "-received_at").first()


def annual_report(organisation, *, timed: bool = True) -> dict:
    from plein.annual_report import rendering, selectors, services
    from plein.annual_report.models import MIN_YEAR, AnnualReport

    year = timezone.localdate().year - 1
    if year < MIN_YEAR:
        return {}
    started = time.monotonic()
    data = selectors.build_report(organisation, year, published=False, today=timezone.localdate())
    json_bytes = rendering.render("json", data, selectors.texts_of(selectors.report_for(organisation, year)))
    json_seconds = time.monotonic() - started
    started = time.monotonic()
    pdf_bytes = (
        rendering.render("pdf", data, selectors.texts_of(selectors.report_for(organisation, year))) if timed else b""
    )
    pdf_seconds = time.monotonic() - started
    report = services.get_or_create_report(organisation=organisation, year=year)
    if not report.is_published:
        AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.APPROVED)
        report.refresh_from_db()
        services.publish(report=report, actor=None)
        services.store_published_pdf(report_id=report.pk)  # when the task backend does not run it at once
    return {
        "year": year,
        "generate_json_seconds": round(json_seconds, 2),
        "generate_pdf_seconds": round(json_seconds + pdf_seconds, 2),
        "json_bytes": len(json_bytes),
        "pdf_bytes": len(pdf_bytes),
        "json_path": reverse("annual_report:public_json", args=[year]),
        "pdf_path": reverse("annual_report:public_pdf", args=[year]),
    }


def counts() -> dict:
    from django.apps import apps

    wanted = {
        "employees": "core.Employee",
        "accounts": "core.User",
        "audit events": "core.AuditEvent",
        "oath registrations": "oaths.Registration",
        "outside activities": "declarations.OutsideActivity",
        "gifts": "declarations.Gift",
        "attendance": "learning.Attendance",
        "reports": "reports.Report",
        "report messages": "reports.Message",
    }
    return {name: apps.get_model(label).objects.count() for name, label in wanted.items()}


def main() -> int:
    organisation = default_organisation()
    users = {u.email: u for u in User.objects.filter(email__in=[EMPLOYEE, IC, HR])}
    missing = {EMPLOYEE, IC, HR} - set(users)
    if organisation is None or missing:
        print(json.dumps({"error": f"no scale data here (missing: {sorted(missing) or 'organisation'})"}))
        return 1
    ic = users[IC]
    vault_session, vault = vault_cookie(ic)
    case = the_case(ic)
    out = {
        "cookies": {
            "employee": session_cookie(users[EMPLOYEE], mfa=False),
            "hr": session_cookie(users[HR], mfa=True),
            "ic": session_cookie(ic, mfa=True) + "; " + vault,
            "ic_vault": session_cookie(ic, mfa=True, extra=vault_session) + "; " + vault,
        },
        "paths": {
            "home": reverse("core:home"),
            "start": reverse("core:start"),
            "inbox": reverse("reports:inbox"),
            "case": reverse("reports:report", args=[case.pk]) if case else "",
            "oaths": reverse("oaths:overview"),
            "activities": reverse("declarations:activity_list"),
            "public_register": reverse("declarations:public_register"),
            "health": reverse("core:healthz"),
        },
        "case_messages": case.n if case else 0,
        "annual_report": annual_report(organisation, timed="--smoke" not in sys.argv),
        "counts": counts(),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
