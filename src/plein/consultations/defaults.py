"""The default topic and action lists that every organisation starts with (codes from issue 5, "Import")."""

DEFAULT_TOPICS = (
    ("nevenfuncties", "Nevenfuncties", "Outside activities"),
    ("geschenken", "Geschenken en uitnodigingen", "Gifts and invitations"),
    ("belangenverstrengeling", "Belangenverstrengeling", "Conflict of interest"),
    ("ongewenst_gedrag", "Ongewenst gedrag", "Undesirable behaviour"),
    ("informatiebeveiliging", "Informatiebeveiliging", "Information security"),
    ("moreel_dilemma", "Moreel dilemma", "Moral dilemma"),
    ("overig", "Overig", "Other"),
)

DEFAULT_ACTIONS = (
    ("luisterend_oor", "Luisterend oor", "Listening ear"),
    ("procesadvies", "(Proces)advies", "Process advice"),
    ("doorverwezen_leidinggevende", "Doorverwezen naar de leidinggevende", "Referred to the manager"),
    (
        "doorverwezen_vertrouwenspersoon",
        "Doorverwezen naar een externe vertrouwenspersoon",
        "Referred to an external confidential adviser",
    ),
    ("melding_gedaan", "Melding gedaan", "Report made"),
)

# The topic about outside activities: the declarations' annual figures count consultations with this code.
OUTSIDE_ACTIVITIES_TOPIC = "nevenfuncties"
