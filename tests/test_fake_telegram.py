"""The fake Bot API server answers python-telegram-bot 22 like Telegram does, so bot tests can trust it."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import json
import threading
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    ChatMemberBanned,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from fake_bot_api import NO_LIMITS, FakeTelegram, RateLimits

MEMBER = 4242
OTHER_MEMBER = 4343
ENTITIES = "Bad Request: can't parse entities: "


class ManualClock:
    """A clock the rate-limit tests move by hand, so they need no sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns unless RetryAfter.retry_after is a timedelta, which it becomes in PTB 23."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(limits=NO_LIMITS) as server:
        server.add_user(MEMBER, "Mette", username="mette_kkr")
        server.add_user(OTHER_MEMBER, "Søren")
        yield server


def client(server: FakeTelegram, token: str | None = None) -> Bot:
    return Bot(token or server.token, base_url=server.base_url, base_file_url=server.base_file_url)


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with client(telegram) as bot:
        yield bot


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def echo_reply(update: Update) -> str:
    return f"Du skrev: <i>{html.escape(update.effective_message.text)}</i>"


# ----------------------------------------------------------------------------- identity and tokens


async def test_get_me_answers_the_bot_of_the_token(telegram: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == telegram.bot_id == int(telegram.token.split(":")[0])
    assert me.is_bot and me.username == "kkr_test_bot"


async def test_an_unknown_token_is_unauthorized_and_a_malformed_one_not_found(telegram: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        await client(telegram, "123456:" + "A" * 35).get_me()
    with pytest.raises(InvalidToken):
        await client(telegram, "not-a-token").get_me()
    raw = httpx.post(f"{telegram.api_url}/bot123456:{'B' * 35}/getMe")
    assert raw.status_code == 401
    assert raw.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert [error.error_code for error in telegram.errors()] == [401, 401]


async def test_an_unknown_method_is_not_found(telegram: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": MEMBER})
    raw = httpx.post(f"{telegram.base_url}{telegram.token}/sendHologram")
    assert raw.status_code == 404
    assert raw.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


# ----------------------------------------------------------------------------- sending messages


async def test_send_message_with_html_keyboard_reply_and_no_preview(telegram: FakeTelegram, bot: Bot) -> None:
    question = telegram.push_message(MEMBER, "/naestemoede")
    sent = await bot.send_message(
        MEMBER,
        '<b>Næste møde</b> &amp; <i>dagsorden</i>\n<a href="https://www.kl.dk/x.pdf">PDF</a>',
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(
            InlineKeyboardButton("Punkt 1.1", callback_data="punkt:2022-03-23:1.1"),
            InlineKeyboardButton("Åbn PDF", url="https://www.kl.dk/x.pdf"),
        ),
        reply_parameters=ReplyParameters(question["message_id"]),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert sent.text == "Næste møde & dagsorden\nPDF"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 10),
        ("italic", 13, 9),
        ("text_link", 23, 3),
    ]
    assert sent.reply_to_message.message_id == question["message_id"]
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "punkt:2022-03-23:1.1"
    assert sent.chat.id == MEMBER and sent.from_user.id == telegram.bot_id

    [recorded] = telegram.sent_messages(MEMBER)
    assert recorded.message_id == sent.message_id == question["message_id"] + 1
    assert recorded.parse_mode == "HTML" and recorded.text.startswith("<b>Næste møde</b>")
    assert recorded.plain_text == sent.text
    assert recorded.link_preview_disabled and recorded.reply_to_message_id == question["message_id"]
    assert recorded.button("Punkt 1.1").callback_data == "punkt:2022-03-23:1.1"
    assert recorded.button("PDF").url == "https://www.kl.dk/x.pdf"
    assert telegram.message(MEMBER, sent.message_id)["text"] == sent.text


async def test_plain_text_is_trimmed_and_cleaned_like_telegram(telegram: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(MEMBER, "\n  Hej\r\nmed\ttab  \n\n")
    assert sent.text == "Hej\nmed tab"


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("<b>x", ENTITIES + 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", ENTITIES + 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", ENTITIES + 'Unsupported start tag "div" at byte offset 0'),
        (
            "<b>x<i>y</b></i>",
            ENTITIES + 'Unmatched end tag at byte offset 8, expected "</i>", found "</b>"',
        ),
        ("x</b>", ENTITIES + "Unexpected end tag at byte offset 1"),
        (
            "<span>x</span>",
            ENTITIES + 'Tag "span" must have class "tg-spoiler" at byte offset 0',
        ),
        ("<b", ENTITIES + "Unclosed start tag at byte offset 0"),
        ("Q&A", ENTITIES + "Character '&' begins no HTML entity"),
        ("", "Bad Request: message text is empty"),
        ("  \n ", "Bad Request: message text is empty"),
        ("<b> </b>", "Bad Request: message text is empty"),
    ],
)
async def test_texts_telegram_refuses(telegram: FakeTelegram, bot: Bot, text: str, description: str) -> None:
    with pytest.raises(BadRequest) as refused:
        await bot.send_message(MEMBER, text, parse_mode=ParseMode.HTML)
    [error] = telegram.errors("sendMessage")
    assert error.error_code == 400 and error.description.startswith(description)
    assert description.removeprefix("Bad Request: ").lower()[:30] in str(refused.value).lower()
    assert telegram.sent_messages() == []


async def test_html_that_telegram_accepts(bot: Bot) -> None:
    text = (
        "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>"
        '<span class="tg-spoiler">h</span><tg-spoiler>i</tg-spoiler><code>j</code>'
        '<pre><code class="language-python">k</code></pre><blockquote>l</blockquote>'
        "<blockquote expandable>m</blockquote> 1 &lt; 2 &gt; 0 &quot;x&quot; &#39;y&#x27; ø 🙂"
    )
    sent = await bot.send_message(MEMBER, text, parse_mode=ParseMode.HTML)
    assert sent.text == "abcdefghijklm 1 < 2 > 0 \"x\" 'y' ø 🙂"
    assert [entity.type for entity in sent.entities] == [
        "bold", "italic", "underline", "underline", "strikethrough", "strikethrough", "strikethrough",
        "spoiler", "spoiler", "code", "pre", "blockquote", "expandable_blockquote",
    ]  # fmt: skip
    assert sent.entities[10].language == "python"


async def test_entity_offsets_are_utf16_as_ptb_expects(bot: Bot) -> None:
    sent = await bot.send_message(MEMBER, "🙂📅 <b>Møde</b> i <i>Viborg</i> 😀", parse_mode=ParseMode.HTML)
    assert list(sent.parse_entities().values()) == ["Møde", "Viborg"]


async def test_text_length_counts_visible_characters(telegram: FakeTelegram, bot: Bot) -> None:
    longest = "<b>" + "æ" * 4000 + "</b>" + "x" * 96
    assert len((await bot.send_message(MEMBER, longest, parse_mode=ParseMode.HTML)).text) == 4096
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(MEMBER, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(MEMBER, "&amp;" * 4097, parse_mode=ParseMode.HTML)
    assert [error.description for error in telegram.errors()] == ["Bad Request: message is too long"] * 2


# ----------------------------------------------------------------------------- keyboards


async def test_callback_data_over_64_bytes_is_refused(telegram: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(
        MEMBER, "ok", reply_markup=keyboard(InlineKeyboardButton("64", callback_data="x" * 64))
    )
    for data in ("x" * 65, "æ" * 33):
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(
                MEMBER, "nej", reply_markup=keyboard(InlineKeyboardButton("b", callback_data=data))
            )
    assert [error.description for error in telegram.errors()] == ["Bad Request: BUTTON_DATA_INVALID"] * 2


async def test_buttons_without_action_or_text_are_refused(telegram: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)text buttons are unallowed"):
        await bot.send_message(MEMBER, "x", reply_markup=keyboard(InlineKeyboardButton("bare")))
    with pytest.raises(BadRequest, match="(?i)button_text_invalid"):
        await bot.send_message(
            MEMBER, "x", reply_markup=keyboard(InlineKeyboardButton(" ", callback_data="a"))
        )
    with pytest.raises(BadRequest, match="(?i)button_url_invalid"):
        await bot.send_message(
            MEMBER, "x", reply_markup=keyboard(InlineKeyboardButton("u", url="kl.dk/x.pdf"))
        )
    raw = httpx.post(
        f"{telegram.base_url}{telegram.token}/sendMessage",
        json={
            "chat_id": MEMBER,
            "text": "x",
            "reply_markup": {"inline_keyboard": [[{"callback_data": "a"}]]},
        },
    )
    assert raw.json()["description"] == (
        'Bad Request: can\'t parse inline keyboard button: Field "text" must be of type String'
    )


# ----------------------------------------------------------------------------- chats


async def test_blocked_unknown_and_deleted_chats(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.block_chat(MEMBER)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(MEMBER, "hej")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999_999, "hej")
    telegram.delete_chat(OTHER_MEMBER)
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(OTHER_MEMBER, "hej")
    assert [(e.error_code, e.chat_id) for e in telegram.errors()] == [
        (403, MEMBER),
        (400, 999_999),
        (400, OTHER_MEMBER),
    ]
    [update] = await bot.get_updates()
    assert update.my_chat_member.chat.id == MEMBER
    assert isinstance(update.my_chat_member.new_chat_member, ChatMemberBanned)

    telegram.push_message(MEMBER, "/start")  # writing to the bot again unblocks it, as in Telegram
    assert (await bot.send_message(MEMBER, "velkommen tilbage")).text == "velkommen tilbage"


# ----------------------------------------------------------------------------- flood limits


async def test_more_than_one_message_a_second_to_a_chat_gets_429() -> None:
    clock = ManualClock()
    with FakeTelegram(limits=RateLimits(chat_burst=2, retry_after=1), clock=clock) as server:
        server.add_user(MEMBER)
        async with client(server) as bot:
            await bot.send_message(MEMBER, "1")
            await bot.send_message(MEMBER, "2")  # a short burst is fine
            with pytest.raises(RetryAfter) as refused:
                await bot.send_message(MEMBER, "3")
            assert seconds(refused.value.retry_after) == 1
            clock.now += 1
            await bot.send_message(MEMBER, "3")
            with pytest.raises(RetryAfter):  # sustained, it is one a second
                await bot.send_message(MEMBER, "4")
            clock.now += 1
            await bot.send_message(MEMBER, "4")
        assert [m.text for m in server.sent_messages(MEMBER)] == ["1", "2", "3", "4"]
        assert server.rate_limited_count == 2
        assert server.errors()[0].description == "Too Many Requests: retry after 1"
        assert server.errors()[0].retry_after == 1 and server.errors()[0].chat_id == MEMBER


async def test_a_chat_stays_refused_until_retry_after_has_passed() -> None:
    clock = ManualClock()
    with FakeTelegram(limits=RateLimits(chat_burst=1, retry_after=3), clock=clock) as server:
        server.add_user(MEMBER)
        server.add_user(OTHER_MEMBER)
        async with client(server) as bot:
            await bot.send_message(MEMBER, "1")
            with pytest.raises(RetryAfter):
                await bot.send_message(MEMBER, "2")
            clock.now += 2  # a message's worth of rate has come back, but the flood wait holds
            with pytest.raises(RetryAfter) as refused:
                await bot.send_message(MEMBER, "2")
            assert seconds(refused.value.retry_after) == 1
            await bot.send_message(OTHER_MEMBER, "other chats are not held up")
            clock.now += 1
            await bot.send_message(MEMBER, "2")


async def test_more_than_30_messages_a_second_overall_gets_429() -> None:
    clock = ManualClock()
    with FakeTelegram(limits=RateLimits(chat_messages_per_second=None, retry_after=1), clock=clock) as server:
        users = list(range(1, 32))
        for user in users:
            server.add_user(user)
        async with client(server) as bot:
            for user in users[:30]:
                await bot.send_message(user, "nyt referat")
            with pytest.raises(RetryAfter):
                await bot.send_message(users[30], "nyt referat")
            clock.now += 1
            await bot.send_message(users[30], "nyt referat")
        assert server.rate_limited_count == 1 and len(server.sent_messages()) == 31


# ----------------------------------------------------------------------------- updates: long polling


async def test_long_poll_is_woken_by_a_pushed_command(telegram: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await telegram.wait_for_async(lambda: telegram.is_polling, 5)
    pushed = telegram.push_message(MEMBER, "/punkt 1.1 14. juni")
    [update] = await asyncio.wait_for(poll, 5)
    message = update.message
    assert message.text == "/punkt 1.1 14. juni" and message.message_id == pushed["message_id"]
    assert message.from_user.id == MEMBER and message.chat.type == "private"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 6)]

    assert [u.update_id for u in await bot.get_updates()] == [update.update_id]  # not confirmed yet
    assert await bot.get_updates(offset=update.update_id + 1) == ()
    assert telegram.pending_update_count == 0


async def test_only_commands_get_command_entities(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.push_message(MEMBER, "hvornår er næste møde?")
    telegram.push_message(MEMBER, "/soeg@kkr_test_bot affald")
    first, second = await bot.get_updates()
    assert first.message.entities == ()
    assert second.message.entities[0].length == len("/soeg@kkr_test_bot")


async def test_a_newer_poll_terminates_the_waiting_one(telegram: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await telegram.wait_for_async(lambda: telegram.is_polling, 5)
    async with client(telegram) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="(?i)terminated by other getupdates request"):
        await asyncio.wait_for(first, 5)
    [conflict] = telegram.errors("getUpdates")
    assert conflict.error_code == 409


async def test_stopping_the_server_ends_a_waiting_poll(bot: Bot) -> None:
    with FakeTelegram() as server:
        async with client(server) as other:
            poll = asyncio.create_task(other.get_updates(timeout=30))
            await server.wait_for_async(lambda: server.is_polling, 5)
            await asyncio.to_thread(server.stop)
            assert await asyncio.wait_for(poll, 5) == ()


async def test_webhook_blocks_get_updates_until_deleted(telegram: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)https url must be provided"):
        await bot.set_webhook("http://127.0.0.1:9/hook")
    assert await bot.set_webhook("https://bot.example.org/hook", secret_token="s3cret")
    assert telegram.webhook is not None and telegram.webhook.secret_token == "s3cret"
    assert (await bot.get_webhook_info()).url == "https://bot.example.org/hook"
    with pytest.raises(Conflict, match="(?i)webhook is active"):
        await bot.get_updates()
    telegram.push_message(MEMBER, "/start")
    assert await bot.delete_webhook()
    assert len(await bot.get_updates()) == 1


# ----------------------------------------------------------------------------- buttons, edits, answers


async def test_a_button_press_arrives_as_callback_query_and_is_answered_once(
    telegram: FakeTelegram, bot: Bot
) -> None:
    sent = await bot.send_message(
        MEMBER, "Punkt 1.1", reply_markup=keyboard(InlineKeyboardButton("▶", callback_data="punkt:1.2"))
    )
    with pytest.raises(ValueError, match="no button"):
        telegram.push_callback(MEMBER, sent.message_id, "punkt:9.9")
    query_id = telegram.press_button(MEMBER, sent.message_id, "▶")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query.id == query_id and query.data == "punkt:1.2" and query.from_user.id == MEMBER
    assert query.message.message_id == sent.message_id and query.message.text == "Punkt 1.1"

    assert await query.answer("Åbner punkt 1.2")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await query.answer()
    [answer] = telegram.answered_callbacks()
    assert answer.callback_query_id == query_id and answer.text == "Åbner punkt 1.2"


async def test_edit_message_text_and_not_modified(telegram: FakeTelegram, bot: Bot) -> None:
    markup = keyboard(InlineKeyboardButton("◀", callback_data="punkt:1.1"))
    sent = await bot.send_message(MEMBER, "<b>1.1</b>", parse_mode=ParseMode.HTML, reply_markup=markup)
    edited = await bot.edit_message_text(
        "<b>1.2</b> Affald", MEMBER, sent.message_id, parse_mode=ParseMode.HTML, reply_markup=markup
    )
    assert edited.text == "1.2 Affald" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>1.2</b> Affald", MEMBER, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    await bot.edit_message_text(
        "<b>1.2</b> Affald", MEMBER, sent.message_id, parse_mode="HTML"
    )  # drops keyboard
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", MEMBER, 999)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.edit_message_text("<b>x", MEMBER, sent.message_id, parse_mode="HTML")
    first, second = telegram.edits(MEMBER)
    assert first.plain_text == "1.2 Affald" and first.button("◀").callback_data == "punkt:1.1"
    assert second.reply_markup is None and "reply_markup" not in telegram.message(MEMBER, sent.message_id)
    assert [m.plain_text for m in telegram.sent_messages(MEMBER)] == ["1.1"]  # sends stay as sent


# ----------------------------------------------------------------------------- commands, actions, files


async def test_set_my_commands_is_recorded_and_validated(telegram: FakeTelegram, bot: Bot) -> None:
    commands = [BotCommand("naestemoede", "Næste møde"), BotCommand("punkt", "Vis et punkt, fx /punkt 1.1")]
    assert await bot.set_my_commands(commands)
    assert telegram.commands() == [
        {"command": "naestemoede", "description": "Næste møde"},
        {"command": "punkt", "description": "Vis et punkt, fx /punkt 1.1"},
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["naestemoede", "punkt"]
    for bad in (BotCommand("Punkt", "x"), BotCommand("hjælp", "x"), BotCommand("ok", "")):
        with pytest.raises(BadRequest):
            await bot.set_my_commands([bad])
    assert len(telegram.commands()) == 2


async def test_chat_actions_are_recorded(telegram: FakeTelegram, bot: Bot) -> None:
    assert await bot.send_chat_action(MEMBER, "typing")
    with pytest.raises(BadRequest, match="(?i)wrong parameter action"):
        await bot.send_chat_action(MEMBER, "dancing")
    assert [(a.chat_id, a.action) for a in telegram.chat_actions()] == [(MEMBER, "typing")]


async def test_send_document_stores_the_upload(telegram: FakeTelegram, bot: Bot) -> None:
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    sent = await bot.send_document(
        MEMBER, calendar, filename="møder.ics", caption="<b>Kalender</b>", parse_mode=ParseMode.HTML
    )
    assert sent.document.file_name == "møder.ics" and sent.document.file_size == len(calendar)
    assert sent.caption == "Kalender" and sent.caption_entities[0].type == "bold"
    [document] = telegram.documents(MEMBER)
    assert document.content == calendar and document.filename == "møder.ics"
    assert document.mime_type == "text/calendar" and document.caption == "<b>Kalender</b>"
    assert telegram.sent_messages(MEMBER)[0].document == document

    again = await bot.send_document(OTHER_MEMBER, sent.document.file_id)  # resend by file_id
    assert again.document.file_name == "møder.ics"
    with pytest.raises(BadRequest, match="(?i)message caption is too long"):
        await bot.send_document(MEMBER, calendar, filename="m.ics", caption="x" * 1025)
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(MEMBER, "no-such-file-id")


async def test_get_file_and_download_a_document_the_user_sent(telegram: FakeTelegram, bot: Bot) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    telegram.push_document(MEMBER, "dagsorden kkr.pdf", pdf, caption="Ny dagsorden")
    [update] = await bot.get_updates()
    document = update.message.document
    assert document.file_name == "dagsorden kkr.pdf" and document.mime_type == "application/pdf"
    assert update.message.caption == "Ny dagsorden"
    file = await bot.get_file(document.file_id)
    assert file.file_path.startswith(f"{telegram.base_file_url}{telegram.token}/documents/")
    assert bytes(await file.download_as_bytearray()) == pdf
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        await bot.get_file("nope")
    assert httpx.get(f"{telegram.base_file_url}{telegram.token}/documents/none.pdf").status_code == 404


# ----------------------------------------------------------------------------- request encodings


def test_json_form_and_multipart_requests_are_understood(telegram: FakeTelegram) -> None:
    url = f"{telegram.base_url}{telegram.token}"
    as_json = httpx.post(f"{url}/sendMessage", json={"chat_id": MEMBER, "text": "json", "parse_mode": "HTML"})
    as_form = httpx.post(f"{url}/sendMessage", data={"chat_id": str(MEMBER), "text": "form"})
    as_query = httpx.get(f"{url}/sendMessage", params={"chat_id": MEMBER, "text": "query"})
    as_multipart = httpx.post(
        f"{url}/sendDocument",
        data={"chat_id": str(MEMBER), "caption": "multipart"},
        files={"document": ('kalender "1".ics', b"BEGIN:VCALENDAR", "text/calendar")},
    )
    assert [r.json()["result"].get("text") for r in (as_json, as_form, as_query)] == ["json", "form", "query"]
    assert as_multipart.json()["result"]["document"]["file_name"] == 'kalender "1".ics'
    assert telegram.documents()[0].content == b"BEGIN:VCALENDAR"
    empty = httpx.post(f"{url}/sendMessage", json={"chat_id": MEMBER})
    assert (empty.status_code, empty.json()) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"},
    )
    assert httpx.post(f"{url}/sendMessage", json={"text": "x"}).json()["description"] == (
        "Bad Request: chat_id is empty"
    )
    limited = FakeTelegram(limits=RateLimits(chat_burst=1, retry_after=2), clock=ManualClock())
    with limited:
        limited.add_user(MEMBER)
        base = f"{limited.base_url}{limited.token}/sendMessage"
        httpx.post(base, json={"chat_id": MEMBER, "text": "1"})
        flood = httpx.post(base, json={"chat_id": MEMBER, "text": "2"})
    assert (flood.status_code, json.loads(flood.content)) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 2",
            "parameters": {"retry_after": 2},
        },
    )


