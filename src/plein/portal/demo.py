"""Demo content of the portal for "Provincie Veenland", written for this product (in Dutch, at level B1).

What it adds, on top of ``services.ensure_portal_setup()``:

- the home page (introduction, the editors' highlights and the order of the sections);
- a knowledge base: integrity, the oath, outside activities, gifts and invitations, reporting a suspected wrongdoing,
  moral deliberation;
- news from 2024 to 2026: De Integriteit Show (11 April 2024), the manager workshop (April 2024), the meeting about
  demonstrating as a civil servant (4 July 2024), the facilitators in training, ... and one item scheduled to go live
  in the future (scheduled publishing), and a knowledge page waiting for review in the editorial workflow;
- codes of conduct and policy: the two codes of 2019 ("Gedragscode integriteit CvdK en GS" and "Gedragscode
  Ambtelijke Integriteit"), whose review is overdue (flagged), the integrity plan (an old and a current version, with
  an ended acknowledgement campaign), the reporting regulation (a running campaign), the outside activities policy;
- polls: two closed ones and one that is open;
- the portal texts (reporting, advice) and the dilemma of the month, used when the moral deliberation app offers
  none.

Files are small PDFs made here. Everything is drawn from ``rng`` and dated relative to ``today`` where it is not a
date from the seed report. Loading again (``load_demo --replace``) first removes what an earlier run made.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page

from plein.core.models import Employee, Organisation, User
from plein.portal import services
from plein.portal.models import (
    Acknowledgement,
    AcknowledgementCampaign,
    HomePage,
    KnowledgePage,
    NewsPage,
    PolicyDocument,
    PolicyVersion,
    Poll,
    PollOption,
    PollParticipation,
    PortalSettings,
)

DEMO_COLLECTION = "Demo Provincie Veenland"
IC_EMAIL = "ic@veenland.example"
EDITOR_EMAIL = "redacteur@veenland.example"
EMPLOYEE_EMAIL = "medewerker@veenland.example"


def _aware(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _token(rng: random.Random, size: int) -> str:
    return rng.randbytes(size).hex()


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


# --- A tiny PDF, so that every document has a real file -------------------------------------------------------------


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page PDF with a title and some lines of text (Helvetica, WinAnsi encoding)."""
    content = ["BT", "/F1 16 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        content += [f"({_pdf_text(line)}) Tj", "0 -16 Td"]
    content.append("ET")
    stream = "\n".join(content).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- Content --------------------------------------------------------------------------------------------------------

KNOWLEDGE_BASE = {
    "title": "Kennisbank integriteit",
    "slug": "kennisbank",
    "intro": "Wat betekent integer werken bij de provincie, en wat doe je als je twijfelt? Hier lees je het.",
    "body": [
        (
            "paragraph",
            _p(
                "Integriteit gaat over het goede doen, ook als niemand kijkt. Als je bij de provincie werkt, werk je "
                "in een glazen huis: inwoners, bedrijven en bestuurders moeten erop kunnen vertrouwen dat je eerlijk, "
                "zorgvuldig en onafhankelijk werkt.",
                "Twijfel je? Dat is normaal. Bespreek het met je leidinggevende of een collega, of vraag advies aan de "
                "integriteitscoördinator. Hieronder vind je de onderwerpen waar de meeste vragen over gaan.",
            ),
        )
    ],
}

KNOWLEDGE_PAGES = [
    {
        "title": "Wat is integriteit?",
        "slug": "wat-is-integriteit",
        "intro": "Integer werken is meer dan je aan de regels houden. Het gaat ook om de keuzes die je elke dag maakt.",
        "body": [
            ("heading", "Meer dan regels"),
            (
                "paragraph",
                _p(
                    "Wetten en regels zijn belangrijk. Maar een besluit kan volgens de regels zijn en toch niet goed "
                    "voelen. Integriteit betekent dat je ook dan nadenkt: wie zijn erbij betrokken, wat is eerlijk, en "
                    "kun je je keuze uitleggen aan een collega, een inwoner of de krant?",
                ),
            ),
            ("heading", "Wat verwachten we van je?"),
            (
                "paragraph",
                _ul(
                    "Je gaat zorgvuldig om met informatie en met publiek geld.",
                    "Je voorkomt dat je eigen belangen en je werk door elkaar lopen.",
                    "Je meldt nevenfuncties, financiële belangen en geschenken.",
                    "Je spreekt collega's aan als iets niet klopt, en je staat open voor feedback.",
                    "Je zoekt hulp als je twijfelt. Vragen stellen is altijd goed.",
                ),
            ),
            (
                "callout",
                {
                    "title": "Twijfel je?",
                    "text": _p(
                        "Stel jezelf de krantentest-vraag: zou ik het erg vinden als dit morgen in de krant staat? "
                        "Zo ja, vraag dan eerst advies."
                    ),
                },
            ),
        ],
    },
    {
        "title": "Ambtseed en belofte",
        "slug": "ambtseed",
        "intro": "Iedere nieuwe medewerker legt de ambtseed of belofte af. Zo beloof je integer te werken.",
        "body": [
            (
                "paragraph",
                _p(
                    "De Ambtenarenwet schrijft voor dat je de eed of belofte aflegt als je in dienst komt, ook als je "
                    "tijdelijk bij ons werkt. Dat doe je in een bijeenkomst met de provinciesecretaris en andere nieuwe "
                    "collega's.",
                    "De bijeenkomst is interactief. Na de uitleg over ons integriteitsbeleid en het afleggen van de "
                    "eed of belofte bespreek je in kleine groepen een dilemma, bijvoorbeeld hoe het demonstratierecht "
                    "zich verhoudt tot het zijn van ambtenaar.",
                ),
            ),
            ("heading", "Eed of belofte?"),
            (
                "paragraph",
                _p(
                    "De eed en de belofte zijn even geldig. Bij de eed noem je God; bij de belofte niet. Je kiest zelf.",
                    'Op <a href="/ambtseed/">jouw pagina over de ambtseed</a> zie je of je de eed al hebt afgelegd '
                    "en schrijf je je in voor een bijeenkomst.",
                ),
            ),
        ],
    },
    {
        "title": "Nevenfuncties",
        "slug": "nevenfuncties",
        "intro": "Werk je ook buiten de provincie, betaald of als vrijwilliger? Meld het, zodat we samen kunnen kijken "
        "of het botst met je werk.",
        "body": [
            (
                "paragraph",
                _p(
                    "Een nevenfunctie is werk dat je naast je baan doet: een bestuursfunctie bij een vereniging, een "
                    "eigen bedrijf, of vrijwilligerswerk. Meestal is dat geen enkel probleem. Maar soms kan het botsen "
                    "met je werk, bijvoorbeeld als je vereniging subsidie aanvraagt bij jouw team.",
                ),
            ),
            ("heading", "Hoe meld je een nevenfunctie?"),
            (
                "paragraph",
                _ul(
                    'Meld de nevenfunctie bij <a href="/verklaringen/">Verklaringen</a>.',
                    "Je leidinggevende beoordeelt of de nevenfunctie kan. Bij twijfel vraagt die advies aan de "
                    "integriteitscoördinator.",
                    "Werk je in een functie waarvoor publicatie geldt? Dan komt de nevenfunctie in het openbare "
                    "register.",
                ),
            ),
            (
                "faq",
                {
                    "title": "Veelgestelde vragen",
                    "questions": [
                        {
                            "question": "Moet ik vrijwilligerswerk ook melden?",
                            "answer": _p(
                                "Ja, als het raakt aan je werk of aan de provincie. Twijfel je, meld het dan gewoon."
                            ),
                        },
                        {
                            "question": "Ik solliciteer nog. Moet ik mijn nevenfuncties al noemen?",
                            "answer": _p(
                                "Graag. Zo kunnen we vóór je indiensttreding bespreken of een nevenfunctie past."
                            ),
                        },
                    ],
                },
            ),
        ],
    },
    {
        "title": "Geschenken en uitnodigingen",
        "slug": "geschenken-en-uitnodigingen",
        "intro": "Een relatie biedt je een cadeau of een uitnodiging aan. Wat mag wel, en wat niet?",
        "body": [
            (
                "paragraph",
                _p(
                    "Een kleine attentie, zoals een bos bloemen of een boek, is meestal geen probleem. Maar een "
                    "geschenk kan je ook het gevoel geven dat je iets terug moet doen. Daarom hebben we afspraken.",
                ),
            ),
            ("heading", "De afspraken"),
            (
                "paragraph",
                _ul(
                    "Meld elk geschenk en elke uitnodiging bij Verklaringen.",
                    "Is de waarde meer dan 50 euro? Dan beslist je leidinggevende of je het mag houden.",
                    "Loopt er een aanbesteding of een vergunningaanvraag van de gever? Dan neem je niets aan.",
                    "Geld, waardebonnen en reizen neem je nooit aan.",
                ),
            ),
            (
                "callout",
                {
                    "title": "Voorbeeld",
                    "text": _p(
                        "Een adviesbureau nodigt je uit voor een voetbalwedstrijd in een skybox. Volgende maand "
                        "beoordeel jij hun offerte. Je bedankt vriendelijk voor de uitnodiging en meldt die."
                    ),
                },
            ),
        ],
    },
    {
        "title": "Een vermoeden van een misstand melden",
        "slug": "misstand-melden",
        "intro": "Zie je iets wat niet klopt en wat het algemeen belang raakt? Je kunt het veilig melden.",
        "body": [
            (
                "paragraph",
                _p(
                    "Een misstand is bijvoorbeeld fraude, het verspillen van publiek geld, gevaar voor de "
                    "volksgezondheid of het milieu, of het stelselmatig overtreden van regels. De Wet bescherming "
                    "klokkenluiders beschermt je als je zo'n vermoeden meldt.",
                ),
            ),
            ("heading", "Zo meld je"),
            (
                "paragraph",
                _ul(
                    'Gebruik het <a href="/melden/">meldkanaal</a>. Dat kan met je naam, vertrouwelijk of anoniem.',
                    "Je krijgt binnen 7 dagen een ontvangstbevestiging.",
                    "Binnen 3 maanden hoor je wat er met je melding gebeurt.",
                    "Je mag ook meteen naar een externe instantie, zoals het Huis voor Klokkenluiders.",
                ),
            ),
            (
                "callout",
                {
                    "title": "Eerst overleggen?",
                    "text": _p(
                        "Weet je nog niet of je wilt melden? Praat dan eerst vertrouwelijk met een "
                        'vertrouwenspersoon. Je vindt ze op de pagina <a href="/wie-is-wie/">wie is wie</a>.'
                    ),
                },
            ),
        ],
    },
    {
        "title": "Moreel beraad",
        "slug": "moreel-beraad",
        "intro": "Een gesprek met je team over een lastige keuze uit de praktijk, onder leiding van een "
        "procesbegeleider.",
        "body": [
            (
                "paragraph",
                _p(
                    "In je werk kom je soms voor keuzes te staan waarbij regels en procedures geen antwoord geven. Of "
                    "een besluit voelt niet goed, ook al mag het volgens de regels. In een moreel beraad onderzoek je "
                    "zo'n situatie samen, stap voor stap.",
                ),
            ),
            ("heading", "Hoe gaat het?"),
            (
                "paragraph",
                "<ol><li>Iemand brengt een dilemma in: een echte situatie.</li>"
                "<li>Jullie brengen in kaart wie erbij betrokken zijn en wat hun belangen zijn.</li>"
                "<li>Jullie zoeken de handelingsopties en wegen de argumenten.</li>"
                "<li>Je kiest, en je kunt je keuze uitleggen.</li></ol>",
            ),
            (
                "quote",
                {
                    "quote": "Het gaat niet om het goede antwoord, maar om een goed gesprek. Daarna weet je beter "
                    "waarom je iets doet.",
                    "source": "Een procesbegeleider moreel beraad van Provincie Veenland",
                },
            ),
            (
                "paragraph",
                _p(
                    "Wil je een moreel beraad met je team? Neem contact op met de integriteitscoördinator of met een "
                    "van de procesbegeleiders."
                ),
            ),
        ],
    },
]

REVIEW_PAGE = {
    "title": "Nieuwe gedragscode: wat verandert er?",
    "slug": "nieuwe-gedragscode",
    "intro": "De gedragscodes uit 2019 worden vernieuwd. Dit zijn de belangrijkste veranderingen.",
    "body": [
        (
            "paragraph",
            _p(
                "Concept. De nieuwe gedragscode is korter en gaat meer over de dilemma's van nu: sociale media, "
                "demonstreren als ambtenaar en samenwerken met andere overheden."
            ),
        )
    ],
}

NEWS = [
    (
        date(2024, 4, 12),
        "De Integriteit Show: luister naar je onderbuikgevoel",
        "de-integriteit-show",
        "Op 11 april organiseerde de ondernemingsraad De Integriteit Show. Met illusies lieten de artiesten zien "
        "hoe makkelijk we te beïnvloeden zijn.",
        _p(
            "Ruim tweehonderd collega's kwamen naar de Statenzaal. Met verrassende illusieacts leerden ze hoe je "
            "beter op je onderbuikgevoel kunt letten, en hoe makkelijk mensen zich laten beïnvloeden.",
            "De show wilde integriteit op een positieve manier onder de aandacht brengen. Het was een begin: praat "
            "erover verder met je collega's, de integriteitscoördinator of een vertrouwenspersoon.",
        ),
    ),
    (
        date(2024, 4, 24),
        "Tweede integriteitsworkshop voor nieuwe managers",
        "workshop-nieuwe-managers",
        "Na de eerste workshop in oktober 2023 volgde in april een tweede groep nieuwe managers de "
        "integriteitsworkshop.",
        _p(
            "Managers hebben een voorbeeldfunctie. In de workshop oefenden ze met dilemma's uit hun eigen praktijk en "
            "bespraken ze hoe je een veilig klimaat maakt waarin medewerkers twijfels durven te delen.",
            "De workshop krijgt een vaste plaats in het introductieprogramma voor nieuwe managers.",
        ),
    ),
    (
        date(2024, 6, 10),
        "Uitnodiging: ambtenaar zijn én demonstreren",
        "uitnodiging-demonstreren",
        "Mag je als ambtenaar demonstreren? En waar ligt de grens? Praat mee op 4 juli.",
        _p(
            "Als je bij de overheid werkt, werk je in een glazen huis. Met je eed of belofte heb je beloofd integer "
            "te zijn. Maar wat betekent dat als je wilt demonstreren? Welke ruimte heb je wel, en welke niet?",
            "Op 4 juli verkennen we dit onderwerp samen, onder leiding van een ervaren integriteitscoördinator van "
            "een andere provincie. Aanmelden kan bij de integriteitscoördinator.",
        ),
    ),
    (
        date(2024, 7, 5),
        "Terugblik: bijeenkomst over demonstreren als ambtenaar",
        "terugblik-demonstreren",
        "Op 4 juli spraken collega's over de vraag hoe je als ambtenaar kunt demonstreren.",
        _p(
            "Het was een open gesprek. Demonstreren is een grondrecht, ook voor ambtenaren. Maar je functie kan "
            "betekenen dat je terughoudend moet zijn, bijvoorbeeld als je werkt aan het onderwerp waartegen je "
            "demonstreert.",
            "Twijfel je? Bespreek het met je leidinggevende of met de integriteitscoördinator.",
        ),
    ),
    (
        date(2024, 9, 16),
        "Zes collega's worden procesbegeleider moreel beraad",
        "procesbegeleiders-moreel-beraad",
        "Zes collega's volgen de opleiding tot procesbegeleider moreel beraad. Ze oefenen al in de praktijk.",
        _p(
            "Procesbegeleiders helpen teams om samen een lastige keuze te onderzoeken. Voor de zomer van 2025 ronden "
            "ze hun opleiding af. Daarna kun je hen vragen voor een moreel beraad met je team.",
        ),
    ),
    (
        date(2024, 11, 20),
        "Rekenkamer onderzoekt het integriteitssysteem",
        "rekenkamer-onderzoek",
        "De rekenkamer onderzoekt hoe de provincie integriteit heeft georganiseerd.",
        _p(
            "Het onderzoek heeft twee fasen. De eerste fase, een inventarisatie, is afgerond. In de tweede fase kijkt "
            "de rekenkamer dieper. Misschien vraagt de rekenkamer ook jou om mee te werken.",
        ),
    ),
    (
        date(2025, 3, 17),
        "Het Integriteitsplein is open",
        "integriteitsplein-open",
        "Alles over integriteit op één plek: beleid, gedragscodes, nieuws, trainingen en de weg naar het meldkanaal.",
        _p(
            "Op het Integriteitsplein vind je alle informatie over integriteit bij de provincie. Je ziet ook wat je "
            "zelf nog moet doen, zoals het afleggen van de ambtseed of het lezen van een nieuwe regeling.",
        ),
    ),
    (
        date(2025, 6, 2),
        "Jaarverslag integriteit 2024 verschenen",
        "jaarverslag-2024",
        "In 2024 legden 156 collega's de ambtseed af. Lees meer in het jaarverslag.",
        _p(
            "Het jaarverslag beschrijft wat we in 2024 deden: vier ambtseedbijeenkomsten, De Integriteit Show, de "
            "bijeenkomst over demonstreren en de start van de opleiding moreel beraad. Er is geen melding van een "
            "vermoeden van een integriteitsschending gedaan.",
        ),
    ),
    (
        date(2025, 10, 14),
        "Nieuw integriteitsplan vastgesteld",
        "nieuw-integriteitsplan",
        "De directie heeft het integriteitsplan 2025–2028 vastgesteld. Lees het en bevestig dat je het kent.",
        _p(
            "Het nieuwe plan bouwt voort op de ervaring van de afgelopen jaren. Nieuw zijn onder meer het moreel "
            "beraad voor alle teams en een vaste rol voor de integriteitscoördinator bij werving en selectie.",
        ),
    ),
    (
        date(2026, 3, 9),
        "Gedragscodes worden vernieuwd: denk mee",
        "gedragscodes-vernieuwd",
        "De gedragscodes uit 2019 zijn toe aan een nieuwe versie. Jouw ervaring helpt.",
        _p(
            "We vernieuwen de Gedragscode Ambtelijke Integriteit en de Gedragscode integriteit CvdK en GS. Welke "
            "dilemma's kom jij tegen die er nog niet in staan? Laat het de integriteitscoördinator weten.",
        ),
    ),
]


def _scheduled_news(today: date) -> tuple:
    day = today + timedelta(days=11)
    return (
        day,
        "Internationale Anticorruptiedag",
        "anticorruptiedag",
        "Vandaag is het Internationale Anticorruptiedag. Wat doen wij om corruptie te voorkomen?",
        _p(
            "Corruptie begint vaak klein: een gunst, een cadeau, een uitzondering voor een bekende. Daarom melden we "
            "geschenken en nevenfuncties, en praten we over dilemma's. Dit bericht is ingepland en verschijnt "
            "vanzelf.",
        ),
    )


POLICY = [
    {
        "title": "Gedragscode integriteit CvdK en GS",
        "kind": PolicyDocument.Kind.CODE_OF_CONDUCT,
        "summary": "De afspraken over integriteit voor de Commissaris van de Koning en de gedeputeerden.",
        "versions": [
            (
                "2019",
                "geldend",
                date(2019, 3, 26),
                "Gedeputeerde Staten en de Commissaris van de Koning",
                date(2023, 3, 26),
            ),
        ],
    },
    {
        "title": "Gedragscode Ambtelijke Integriteit",
        "kind": PolicyDocument.Kind.CODE_OF_CONDUCT,
        "summary": "Wat we van elke medewerker verwachten: van geschenken tot geheimhouding.",
        "versions": [
            ("2019", "geldend", date(2019, 5, 14), "Gedeputeerde Staten", date(2023, 5, 14)),
            ("2026", "concept", None, "", None),
        ],
    },
    {
        "title": "Integriteitsplan",
        "kind": PolicyDocument.Kind.INTEGRITY_PLAN,
        "summary": "Hoe de provincie integriteit bevordert: de structuur, de instrumenten en de plannen.",
        "versions": [
            ("2020–2024", "vervallen", date(2020, 1, 28), "Directie", date(2024, 12, 31)),
            ("2025–2028", "geldend", date(2025, 10, 7), "Directie", date(2028, 10, 1)),
        ],
    },
    {
        "title": "Regeling melden vermoeden van een misstand",
        "kind": PolicyDocument.Kind.REGULATION,
        "summary": "Hoe je een vermoeden van een misstand meldt en hoe de provincie je meldingen behandelt (Wet "
        "bescherming klokkenluiders).",
        "versions": [("2025", "geldend", date(2025, 5, 20), "Gedeputeerde Staten", date(2028, 5, 20))],
    },
    {
        "title": "Beleid nevenwerkzaamheden en financiële belangen",
        "kind": PolicyDocument.Kind.POLICY,
        "summary": "Welke nevenwerkzaamheden en financiële belangen je meldt, en hoe ze worden beoordeeld.",
        "versions": [("2021", "geldend", date(2021, 2, 1), "Gedeputeerde Staten", date(2027, 2, 1))],
    },
]

POLLS_CLOSED = [
    (
        "Wat vond je van De Integriteit Show?",
        date(2024, 4, 11),
        date(2024, 4, 30),
        [("Leerzaam en leuk", 96), ("Leuk, maar ik heb er weinig van geleerd", 41), ("Niet mijn ding", 12)],
    ),
    (
        "Weet je bij wie je terecht kunt met een vraag over integriteit?",
        date(2025, 3, 17),
        date(2025, 4, 7),
        [("Ja, precies", 118), ("Ik heb een idee", 87), ("Nee", 39)],
    ),
]
POLL_OPEN = (
    "Heb je het afgelopen jaar een integriteitsdilemma besproken met je team?",
    "Denk aan een lastige keuze waarover jullie samen hebben gepraat, bijvoorbeeld in een werkoverleg.",
    ["Ja, meerdere keren", "Ja, één keer", "Nee, maar ik zou het wel willen", "Nee"],
    [0.22, 0.31, 0.29, 0.18],
)

PORTAL_TEXTS = {
    "reporting_intro": (
        "Vermoed je een misstand of een integriteitsschending? Meld het veilig: met je naam, vertrouwelijk of "
        "anoniem. Twijfel je nog? Praat dan eerst met een vertrouwenspersoon of de integriteitscoördinator."
    ),
    "consultation_intro": (
        "Je kunt altijd vertrouwelijk advies vragen, zonder dat je iets meldt. Samen zoeken jullie uit wat je kunt doen."
    ),
    "dilemma_title": "Het jubileumfeest",
    "dilemma_text": (
        "Een adviesbureau waarmee je team al jaren prettig samenwerkt, bestaat 25 jaar. Je krijgt een persoonlijke "
        "uitnodiging voor het jubileumfeest, met diner en optreden. Er loopt nu geen opdracht, maar volgend jaar "
        "wordt een nieuwe opdracht aanbesteed. Jij zit in het beoordelingsteam."
    ),
    "dilemma_question": "Ga je naar het feest? En wat zeg je tegen je collega's?",
}


# --- Loading --------------------------------------------------------------------------------------------------------


def _collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=DEMO_COLLECTION).first()
    return existing or root.add_child(instance=Collection(name=DEMO_COLLECTION))


