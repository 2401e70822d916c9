"""iCalendar (RFC 5545) for events: the calendar feed and a file per event, made with the icalendar library.

Times are written in the organisation's time zone (Europe/Amsterdam, ``TIME_ZONE``) with ``TZID`` and a
``VTIMEZONE`` component, so a calendar app shows 15:00 as 15:00 in summer and winter. An event without a start time
is an all-day event (``VALUE=DATE``; the end is exclusive). Nothing personal goes in: no attendees, no registrations.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from plein.learning.models import Event

PRODID = "-//Integriteitsplein//Leren en bewustwording//NL"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(event: Event, day, moment) -> datetime:
    return datetime.combine(day, moment).replace(tzinfo=_zone())


def uid(event: Event) -> str:
    """Stable for the life of the event: its key and the installation's own host (``PLEIN_BASE_URL``)."""
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "integriteitsplein"
    return f"learning-event-{event.pk}@{host}"


def _component(event: Event, *, base_url: str) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", uid(event))
    item.add("dtstamp", (event.updated_at or timezone.now()).astimezone(ZoneInfo("UTC")))
    if event.start_time is not None:
        item.add("dtstart", _local(event, event.date, event.start_time))
        if event.end_time is not None:
            item.add("dtend", _local(event, event.end_date or event.date, event.end_time))
    else:
        item.add("dtstart", event.date)
        item.add("dtend", event.last_day + timedelta(days=1))
    item.add("summary", event.title)
    if event.location:
        item.add("location", event.location)
    lines = [event.description] if event.description else []
    if event.organiser:
        lines.append(f"Organisatie: {event.organiser}")
    if event.led_by:
        lines.append(f"Onder leiding van: {event.led_by}")
    url = base_url.rstrip("/") + event.get_absolute_url()
    lines.append(url)
    item.add("description", "\n\n".join(lines))
    item.add("url", url)
    item.add("categories", [str(event.get_kind_display())])
    item.add("status", "CONFIRMED")
    item.add("transp", "OPAQUE" if event.start_time is not None else "TRANSPARENT")
    return item


def calendar_for(events: list[Event], *, name: str, base_url: str) -> bytes:
    """A VCALENDAR with one VEVENT per event, as bytes (CRLF line endings, folded at 75 octets)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        calendar.add_component(_component(event, base_url=base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
