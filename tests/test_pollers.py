"""Sources inside `kkrbot run`: KL's meeting page on 127.0.0.1 and an inbox folder are polled on their own,
administrators send PDFs, /hent polls now and /status tells how the sources and the outbox are doing.

The real bot process runs against the fake Bot API server; what it stores is read from its SQLite file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select

from bench.scans import scanned
from bot.pollers import poll_sources
from fake_bot_api import FakeTelegram
from parsing.ocr import ocr_problem
from sources.inbox import inbox_url
from storage import Database, Document, SourceState, open_database
from storage.health import source_health
from tests.bot_process import running_bot
from tests.conftest import BAD_DIR, PDF_DIR, WEB_DIR
from tests.http_server import LocalHttpServer
from tests.test_ocr import first_pages
from tests.test_sources_web import BILAG, DAGSORDEN, KDNET, PAGE_PATH, PDF_FILES, REFERAT

ADMIN, MEMBER = 6101, 6102
ADMINS_ONLY = "Kun for administratorer"
KL = "https://www.kl.dk"
T = TypeVar("T")


def eventually(predicate: Callable[[], T | None], what: str, timeout: float = 120.0) -> T:
    """Wait for something the bot does on its own (no Telegram traffic to wait on); no timing asserted."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def serve_meeting_page(site: LocalHttpServer) -> None:
    """KL's page and its PDFs; the one absolute kl.dk link is pointed at the local server too."""
    page = (WEB_DIR / "moedemateriale.html").read_bytes().replace(KL.encode(), site.base_url.encode())
    site.add(PAGE_PATH, page, "text/html; charset=utf-8", etag='"moedemateriale-v1"')
    for path, name in PDF_FILES.items():
        site.add(path, (PDF_DIR / name).read_bytes())


def document_urls(db: Database) -> set[str]:
    with db.session() as session:
        return {url for url in session.scalars(select(Document.source_url)) if url}


def polled(db: Database, url: str) -> SourceState | None:
    with db.session() as session:
        state = session.scalar(select(SourceState).where(SourceState.url == url))
        return state if state is not None and state.last_poll is not None else None


def drop_in(folder: Path, name: str, data: bytes) -> None:
    """A file put into the inbox whole (written under a hidden name, then renamed) and old enough to take."""
    hidden = folder / f".{name}"
    hidden.write_bytes(data)
    an_hour_ago = time.time() - 3600
    os.utime(hidden, (an_hour_ago, an_hour_ago))
    hidden.rename(folder / name)


def ask(telegram: FakeTelegram, user: int, text: str) -> str:
    return telegram.ask(user, text, timeout=30).plain_text


def reply_starting(telegram: FakeTelegram, user: int, after_message_id: int, *beginnings: str) -> str | None:
    """The first reply after a message that starts with one of `beginnings`: an administrator also gets
    other messages meanwhile (e.g. appointment proposals read from the documents just fetched)."""
    replies = telegram.replies_after(user, after_message_id)
    return next((m.plain_text for m in replies if m.plain_text.startswith(beginnings)), None)


def wait_for_reply(telegram: FakeTelegram, user: int, after_message_id: int, *beginnings: str) -> str:
    return telegram.wait_for(
        lambda: reply_starting(telegram, user, after_message_id, *beginnings), 60, f"a reply {beginnings}"
    )


def ask_for(telegram: FakeTelegram, user: int, text: str, *beginnings: str) -> str:
    """The reply to `text` that starts with one of `beginnings`."""
    return wait_for_reply(telegram, user, telegram.push_message(user, text)["message_id"], *beginnings)


def reply_to_document(
    telegram: FakeTelegram, user: int, name: str, data: bytes, mime: str, *beginnings: str
) -> str:
    pushed = telegram.push_document(user, name, data, mime_type=mime)
    return wait_for_reply(telegram, user, pushed["message_id"], *beginnings)


