"""The demo organisation "Provincie Veenland": a deterministic generator.

``load_demo(seed=..., today=...)`` builds a fictional province with about 1,000 employees, a unit tree (directie,
domains, teams), about 80 positions, every role of the integrity structure and one demo account per access role.
Everything is drawn from one ``random.Random(seed)`` and dated relative to ``today``, so the same seed and the same
day give the same data, record for record.

Later apps add their own demo records through ``plein.core.registry.demo_loaders``: in ``AppConfig.ready()`` they
register ``load(organisation, *, rng, today)``. The loaders run after the core data, in ``INSTALLED_APPS`` order, in
the same transaction. Each loader gets its own ``random.Random`` derived from the seed and the loader's name, so
adding an app never changes the data of the others.

The demo password is set only when ``PLEIN_ENV`` is ``demo`` or ``test``; elsewhere the demo accounts get an unusable
password, so no known secret ever exists in production. Names, e-mail addresses (``@veenland.example``) and phone
numbers are made up.
"""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import (
    Employee,
    EmploymentType,
    Organisation,
    OrgUnit,
    Position,
    RoleAssignment,
    StructureRole,
    User,
)
from plein.core.registry import demo_loaders
from plein.core.services.audit import record_event

DEMO_SLUG = "veenland"
DEMO_NAME = "Provincie Veenland"
DEMO_DOMAIN = "veenland.example"
DEFAULT_SEED = 2024
# The seed report's year: 156 new employees took the oath at 4 ceremonies in 2024. Veenland hired a wave of people
# in that year (some on temporary contracts that have since ended), so the demo has that many people to swear in.
HIRING_WAVE_YEAR = 2024
HIRING_WAVE_SIZE = 150
EMPLOYEE_COUNT = 1000
# Documented in the README. Set only when PLEIN_ENV is one of DEMO_PASSWORD_ENVS.
DEMO_PASSWORD = "integriteit-demo"
DEMO_PASSWORD_ENVS = ("demo", "test")

Progress = Callable[[str], None]


class DemoError(Exception):
    """The demo cannot be loaded, replaced or reset; the message says why and what to do."""


def _words(text: str) -> list[str]:
    return text.split()


# --- The organisation's shape -------------------------------------------------------------------------------------

# (code, title, salary scale). The code's prefix says where the position belongs (see POSITION_UNITS).
POSITIONS: list[tuple[str, str, str]] = [
    ("AL01", "Provinciesecretaris / algemeen directeur", "18"),
    ("AL02", "Directeur", "17"),
    ("AL03", "Domeinmanager", "16"),
    ("AL04", "Teammanager", "14"),
    ("AL05", "Managementassistent", "8"),
    ("AL06", "Secretaresse", "7"),
    ("AL07", "Projectleider", "12"),
    ("AL08", "Programmamanager", "14"),
    ("AL09", "Strategisch adviseur", "13"),
    ("AL10", "Beleidsmedewerker", "10"),
    ("AL11", "Stagiair", ""),
    ("CS01", "Integriteitscoördinator", "12"),
    ("CS02", "Concerncontroller", "14"),
    ("CS03", "Functionaris gegevensbescherming", "12"),
    ("CS04", "Auditor", "12"),
    ("CS05", "Bestuursadviseur", "12"),
    ("CS06", "Adviseur bedrijfsvoering", "11"),
    ("RW01", "Beleidsmedewerker water", "10"),
    ("RW02", "Senior beleidsmedewerker water", "12"),
    ("RW03", "Hydroloog", "11"),
    ("RW04", "Beleidsmedewerker ruimtelijke ordening", "10"),
    ("RW05", "Senior planoloog", "12"),
    ("RW06", "Ecoloog", "11"),
    ("RW07", "Beleidsmedewerker natuur en landschap", "10"),
    ("RW08", "Vergunningverlener", "9"),
    ("RW09", "Senior vergunningverlener", "11"),
    ("RW10", "Toezichthouder", "9"),
    ("RW11", "Senior toezichthouder", "10"),
    ("RW12", "Handhavingsjurist", "11"),
    ("RW13", "Adviseur bodem en ondergrond", "11"),
    ("RW14", "GIS-specialist", "10"),
    ("RW15", "Gebiedsregisseur", "12"),
    ("RW16", "Boa natuur en milieu", "8"),
    ("RW17", "Adviseur klimaatadaptatie", "11"),
    ("EM01", "Beleidsmedewerker economie", "10"),
    ("EM02", "Accountmanager bedrijven", "11"),
    ("EM03", "Subsidieadviseur", "10"),
    ("EM04", "Medewerker subsidies", "8"),
    ("EM05", "Beleidsmedewerker mobiliteit", "10"),
    ("EM06", "Verkeerskundige", "10"),
    ("EM07", "Concessiemanager openbaar vervoer", "12"),
    ("EM08", "Wegbeheerder", "10"),
    ("EM09", "Technisch medewerker wegen", "8"),
    ("EM10", "Weginspecteur", "8"),
    ("EM11", "Brug- en sluiswachter", "6"),
    ("EM12", "Vaarwegbeheerder", "9"),
    ("EM13", "Projectleider infrastructuur", "12"),
    ("EM14", "Contractmanager", "11"),
    ("EM15", "Omgevingsmanager", "11"),
    ("EM16", "Kostendeskundige", "11"),
    ("EM17", "Beleidsmedewerker energietransitie", "11"),
    ("EM18", "Werkvoorbereider", "9"),
    ("EM19", "Europa-adviseur", "11"),
    ("BS01", "Beleidsmedewerker cultuur en erfgoed", "10"),
    ("BS02", "Adviseur erfgoed", "10"),
    ("BS03", "Beleidsmedewerker samenleving", "10"),
    ("BS04", "Communicatieadviseur", "10"),
    ("BS05", "Senior communicatieadviseur", "11"),
    ("BS06", "Woordvoerder", "11"),
    ("BS07", "Webredacteur", "8"),
    ("BS08", "Jurist", "11"),
    ("BS09", "Senior jurist", "12"),
    ("BS10", "Adviseur bestuurlijke zaken", "11"),
    ("BS11", "Adviseur interbestuurlijk toezicht", "11"),
    ("BS12", "Adviseur weerbaarheid en ondermijning", "11"),
    ("BS13", "Protocolmedewerker", "7"),
    ("BV01", "HR-adviseur", "10"),
    ("BV02", "Senior HR-adviseur", "11"),
    ("BV03", "Salarisadministrateur", "8"),
    ("BV04", "Arbeidsjurist", "11"),
    ("BV05", "Recruiter", "9"),
    ("BV06", "Financieel adviseur", "11"),
    ("BV07", "Senior financieel adviseur", "12"),
    ("BV08", "Medewerker financiële administratie", "7"),
    ("BV09", "Controller", "12"),
    ("BV10", "Inkoper", "10"),
    ("BV11", "Senior inkoopadviseur", "11"),
    ("BV12", "Contractbeheerder", "9"),
    ("BV13", "Informatiebeveiliger", "11"),
    ("BV14", "Chief information security officer (CISO)", "13"),
    ("BV15", "Privacyadviseur", "11"),
    ("BV16", "Functioneel beheerder", "9"),
    ("BV17", "Applicatiebeheerder", "9"),
    ("BV18", "Informatieadviseur", "11"),
    ("BV19", "Data-analist", "10"),
    ("BV20", "Medewerker servicedesk", "7"),
    ("BV21", "Medewerker documentaire informatievoorziening", "7"),
    ("BV22", "Archivaris", "10"),
    ("BV23", "Facilitair medewerker", "5"),
    ("BV24", "Medewerker receptie en bodedienst", "4"),
    ("BV25", "Facilitair coördinator", "8"),
]

