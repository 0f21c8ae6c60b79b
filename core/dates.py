"""Danish dates and times as KL writes them and as members type them: a regex first, dateparser only
as a fallback.

dateparser is slow to build and trips on "Fredag den 20. august 2021, kl. 10.00 – 12.00", so the
common forms never reach it, and the parser it needs is built once and reused. Used by the parser
and the meeting-page source (`find_date`), and by the handlers: a member's "næste onsdag" or
"marts" is read into a `DateWish`, which only the meeting dates turn into a day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

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


# --- dates typed by people ---------------------------------------------------------------------------

WEEKDAYS = {"mandag": 0, "tirsdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lørdag": 5, "søndag": 6}
# days from today
RELATIVE_DAYS = {
    "i dag": 0, "idag": 0, "i morgen": 1, "imorgen": 1, "i overmorgen": 2, "iovermorgen": 2,
    "i går": -1, "igår": -1, "i forgårs": -2, "iforgårs": -2,
}  # fmt: skip
NEXT_WORDS = ("næste", "kommende")
LATEST_WORDS = ("seneste", "sidste", "forrige")
# what people put around a date in a question: "på mødet den 14. juni", "fra mødet i marts", "d. 23/4"
FILLER_WORDS = ("den", "d.", "på", "mødet", "møde", "fra", "i", "om", "til")

DateKind = Literal["day", "month", "day_of_month", "next", "latest"]


@dataclass(frozen=True)
class DateWish:
    """What a person meant by a date phrase. Only "day" is a date by itself; a month, a day without a
    year and "næste møde" become one given the meeting dates (`pick_meeting_date`)."""

    kind: DateKind
    day: dt.date | None = None  # "day": the exact date
    month: int | None = None  # "month" and "day_of_month"
    year: int | None = None  # "month"; None when the year was left out
    day_of_month: int | None = None  # "day_of_month": "23. april" without a year
    text: str = ""  # the phrase as typed, normalised, for messages


_DANISH_LETTERS = {"æ": "ae", "ø": "oe", "å": "aa"}


def _folded(text: str) -> str:
    """Lower case, single spaces, æ ø å as ae oe aa: the key a typed phrase is looked up by."""
    return "".join(_DANISH_LETTERS.get(c, c) for c in " ".join(text.lower().split()))


def _spelled(phrase: str) -> str:
    """A pattern for a Danish phrase with any spacing, also typed without æ, ø and å ("naeste", "paa")."""
    letters = {c: f"(?:{c}|{plain})" for c, plain in _DANISH_LETTERS.items()}
    return r"\s+".join("".join(letters.get(c) or re.escape(c) for c in word) for word in phrase.split())


def _any_of(phrases: Iterable[str]) -> str:
    """One alternation, longest first, so "marts" is not read as "mar" and a trailing "ts"."""
    return "|".join(_spelled(phrase) for phrase in sorted(phrases, key=len, reverse=True))


_WEEKDAY = _any_of(WEEKDAYS)
# a written date; a day and month without a year need "/" ("23/4"), as "3.2" is an item number
_DAY_MONTH = (
    r"(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})"
    r"|(?P<num_d>\d{1,2})[-./](?P<num_m>\d{1,2})(?:[-./]|\s+)(?P<num_y>\d{4})"
    rf"|(?P<word_d>\d{{1,2}})\.?\s*(?P<word_m>{_any_of(MONTHS)})\.?(?:\s+(?P<word_y>\d{{4}}))?"
    r"|(?P<slash_d>\d{1,2})/(?P<slash_m>\d{1,2})(?![-./]?\d)"
)
_FILLERS = rf"(?:(?:{_any_of(FILLER_WORDS)})(?:\s+|(?<=\.)))*"


def _phrase_pattern(*, in_sentence: bool) -> str:
    """Every date phrase; inside a sentence a bare "næste" or "sidste" is not one, "næste møde" is."""
    meeting = rf"(?:\s+{_spelled('møde')})" + ("" if in_sentence else "?")
    return _FILLERS + "(?:" + "|".join([
        rf"(?:(?:{_WEEKDAY}),?\s+(?:den\s+|d\.\s*)?)?(?:{_DAY_MONTH})",
        rf"(?P<relative>{_any_of(RELATIVE_DAYS)})",
        rf"i\s+(?P<past_weekday>{_WEEKDAY})s",
        rf"(?:(?P<modifier>{_any_of(NEXT_WORDS + LATEST_WORDS)})\s+)?(?P<weekday>{_WEEKDAY})",
        rf"(?P<month>{_any_of(MONTHS)})\.?(?:\s+(?P<month_year>\d{{4}}))?",
        rf"(?:det\s+)?(?:(?P<next>{_any_of(NEXT_WORDS)})|(?P<latest>{_any_of(LATEST_WORDS)})){meeting}",
    ]) + ")"  # fmt: skip


# Matched against lower-case text, not with re.IGNORECASE: that also matches "ı" for "i" and "ſ" for "s",
# and a phrase matched must be one the tables below can look up.
@dataclass(frozen=True)
class _PhrasePatterns:
    whole: re.Pattern[str]
    in_sentence: re.Pattern[str]
    day_month: re.Pattern[str]
    fillers: re.Pattern[str]


@cache
def _phrases() -> _PhrasePatterns:
    """The everyday-date patterns, compiled when first asked for: the chat needs them, the parser
    (and so `kkrbot parse`, which imports this module) does not."""
    return _PhrasePatterns(
        whole=re.compile(_phrase_pattern(in_sentence=False)),
        in_sentence=re.compile(rf"(?<![\w.,/-]){_phrase_pattern(in_sentence=True)}(?!\w)"),
        day_month=re.compile(rf"(?<![\w.,/-])(?:{_DAY_MONTH})(?!\w)"),
        fillers=re.compile(_FILLERS),
    )


_RELATIVE_BY_KEY = {_folded(phrase): days for phrase, days in RELATIVE_DAYS.items()}
_WEEKDAY_BY_KEY = {_folded(name): number for name, number in WEEKDAYS.items()}
_NEXT_KEYS = {_folded(word) for word in NEXT_WORDS}


def _normalised(text: str) -> str:
    """Lower case and single spaces, without the "?" or "." a question ends with."""
    return " ".join(text.lower().split()).rstrip("?.! ")


def _lowered(text: str) -> str:
    """Lower case letter for letter, so a span found in it is the same span in `text` ("İ" lowers to two)."""
    return "".join(lower if len(lower := c.lower()) == 1 else c for c in text)


def read_date(text: str, today: dt.date) -> DateWish | None:
    """The whole text read as a date phrase, or None when it is not one (a search word, "3.2",
    "31. februar"). dateparser reads only forms the rules do not know, and counts only when the day,
    month and year are all written."""
    phrase = _normalised(text)
    if m := _phrases().whole.fullmatch(phrase):
        return _wish_of(m, today, phrase)
    fillers = _phrases().fillers.match(phrase)
    rest = phrase[fillers.end() :] if fillers else phrase
    if _phrases().day_month.search(rest):
        return None  # the rules saw a date and something else around it: a guess would be worse
    return _day_wish(_written_date(rest), phrase)


def find_date_phrase(text: str, today: dt.date) -> tuple[DateWish, int, int] | None:
    """The first date phrase inside a longer sentence and its (start, end) span, the words around it
    ("på mødet i") included, so a caller can take it out and keep the rest as search words."""
    for m in _phrases().in_sentence.finditer(_lowered(text)):
        if wish := _wish_of(m, today, _normalised(m[0])):
            return wish, m.start(), m.end()
    return None


def pick_meeting_date(wish: DateWish, today: dt.date, meeting_dates: Sequence[dt.date]) -> dt.date | None:
    """The date to look a meeting up on, given the dates that have meetings (sorted or not).

    A day is itself; "næste møde" the first meeting from today on, "sidste møde" the latest before today;
    a month its meeting nearest to today (in any year when none was typed), None when it has none;
    "23. april" the nearest such date with a meeting, else the next such date from today on. Between
    two equally near meetings the coming one wins: members mostly prepare.
    """
    dates = sorted(set(meeting_dates))
    match wish:
        case DateWish(kind="day"):
            return wish.day
        case DateWish(kind="next"):
            return next((day for day in dates if day >= today), None)
        case DateWish(kind="latest"):
            return next((day for day in reversed(dates) if day < today), None)
        case DateWish(kind="month", month=int(month), year=year):
            return _nearest([d for d in dates if d.month == month and year in (None, d.year)], today)
        case DateWish(kind="day_of_month", month=int(month), day_of_month=int(day)):
            same_day = [d for d in dates if (d.month, d.day) == (month, day)]
            return _nearest(same_day, today) or _next_day_of_month(today, month, day)
    return None


def parse_danish_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date typed by a person, without the meeting dates: the day a phrase names, for "23. marts" the
    next such date from today on; None for what only meetings make a day ("marts", "næste møde")."""
    today = today or dt.date.today()
    wish = read_date(text, today)
    return pick_meeting_date(wish, today, ()) if wish else None