@dataclass
class RunningBot:
    telegram: FakeTelegram
    site: LocalHttpServer
    db: Database
    inbox: Path

    @property
    def page_url(self) -> str:
        return self.site.url(PAGE_PATH)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """`kkrbot run` polling the meeting page and the inbox every 2 seconds, with one administrator."""
    folder = tmp_path_factory.mktemp("pollers")
    inbox = folder / "indbakke"
    inbox.mkdir()
    url = f"sqlite:///{folder / 'kkrbot.sqlite3'}"
    with LocalHttpServer() as site, FakeTelegram() as telegram:
        serve_meeting_page(site)
        for user, name in ((ADMIN, "Anne Admin"), (MEMBER, "Mads Medlem")):
            telegram.add_user(user, name)
        db = open_database(url)
        try:
            with running_bot(
                telegram,
                DATABASE_URL=url,
                KKRBOT_ADMINS=str(ADMIN),
                KKRBOT_SOURCE_URLS=site.url(PAGE_PATH),
                KKRBOT_POLL_SECONDS="2",
                KKRBOT_INBOX=str(inbox),
            ):
                yield RunningBot(telegram, site, db, inbox)
        finally:
            db.dispose()


def test_the_meeting_pages_pdfs_land_in_the_database_without_anyone_asking(bot: RunningBot) -> None:
    expected = {bot.site.url(path) for path in (DAGSORDEN, REFERAT, BILAG, KDNET)}
    eventually(lambda: document_urls(bot.db) >= expected, "the page's four PDFs in the database")
    state = eventually(lambda: polled(bot.db, bot.page_url), "the page's poll recorded")
    assert state.last_error is None and state.etag == '"moedemateriale-v1"'


def test_a_pdf_dropped_in_the_inbox_is_ingested_and_moved_to_processed(bot: RunningBot) -> None:
    drop_in(bot.inbox, "dagsorden-kopi.pdf", (PDF_DIR / "kkr-dagsorden-2022-03-23.pdf").read_bytes())
    drop_in(bot.inbox, "i-stykker.pdf", (BAD_DIR / "truncated.pdf").read_bytes())

    processed = bot.inbox / "processed" / "dagsorden-kopi.pdf"
    failed = bot.inbox / "failed" / "i-stykker.pdf"
    eventually(lambda: processed.exists() and failed.exists(), "both files moved out of the inbox")
    assert not (bot.inbox / "dagsorden-kopi.pdf").exists()
    assert (bot.inbox / "failed" / "i-stykker.pdf.reason.txt").read_text(encoding="utf-8").strip()
    with bot.db.session() as session:
        dates = {doc.meeting.date.isoformat() for doc in session.scalars(select(Document))}
    assert "2022-03-23" in dates


def test_an_administrators_pdf_is_answered_with_the_meeting_it_holds(bot: RunningBot) -> None:
    data = (PDF_DIR / "kkr-referat-2021-04-23-word.pdf").read_bytes()
    answer = reply_to_document(
        bot.telegram, ADMIN, "referat.pdf", data, "application/pdf", "referat.pdf", "Jeg"
    )
    assert answer.startswith("referat.pdf: ") and "KKR Midtjylland 23. april 2021" in answer, answer


@pytest.mark.skipif(ocr_problem() is not None, reason="no OCR here")
def test_a_scanned_pdf_is_answered_at_once_and_again_when_it_is_read(bot: RunningBot) -> None:
    """A scan takes OCR's while: the administrator hears so first, then what it held."""
    k17 = PDF_DIR.parent / "made" / "k17-sjaelland-referat-2021-09-03.pdf"  # a meeting not on the page
    data = scanned(first_pages(k17.read_bytes(), 2))
    pushed = bot.telegram.push_document(ADMIN, "scannet.pdf", data, mime_type="application/pdf")
    first = wait_for_reply(bot.telegram, ADMIN, pushed["message_id"], "scannet.pdf er en scanning")
    assert first == "scannet.pdf er en scanning (2 sider). Jeg læser den … og skriver, når den er læst."
    result = wait_for_reply(bot.telegram, ADMIN, pushed["message_id"], "scannet.pdf: ")
    assert result.startswith("scannet.pdf: nyt referat: K17 3. september 2021, ") and result.endswith(
        " (OCR)"
    )


def test_a_members_pdf_is_refused_and_never_downloaded(bot: RunningBot) -> None:
    downloads = len(bot.telegram.calls("getFile"))
    data = (PDF_DIR / "kkr-dagsorden-2022-03-23.pdf").read_bytes()
    answer = reply_to_document(bot.telegram, MEMBER, "dagsorden.pdf", data, "application/pdf", "")
    assert answer == ADMINS_ONLY
    assert len(bot.telegram.calls("getFile")) == downloads


