"""The application's Bot sends within the shared send budget: PTB's rate-limiter hook, backed by the Pacer.

Every Bot API request of the Bot that answers members (replies, edits, files, /hent reports, the
error handler's apology) passes through process_request: a message waits for its slot in the
delivery.pacing.Pacer the outbox sender shares, at reply priority; any other request (an edit,
answerCallbackQuery, getFile) only waits out a 429's pause. A 429 holds the whole budget for its
retry_after, and the request is tried again in its old place in the line, up to MAX_RETRIES times.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from delivery.pacing import Pacer, Priority, Slot, is_message

log = logging.getLogger(__name__)

MAX_RETRIES = 3  # a reply refused with 429 this many times more is given up (the error handler logs it)
JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def retry_after_seconds(error: RetryAfter) -> float:
    """retry_after in seconds, whether PTB gives an int or (PTB_TIMEDELTA, the future) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)


def _chat_key(chat_id: object) -> int | str | None:
    """A chat id as the pacer keys it: the number, or a channel's @username as given."""
    if chat_id is None:
        return None
    try:
        return int(str(chat_id))
    except ValueError:
        return str(chat_id)


class PacedRateLimiter(BaseRateLimiter[Priority]):
    """Messages take a slot of the shared Pacer (replies unless `rate_limit_args` says otherwise)."""

    def __init__(self, pacer: Pacer, *, max_retries: int = MAX_RETRIES) -> None:
        self.pacer = pacer
        self.max_retries = max_retries
        self.retry_after_count = 0  # 429 answers received

    async def initialize(self) -> None:
        """Nothing to set up: the pacer lives as long as the application."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> JSONResult:
        """Send in the request's slot (a message) or after any pause (anything else); retry after a 429."""
        chat_id = _chat_key(data.get("chat_id"))
        counted = chat_id is not None and is_message(endpoint)
        priority = rate_limit_args or Priority.REPLY
        slot: Slot | None = None
        attempt = 0
        while True:
            if counted:
                assert chat_id is not None
                slot = await self.pacer.turn(chat_id, priority, retry_of=slot)
            else:
                await self.pacer.unheld()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                self.retry_after_count += 1
                self.pacer.hold(seconds)
                if attempt >= self.max_retries:
                    raise
                attempt += 1
                log.warning(
                    "Telegram beder om pause i %s s (429); %s prøves igen bagefter", seconds, endpoint
                )
            finally:
                if slot is not None:
                    slot.done()