def _wish_of(m: re.Match[str], today: dt.date, text: str) -> DateWish | None:
    """The wish a matched phrase names; None for an impossible date ("31. februar", "30/2")."""
    if m["iso_d"]:
        return _day_wish(_make_date(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"])), text)
    if m["num_d"]:
        return _day_wish(_make_date(int(m["num_y"]), int(m["num_m"]), int(m["num_d"])), text)
    if m["word_d"]:
        month = MONTHS[m["word_m"]]
        if m["word_y"]:
            return _day_wish(_make_date(int(m["word_y"]), month, int(m["word_d"])), text)
        return _day_of_month_wish(month, int(m["word_d"]), text)
    if m["slash_d"]:
        return _day_of_month_wish(int(m["slash_m"]), int(m["slash_d"]), text)
    if m["relative"]:
        return _day_wish(_days_from(today, _RELATIVE_BY_KEY[_folded(m["relative"])]), text)
    if m["past_weekday"]:
        return _day_wish(_weekday_date(today, _WEEKDAY_BY_KEY[_folded(m["past_weekday"])], -1), text)
    if m["weekday"]:
        modifier = m["modifier"] and _folded(m["modifier"])
        direction = 0 if not modifier else 1 if modifier in _NEXT_KEYS else -1
        return _day_wish(_weekday_date(today, _WEEKDAY_BY_KEY[_folded(m["weekday"])], direction), text)
    if m["month"]:
        year = int(m["month_year"]) if m["month_year"] else None
        if year is not None and year < dt.MINYEAR:
            return None
        return DateWish("month", month=MONTHS[m["month"]], year=year, text=text)
    return DateWish("next" if m["next"] else "latest", text=text)


def _day_wish(day: dt.date | None, text: str) -> DateWish | None:
    return DateWish("day", day=day, text=text) if day is not None else None


def _day_of_month_wish(month: int, day: int, text: str) -> DateWish | None:
    """A day without a year; 2000 was a leap year, so "29. februar" is possible and "30. februar" not."""
    if _make_date(2000, month, day) is None:
        return None
    return DateWish("day_of_month", month=month, day_of_month=day, text=text)


def _days_from(today: dt.date, days: int) -> dt.date | None:
    try:
        return today + dt.timedelta(days=days)
    except OverflowError:
        return None


def _weekday_date(today: dt.date, weekday: int, direction: int) -> dt.date | None:
    """The `weekday` nearest today: from today on (0, "tirsdag", "på tirsdag"), after today (1, "næste
    tirsdag") or before today (-1, "sidste tirsdag", "i tirsdags")."""
    if direction < 0:
        return _days_from(today, -((today.weekday() - weekday - 1) % 7 + 1))
    return _days_from(today, (weekday - today.weekday() - direction) % 7 + direction)


def _nearest(days: Sequence[dt.date], today: dt.date) -> dt.date | None:
    return min(days, key=lambda day: (abs(day - today), day < today), default=None)


def _next_day_of_month(today: dt.date, month: int, day: int) -> dt.date | None:
    """The next `day`.`month` from today on; "29. februar" can be eight years away."""
    for year in range(today.year, today.year + 9):
        candidate = _make_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def _written_date(text: str) -> dt.date | None:
    """dateparser's date for a short text, kept only when its day, month and year are written there:
    it reads "for 2 dage siden 2022" relative to the clock, a date nobody typed."""
    day = _dateparser_date(text)
    if day is None:
        return None
    numbers = {int(n) for n in re.findall(r"\d+", text)}
    months = {MONTHS[word] for word in re.findall(r"[a-z]+", text.lower()) if word in MONTHS}
    written = (
        day.day in numbers
        and (day.month in numbers or day.month in months)
        and (day.year in numbers or day.year % 100 in numbers)
    )
    return day if written else None