def test_a_broken_pdf_a_text_file_and_a_huge_file_get_danish_reasons(bot: RunningBot) -> None:
    broken = reply_to_document(
        bot.telegram,
        ADMIN,
        "i-stykker.pdf",
        (BAD_DIR / "truncated.pdf").read_bytes(),
        "application/pdf",
        "Jeg",
    )
    assert broken.startswith("Jeg kunne ikke bruge i-stykker.pdf:"), broken

    text = reply_to_document(bot.telegram, ADMIN, "noter.txt", b"husk kaffe", "text/plain", "noter.txt")
    assert "noter.txt er ikke en PDF" in text

    downloads = len(bot.telegram.calls("getFile"))
    huge = reply_to_document(
        bot.telegram, ADMIN, "stor.pdf", b"%PDF-1.7\n" + bytes(21 * 1024 * 1024), "", "stor.pdf"
    )
    assert "stor.pdf er for stor (22 MB)" in huge and "20 MB" in huge
    assert len(bot.telegram.calls("getFile")) == downloads


def test_status_shows_each_source_and_the_outbox(bot: RunningBot) -> None:
    eventually(lambda: polled(bot.db, bot.page_url), "the page's first poll")
    eventually(lambda: polled(bot.db, bot.inbox.resolve().as_uri()), "the inbox's first scan")

    status = ask_for(bot.telegram, ADMIN, "/status", "Kilder")

    assert f"{bot.page_url}: hentet " in status
    assert f"Indbakken {bot.inbox.resolve()}: hentet " in status
    assert "Udbakken" in status and ("venter" in status)


def test_hent_and_status_are_for_administrators_only(bot: RunningBot) -> None:
    for command in ("/hent", "/status"):
        assert ask(bot.telegram, MEMBER, command) == ADMINS_ONLY
    assert "hent" not in {command["command"] for command in bot.telegram.commands()}


def test_hent_polls_now_and_reports_what_it_found(tmp_path: Path) -> None:
    """With polls an hour apart, only /hent can find the page that appeared after the first poll."""
    url = f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"
    with LocalHttpServer() as site, FakeTelegram() as telegram:
        telegram.add_user(ADMIN, "Anne Admin")
        page_url = site.url(PAGE_PATH)
        db = open_database(url)
        try:
            with running_bot(
                telegram,
                DATABASE_URL=url,
                KKRBOT_ADMINS=str(ADMIN),
                KKRBOT_SOURCE_URLS=page_url,
                KKRBOT_POLL_SECONDS="3600",
            ):
                first = eventually(lambda: polled(db, page_url), "the first poll, soon after start")
                assert first.last_error == "findes ikke (HTTP 404)"
                assert "fejl: findes ikke (HTTP 404)" in ask_for(telegram, ADMIN, "/status", "Kilder")

                serve_meeting_page(site)
                pushed = telegram.push_message(ADMIN, "/hent")
                report = wait_for_reply(telegram, ADMIN, pushed["message_id"], "Hentning færdig")
                # the first poll may still be letting go of its lock: then /hent says it follows that one
                assert reply_starting(
                    telegram, ADMIN, pushed["message_id"], "Henter nu", "Der hentes allerede"
                )
        finally:
            db.dispose()
    assert report.startswith("Hentning færdig: 4 nye, 0 uændrede, 0 fejl."), report
    assert "ny dagsorden: KKR Midtjylland 23. marts 2022, " in report
    assert "nyt referat: KD-Net 20. august 2021" in report


def test_a_poll_turns_each_failure_into_a_report_and_remembers_it(database: Database, tmp_path: Path) -> None:
    """A missing page and a missing inbox: reports and /status entries, never an exception."""
    missing_inbox = tmp_path / "ingen-indbakke"
    with LocalHttpServer() as site:
        reports = poll_sources(database, [site.url("/findes-ikke/")], missing_inbox)

    assert [report.failed for report in reports] == [True, True]
    assert [report.reason for report in reports] == [
        "findes ikke (HTTP 404)",
        f"indbakken findes ikke: {missing_inbox}",
    ]
    with database.session() as session:
        polled = [site.url("/findes-ikke/"), inbox_url(missing_inbox)]
        errors = {health.url: health.last_error for health in source_health(session, polled)}
    assert errors == {
        site.url("/findes-ikke/"): "findes ikke (HTTP 404)",
        inbox_url(missing_inbox): f"indbakken findes ikke: {missing_inbox}",
    }
