"""A fake Telegram Bot API server on 127.0.0.1, so end-to-end tests run the real bot over real HTTP.

It answers like api.telegram.org (same URLs, JSON shapes, error codes and descriptions) and rejects what
Telegram rejects: unparsable HTML, empty or over-long texts, bad inline keyboards, unknown or blocked
chats, floods (429 with retry_after). Tests drive the users' side (messages, button presses, documents)
and inspect what the bot sent. Usage::

    with FakeTelegram() as telegram:
        telegram.add_user(111, "Mette")
        env = telegram.env()          # TELEGRAM_TOKEN and TELEGRAM_API_URL for `kkrbot run`
        ...start the bot...
        reply = telegram.ask(111, "/naestemoede")
        assert "Dagsorden" in reply.plain_text
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import mimetypes
import re
import secrets
import select
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from fake_bot_api.telegram_html import FormattedText, HtmlParseError, format_text, utf16_length

T = TypeVar("T")

TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
UPDATE_TYPES = frozenset({"message", "callback_query", "my_chat_member"})
WEBHOOK_RETRY_SECONDS = 0.2  # Telegram waits longer between tries; tests should not
WEBHOOK_POST_TIMEOUT = 5.0
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook "
    "first"
)
POLL_TERMINATED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


@dataclass(frozen=True)
class RateLimits:
    """Telegram's flood limits as the fake enforces them; None switches a limit off.

    Overall: at most `messages_per_second` messages in any sliding second. Per private chat: a token
    bucket refilled at `chat_messages_per_second` holding up to `chat_burst` messages (Telegram allows
    short bursts, not a sustained rate above one a second). Per group: `group_messages_per_minute` in any
    sliding minute. Going over answers 429 with `retry_after`, and the chat (or, for the overall limit,
    every chat) stays refused until that time has passed, as with Telegram's flood wait.
    """

    messages_per_second: int | None = 30
    chat_messages_per_second: float | None = 1.0
    chat_burst: int = 5
    group_messages_per_minute: int | None = 20
    retry_after: int = 1


NO_LIMITS = RateLimits(
    messages_per_second=None, chat_messages_per_second=None, group_messages_per_minute=None
)


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the bot sent it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SentDocument:
    """A file the bot sent with sendDocument."""

    chat_id: int
    message_id: int
    filename: str
    content: bytes
    mime_type: str
    file_id: str
    caption: str


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent (sendMessage or sendDocument), as sent: edits are recorded separately.

    `text` is the raw text (or document caption) as the bot sent it, HTML tags included; `plain_text` is
    what the user sees after Telegram parsed and trimmed it.
    """

    chat_id: int
    message_id: int
    method: str
    text: str
    parse_mode: str | None
    plain_text: str
    entities: tuple[dict, ...]
    reply_markup: dict | None
    reply_to_message_id: int | None
    link_preview_disabled: bool
    document: SentDocument | None
    params: dict[str, Any]

    @property
    def buttons(self) -> list[list[Button]]:
        """The inline keyboard, row by row (empty without one)."""
        return _buttons_of(self.reply_markup)

    def button(self, text: str) -> Button:
        """The inline button whose label is `text` (or contains it); KeyError lists the labels otherwise."""
        return _find_button(self.buttons, text)


@dataclass(frozen=True)
class Edit:
    """An accepted editMessageText / editMessageReplyMarkup call."""

    chat_id: int
    message_id: int
    method: str
    text: str | None
    parse_mode: str | None
    plain_text: str | None
    reply_markup: dict | None

    @property
    def buttons(self) -> list[list[Button]]:
        return _buttons_of(self.reply_markup)

    def button(self, text: str) -> Button:
        return _find_button(self.buttons, text)


@dataclass(frozen=True)
class CallbackAnswer:
    """An accepted answerCallbackQuery call."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class ChatAction:
    chat_id: int
    action: str


@dataclass(frozen=True)
class ApiCall:
    """Every request that reached a Bot API method, accepted or not."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass(frozen=True)
class RejectedCall:
    """A request answered with an error, and why."""

    method: str
    error_code: int
    description: str
    chat_id: int | None
    params: dict[str, Any]
    retry_after: int | None = None


@dataclass(frozen=True)
class WebhookInfo:
    url: str
    secret_token: str | None
    allowed_updates: tuple[str, ...] | None
    max_connections: int


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to POST an update to the bot's webhook; `status` None: no HTTP answer at all."""

    update_id: int
    url: str
    status: int | None
    error: str | None


@dataclass(frozen=True)
class _Fault:
    """A failure injected with fail_next / drop_next (status 0 with drop: no answer at all)."""

    error_code: int
    description: str
    retry_after: int | None
    drop: bool


@dataclass(frozen=True)
class _Upload:
    filename: str
    content_type: str
    content: bytes


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    mime_type: str
    content: bytes


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    user: dict | None = None
    blocked: bool = False
    next_message_id: int = 1
    messages: dict[int, dict] = field(default_factory=dict)
    bot_message_ids: set[int] = field(default_factory=set)
    tokens: float | None = None
    refilled_at: float = 0.0
    refused_until: float = 0.0
    group_sends: deque[float] = field(default_factory=deque)

    def json(self) -> dict:
        if self.type == "private":
            assert self.user is not None
            shown = {
                key: self.user[key] for key in ("first_name", "last_name", "username") if key in self.user
            }
            return {"id": self.id, "type": "private", **shown}
        return {"id": self.id, "type": self.type, "title": self.title or ""}


