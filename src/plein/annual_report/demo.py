"""Demo records of the annual report: the integrity plan's actions and the texts of the 2024 report.

The texts are written for Provincie Veenland after the seed report (the annual integrity report 2024 of a Dutch
province): the same story in our own words. The figures are not here: they come from the other apps' demo records
(4 ceremonies and 156 oaths, no reports of a suspected integrity violation, the facilitators, the Integriteit Show of
11 April and the meeting about demonstrating of 4 July). The 2024 report waits for the approval of the provincial
secretary, so the demo shows the whole flow: approve, publish, and the public page with its PDF.
"""

from __future__ import annotations

import datetime as dt

from plein.annual_report import services
from plein.annual_report.models import AnnualReport, PlanAction
from plein.annual_report.sections import SECTIONS as SPECS
from plein.core import roles as R
from plein.core.models import Organisation, RoleAssignment

DEMO_YEAR = 2024

PLAN = [
    {
        "title": "Communicatiestrategie integriteit en het Integriteitsplein op intranet",
        "theme": "Communicatie",
        "owner": "Team Communicatie en integriteitscoördinator",
        "planned_year": 2025,
        "planned_quarter": 1,
        "status": PlanAction.Status.IN_PROGRESS,
        "module": PlanAction.Module.PORTAL,
        "note": "Kreeg in 2024 minder prioriteit. Eén plek voor beleid, nieuws, lezingen, e-learning, peilingen, "
        "trainingen en de ingang naar de meldpunten en contactpersonen.",
    },
    {
        "title": "Meldkanaal voor een vermoeden van een misstand",
        "theme": "Melden",
        "owner": "Integriteitscoördinator en HR",
        "planned_year": 2025,
        "planned_quarter": 2,
        "status": PlanAction.Status.IN_PROGRESS,
        "module": PlanAction.Module.REPORTS,
        "note": "Een regeling op basis van bijlage 2 van de cao. We onderzoeken één portaal voor meerdere soorten "
        "meldingen, zoals ondermijning, met een team dat de continuïteit borgt.",
    },
    {
        "title": "Nieuw integriteitsplan, met een beleids- en systeemgerichte analyse",
        "theme": "Beleid",
        "owner": "Integriteitscoördinator",
        "planned_year": 2025,
        "planned_quarter": 4,
        "status": PlanAction.Status.PLANNED,
        "module": PlanAction.Module.NONE,
        "note": "Het huidige plan kon in 2024 ongewijzigd blijven. Het nieuwe plan kijkt ook naar de documenten die "
        "ermee samenhangen.",
    },
    {
        "title": "Inventarisatie van risicofuncties en functies met kwetsbare handelingen actualiseren",
        "theme": "Screening",
        "owner": "HR en integriteitscoördinator",
        "planned_year": 2025,
        "planned_quarter": 3,
        "status": PlanAction.Status.PLANNED,
        "module": PlanAction.Module.POSITIONS,
        "note": "Nodig voor het beleid rond nevenfuncties en de VOG, en bruikbaar voor weerbaarheid, ondermijning en "
        "cybersecurity.",
    },
    {
        "title": "Gedragscodes uit 2019 actualiseren",
        "theme": "Gedragscode",
        "owner": "Integriteitscoördinator en Team Bestuursondersteuning",
        "planned_year": 2025,
        "planned_quarter": 4,
        "status": PlanAction.Status.PLANNED,
        "module": PlanAction.Module.PORTAL,
        "note": "De gedragscode voor Gedeputeerde Staten en de Commissaris van de Koning, en de ambtelijke gedragscode.",
    },
    {
        "title": "Opleiding van zes procesbegeleiders moreel beraad afronden",
        "theme": "Moreel beraad",
        "owner": "Integriteitscoördinator",
        "planned_year": 2025,
        "planned_quarter": 2,
        "status": PlanAction.Status.IN_PROGRESS,
        "module": PlanAction.Module.DELIBERATION,
        "note": "Daarna kunnen teams een moreel beraad aanvragen.",
    },
    {
        "title": "Integriteitsworkshop voor nieuwe leidinggevenden vast in het inwerkprogramma",
        "theme": "Bewustwording",
        "owner": "HR, Leren en ontwikkelen",
        "planned_year": 2025,
        "planned_quarter": 1,
        "status": PlanAction.Status.IN_PROGRESS,
        "module": PlanAction.Module.LEARNING,
        "note": "",
    },
    {
        "title": "Rol van de integriteitscoördinator bij werving en selectie",
        "theme": "Nevenfuncties",
        "owner": "HR en integriteitscoördinator",
        "planned_year": 2025,
        "planned_quarter": 2,
        "status": PlanAction.Status.PLANNED,
        "module": PlanAction.Module.DECLARATIONS,
        "note": "Nevenfuncties bespreken in het arbeidsvoorwaardengesprek, vóór iemand in dienst komt.",
    },
]