def _remove_earlier_demo(setup: services.PortalSetup) -> None:
    """What an earlier demo run made: its pages (by slug) and the files in the demo collection."""
    slugs = {KNOWLEDGE_BASE["slug"], *(item[2] for item in NEWS), "anticorruptiedag"}
    for page in Page.objects.filter(slug__in=slugs, depth__gt=2).order_by("-depth"):
        page.delete()
    collection = Collection.objects.filter(name=DEMO_COLLECTION).first()
    if collection is not None:
        in_use = PolicyVersion.objects.filter(file__isnull=False).values("file_id")
        for document in get_document_model().objects.filter(collection=collection).exclude(pk__in=in_use):
            document.file.delete(save=False)
            document.delete()


def _publish(page: Page, user: User | None, when: datetime | None = None, publisher: User | None = None) -> Page:
    """Written by ``user``; published as the integrity coordinator would after review (no permission check here)."""
    page.save_revision(user=user).publish(user=publisher or user, skip_permission_checks=True)
    if when is not None:
        Page.objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
    return page


def load(organisation: Organisation, *, rng: random.Random, today: date) -> None:
    setup = services.ensure_portal_setup(site_name=organisation.name)
    _remove_earlier_demo(setup)
    users = {u.email: u for u in User.objects.filter(email__in=[IC_EMAIL, EDITOR_EMAIL, EMPLOYEE_EMAIL])}
    editor, ic = users.get(EDITOR_EMAIL), users.get(IC_EMAIL)
    services.sync_all_cms_groups()

    pages = _load_pages(setup, editor=editor, ic=ic, today=today)
    _load_home(setup.home, pages, editor, ic)
    _load_settings()
    documents = _load_policy(organisation, ic=ic, today=today)
    _load_campaigns(organisation, documents, ic=ic, rng=rng, today=today, employee_user=users.get(EMPLOYEE_EMAIL))
    _load_polls(organisation, ic=ic, rng=rng, today=today, employee_user=users.get(EMPLOYEE_EMAIL))