class ApiError(Exception):
    """A Bot API error answer: HTTP status = error_code, Telegram's description."""

    def __init__(
        self, error_code: int, description: str, retry_after: int | None = None, *, recorded: bool = True
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.recorded = recorded


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def _buttons_of(reply_markup: dict | None) -> list[list[Button]]:
    rows = (reply_markup or {}).get("inline_keyboard") or []
    return [
        [Button(button["text"], button.get("callback_data"), button.get("url")) for button in row]
        for row in rows
    ]


def _find_button(rows: list[list[Button]], text: str) -> Button:
    buttons = [button for row in rows for button in row]
    for button in buttons:
        if button.text == text:
            return button
    for button in buttons:
        if text in button.text:
            return button
    raise KeyError(f"no button {text!r}; the buttons are {[button.text for button in buttons]}")


class _Params:
    """A request's parameters from the query string, JSON, form or multipart body, with Telegram's typing."""

    def __init__(self, values: dict[str, Any], files: dict[str, _Upload]) -> None:
        self.values = values
        self.files = files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int | float):
            return int(value)
        try:
            return int(float(str(value).strip()))
        except ValueError as error:
            raise _bad_request(f'field "{name}" must be a valid Number') from error

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def structured(self, name: str, error: str) -> Any:
        """A JSON-serialized field (reply_markup, commands...): native in JSON bodies, a string otherwise."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError as exc:
            raise _bad_request(error) from exc

    def summary(self) -> dict[str, Any]:
        """The parameters for records: values plus uploaded files as {filename, size}."""
        files = {name: {"filename": up.filename, "size": len(up.content)} for name, up in self.files.items()}
        return {**self.values, **files}


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, _Upload]]:
    """Split multipart/form-data into fields and files (httpx escapes quotes in names as %22)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise _bad_request("can't parse multipart/form-data request: boundary not found")
    delimiter = b"--" + match.group(1).encode("latin-1")
    values: dict[str, Any] = {}
    files: dict[str, _Upload] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n")
        head, _, content = part.partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        params = {
            key.lower(): value.strip('"')
            for key, value in re.findall(r';\s*([\w*]+)=("(?:[^"\\]|\\.)*"|[^;]*)', disposition)
        }
        field_name = _html5_unescape(params.get("name", ""))
        if "filename*" in params:
            _, _, encoded = params["filename*"].partition("''")
            filename: str | None = unquote(encoded)
        elif "filename" in params:
            filename = _html5_unescape(params["filename"])
        else:
            filename = None
        if filename is None:
            values[field_name] = content.decode("utf-8", "replace")
        else:
            files[field_name] = _Upload(
                filename, headers.get("content-type", "application/octet-stream"), content
            )
    return values, files


def _html5_unescape(value: str) -> str:
    return value.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n").replace('\\"', '"')


def _client_gone(connection: socket.socket | None) -> bool:
    """True when the HTTP client closed its connection (e.g. a cancelled long poll)."""
    if connection is None:
        return False
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


