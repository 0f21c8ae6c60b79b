"""/kalender: the upcoming meetings as an iCalendar (.ics) file that imports into common calendars.

Every meeting keeps the UID `meeting-<id>@kkrbot` in every file, and SEQUENCE grows with its
documents, so importing a newer file updates the events instead of adding them twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar, Event

from core.time import LOCAL_TIME
from handlers.context import HandlerContext, Sender
from handlers.councils import scope_of
from storage import Document, Meeting, queries
from texts import meetings as texts
from texts.replies import Attachment, Reply, to_replies

CALENDAR_FILENAME = "kkr-moeder.ics"
CALENDAR_MIME_TYPE = "text/calendar"
PRODID = "-//kkrbot//KKR-moeder//DA"
UID_DOMAIN = "kkrbot"
CALENDAR_LIMIT = 50
ASSUMED_DURATION = dt.timedelta(hours=2)  # when a PDF gives a start but no end time


def meeting_uid(meeting: Meeting) -> str:
    """The same for a meeting in every file we send: a calendar updates the event on re-import."""
    return f"meeting-{meeting.id}@{UID_DOMAIN}"


def meeting_event(
    meeting: Meeting, documents: Sequence[Document], item_count: int, stamp: dt.datetime
) -> Event:
    """One VEVENT: timed in Europe/Copenhagen when the start is known, otherwise all day."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("sequence", len(documents))
    if documents:
        newest = max(d.first_seen for d in documents)
        event.add("last-modified", newest.replace(tzinfo=dt.UTC) if newest.tzinfo is None else newest)
    event.add("summary", texts.calendar_event_title(meeting))
    end_assumed = False
    if meeting.start_time is None:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + dt.timedelta(days=1))
    else:
        start = dt.datetime.combine(meeting.date, meeting.start_time, tzinfo=LOCAL_TIME)
        end = (
            dt.datetime.combine(meeting.date, meeting.end_time, tzinfo=LOCAL_TIME)
            if meeting.end_time is not None
            else None
        )
        if end is None or end <= start:
            end, end_assumed = start + ASSUMED_DURATION, True
        event.add("dtstart", start)
        event.add("dtend", end)
    if meeting.location:
        event.add("location", " ".join(meeting.location.split()))
    agenda = texts.agenda_document(documents)
    agenda_url = agenda.source_url if agenda is not None else None
    event.add("description", texts.calendar_description(meeting, item_count, agenda_url, end_assumed))
    if agenda_url:
        event.add("url", agenda_url)
    return event


def calendar_file(events: Sequence[Event], name: str) -> bytes:
    """The .ics bytes: VERSION 2.0, PRODID, a VTIMEZONE for every zone used, CRLF and folded lines."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(LOCAL_TIME))
    for event in events:
        calendar.add_component(event)
    starts = [event.decoded("dtstart") for event in events]
    days = [start.date() if isinstance(start, dt.datetime) else start for start in starts]
    if days:  # the zone's rules only for the years the events need, not 1970 to 2038
        calendar.add_missing_timezones(
            first_date=dt.date(min(days).year, 1, 1), last_date=dt.date(max(days).year + 1, 12, 31)
        )
    data: bytes = calendar.to_ical()
    return data


def meetings_calendar(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/kalender [råd]: the upcoming meetings of the member's councils as a calendar file to import."""
    today = ctx.today()
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with ctx.db.session() as session:
        councils = scope_of(session, ctx, sender, args).councils
        meetings = queries.upcoming_meetings(session, today, councils=councils, limit=CALENDAR_LIMIT)
        if not meetings:
            return to_replies(texts.no_meetings_for_calendar(today))
        events = [
            meeting_event(
                meeting,
                queries.documents_of(session, meeting),
                len(queries.items_of(session, meeting)),
                stamp,
            )
            for meeting in meetings
        ]
        name = texts.calendar_name(sorted({meeting.body.name for meeting in meetings}))
    attachment = Attachment(CALENDAR_FILENAME, calendar_file(events, name), CALENDAR_MIME_TYPE)
    return [Reply(texts.calendar_caption(len(meetings)), document=attachment)]
