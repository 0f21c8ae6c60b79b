"""The bilag a meeting's bundles are split into, and the PDFs' bytes to cut their pages from.

Splitting is the caller's (parsing.bundle, handed in by ingestion): storage only keeps the result,
one row per bilag, made again whenever a document of the meeting is stored, since an agenda stored
after its bundle brings the attachment titles that help find where each bilag starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.kinds import DocumentKind
from storage.models import AgendaItem, Bilag, Document, DocumentFile, Meeting

# (page texts of a bundle, the meeting's `./.` titles) -> (title, first page, last page) per bilag
Splitter = Callable[[Sequence[str], Sequence[str]], Sequence[tuple[str, int, int]]]


def bundles_of(session: Session, meeting: Meeting) -> list[Document]:
    """The meeting's current bilag bundles."""
    query = select(Document).where(
        Document.meeting_id == meeting.id, Document.kind == DocumentKind.BILAG, Document.is_current
    )
    return list(session.scalars(query.order_by(Document.id)))


def attachment_titles(session: Session, meeting: Meeting) -> list[str]:
    """Every `./.` title the meeting's current items list, in agenda order, once each."""
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.is_current)
        .order_by(AgendaItem.sort_key, AgendaItem.id)
    )
    return list(dict.fromkeys(title for item in items for title in item.attachments or ()))


def split_bundles(session: Session, meeting: Meeting, splitter: Splitter) -> None:
    """Split each of the meeting's bundles again with what is known now (not committed)."""
    titles = attachment_titles(session, meeting)
    for bundle in bundles_of(session, meeting):
        session.execute(delete(Bilag).where(Bilag.document_id == bundle.id))
        texts = [page.text for page in bundle.page_texts]
        session.add_all(
            Bilag(document_id=bundle.id, title=title[:1000], first_page=first, last_page=last)
            for title, first, last in splitter(texts, titles)
        )
    session.flush()


def bilag_of(session: Session, meeting: Meeting) -> list[Bilag]:
    """The bilag of the meeting's current bundles, in page order."""
    query = (
        select(Bilag)
        .join(Document, Document.id == Bilag.document_id)
        .where(Document.meeting_id == meeting.id, Document.kind == DocumentKind.BILAG, Document.is_current)
    )
    return list(session.scalars(query.order_by(Bilag.document_id, Bilag.first_page)))


def bilag_on_page(session: Session, document_id: int, page: int) -> Bilag | None:
    """The bilag a page of a bundle belongs to."""
    return session.scalar(
        select(Bilag).where(
            Bilag.document_id == document_id, Bilag.first_page <= page, Bilag.last_page >= page
        )
    )


def pdf_bytes(session: Session, document_id: int) -> bytes | None:
    """The stored PDF of a document; None for one stored before its bytes were kept."""
    stored = session.get(DocumentFile, document_id)
    return stored.data if stored is not None else None
