"""/abonner, /afmeld and /abonnementer: storage, the Danish replies, and the real bot through Telegram."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

import storage
from delivery.fanout import fan_out
from fake_bot_api import FakeTelegram
from handlers.commands import answer, answer_callback, menu
from handlers.context import HandlerContext, Sender
from parsing import ParsedDocument
from storage import AgendaItem, Member, Notification, Person, Subscription, search, store_document
from storage.search_index import item_body
from storage.subscriptions import (
    SubscribeOutcome,
    keyword_matches,
    subscribe,
    subscriptions_of,
    unsubscribe,
    unsubscribe_id,
)
from tests.bot_process import running_bot
from texts.html import plain_text
from texts.marks import MARK

Parsed = dict[str, tuple[ParsedDocument, str]]
MEMBER, OTHER = Sender(101, 101, "Mette"), Sender(202, 202, "Ole")


def follow(db: storage.Database, sender: Sender, words: str = "") -> SubscribeOutcome:
    with db.session() as session:
        return subscribe(session, sender.user_id, sender.chat_id, sender.name, words).outcome


def followed(db: storage.Database, sender: Sender) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(s.kind, s.value) for s in subscriptions_of(session, sender.user_id)]


def ctx_for(db: storage.Database) -> HandlerContext:
    return HandlerContext(db=db, today=lambda: dt.date(2022, 3, 20))


def text_of(replies: list) -> str:  # type: ignore[type-arg]
    return "\n".join(plain_text(r.html) for r in replies)


# --- storage ---


def test_subscriptions_are_stored_once_with_normalized_keywords(
    database: storage.Database, parsed_pdfs: Parsed
) -> None:
    parsed, digest = parsed_pdfs["kdnet-referat-2021-08-20"]
    with database.session() as session:
        store_document(session, parsed, sha256=digest)  # KD-Net becomes a known body

    assert follow(database, MEMBER) is SubscribeOutcome.ADDED
    assert follow(database, MEMBER) is SubscribeOutcome.ALREADY
    assert follow(database, MEMBER, "  Klima  ") is SubscribeOutcome.ADDED
    assert follow(database, MEMBER, "KLIMAET") is SubscribeOutcome.ALREADY  # the same Danish stem
    assert follow(database, MEMBER, "Sundhedsaftaler, psykiatri") is SubscribeOutcome.ADDED
    assert follow(database, MEMBER, "kd-net") is SubscribeOutcome.ADDED  # a body's name follows the body
    assert follow(database, MEMBER, "!!!") is SubscribeOutcome.NO_WORDS
    assert follow(database, MEMBER, "et to tre fire fem") is SubscribeOutcome.TOO_LONG
    assert followed(database, MEMBER) == [
        ("all", ""),
        ("body", "KD-Net"),
        ("keyword", "klima"),
        ("keyword", "sundhedsaftaler psykiatri"),
    ]


def test_mine_needs_a_linked_member(database: storage.Database) -> None:
    assert follow(database, MEMBER, "mine") is SubscribeOutcome.NEEDS_LINK
    assert followed(database, MEMBER) == []
    with database.session() as session:
        person = Person(name="Mette Ørum Jensen", municipality="Aarhus")
        session.add(person)
        session.flush()
        member = session.scalars(select(Member).where(Member.telegram_user_id == MEMBER.user_id)).one()
        member.person_id = person.id
        session.commit()
    assert follow(database, MEMBER, "Mine") is SubscribeOutcome.ADDED
    assert followed(database, MEMBER) == [("mine", "")]


def test_unsubscribing_one_or_all(database: storage.Database) -> None:
    for words in ("", "klima", "sundhed"):
        follow(database, MEMBER, words)
    follow(database, OTHER, "klima")
    with database.session() as session:
        assert [s.value for s in unsubscribe(session, MEMBER.user_id, "Klimaet")] == ["klima"]
        assert unsubscribe(session, MEMBER.user_id, "vand") == []
        others = session.scalars(select(Subscription).where(Subscription.value == "klima")).one()
        assert unsubscribe_id(session, MEMBER.user_id, others.id) == []  # not theirs to remove
    assert followed(database, MEMBER) == [("all", ""), ("keyword", "sundhed")]
    with database.session() as session:
        assert len(unsubscribe(session, MEMBER.user_id)) == 2
    assert followed(database, MEMBER) == [] and followed(database, OTHER) == [("keyword", "klima")]


# --- the commands ---


def test_commands_answer_in_danish(database: storage.Database) -> None:
    ctx = ctx_for(database)
    assert "nye punkter om klima" in text_of(answer(ctx, "/abonner klima", MEMBER))
    assert "alt nyt" in text_of(answer(ctx, "/abonner", MEMBER))
    assert "allerede" in text_of(answer(ctx, "/abonner klima", MEMBER))
    linking = text_of(answer(ctx, "/abonner mine", MEMBER))
    assert "ikke knyttet til en person" in linking and "administrator" in linking
    assert "kun bruges fra Telegram" in text_of(answer(ctx, "/abonner"))
    assert "abonnerer ikke på vand" in text_of(answer(ctx, "/afmeld vand", MEMBER))
    assert "ingen abonnementer" in text_of(answer(ctx, "/abonnementer", OTHER))
    assert {"abonner", "afmeld", "abonnementer"} <= {command.name for command in menu()}
    assert "/abonner" in text_of(answer(ctx, "/hjaelp", MEMBER))


def test_the_list_has_a_remove_button_for_each(database: storage.Database) -> None:
    ctx = ctx_for(database)
    answer(ctx, "/abonner", MEMBER)
    answer(ctx, "/abonner " + "meget " * 3 + "langt", MEMBER)
    [reply] = answer(ctx, "/abonnementer", MEMBER)
    assert "Dine abonnementer\n• Alt nyt\n• meget langt" in plain_text(reply.html)
    labels = [b.label for row in reply.buttons for b in row]
    assert labels == ["Fjern: alt nyt", "Fjern: meget langt"]
    datas = [b.callback_data or "" for row in reply.buttons for b in row]
    assert all(len(d.encode()) <= 64 for d in datas)

    assert answer_callback(ctx, datas[1], OTHER)[0].html.count("Fjern") == 0  # someone else's button
    assert followed(database, MEMBER) == [("all", ""), ("keyword", "meget langt")]
    [after] = answer_callback(ctx, datas[1], MEMBER)
    assert after.edit and "meget langt er fjernet." in plain_text(after.html)
    assert [b.label for row in after.buttons for b in row] == ["Fjern: alt nyt"]
    assert "ingen abonnementer" in plain_text(answer_callback(ctx, datas[0], MEMBER)[0].html)
    assert followed(database, MEMBER) == []


# --- through Telegram, with the real bot ---

USER = 7070


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeTelegram, str]]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('subscriptions')) / 'kkrbot.sqlite3'}"
    storage.open_database(url).dispose()
    with FakeTelegram() as server:
        server.add_user(USER, "Sofie")
        with running_bot(server, DATABASE_URL=url, KKRBOT_TODAY="2022-03-20"):
            yield server, url


def test_subscribe_list_and_remove_through_telegram(telegram: tuple[FakeTelegram, str]) -> None:
    server, url = telegram
    assert "abonner" in [c["command"] for c in server.commands()]
    reply = server.ask(USER, "/abonner sundhedsaftale", timeout=30)
    assert "nye punkter om sundhedsaftale" in reply.plain_text

    listing = server.ask(USER, "/abonnementer", timeout=30)
    assert "• sundhedsaftale" in listing.plain_text
    server.press_button(USER, listing.message_id, "Fjern: sundhedsaftale")
    edit = server.wait_for(
        lambda: next((e for e in server.edits(USER) if e.message_id == listing.message_id), None),
        timeout=30,
    )
    assert "sundhedsaftale er fjernet." in (edit.plain_text or "")
    assert "Du har ingen abonnementer" in (edit.plain_text or "")
    db = storage.open_database(url)
    try:
        with db.session() as session:
            assert session.scalars(select(Subscription)).all() == []
    finally:
        db.dispose()
    assert server.errors() == []


def test_a_new_agenda_reaches_a_subscriber_and_its_button_opens_it(
    telegram: tuple[FakeTelegram, str], parsed_pdfs: Parsed
) -> None:
    server, url = telegram
    server.add_user(USER + 1, "Søren")
    assert "alt nyt" in server.ask(USER + 1, "/abonner", timeout=30).plain_text
    parsed, digest = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    db = storage.open_database(url)
    try:
        with db.session() as session:
            store_document(session, parsed, sha256=digest)
    finally:
        db.dispose()

    notice = server.wait_for(
        lambda: next((m for m in server.sent_messages(USER + 1) if "Ny dagsorden" in m.plain_text), None),
        timeout=60,
    )
    assert "15 punkter" in notice.plain_text and "Comwell Klostergaarden" in notice.plain_text
    server.press_button(USER + 1, notice.message_id, "Åbn dagsordenen")
    server.wait_for_replies(USER + 1, notice.message_id, 1, timeout=30)
    assert "Sundhedsklynger" in server.replies_after(USER + 1, notice.message_id)[0].plain_text


def test_alt_means_everything(database: storage.Database) -> None:
    ctx = ctx_for(database)
    answer(ctx, "/abonner klima", MEMBER)
    answer(ctx, "/abonner alt", MEMBER)
    assert followed(database, MEMBER) == [("all", ""), ("keyword", "klima")]
    [reply] = answer(ctx, "/afmeld klima", MEMBER)
    assert "klima er fjernet." in plain_text(reply.html) and "• Alt nyt" in plain_text(reply.html)
    assert "ikke længere på noget" in text_of(answer(ctx, "/afmeld alt", MEMBER))
    assert followed(database, MEMBER) == []


# --- keywords inside compounds, the way search finds them ---


def test_a_keyword_hears_of_the_compounds_it_ends(database: storage.Database, parsed_pdfs: Parsed) -> None:
    follow(database, MEMBER, "aftale")
    parsed, digest = parsed_pdfs["kkr-dagsorden-2022-03-23"]
    with database.session() as session:
        store_document(session, parsed, sha256=digest)
    fan_out(database, now=dt.datetime(2022, 3, 16, 9, 0))
    with database.session() as session:
        [notice] = session.scalars(select(Notification))
    # 3.2 "Sundhedsprofil og sundhedsaftaler" says "sundhedsaftale…" only, never "aftale" on its own
    assert f"{MARK} <b>3.2</b> Sundhedsprofil og sundhedsaftaler <i>(«aftale»)</i>" in notice.text


@pytest.mark.parametrize(
    "keyword", ["aftale", "udvalg", "samarbejdsudvalget", "klynger", "kl", "it", "aftale kl"]
)
def test_a_keyword_matches_the_items_search_finds(
    database: storage.Database, parsed_pdfs: Parsed, keyword: str
) -> None:
    for name in ("kkr-dagsorden-2022-03-23", "kdnet-referat-2021-08-20"):
        parsed, digest = parsed_pdfs[name]
        with database.session() as session:
            store_document(session, parsed, sha256=digest)
    with database.session() as session:
        items = session.scalars(select(AgendaItem).where(AgendaItem.is_current)).all()
        heard = {item.id for item in items if keyword_matches(keyword, [item.title, item_body(item)])}
        found = {hit.item_id for hit in search(session, keyword, limit=1000) if hit.kind == "item"}
    assert heard and heard == found