def _load_pages(setup: services.PortalSetup, *, editor, ic, today: date) -> dict[str, Page]:
    made: dict[str, Page] = {}
    base = setup.home.add_child(
        instance=KnowledgePage(
            title=KNOWLEDGE_BASE["title"],
            slug=KNOWLEDGE_BASE["slug"],
            intro=KNOWLEDGE_BASE["intro"],
            body=KNOWLEDGE_BASE["body"],
            show_in_menus=True,
        )
    )
    _publish(base, editor, _aware(date(2025, 3, 17)), publisher=ic)
    made["kennisbank"] = base
    for spec in KNOWLEDGE_PAGES:
        page = base.add_child(
            instance=KnowledgePage(title=spec["title"], slug=spec["slug"], intro=spec["intro"], body=spec["body"])
        )
        _publish(page, editor, _aware(date(2025, 3, 17)), publisher=ic)
        made[spec["slug"]] = page
    # A draft waiting for the integrity coordinator's review in the editorial workflow.
    draft = base.add_child(
        instance=KnowledgePage(
            title=REVIEW_PAGE["title"],
            slug=REVIEW_PAGE["slug"],
            intro=REVIEW_PAGE["intro"],
            body=REVIEW_PAGE["body"],
            live=False,
        )
    )
    draft.save_revision(user=editor)
    if editor is not None:
        setup.workflow.start(draft, editor)

    for day, title, slug, intro, body in [*NEWS, _scheduled_news(today)]:
        page = NewsPage(title=title, slug=slug, date=day, intro=intro, body=[("paragraph", body)])
        if day > today:
            page.live = False
            page.go_live_at = _aware(day, 8)
        setup.news_index.add_child(instance=page)
        if day > today:
            # Scheduled: goes live when ./plein publish_scheduled runs after that moment.
            page.save_revision(user=ic).publish(user=ic, skip_permission_checks=True)
        else:
            _publish(page, editor, _aware(day, 10), publisher=ic)
        made[slug] = page
    return made


