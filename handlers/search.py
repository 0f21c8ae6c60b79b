"""/soeg: the best items and bilag pages for some words, each with a button that opens it."""

from __future__ import annotations

from handlers.context import HandlerContext, Sender
from handlers.councils import scope_of
from storage import search as search_meetings
from storage.bilag import bilag_on_page
from texts import help
from texts import meetings as texts
from texts.callbacks import item_callback, page_callback
from texts.replies import Button, Reply, button_rows, to_replies

HIT_LIMIT = 10
BUTTONS_PER_ROW = 2
MAX_QUERY_CHARS = 200  # longer input is no search anyone types


def search(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/soeg ord...: the ten best hits across all meetings, the member's councils' first."""
    words = " ".join(args.split())[:MAX_QUERY_CHARS]
    if not words:
        return to_replies(help.missing_search_words())
    with ctx.db.session() as session:
        own = scope_of(session, ctx, sender, "").councils
        hits = search_meetings(session, words, limit=HIT_LIMIT)
        if own is not None:
            hits.sort(key=lambda hit: hit.body not in own)  # stable: the ranking within each group stays
        on_pages = {
            n: bilag_on_page(session, hit.document_id, hit.page)
            for n, hit in enumerate(hits, 1)
            if hit.kind == "bilag"
        }
        titles = {n: found.title for n, found in on_pages.items() if found is not None}
    buttons = [
        Button(
            texts.search_button_label(n, hit),
            item_callback(hit.meeting_id, hit.item_number)
            if hit.item_number is not None
            else page_callback(hit.document_id, hit.page),
        )
        for n, hit in enumerate(hits, 1)
    ]
    return to_replies(texts.search_results(words, hits, titles), button_rows(buttons, BUTTONS_PER_ROW))