TOP = "Directie"
CONCERNSTAF = f"{TOP}/Concernstaf"
POSITION_UNITS = {
    "CS": CONCERNSTAF,
    "RW": f"{TOP}/Ruimte en Water",
    "EM": f"{TOP}/Economie en Mobiliteit",
    "BS": f"{TOP}/Bestuur en Samenleving",
    "BV": f"{TOP}/Bedrijfsvoering",
}
STAGIAIR_POSITION = "AL11"


@dataclass(frozen=True)
class TeamSpec:
    name: str
    weight: int  # relative size
    pool: tuple[tuple[str, int], ...]  # (position code, weight) for the members
    fixed: tuple[tuple[str, str], ...] = ()  # (slot key, position code): named members, always in service


# (domain, director slot, position codes of the domain staff, teams)
DOMAINS: list[tuple[str, str, tuple[str, ...], list[TeamSpec]]] = [
    (
        "Ruimte en Water",
        "dir1",
        ("AL05", "AL08"),
        [
            TeamSpec(
                "Team Water",
                45,
                (("RW01", 6), ("RW02", 3), ("RW03", 3), ("RW14", 1), ("RW17", 2), ("AL07", 1)),
                (("p:employee", "RW01"), ("fac2", "RW02")),
            ),
            TeamSpec("Team Ruimtelijke Ontwikkeling", 42, (("RW04", 6), ("RW05", 3), ("RW14", 1), ("RW15", 2))),
            TeamSpec(
                "Team Natuur en Landschap",
                38,
                (("RW06", 3), ("RW07", 5), ("RW15", 2), ("RW16", 2)),
                (("fac1", "RW06"),),
            ),
            TeamSpec("Team Vergunningverlening", 50, (("RW08", 7), ("RW09", 3), ("RW12", 1), ("AL06", 1))),
            TeamSpec(
                "Team Toezicht en Handhaving",
                48,
                (("RW10", 7), ("RW11", 3), ("RW12", 2), ("RW16", 2)),
                (("inv2", "RW11"),),
            ),
            TeamSpec("Team Bodem en Ondergrond", 26, (("RW13", 5), ("RW14", 1), ("RW01", 1))),
        ],
    ),
    (
        "Economie en Mobiliteit",
        "dir1",
        ("AL05", "AL08"),
        [
            TeamSpec("Team Economie en Europa", 34, (("EM01", 5), ("EM02", 3), ("EM19", 2), ("AL07", 1))),
            TeamSpec("Team Subsidies", 36, (("EM03", 4), ("EM04", 5), ("BV06", 1))),
            TeamSpec(
                "Team Mobiliteit en Openbaar Vervoer",
                36,
                (("EM05", 5), ("EM06", 3), ("EM07", 2)),
                (("fac3", "EM05"),),
            ),
            TeamSpec("Team Wegen en Vaarwegen", 75, (("EM08", 3), ("EM09", 6), ("EM10", 3), ("EM11", 4), ("EM12", 2))),
            TeamSpec(
                "Team Projecten Infrastructuur",
                60,
                (("EM13", 4), ("EM14", 3), ("EM15", 3), ("EM16", 2), ("EM18", 3), ("AL07", 1)),
            ),
            TeamSpec("Team Energietransitie", 28, (("EM17", 5), ("AL07", 2), ("AL10", 1))),
        ],
    ),
    (
        "Bestuur en Samenleving",
        "dir2",
        ("AL05", "AL09"),
        [
            TeamSpec("Team Bestuursondersteuning", 30, (("BS10", 5), ("BS13", 2), ("AL05", 3), ("AL06", 1))),
            TeamSpec(
                "Team Communicatie",
                32,
                (("BS04", 5), ("BS05", 2), ("BS06", 2), ("BS07", 2)),
                (("p:editor", "BS05"), ("fac4", "BS04")),
            ),
            TeamSpec("Team Juridische Zaken", 28, (("BS08", 5), ("BS09", 2)), (("inv1", "BS09"),)),
            TeamSpec(
                "Team Cultuur en Samenleving",
                30,
                (("BS01", 4), ("BS02", 2), ("BS03", 3)),
                (("ca1", "BS03"),),
            ),
            TeamSpec("Team Toezicht Gemeenten en Weerbaarheid", 22, (("BS11", 4), ("BS12", 2), ("BS08", 1))),
        ],
    ),
    (
        "Bedrijfsvoering",
        "dir2",
        ("AL05", "BV09"),
        [
            TeamSpec(
                "Team HRM",
                40,
                (("BV01", 5), ("BV02", 2), ("BV03", 3), ("BV05", 2), ("BV04", 1)),
                (("p:hr", "BV02"), ("el1", "BV04"), ("el2", "BV04")),
            ),
            TeamSpec(
                "Team Financiën",
                42,
                (("BV06", 4), ("BV07", 2), ("BV08", 5), ("BV09", 1)),
                (("ca2", "BV07"), ("fac5", "BV06")),
            ),
            TeamSpec("Team Inkoop", 24, (("BV10", 5), ("BV11", 2), ("BV12", 2))),
            TeamSpec(
                "Team Informatievoorziening",
                58,
                (("BV16", 4), ("BV17", 4), ("BV18", 3), ("BV19", 2), ("BV20", 3)),
                (("p:admin", "BV16"), ("fac6", "BV18")),
            ),
            TeamSpec(
                "Team Informatiebeveiliging en Privacy",
                16,
                (("BV13", 4), ("BV15", 3)),
                (("ciso", "BV14"),),
            ),
            TeamSpec("Team Documentaire Informatievoorziening", 26, (("BV21", 5), ("BV22", 1))),
            TeamSpec("Team Facilitaire Zaken", 40, (("BV23", 5), ("BV24", 3), ("BV25", 1))),
        ],
    ),
]

