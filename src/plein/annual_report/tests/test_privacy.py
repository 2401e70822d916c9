"""Small-count suppression (docs/annual-report.md, "Privacy")."""

from plein.annual_report.privacy import suppress


def data(**blocks):
    base = {
        "reports": {"anonymous": 0, "substantiated": None, "by_channel": {}, "by_category": {}},
        "consultations": {"by_requester": {}, "by_topic": {}},
        "outside_activities": {"by_decision": {}, "gifts_by_decision": {}},
        "oath": {"oath": 10, "affirmation": 10},
        "learning": {"events": [], "per_kind": [{"kind": "training", "participants": 3}]},
    }
    for key, value in blocks.items():
        base[key].update(value)
    return base


def test_small_counts_are_hidden_and_zero_and_large_counts_stay():
    d = suppress(data(reports={"by_channel": {"a": 0, "b": 4, "c": 5, "d": 1, "e": 12}}), 5)
    assert d["reports"]["by_channel"] == {"a": 0, "b": None, "c": 5, "d": None, "e": 12}
    assert sorted(d["privacy"]["suppressed"]) == ["reports.by_channel.b", "reports.by_channel.d"]
    assert d["privacy"]["threshold"] == 5


def test_one_hidden_cell_takes_the_smallest_other_nonzero_cell_with_it():
    d = suppress(data(consultations={"by_topic": {"x": 2, "y": 9, "z": 7, "w": 0}}), 5)
    assert d["consultations"]["by_topic"] == {"x": None, "y": 9, "z": None, "w": 0}


def test_when_all_other_cells_are_zero_a_zero_cell_is_hidden_too():
    d = suppress(data(outside_activities={"by_decision": {"geweigerd": 3, "toegestaan": 0, "in_behandeling": 0}}), 5)
    assert d["outside_activities"]["by_decision"] == {"geweigerd": None, "toegestaan": 0, "in_behandeling": None}


def test_a_breakdown_of_one_cell_hides_just_that_cell():
    d = suppress(data(reports={"by_category": {"fraude": 2}}), 5)
    assert d["reports"]["by_category"] == {"fraude": None}


def test_oath_or_affirmation_is_a_group():
    d = suppress(data(oath={"oath": 40, "affirmation": 2}), 5)
    assert (d["oath"]["oath"], d["oath"]["affirmation"]) == (None, None)
    d = suppress(data(oath={"oath": 40, "affirmation": 0}), 5)
    assert (d["oath"]["oath"], d["oath"]["affirmation"]) == (40, 0)


def test_single_figures_and_events():
    d = data(reports={"anonymous": 3, "substantiated": 1})
    d["learning"]["events"] = [{"participants": 120}, {"participants": 4}, {"participants": 30}]
    suppress(d, 5)
    assert d["reports"]["anonymous"] is None and d["reports"]["substantiated"] is None
    assert [e["participants"] for e in d["learning"]["events"]] == [120, None, None]
    assert "per_kind" not in d["learning"]


def test_threshold_is_configurable_and_one_hides_nothing():
    d = suppress(data(reports={"by_channel": {"a": 9, "b": 4}}), 10)
    assert d["reports"]["by_channel"] == {"a": None, "b": None}
    d = suppress(data(reports={"by_channel": {"a": 1, "b": 4}}), 1)
    assert d["reports"]["by_channel"] == {"a": 1, "b": 4}
    assert d["privacy"]["suppressed"] == []


def test_missing_figures_are_left_alone():
    d = data(consultations={"by_requester": {"medewerker": None, "leidinggevende": None, "extern": None}})
    suppress(d, 5)
    assert d["consultations"]["by_requester"] == {"medewerker": None, "leidinggevende": None, "extern": None}
    assert d["privacy"]["suppressed"] == []
