"""The bot's log: one JSON object per line on stdout, and never the bot token or a link code in it."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.logs import HIDDEN, redact, setup_logging
from fake_bot_api import FakeTelegram
from tests.conftest import PROJECT_ROOT

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"
CODE = "q3Zr0G5xXv1JcA2b8_PmTw"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The root logger writing JSON into a buffer for the test, restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    buffer = io.StringIO()
    setup_logging(logging.INFO, stream=buffer)
    yield buffer
    logging.captureWarnings(False)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


def entries(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_each_record_is_one_json_line_with_time_level_logger_and_message(log_lines: io.StringIO) -> None:
    logging.getLogger("bot.app").info("hentede %d dokumenter fra %s", 3, "KKR Midtjylland")
    logging.getLogger("sources.web").warning("siden svarede %s", 503)

    first, second = entries(log_lines)

    assert set(first) == {"time", "level", "logger", "message"}
    assert (first["level"], first["logger"], first["message"]) == (
        "INFO",
        "bot.app",
        "hentede 3 dokumenter fra KKR Midtjylland",
    )
    assert first["time"].endswith("+00:00")
    assert (second["level"], second["message"]) == ("WARNING", "siden svarede 503")


def test_the_bot_token_is_redacted_in_messages_arguments_and_tracebacks(log_lines: io.StringIO) -> None:
    log = logging.getLogger("telegram.ext.Updater")
    log.info(f"https://api.telegram.org/bot{TOKEN}/getUpdates")
    log.warning("kald fejlede: %s", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    try:
        raise RuntimeError(f"forbindelsen til https://api.telegram.org/bot{TOKEN}/getMe faldt ud")
    except RuntimeError:
        log.exception("uventet fejl")

    written = log_lines.getvalue()
    assert TOKEN not in written and TOKEN.split(":")[1] not in written
    first, second, third = entries(log_lines)
    assert first["message"] == f"https://api.telegram.org/bot{HIDDEN}/getUpdates"
    assert second["message"] == f"kald fejlede: https://api.telegram.org/bot{HIDDEN}/sendMessage"
    assert "Traceback" in third["exception"] and f"bot{HIDDEN}/getMe" in third["exception"]


def test_link_codes_are_redacted(log_lines: io.StringIO) -> None:
    logging.getLogger("handlers").info("besked fra 111: /start %s", CODE)
    logging.getLogger("handlers").info("link: https://t.me/kkrbot?start=%s&x=1", CODE)

    assert CODE not in log_lines.getvalue()
    assert [entry["message"] for entry in entries(log_lines)] == [
        f"besked fra 111: /start {HIDDEN}",
        f"link: https://t.me/kkrbot?start={HIDDEN}&x=1",
    ]


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "møde 2026-03-24 kl. 10:00, punkt 3.2: 12:30-13:00, skriv /start"
    assert redact(text) == text


def test_httpx_request_lines_stay_out_of_the_log(log_lines: io.StringIO) -> None:
    logging.getLogger("httpx").info(f"HTTP Request: POST https://api.telegram.org/bot{TOKEN}/getUpdates")

    assert log_lines.getvalue() == ""


def test_the_running_bot_logs_json_lines_on_stdout_without_its_token(tmp_path: Path) -> None:
    with FakeTelegram() as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env={**os.environ, **server.env(), "DATABASE_URL": f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"},
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            server.wait_for_polling(timeout=60)
        finally:
            process.terminate()
            stdout, stderr = (stream.decode("utf-8") for stream in process.communicate(timeout=30))

    lines = [json.loads(line) for line in stdout.splitlines()]
    assert lines, "the bot logged nothing"
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert server.token not in stdout + stderr
    assert stderr == ""