SECTIONS = {
    "inleiding": """Integriteit kreeg in 2024 opnieuw veel aandacht in Provincie Veenland. Wat er in binnen- en buitenland gebeurt, bijvoorbeeld rond ondermijning en digitale dreigingen, laat zien hoe belangrijk het is dat medewerkers en bestuurders lastige keuzes herkennen en bespreken. Gaat het mis bij een medewerker of bestuurder, dan kan dat leiden tot een onderzoek naar een vermoeden van een misstand. Daarom werken we samen met collega's van informatiebeveiliging, weerbaarheid en HR.

In 2024 zijn we begonnen met het werven en opleiden van zes procesbegeleiders moreel beraad. Dat staat zo in het integriteitsplan. Zij ronden hun opleiding voor de zomer van 2025 af en oefenen nu al in de praktijk.

> Iets kan volgens de regels kloppen en toch niet goed voelen. In een moreel beraad onderzoeken we samen, stap voor stap, wat in deze situatie de juiste keuze is: welke mogelijkheden je hebt, wie erbij betrokken zijn en wat echt zwaar weegt.

Alle medewerkers volgen de training morele oordeelsvorming. Zo leren ze morele vragen herkennen. De integriteitsworkshop voor nieuwe leidinggevenden, gestart in oktober 2023, kreeg in april 2024 een vervolg. We willen de workshop een vaste plek geven in het inwerkprogramma.

De rekenkamer onderzoekt sinds de tweede helft van 2023 ons integriteitssysteem. Het eerste, inventariserende deel is eind 2023 afgerond. Het verdiepende deel liep in 2024 en vraagt meer tijd dan verwacht.""",
    "integriteitsstructuur": """Integriteit is van iedereen. Een aantal mensen en organen heeft er een bijzondere taak in: de provinciesecretaris en de directie, de domein-, thema- en stafmanagers (ethisch leiderschap), de integriteitscoördinator, de vertrouwenspersonen voor integriteit en ongewenst gedrag, de feitenonderzoekers, de arbeidsjuristen, de concerncontroller, de CISO, de functionaris gegevensbescherming, de Ondernemingsraad en het Platform Integriteit en Informatieveiligheid. Samen vormen zij de ruggengraat van onze integriteitsorganisatie.

Hieronder staan de rollen zoals ze in het Integriteitsplein zijn vastgelegd. Op de pagina "Wie is wie bij integriteit" staat hoe u hen bereikt.""",
    "ambtseed": """Iedere ambtenaar, vast of tijdelijk, legt bij de aanstelling de eed of belofte af. Dat gebeurt mondeling, in aanwezigheid van de provinciesecretaris. De integriteitscoördinator vertelt daarbij over het integriteitsbeleid van de provincie.

In 2024 hebben we de bijeenkomsten vernieuwd en interactiever gemaakt. Naast het plenaire deel en het afleggen van de eed of belofte maken de deelnemers in een ontspannen sfeer kennis met de lichte variant van moreel beraad: wie zijn erbij betrokken, welke argumenten spelen er en hoe weeg je die? Een van de casussen ging over de vraag hoe het recht om te demonstreren zich verhoudt tot het ambtenaarschap. We kiezen steeds actuele onderwerpen.

De bijeenkomsten laten zien dat nieuwe collega's oog hebben voor integer handelen en zich bewust zijn van hun verantwoordelijkheid. De eerste ervaringen met de nieuwe opzet zijn positief; we blijven hem gebruiken en verbeteren.""",
    "meldingen": """In 2024 is bij de integriteitscoördinator geen melding gedaan van een vermoeden van een integriteitsschending.

Wel waren er het hele jaar consultaties op verzoek van medewerkers, leidinggevenden en externen. Meestal ging het om het beantwoorden van vragen en om samen verkennen wat integriteit in een situatie betekent. De integriteitscoördinator bood een luisterend oor en gaf (proces)advies, en verwees waar nodig naar de leidinggevende of naar de externe vertrouwenspersonen.

Nevenfuncties waren het vaakst onderwerp van gesprek. Om te voorkomen dat zo'n gesprek pas plaatsvindt als iemand al in dienst is, bekijken we of de integriteitscoördinator een rol kan krijgen bij werving en selectie, vooral in het arbeidsvoorwaardengesprek.""",
    "nevenfuncties": """Medewerkers melden hun nevenfuncties, financiële belangen en ontvangen geschenken en uitnodigingen in het Integriteitsplein. De leidinggevende beoordeelt een nevenfunctie, waar nodig met advies van de integriteitscoördinator. De nevenfuncties van medewerkers in een functie die daarvoor is aangewezen, staan in het openbare register. Elk jaar bevestigt iedereen of de gemelde nevenfuncties nog kloppen.""",
    "functies": """De inventarisatie van kwetsbare functies is de basis voor de inzet van de VOG, en voor de aanwijzing van functies waarin medewerkers hun financiële belangen melden of waarvan de nevenfuncties openbaar zijn. De inventarisatie is aan een actualisatie toe. Die staat gepland voor 2025 (zie "Blik naar de toekomst").""",
    "moreel_beraad": """In 2024 zijn zes procesbegeleiders moreel beraad geworven. Zij volgen een opleiding die zij voor de zomer van 2025 afronden. Tijdens de opleiding brengen zij hun kennis al in de praktijk, onder meer bij de ambtseedbijeenkomsten. Na de opleiding kunnen teams een moreel beraad aanvragen.""",
    "bewustwording": """Op 11 april 2024 organiseerde de Ondernemingsraad "De Integriteit Show". Met illusieacts ervoeren collega's hoe makkelijk mensen te beïnvloeden zijn, en hoe je beter naar je onderbuikgevoel kunt luisteren. De show bracht integriteit op een positieve manier onder de aandacht en was een opstap naar een goed gesprek met collega's, de integriteitscoördinator of een vertrouwenspersoon.

Op 4 juli 2024 ging een bijeenkomst over de vraag wat het betekent om ambtenaar te zijn én te gaan demonstreren. De provinciesecretaris nodigde collega's uit met deze woorden:

> Bij de overheid werk je in een glazen huis. Met je eed of belofte heb je beloofd integer te zijn. Maar hoeveel ruimte heb je dan als je wilt demonstreren? Dat zoeken we graag samen met jullie uit.

Onder leiding van de integriteitscoördinator van een andere provincie hebben we dit onderwerp in een geslaagde bijeenkomst verkend. Verder startte in februari de training morele oordeelsvorming voor alle medewerkers, en kwam in september de e-learning "Integriteit in de praktijk" beschikbaar.""",
    "basisnormen": """De scorekaart laat zien hoe we ervoor staan op de dertien basisnormen integriteit, op basis van wat in het Integriteitsplein is vastgelegd. Waar het systeem geen oordeel kan geven, staat dat erbij. De punten die aandacht vragen, nemen we mee in het nieuwe integriteitsplan.""",
    "toekomst": """De brede communicatiestrategie, samen met het team Communicatie, kreeg in 2024 helaas minder prioriteit. In het eerste kwartaal van 2025 pakken we die weer op. Het resultaat is het Integriteitsplein op intranet: één plek voor het beleid, interne en externe ontwikkelingen, lezingen, e-learning, peilingen, trainingen en de ingang naar de meldpunten en contactpersonen.

Via het Integriteitsplein komt ook het meldkanaal voor een vermoeden van een misstand beschikbaar, met een regeling op basis van bijlage 2 van de cao. We onderzoeken of we meerdere soorten meldingen, zoals ondermijning, in één portaal kunnen samenbrengen en door een team laten behandelen.

Het integriteitsplan kon in 2024 ongewijzigd blijven. In 2025 schrijven we een nieuw plan, met een nieuwe beleids- en systeemgerichte analyse en met de ervaringen van de afgelopen jaren. We actualiseren de inventarisatie van risicofuncties en herzien de gedragscodes uit 2019.""",
}

