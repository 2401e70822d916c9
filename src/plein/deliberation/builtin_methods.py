"""The built-in methods of moral deliberation, as plain data.

Migration 0002 writes them to the database as version 1 of three methods that every organisation sees. From then on
they are data: the integrity coordinator changes a method in the application, which makes a new version, and every
session keeps the version it used. This module is imported by that migration, so it must stay free of models.

The texts are Dutch, as they are shown on the projected screen in a Dutch organisation. Capture codes are those of
``plein.deliberation.models.Capture``.
"""

DILEMMA_METHOD = {
    "key": "dilemmamethode",
    "name": "Dilemmamethode (tien stappen)",
    "summary": (
        "Een gestructureerd gesprek over een concreet dilemma uit de praktijk van één van de deelnemers. Samen "
        "onderzoek je wie er betrokken zijn, welke waarden en normen er spelen, welke opties er zijn en wat je "
        "zou kiezen. Het doel is geen schuldige of één goed antwoord, maar een beter onderbouwde keuze."
    ),
    "suited_for": "Teams en groepen van 4 tot 12 mensen met een dilemma uit hun eigen werk",
    "duration_minutes": 120,
    "steps": [
        {
            "title": "Introductie",
            "instruction": (
                "Leg uit wat een moreel beraad is en hoe het gesprek verloopt. Maak afspraken over "
                "vertrouwelijkheid: wat hier gezegd wordt, blijft hier."
            ),
            "questions": [
                "Wat verwacht je van dit gesprek?",
                "Welke afspraken maken we over vertrouwelijkheid?",
                "Wie brengt de casus in?",
            ],
            "captures": [],
        },
        {
            "title": "De casus, tot het moment van het dilemma",
            "instruction": (
                "De inbrenger vertelt de casus tot op het moment waarop hij of zij moest kiezen. Nog geen vragen "
                "of adviezen."
            ),
            "questions": [
                "Wat gebeurde er, en wie waren erbij?",
                "Op welk moment moest je kiezen?",
                "Wat maakte die keuze moeilijk?",
            ],
            "captures": ["casus"],
        },
        {
            "title": "Het dilemma: A tegenover B, met de prijs van elk",
            "instruction": "Formuleer het dilemma samen als een keuze tussen twee handelingen, A en B.",
            "questions": [
                "Wat is het dilemma in één vraag?",
                "Wat is keuze A, en wat is keuze B?",
                "Welke schade doe je als je A kiest? En als je B kiest?",
            ],
            "captures": ["dilemma"],
        },
        {
            "title": "Verhelderende vragen",
            "instruction": (
                "De deelnemers stellen vragen om de situatie goed te begrijpen. Nog geen oordeel en geen advies."
            ),
            "questions": [
                "Welke feiten kennen we?",
                "Wat weten we nog niet?",
                "Wat heeft de inbrenger al gedaan of geprobeerd?",
            ],
            "captures": ["feiten"],
        },
        {
            "title": "Perspectieven, waarden en normen per betrokkene",
            "instruction": "Breng alle betrokkenen in kaart. Deelnemers kunnen betrokkenen toevoegen vanaf hun eigen apparaat.",
            "questions": [
                "Wie zijn er betrokken, en wie merkt iets van de keuze?",
                "Welke rechten, belangen en wensen hebben zij?",
                "Welke waarden en normen spelen voor hen een rol?",
            ],
            "captures": ["betrokkenen", "waarden"],
        },
        {
            "title": "Alternatieven",
            "instruction": "Zoek samen naar andere handelingsopties dan A en B.",
            "questions": [
                "Welke andere mogelijkheden zijn er, naast A en B?",
                "Kun je het dilemma oplossen of kleiner maken?",
            ],
            "captures": ["opties"],
        },
        {
            "title": "Ieders beargumenteerde keuze",
            "instruction": (
                "Iedere deelnemer maakt een eigen keuze en schrijft die op: Ik kies voor … vanwege de waarde … "
                "ondanks …"
            ),
            "questions": [
                "Wat kies jij, en vanwege welke waarde?",
                "Wat laat je daarmee liggen (ondanks …)?",
                "Hoe beperk je de schade?",
                "Wat heb je nodig om zo te handelen?",
            ],
            "captures": ["keuzes"],
        },
        {
            "title": "Dialoog",
            "instruction": "Bespreek de verschillen en overeenkomsten tussen de keuzes. Weeg de opties samen.",
            "questions": [
                "Waar verschillen de keuzes, en waarom?",
                "Wat weegt zwaar, en wat weegt bij nader inzien minder zwaar?",
                "Welke overeenkomsten zien we?",
            ],
            "captures": ["weging"],
        },
        {
            "title": "Conclusies en acties",
            "instruction": "Vat samen wat het gesprek heeft opgeleverd en spreek acties af, met wie ze uitvoert.",
            "questions": [
                "Wat is de conclusie voor de inbrenger?",
                "Wat gaan we doen, wie doet wat en wanneer?",
                "Wat nemen we mee voor het team of de organisatie?",
            ],
            "captures": ["conclusies"],
        },
        {
            "title": "Evaluatie",
            "instruction": "Kijk samen terug op het gesprek.",
            "questions": [
                "Hoe heb je het gesprek ervaren?",
                "Wat heb je geleerd?",
                "Wat kan de volgende keer beter?",
            ],
            "captures": ["evaluatie"],
        },
    ],
}

