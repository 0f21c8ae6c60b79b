"""The documents themselves in the chat (issue 13): bilag opened from their item, an item's page of the
published PDF, and a bilag page found by search; pages cut from the stored PDFs, never re-rendered."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

import storage
from bot.ingest import Ingester
from fake_bot_api import FakeTelegram
from handlers.commands import answer, answer_callback
from handlers.context import HandlerContext, Sender
from parsing import parse_document
from parsing.bundle import split_bundle
from parsing.pages import cut_pages
from sources import MeetingPageSource, PoliteClient
from tests.bot_process import running_bot
from tests.conftest import EXPECTED_DIR, PDF_DIR
from tests.http_server import LocalHttpServer
from tests.test_pollers import serve_meeting_page
from tests.test_sources_web import KL, PAGE_PATH
from texts.html import plain_text
from texts.replies import Reply

BUNDLE = PDF_DIR / "kkr-bilag-2021-04-23.pdf"
MINUTES_DAY = "23. april 2021"
MEMBER = Sender(user_id=91, chat_id=91, name="Bodil")


def minutes_attachments() -> list[str]:
    minutes = json.loads((EXPECTED_DIR / "kkr-referat-2021-04-23.expected.json").read_text(encoding="utf-8"))
    return [title for item in minutes["items"] for title in item["attachments"]]


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF a test was sent."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def said(replies: list[Reply]) -> str:
    return "\n".join(plain_text(reply.html) for reply in replies)


def buttons(replies: list[Reply]) -> dict[str, str]:
    """Every button's label -> its callback data or URL."""
    return {b.label: b.callback_data or b.url or "" for r in replies for row in r.buttons for b in row}


# --- splitting a bundle and cutting pages ---


def test_the_bundle_is_split_at_the_bilag_its_items_name() -> None:
    parts = split_bundle(parse_document(BUNDLE.read_bytes()).page_texts, minutes_attachments())
    by_start = {first: (title, last) for title, first, last in parts}
    assert by_start[1] == ("Handlingsplan for KKR Midtjyllands klimastrategi", 6)
    assert by_start[16][0].startswith("Rammeaftale for KKR Midtjylland omkring danskuddannelse")
    assert 48 in by_start  # the passagerråd's agreement: "Aftalen er indgået mellem: …"
    assert [first for _, first, _ in parts] == sorted(first for _, first, _ in parts)
    assert all(first <= last for _, first, last in parts)
    assert parts[-1][2] == 52 and all(a[2] + 1 == b[1] for a, b in zip(parts, parts[1:], strict=False))


def test_a_bundle_without_known_titles_still_splits_at_its_title_pages() -> None:
    parts = split_bundle(parse_document(BUNDLE.read_bytes()).page_texts)
    assert parts[0][:2] == ("Handlingsplan for KKR Midtjyllands klimastrategi", 1)
    assert len(parts) >= 3


def test_pages_are_cut_as_they_are() -> None:
    cut = cut_pages(BUNDLE.read_bytes(), 1, 6)
    pages = pdf_pages(cut)
    assert len(pages) == 6 and "Handlingsplan for KKR Midtjyllands klimastrategi" in pages[0]
    assert len(pdf_pages(cut_pages(BUNDLE.read_bytes(), 52, 99))) == 1  # clipped to the document


# --- through the handlers, on documents read from files (no web address) ---


@pytest.fixture(scope="module")
def db(ingested_copy: Callable[[], str]) -> Iterator[storage.Database]:
    database = storage.open_database(ingested_copy())
    yield database
    database.dispose()


def ask(db: storage.Database, text: str) -> list[Reply]:
    return answer(HandlerContext(db=db, today=lambda: dt.date(2021, 4, 20)), text, MEMBER)


def press(db: storage.Database, data: str) -> list[Reply]:
    return answer_callback(HandlerContext(db=db, today=lambda: dt.date(2021, 4, 20)), data, MEMBER)


def test_an_item_lists_its_bilag_with_their_pages_and_a_button_each(db: storage.Database) -> None:
    replies = ask(db, f"/punkt 3.2 {MINUTES_DAY}")
    assert "📎 Bilag: Klimahandlingsplan for KKR Midtjyllands klimastrategi (s. 1–6)" in said(replies)
    labels = buttons(replies)
    bilag = next(data for label, data in labels.items() if label.startswith("📎 Klimahandlingsplan"))
    [sent] = press(db, bilag)
    assert sent.document is not None and sent.document.mime_type == "application/pdf"
    pages = pdf_pages(sent.document.content)
    assert len(pages) == 6 and "Handlingsplan for KKR Midtjyllands klimastrategi" in pages[0]
    caption = plain_text(sent.html)
    assert "Handlingsplan for KKR Midtjyllands klimastrategi" in caption
    assert "punkt 3.2 Klimahandlingsplan for KKR Midtjylland" in caption and "23. april 2021" in caption


def test_an_item_of_a_file_sends_its_own_pages(db: storage.Database) -> None:
    replies = ask(db, f"/punkt 3.2 {MINUTES_DAY}")
    page_button = next(data for label, data in buttons(replies).items() if label.startswith("Åbn PDF, side"))
    assert page_button.startswith("pdf:")
    [sent] = press(db, page_button)
    assert sent.document is not None
    pages = pdf_pages(sent.document.content)
    assert any("Klimahandlingsplan for KKR Midtjylland" in page for page in pages)
    assert "3.2 Klimahandlingsplan for KKR Midtjylland" in plain_text(sent.html)


