"""What handlers are given to work with: the database, "today" and the admins (set up by bot/app.py).

Handlers never import bot/ or read the environment; everything arrives here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from storage import Database


@dataclass(frozen=True)
class HandlerContext:
    """The database, the clock's `today()` (Europe/Copenhagen or KKRBOT_TODAY) and admin user ids."""

    db: Database
    today: Callable[[], dt.date]
    admins: frozenset[int] = field(default_factory=frozenset)