FIGURE_COMMENTS = {
    "oath.sworn": "In 2024 kwamen veel nieuwe collega's in dienst. Zij legden de eed of belofte af tijdens vier bijeenkomsten.",
    "reports.received": "Er is in 2024 geen melding gedaan van een vermoeden van een integriteitsschending.",
    "deliberation.facilitators": "Zes procesbegeleiders in opleiding; zij ronden die voor de zomer van 2025 af.",
}


def load(organisation: Organisation, *, rng, today: dt.date) -> None:
    for order, spec in enumerate(PLAN):
        services.create_plan_action(organisation=organisation, actor=None, order=order, **spec)
    if today < dt.date(DEMO_YEAR + 1, 1, 1):
        return  # the year is not over yet: no report to write
    ic = (
        RoleAssignment.objects.filter(organisation=organisation, role=R.INTEGRITY_COORDINATOR, revoked_at__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    actor = ic.user if ic else None
    by_section: dict[str, dict[str, str]] = {}
    for key, text in FIGURE_COMMENTS.items():
        section = next(s.code for s in SPECS if any(f.key == key for f in s.figures))
        by_section.setdefault(section, {})[key] = text
    for code, text in SECTIONS.items():
        services.save_texts(
            organisation=organisation,
            year=DEMO_YEAR,
            actor=actor,
            section=code,
            narrative=text,
            comments=by_section.get(code, {}),
            today=today,
        )
    report = AnnualReport.objects.get(organisation=organisation, year=DEMO_YEAR)
    services.submit(report=report, actor=actor)