CONCERNSTAF_TEAM = TeamSpec(
    "Concernstaf",
    18,
    (("CS05", 4), ("CS06", 3), ("CS04", 1), ("AL09", 2)),
    (("ic", "CS01"), ("cc", "CS02"), ("fg", "CS03"), ("p:auditor", "CS04")),
)
DIRECTIE_STAFF = (("dir:ma1", "AL05"), ("dir:ma2", "AL05"), ("dir:sa", "AL09"))

# Employment types of the members, in realistic shares.
EMPLOYMENT_SHARES = [
    (EmploymentType.PERMANENT, 76),
    (EmploymentType.TEMPORARY, 12),
    (EmploymentType.HIRED, 8),
    (EmploymentType.INTERN, 4),
]


@dataclass(frozen=True)
class Persona:
    """A demo account: the person behind it holds a slot in the organisation."""

    role: str
    local_part: str
    first_name: str
    infix: str
    last_name: str
    slot: str

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"


MANAGER_TEAM = f"{TOP}/Ruimte en Water/Team Vergunningverlening"
PERSONAS: list[Persona] = [
    Persona(R.EMPLOYEE, "medewerker", "Sanne", "", "Visser", "p:employee"),
    Persona(R.MANAGER, "manager", "Pieter", "van der", "Meer", f"tm:{MANAGER_TEAM}"),
    Persona(R.INTEGRITY_COORDINATOR, "ic", "Ineke", "", "Hofstede", "ic"),
    Persona(R.CONFIDENTIAL_ADVISER, "vertrouwenspersoon", "Marloes", "de", "Groot", "ca1"),
    Persona(R.INVESTIGATOR, "onderzoeker", "Erik", "", "Nijenhuis", "inv1"),
    Persona(R.COMPETENT_AUTHORITY, "provinciesecretaris", "Jolanda", "ter", "Horst", "ps"),
    Persona(R.HR, "hr", "Fatima", "", "El Amrani", "p:hr"),
    Persona(R.FACILITATOR, "procesbegeleider", "Bas", "", "Kuipers", "fac1"),
    Persona(R.EDITOR, "redacteur", "Lotte", "van den", "Berg", "p:editor"),
    Persona(R.FUNCTIONAL_ADMIN, "beheerder", "Mehmet", "", "Yilmaz", "p:admin"),
    Persona(R.AUDITOR, "auditor", "Geert", "", "Oosting", "p:auditor"),
]

FIRST_NAMES = _words(
    "Anna Annemarie Anouk Astrid Bianca Carla Charlotte Daphne Dianne Eline Els Esther Eva Femke Fleur Gerda "
    "Hanneke Hilde Ilse Inge Iris Jantine Janneke Jolien Judith Karin Kim Laura Lisa Lotte Maaike Manon Marieke "
    "Marjan Mirjam Monique Nadia Naomi Nienke Noor Petra Rianne Roos Sandra Sanne Saskia Sophie Tamara Tineke "
    "Wendy Willemijn Yvonne Zeynep Fatima Samira Priya Linh Albert Arjen Bas Bart Bert Daan Dennis Dirk Edwin "
    "Erik Frank Freek Geert Gerrit Hans Harm Hendrik Jan Jasper Jeroen Johan Joost Jos Kees Klaas Koen Lucas "
    "Maarten Marcel Mark Martijn Michiel Niels Peter Pieter Remco Rick Rob Roelof Ruben Sander Sjoerd Stefan "
    "Thijs Tim Tom Vincent Wim Wouter Youssef Mohamed Emre Hamza Rajesh Thomas Jesse Luuk Sem Gert-Jan Anne-Marie"
)

