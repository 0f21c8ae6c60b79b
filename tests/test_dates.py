"""Dates as members type them: the phrase read into a wish, and the meeting date the wish points at."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dates import (
    FILLER_WORDS,
    LATEST_WORDS,
    MONTHS,
    NEXT_WORDS,
    RELATIVE_DAYS,
    WEEKDAYS,
    DateWish,
    find_date_phrase,
    parse_danish_date,
    pick_meeting_date,
    read_date,
)

TODAY = dt.date(2022, 3, 20)  # a Sunday
# the fixture meetings, a second one in March 2022, an earlier March, a later April on the 23rd and a leap day
MEETINGS = [
    dt.date(2024, 2, 29),
    dt.date(2021, 4, 23),
    dt.date(2021, 8, 20),
    dt.date(2022, 3, 9),
    dt.date(2022, 3, 23),
    dt.date(2022, 6, 14),
    dt.date(2020, 3, 11),
    dt.date(2023, 4, 23),
]  # not sorted: the callers need not sort


def day(year: int, month: int, day: int, text: str) -> DateWish:
    return DateWish("day", day=dt.date(year, month, day), text=text)


def month(number: int, year: int | None, text: str) -> DateWish:
    return DateWish("month", month=number, year=year, text=text)


def day_of_month(number: int, month: int, text: str) -> DateWish:
    return DateWish("day_of_month", month=month, day_of_month=number, text=text)


@pytest.mark.parametrize(
    ("text", "wish"),
    [
        # days counted from today
        ("i dag", day(2022, 3, 20, "i dag")),
        ("idag", day(2022, 3, 20, "idag")),
        ("I dag?", day(2022, 3, 20, "i dag")),
        ("i morgen", day(2022, 3, 21, "i morgen")),
        ("imorgen", day(2022, 3, 21, "imorgen")),
        ("i overmorgen", day(2022, 3, 22, "i overmorgen")),
        ("i går", day(2022, 3, 19, "i går")),
        ("igår", day(2022, 3, 19, "igår")),
        ("i gaar", day(2022, 3, 19, "i gaar")),
        ("i forgårs", day(2022, 3, 18, "i forgårs")),
        # written dates
        ("14. juni 2022", day(2022, 6, 14, "14. juni 2022")),
        ("14 juni 2022", day(2022, 6, 14, "14 juni 2022")),
        ("14. jun. 2022", day(2022, 6, 14, "14. jun. 2022")),
        ("14.6.2022", day(2022, 6, 14, "14.6.2022")),
        ("14-06-2022", day(2022, 6, 14, "14-06-2022")),
        ("14/6-2022", day(2022, 6, 14, "14/6-2022")),
        ("2022-06-14", day(2022, 6, 14, "2022-06-14")),
        ("  Den  14. JUNI 2022. ", day(2022, 6, 14, "den 14. juni 2022")),
        ("mødet den 14. juni 2022?", day(2022, 6, 14, "mødet den 14. juni 2022")),
        ("14.6.22", day(2022, 6, 14, "14.6.22")),  # dateparser, its day, month and year all written
        ("19/1 2022", day(2022, 1, 19, "19/1 2022")),
        # weekdays: from today on, after today, before today
        ("søndag", day(2022, 3, 20, "søndag")),
        ("tirsdag", day(2022, 3, 22, "tirsdag")),
        ("på tirsdag", day(2022, 3, 22, "på tirsdag")),
        ("paa loerdag", day(2022, 3, 26, "paa loerdag")),
        ("næste tirsdag", day(2022, 3, 22, "næste tirsdag")),
        ("Næste onsdag?", day(2022, 3, 23, "næste onsdag")),
        ("næste søndag", day(2022, 3, 27, "næste søndag")),
        ("kommende fredag", day(2022, 3, 25, "kommende fredag")),
        ("sidste tirsdag", day(2022, 3, 15, "sidste tirsdag")),
        ("forrige søndag", day(2022, 3, 13, "forrige søndag")),
        ("i tirsdags", day(2022, 3, 15, "i tirsdags")),
        ("i lørdags", day(2022, 3, 19, "i lørdags")),
        ("tirsdag den 14. juni 2022", day(2022, 6, 14, "tirsdag den 14. juni 2022")),
        ("mandag den 14. juni 2022", day(2022, 6, 14, "mandag den 14. juni 2022")),  # the date wins
        # a month
        ("juni 2022", month(6, 2022, "juni 2022")),
        ("i juni 2022", month(6, 2022, "i juni 2022")),
        ("marts", month(3, None, "marts")),
        ("i marts", month(3, None, "i marts")),
        ("på mødet i marts?", month(3, None, "på mødet i marts")),
        ("jun", month(6, None, "jun")),
        ("sept.", month(9, None, "sept")),
        ("maj", month(5, None, "maj")),
        # a day without a year
        ("23. april", day_of_month(23, 4, "23. april")),
        ("den 23. april", day_of_month(23, 4, "den 23. april")),
        ("d. 23/4", day_of_month(23, 4, "d. 23/4")),
        ("23/4", day_of_month(23, 4, "23/4")),
        ("tirsdag den 14. juni", day_of_month(14, 6, "tirsdag den 14. juni")),
        ("29. februar", day_of_month(29, 2, "29. februar")),
        # a meeting
        ("næste", DateWish("next", text="næste")),
        ("næste møde", DateWish("next", text="næste møde")),
        ("til næste møde", DateWish("next", text="til næste møde")),
        ("naeste moede", DateWish("next", text="naeste moede")),
        ("kommende", DateWish("next", text="kommende")),
        ("seneste", DateWish("latest", text="seneste")),
        ("sidste", DateWish("latest", text="sidste")),
        ("forrige", DateWish("latest", text="forrige")),
        ("seneste møde", DateWish("latest", text="seneste møde")),
        ("fra sidste møde", DateWish("latest", text="fra sidste møde")),
        ("det forrige møde", DateWish("latest", text="det forrige møde")),
        # not a date
        ("31. februar", None),
        ("30/2", None),
        ("31/4", None),
        ("14/13", None),
        ("32. marts 2022", None),
        ("klima", None),
        ("punkt 3.2", None),
        ("3.2", None),
        ("3", None),
        ("2022", None),
        ("", None),
        ("mødet", None),
        ("i sidste uge", None),
        ("næste skridt", None),
        ("for 2 dage siden 2022", None),  # dateparser would count back from the clock
        ("14. juni 2022 om klima", None),
    ],
)
def test_a_date_phrase_read_as_typed(text: str, wish: DateWish | None) -> None:
    assert read_date(text, TODAY) == wish


def pick(text: str, today: dt.date = TODAY, meetings: list[dt.date] = MEETINGS) -> dt.date | None:
    wish = read_date(text, today)
    return pick_meeting_date(wish, today, meetings) if wish else None


@pytest.mark.parametrize(
    ("text", "today", "want"),
    [
        # a day is itself, with a meeting or not (the caller names the nearest ones)
        ("14. juni 2022", TODAY, dt.date(2022, 6, 14)),
        ("1. maj 2021", TODAY, dt.date(2021, 5, 1)),
        ("næste onsdag", TODAY, dt.date(2022, 3, 23)),
        ("i tirsdags", TODAY, dt.date(2022, 3, 15)),
        # a month with its year: its meeting nearest to today
        ("marts 2022", TODAY, dt.date(2022, 3, 23)),
        ("marts 2022", dt.date(2022, 3, 10), dt.date(2022, 3, 9)),
        ("marts 2020", TODAY, dt.date(2020, 3, 11)),
        ("i april 2021", TODAY, dt.date(2021, 4, 23)),
        ("maj 2022", TODAY, None),
        # a month without a year: the meeting in such a month nearest to today, past or future
        ("marts", TODAY, dt.date(2022, 3, 23)),
        ("marts", dt.date(2022, 3, 16), dt.date(2022, 3, 23)),  # a week either way: the coming one
        ("marts", dt.date(2023, 1, 1), dt.date(2022, 3, 23)),  # no March 2023 meeting: the last one
        ("april", TODAY, dt.date(2021, 4, 23)),
        ("april", dt.date(2022, 10, 1), dt.date(2023, 4, 23)),
        ("i august", TODAY, dt.date(2021, 8, 20)),
        ("feb", TODAY, dt.date(2024, 2, 29)),
        ("maj", TODAY, None),
        # a day without a year: the nearest such date with a meeting, else the next such date
        ("23. april", TODAY, dt.date(2021, 4, 23)),
        ("23. april", dt.date(2022, 10, 1), dt.date(2023, 4, 23)),
        ("23/3", TODAY, dt.date(2022, 3, 23)),
        ("tirsdag den 14. juni", TODAY, dt.date(2022, 6, 14)),
        ("29. februar", TODAY, dt.date(2024, 2, 29)),
        ("1. maj", TODAY, dt.date(2022, 5, 1)),
        ("20. marts", TODAY, dt.date(2022, 3, 20)),  # today is "from today on"
        ("19. marts", TODAY, dt.date(2023, 3, 19)),
        ("31. februar", TODAY, None),
        ("30/2", TODAY, None),
        # the next meeting: from today on
        ("næste møde", TODAY, dt.date(2022, 3, 23)),
        ("næste", dt.date(2022, 3, 23), dt.date(2022, 3, 23)),  # a meeting today
        ("kommende", dt.date(2020, 1, 1), dt.date(2020, 3, 11)),  # before every meeting
        ("næste møde", dt.date(2024, 3, 1), None),  # no later meeting
        # the latest meeting: before today
        ("seneste møde", TODAY, dt.date(2022, 3, 9)),
        ("sidste", dt.date(2022, 3, 23), dt.date(2022, 3, 9)),  # today's meeting is not the latest one
        ("forrige møde", dt.date(2030, 1, 1), dt.date(2024, 2, 29)),
        ("seneste", dt.date(2020, 3, 11), None),  # the only earlier one is today
        ("seneste", dt.date(2020, 1, 1), None),  # no earlier meeting
    ],
)
def test_the_meeting_date_a_wish_points_at(text: str, today: dt.date, want: dt.date | None) -> None:
    assert pick(text, today) == want


def test_without_meetings_only_days_are_dates() -> None:
    assert pick("næste møde", meetings=[]) is None
    assert pick("seneste møde", meetings=[]) is None
    assert pick("marts 2022", meetings=[]) is None
    assert pick("23. april", meetings=[]) == dt.date(2022, 4, 23)
    assert pick("29. februar", meetings=[]) == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text", ["marts", "marts 2022", "i juni 2022", "sept", "mødet i maj"])
def test_a_month_alone_never_takes_todays_day_of_the_month(text: str) -> None:
    for offset in range(31):
        today = dt.date(2022, 3, 1) + dt.timedelta(days=offset)
        wish = read_date(text, today)
        assert wish is not None and wish.kind == "month" and wish.day is None
        assert parse_danish_date(text, today) is None
        assert pick(text, today) in [*MEETINGS, None]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("14. juni 2022", dt.date(2022, 6, 14)),
        ("23. marts", dt.date(2022, 3, 23)),
        ("19. marts", dt.date(2023, 3, 19)),
        ("næste onsdag", dt.date(2022, 3, 23)),
        ("marts", None),
        ("næste møde", None),
        ("3.2", None),
    ],
)
def test_parse_danish_date_is_the_day_without_meetings(text: str, want: dt.date | None) -> None:
    assert parse_danish_date(text, TODAY) == want


@pytest.mark.parametrize(
    ("sentence", "phrase", "rest"),
    [
        ("klima på mødet i marts", "på mødet i marts", "klima "),
        ("hvad skete der i tirsdags om klima", "i tirsdags", "hvad skete der  om klima"),
        ("Sundhedsaftaler til næste møde?", "til næste møde", "Sundhedsaftaler ?"),
        ("punkt 3.2 marts 2022", "marts 2022", "punkt 3.2 "),
        ("31. februar eller 1. marts", "1. marts", "31. februar eller "),
    ],
)
def test_a_date_phrase_inside_a_sentence_can_be_taken_out(sentence: str, phrase: str, rest: str) -> None:
    found = find_date_phrase(sentence, TODAY)
    assert found is not None
    wish, start, end = found
    assert sentence[start:end] == phrase and wish.text == phrase.lower()
    assert sentence[:start] + sentence[end:] == rest


@pytest.mark.parametrize("sentence", ["næste skridt for klimaet", "den sidste frist", "punkt 3.2", "klima"])
def test_sentences_without_a_date(sentence: str) -> None:
    assert find_date_phrase(sentence, TODAY) is None


WORDS = [
    *FILLER_WORDS, *WEEKDAYS, *MONTHS, *RELATIVE_DAYS, *NEXT_WORDS, *LATEST_WORDS,
    "møde", "det", "i", "tirsdags", "23.", "23", "31.", "29.", "3.2", "23/4", "30/2", "2022", "14.6.2022",
    "2022-06-14", "?", "klima", "kl. 10",
]  # fmt: skip
PHRASES = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


@settings(deadline=None)
@given(
    text=st.one_of(st.text(max_size=50), PHRASES),
    today=st.dates(),
    meetings=st.one_of(st.just(MEETINGS), st.lists(st.dates(), max_size=6)),
)
def test_any_text_is_a_wish_or_none_and_its_pick_a_meeting_or_its_own_day(
    text: str, today: dt.date, meetings: list[dt.date]
) -> None:
    wish = read_date(text, today)
    found = find_date_phrase(text, today)
    if found is not None:
        assert found[0].text == " ".join(text[found[1] : found[2]].lower().split()).rstrip("?.! ")
    if wish is None:
        return
    picked = pick_meeting_date(wish, today, meetings)
    if picked is None or picked in meetings or picked == wish.day:
        return
    assert wish.kind == "day_of_month"  # the day it names, in the coming year: no meeting has it
    assert (picked.month, picked.day) == (wish.month, wish.day_of_month) and picked >= today
