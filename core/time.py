"""Danish time: meetings, reminders and the times members read are in Europe/Copenhagen; the database
stores naive UTC. The one place that converts between the two, and the clock everything asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Copenhagen")


def utcnow() -> dt.datetime:
    """Now in UTC without tzinfo, as every stored DateTime holds it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def as_utc(moment: dt.datetime | None) -> dt.datetime:
    """A naive UTC datetime, as the database stores them (now when None); aware ones are converted."""
    if moment is None:
        return utcnow()
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def local_time(moment_utc: dt.datetime) -> dt.datetime:
    """A stored naive UTC time as the wall-clock time in Denmark."""
    return moment_utc.replace(tzinfo=dt.UTC).astimezone(LOCAL_TIME)


@dataclass(frozen=True)
class Clock:
    """Today and now in Copenhagen; with `fixed_today` (KKRBOT_TODAY) the date is pinned for demos and
    tests, and the time of day runs on. "Next meeting" depends on the day, so everything asks this."""

    fixed_today: dt.date | None = None

    def now(self) -> dt.datetime:
        """The current moment, tz-aware in Europe/Copenhagen, on the pinned day if there is one."""
        real = dt.datetime.now(LOCAL_TIME)
        if self.fixed_today is None:
            return real
        return dt.datetime.combine(self.fixed_today, real.time(), tzinfo=LOCAL_TIME)

    def today(self) -> dt.date:
        """Today's date in Copenhagen (not UTC: just after midnight Danish time it is already tomorrow)."""
        return self.fixed_today if self.fixed_today is not None else dt.datetime.now(LOCAL_TIME).date()