def _load_home(home: HomePage, pages: dict[str, Page], editor, ic) -> None:
    home = HomePage.objects.get(pk=home.pk)
    home.intro = _p(
        "Welkom op het Integriteitsplein van Provincie Veenland. Hier vind je alles over integer werken: onze "
        "gedragscodes en regels, nieuws en bijeenkomsten, bij wie je terecht kunt, en hoe je veilig een vermoeden "
        "van een misstand meldt."
    )
    home.sections = [
        (
            "highlights",
            {
                "heading": "Uitgelicht",
                "items": [
                    {
                        "title": "Twijfel je? Zo meld je een misstand",
                        "text": "Met je naam, vertrouwelijk of anoniem. Lees hoe het werkt.",
                        "page": pages["misstand-melden"],
                        "url": "",
                    },
                    {
                        "title": "Moreel beraad met je team",
                        "text": "Samen een lastige keuze onderzoeken, met een procesbegeleider.",
                        "page": pages["moreel-beraad"],
                        "url": "",
                    },
                    {
                        "title": "Geschenken en uitnodigingen",
                        "text": "Wat mag je aannemen, en wat meld je?",
                        "page": pages["geschenken-en-uitnodigingen"],
                        "url": "",
                    },
                ],
            },
        ),
        *services.DEFAULT_HOME_SECTIONS,
    ]
    _publish(home, editor, publisher=ic)