def test_a_ptb_application_polls_answers_and_stops_cleanly(telegram: FakeTelegram) -> None:
    """The end-to-end pattern: a real Application polls in another thread; the test asks and waits."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        buttons = keyboard(InlineKeyboardButton("Næste ▶", callback_data="punkt:1.2"))
        await update.effective_message.reply_html(echo_reply(update), reply_markup=buttons)

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"Punkt {update.callback_query.data.split(':')[1]}")

    stop = threading.Event()

    async def run_bot() -> None:
        application = (
            ApplicationBuilder()
            .token(telegram.token)
            .base_url(telegram.base_url)
            .base_file_url(telegram.base_file_url)
            .build()
        )
        application.add_handler(CommandHandler("dagsorden", start))
        application.add_handler(CallbackQueryHandler(press))
        async with application:
            await application.bot.set_my_commands([BotCommand("dagsorden", "Dagsordenen")])
            await application.updater.start_polling()
            await application.start()
            await asyncio.to_thread(stop.wait)
            await application.updater.stop()
            await application.stop()

    worker = threading.Thread(target=asyncio.run, args=(run_bot(),))
    worker.start()
    try:
        telegram.wait_for_polling(10)
        reply = telegram.ask(MEMBER, "/dagsorden 23. marts <ø>")
        assert reply.plain_text == "Du skrev: /dagsorden 23. marts <ø>"
        assert reply.entities == (
            {"type": "italic", "offset": 10, "length": len("/dagsorden 23. marts <ø>")},
        )
        telegram.press_button(MEMBER, reply.message_id, "Næste")
        [edit] = telegram.wait_for(lambda: telegram.edits(MEMBER), 10)
        assert edit.plain_text == "Punkt 1.2" and edit.message_id == reply.message_id
        assert len(telegram.answered_callbacks()) == 1
        with pytest.raises(AssertionError, match="timed out"):
            telegram.wait_for_messages(OTHER_MEMBER, 1, timeout=0.2)
    finally:
        stop.set()
        worker.join(20)
    assert not worker.is_alive()
    assert telegram.pending_update_count == 0  # the Application confirmed what it handled
    assert telegram.commands() == [{"command": "dagsorden", "description": "Dagsordenen"}]
    assert telegram.errors() == []  # its cancelled long poll at shutdown is no error