_PLAIN_SURNAMES = _words(
    "Bakker Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer Dijkstra Kok Jansen Janssen Kuipers "
    "Hofstede Oosting Nijenhuis Bruins Hilbrands Lubbers Wolters Zwiers Boxum Jalving Dilling Hoekstra Postma "
    "Kramer Schouten Willems Hoekman Prins Huisman Veenstra Wiersma Bouma Scholten Timmerman Koster Mol Vermeulen "
    "Hermans Sluiter Lammers Evers Tiemens Mennega Stoker Drenth Kamps Hartlief Zuidema Meinders Lanting Snijders "
    "Westerhof Haveman Boekel Yilmaz Kaya Öztürk Bouzid Nguyen Tran Şahin Ramdin Pinas Kowalski Nowak Hassan "
    "Kooistra Reinders Seinen Benninga Hoving Kloosterman Talens Wubbels Drent Mulderij"
)
_INFIX_SURNAMES = {
    "de": "Vries Jong Boer Groot Wit Graaf Haan Bruin Lange Leeuw Ruiter Jonge Roos Koning Kleine Vos",
    "van": "Dijk Leeuwen Beek Vliet Wijk Dam Es Essen Rijn Loon Veen Dongen Gelder Zanten Houten Dalen",
    "van der": "Meer Linden Heijden Veen Wal Laan Ploeg Molen Velde Kolk Zee Werf Sluis Veld Ham",
    "van den": "Berg Bosch Broek Brink Heuvel Hoek Akker Bogaard",
    "van de": "Kamp Ven Pol Wetering Weg",
    "ter": "Horst Haar Beek Veen Maat",
    "ten": "Brink Cate Hove Kate",
    "den": "Hartog Boer Ouden",
    "in 't": "Veld Hout",
    "van 't": "Hof Zand",
    "te": "Velde Riele",
}
PLAIN_SURNAMES: list[tuple[str, str]] = [("", name) for name in [*_PLAIN_SURNAMES, "El Amrani", "El Idrissi"]]
INFIX_SURNAMES: list[tuple[str, str]] = [
    (infix, name) for infix, names in _INFIX_SURNAMES.items() for name in names.split()
]
INFIX_SHARE = 0.3  # roughly the share of Dutch surnames with a tussenvoegsel


# --- The integrity structure ------------------------------------------------------------------------------------

K = StructureRole.Kind


@dataclass(frozen=True)
class StructureSpec:
    kind: str
    slot: str = ""  # the employee who holds the role, or ""
    name: str = ""  # an outside person or body
    email: str = ""  # a role mailbox; empty means the holder's own address
    phone: str = ""
    go_to_for: str = ""


def _phone(n: int) -> str:
    # Fictional: Dutch subscriber numbers never start with 0, so "088 000 ...." is never assigned.
    return f"088 000 {n:04d}"


FACILITATOR_TEXT = (
    "Een moreel beraad met je team over een dilemma uit de praktijk. De procesbegeleider leidt het gesprek met de "
    "dilemmamethode, de Socratische dialoog of de lichte variant: wie zijn er betrokken, wat weegt zwaar, en wat "
    "is nu écht de juiste keuze?"
)
STRUCTURE: list[StructureSpec] = [
    StructureSpec(
        K.INTEGRITY_COORDINATOR,
        "ic",
        email=f"integriteit@{DEMO_DOMAIN}",
        phone=_phone(1100),
        go_to_for=(
            "Vragen en advies over integriteit: nevenfuncties, financiële belangen, geschenken en uitnodigingen, "
            "belangenverstrengeling. Consultatie als je twijfelt, het melden van een vermoeden van een "
            "integriteitsschending, de ambtseed en trainingen morele oordeelsvorming."
        ),
    ),
    StructureSpec(
        K.CONFIDENTIAL_ADVISER_INTERNAL,
        "ca1",
        email=f"vertrouwenspersoon@{DEMO_DOMAIN}",
        phone=_phone(1120),
        go_to_for=(
            "Een vertrouwelijk gesprek over een integriteitskwestie of een vermoeden van een misstand, als je nog "
            "niet weet wat je wilt doen. De vertrouwenspersoon luistert, denkt mee over je mogelijkheden en doet "
            "niets zonder jouw toestemming."
        ),
    ),
    StructureSpec(
        K.CONFIDENTIAL_ADVISER_INTERNAL,
        "ca2",
        phone=_phone(1121),
        go_to_for=(
            "Ongewenst gedrag op het werk, zoals pesten, intimidatie, discriminatie, agressie of seksuele "
            "intimidatie: een luisterend oor, advies en begeleiding als je een klacht wilt indienen."
        ),
    ),
    StructureSpec(
        K.CONFIDENTIAL_ADVISER_EXTERNAL,
        name="Marjolein Hoekstra (Vertrouwenspunt Noord)",
        email="m.hoekstra@vertrouwenspunt-noord.example",
        phone="050 000 4411",
        go_to_for=(
            "Als je liever met iemand van buiten de provincie praat: vertrouwelijk advies over integriteit en over "
            "het melden van een vermoeden van een misstand (Wet bescherming klokkenluiders). Ook voor oud-"
            "medewerkers, stagiairs en ingehuurde krachten."
        ),
    ),
    StructureSpec(
        K.CONFIDENTIAL_ADVISER_EXTERNAL,
        name="Ruud van Essen (Bureau Integer Werken)",
        email="r.vanessen@integerwerken.example",
        phone="030 000 2720",
        go_to_for=(
            "Vertrouwelijk advies buiten de eigen organisatie bij ongewenst gedrag of een integriteitsdilemma, ook "
            "als je er met niemand binnen de provincie over wilt praten."
        ),
    ),
    *[
        StructureSpec(
            K.INVESTIGATOR,
            slot,
            phone=_phone(1140 + i),
            go_to_for=(
                "Een zorgvuldig en onafhankelijk feitenonderzoek na een melding, in opdracht van het bevoegd gezag. "
                "Je gaat niet zelf naar de feitenonderzoeker: de provinciesecretaris geeft de opdracht."
            ),
        )
        for i, slot in enumerate(("inv1", "inv2"))
    ],
    *[
        StructureSpec(
            K.EMPLOYMENT_LAWYER,
            slot,
            phone=_phone(1160 + i),
            go_to_for=(
                "Advies aan leidinggevenden en HR over de rechtspositionele kant van een integriteitskwestie: "
                "maatregelen, disciplinaire straffen, schorsing en de zorgvuldigheid van de procedure."
            ),
        )
        for i, slot in enumerate(("el1", "el2"))
    ],
    StructureSpec(
        K.CONCERN_CONTROLLER,
        "cc",
        phone=_phone(1200),
        go_to_for=(
            "Vragen over rechtmatigheid, financiële integriteit, interne controle en het risicomanagement van de "
            "provincie, bijvoorbeeld bij twijfel over een betaling, een aanbesteding of een declaratie."
        ),
    ),
    StructureSpec(
        K.CISO,
        "ciso",
        email=f"informatiebeveiliging@{DEMO_DOMAIN}",
        phone=_phone(1300),
        go_to_for=(
            "Het melden van een (mogelijk) beveiligingsincident, phishing of het verlies van een laptop of telefoon, "
            "en vragen over informatieveiligheid en cybersecurity."
        ),
    ),
    StructureSpec(
        K.DATA_PROTECTION_OFFICER,
        "fg",
        email=f"fg@{DEMO_DOMAIN}",
        phone=_phone(1310),
        go_to_for=(
            "Vragen over privacy en de AVG, en het melden van een (mogelijk) datalek. De functionaris "
            "gegevensbescherming houdt onafhankelijk toezicht op hoe de provincie met persoonsgegevens omgaat."
        ),
    ),
    StructureSpec(
        K.WORKS_COUNCIL,
        name="Ondernemingsraad Provincie Veenland",
        email=f"or@{DEMO_DOMAIN}",
        phone=_phone(1400),
        go_to_for=(
            "Het gesprek over integriteit en het werkklimaat in de organisatie. De OR praat mee over de "
            "integriteitsregelingen en organiseert bijeenkomsten zoals De Integriteit Show."
        ),
    ),
    StructureSpec(
        K.INTEGRITY_PLATFORM,
        name="Platform Integriteit en Informatieveiligheid",
        email=f"platform-integriteit@{DEMO_DOMAIN}",
        go_to_for=(
            "Afstemming tussen integriteit, informatieveiligheid, privacy en weerbaarheid tegen ondermijning: "
            "signalen en trends die de hele organisatie raken. In het platform zitten onder meer de IC, de CISO, "
            "de FG en de concerncontroller."
        ),
    ),
    StructureSpec(
        K.PROVINCIAL_SECRETARY,
        "ps",
        phone=_phone(1000),
        go_to_for=(
            "Bevoegd gezag voor meldingen van een vermoeden van een misstand en voor maatregelen. Neemt de ambtseed "
            "af van nieuwe medewerkers en is eindverantwoordelijk voor het integriteitsbeleid."
        ),
    ),
    *[
        StructureSpec(
            K.DIRECTORATE,
            slot,
            phone=_phone(1010 + i),
            go_to_for=(
                "Ethisch leiderschap en het integriteitsbeleid van de organisatie; aanspreekpunt als een kwestie je "
                "eigen domein overstijgt of een leidinggevende zelf betrokken is."
            ),
        )
        for i, slot in enumerate(("dir1", "dir2"))
    ],
    *[
        StructureSpec(
            K.MANAGER,
            f"dm:{domain}",
            go_to_for=(
                f"Integriteit in het domein {domain}: dilemma's, nevenfuncties, geschenken en uitnodigingen van "
                "medewerkers, en ethisch leiderschap van de teammanagers."
            ),
        )
        for domain, *_rest in DOMAINS
    ],
    *[StructureSpec(K.FACILITATOR, f"fac{i}", go_to_for=FACILITATOR_TEXT) for i in range(1, 7)],
]


