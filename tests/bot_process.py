"""The real `kkrbot run` process, long-polling a fake Bot API server, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fake_bot_api import FakeTelegram


@contextmanager
def running_bot(server: FakeTelegram, **env: str) -> Iterator[None]:
    """`kkrbot run` against `server` with extra environment `env`, until the block ends.

    It is ready once it long-polls, or, with KKRBOT_WEBHOOK_URL in `env`, once it has set its webhook.
    Afterwards its log must hold no traceback, never the bot's token and never a *SECRET* variable's value.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env={**os.environ, **server.env(), **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        if "KKRBOT_WEBHOOK_URL" in env:
            server.wait_for_webhook(timeout=60)
            # PTB sets the webhook just before its server listens: wait for the port, as Telegram retries
            wait_for_port(int(env.get("KKRBOT_PORT", "8080")), timeout=60)
        else:
            server.wait_for_polling(timeout=60)
        yield
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode("utf-8", "replace")
        assert "Traceback" not in output, output
        assert server.token not in output
        for name, value in env.items():
            assert "SECRET" not in name or value not in output, f"{name} in the log"


def wait_for_port(port: int, timeout: float) -> None:
    """Until something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def start_bot_process(server: FakeTelegram, log_path: str, **env: str) -> subprocess.Popen[bytes]:
    """`kkrbot run` against `server`, its output appended to the file `log_path`, for tests that end it
    themselves (kill -9 included). Returns at once; the caller waits for what it needs and ends it."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env={**os.environ, **server.env(), **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process
