"""Danish dates and times as KL writes them: a regex first, dateparser only as a fallback.

dateparser is slow to build and trips on "Fredag den 20. august 2021, kl. 10.00 – 12.00", so the
common forms never reach it, and the parsers it needs are built once and reused. Used by the
parser, the meeting-page source and the handlers (dates typed by people).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from typing import Any

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

# "23. marts 2022", "den 20. august 2021", "19. januar" (year from context), "23 marts 2022" (URL slugs)
WORDED_DATE_RE = re.compile(rf"\b(\d{{1,2}})\.?\s*({_MONTH_NAMES})\b\.?(?:\s*(\d{{4}})\b)?", re.IGNORECASE)
NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[-./](\d{1,2})[-./](\d{4})\b")
ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
YEAR_RE = re.compile(r"\b((?:19|20)\d{2})\b")
# "kl. 10.00 – 12.30", "kl. 9:00", "kl. 10-12", "klokken 10"
TIME_RANGE_RE = re.compile(
    r"\bkl(?:\.|okken)?\s*(\d{1,2})(?:[.:](\d{2}))?(?:\s*[-–—]\s*(?:kl\.?\s*)?(\d{1,2})(?:[.:](\d{2}))?)?",
    re.IGNORECASE,
)
# dateparser reads a whole string; longer texts are sentences it would only misread.
_FALLBACK_MAX_CHARS = 40


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_year(text: str) -> int | None:
    """The first four-digit year (19xx or 20xx) written in `text`."""
    m = YEAR_RE.search(text)
    return int(m[1]) if m else None


def find_date(text: str, default_year: int | None = None) -> dt.date | None:
    """The first date in `text`; a date written without a year takes `default_year`."""
    candidates: list[tuple[int, dt.date | None]] = []
    if m := ISO_DATE_RE.search(text):
        candidates.append((m.start(), _make_date(int(m[1]), int(m[2]), int(m[3]))))
    if m := NUMERIC_DATE_RE.search(text):
        candidates.append((m.start(), _make_date(int(m[3]), int(m[2]), int(m[1]))))
    for m in WORDED_DATE_RE.finditer(text):
        year = int(m[3]) if m[3] else default_year
        if year is not None:
            candidates.append((m.start(), _make_date(year, MONTHS[m[2].lower()], int(m[1]))))
            break
    found = [(pos, day) for pos, day in candidates if day is not None]
    if found:
        return min(found, key=lambda candidate: candidate[0])[1]
    if candidates or WORDED_DATE_RE.search(text):
        return None  # the regex saw a date it could not complete; a guess would be worse
    return _dateparser_date(text)


def _dateparser_date(text: str) -> dt.date | None:
    """A date in a short text the regex does not know ("19/1 2022"); never a relative one."""
    text = " ".join(text.split())
    if not text or len(text) > _FALLBACK_MAX_CHARS or len(re.findall(r"\d+", text)) < 2:
        return None
    data = _danish_dateparser().get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    result: dt.date = data.date_obj.date()
    return result


@cache
def _danish_dateparser() -> Any:
    """The one Danish dateparser, built on first use: building one is slow."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["da"],
        settings={
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PREFER_DAY_OF_MONTH": "first",
        },
    )


def _make_time(hour: str | None, minute: str | None) -> dt.time | None:
    if hour is None:
        return None
    try:
        return dt.time(int(hour), int(minute or 0))
    except ValueError:
        return None


def find_time_range(text: str) -> tuple[dt.time | None, dt.time | None]:
    """Start and end of "kl. 10.00 – 12.30"; the end is None when only a start is written."""
    m = TIME_RANGE_RE.search(text)
    if not m:
        return None, None
    return _make_time(m[1], m[2]), _make_time(m[3], m[4])


@lru_cache(maxsize=4)
def _relative_dateparser(today: dt.date) -> Any:
    """One Danish dateparser per day ("i morgen" depends on today); building one is slow."""
    from dateparser.date import DateDataParser

    base = dt.datetime.combine(today, dt.time(12))
    return DateDataParser(languages=["da"], settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base})


def parse_danish_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date typed by a person: "14. juni 2022", "14-06-2022", "23. marts", "i morgen".

    The regex decides the forms it knows (an impossible date like "31. februar" is None, not a
    guess); dateparser handles the rest relative to `today`.
    """
    text = " ".join(text.split())
    if not text:
        return None
    today = today or dt.date.today()
    if ISO_DATE_RE.search(text) or NUMERIC_DATE_RE.search(text) or WORDED_DATE_RE.search(text):
        return _regex_date(text, today)
    data = _relative_dateparser(today).get_date_data(text)
    return data.date_obj.date() if data and data.date_obj is not None else None


def _regex_date(text: str, today: dt.date) -> dt.date | None:
    m = WORDED_DATE_RE.search(text)
    if m and not m[3] and not NUMERIC_DATE_RE.search(text) and not ISO_DATE_RE.search(text):
        # "23. marts": the next such date from today on
        this_year = _make_date(today.year, MONTHS[m[2].lower()], int(m[1]))
        if this_year is None:
            return None
        return this_year if this_year >= today else _make_date(today.year + 1, this_year.month, this_year.day)
    return find_date(text)
