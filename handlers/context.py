"""What handlers are given to work with: the database, "today", the admins and who is writing.

Handlers never import bot/ or read the environment; everything arrives here (set up by bot/app.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from storage import Database


@dataclass(frozen=True)
class HandlerContext:
    """The database, the clock's `today()` (Europe/Copenhagen or KKRBOT_TODAY), admin user ids and the
    bot's Telegram username (for deep links; None until Telegram has told it)."""

    db: Database
    today: Callable[[], dt.date]
    admins: frozenset[int] = field(default_factory=frozenset)
    bot_username: str | None = None
    # /hent: starts polling every source in the background; the report goes to the sender's chat when
    # done. Returns False when a poll is already running (this one follows it). Set by `kkrbot run`
    # when sources are configured (bot/pollers.py); None elsewhere.
    fetch_now: Callable[[Sender], bool] | None = None
    sources: tuple[str, ...] = ()  # the polled sources /status reports on (Settings.polled_sources)

    def is_admin(self, sender: Sender | None) -> bool:
        """Whether the sender is one of the administrators (KKRBOT_ADMINS)."""
        return sender is not None and sender.user_id in self.admins


@dataclass(frozen=True)
class Sender:
    """Who wrote a message or pressed a button: their Telegram user id, their chat and their name."""

    user_id: int
    chat_id: int
    name: str | None = None
