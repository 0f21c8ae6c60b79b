"""Storing a parsed document: one transaction that either stores all of it, with its event, or nothing.

The rules (issue 3): the same bytes are never stored twice; one meeting per body and date; an
agenda creates sections and items; minutes add their decisions to the agenda's items by number
(or create the items when no agenda is known) and mark the meeting held; bilag attach to their
meeting; new bytes for a meeting and kind already stored are the next version of that document,
whose content becomes current, and what it changed is recorded. Everything here is a function of
the ParsedDocument and what is already stored, so ingesting the same files again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.kinds import AGENDA_KINDS, DocumentKind
from parsing.model import ParsedDocument, ParsedItem, ParsedSection
from storage.bilag import Splitter, split_bundles
from storage.models import (
    AgendaItem,
    Body,
    Document,
    DocumentFile,
    DocumentPage,
    Event,
    ItemChange,
    Meeting,
    Section,
    utcnow,
)
from storage.proposals import record_proposals
from storage.queries import items_of, sections_of
from storage.results import Change, StoreResult
from storage.search_index import index_items, index_pages

FIRST_EVENT = {
    DocumentKind.DAGSORDEN: "new_agenda",
    DocumentKind.TILLAEGSDAGSORDEN: "new_supplementary_agenda",
    DocumentKind.REFERAT: "new_minutes",
    DocumentKind.BILAG: "new_bilag",
}
# who says when and where the meeting is, first to last
MEETING_AUTHORITY = (
    DocumentKind.DAGSORDEN,
    DocumentKind.REFERAT,
    DocumentKind.TILLAEGSDAGSORDEN,
    DocumentKind.BILAG,
)
SHA256_RE = re.compile(r"[0-9a-f]{64}")
FILLED_FROM_MINUTES = ("case_number", "presenter", "background", "recommendation", "case_presentation")


@dataclass(frozen=True)
class MeetingHints:
    """What a meeting page says next to a PDF link; it fills only what the documents leave empty."""

    start_time: dt.time | None = None
    end_time: dt.time | None = None
    location: str | None = None


def store_document(
    session: Session,
    parsed: ParsedDocument,
    *,
    sha256: str,
    source_url: str | None = None,
    hints: MeetingHints | None = None,
    now: dt.datetime | None = None,
    data: bytes | None = None,
    splitter: Splitter | None = None,
) -> StoreResult:
    """Store one parsed PDF and commit; on any error roll back so that nothing of it is stored.

    `data` (the PDF's bytes) is kept so pages can be cut from it later; with a `splitter` the
    meeting's bilag bundles are split into their bilag again. Owns the session's transaction. A
    unique-constraint clash (another process storing the same meeting at the same moment) is retried
    once against what that process committed.
    """
    if not SHA256_RE.fullmatch(sha256):
        raise ValueError(f"sha256 must be 64 lower-case hex digits, not {sha256!r}")
    if parsed.kind not in FIRST_EVENT:
        raise ValueError(f"unknown document kind {parsed.kind!r}")
    moment = now or utcnow()
    for attempt in (1, 2):
        try:
            result = _store(
                session, parsed, sha256, source_url, hints or MeetingHints(), moment, data, splitter
            )
            session.commit()
            return result
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")


def _store(
    session: Session,
    parsed: ParsedDocument,
    sha256: str,
    source_url: str | None,
    hints: MeetingHints,
    now: dt.datetime,
    data: bytes | None,
    splitter: Splitter | None,
) -> StoreResult:
    known = session.scalar(select(Document).where(Document.sha256 == sha256))
    if known is not None:
        return _unchanged(session, known)

    meeting = meeting_for(session, parsed.body, parsed.meeting_date)
    previous = session.scalar(
        select(Document).where(
            Document.meeting_id == meeting.id, Document.kind == parsed.kind, Document.is_current
        )
    )
    last_version = session.scalar(
        select(func.max(Document.version)).where(
            Document.meeting_id == meeting.id, Document.kind == parsed.kind
        )
    )
    version = (last_version or 0) + 1
    if previous is not None:
        previous.is_current = False
    document = Document(
        meeting_id=meeting.id,
        kind=parsed.kind,
        version=version,
        is_current=True,
        sha256=sha256,
        source_url=source_url,
        first_seen=now,
        pages=parsed.pages,
        start_time=parsed.start_time,
        end_time=parsed.end_time,
        location=_clean_opt(parsed.location),
    )
    document.page_texts = [
        DocumentPage(page=number, text=_clean(text)) for number, text in enumerate(parsed.page_texts, 1)
    ]
    session.add(document)
    session.flush()
    if data is not None:
        session.add(DocumentFile(document_id=document.id, data=data))

    changes = _changes(session, previous, parsed) if previous is not None else []
    _update_meeting(session, meeting, hints)
    if parsed.kind in AGENDA_KINDS:
        touched = _apply_agenda(session, meeting, document, parsed)
    elif parsed.kind == DocumentKind.REFERAT:
        touched = _apply_minutes(session, meeting, document, parsed)
        if meeting.state == "planned":
            meeting.state = "held"
    else:
        touched = []
    if previous is not None:
        session.add_all(
            ItemChange(
                document_id=document.id,
                previous_document_id=previous.id,
                number=c.number,
                change=c.change,
                old_value=c.old_value,
                new_value=c.new_value,
            )
            for c in changes
        )
    session.add(
        Event(
            kind=FIRST_EVENT[parsed.kind] if version == 1 else "new_version",
            meeting_id=meeting.id,
            document_id=document.id,
            created_at=now,
            payload={
                "document_kind": parsed.kind,
                "version": version,
                "items": [item.number for item in parsed.items],
                "changes": [{"number": c.number, "change": c.change} for c in changes],
            },
        )
    )
    session.flush()
    current = {item.number: item for item in touched if item.is_current}
    proposed = [
        (current[p.number], p.appointments) for p in parsed.items if p.appointments and p.number in current
    ]
    proposals = record_proposals(session, meeting, proposed, now)
    index_items(session, touched)
    for stored in (document, previous):
        if stored is not None and stored.kind == DocumentKind.BILAG:
            index_pages(session, stored)
    if splitter is not None:
        split_bundles(session, meeting, splitter)
    return StoreResult(
        status="new" if version == 1 else "new_version",
        kind=parsed.kind,
        body=parsed.body,
        meeting_date=parsed.meeting_date,
        item_count=len(parsed.items),
        pages=parsed.pages,
        version=version,
        document_id=document.id,
        meeting_id=meeting.id,
        changes=tuple(changes),
        proposals=proposals,
    )


def _unchanged(session: Session, document: Document) -> StoreResult:
    meeting = document.meeting
    items = session.scalar(
        select(func.count(AgendaItem.id)).where(
            or_(AgendaItem.document_id == document.id, AgendaItem.decision_document_id == document.id)
        )
    )
    return StoreResult(
        status="unchanged",
        kind=document.kind,
        body=meeting.body.name,
        meeting_date=meeting.date,
        item_count=items or 0,
        pages=document.pages,
        version=document.version,
        document_id=document.id,
        meeting_id=meeting.id,
    )


def body_for(session: Session, body_name: str) -> Body:
    """The body (council) of this name, created when not yet known."""
    body = session.scalar(select(Body).where(Body.name == body_name))
    if body is None:
        body = Body(name=body_name)
        session.add(body)
        session.flush()
    return body


def meeting_for(session: Session, body_name: str, day: dt.date) -> Meeting:
    """The meeting of `body_name` on `day`, created (as planned) with its body when not yet known."""
    body = body_for(session, body_name)
    meeting = session.scalar(select(Meeting).where(Meeting.body_id == body.id, Meeting.date == day))
    if meeting is None:
        meeting = Meeting(body_id=body.id, date=day, state="planned")
        session.add(meeting)
        session.flush()
    return meeting


def _update_meeting(session: Session, meeting: Meeting, hints: MeetingHints) -> None:
    """Times and place from the current documents in order of authority, whatever order they came
    in; a meeting page's hints only fill what no document says."""
    documents = sorted(
        session.scalars(select(Document).where(Document.meeting_id == meeting.id, Document.is_current)),
        key=lambda d: MEETING_AUTHORITY.index(DocumentKind(d.kind)),
    )
    for name in ("start_time", "end_time", "location"):
        stated = next((getattr(d, name) for d in documents if getattr(d, name) is not None), None)
        if stated is not None:
            setattr(meeting, name, stated)
        elif getattr(meeting, name) is None:
            setattr(meeting, name, getattr(hints, name))


def sort_key(number: str) -> str:
    """`3.10` after `3.9`: every numeric part zero-padded."""
    parts = [p for p in re.split(r"[.\s]+", number.strip()) if p]
    return ".".join(p.zfill(5) if p.isdigit() else p.lower() for p in parts)


def _kind_of(session: Session, document_id: int) -> str:
    document = session.get(Document, document_id)
    assert document is not None
    return document.kind


Row = TypeVar("Row", AgendaItem, Section)


def _replace(session: Session, rows: Sequence[Row], replaces: Callable[[str, str], bool]) -> list[Row]:
    """Mark the current rows that the new document replaces (by the kind of document they came from
    and their number) as no longer current, and return them."""
    replaced = [row for row in rows if replaces(_kind_of(session, row.document_id), row.number)]
    for row in replaced:
        row.is_current = False
    return replaced


def _new_section(meeting: Meeting, document: Document, parsed: ParsedSection, *, minutes: bool) -> Section:
    return Section(
        meeting_id=meeting.id,
        document_id=document.id,
        is_current=True,
        number=parsed.number,
        sort_key=sort_key(parsed.number),
        title=_clean(parsed.title),
        text=None if minutes else _clean_opt(parsed.text),
        decision=_clean_opt(parsed.text) if minutes else None,
        page=parsed.page,
    )


def _new_item(
    meeting: Meeting, document: Document, parsed: ParsedItem, section: Section | None
) -> AgendaItem:
    return AgendaItem(
        meeting_id=meeting.id,
        section_id=section.id if section is not None else None,
        document_id=document.id,
        decision_document_id=document.id if document.kind == DocumentKind.REFERAT else None,
        is_current=True,
        number=parsed.number,
        sort_key=sort_key(parsed.number),
        title=_clean(parsed.title),
        case_number=_clean_opt(parsed.case_number),
        presenter=_clean_opt(parsed.presenter),
        background=_clean_opt(parsed.background),
        recommendation=_clean_opt(parsed.recommendation),
        case_presentation=_clean_opt(parsed.case_presentation),
        decision=_clean_opt(parsed.decision),
        attachments=[_clean(a) for a in parsed.attachments],
        links=[_clean(link) for link in parsed.links],
        page=parsed.page,
    )


def _section_for(number: str, sections: dict[str, Section]) -> Section | None:
    head = number.split(".")[0] if "." in number else None
    return sections.get(head) if head is not None else None


def _apply_agenda(
    session: Session, meeting: Meeting, document: Document, parsed: ParsedDocument
) -> list[AgendaItem]:
    """The agenda's sections and items become current; they replace the earlier version's and any
    row with the same number, keeping decisions already recorded for those numbers."""
    section_numbers = {s.number for s in parsed.sections}
    old_sections = _replace(
        session,
        sections_of(session, meeting),
        lambda kind, number: kind == document.kind or number in section_numbers,
    )
    decided_sections = {s.number: s.decision for s in old_sections}
    sections = {s.number: s for s in sections_of(session, meeting)}
    new_sections = [_new_section(meeting, document, s, minutes=False) for s in parsed.sections]
    for section in new_sections:
        section.decision = decided_sections.get(section.number)
    session.add_all(new_sections)
    session.flush()
    sections.update({s.number: s for s in new_sections})

    item_numbers = {i.number for i in parsed.items}
    old_items = _replace(
        session,
        items_of(session, meeting),
        lambda kind, number: kind == document.kind or number in item_numbers,
    )
    decided = {item.number: item for item in old_items if item.decision_document_id is not None}
    new_items = []
    for parsed_item in parsed.items:
        item = _new_item(meeting, document, parsed_item, _section_for(parsed_item.number, sections))
        old = decided.get(parsed_item.number)
        if old is not None:
            item.decision = old.decision
            item.decision_document_id = old.decision_document_id
        new_items.append(item)
    session.add_all(new_items)
    session.flush()
    return old_items + new_items


def _apply_minutes(
    session: Session, meeting: Meeting, document: Document, parsed: ParsedDocument
) -> list[AgendaItem]:
    """Decisions go onto the current items with the same number; items no agenda had are created.
    Rows an earlier version of these minutes created or decided are replaced or cleared."""
    _replace(session, sections_of(session, meeting), lambda kind, _number: kind == DocumentKind.REFERAT)
    sections = {s.number: s for s in sections_of(session, meeting)}
    for section in sections.values():
        section.decision = None  # only what these minutes record under a section stands
    for parsed_section in parsed.sections:
        known = sections.get(parsed_section.number)
        if known is None:
            created = _new_section(meeting, document, parsed_section, minutes=True)
            session.add(created)
            sections[created.number] = created
        else:
            known.decision = _clean_opt(parsed_section.text)
    session.flush()

    touched = _replace(
        session, items_of(session, meeting), lambda kind, _number: kind == DocumentKind.REFERAT
    )
    items = {item.number: item for item in items_of(session, meeting)}
    decided = {i.number for i in parsed.items}
    for item in items.values():
        if item.number not in decided and item.decision_document_id is not None:
            item.decision = None  # a newer version of the minutes no longer records it
            item.decision_document_id = None
            touched.append(item)
    for parsed_item in parsed.items:
        existing = items.get(parsed_item.number)
        if existing is None:
            item = _new_item(meeting, document, parsed_item, _section_for(parsed_item.number, sections))
            session.add(item)
            touched.append(item)
            continue
        existing.decision = _clean_opt(parsed_item.decision)
        existing.decision_document_id = document.id
        for name in FILLED_FROM_MINUTES:
            if getattr(existing, name) is None:
                setattr(existing, name, _clean_opt(getattr(parsed_item, name)))
        if not existing.attachments:
            existing.attachments = [_clean(a) for a in parsed_item.attachments]
        if not existing.links:
            existing.links = [_clean(link) for link in parsed_item.links]
        touched.append(existing)
    session.flush()
    return touched


def _comparable(value: str | None) -> str:
    """Text as a reader sees it: line breaks, hyphenation, spacing and punctuation do not count."""
    return re.sub(r"[\W_]+", "", value or "").casefold()


def _changes(session: Session, previous: Document, parsed: ParsedDocument) -> list[Change]:
    """What `parsed` changes compared with the stored version `previous` of the same meeting and kind."""
    if parsed.kind == DocumentKind.BILAG:
        return []
    minutes = parsed.kind == DocumentKind.REFERAT
    column = AgendaItem.decision_document_id if minutes else AgendaItem.document_id
    before = {item.number: item for item in session.scalars(select(AgendaItem).where(column == previous.id))}
    after = {item.number: item for item in parsed.items}
    changes: list[Change] = []
    for number in sorted(before.keys() | after.keys(), key=sort_key):
        old, new = before.get(number), after.get(number)
        if old is None and new is not None:
            changes.append(Change(number, "added", None, new.title))
        elif new is None and old is not None:
            changes.append(Change(number, "removed", old.title, None))
        elif old is not None and new is not None:
            if not minutes and _comparable(old.title) != _comparable(new.title):
                changes.append(Change(number, "retitled", old.title, new.title))
            if not minutes and _comparable(old.recommendation) != _comparable(new.recommendation):
                changes.append(
                    Change(number, "recommendation_changed", old.recommendation, new.recommendation)
                )
            if minutes and _comparable(old.decision) != _comparable(new.decision):
                changes.append(Change(number, "decision_changed", old.decision, new.decision))
    return changes


def _clean(value: str) -> str:
    """PostgreSQL refuses NUL characters in text, and some PDFs carry them."""
    return value.replace("\x00", "")


def _clean_opt(value: str | None) -> str | None:
    return None if value is None else _clean(value)
