"""The calendar files are valid iCalendar (RFC 5545): parsed back with the icalendar library, in Amsterdam time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from plein.learning import ical
from plein.learning.models import Kind
from plein.learning.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BASE = "https://plein.example/"


def parse(events, name="Agenda"):
    data = ical.calendar_for(events, name=name, base_url=BASE)
    assert data.endswith(b"\r\n") and b"\r\n" in data
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "lines are folded at 75 octets"
    return Calendar.from_ical(data)


def test_calendar_header_and_time_zone(organisation):
    show = EventFactory(
        organisation=organisation,
        title="De Integriteit Show",
        kind=Kind.SHOW,
        date=dt.date(2024, 4, 11),
        start_time=dt.time(15, 30),
        end_time=dt.time(17, 0),
        location="Provinciehuis, Statenzaal",
        organiser="Ondernemingsraad",
        description="Illusieacts over je onderbuikgevoel.",
    )
    calendar = parse([show], name="Integriteit")
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == ical.PRODID
    assert str(calendar["X-WR-CALNAME"]) == "Integriteit"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Amsterdam"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam"
    (item,) = calendar.walk("VEVENT")
    assert item["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    start, end = item.decoded("DTSTART"), item.decoded("DTEND")
    assert start == dt.datetime(2024, 4, 11, 15, 30, tzinfo=AMSTERDAM)
    assert start.utcoffset() == dt.timedelta(hours=2)  # summer time
    assert end - start == dt.timedelta(minutes=90)
    assert str(item["SUMMARY"]) == "De Integriteit Show"
    assert str(item["LOCATION"]) == "Provinciehuis, Statenzaal"
    assert "Ondernemingsraad" in str(item["DESCRIPTION"])
    assert str(item["URL"]) == f"https://plein.example/leren/activiteiten/{show.pk}/"
    assert str(item["UID"]) == f"learning-event-{show.pk}@127.0.0.1"
    assert item.decoded("DTSTAMP").tzinfo is not None
    assert [str(c) for c in item["CATEGORIES"].cats] == [str(Kind.SHOW.label)]


def test_winter_time_and_all_day_events(organisation):
    winter = EventFactory(
        organisation=organisation, date=dt.date(2024, 12, 5), start_time=dt.time(9, 30), end_time=None
    )
    allday = EventFactory(
        organisation=organisation,
        date=dt.date(2025, 3, 30),
        start_time=None,
        end_time=None,
        end_date=dt.date(2025, 3, 31),
    )
    items = {str(item["UID"]): item for item in parse([winter, allday]).walk("VEVENT")}
    start = items[ical.uid(winter)].decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert "DTEND" not in items[ical.uid(winter)]  # no end time known: none invented
    whole = items[ical.uid(allday)]
    assert whole["DTSTART"].params.get("VALUE") == "DATE"
    assert whole.decoded("DTSTART") == dt.date(2025, 3, 30)
    assert whole.decoded("DTEND") == dt.date(2025, 4, 1)  # exclusive end, after the last day
    assert str(whole["TRANSP"]) == "TRANSPARENT"


def test_text_with_special_characters_survives(organisation):
    event = EventFactory(
        organisation=organisation,
        title="Ambtenaar zijn én gaan demonstreren; wat mag wel, wat niet?",
        description="Regel één,\nregel twee; met een puntkomma.\n" + "Lang " * 40,
        led_by="Coördinator integriteit van de provincie Noord-Holland",
    )
    (item,) = parse([event]).walk("VEVENT")
    assert str(item["SUMMARY"]) == event.title
    assert str(item["DESCRIPTION"]).startswith("Regel één,\nregel twee; met een puntkomma.")
    assert "Noord-Holland" in str(item["DESCRIPTION"])


def test_an_empty_calendar_is_valid():
    calendar = parse([])
    assert calendar.walk("VEVENT") == []
