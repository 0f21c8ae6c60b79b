"""The real `kkrbot run` process, long-polling a fake Bot API server, for end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests.fake_telegram import FakeTelegram


@contextmanager
def running_bot(server: FakeTelegram, **env: str) -> Iterator[None]:
    """`kkrbot run` against `server` with extra environment `env`, until the block ends.

    Afterwards its log must hold no traceback and never the bot's token.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env={**os.environ, **server.env(), **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        server.wait_for_polling(timeout=60)
        yield
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode("utf-8", "replace")
        assert "Traceback" not in output, output
        assert server.token not in output
