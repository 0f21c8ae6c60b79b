"""The HTML building blocks: escaping, Danish dates, callback data, splitting and plain text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_bot_api import format_text
from texts import body
from texts.callbacks import (
    Action,
    Pressed,
    case_callback,
    item_callback,
    meeting_callback,
    nav_callback,
    parse_callback,
)
from texts.dates import danish_date, danish_time, when
from texts.html import bold, esc, link, plain_text, split_html
from texts.replies import Button, to_replies


def visible(html: str) -> str:
    """The text Telegram shows for `html`, or HtmlParseError when Telegram would refuse it."""
    return format_text(html, "HTML").text


def test_escaping_keeps_hostile_text_as_text() -> None:
    assert visible(bold("<script>&")) == "<script>&"
    assert visible(esc("a < b & c > d")) == "a < b & c > d"
    html = link('https://example.dk/?a=1&b="2"', "<Bilag>")
    assert visible(html) == "<Bilag>"
    assert format_text(html, "HTML").entities[0]["url"] == 'https://example.dk/?a=1&b="2"'


def test_danish_dates_and_times() -> None:
    assert danish_date(dt.date(2022, 6, 14)) == "tirsdag den 14. juni 2022"
    assert danish_time(dt.time(9, 30)) == "9.30"
    assert when(dt.date(2022, 6, 14), dt.time(9, 30)) == "tirsdag den 14. juni 2022 kl. 9.30"
    assert (
        when(dt.date(2021, 8, 20), dt.time(10), dt.time(12)) == "fredag den 20. august 2021 kl. 10.00-12.00"
    )
    assert when(dt.date(2021, 8, 20), None) == "fredag den 20. august 2021"


def test_callback_data_round_trips_and_stays_short() -> None:
    assert parse_callback(item_callback(12, "3.2")) == Pressed(Action.ITEM, 12, "3.2")
    assert parse_callback(nav_callback(12, "10")) == Pressed(Action.NAV, 12, "10")
    assert parse_callback(case_callback(7, "4.6")) == Pressed(Action.CASE, 7, "4.6")
    assert parse_callback(meeting_callback(3)) == Pressed(Action.MEETING, 3)
    with pytest.raises(ValueError):
        item_callback(1, "9" * 80)


def test_paragraphs_are_joined_until_the_limit() -> None:
    paragraphs = [bold(f"Punkt {n}") + "\n" + esc("tekst & mere " * 5) for n in range(40)]
    messages = split_html(paragraphs, limit=300)
    assert len(messages) > 1
    assert all(len(m) <= 300 for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(paragraphs)  # cut only between paragraphs
    for message in messages:
        visible(message)


def test_an_over_long_paragraph_is_cut_at_spaces_into_valid_pieces() -> None:
    words = " ".join(f"ord{n} &amp; <" for n in range(400))
    paragraph = f"<b>Overskrift</b>\n<i>{esc(words)}</i> slut"
    messages = split_html([paragraph], limit=200)
    assert len(messages) > 5
    for message in messages:
        assert len(message) <= 200
        visible(message)  # every piece has its tags closed and no entity cut in half
    shown = " ".join(visible(m) for m in messages)
    assert shown.split() == visible(paragraph).split()


def test_a_word_longer_than_a_message_is_cut_without_breaking_entities() -> None:
    word = "a&amp;b" * 100
    messages = split_html([f"<b>{word}</b>"], limit=50)
    assert all(len(m) <= 50 for m in messages)
    assert "".join(visible(m) for m in messages) == "a&b" * 100


def test_plain_text_for_the_terminal() -> None:
    html = f"{bold('3.2 <Klima>')}\n{link('https://kl.dk/a?b=1&c=2', 'Dagsorden (PDF)')}"
    assert plain_text(html) == "3.2 <Klima>\nDagsorden (PDF) (https://kl.dk/a?b=1&c=2)"


def test_buttons_go_under_the_last_message() -> None:
    button = Button("3.2", item_callback(1, "3.2"))
    replies = to_replies(["x" * 3000, "y" * 3000], [[button]], edit=True)
    assert [bool(r.buttons) for r in replies] == [False, True]
    assert [r.edit for r in replies] == [True, False]


_WORDS = st.text(alphabet="abcæøå <>&\n", min_size=0, max_size=60)


@st.composite
def _paragraphs(draw: st.DrawFn) -> str:
    """A paragraph as handlers build it: escaped text, some of it inside (nested) tags."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        text = esc(draw(_WORDS))
        tag = draw(st.sampled_from(["", "b", "i", "bi"]))
        if tag == "bi":
            text = f"<b>x <i>{text}</i></b>"
        elif tag:
            text = f"<{tag}>{text}</{tag}>"
        parts.append(text)
    return " ".join(parts)


@settings(max_examples=150, deadline=None)
@given(paragraphs=st.lists(_paragraphs(), min_size=1, max_size=8), limit=st.integers(40, 400))
def test_split_html_always_gives_valid_short_messages(paragraphs: list[str], limit: int) -> None:
    messages = split_html(paragraphs, limit=limit)
    for message in messages:
        assert len(message) <= limit
        visible(message)
    expected = "".join("".join(visible(p).split()) for p in paragraphs if p.strip() and visible(p).strip())
    assert "".join("".join(visible(m).split()) for m in messages) == expected


def test_document_text_keeps_lines_and_bullets() -> None:
    text = "Det indstilles, at:\n\n– KKR  Midtjylland\tgodkender,\n– anbefaler.  "
    assert body.html(text) == "Det indstilles, at:\n– KKR Midtjylland godkender,\n– anbefaler."


def test_document_markup_becomes_headings_bullets_and_references() -> None:
    text = "\n".join(
        [
            "# Baggrund",
            "KKR skal  tage stilling.",
            "- første",
            "  - under",
            "    - dybere",
            "./. Plan for <klima>",
        ]
    )
    assert body.lines(text) == [
        "<b>Baggrund</b>",
        "KKR skal tage stilling.",
        "• første",
        "   ◦ under",
        "      ▪ dybere",
        "📎 Plan for &lt;klima&gt;",
    ]
    assert all(visible(line) for line in body.lines(text))  # Telegram takes every line
    assert body.plain(text) == "Baggrund KKR skal tage stilling. første under dybere Plan for <klima>"


def test_a_sub_heading_stays_with_its_paragraph_and_a_list_stays_together() -> None:
    text = "# Formålet\nSundhed er.\nTekst to.\n- a\n  - b\n- c\nSlut."
    assert body.paragraphs(text) == ["<b>Formålet</b>\nSundhed er.", "Tekst to.", "• a\n   ◦ b\n• c", "Slut."]
