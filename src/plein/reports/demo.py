"""Demo records of the reporting channel for "Provincie Veenland".

Four channels with teams, vaults with a demo passphrase, and reports from 2025 onwards in different states with
conversations. Two reports have a fixed receipt code, printed in the README ("Try the reporter side"). No report of
the channel "Integriteitsschending" falls in 2024: the seed annual report says none was made to the IC that year.

Everything goes through the services, as a real submission would; only the dates of past events are set afterwards.
The recovery key of the demo is written to ``var/demo-recovery-key.txt`` (never to the repository).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import Employee, Organisation, RoleAssignment, StructureRole, User
from plein.reports import crypto, services
from plein.reports.files import prepare_upload
from plein.reports.models import Channel, Message, Report, ReportKey
from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

DEMO_DOMAIN = "veenland.example"
# Demo only, documented in the README. A real handler chooses their own passphrase.
DEMO_VAULT_PASSPHRASE = "kluis-veenland-demo"
# The two receipt codes printed in the README.
DEMO_RECEIPT_CODES = ("4827165090347712", "6093551824073361")
EARLIEST = date(2025, 1, 1)


def recovery_key_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-recovery-key.txt"


DATALEK_QUESTIONNAIRE = [
    {
        "key": "wat",
        "label": "Wat is er gebeurd?",
        "help": "Bijvoorbeeld: een laptop kwijt, een e-mail naar de verkeerde persoon, een verdachte e-mail.",
        "type": "textarea",
        "required": True,
        "choices": [],
    },
    {
        "key": "soort",
        "label": "Wat voor incident is het?",
        "help": "",
        "type": "choice",
        "required": True,
        "choices": [
            "Apparaat of papieren kwijt of gestolen",
            "Gegevens naar de verkeerde persoon",
            "Phishing of een hack",
            "Iets anders",
        ],
    },
    {
        "key": "wanneer",
        "label": "Wanneer is het gebeurd of ontdekt?",
        "help": "Een datalek moet soms binnen 72 uur bij de Autoriteit Persoonsgegevens gemeld worden.",
        "type": "date",
        "required": False,
        "choices": [],
    },
    {
        "key": "gegevens",
        "label": "Om welke gegevens gaat het?",
        "help": "Bijvoorbeeld namen, adressen, BSN-nummers of medische gegevens. Zet de gegevens zelf er niet in.",
        "type": "textarea",
        "required": False,
        "choices": [],
    },
]

CHANNELS = [
    {
        "code": "misstand",
        "name": "Vermoeden van een misstand",
        "description": (
            "Een misstand raakt het maatschappelijk belang: bijvoorbeeld een overtreding van de wet, gevaar voor de "
            "gezondheid, de veiligheid of het milieu, of een onjuist functioneren van de overheid. Hier meldt u een "
            "vermoeden volgens de Wet bescherming klokkenluiders en de regeling van de provincie."
        ),
        "questionnaire": DEFAULT_QUESTIONNAIRE,
        "anonymity_allowed": True,
        "retention_days": 5 * 365,
        "category": "",
        "order": 1,
        "team": ["ic", "vertrouwenspersoon", "provinciesecretaris"],
    },
    {
        "code": "integriteit",
        "name": "Integriteitsschending",
        "description": (
            "Gedrag van een collega of leidinggevende dat niet past bij de gedragscode: bijvoorbeeld "
            "belangenverstrengeling, misbruik van bevoegdheden of middelen, het lekken van informatie, of het "
            "aannemen van geschenken boven de grens."
        ),
        "questionnaire": DEFAULT_QUESTIONNAIRE,
        "anonymity_allowed": True,
        "retention_days": 5 * 365,
        "category": "",
        "order": 2,
        "team": ["ic", "vertrouwenspersoon"],
    },
    {
        "code": "ondermijning",
        "name": "Ondermijning",
        "description": (
            "Signalen dat criminelen misbruik maken van de provincie: bijvoorbeeld een vergunning of subsidie voor "
            "een dekmantel, druk op of omkoping van medewerkers, of verdachte constructies bij aanbestedingen."
        ),
        "questionnaire": DEFAULT_QUESTIONNAIRE,
        "anonymity_allowed": True,
        "retention_days": 7 * 365,
        "category": "",
        "order": 3,
        "team": ["ic", "onderzoeker"],
    },
    {
        "code": "datalek",
        "name": "Informatiebeveiligingsincident of datalek",
        "description": (
            "Een beveiligingsincident of een (mogelijk) datalek: gegevens zijn kwijt, gestolen, bij de verkeerde "
            "persoon terechtgekomen of door iemand ingezien die dat niet mocht. Het team van de CISO en de "
            "functionaris gegevensbescherming (FG) handelt het af."
        ),
        "questionnaire": DATALEK_QUESTIONNAIRE,
        "anonymity_allowed": True,
        "retention_days": 2 * 365,
        "category": "informatiebeveiliging",
        "order": 4,
        "team": ["ciso", "fg"],
    },
]


@dataclass
class DemoReport:
    channel: str
    mode: str
    days_ago: int
    answers: dict
    identity: dict | None = None
    state: str = "received"  # received, acknowledged, in_progress, closed
    ack_after_days: int = 3
    outcome: str = ""
    category: str = ""
    conversation: list[tuple[str, int, str]] = field(default_factory=list)  # (who, days after receipt, text)
    files: list[str] = field(default_factory=list)  # "photo" or "note"
    receipt: str = ""
    exclude: list[str] = field(default_factory=list)


REPORTS = [
    DemoReport(
        "misstand",
        "anonymous",
        3,
        {
            "wat": "Bij de inspectie van de dijkversterking bij Zwartsluis zijn de metingen van de laatste twee "
            "maanden niet in het systeem gezet. Het rapport zegt dat alles op orde is, maar de sensoren gaven "
            "afwijkingen aan.",
            "waar": "Team Waterkeringen, project dijkversterking",
            "eerder_gemeld": "Ja, bij mijn leidinggevende",
        },
        state="received",
        receipt=DEMO_RECEIPT_CODES[0],
    ),
    DemoReport(
        "integriteit",
        "confidential",
        240,
        {
            "wat": "Een collega die subsidieaanvragen beoordeelt, is ook bestuurslid van een stichting die dit jaar "
            "subsidie kreeg. Voor zover ik weet heeft hij dat niet gemeld.",
            "waar": "Team Subsidies",
            "wie": "Een beleidsmedewerker subsidies; zijn teamleider weet het mogelijk ook.",
            "eerder_gemeld": "Nee",
        },
        identity={"name": "Demo Melder", "email": "", "phone": ""},
        state="in_progress",
        ack_after_days=2,
        category="belangenverstrengeling",
        conversation=[
            ("team", 2, "Dank voor uw melding. We hebben hem ontvangen en gaan hem beoordelen."),
            ("team", 9, "Weet u om welke stichting het gaat, en vanaf wanneer hij bestuurslid is?"),
            (
                "reporter",
                11,
                "Het gaat om een sportstichting in Meppel. Hij is volgens mij sinds vorig jaar bestuurslid.",
            ),
            ("team", 20, "Dank u. We onderzoeken dit nu. Binnen drie maanden hoort u wat we ermee doen."),
        ],
        receipt=DEMO_RECEIPT_CODES[1],
    ),
    DemoReport(
        "misstand",
        "confidential",
        560,
        {
            "wat": "Bij de aanbesteding van het groenonderhoud werden offertes na de sluitingsdatum nog aangepast.",
            "wanneer": 30,
            "waar": "Inkoop, aanbesteding groenonderhoud provinciale wegen",
            "eerder_gemeld": "Nee",
        },
        identity={"name": "Demo Melder Twee", "email": "melder2@example.org", "phone": ""},
        state="closed",
        ack_after_days=4,
        outcome="partly_substantiated",
        category="misbruik_positie",
        conversation=[
            ("team", 4, "We hebben uw melding ontvangen. De integriteitscoördinator neemt contact met u op."),
            ("reporter", 6, "Dank u. Ik heb nog een e-mail met de oorspronkelijke planning, die voeg ik toe."),
            (
                "team",
                85,
                "Het onderzoek is afgerond. Een deel van uw melding is bevestigd; er zijn maatregelen genomen.",
            ),
        ],
        files=["note"],
    ),
    DemoReport(
        "integriteit",
        "anonymous",
        400,
        {
            "wat": "Een leidinggevende gebruikt de dienstauto ook in het weekend voor privéritten.",
            "waar": "Domein Mobiliteit",
            "eerder_gemeld": "Weet ik niet",
        },
        state="closed",
        ack_after_days=5,
        outcome="not_substantiated",
        category="misbruik_middelen",
        conversation=[
            ("team", 5, "Dank voor uw melding. Wij gaan dit na."),
            ("team", 60, "Wij hebben dit onderzocht. De ritten bleken toegestaan piketdiensten te zijn."),
        ],
    ),
    DemoReport(
        "integriteit",
        "named",
        45,
        {
            "wat": "Ik kreeg van een leverancier een uitnodiging voor een tweedaagse reis naar een beurs in Barcelona, "
            "inclusief hotel. Ik twijfel of ik die mag aannemen en meld het daarom.",
            "wie": "De accountmanager van een ICT-leverancier",
            "eerder_gemeld": "Nee",
        },
        identity={"name": "Demo Medewerker", "email": "medewerker@veenland.example", "phone": ""},
        state="acknowledged",
        ack_after_days=9,
        category="corruptie_geschenken",
        conversation=[
            ("team", 9, "Dank voor uw melding. Neem de uitnodiging niet aan; we nemen contact op met de leverancier."),
        ],
    ),
    DemoReport(
        "ondermijning",
        "anonymous",
        300,
        {
            "wat": "Een bedrijf dat een vergunning vraagt voor opslag in een loods lijkt geen echte activiteiten te "
            "hebben. Er komen 's nachts busjes en de eigenaar wisselt steeds.",
            "waar": "Bedrijventerrein bij Hoogeveen",
            "eerder_gemeld": "Nee",
        },
        state="in_progress",
        ack_after_days=1,
        category="overig",
        conversation=[
            ("team", 1, "Dank voor uw melding. We delen dit met het RIEC. Heeft u foto's of kentekens?"),
            ("reporter", 3, "Ja, ik heb een foto van de loods. Die voeg ik toe."),
        ],
        files=["photo"],
    ),
    DemoReport(
        "ondermijning",
        "confidential",
        6,
        {
            "wat": "Iemand bood mij geld aan als ik een handhavingsverzoek 'even liet liggen'.",
            "waar": "Team Vergunningverlening",
            "eerder_gemeld": "Nee",
        },
        identity={"name": "Demo Melder Drie", "email": "", "phone": "06 12345678"},
        state="received",
        category="corruptie_geschenken",
        exclude=["onderzoeker"],
    ),
    DemoReport(
        "datalek",
        "named",
        480,
        {
            "wat": "Ik heb een Excel-bestand met namen en adressen van subsidieaanvragers naar een verkeerde externe "
            "ontvanger gestuurd.",
            "soort": "Gegevens naar de verkeerde persoon",
            "gegevens": "Namen en adressen van ongeveer 40 aanvragers",
        },
        identity={"name": "Demo Medewerker Twee", "email": "", "phone": ""},
        state="closed",
        ack_after_days=0,
        outcome="substantiated",
        category="informatiebeveiliging",
        conversation=[
            ("team", 0, "Dank u. Vraag de ontvanger het bestand te verwijderen. De FG beoordeelt of we moeten melden."),
            ("reporter", 0, "Gedaan, de ontvanger heeft bevestigd dat het is verwijderd."),
            ("team", 2, "Dank u. Het lek is geregistreerd; melden bij de AP is niet nodig."),
        ],
    ),
    DemoReport(
        "datalek",
        "named",
        25,
        {
            "wat": "Ik kreeg een e-mail die van de servicedesk leek te komen en heb op de link geklikt en ingelogd.",
            "soort": "Phishing of een hack",
        },
        identity={"name": "Demo Medewerker Drie", "email": "", "phone": ""},
        state="acknowledged",
        ack_after_days=0,
        category="informatiebeveiliging",
        conversation=[
            ("team", 0, "Dank u. Wij hebben uw wachtwoord geblokkeerd; u krijgt een nieuw via de servicedesk.")
        ],
    ),
    DemoReport(
        "misstand",
        "named",
        150,
        {
            "wat": "Bij de sloop van een provinciaal gebouw is asbest niet volgens de regels afgevoerd.",
            "waar": "Voormalig steunpunt wegen",
            "eerder_gemeld": "Ja, ergens anders",
        },
        identity={"name": "Demo Aannemer", "email": "aannemer@example.org", "phone": ""},
        state="in_progress",
        ack_after_days=11,  # late: shows in the figures as acknowledged after the term
        category="overig",
    ),
]


def _when(today: date, days_ago: int, rng: random.Random) -> datetime:
    day = today - timedelta(days=days_ago)
    if day < EARLIEST:
        day = min(today, EARLIEST + timedelta(days=days_ago % 60))
    moment = datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _demo_file(kind: str):
    if kind == "photo":
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (64, 40), (90, 110, 90)).save(buffer, "PNG")
        upload = SimpleUploadedFile("loods.png", buffer.getvalue(), content_type="image/png")
    else:
        text = "Planning aanbesteding groenonderhoud (demo)\nSluiting inschrijving: 1 maart\n"
        upload = SimpleUploadedFile("planning.txt", text.encode(), content_type="text/plain")
    return prepare_upload(upload, strip=True, max_bytes=10 * 1024 * 1024)


def _handler_accounts(organisation: Organisation) -> dict[str, User]:
    """The demo handlers by short name; the CISO and FG get an account (investigator role) for the datalek team."""
    accounts = {
        short: User.objects.filter(email=f"{short}@{DEMO_DOMAIN}").first()
        for short in ("ic", "vertrouwenspersoon", "onderzoeker", "provinciesecretaris")
    }
    password = make_password(_demo_password())
    for short, kind in (("ciso", StructureRole.Kind.CISO), ("fg", StructureRole.Kind.DATA_PROTECTION_OFFICER)):
        role = StructureRole.objects.filter(organisation=organisation, kind=kind, employee__isnull=False).first()
        email = f"{short}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            name = role.employee.full_name if role else short.upper()
            user = User.objects.create(email=email, display_name=name, password=password)
        if role is not None and role.employee.user_id is None:
            Employee.objects.filter(pk=role.employee_id).update(user=user)
        RoleAssignment.objects.get_or_create(organisation=organisation, user=user, role=R.INVESTIGATOR, revoked_at=None)
        accounts[short] = user
    return {k: v for k, v in accounts.items() if v is not None}


def _demo_password() -> str | None:
    from plein.core.demo import DEMO_PASSWORD, demo_passwords_enabled

    return DEMO_PASSWORD if demo_passwords_enabled() else None


def load(organisation: Organisation, *, rng: random.Random, today: date) -> None:
    load_reports_demo(
        organisation, rng=rng, today=today, recovery_path=None if settings.TESTING else recovery_key_path()
    )


def load_reports_demo(
    organisation: Organisation, *, rng: random.Random, today: date, recovery_path: Path | None
) -> str:
    """Create the demo channels, teams, vaults and reports. Returns the recovery key (also written to the path)."""
    _record, recovery_text = services.set_up_reporting(organisation=organisation, actor=None)
    if recovery_path is not None:
        recovery_path.parent.mkdir(parents=True, exist_ok=True)
        # The key on the first line, so that "./plein recover_access ... < var/demo-recovery-key.txt" works.
        recovery_path.write_text(
            recovery_text + "\n# Herstelsleutel van de demo (Provincie Veenland). Alleen voor de demo.\n"
        )
        recovery_path.chmod(0o600)
    recovery_private = crypto.parse_recovery_key(recovery_text)
    handlers = _handler_accounts(organisation)
    with_vaults = _demo_password() is not None
    if with_vaults:
        for user in handlers.values():
            services.set_up_vault(user=user, passphrase=DEMO_VAULT_PASSPHRASE)

    channels: dict[str, Channel] = {}
    private_keys: dict[int, bytes] = {}
    for spec in CHANNELS:
        spec = dict(spec)
        team = [handlers[short] for short in spec.pop("team") if short in handlers]
        code = spec.pop("code")
        channel = services.create_channel(organisation=organisation, actor=None, code=code, **spec)
        channels[code] = channel
        for user in team:
            services.add_team_member(channel=channel, actor=None, user=user)
        if with_vaults and team:
            # As in real life: the first member is confirmed at set-up, and confirms the colleagues.
            first = team[0]
            if first.pk not in private_keys:
                private_keys[first.pk] = services.unlock_vault(user=first, passphrase=DEMO_VAULT_PASSPHRASE)
            for colleague in team[1:]:
                services.grant_access(
                    channel=channel, actor=first, actor_private_key=private_keys[first.pk], grantee=colleague
                )

    if not with_vaults:
        # Outside the demo and the tests no handler has a (demo) vault, so nobody could read a demo report:
        # the channels and teams are set up, the reports are left out.
        return recovery_text

    # Oldest first, so that the references follow the dates of receipt.
    planned = sorted(
        ((_when(today, spec.days_ago, rng), i, spec) for i, spec in enumerate(REPORTS)), key=lambda p: p[:2]
    )
    for received, _i, spec in planned:
        _create_report(spec, channels, handlers, received=received, rng=rng, recovery_private=recovery_private)
    return recovery_text


def _answers(channel: Channel, values: dict, received: datetime) -> list[dict]:
    out = []
    for question in channel.questionnaire:
        value = values.get(question["key"])
        if value is None:
            continue
        if question["type"] == "date":  # given as a number of days before the report
            value = (received.date() - timedelta(days=int(value))).isoformat()
        out.append({"key": question["key"], "label": question["label"], "value": value})
    return out


def _create_report(spec: DemoReport, channels, handlers, *, received, rng, recovery_private) -> Report:
    channel = channels[spec.channel]
    excluded = [handlers[s].pk for s in spec.exclude if s in handlers]
    # Files go with the reporter's first message when there is one, otherwise with the report.
    reporter_writes_later = any(who == "reporter" for who, _after, _text in spec.conversation)
    submission = services.submit_report(
        channel=channel,
        mode=spec.mode,
        answers=_answers(channel, spec.answers, received),
        identity=spec.identity,
        excluded_user_ids=excluded,
        files=[] if reporter_writes_later else [_demo_file(kind) for kind in spec.files],
        form_token=services.issue_form_token(),
        received_at=received,
    )
    report = submission.report
    recovery_key = ReportKey.objects.get(report=report, kind=ReportKey.Kind.RECOVERY)
    report_key = crypto.unseal(recovery_private, bytes(recovery_key.wrapped_key))
    if spec.receipt:
        _fix_receipt(report, report_key, spec.receipt)

    team_members = [handlers[s] for s in _team_of(spec.channel) if s in handlers and handlers[s].pk not in excluded]
    author = team_members[0] if team_members else None
    file_added = False
    for who, after, text in spec.conversation:
        at = received + timedelta(days=after, hours=rng.randint(1, 6))
        files = []
        if who == "reporter" and spec.files and not file_added:
            files, file_added = [_demo_file(kind) for kind in spec.files], True
        if who == "team" and author is not None:
            message = services.add_team_message(report=report, actor=author, report_key=report_key, text=text)
        else:
            message = services.add_reporter_message(report=report, report_key=report_key, text=text, files=files)
        Message.objects.filter(pk=message.pk).update(created_at=at)
        message.attachments.update(created_at=at)

    if spec.state != "received" and author is not None:
        acknowledged = received + timedelta(days=spec.ack_after_days, hours=2)
        services.acknowledge_report(report=report, actor=author, report_key=report_key)
        months = int(settings.PLEIN["FEEDBACK_MONTHS"])
        fields = {
            "acknowledged_at": acknowledged,
            "feedback_before": timezone.localtime(acknowledged).date() + relativedelta(months=months),
            "status": {
                "acknowledged": Report.Status.ACKNOWLEDGED,
                "in_progress": Report.Status.IN_PROGRESS,
                "closed": Report.Status.CLOSED,
            }[spec.state],
            "category": spec.category,
            "outcome": spec.outcome,
        }
        if spec.state == "closed":
            last = max((after for _who, after, _t in spec.conversation), default=spec.ack_after_days)
            fields["closed_at"] = received + timedelta(days=last + 1)
        Report.objects.filter(pk=report.pk).update(**fields)
    elif spec.category:
        Report.objects.filter(pk=report.pk).update(category=spec.category)
    _demo_case(report, spec, report_key, author, received=received)
    return report


# The stages a demo case went through after receipt was confirmed, with the reason the team wrote (plein.dossiers).
_DEMO_STEPS = {
    "acknowledged": [],
    "in_progress": [("beoordeling", 2, "Ontvankelijk: een vermoeden van een integriteitsschending, nader beoordelen.")],
    "closed": [
        ("beoordeling", 2, "Ontvankelijk; feiten verzameld bij de melder."),
        ("besluit", 20, "Beoordeling afgerond; voorgelegd aan het bevoegd gezag."),
        ("terugkoppeling", 25, "Besluit genomen; terugkoppeling aan de melder."),
        ("afgesloten", 30, "Terugkoppeling gegeven; dossier gesloten."),
    ],
}


def _demo_case(report: Report, spec: DemoReport, report_key: bytes, author, *, received: datetime) -> None:
    """Give the demo report's case its stage and a timeline with backdated steps (plein.dossiers)."""
    from plein.dossiers.models import Case, CaseEvent, Outcome, Stage

    report.refresh_from_db()
    case = Case.objects.get(report=report)
    case.category = report.category
    case.outcome = report.outcome if report.outcome in Outcome.values else ""
    if report.acknowledged_at is not None:
        case.feedback_due = report.feedback_before
        case.events.filter(kind=CaseEvent.Kind.ACKNOWLEDGED).update(created_at=report.acknowledged_at)
    stage = Stage.ONTVANGSTBEVESTIGING if report.acknowledged_at else Stage.ONTVANGEN
    previous = stage
    for target, after, why in _DEMO_STEPS.get(spec.state, []):
        at = report.acknowledged_at + timedelta(days=after)
        if report.closed_at and at > report.closed_at:
            at = report.closed_at
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.STAGE,
            stage_from=previous,
            stage_to=target,
            actor=author,
            created_at=at,
            data={"has_text": True},
            ciphertext=crypto.encrypt_json(report_key, {"text": why}),
        )
        if target == Stage.TERUGKOPPELING:
            case.feedback_given_at = at
        previous = stage = target
    if spec.state == "closed":
        case.decision_maker = author
        case.decided_at = report.closed_at
        case.feedback_given_at = case.feedback_given_at or report.closed_at
    case.stage = stage
    case.save()


def _team_of(code: str) -> list[str]:
    return next(spec["team"] for spec in CHANNELS if spec["code"] == code)


def _fix_receipt(report: Report, report_key: bytes, code: str) -> None:
    """Demo only: replace the random receipt code by the fixed one printed in the README."""
    from plein.reports.models import OrganisationKey

    org_key = OrganisationKey.objects.get(organisation_id=report.organisation_id)
    material = crypto.receipt_material(
        code, bytes(org_key.receipt_salt), opslimit=org_key.receipt_opslimit, memlimit=org_key.receipt_memlimit
    )
    ReportKey.objects.filter(report=report, kind=ReportKey.Kind.RECEIPT).update(
        lookup=material.lookup, wrapped_key=crypto.encrypt(material.key, report_key)
    )