def test_a_bilag_the_bundle_does_not_hold_has_no_button(db: storage.Database) -> None:
    replies = ask(db, f"/punkt 3.4 {MINUTES_DAY}")
    assert "📎 Bilag: Præsentation af indtægtsfordelingsmodellen" in said(replies)
    assert "(s." not in said(replies).split("Præsentation af indtægtsfordelingsmodellen")[1].split("\n")[0]
    assert not any(label.startswith("📎") for label in buttons(replies))


@pytest.mark.parametrize("data", ["bilag:999999:0", "pdf:999999:1-2", "pdf:1:x", "page:999999:1", "page:1:x"])
def test_stale_document_buttons_get_an_answer(db: storage.Database, data: str) -> None:
    assert said(press(db, data)).strip()


# --- end to end: the meeting page on 127.0.0.1, the real bot, the fake Bot API ---

READER = 9301


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeTelegram, str]]:
    """The KL meeting page served locally and ingested from there, so every document has its URL."""
    url = f"sqlite:///{tmp_path_factory.mktemp('published') / 'kkrbot.sqlite3'}"
    with LocalHttpServer() as site, FakeTelegram() as telegram:
        serve_meeting_page(site)
        database = storage.open_database(url)
        client = PoliteClient(origin_map={KL: site.base_url})
        reports = list(Ingester(database, MeetingPageSource(client)).page(site.url(PAGE_PATH)))
        database.dispose()
        assert not any(report.failed for report in reports), [r.text for r in reports]
        telegram.add_user(READER, "Rikke")
        with running_bot(telegram, DATABASE_URL=url, KKRBOT_TODAY="2021-04-20"):
            yield telegram, site.base_url


def test_the_bilag_button_sends_the_bilags_own_pages(published: tuple[FakeTelegram, str]) -> None:
    telegram, _ = published
    reply = telegram.ask(READER, f"/punkt 3.2 {MINUTES_DAY}", timeout=30)
    button = next(b for row in reply.buttons for b in row if b.text.startswith("📎 Klimahandlingsplan"))
    telegram.press_button(READER, reply.message_id, button.text)
    document = telegram.wait_for(lambda: next(iter(telegram.documents(READER)), None), timeout=30)
    assert document.mime_type == "application/pdf" and document.filename.endswith(".pdf")
    pages = pdf_pages(document.content)
    assert len(pages) == 6 and "Handlingsplan for KKR Midtjyllands klimastrategi" in pages[0]
    assert "Bilag til punkt 3.2" in document.caption
    assert telegram.errors() == []


def test_the_page_button_opens_the_published_pdf_at_the_items_page(
    published: tuple[FakeTelegram, str],
) -> None:
    telegram, base_url = published
    telegram.add_user(READER + 1, "Rune")
    reply = telegram.ask(READER + 1, f"/punkt 3.5 {MINUTES_DAY}", timeout=30)
    [link] = [b for row in reply.buttons for b in row if b.text.startswith("Åbn PDF, side")]
    assert link.url is not None
    address = urlsplit(link.url)
    assert f"{address.scheme}://{address.netloc}" == base_url and address.path.endswith(".pdf")
    page = int(link.text.removeprefix("Åbn PDF, side "))
    assert address.fragment == f"page={page}"
    minutes = PdfReader(io.BytesIO((PDF_DIR / "kkr-referat-2021-04-23.pdf").read_bytes()))
    assert "3.5" in (minutes.pages[page - 1].extract_text() or "")


def test_a_bilag_search_hit_opens_its_page(published: tuple[FakeTelegram, str]) -> None:
    telegram, _ = published
    telegram.add_user(READER + 2, "Signe")
    reply = telegram.ask(READER + 2, "/soeg Passagerpulsen", timeout=30)
    assert "Bilag:" in reply.plain_text
    hit = next(b for row in reply.buttons for b in row if "bilag" in b.text.lower())
    telegram.press_button(READER + 2, reply.message_id, hit.text)
    page = telegram.wait_for(
        lambda: next(
            (m for m in telegram.sent_messages(READER + 2)[1:] if "Passagerpulsen" in m.plain_text), None
        ),
        timeout=30,
    )
    assert "Bilag:" in page.plain_text
    assert any(b.url and "#page=" in b.url for row in page.buttons for b in row)


def test_no_reply_shows_the_parsers_raw_markup(db: storage.Database) -> None:
    """Every item of every fixture meeting, and its sagsfremstilling: no `./.`, `# ` or `- ` as typed."""
    with db.session() as session:
        meetings = list(session.scalars(storage.queries.select(storage.Meeting)))
        numbers = [(m.id, i.number) for m in meetings for i in storage.queries.items_of(session, m)]
    assert len(numbers) >= 35  # 15 on the agenda, 9 in the KKR minutes, 11 in the KD-Net minutes
    for meeting_id, number in numbers:
        for data in (f"item:{meeting_id}:{number}", f"case:{meeting_id}:{number}"):
            shown = said(press(db, data))
            assert "./." not in shown, (number, shown[:300])
            for line in shown.splitlines():
                assert not line.startswith(("# ", "- ", "  - ")), (number, line)