SOCRATIC_DIALOGUE = {
    "key": "socratisch-gesprek",
    "name": "Socratisch gesprek",
    "summary": (
        "Een onderzoekend gesprek over een algemene vraag, aan de hand van een concreet voorbeeld uit de praktijk. "
        "Je vertraagt, luistert en zoekt samen naar de waarden en regels achter je oordelen."
    ),
    "suited_for": "Groepen die een vraag willen verdiepen, zonder dat er direct een besluit nodig is",
    "duration_minutes": 150,
    "steps": [
        {
            "title": "Introductie en spelregels",
            "instruction": (
                "Leg de spelregels uit: spreek vanuit eigen ervaring, vertraag, probeer elkaar te begrijpen in "
                "plaats van te overtuigen."
            ),
            "questions": ["Wat hebben we nodig om open met elkaar te praten?"],
            "captures": [],
        },
        {
            "title": "De onderzoeksvraag",
            "instruction": "Kies samen één algemene vraag, bijvoorbeeld: wanneer is loyaliteit aan een collega te ver?",
            "questions": [
                "Welke vraag willen we samen onderzoeken?",
                "Waarom is deze vraag belangrijk voor ons werk?",
            ],
            "captures": ["dilemma"],
        },
        {
            "title": "Een voorbeeld uit de praktijk",
            "instruction": "Kies een concreet, eigen voorbeeld waarin de vraag speelde. De inbrenger vertelt.",
            "questions": ["Wat gebeurde er precies?", "Wat deed en dacht je op dat moment?"],
            "captures": ["casus"],
        },
        {
            "title": "Het kernmoment",
            "instruction": "Zoek het moment in het voorbeeld waarop de vraag het sterkst speelt.",
            "questions": [
                "Op welk moment speelt de vraag het sterkst?",
                "Wat weten we zeker, en wat niet?",
            ],
            "captures": ["feiten"],
        },
        {
            "title": "Oordelen en de waarden erachter",
            "instruction": "Iedere deelnemer geeft een oordeel over het kernmoment, met een argument.",
            "questions": [
                "Wat vind jij van wat er op dat moment gebeurde, en waarom?",
                "Welke waarde of regel zit achter jouw oordeel?",
                "Geldt die regel altijd, of zijn er uitzonderingen?",
            ],
            "captures": ["waarden"],
        },
        {
            "title": "Conclusie",
            "instruction": "Formuleer samen een antwoord op de vraag, en benoem waar jullie het oneens blijven.",
            "questions": ["Wat is ons antwoord op de vraag?", "Waar blijven we het oneens, en waarom?"],
            "captures": ["conclusies"],
        },
        {
            "title": "Terugblik",
            "instruction": "Kijk terug op het gesprek zelf.",
            "questions": ["Hoe ging het gesprek?", "Wat neem je mee?"],
            "captures": ["evaluatie"],
        },
    ],
}

LIGHT_VARIANT = {
    "key": "lichte-variant",
    "name": "Lichte variant (eedaflegging en teamoverleg)",
    "summary": (
        "Een korte verkenning van een dilemma in kleine groepen. Je herkent wie er betrokken zijn, welke argumenten "
        "er spelen en hoe je die goed weegt. Geschikt voor de eedaflegging en voor een teamoverleg."
    ),
    "suited_for": "Eedafleggingen en teamoverleggen (30 tot 45 minuten)",
    "duration_minutes": 40,
    "steps": [
        {
            "title": "Het dilemma",
            "instruction": "Lees het dilemma voor. Check of iedereen het begrijpt.",
            "questions": ["Wat is het dilemma?", "Wat is keuze A, en wat is keuze B?"],
            "captures": ["dilemma"],
        },
        {
            "title": "Wie zijn er betrokken?",
            "instruction": "Deelnemers kunnen betrokkenen toevoegen vanaf hun eigen apparaat.",
            "questions": [
                "Wie zijn er betrokken, en wie merkt iets van de keuze?",
                "Welke rechten, belangen en wensen hebben zij?",
            ],
            "captures": ["betrokkenen"],
        },
        {
            "title": "Welke argumenten zijn er?",
            "instruction": "Verzamel argumenten voor A en voor B, en de waarden die meespelen.",
            "questions": [
                "Welke argumenten pleiten voor A, en welke voor B?",
                "Welke waarden spelen mee?",
                "Is er nog een andere mogelijkheid?",
            ],
            "captures": ["waarden", "opties"],
        },
        {
            "title": "Wegen en kiezen",
            "instruction": "Iedereen kiest, en zegt waarom.",
            "questions": [
                "Wat weegt zwaar, en wat weegt bij nader inzien minder zwaar?",
                "Wat zou jij kiezen, en vanwege welke waarde?",
            ],
            "captures": ["keuzes", "weging"],
        },
        {
            "title": "Afronding",
            "instruction": "Sluit af met wat de deelnemers meenemen.",
            "questions": ["Wat neem je mee naar je werk?"],
            "captures": ["conclusies"],
        },
    ],
}

BUILTIN_METHODS = [DILEMMA_METHOD, SOCRATIC_DIALOGUE, LIGHT_VARIANT]