def _load_settings() -> None:
    portal_settings = PortalSettings.load()
    for name, value in PORTAL_TEXTS.items():
        setattr(portal_settings, name, value)
    portal_settings.save()


def _load_policy(organisation: Organisation, *, ic, today: date) -> dict[str, PolicyDocument]:
    collection = _collection()
    Document = get_document_model()
    made = {}
    for spec in POLICY:
        document = PolicyDocument.objects.create(
            organisation=organisation, title=spec["title"], kind=spec["kind"], summary=spec["summary"]
        )
        for version, status, adopted_on, adopted_by, review_on in spec["versions"]:
            file = None
            if status != PolicyVersion.Status.DRAFT:
                name = f"{spec['title']} {version}"
                file = Document(title=name, collection=collection, uploaded_by_user=ic)
                pdf = make_pdf(
                    name,
                    [
                        f"{organisation.name}",
                        f"Vastgesteld op {adopted_on:%d-%m-%Y} door {adopted_by}.",
                        spec["summary"],
                        "Demoversie: dit document is gemaakt voor de demonstratie van Integriteitsplein.",
                    ],
                )
                file.file.save(f"{spec['title'].lower().replace(' ', '-')}-{version}.pdf", ContentFile(pdf), save=False)
                file.save()
            PolicyVersion.objects.create(
                document=document,
                version=version,
                status=status,
                adopted_on=adopted_on,
                adopted_by=adopted_by,
                review_on=review_on,
                file=file,
                created_by=ic,
                notes="" if status != PolicyVersion.Status.DRAFT else "In voorbereiding; verwacht in 2027.",
            )
        made[spec["title"]] = document
    return made