# --- The plan: everything decided before anything is written ----------------------------------------------------


@dataclass
class Slot:
    key: str
    unit_path: str
    position_code: str
    manager_key: str | None
    employment_type: str = EmploymentType.PERMANENT
    start_date: date | None = None
    end_date: date | None = None
    first_name: str = ""
    infix: str = ""
    last_name: str = ""
    email: str = ""
    personnel_number: str = ""
    persona: Persona | None = None


@dataclass
class Plan:
    units: list[tuple[str, str, str]] = field(default_factory=list)  # (path, name, kind), parents first
    slots: list[Slot] = field(default_factory=list)


def _email_part(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _weighted(rng: random.Random, options):
    values = [value for value, _weight in options]
    weights = [weight for _value, weight in options]
    return rng.choices(values, weights=weights, k=1)[0]


def _share(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over ``weights`` (largest remainder), so the parts add up exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _long_tenure(rng: random.Random, today: date) -> date:
    return today - timedelta(days=rng.randint(2 * 365, 28 * 365))


def _start(rng: random.Random, today: date, *, starts_soon: bool, soon: int, recent: int) -> date:
    """A start date 1 to ``soon`` days after today, or 0 to ``recent`` days before it."""
    if starts_soon:
        return today + timedelta(days=rng.randint(1, soon))
    return today - timedelta(days=rng.randint(0, recent))


def _member_dates(rng: random.Random, kind: str, today: date) -> tuple[date, date | None]:
    """Start and end dates over the last 30 years: some have left, some start soon."""
    r = rng.random()
    if kind == EmploymentType.PERMANENT:
        if r < 0.025:
            return today + timedelta(days=rng.randint(1, 60)), None
        start = today - timedelta(days=1 + int(rng.betavariate(1.1, 1.8) * 30 * 365))
        if r > 0.93:
            served = (today - start).days
            return start, today - timedelta(days=rng.randint(1, max(1, min(3 * 365, served))))
        return start, None
    if kind == EmploymentType.TEMPORARY:
        start = _start(rng, today, starts_soon=r < 0.05, soon=60, recent=2 * 365)
        years = 1 if rng.random() < 0.6 else 2
        return start, start + timedelta(days=365 * years - 1)
    if kind == EmploymentType.HIRED:
        start = today - timedelta(days=rng.randint(0, 2 * 365))
        if r < 0.1:
            served = (today - start).days
            return start, today - timedelta(days=rng.randint(0, served))
        return start, today + timedelta(days=rng.randint(14, 365))
    # Interns
    start = _start(rng, today, starts_soon=r < 0.1, soon=45, recent=150)
    return start, start + timedelta(days=rng.randint(90, 180))


def _hiring_wave(rng: random.Random, slots: list["Slot"], today: date) -> None:
    """Move the start of ``HIRING_WAVE_SIZE`` team members (permanent or temporary) into ``HIRING_WAVE_YEAR``."""
    first = date(HIRING_WAVE_YEAR, 1, 1)
    last = min(date(HIRING_WAVE_YEAR, 12, 31), today - timedelta(days=1))
    if last < first:
        return
    candidates = [
        s
        for s in slots
        if s.key.startswith("m:") and s.employment_type in (EmploymentType.PERMANENT, EmploymentType.TEMPORARY)
    ]
    for slot in rng.sample(candidates, min(HIRING_WAVE_SIZE, len(candidates))):
        slot.start_date = first + timedelta(days=rng.randint(0, (last - first).days))
        if slot.employment_type == EmploymentType.TEMPORARY:
            slot.end_date = slot.start_date + timedelta(days=365 * rng.choice((1, 2, 3)) - 1)
        elif slot.end_date is not None and slot.end_date <= slot.start_date:
            slot.end_date = None


def build_plan(rng: random.Random, today: date, employee_count: int = EMPLOYEE_COUNT) -> Plan:
    """Decide the whole organisation without touching the database. Same ``rng`` state and day, same plan."""
    plan = Plan()
    plan.units.append((TOP, TOP, OrgUnit.Kind.DIRECTORATE))
    plan.units.append((CONCERNSTAF, "Concernstaf", OrgUnit.Kind.TEAM))

    fixed: list[Slot] = [
        Slot("ps", TOP, "AL01", None),
        Slot("dir1", TOP, "AL02", "ps"),
        Slot("dir2", TOP, "AL02", "ps"),
        *[Slot(key, TOP, code, "ps") for key, code in DIRECTIE_STAFF],
    ]
    teams: list[tuple[str, str, TeamSpec]] = [(CONCERNSTAF, "ps", CONCERNSTAF_TEAM)]
    for domain, director, staff, domain_teams in DOMAINS:
        domain_path = f"{TOP}/{domain}"
        plan.units.append((domain_path, domain, OrgUnit.Kind.DOMAIN))
        fixed.append(Slot(f"dm:{domain}", domain_path, "AL03", director))
        fixed += [Slot(f"ds:{domain}:{i}", domain_path, code, f"dm:{domain}") for i, code in enumerate(staff)]
        for team in domain_teams:
            team_path = f"{domain_path}/{team.name}"
            plan.units.append((team_path, team.name, OrgUnit.Kind.TEAM))
            teams.append((team_path, f"dm:{domain}", team))
    for team_path, manager_key, team in teams:
        fixed.append(Slot(f"tm:{team_path}", team_path, "AL04", manager_key))
        fixed += [Slot(key, team_path, code, f"tm:{team_path}") for key, code in team.fixed]

    for slot in fixed:
        slot.start_date = _long_tenure(rng, today)

    members = employee_count - len(fixed)
    if members < len(teams):
        raise DemoError(_("The demo needs at least %(n)d employees.") % {"n": len(fixed) + len(teams)})
    sizes = _share(members, [team.weight for _p, _m, team in teams])
    slots = list(fixed)
    for (team_path, _manager, team), size in zip(teams, sizes, strict=True):
        for i in range(size):
            kind = _weighted(rng, EMPLOYMENT_SHARES)
            code = STAGIAIR_POSITION if kind == EmploymentType.INTERN else _weighted(rng, team.pool)
            start, end = _member_dates(rng, kind, today)
            slots.append(
                Slot(f"m:{team_path}:{i}", team_path, code, f"tm:{team_path}", kind, start_date=start, end_date=end)
            )

    _hiring_wave(rng, slots, today)

    personas = {p.slot: p for p in PERSONAS}
    used_emails: set[str] = {p.email for p in PERSONAS}
    for slot in slots:
        persona = personas.get(slot.key)
        if persona:
            slot.persona = persona
            slot.first_name, slot.infix, slot.last_name = persona.first_name, persona.infix, persona.last_name
            slot.email = persona.email
            continue
        slot.first_name = rng.choice(FIRST_NAMES)
        slot.infix, slot.last_name = rng.choice(INFIX_SURNAMES if rng.random() < INFIX_SHARE else PLAIN_SURNAMES)
        base = f"{_email_part(slot.first_name)}.{_email_part(slot.infix + slot.last_name)}"
        email, n = f"{base}@{DEMO_DOMAIN}", 1
        while email in used_emails:
            n += 1
            email = f"{base}{n}@{DEMO_DOMAIN}"
        used_emails.add(email)
        slot.email = email

    # Personnel numbers follow the start date, as in an HR system that numbers new hires in turn.
    for number, slot in enumerate(
        sorted(slots, key=lambda s: (s.start_date, s.last_name, s.first_name, s.key)), start=100001
    ):
        slot.personnel_number = str(number)
    plan.slots = slots
    return plan


# --- Writing --------------------------------------------------------------------------------------------------------


@dataclass
class DemoResult:
    organisation: Organisation
    employees: int
    units: int
    positions: int
    structure_roles: int
    accounts: int
    passwords_set: bool


def demo_passwords_enabled() -> bool:
    return getattr(settings, "PLEIN_ENV", "") in DEMO_PASSWORD_ENVS


def _password_hash() -> str:
    # One hash for every demo account: the demo password is public anyway, and hashing once keeps loading fast.
    return make_password(DEMO_PASSWORD) if demo_passwords_enabled() else make_password(None)


def _noop(message: str) -> None:
    return None


def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> DemoResult:
    """Load "Provincie Veenland" and every app's demo records, all or nothing.

    Refuses when the organisation exists, unless ``replace`` is given (then it is removed first).
    """
    say = progress or _noop
    today = today or timezone.localdate()
    with transaction.atomic():
        existing = Organisation.objects.filter(slug=DEMO_SLUG).first()
        if existing is not None:
            if not replace:
                raise DemoError(
                    _(
                        "The demo organisation %(name)s already exists in this database. Use --replace to load it "
                        "again (this deletes its data), or ./plein demo --reset for a fresh database."
                    )
                    % {"name": existing.name}
                )
            say(_("Removing the existing demo organisation"))
            remove_demo(existing)

        rng = random.Random(seed)
        plan = build_plan(rng, today)
        say(
            _("Creating the organisation, %(units)d units and %(positions)d positions")
            % {
                "units": len(plan.units),
                "positions": len(POSITIONS),
            }
        )
        organisation = Organisation.objects.create(
            name=DEMO_NAME,
            slug=DEMO_SLUG,
            short_name="Veenland",
            primary_colour="#1f5c3a",
            primary_text_colour="#ffffff",
            accent_colour="#f2c12e",
            website=f"https://www.{DEMO_DOMAIN}",
        )
        units = _create_units(organisation, plan)
        positions = _create_positions(organisation, units)

        say(_("Creating %(n)d demo accounts") % {"n": len(PERSONAS)})
        users = _create_accounts()

        say(_("Creating %(n)d employees") % {"n": len(plan.slots)})
        employees = _create_employees(organisation, plan, units, positions, users)

        structure = _create_structure(organisation, employees)
        _create_role_assignments(organisation, plan, users, units)

        for loader, name in ordered_demo_loaders():
            say(_("Loading demo records: %(name)s") % {"name": name})
            loader(organisation, rng=random.Random(f"{seed}:{name}"), today=today)

        # The organisation is the target, not the scope: the demo must stay replaceable, and the chain is forever.
        record_event(
            actor=None,
            action="demo.loaded",
            target=organisation,
            data={"seed": seed, "today": today.isoformat(), "employees": len(employees), "replaced": bool(existing)},
        )
    return DemoResult(
        organisation=organisation,
        employees=len(employees),
        units=len(units),
        positions=len(positions),
        structure_roles=len(structure),
        accounts=len(users),
        passwords_set=demo_passwords_enabled(),
    )


def _create_units(organisation: Organisation, plan: Plan) -> dict[str, OrgUnit]:
    """One bulk insert per level of the tree, so that every parent has a key already."""
    units: dict[str, OrgUnit] = {}
    by_depth: dict[int, list[tuple[str, str, str]]] = {}
    for path, name, kind in plan.units:
        by_depth.setdefault(path.count("/"), []).append((path, name, kind))
    for depth in sorted(by_depth):
        batch = [
            OrgUnit(
                organisation=organisation,
                name=name,
                kind=kind,
                path=path,
                depth=depth,
                parent=units[path.rsplit("/", 1)[0]] if depth else None,
            )
            for path, name, kind in by_depth[depth]
        ]
        for unit in OrgUnit.objects.bulk_create(batch):
            units[unit.path] = unit
    return units


def _create_positions(organisation: Organisation, units: dict[str, OrgUnit]) -> dict[str, Position]:
    created = Position.objects.bulk_create(
        [
            Position(
                organisation=organisation,
                code=code,
                title=title,
                scale=scale,
                unit=units.get(POSITION_UNITS.get(code[:2], "")),
            )
            for code, title, scale in POSITIONS
        ]
    )
    return {p.code: p for p in created}


def _create_accounts() -> dict[str, User]:
    password = _password_hash()
    taken = set(User.objects.filter(email__in=[p.email for p in PERSONAS]).values_list("email", flat=True))
    if taken:
        raise DemoError(
            _("Accounts with the demo e-mail addresses already exist (%(emails)s). Remove them first.")
            % {"emails": ", ".join(sorted(taken))}
        )
    created = User.objects.bulk_create(
        [
            User(
                email=p.email,
                display_name=" ".join(part for part in (p.first_name, p.infix, p.last_name) if part),
                password=password,
            )
            for p in PERSONAS
        ]
    )
    return {u.email: u for u in created}


def _create_employees(organisation, plan: Plan, units, positions, users) -> dict[str, Employee]:
    """Bulk insert, one layer of the management chain at a time, so that every manager has a key already."""
    by_key = {slot.key: slot for slot in plan.slots}
    layer_of: dict[str, int] = {}

    def layer(slot: Slot) -> int:
        if slot.key not in layer_of:
            layer_of[slot.key] = 0 if slot.manager_key is None else layer(by_key[slot.manager_key]) + 1
        return layer_of[slot.key]

    layers: dict[int, list[Slot]] = {}
    for slot in plan.slots:
        layers.setdefault(layer(slot), []).append(slot)
    employees: dict[str, Employee] = {}
    for depth in sorted(layers):
        batch = [
            Employee(
                organisation=organisation,
                personnel_number=slot.personnel_number,
                first_name=slot.first_name,
                infix=slot.infix,
                last_name=slot.last_name,
                email=slot.email,
                unit=units[slot.unit_path],
                position=positions[slot.position_code],
                manager=employees[slot.manager_key] if slot.manager_key else None,
                employment_type=slot.employment_type,
                start_date=slot.start_date,
                end_date=slot.end_date,
                user=users[slot.persona.email] if slot.persona else None,
            )
            for slot in layers[depth]
        ]
        for slot, employee in zip(layers[depth], Employee.objects.bulk_create(batch, batch_size=500), strict=True):
            employees[slot.key] = employee
    return employees


def _create_structure(organisation, employees: dict[str, Employee]) -> list[StructureRole]:
    order: dict[str, int] = {}
    roles = []
    for spec in STRUCTURE:
        order[spec.kind] = order.get(spec.kind, 0) + 1
        roles.append(
            StructureRole(
                organisation=organisation,
                kind=spec.kind,
                employee=employees[spec.slot] if spec.slot else None,
                name=spec.name,
                email=spec.email,
                phone=spec.phone,
                go_to_for=spec.go_to_for,
                order=order[spec.kind],
            )
        )
    return StructureRole.objects.bulk_create(roles)


def _create_role_assignments(organisation, plan: Plan, users, units) -> list[RoleAssignment]:
    slots = {slot.key: slot for slot in plan.slots}
    assignments = [
        RoleAssignment(
            organisation=organisation,
            user=users[p.email],
            role=p.role,
            unit=units[slots[p.slot].unit_path] if R.ROLES[p.role].unit_scoped else None,
        )
        for p in PERSONAS
        if p.role != R.EMPLOYEE  # everyone with an employee record is an employee
    ]
    return RoleAssignment.objects.bulk_create(assignments)


def ordered_demo_loaders() -> list[tuple[Callable, str]]:
    """The registered demo loaders in ``INSTALLED_APPS`` order (registration order within an app), with a name."""
    app_index = {config.name: i for i, config in enumerate(apps.get_app_configs())}
    entries = []
    for registered, loader in enumerate(demo_loaders):
        config = apps.get_containing_app_config(loader.__module__)
        index = app_index.get(config.name, len(app_index)) if config else len(app_index)
        entries.append((index, registered, loader, f"{loader.__module__}.{loader.__qualname__}"))
    return [(loader, name) for _i, _r, loader, name in sorted(entries, key=lambda e: (e[0], e[1]))]


def ensure_demo_passwords() -> int:
    """Give demo accounts without a usable password the demo password (only in the demo and in tests).

    For a database loaded with ``load_demo`` outside the demo, so that ``./plein demo`` can still log in.
    """
    if not demo_passwords_enabled():
        return 0
    accounts = [u for u in User.objects.filter(email__in=[p.email for p in PERSONAS]) if not u.has_usable_password()]
    if accounts:
        password = _password_hash()
        for user in accounts:
            user.password = password
        User.objects.bulk_update(accounts, ["password"])
    return len(accounts)


def demo_accounts() -> list[dict]:
    """The demo accounts that exist, for the table ``./plein demo`` prints."""
    existing = {u.email: u for u in User.objects.filter(email__in=[p.email for p in PERSONAS])}
    scopes = {
        (a.user_id, a.role): a.unit.name
        for a in RoleAssignment.objects.filter(
            user__in=existing.values(), revoked_at__isnull=True, unit__isnull=False
        ).select_related("unit")
    }
    rows = []
    for p in PERSONAS:
        user = existing.get(p.email)
        if user is None:
            continue
        label = str(R.ROLES[p.role].label)
        scope = scopes.get((user.pk, p.role))
        rows.append(
            {
                "role": f"{label} ({scope})" if scope else label,
                "email": p.email,
                "name": user.display_name,
                "password": DEMO_PASSWORD if user.has_usable_password() and demo_passwords_enabled() else "",
            }
        )
    return rows


def remove_demo(organisation: Organisation) -> None:
    """Delete the demo organisation, its people, units and accounts.

    Units and employees are protected against accidental deletion, so they go in order: people, then units from the
    leaves up, then the organisation (which takes the rest with it).
    """
    if organisation.slug != DEMO_SLUG:
        raise DemoError(_("Only the demo organisation can be removed this way."))
    user_ids = set(
        Employee.objects.filter(organisation=organisation, user__isnull=False).values_list("user_id", flat=True)
    )
    user_ids |= set(User.objects.filter(email__in=[p.email for p in PERSONAS]).values_list("pk", flat=True))
    try:
        with transaction.atomic():
            Employee.objects.filter(organisation=organisation).update(manager=None)
            _delete_through_protection(Employee.objects.filter(organisation=organisation))
            units = OrgUnit.objects.filter(organisation=organisation)
            for depth in sorted(set(units.values_list("depth", flat=True)), reverse=True):
                _delete_through_protection(OrgUnit.objects.filter(organisation=organisation, depth=depth))
            _delete_through_protection(Organisation.objects.filter(pk=organisation.pk))
            _delete_through_protection(User.objects.filter(pk__in=user_ids))
    except (ProtectedError, RestrictedError) as exc:
        raise DemoError(
            _(
                "The demo organisation cannot be removed because other records refer to it (%(what)s). "
                "Start with a fresh database instead: ./plein demo --reset"
            )
            % {"what": ", ".join(sorted({str(obj._meta.verbose_name) for obj in _blocking(exc)}))}
        ) from exc


def _delete_through_protection(queryset, depth: int = 0) -> None:
    """Delete ``queryset``; records of this project's apps that protect it (the demo's own registrations, cases,
    declarations, ...) are deleted first. Only for removing the demo organisation."""
    for _attempt in range(25):
        try:
            with transaction.atomic():
                queryset.delete()
            return
        except (ProtectedError, RestrictedError) as exc:
            blockers = _blocking(exc)
            if depth > 8 or any(not obj._meta.app_config.name.startswith("plein.") for obj in blockers):
                raise
            by_model: dict = {}
            for obj in blockers:
                by_model.setdefault(type(obj), set()).add(obj.pk)
            for model, pks in by_model.items():
                _delete_through_protection(model._base_manager.filter(pk__in=pks), depth + 1)
    queryset.delete()


def _blocking(exc: ProtectedError | RestrictedError):
    return exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects


# --- The demo database ----------------------------------------------------------------------------------------------


def demo_database_file(alias: str = "default") -> Path:
    """The SQLite file of the database, if it may be reset: SQLite, a real file, under ``VAR_DIR``."""
    settings_dict = connections[alias].settings_dict
    name = str(settings_dict.get("NAME") or "")
    var_dir = Path(settings.VAR_DIR).resolve()
    if settings_dict.get("ENGINE") != "django.db.backends.sqlite3":
        raise DemoError(
            _("--reset only deletes the embedded SQLite database; this database is %(engine)s. Reset it yourself.")
            % {"engine": settings_dict.get("ENGINE", "?").rsplit(".", 1)[-1]}
        )
    if not name or name.startswith(("file:", ":memory:")) or "mode=memory" in name:
        raise DemoError(_("--reset only deletes a SQLite database file under %(dir)s.") % {"dir": var_dir})
    path = Path(name).resolve()
    if not path.is_relative_to(var_dir):
        raise DemoError(
            _("--reset only deletes a SQLite database under %(dir)s, and this one is %(path)s. Delete it yourself.")
            % {"dir": var_dir, "path": path}
        )
    return path


def reset_database(alias: str = "default") -> Path:
    """Delete the demo's SQLite file (and its WAL files), so that the next migrate starts fresh."""
    path = demo_database_file(alias)
    connections[alias].close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path
