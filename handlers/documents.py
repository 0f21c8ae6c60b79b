"""The documents themselves: an item's bilag as their own PDFs, an item's page of the published PDF,
and a bilag page found by search.

Bilag are matched to an item's `./.` titles by their wording (parsing.bundle: the bundle's title of
a bilag may differ slightly from the agenda's), and their pages are cut from the stored bundle
(parsing.pages), never rendered again.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from handlers.context import HandlerContext
from parsing.bundle import best_match, rarity
from parsing.errors import ParseError
from parsing.pages import cut_pages
from storage import AgendaItem, Bilag, Document, Meeting, queries
from storage.bilag import bilag_of, bilag_on_page, bundles_of, pdf_bytes
from texts import help
from texts import meetings as texts
from texts.callbacks import bilag_callback, pdf_callback
from texts.html import is_web_url
from texts.replies import Attachment, Button, Reply, to_replies

PDF_MIME_TYPE = "application/pdf"
PAGES_RE = re.compile(r"^(\d{1,5})-(\d{1,5})$")
URL_RE = re.compile(r"https?://\S+")  # a `./.` bilag that is only a link


def bilag_for(session: Session, item: AgendaItem) -> dict[str, Bilag]:
    """Each of the item's `./.` titles that a bilag of the meeting's bundles holds, and that bilag."""
    found = bilag_of(session, item.meeting)
    if not found or not item.attachments:
        return {}
    pages = [page for bundle in bundles_of(session, item.meeting) for page in bundle.page_texts]
    weight = rarity([page.text for page in pages])
    first_pages = {(page.document_id, page.page): page.text for page in pages}
    candidates = [(b.title, first_pages.get((b.document_id, b.first_page), "")) for b in found]
    matched = {}
    for title in item.attachments:
        index = best_match(title, candidates, weight)
        if index is not None:
            matched[title] = found[index]
    return matched


def item_pages(session: Session, item: AgendaItem) -> tuple[int, int]:
    """The pages of an item's document it stands on: from its heading to where the next item begins."""
    later = [
        other.page
        for other in queries.items_of(session, item.meeting)
        if other.document_id == item.document_id and other.page > item.page
    ]
    document = session.get(Document, item.document_id)
    last = min(later) if later else (document.pages if document is not None else item.page)
    return item.page, max(item.page, last)


def document_buttons(session: Session, item: AgendaItem, bilag: dict[str, Bilag]) -> list[list[Button]]:
    """A button per bilag the bundle holds, a link for a bilag that is only a link, and the item's page
    of the published PDF (or, for a PDF without a web address, its pages sent as a file)."""
    rows = []
    for title in item.attachments:
        link = URL_RE.search(title)
        if title in bilag:
            rows.append([Button(texts.bilag_button_label(title), bilag_callback(bilag[title].id, item.id))])
        elif link is not None:
            rows.append([Button(texts.bilag_button_label(title), url=link[0].rstrip(".,;)"))])
    document = session.get(Document, item.document_id)
    if document is None:
        return rows
    label = texts.pdf_page_label(item.page)
    if document.source_url and is_web_url(document.source_url):
        rows.append([Button(label, url=f"{document.source_url}#page={item.page}")])
    elif pdf_bytes(session, document.id) is not None:
        first, last = item_pages(session, item)
        rows.append([Button(label, pdf_callback(document.id, first, last))])
    return rows


def bilag_pressed(ctx: HandlerContext, bilag_id: int, item_id: int) -> list[Reply]:
    """A bilag's button: its own pages as a PDF, the caption naming the bilag, the item and the meeting."""
    with ctx.db.session() as session:
        found = session.get(Bilag, bilag_id)
        if found is None:
            return to_replies(help.gone())
        item = session.get(AgendaItem, item_id) if item_id else None
        meeting = found.document.meeting
        data = pdf_bytes(session, found.document_id)
        caption = texts.bilag_caption(found, item, meeting)
        name = f"bilag-{meeting.date:%Y-%m-%d}-s{found.first_page}-{found.last_page}.pdf"
        return _pdf_reply(data, found.first_page, found.last_page, caption, name, found.document)


def pdf_pressed(ctx: HandlerContext, document_id: int, pages: str) -> list[Reply]:
    """Pages of a stored PDF as a file: an item's pages, or one page of a bundle."""
    match = PAGES_RE.match(pages)
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        if document is None or match is None:
            return to_replies(help.gone())
        first, last = int(match[1]), int(match[2])
        meeting = document.meeting
        caption = _pages_caption(session, document, meeting, first, last)
        name = f"{document.kind}-{meeting.date:%Y-%m-%d}-s{first}-{last}.pdf"
        return _pdf_reply(pdf_bytes(session, document.id), first, last, caption, name, document)


def page_pressed(ctx: HandlerContext, document_id: int, page: str) -> list[Reply]:
    """A bilag page found by search: its text, and a button for the page in the PDF."""
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        number = int(page) if page.isdigit() else 0
        stored = next((p for p in document.page_texts if p.page == number), None) if document else None
        if document is None or stored is None:
            return to_replies(help.gone())
        found = bilag_on_page(session, document.id, number)
        title = found.title if found is not None else None
        label = texts.pdf_page_label(number)
        buttons: list[list[Button]] = []
        if document.source_url and is_web_url(document.source_url):
            buttons.append([Button(label, url=f"{document.source_url}#page={number}")])
        elif pdf_bytes(session, document.id) is not None:
            buttons.append([Button(label, pdf_callback(document.id, number, number))])
        if found is not None and (found.first_page, found.last_page) != (number, number):
            buttons.append([Button(texts.bilag_button_label(found.title), bilag_callback(found.id, None))])
        return to_replies(texts.page_text(document.meeting, number, stored.text, title), buttons)


def _pages_caption(session: Session, document: Document, meeting: Meeting, first: int, last: int) -> str:
    items = [
        i for i in queries.items_of(session, meeting) if i.document_id == document.id and i.page == first
    ]
    if items:
        return texts.item_pages_caption(items[0], meeting, first, last)
    found = bilag_on_page(session, document.id, first)
    return texts.page_caption(meeting, first, found.title if found is not None else None)


def _pdf_reply(
    data: bytes | None, first: int, last: int, caption: str, name: str, document: Document
) -> list[Reply]:
    if data is None:
        if document.source_url and is_web_url(document.source_url):  # kept as a link only: send that
            link = [[Button(texts.pdf_page_label(first), url=f"{document.source_url}#page={first}")]]
            return to_replies(texts.no_pdf_kept(), link)
        return to_replies(texts.no_pdf_kept())
    try:
        pages = cut_pages(data, first, last)
    except ParseError:
        return to_replies(texts.no_pdf_kept())
    return [Reply(caption, document=Attachment(name, pages, PDF_MIME_TYPE))]
