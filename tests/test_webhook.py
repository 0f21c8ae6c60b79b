"""Webhook mode: the real `kkrbot run` process, with the fake Bot API server POSTing updates to it."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from fake_bot_api import FakeTelegram
from tests.bot_process import running_bot

MEMBER, STRANGER, PRESSER = 6101, 6102, 6103
SECRET = secrets.token_urlsafe(32)  # only A-Z a-z 0-9 _ -, as Telegram requires


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def database_file(ingested_copy: Callable[[], str]) -> str:
    """An SQLite file with the fixture PDFs ingested."""
    return ingested_copy()


@pytest.fixture(scope="module")
def webhook_url() -> str:
    return f"http://127.0.0.1:{free_port()}/telegram"


@pytest.fixture(scope="module")
def telegram(database_file: str, webhook_url: str) -> Iterator[FakeTelegram]:
    """`kkrbot run` in webhook mode; the fake server (plain http allowed) delivers to it."""
    with FakeTelegram(webhook_requires_https=False) as server:
        for user_id, name in ((MEMBER, "Mette"), (STRANGER, "Svend"), (PRESSER, "Pia")):
            server.add_user(user_id, name)
        port = webhook_url.split(":")[2].split("/")[0]
        with running_bot(
            server,
            DATABASE_URL=database_file,
            KKRBOT_TODAY="2022-03-20",
            KKRBOT_WEBHOOK_URL=webhook_url,
            KKRBOT_WEBHOOK_SECRET=SECRET,
            KKRBOT_PORT=port,
        ):
            yield server


def post_to_bot(url: str, update: dict[str, Any], secret: str | None) -> int:
    """POST an update straight to the bot's webhook, as someone other than Telegram might."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as err:
        return err.code


def test_the_bot_registers_its_webhook_with_the_secret(telegram: FakeTelegram, webhook_url: str) -> None:
    webhook = telegram.webhook
    assert webhook is not None
    assert webhook.url == webhook_url and webhook.secret_token == SECRET
    assert webhook.allowed_updates == ("message", "callback_query")
    assert telegram.calls("getUpdates") == []  # no polling alongside the webhook


def test_a_command_delivered_by_webhook_is_answered(telegram: FakeTelegram) -> None:
    reply = telegram.ask(MEMBER, "/naestemoede", timeout=30)
    assert reply.method == "sendMessage"
    assert "23. marts 2022" in reply.plain_text and "Sundhedsklynger" in reply.plain_text
    assert any(d.status == 200 for d in telegram.webhook_deliveries())
    assert telegram.pending_update_count == 0
    assert telegram.errors() == []


def test_a_button_press_arrives_by_webhook_too(telegram: FakeTelegram) -> None:
    reply = telegram.ask(PRESSER, "/punkt 3.2", timeout=30)
    arrow = next(b.text for row in reply.buttons for b in row if "▶" in b.text)
    telegram.press_button(PRESSER, reply.message_id, arrow)
    telegram.wait_for(lambda: any("3.3" in (e.plain_text or "") for e in telegram.edits(PRESSER)), timeout=30)


@pytest.mark.parametrize(
    "secret", [None, "forkert-hemmelighed", SECRET[:-1]], ids=["none", "wrong", "almost"]
)
def test_a_request_without_the_right_secret_is_refused_and_unanswered(
    telegram: FakeTelegram, webhook_url: str, secret: str | None
) -> None:
    update = {
        "update_id": 99_000_001,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": STRANGER, "type": "private", "first_name": "Svend"},
            "from": {"id": STRANGER, "is_bot": False, "first_name": "Svend"},
            "text": "/naestemoede",
            "entities": [{"type": "bot_command", "offset": 0, "length": 12}],
        },
    }
    assert post_to_bot(webhook_url, update, secret) == 403
    telegram.ask(MEMBER, "/hjaelp", timeout=30)  # the bot is alive and answers Telegram's updates
    assert telegram.sent_messages(STRANGER) == []


def run_kkrbot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KKRBOT_WEBHOOK")}
    full_env |= {"TELEGRAM_TOKEN": "123456:" + "A" * 35, "DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=full_env | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_webhook_url_without_a_secret_is_one_danish_line_and_exit_2(tmp_path: Path) -> None:
    done = run_kkrbot(tmp_path, KKRBOT_WEBHOOK_URL="https://bot.example.org/telegram")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "KKRBOT_WEBHOOK_SECRET: mangler" in done.stderr


def test_a_secret_telegram_would_refuse_is_refused_without_showing_it(tmp_path: Path) -> None:
    bad = "hemmelig nøgle!"
    done = run_kkrbot(
        tmp_path, KKRBOT_WEBHOOK_URL="https://bot.example.org/telegram", KKRBOT_WEBHOOK_SECRET=bad
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "KKRBOT_WEBHOOK_SECRET" in done.stderr
    assert bad not in done.stderr + done.stdout


# --- the fake server's side: delivery like Telegram's, kept and retried until the bot takes it ---


class _Receiver(BaseHTTPRequestHandler):
    """A webhook that refuses its first request (500) and records the rest."""

    received: list[tuple[dict[str, Any], str | None]]
    refused: list[int]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not self.refused:
            self.refused.append(body["update_id"])
            self.send_response(500)
        else:
            self.received.append((body, self.headers.get("X-Telegram-Bot-Api-Secret-Token")))
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_fake_retries_a_failed_delivery_and_sends_the_secret() -> None:
    class Receiver(_Receiver):
        received: list[tuple[dict[str, Any], str | None]] = []
        refused: list[int] = []

    receiver = Receiver
    hook = ThreadingHTTPServer(("127.0.0.1", 0), receiver)
    threading.Thread(target=hook.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        with FakeTelegram(webhook_requires_https=False) as telegram:
            telegram.add_user(MEMBER, "Mette")
            first = telegram.push_message(MEMBER, "/naestemoede")  # waits for the webhook
            telegram.push_message(MEMBER, "/moeder")
            url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
            set_webhook = urllib.request.Request(
                f"{telegram.base_url}{telegram.token}/setWebhook",
                json.dumps({"url": url, "secret_token": "abc_DEF-123"}).encode(),
                {"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(set_webhook, timeout=10) as answer:
                assert json.load(answer)["ok"] is True
            telegram.wait_for(lambda: telegram.pending_update_count == 0, timeout=10, what="delivery")
            statuses = [d.status for d in telegram.webhook_deliveries()]
    finally:
        hook.shutdown()
        hook.server_close()
    assert statuses == [500, 200, 200]
    texts = [body["message"]["text"] for body, _ in receiver.received]
    assert texts == ["/naestemoede", "/moeder"]  # in order, the refused one again first
    assert receiver.received[0][0]["message"]["message_id"] == first["message_id"]
    assert {secret for _, secret in receiver.received} == {"abc_DEF-123"}