def _load_campaigns(organisation, documents, *, ic, rng: random.Random, today: date, employee_user) -> None:
    in_service = list(
        Employee.objects.filter(organisation=organisation).in_service(today).order_by("pk").values_list("pk", "user")
    )
    specs = [
        # (document, start, deadline, share that confirmed, ended)
        ("Integriteitsplan", date(2025, 10, 20), date(2025, 12, 31), 0.81, True),
        (
            "Regeling melden vermoeden van een misstand",
            today - timedelta(days=20),
            today + timedelta(days=25),
            0.46,
            False,
        ),
    ]
    for title, start, deadline, share, ended in specs:
        version = PolicyVersion.objects.get(document=documents[title], status=PolicyVersion.Status.IN_FORCE)
        AcknowledgementCampaign.objects.create(
            version=version,
            organisation=organisation,
            deadline=deadline,
            started_at=_aware(start),
            started_by=ic,
            closed_at=_aware(deadline, 23, 59) if ended else None,
            message="Lees het document en bevestig dat je het kent. Het duurt ongeveer tien minuten.",
        )
        last = min(today, deadline)
        span = max((last - start).days, 1)
        chosen = [
            pk
            for pk, user_id in in_service
            if rng.random() < share and (employee_user is None or user_id != employee_user.pk)
        ]
        Acknowledgement.objects.bulk_create(
            [
                Acknowledgement(
                    version=version,
                    employee_id=pk,
                    acknowledged_at=_aware(
                        start + timedelta(days=rng.randrange(span)), rng.randrange(8, 18), rng.randrange(60)
                    ),
                )
                for pk in chosen
            ],
            batch_size=500,
        )


