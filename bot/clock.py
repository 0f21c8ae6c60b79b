"""What day and time it is for kkrbot: Danish local time, or a fixed day (KKRBOT_TODAY) for demos and tests.

"Next meeting" and "this week" depend on the day, so everything asks the clock, never the system.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.config import Settings
from handlers.formatting import LOCAL_TIME as COPENHAGEN


@dataclass(frozen=True)
class Clock:
    """Today and now in Copenhagen; with `fixed_today` the date is pinned and the time of day runs on."""

    fixed_today: dt.date | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Clock:
        return cls(fixed_today=settings.today)

    def now(self) -> dt.datetime:
        """The current moment, tz-aware in Europe/Copenhagen, on the pinned day if there is one."""
        real = dt.datetime.now(COPENHAGEN)
        if self.fixed_today is None:
            return real
        return dt.datetime.combine(self.fixed_today, real.time(), tzinfo=COPENHAGEN)

    def today(self) -> dt.date:
        """Today's date in Copenhagen (not UTC: just after midnight Danish time it is already tomorrow)."""
        return self.fixed_today if self.fixed_today is not None else dt.datetime.now(COPENHAGEN).date()


def today(settings: Settings) -> dt.date:
    """KKRBOT_TODAY if set, else today's date in Europe/Copenhagen."""
    return Clock.from_settings(settings).today()


def now(settings: Settings | None = None) -> dt.datetime:
    """The current tz-aware time in Europe/Copenhagen, on KKRBOT_TODAY's date if that is set."""
    return Clock().now() if settings is None else Clock.from_settings(settings).now()
