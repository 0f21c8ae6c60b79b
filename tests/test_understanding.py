"""Members' own words in, what they asked for out: the understanding layer read as a table.

Choices the table pins: an empty message, only punctuation, an unknown emoji or only question words
("hvad?") are help, since there is nothing to search for; "ok" or "super" alone is thanks; a council
named alone asks for its next meeting; a date alone asks for the meeting on that date; a date in a
decision or search question is left out of the topic words, as search needs every word to occur.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.understanding import Focus, Intent, understand

COUNCILS = ["KD-Net", "KKR Midtjylland", "KKR Nordjylland"]
LONG_QUESTION = "hvad blev besluttet om " + "klimahandlingsplanen " * 150 + "?"


def meeting(words: str = "", council: str | None = None, focus: Focus = "all") -> Intent:
    return Intent("next_meeting", council=council, focus=focus, words=words)


def item(number: str, words: str = "", council: str | None = None, focus: Focus = "all") -> Intent:
    return Intent("item", council=council, number=number, focus=focus, words=words)


def decision(words: str, council: str | None = None) -> Intent:
    return Intent("decision", council=council, focus="decision", words=words)


def search(words: str, council: str | None = None, focus: Focus = "all") -> Intent:
    return Intent("search", council=council, focus=focus, words=words)


def guessed(words: str, council: str | None = None) -> Intent:
    return Intent("search", council=council, words=words, guessed=True)


GREETING, THANKS, HELP = Intent("greeting"), Intent("thanks"), Intent("help")

READINGS = [
    # The next meeting, with a council or a date when one is named
    ("hvornår er næste møde?", meeting()),
    ("hvornår mødes vi?", meeting()),
    ("hvornår mødes KD-Net?", meeting(council="KD-Net")),
    ("hvad skal vi på næste møde", meeting()),
    ("næste møde", meeting()),
    ("Næste   MØDE!!", meeting()),
    ("naeste moede", meeting()),
    ("hvornaar moedes vi", meeting()),
    ("hvornår er der møde i KKR Nordjylland", meeting(council="KKR Nordjylland")),
    ("hvornår mødes nordjyllands KKR", meeting(council="KKR Nordjylland")),
    ("hvad er på dagsordenen", meeting()),
    ("dagsorden", meeting()),
    ("hvad er på dagsordenen den 23. marts", meeting("den 23. marts")),
    ("hvad skal vi på mødet i juni", meeting("på mødet i juni")),
    ("hvad er på dagsordenen i morgen?", meeting("i morgen")),
    ("hvornår ses vi næste gang", meeting()),
    ("kommende møder i kd-net", meeting(council="KD-Net")),
    ("KD-Net", meeting(council="KD-Net")),  # a council alone: its next meeting
    ("23. marts 2022", meeting("23. marts 2022")),  # a date alone: that meeting
    ("23.3.2022", meeting("23.3.2022")),
    ("punkt 23. marts", meeting("23. marts")),  # "punkt" with only a date after it is no item
    ("hvad er indstillingerne til næste møde", meeting(focus="recommendation")),
    ("hvad blev besluttet på mødet den 23. marts", meeting("på mødet den 23. marts", focus="decision")),
    ("hvad blev besluttet på sidste møde?", meeting("på sidste møde", focus="decision")),
    ("hej, hvornår mødes vi? tak", meeting()),
    ("Hvornår holder KKR Midtjylland næste møde?", meeting(council="KKR Midtjylland")),
    ("hvad er datoen for næste møde i midtjylland", meeting(council="KKR Midtjylland")),
    # One item
    ("punkt 3.2", item("3.2")),
    ("3.2", item("3.2")),
    ("3,2", item("3.2")),
    ("pkt. 3.2", item("3.2")),
    ("Punkt 3,2?", item("3.2")),
    ("punkt 3 2", item("3.2")),
    ("punkt 10.1", item("10.1")),
    ("punkt nr. 7", item("7")),
    ("hvad står der i punkt 3.2?", item("3.2")),
    ("fortæl om punkt 4", item("4")),
    ("hvad står der i 3.2", item("3.2")),
    ("hvad indstilles der i punkt 3.4?", item("3.4", focus="recommendation")),
    ("hvad er indstillingen til 3.4", item("3.4", focus="recommendation")),
    ("hvem fremlægger punkt 4.1?", item("4.1", focus="presenter")),
    ("hvem har punkt 2", item("2", focus="presenter")),
    ("hvad blev besluttet på punkt 3.2", item("3.2", focus="decision")),
    ("beslutningen i pkt 5", item("5", focus="decision")),
    ("punkt 3.2 den 23. marts 2022", item("3.2", "den 23. marts 2022")),
    ("punkt 3.2 på mødet i april", item("3.2", "på mødet i april")),
    ("punkt 3.2 23.3.2022", item("3.2", "23.3.2022")),  # the date is no item number
    ("punkt 3.2 den 4.3", item("3.2", "den 4.3")),  # "den 4.3" is the 4th of March
    ("punkt 5 2022", item("5", "2022")),  # a year is no item number
    ("punkt 5 i KD-Net", item("5", council="KD-Net")),
    (
        "hvad står der i KD-Net punkt 3.1 fra mødet den 20. august 2021",
        item("3.1", "fra mødet den 20. august 2021", "KD-Net"),
    ),
    ("punkt 3.2 i kdnet", item("3.2", council="KD-Net")),
    ("paa moedet i april punkt 3.2", item("3.2", "paa moedet i april")),
    # Decisions: the topic as written, question and filler words, council and KKR taken out
    ("hvad blev besluttet om klimahandlingsplanen?", decision("klimahandlingsplanen")),
    ("hvad besluttede KKR om sundhedsaftalen", decision("sundhedsaftalen")),
    ("beslutningen om FGU", decision("FGU")),
    ("hvad blev der vedtaget om ungeindsatsen", decision("ungeindsatsen")),
    ("hvad besluttede nordjyllands KKR om FGU", decision("FGU", "KKR Nordjylland")),
    ("hvad blev besluttet om FGU den 23. marts", decision("FGU")),  # the date is not a search word
    ("hvad blev godkendt vedrørende budgettet i KKR Midtjylland", decision("budgettet", "KKR Midtjylland")),
    ("hvad står der i referatet om sygehusbyggeri", decision("sygehusbyggeri")),
    ("hvilke beslutninger blev truffet om praksisplanen", decision("praksisplanen")),
    (LONG_QUESTION, decision(" ".join(["klimahandlingsplanen"] * 150))),
    # Greetings, thanks and help
    ("hej", GREETING),
    ("Hejsa!", GREETING),
    ("goddag", GREETING),
    ("godmorgen", GREETING),
    ("god morgen", GREETING),
    ("hej med dig", GREETING),
    ("👋", GREETING),
    ("tak", THANKS),
    ("mange tak", THANKS),
    ("tusind tak!", THANKS),
    ("tak for hjælpen", THANKS),
    ("mange tak for hjælpen", THANKS),
    ("tusind tak for det", THANKS),
    ("tak for et hurtigt svar", THANKS),
    ("super, tak", THANKS),
    ("tak for i dag", THANKS),
    ("1000 tak", THANKS),  # thanks, not the meeting of today
    ("ok", THANKS),  # an acknowledgement ends a conversation as a thanks does
    ("👍", THANKS),
    ("hjælp", HELP),
    ("hvad kan du?", HELP),
    ("hvordan bruger jeg dig", HELP),
    ("hvem er du?", HELP),
    ("", HELP),  # nothing to search for
    ("   ", HELP),
    ("?!", HELP),
    ("🤔", HELP),
    ("hvad?", HELP),  # question words only
    ("hvornår og hvordan", HELP),
    # Searches: a question frame taken off, or the text as written (guessed)
    ("klimastrategi", guessed("klimastrategi")),
    ("sundhedsaftaler", guessed("sundhedsaftaler")),
    ("FGU Danmark", guessed("FGU Danmark")),
    ("5", guessed("5")),  # a lone integer is no item
    ("2022", guessed("2022")),
    ("3,2 mio. kr.", guessed("3,2 mio kr")),  # an amount is no item
    ("hjælp til ældre", guessed("hjælp til ældre")),
    ("klimastrategi 🌍", guessed("klimastrategi")),
    ("KD-Net klimastrategi", guessed("klimastrategi", "KD-Net")),
    ("hvad ved du om sygeplejersker?", search("sygeplejersker")),
    ("fortæl mig om FGU Danmark", search("FGU Danmark")),
    ("er der noget om Midttrafik i KKR Midtjylland?", search("Midttrafik", "KKR Midtjylland")),
    ("står klimaplanen på dagsordenen?", search("klimaplanen")),
    ("hvornår er næste møde om klima", search("klima")),
    ("hvad er indstillingen om FGU", search("FGU", focus="recommendation")),
    ("hvornår er mødet i Region Midtjylland", search("Region Midtjylland")),  # the region, not the KKR
    ("om sundhedsaftalen", search("sundhedsaftalen")),
]


@pytest.mark.parametrize(
    ("text", "expected"), READINGS, ids=[text[:40] or repr(text) for text, _ in READINGS]
)
def test_understand(text: str, expected: Intent) -> None:
    assert understand(text, COUNCILS) == expected


def test_without_councils_no_council_is_read() -> None:
    assert understand("punkt 5 i KD-Net") == item("5", "KD-Net")  # the name stays a word
    assert understand("KD-Net klimastrategi") == guessed("KD-Net klimastrategi")


def test_kkr_alone_is_the_one_kkr_when_only_one_is_known() -> None:
    assert understand("hvornår mødes KKR?", ["KD-Net", "KKR Midtjylland"]) == meeting(
        council="KKR Midtjylland"
    )


def test_the_first_council_named_is_the_one_read_and_all_are_taken_out() -> None:
    assert understand("hvad besluttede KD-Net og KKR Nordjylland om FGU", COUNCILS) == decision(
        "FGU", "KD-Net"
    )


NUMBER_SHAPE = re.compile(r"[0-9]{1,2}(\.[0-9]{1,2})?")
SEEDS = [
    "punkt",
    "pkt.",
    "3.2",
    "3,2",
    " ",
    "den",
    "23.",
    "marts",
    "2022",
    "KD-Net",
    "hvad",
    "tak",
    "møde",
    "æ",
]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(SEEDS) | st.text(max_size=4)).map(" ".join)))
def test_understand_never_raises_and_numbers_look_like_items(text: str) -> None:
    intent = understand(text, COUNCILS)
    assert isinstance(intent, Intent)
    assert intent.number is None or NUMBER_SHAPE.fullmatch(intent.number), intent.number
    assert (intent.kind == "item") == (intent.number is not None)