class FakeTelegram:
    """The fake Bot API server and the test-side controls (thread-safe). Start it with `with` or start()."""

    def __init__(
        self,
        token: str | None = None,
        *,
        bot_username: str = "kkr_test_bot",
        bot_name: str = "KKR Testbot",
        limits: RateLimits = RateLimits(),  # noqa: B008 - frozen dataclass, shared safely
        strict_ampersand: bool = True,
        terminate_concurrent_polls: bool = True,
        webhook_requires_https: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token or f"{secrets.randbelow(9 * 10**9) + 10**9}:{secrets.token_urlsafe(26)[:35]}"
        if not TOKEN_PATTERN.fullmatch(self.token):
            raise ValueError(f"not a Telegram bot token: {self.token!r}")
        self.bot_id = int(self.token.split(":", 1)[0])
        self.bot_user = {"id": self.bot_id, "is_bot": True, "first_name": bot_name, "username": bot_username}
        self.limits = limits
        self.strict_ampersand = strict_ampersand
        self.terminate_concurrent_polls = terminate_concurrent_polls
        self.webhook_requires_https = webhook_requires_https
        self._clock = clock
        self._cond = threading.Condition(threading.RLock())
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, dict] = {}
        self._updates: list[dict] = []
        self._next_update_id = 10_001
        self._allowed_updates: frozenset[str] = UPDATE_TYPES
        self._poll_generation = 0
        self._waiting_polls = 0
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._callbacks: dict[str, dict] = {}
        self._callback_counter = itertools.count(1)
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._webhook: WebhookInfo | None = None
        self._deliveries: list[WebhookDelivery] = []
        self._webhook_error: tuple[int, str] | None = None  # (unix time, message), for getWebhookInfo
        self._webhook_thread: threading.Thread | None = None
        self._global_sends: deque[float] = deque()
        self._globally_refused_until = 0.0
        self._sent: list[SentMessage] = []
        self._edits: list[Edit] = []
        self._answers: list[CallbackAnswer] = []
        self._actions: list[ChatAction] = []
        self._calls: list[ApiCall] = []
        self._errors: list[RejectedCall] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._closing = False
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[_Params], Any]] = {
            name.removeprefix("_api_").lower(): getattr(self, name)
            for name in dir(self)
            if name.startswith("_api_")
        }

    # ----------------------------------------------------------------- lifecycle and addresses

    def start(self) -> FakeTelegram:
        """Listen on 127.0.0.1 on a free port and serve in a background thread."""
        if self._httpd is not None:
            return self
        self._closing = False
        self._httpd = _HttpServer(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-telegram",
            daemon=True,
        )
        self._thread.start()
        self._webhook_thread = threading.Thread(
            target=self._deliver_updates, name="fake-webhook", daemon=True
        )
        self._webhook_thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end waiting long polls and close open connections."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if self._webhook_thread is not None:
            self._webhook_thread.join(timeout=WEBHOOK_POST_TIMEOUT + 1)
        self._httpd = None
        self._thread = None
        self._webhook_thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fake Telegram server is not running; call start() or use `with`")
        return self._httpd.server_address[1]

    @property
    def api_url(self) -> str:
        """What the bot gets as TELEGRAM_API_URL: methods at {api_url}/bot{token}/{method}."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For telegram.Bot(base_url=...) / ApplicationBuilder().base_url(...): PTB appends the token."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """For telegram.Bot(base_file_url=...) / ApplicationBuilder().base_file_url(...)."""
        return f"{self.api_url}/file/bot"

    def env(self) -> dict[str, str]:
        """TELEGRAM_TOKEN and TELEGRAM_API_URL for a `kkrbot run` subprocess."""
        return {"TELEGRAM_TOKEN": self.token, "TELEGRAM_API_URL": self.api_url}

    # ----------------------------------------------------------------- chats and users (test side)

    def add_user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "da",
    ) -> dict:
        """Register a user and their private chat with the bot (chat id = user id); returns the User."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        with self._cond:
            self._users[user_id] = user
            chat = self._chats.get(user_id)
            if chat is None:
                self._chats[user_id] = _Chat(user_id, "private", user=user)
            else:
                chat.user = user
            self._cond.notify_all()
        return dict(user)

    def add_group(self, chat_id: int, title: str, *, supergroup: bool = False) -> None:
        """Register a group (negative id) the bot is a member of."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        with self._cond:
            self._chats[chat_id] = _Chat(chat_id, "supergroup" if supergroup else "group", title=title)

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot (or the group removes it): sends then answer 403, and the bot gets a
        my_chat_member update as from Telegram."""
        with self._cond:
            chat = self._chat_for_test(chat_id)
            if chat.blocked:
                return
            chat.blocked = True
            self._push_member_update(chat, "member", "kicked")

    def unblock_chat(self, chat_id: int) -> None:
        """The user restarts the bot; pushing a message from a blocked user does this too, as in Telegram."""
        with self._cond:
            chat = self._chat_for_test(chat_id)
            if chat.blocked:
                chat.blocked = False
                self._push_member_update(chat, "kicked", "member")

    def delete_chat(self, chat_id: int) -> None:
        """Forget a chat (a deleted account): sends to it then answer 400 "chat not found"."""
        with self._cond:
            self._chats.pop(chat_id, None)
            self._users.pop(chat_id, None)

    # ----------------------------------------------------------------- what users do (test side)

    def push_message(
        self, user_id: int, text: str, *, chat_id: int | None = None, reply_to_message_id: int | None = None
    ) -> dict:
        """The user writes `text` (commands get bot_command entities as in Telegram); returns the Message."""
        with self._cond:
            chat, user = self._sender(user_id, chat_id)
            message = self._user_message(chat, user, reply_to_message_id)
            message["text"] = text
            entities = _command_entities(text)
            if entities:
                message["entities"] = entities
            self._push_update({"message": message})
            return message

    def push_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        chat_id: int | None = None,
    ) -> dict:
        """The user sends a file; the bot can fetch it with getFile and download it. Returns the Message."""
        with self._cond:
            chat, user = self._sender(user_id, chat_id)
            message = self._user_message(chat, user, None)
            stored = self._store_file(filename, content, mime_type)
            message["document"] = {
                "file_name": filename,
                "mime_type": stored.mime_type,
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(content),
            }
            if caption:
                message["caption"] = caption
            self._push_update({"message": message})
            return message

    def push_callback(self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None) -> str:
        """The user presses the inline button carrying `data` under the bot's message; returns the query id.

        Like a real client, only a button that is on the message now can be pressed (ValueError otherwise).
        """
        with self._cond:
            chat, user = self._sender(user_id, chat_id)
            message = chat.messages.get(message_id)
            if message is None or message_id not in chat.bot_message_ids:
                raise ValueError(f"no message {message_id} from the bot in chat {chat.id}")
            datas = [
                button.callback_data for row in _buttons_of(message.get("reply_markup")) for button in row
            ]
            if data not in datas:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {data!r}; it has {datas}"
                )
            query_id = str(4_000_000_000_000_000 + next(self._callback_counter))
            query = {
                "id": query_id,
                "from": user,
                "message": copy.deepcopy(message),
                "chat_instance": str(-(abs(chat.id) * 7919 % 10**18) - 1),
                "data": data,
            }
            self._callbacks[query_id] = {"answered": False, "chat_id": chat.id, "user_id": user["id"]}
            self._push_update({"callback_query": query})
            return query_id

    def press_button(self, user_id: int, message_id: int, label: str, *, chat_id: int | None = None) -> str:
        """Press the button labelled `label` (exact, else contained) on the bot's message, as it is now."""
        with self._cond:
            chat_key = user_id if chat_id is None else chat_id
            message = self.message(chat_key, message_id)
            button = _find_button(_buttons_of(message.get("reply_markup")), label)
            if button.callback_data is None:
                raise ValueError(f"button {button.text!r} opens a URL ({button.url}); it sends no callback")
            return self.push_callback(user_id, message_id, button.callback_data, chat_id=chat_id)

    # ----------------------------------------------------------------- injected failures (test side)

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
    ) -> None:
        """The next `count` calls of `method` fail with this answer before any other check (5xx, 429...).

        With `retry_after` the answer is a 429 flood wait: like Telegram, the server then refuses every
        send for that many seconds, so a client that does not wait collects more 429s.
        """
        if retry_after is not None:
            error_code, description = 429, f"Too Many Requests: retry after {retry_after}"
        fault = _Fault(error_code, description, retry_after, drop=False)
        with self._cond:
            self._faults.setdefault(method.lower(), deque()).extend([fault] * count)

    def drop_next(self, method: str, count: int = 1) -> None:
        """The next `count` calls of `method` get no answer: the connection is closed (a network error)."""
        with self._cond:
            self._faults.setdefault(method.lower(), deque()).extend([_Fault(0, "", None, drop=True)] * count)

    # ----------------------------------------------------------------- what the bot did (test side)

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent (text and documents) in order, for one chat or all."""
        with self._cond:
            return [sent for sent in self._sent if chat_id is None or sent.chat_id == chat_id]

    def documents(self, chat_id: int | None = None) -> list[SentDocument]:
        with self._cond:
            return [sent.document for sent in self.sent_messages(chat_id) if sent.document is not None]

    def edits(self, chat_id: int | None = None) -> list[Edit]:
        with self._cond:
            return [edit for edit in self._edits if chat_id is None or edit.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict:
        """A message as it is now (after edits), in Bot API JSON."""
        with self._cond:
            chat = self._chat_for_test(chat_id)
            if message_id not in chat.messages:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            return copy.deepcopy(chat.messages[message_id])

    def commands(self, scope: str = "default", language_code: str = "") -> list[dict]:
        """The command list last set with setMyCommands for a scope type and language."""
        with self._cond:
            return [dict(command) for command in self._commands.get((scope, language_code), [])]

    def answered_callbacks(self) -> list[CallbackAnswer]:
        with self._cond:
            return list(self._answers)

    def chat_actions(self, chat_id: int | None = None) -> list[ChatAction]:
        with self._cond:
            return [action for action in self._actions if chat_id is None or action.chat_id == chat_id]

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every API request that named a method, in order (method names as the client wrote them)."""
        with self._cond:
            return [call for call in self._calls if method is None or call.method.lower() == method.lower()]

    def errors(self, method: str | None = None) -> list[RejectedCall]:
        """Every rejected request with Telegram's description; polls ended by a newer poll are left out
        when their client had already gone (PTB cancels its long poll at shutdown)."""
        with self._cond:
            return [
                error for error in self._errors if method is None or error.method.lower() == method.lower()
            ]

    @property
    def rate_limited_count(self) -> int:
        """How many requests were answered 429 Too Many Requests."""
        with self._cond:
            return sum(1 for error in self._errors if error.error_code == 429)

    @property
    def webhook(self) -> WebhookInfo | None:
        with self._cond:
            return self._webhook

    @property
    def is_polling(self) -> bool:
        """True while a getUpdates long poll is waiting for updates."""
        with self._cond:
            return self._waiting_polls > 0

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed by the bot (getUpdates with a higher offset)."""
        with self._cond:
            return len(self._updates)

    # ----------------------------------------------------------------- waiting without sleeps (test side)

    def wait_for(
        self, predicate: Callable[[], T | None], timeout: float = 10.0, what: str | None = None
    ) -> T:
        """Wait until `predicate()` is truthy (re-checked on every change) and return its value.

        Raises AssertionError after `timeout` seconds, showing what the bot sent and what was rejected.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout} s waiting for {what or predicate}\n{self.report()}"
                    )
                self._cond.wait(remaining)

    async def wait_for_async(
        self, predicate: Callable[[], T | None], timeout: float = 10.0, what: str | None = None
    ) -> T:
        """wait_for from async tests, without blocking the event loop the bot under test may run on."""
        return await asyncio.to_thread(self.wait_for, predicate, timeout, what)

    def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[SentMessage]:
        """Wait until the bot has sent at least `count` messages to the chat; returns them all."""
        return self.wait_for(
            lambda: sent if len(sent := self.sent_messages(chat_id)) >= count else None,
            timeout,
            f"{count} message(s) to chat {chat_id}",
        )

    def replies_after(self, chat_id: int, message_id: int) -> list[SentMessage]:
        """The bot's messages in the chat sent after message `message_id` (ids grow within a chat)."""
        return [sent for sent in self.sent_messages(chat_id) if sent.message_id > message_id]

    def wait_for_replies(
        self, chat_id: int, after_message_id: int, count: int = 1, timeout: float = 10.0
    ) -> list[SentMessage]:
        return self.wait_for(
            lambda: got if len(got := self.replies_after(chat_id, after_message_id)) >= count else None,
            timeout,
            f"{count} repl(y/ies) in chat {chat_id} after message {after_message_id}",
        )

    def ask(self, user_id: int, text: str, timeout: float = 10.0) -> SentMessage:
        """The user writes `text` in their private chat; returns the bot's first reply to it."""
        pushed = self.push_message(user_id, text)
        return self.wait_for_replies(user_id, pushed["message_id"], 1, timeout)[0]

    def wait_for_call(self, method: str, timeout: float = 10.0) -> ApiCall:
        """Wait until the bot has called `method` (e.g. "getUpdates": it polls); returns the first call."""
        return self.wait_for(lambda: next(iter(self.calls(method)), None), timeout, f"a {method} call")

    def wait_for_webhook(self, timeout: float = 10.0) -> WebhookInfo:
        """Wait until the bot has set a webhook (it has started in webhook mode); returns it."""
        return self.wait_for(lambda: self._webhook, timeout, "the bot to set a webhook")

    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every POST of an update to the webhook so far, failed ones included."""
        with self._cond:
            return list(self._deliveries)

    def wait_for_polling(self, timeout: float = 10.0) -> None:
        """Wait until the bot holds a long poll open (it has started and waits for updates)."""
        self.wait_for(lambda: self._waiting_polls > 0, timeout, "the bot to long-poll getUpdates")

    def wait_until_confirmed(self, timeout: float = 10.0) -> None:
        """Wait until the bot has confirmed every update pushed so far (it fetched them and polled again)."""
        self.wait_for(lambda: not self._updates, timeout, "the bot to confirm all updates")

    def report(self) -> str:
        """A readable summary of recent traffic, for failing tests."""
        with self._cond:
            lines = ["last messages from the bot:"]
            lines += [f"  chat {s.chat_id} #{s.message_id}: {s.plain_text[:200]!r}" for s in self._sent[-8:]]
            lines.append("last rejected calls:")
            lines += [f"  {e.method} -> {e.error_code} {e.description}" for e in self._errors[-8:]]
            lines.append(f"pending updates: {len(self._updates)}; calls: {len(self._calls)}")
            return "\n".join(lines)

    # ----------------------------------------------------------------- internals: state

    def _chat_for_test(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}; add_user/add_group first")
        return chat

    def _sender(self, user_id: int, chat_id: int | None) -> tuple[_Chat, dict]:
        if user_id not in self._users:
            self.add_user(user_id)
        user = self._users[user_id]
        if chat_id is None or chat_id == user_id:
            chat = self._chats.get(user_id)
            if chat is None:
                chat = self._chats[user_id] = _Chat(user_id, "private", user=user)
        else:
            chat = self._chat_for_test(chat_id)
        if chat.blocked and chat.type == "private":
            chat.blocked = False
            self._push_member_update(chat, "kicked", "member")
        return chat, dict(user)

    def _user_message(self, chat: _Chat, user: dict, reply_to_message_id: int | None) -> dict:
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat),
            "from": user,
            "chat": chat.json(),
            "date": int(time.time()),
        }
        if reply_to_message_id is not None:
            message["reply_to_message"] = copy.deepcopy(chat.messages[reply_to_message_id])
        chat.messages[message["message_id"]] = message
        return message

    def _new_message_id(self, chat: _Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _push_update(self, content: dict) -> None:
        kind = next(iter(content))
        if kind in self._allowed_updates:
            self._updates.append({"update_id": self._next_update_id, **content})
            self._next_update_id += 1
        self._cond.notify_all()

    def _push_member_update(self, chat: _Chat, old: str, new: str) -> None:
        user = chat.user or {"id": chat.id, "is_bot": False, "first_name": "?"}
        bot = dict(self.bot_user)
        old_member: dict[str, Any] = {"status": old, "user": bot}
        new_member: dict[str, Any] = {"status": new, "user": bot}
        for member in (old_member, new_member):
            if member["status"] == "kicked":
                member["until_date"] = 0
        self._push_update(
            {
                "my_chat_member": {
                    "chat": chat.json(),
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": old_member,
                    "new_chat_member": new_member,
                }
            }
        )

    def _store_file(self, filename: str, content: bytes, mime_type: str | None = None) -> _StoredFile:
        number = next(self._file_counter)
        suffix = re.sub(r"[^A-Za-z0-9.]", "", "." + filename.rsplit(".", 1)[-1]) if "." in filename else ""
        stored = _StoredFile(
            file_id=f"BQACAgQAAxkBAAI{number:06d}{secrets.token_hex(8)}",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"documents/file_{number}{suffix}",
            filename=filename,
            mime_type=mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
            content=content,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    # ----------------------------------------------------------------- internals: HTTP dispatch

    def _dispatch(
        self, path: str, headers: Any, body: bytes, connection: socket.socket | None
    ) -> tuple[int, bytes, str]:
        """Route one HTTP request; returns (status, body, content type)."""
        url = urlsplit(path)
        url_path = unquote(url.path)
        file_match = re.fullmatch(r"/file/bot([^/]+)/(.+)", url_path)
        if file_match:
            return self._download(file_match.group(1), file_match.group(2))
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z0-9_]*)/?", url_path)
        if not match or not TOKEN_PATTERN.fullmatch(match.group(1)):
            return self._answer_error(ApiError(404, "Not Found"))
        token, method = match.groups()
        params = _Params({}, {})
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            params = self._read_params(url.query, headers, body)
            handler = self._methods.get(method.lower())
            fault = self._take_fault(method)
            if fault is not None and fault.drop:
                with self._cond:
                    self._calls.append(ApiCall(method, params.summary(), 0, time.time()))
                    self._cond.notify_all()
                return 0, b"", ""
            if fault is not None:
                if fault.retry_after is not None:
                    with self._cond:
                        self._globally_refused_until = self._clock() + fault.retry_after
                raise ApiError(fault.error_code, fault.description, fault.retry_after)
            if handler is None:
                raise ApiError(404, "Not Found")
            if method.lower() == "getupdates":
                result = self._api_getUpdates(params, connection)
            else:
                with self._cond:
                    result = handler(params)
        except Exception as exc:
            error = (
                exc
                if isinstance(exc, ApiError)
                else ApiError(500, f"Internal Server Error: fake server bug: {exc!r}")
            )
            chat_id = _chat_id_of(params)
            with self._cond:
                self._calls.append(ApiCall(method, params.summary(), error.error_code, time.time()))
                if error.recorded:
                    self._errors.append(
                        RejectedCall(
                            method,
                            error.error_code,
                            error.description,
                            chat_id,
                            params.summary(),
                            error.retry_after,
                        )
                    )
                self._cond.notify_all()
            return self._answer_error(error)
        with self._cond:
            self._calls.append(ApiCall(method, params.summary(), 200, time.time()))
            self._cond.notify_all()
        return 200, _json_bytes({"ok": True, "result": result}), "application/json"

    def _take_fault(self, method: str) -> _Fault | None:
        with self._cond:
            faults = self._faults.get(method.lower())
            return faults.popleft() if faults else None

    def _answer_error(self, error: ApiError) -> tuple[int, bytes, str]:
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": error.error_code,
            "description": error.description,
        }
        if error.retry_after is not None:
            payload["parameters"] = {"retry_after": error.retry_after}
        return error.error_code, _json_bytes(payload), "application/json"

    def _read_params(self, query: str, headers: Any, body: bytes) -> _Params:
        values: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        files: dict[str, _Upload] = {}
        content_type = (headers.get("Content-Type") or "").strip()
        kind = content_type.split(";", 1)[0].strip().lower()
        if body:
            if kind == "application/json":
                try:
                    data = json.loads(body.decode("utf-8"))
                except ValueError as error:
                    raise _bad_request("can't parse JSON encoded request") from error
                if not isinstance(data, dict):
                    raise _bad_request("JSON request body must be an Object")
                values.update(data)
            elif kind == "multipart/form-data":
                fields, files = _parse_multipart(body, content_type)
                values.update(fields)
            else:
                values.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return _Params(values, files)

    def _download(self, token: str, file_path: str) -> tuple[int, bytes, str]:
        if not TOKEN_PATTERN.fullmatch(token):
            return self._answer_error(ApiError(404, "Not Found"))
        if token != self.token:
            return self._answer_error(ApiError(401, "Unauthorized"))
        with self._cond:
            stored = self._files_by_path.get(file_path)
        if stored is None:
            return self._answer_error(ApiError(404, "Not Found"))
        return 200, stored.content, "application/octet-stream"

    # ----------------------------------------------------------------- internals: checks shared by methods

    def _target_chat(self, params: _Params) -> _Chat:
        """The chat a call addresses: 400 "chat not found" or 403 when the user blocked the bot."""
        raw = params.raw("chat_id")
        if raw is None or raw == "":
            raise _bad_request("chat_id is empty")
        try:
            chat_id = int(str(raw).strip())
        except ValueError as error:
            raise _bad_request("chat not found") from error
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _bad_request("chat not found")
        if chat.blocked:
            if chat.type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        return chat

    def _parse_mode(self, params: _Params, name: str = "parse_mode") -> str | None:
        mode = (params.text(name) or "").strip()
        if not mode:
            return None
        if mode.lower() == "html":
            return "HTML"
        if mode.lower() in ("markdown", "markdownv2"):
            raise _bad_request(f"the fake Telegram server implements parse_mode HTML only, not {mode}")
        raise _bad_request("unsupported parse_mode")

    def _formatted(self, text: str, parse_mode: str | None, limit: int, too_long: str) -> FormattedText:
        try:
            formatted = format_text(text, parse_mode, strict_ampersand=self.strict_ampersand)
        except HtmlParseError as error:
            raise _bad_request(f"can't parse entities: {error}") from error
        if len(formatted.text) > limit:
            raise _bad_request(too_long)
        return formatted

    def _message_text(self, params: _Params) -> tuple[str, str | None, FormattedText]:
        text = params.text("text")
        if text is None or text == "":
            raise _bad_request("message text is empty")
        parse_mode = self._parse_mode(params)
        formatted = self._formatted(text, parse_mode, MAX_TEXT_LENGTH, "message is too long")
        if not formatted.text:
            raise _bad_request("message text is empty")
        explicit = params.structured("entities", "can't parse entities JSON object")
        if parse_mode is None and isinstance(explicit, list):
            formatted = FormattedText(formatted.text, tuple(explicit))
        return text, parse_mode, formatted

    def _reply_markup(self, params: _Params) -> dict | None:
        markup = params.structured("reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("reply markup must be an Object")
        if "inline_keyboard" in markup:
            _check_inline_keyboard(markup["inline_keyboard"])
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise _bad_request('can\'t find field "inline_keyboard"')
        return markup

    def _reply_to(self, params: _Params, chat: _Chat) -> int | None:
        reply = params.structured("reply_parameters", "can't parse reply parameters JSON object")
        message_id = params.integer("reply_to_message_id")
        allow_without = params.flag("allow_sending_without_reply")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_without = bool(reply.get("allow_sending_without_reply", allow_without))
        if message_id is None:
            return None
        if int(message_id) not in chat.messages:
            if allow_without:
                return None
            raise _bad_request("message to be replied not found")
        return int(message_id)

    def _check_rate(self, chat: _Chat) -> None:
        """Refuse with 429 when this send goes over the flood limits; count it otherwise."""
        limits, now = self.limits, self._clock()
        for refused_until in (self._globally_refused_until, chat.refused_until):
            if now < refused_until:
                wait = max(1, math.ceil(refused_until - now))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)

        def refuse(whole_bot: bool) -> ApiError:
            if whole_bot:
                self._globally_refused_until = now + limits.retry_after
            else:
                chat.refused_until = now + limits.retry_after
            return ApiError(
                429, f"Too Many Requests: retry after {limits.retry_after}", retry_after=limits.retry_after
            )

        while self._global_sends and self._global_sends[0] <= now - 1.0:
            self._global_sends.popleft()
        if limits.messages_per_second is not None and len(self._global_sends) >= limits.messages_per_second:
            raise refuse(True)
        if chat.type == "private" and limits.chat_messages_per_second is not None:
            if chat.tokens is None:
                chat.tokens = float(limits.chat_burst)
            else:
                elapsed = max(0.0, now - chat.refilled_at)
                chat.tokens = min(
                    float(limits.chat_burst), chat.tokens + elapsed * limits.chat_messages_per_second
                )
            chat.refilled_at = now
            if chat.tokens < 1.0:
                raise refuse(False)
            chat.tokens -= 1.0
        if chat.type != "private" and limits.group_messages_per_minute is not None:
            while chat.group_sends and chat.group_sends[0] <= now - 60.0:
                chat.group_sends.popleft()
            if len(chat.group_sends) >= limits.group_messages_per_minute:
                raise refuse(False)
            chat.group_sends.append(now)
        self._global_sends.append(now)

    def _bot_message(self, chat: _Chat, reply_to: int | None, markup: dict | None) -> dict:
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat),
            "from": dict(self.bot_user),
            "chat": chat.json(),
            "date": int(time.time()),
        }
        if reply_to is not None:
            message["reply_to_message"] = copy.deepcopy(chat.messages[reply_to])
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        return message

    def _editable_message(self, params: _Params) -> tuple[_Chat, dict]:
        if params.raw("inline_message_id"):
            raise _bad_request("MESSAGE_ID_INVALID")
        chat = self._target_chat(params)
        message_id = params.integer("message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise _bad_request("message to edit not found")
        if message_id not in chat.bot_message_ids:
            raise _bad_request("message can't be edited")
        return chat, message

    # ----------------------------------------------------------------- Bot API methods

    def _api_getMe(self, params: _Params) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_logOut(self, params: _Params) -> bool:
        return True

    def _api_close(self, params: _Params) -> bool:
        return True

    def _api_getUpdates(self, params: _Params, connection: socket.socket | None = None) -> list[dict]:
        """Long polling: confirm updates below `offset`, then wait up to `timeout` s for new ones."""
        offset = params.integer("offset") or 0
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.integer("timeout") or 0, 0)
        allowed = params.structured("allowed_updates", "can't parse allowed updates JSON object")
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) if allowed else UPDATE_TYPES
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()
            if offset > 0:
                self._updates = [update for update in self._updates if update["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            self._waiting_polls += 1
            try:
                return self._wait_for_updates(generation, deadline, limit, connection)
            finally:
                self._waiting_polls -= 1
                self._cond.notify_all()

    def _wait_for_updates(
        self, generation: int, deadline: float, limit: int, connection: socket.socket | None
    ) -> list[dict]:
        """Hold a long poll until updates arrive, the timeout passes, or a newer poll or a webhook ends it."""
        while True:
            if self._closing:
                return []
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)
            if generation != self._poll_generation and self.terminate_concurrent_polls:
                raise ApiError(409, POLL_TERMINATED, recorded=not _client_gone(connection))
            if self._updates:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._cond.wait(remaining)

    def _api_setWebhook(self, params: _Params) -> bool:
        url = (params.text("url") or "").strip()
        if not url:
            self._webhook = None
            return True
        if self.webhook_requires_https and not url.lower().startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.text("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _bad_request("secret token contains unallowed characters")
        allowed = params.structured("allowed_updates", "can't parse allowed updates JSON object")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else UPDATE_TYPES
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        self._webhook_error = None
        self._webhook = WebhookInfo(
            url,
            secret,
            tuple(allowed) if isinstance(allowed, list) else None,
            params.integer("max_connections") or 40,
        )
        self._cond.notify_all()
        return True

    def _api_deleteWebhook(self, params: _Params) -> bool:
        self._webhook = None
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getWebhookInfo(self, params: _Params) -> dict:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info["url"] = self._webhook.url
            info["max_connections"] = self._webhook.max_connections
            if self._webhook.allowed_updates is not None:
                info["allowed_updates"] = list(self._webhook.allowed_updates)
            if self._webhook_error is not None:
                info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _deliver_updates(self) -> None:
        """While a webhook is set, POST the oldest pending update to it, as Telegram does: one at a time,
        in order, with the secret in X-Telegram-Bot-Api-Secret-Token; an update stays pending (and is
        tried again after WEBHOOK_RETRY_SECONDS) until the bot answers 2xx."""
        retry_at = 0.0
        while True:
            with self._cond:
                while not self._closing:
                    wait = retry_at - time.monotonic()
                    if self._webhook is not None and self._updates and wait <= 0:
                        break
                    self._cond.wait(wait if wait > 0 else None)
                if self._closing or self._webhook is None:
                    return
                webhook, update = self._webhook, copy.deepcopy(self._updates[0])
            status, error = _post_update(webhook.url, webhook.secret_token, update)
            with self._cond:
                self._deliveries.append(WebhookDelivery(update["update_id"], webhook.url, status, error))
                delivered = status is not None and 200 <= status < 300
                if delivered:
                    self._updates = [u for u in self._updates if u["update_id"] != update["update_id"]]
                else:
                    why = error or f"Wrong response from the webhook: {status}"
                    self._webhook_error = (int(time.time()), why)
                retry_at = 0.0 if delivered else time.monotonic() + WEBHOOK_RETRY_SECONDS
                self._cond.notify_all()

    def _api_sendMessage(self, params: _Params) -> dict:
        chat = self._target_chat(params)
        text, parse_mode, formatted = self._message_text(params)
        markup = self._reply_markup(params)
        reply_to = self._reply_to(params, chat)
        preview = params.structured("link_preview_options", "can't parse link preview options JSON object")
        preview_disabled = params.flag("disable_web_page_preview") or (
            isinstance(preview, dict) and bool(preview.get("is_disabled"))
        )
        self._check_rate(chat)
        message = self._bot_message(chat, reply_to, markup)
        message["text"] = formatted.text
        if formatted.entities:
            message["entities"] = list(formatted.entities)
        if preview_disabled:
            message["link_preview_options"] = {"is_disabled": True}
        self._record_sent(
            chat, message, "sendMessage", text, parse_mode, formatted, markup, reply_to, params,
            link_preview_disabled=preview_disabled,
        )  # fmt: skip
        return message

    def _api_sendDocument(self, params: _Params) -> dict:
        chat = self._target_chat(params)
        upload = self._document_upload(params)
        caption = params.text("caption") or ""
        parse_mode = self._parse_mode(params)
        formatted = self._formatted(caption, parse_mode, MAX_CAPTION_LENGTH, "message caption is too long")
        markup = self._reply_markup(params)
        reply_to = self._reply_to(params, chat)
        self._check_rate(chat)
        if isinstance(upload, _StoredFile):
            stored = upload
        else:
            guessed = mimetypes.guess_type(upload.filename)[0]
            stored = self._store_file(upload.filename, upload.content, guessed or upload.content_type or None)
        filename, content, mime_type = stored.filename, stored.content, stored.mime_type
        message = self._bot_message(chat, reply_to, markup)
        message["document"] = {
            "file_name": filename,
            "mime_type": mime_type,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
        }
        if formatted.text:
            message["caption"] = formatted.text
            if formatted.entities:
                message["caption_entities"] = list(formatted.entities)
        document = SentDocument(
            chat.id, message["message_id"], filename, content, mime_type, stored.file_id, caption
        )
        self._record_sent(
            chat, message, "sendDocument", caption, parse_mode, formatted, markup, reply_to, params,
            document=document,
        )  # fmt: skip
        return message

    def _record_sent(
        self,
        chat: _Chat,
        message: dict,
        method: str,
        text: str,
        parse_mode: str | None,
        formatted: FormattedText,
        markup: dict | None,
        reply_to: int | None,
        params: _Params,
        *,
        link_preview_disabled: bool = False,
        document: SentDocument | None = None,
    ) -> None:
        """The chat keeps the bot's new message, and the test side sees it as sent."""
        chat.messages[message["message_id"]] = message
        chat.bot_message_ids.add(message["message_id"])
        self._sent.append(
            SentMessage(
                chat_id=chat.id,
                message_id=message["message_id"],
                method=method,
                text=text,
                parse_mode=parse_mode,
                plain_text=formatted.text,
                entities=formatted.entities,
                reply_markup=markup,
                reply_to_message_id=reply_to,
                link_preview_disabled=link_preview_disabled,
                document=document,
                params=params.summary(),
            )
        )

    def _document_upload(self, params: _Params) -> _Upload | _StoredFile:
        if "document" in params.files:
            upload = params.files["document"]
        else:
            reference = params.text("document")
            if not reference:
                raise _bad_request("there is no document in the request")
            if reference.startswith("attach://"):
                attached = params.files.get(reference.removeprefix("attach://"))
                if attached is None:
                    raise _bad_request("wrong file identifier/HTTP URL specified")
                upload = attached
            elif reference in self._files:
                return self._files[reference]
            else:
                raise _bad_request("wrong file identifier/HTTP URL specified")
        if not upload.content:
            raise _bad_request("file must be non-empty")
        return upload

    def _api_editMessageText(self, params: _Params) -> dict:
        chat, message = self._editable_message(params)
        text, parse_mode, formatted = self._message_text(params)
        markup = self._reply_markup(params)
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        new_markup = (
            {"inline_keyboard": markup["inline_keyboard"]} if markup and "inline_keyboard" in markup else None
        )
        same = (
            message["text"] == formatted.text
            and message.get("entities", []) == list(formatted.entities)
            and message.get("reply_markup") == new_markup
        )
        if same:
            raise _bad_request(NOT_MODIFIED)
        message["text"] = formatted.text
        message.pop("entities", None)
        if formatted.entities:
            message["entities"] = list(formatted.entities)
        message.pop("reply_markup", None)
        if new_markup is not None:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        self._edits.append(
            Edit(
                chat.id,
                message["message_id"],
                "editMessageText",
                text,
                parse_mode,
                formatted.text,
                new_markup,
            )
        )
        return copy.deepcopy(message)

    def _api_editMessageReplyMarkup(self, params: _Params) -> dict:
        chat, message = self._editable_message(params)
        markup = self._reply_markup(params)
        new_markup = (
            {"inline_keyboard": markup["inline_keyboard"]} if markup and "inline_keyboard" in markup else None
        )
        if message.get("reply_markup") == new_markup:
            raise _bad_request(NOT_MODIFIED)
        message.pop("reply_markup", None)
        if new_markup is not None:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        self._edits.append(
            Edit(chat.id, message["message_id"], "editMessageReplyMarkup", None, None, None, new_markup)
        )
        return copy.deepcopy(message)

    def _api_deleteMessage(self, params: _Params) -> bool:
        chat = self._target_chat(params)
        message_id = params.integer("message_id")
        if message_id is None or message_id not in chat.messages:
            raise _bad_request("message to delete not found")
        del chat.messages[message_id]
        chat.bot_message_ids.discard(message_id)
        return True

    def _api_answerCallbackQuery(self, params: _Params) -> bool:
        query_id = params.text("callback_query_id") or ""
        query = self._callbacks.get(query_id)
        if query is None or query["answered"]:
            raise _bad_request(QUERY_TOO_OLD)
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise _bad_request("MESSAGE_TOO_LONG")
        query["answered"] = True
        self._answers.append(CallbackAnswer(query_id, text, params.flag("show_alert"), params.text("url")))
        return True

    def _api_sendChatAction(self, params: _Params) -> bool:
        chat = self._target_chat(params)
        action = params.text("action") or ""
        if action not in CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        self._actions.append(ChatAction(chat.id, action))
        return True

    def _command_key(self, params: _Params) -> tuple[str, str]:
        scope = params.structured("scope", "can't parse BotCommandScope JSON object")
        scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
        return scope_type, (params.text("language_code") or "")

    def _api_setMyCommands(self, params: _Params) -> bool:
        commands = params.structured("commands", "can't parse commands JSON object")
        if not isinstance(commands, list):
            raise _bad_request("commands must be an Array")
        if len(commands) > 100:
            raise _bad_request("too many commands specified")
        checked = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("BotCommand must be an Object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            checked.append({"command": name, "description": description})
        self._commands[self._command_key(params)] = checked
        return True

    def _api_getMyCommands(self, params: _Params) -> list[dict]:
        return [dict(command) for command in self._commands.get(self._command_key(params), [])]

    def _api_deleteMyCommands(self, params: _Params) -> bool:
        self._commands.pop(self._command_key(params), None)
        return True

    def _api_getFile(self, params: _Params) -> dict:
        stored = self._files.get(params.text("file_id") or "")
        if stored is None:
            raise _bad_request("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise _bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }


def _check_inline_keyboard(rows: Any) -> None:
    """Telegram's checks on an InlineKeyboardMarkup, with its error descriptions."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    if sum(len(row) for row in rows) > 100:
        raise _bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise _bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            if not isinstance(button.get("text"), str):
                raise _bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
            for name in ("url", "callback_data"):
                if name in button and not isinstance(button[name], str):
                    raise _bad_request(
                        f'can\'t parse inline keyboard button: Field "{name}" must be of type String'
                    )
            if not any(name in button for name in INLINE_BUTTON_ACTIONS):
                raise _bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if not button["text"].strip():
                raise _bad_request("BUTTON_TEXT_INVALID")
            if "callback_data" in button:
                size = len(button["callback_data"].encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not _valid_button_url(button["url"]):
                raise _bad_request("BUTTON_URL_INVALID")


def _valid_button_url(url: str) -> bool:
    """http(s) URLs with a dotted host or an IP address, or tg:// links, as Telegram accepts for buttons."""
    if url.startswith("tg://"):
        return len(url) > len("tg://")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        return False
    return "." in parts.hostname or ":" in parts.hostname


def _command_entities(text: str) -> list[dict]:
    """bot_command entities for /commands at the start or after whitespace, as Telegram marks them."""
    entities = []
    for match in re.finditer(r"(?:^|(?<=\s))/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])", text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_length(text[: match.start()]),
                "length": utf16_length(match.group(0)),
            }
        )
    return entities


def _chat_id_of(params: _Params) -> int | None:
    try:
        return params.integer("chat_id")
    except ApiError:
        return None


def _post_update(url: str, secret_token: str | None, update: dict) -> tuple[int | None, str | None]:
    """POST one update to a webhook: (HTTP status, None) or (None, why there was no answer)."""
    headers = {"Content-Type": "application/json"}
    if secret_token is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
    request = urllib.request.Request(url, data=_json_bytes(update), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_POST_TIMEOUT) as response:
            return response.status, None
    except urllib.error.HTTPError as err:
        return err.code, None
    except (OSError, ValueError) as err:
        return None, f"Connection failed: {err}"


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _HttpServer(ThreadingHTTPServer):
    """The HTTP side: one thread per connection, connections tracked so stop() can close them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], fake: FakeTelegram
    ) -> None:
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def close_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (cancelled polls, a killed bot) are normal here: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms delayed-ACK stalls
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        self._respond()

    def do_POST(self) -> None:
        self._respond()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the records on FakeTelegram are the log."""

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _respond(self) -> None:
        body = self._read_body()
        status, payload, content_type = self.server.fake._dispatch(
            self.path, self.headers, body, self.connection
        )
        if status == 0:  # drop_next: hang up without an answer
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