def _load_polls(organisation, *, ic, rng: random.Random, today: date, employee_user) -> None:
    for question, opens, closes, answers in POLLS_CLOSED:
        poll = Poll.objects.create(
            organisation=organisation,
            question=question,
            opens_at=_aware(opens),
            closes_at=_aware(closes, 17),
            created_by=ic,
            secret=b"",  # ended: the secret is gone, the markers are anonymous
        )
        PollOption.objects.bulk_create(
            [PollOption(poll=poll, label=label, order=i, votes=votes) for i, (label, votes) in enumerate(answers, 1)]
        )
        total = sum(votes for _label, votes in answers)
        PollParticipation.objects.bulk_create(
            [PollParticipation(id=_token(rng, 16), poll=poll, voter_hash=_token(rng, 32)) for _ in range(total)]
        )

    question, description, labels, weights = POLL_OPEN
    poll = Poll.objects.create(
        organisation=organisation,
        question=question,
        description=description,
        opens_at=_aware(today - timedelta(days=6), 8),
        closes_at=_aware(today + timedelta(days=15), 17),
        created_by=ic,
        secret=rng.randbytes(32),
    )
    options = PollOption.objects.bulk_create(
        [PollOption(poll=poll, label=label, order=i) for i, label in enumerate(labels, 1)]
    )
    voters = list(
        Employee.objects.filter(organisation=organisation)
        .in_service(today)
        .exclude(user__email=employee_user.email if employee_user else "")
        .order_by("pk")
    )
    chosen = rng.sample(voters, k=min(len(voters), 140))
    counts = [0] * len(options)
    markers = []
    for employee in chosen:
        counts[rng.choices(range(len(options)), weights=weights)[0]] += 1
        markers.append(PollParticipation(id=_token(rng, 16), poll=poll, voter_hash=services.voter_hash(poll, employee)))
    rng.shuffle(markers)
    PollParticipation.objects.bulk_create(markers, batch_size=500)
    for option, count in zip(options, counts, strict=True):
        PollOption.objects.filter(pk=option.pk).update(votes=count)
