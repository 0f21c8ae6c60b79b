"""/hent, /status and the answers to PDFs sent to the bot, as plain handler calls (no Telegram)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

import storage
from fake_bot_api import MAX_TEXT_LENGTH, format_text
from handlers import admin
from handlers.commands import answer, menu
from handlers.context import HandlerContext, Sender
from storage import Member, Notification
from storage.polls import record_poll
from texts.html import plain_text
from texts.replies import Reply

ADMIN = Sender(user_id=11, chat_id=11, name="Anne Admin")
MEMBER = Sender(user_id=22, chat_id=22, name="Mads Medlem")
PAGE = "https://www.kl.dk/politik/kkr/kkr-midtjylland/moedemateriale/"
WINTER_NOON_UTC = dt.datetime(2026, 1, 15, 11, 0)  # 12.00 in Copenhagen (CET)
SUMMER_NOON_UTC = dt.datetime(2026, 7, 1, 10, 5)  # 12.05 in Copenhagen (CEST)


def said(replies: list[Reply]) -> str:
    for reply in replies:
        assert len(format_text(reply.html, "HTML").text) <= MAX_TEXT_LENGTH  # Telegram would take it
    return "\n".join(plain_text(reply.html) for reply in replies)


def context(db: storage.Database, fetch_now: Callable[[Sender], bool] | None = None) -> HandlerContext:
    return HandlerContext(
        db=db, today=lambda: dt.date(2026, 1, 15), admins=frozenset({ADMIN.user_id}), fetch_now=fetch_now
    )


def test_admin_commands_are_refused_to_members_and_not_in_the_menu(database: storage.Database) -> None:
    ctx = context(database)
    for command in ("/hent", "/status"):
        assert said(answer(ctx, command, MEMBER)) == "Kun for administratorer"
        assert said(answer(ctx, command, None)) == "Kun for administratorer"
    assert not {"hent", "status"} & {command.name for command in menu()}


def test_hent_asks_the_running_bot_and_says_whether_a_poll_was_running(database: storage.Database) -> None:
    asked: list[Sender] = []
    running = [False]

    def fetch_now(sender: Sender) -> bool:
        asked.append(sender)
        return not running[0]

    ctx = context(database, fetch_now=fetch_now)
    assert said(answer(ctx, "/hent", ADMIN)).startswith("Henter nu")
    running[0] = True
    assert said(answer(ctx, "/hent", ADMIN)).startswith("Der hentes allerede")
    assert asked == [ADMIN, ADMIN]


def test_hent_without_a_running_bot_points_to_the_settings(database: storage.Database) -> None:
    text = said(answer(context(database), "/hent", ADMIN))
    assert "KKRBOT_SOURCE_URLS" in text and "kkrbot ingest" in text


def test_status_in_danish_local_time_with_errors_and_the_backlog(database: storage.Database) -> None:
    with database.session() as session:
        record_poll(session, PAGE, etag=None, last_modified=None, now=WINTER_NOON_UTC)
        record_poll(
            session, PAGE, etag=None, last_modified=None, error="findes ikke (HTTP 404)", now=SUMMER_NOON_UTC
        )
        record_poll(session, "file:///srv/indbakke", etag=None, last_modified=None, now=SUMMER_NOON_UTC)
        _waiting_notice(session, WINTER_NOON_UTC)
        session.commit()

    ctx = dataclasses.replace(context(database), sources=(PAGE, "file:///srv/indbakke"))
    text = said(answer(ctx, "/status", ADMIN))

    assert (
        f"{PAGE}: hentet 01.07.2026 kl. 12.05, fejl: findes ikke (HTTP 404) "
        "(sidst uden fejl: 15.01.2026 kl. 12.00)"
    ) in text
    assert "Indbakken /srv/indbakke: hentet 01.07.2026 kl. 12.05, ok" in text
    assert "1 besked venter på at blive sendt; den ældste er fra 15.01.2026 kl. 12.00." in text


def test_status_without_sources_and_before_any_poll(database: storage.Database) -> None:
    text = said(answer(context(database), "/status", ADMIN))
    assert "Ingen kilder er sat op (KKRBOT_SOURCE_URLS, KKRBOT_INBOX)." in text
    assert "Ingen beskeder venter." in text

    ctx = dataclasses.replace(context(database), sources=(PAGE,))
    assert f"{PAGE}: ikke hentet endnu" in said(answer(ctx, "/status", ADMIN))


def _waiting_notice(session: Session, created: dt.datetime) -> None:
    member = Member(telegram_user_id=33, chat_id=33)
    session.add(member)
    session.flush()
    session.add(Notification(member_id=member.id, key="k", text="t", created_at=created))


def test_documents_only_from_administrators_only_pdfs_only_up_to_20_mb(database: storage.Database) -> None:
    ctx = context(database)
    pdf = "application/pdf"
    assert admin.document_refusal(ctx, ADMIN, "dagsorden.pdf", pdf, 1_000_000) is None
    assert admin.document_refusal(ctx, ADMIN, "DAGSORDEN.PDF", None, None) is None
    assert (
        said(admin.document_refusal(ctx, MEMBER, "dagsorden.pdf", pdf, 1000) or [])
        == "Kun for administratorer"
    )
    assert "er ikke en PDF" in said(
        admin.document_refusal(ctx, ADMIN, "noter.docx", "application/msword", 10) or []
    )
    too_big = said(admin.document_refusal(ctx, ADMIN, "stor.pdf", pdf, 20 * 1024 * 1024 + 1) or [])
    assert "stor.pdf er for stor (21 MB)" in too_big
    assert admin.document_refusal(ctx, ADMIN, "lige.pdf", pdf, 20 * 1024 * 1024) is None


def test_fetch_report_lists_what_is_new_and_what_failed() -> None:
    text = said(
        admin.fetch_report(
            ["ny dagsorden: KKR Midtjylland 23. marts 2022, 15 punkter"],
            ["fejl: findes ikke (HTTP 404) (<url>)"],
            3,
        )
    )
    assert text.startswith("Hentning færdig: 1 nyt, 3 uændrede, 1 fejl.")
    assert "• ny dagsorden: KKR Midtjylland 23. marts 2022, 15 punkter" in text
    assert "• fejl: findes ikke (HTTP 404) (<url>)" in text
    assert "Intet nyt." in said(admin.fetch_report([], [], 4))
