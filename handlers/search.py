"""/soeg: the best items and bilag pages for some words, each with a button that opens it."""

from __future__ import annotations

from handlers.context import HandlerContext, Sender
from storage import search as search_meetings
from texts import help
from texts import meetings as texts
from texts.callbacks import item_callback, meeting_callback
from texts.replies import Button, Reply, button_rows, to_replies

HIT_LIMIT = 10
BUTTONS_PER_ROW = 2
MAX_QUERY_CHARS = 200  # longer input is no search anyone types


def search(ctx: HandlerContext, args: str, sender: Sender | None = None) -> list[Reply]:
    """/soeg ord...: the ten best hits across all meetings."""
    words = " ".join(args.split())[:MAX_QUERY_CHARS]
    if not words:
        return to_replies(help.missing_search_words())
    with ctx.db.session() as session:
        hits = search_meetings(session, words, limit=HIT_LIMIT)
    buttons = [
        Button(
            texts.search_button_label(n, hit),
            item_callback(hit.meeting_id, hit.item_number)
            if hit.item_number is not None
            else meeting_callback(hit.meeting_id),
        )
        for n, hit in enumerate(hits, 1)
    ]
    return to_replies(texts.search_results(words, hits), button_rows(buttons, BUTTONS_PER_ROW))
