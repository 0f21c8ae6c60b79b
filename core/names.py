"""People's names and parties as the secretariat and the documents write them.

A person is the same person whatever the case, spacing or party spelling: "Anders Kühnau (A)",
"anders  kühnau" with party "S" and "Socialdemokratiet" are one person. Used by the register
reader, the storage that matches people, and the reading of appointments in documents.
"""

from __future__ import annotations

import re
import unicodedata

# The roles a person can hold in an organization, as the register and the documents write them.
ROLES = ("formand", "næstformand", "medlem", "suppleant", "observatør")
# Ballot letter -> every spelling that means the party (letters, parliament abbreviations, names).
PARTIES: dict[str, tuple[str, ...]] = {
    "A": ("a", "s", "soc", "socialdemokratiet", "socialdemokraterne"),
    "B": ("b", "rv", "radikale", "radikale venstre", "det radikale venstre"),
    "C": ("c", "kf", "konservative", "det konservative folkeparti", "konservative folkeparti"),
    "D": ("d", "nb", "nye borgerlige"),
    "F": ("f", "sf", "socialistisk folkeparti"),
    "I": ("i", "la", "liberal alliance"),
    "K": ("k", "kd", "kristendemokraterne"),
    "M": ("m", "moderaterne"),
    "O": ("o", "df", "dansk folkeparti"),
    "V": ("v", "venstre", "venstre, danmarks liberale parti", "danmarks liberale parti"),
    "Æ": ("æ", "dd", "danmarksdemokraterne", "danmarksdemokraterne - inger støjberg"),
    "Ø": ("ø", "el", "enhedslisten", "enhedslisten - de rød-grønne"),
    "Å": ("å", "alt", "alternativet"),
}
PARTY_BY_SPELLING = {spelling: letter for letter, spellings in PARTIES.items() for spelling in spellings}

_NAME_WITH_PARTY = re.compile(r"^(?P<name>.*?)\s*\((?P<party>[^()]+)\)\s*$")


def clean_text(value: str) -> str:
    """NFC, no BOM or non-breaking spaces, single spaces, no spaces at the ends."""
    return " ".join(unicodedata.normalize("NFC", value).replace("\ufeff", "").split())


def name_key(value: str) -> str:
    """What two spellings of one name have in common: case and spacing do not matter."""
    return clean_text(value).casefold()


def party_letter(value: str) -> str | None:
    """The ballot letter for a party spelling ("S", "sf", "Socialdemokratiet"), None if unknown."""
    return PARTY_BY_SPELLING.get(name_key(value).strip(".() "))


def normalize_party(value: str) -> str | None:
    """The stored form of a party: its ballot letter if known, else the text as written; None if empty."""
    text = clean_text(value)
    if not text:
        return None
    return party_letter(text) or text


def split_name_and_party(value: str) -> tuple[str, str | None]:
    """ "Anders Kühnau (A)" -> ("Anders Kühnau", "A"); a name without a known party in brackets is kept."""
    text = clean_text(value)
    match = _NAME_WITH_PARTY.match(text)
    if match and party_letter(match["party"]) is not None:
        return match["name"], party_letter(match["party"])
    return text, None


def display_name(value: str) -> str:
    """A name as people write it: "anders kühnau" or "ANDERS KÜHNAU" becomes "Anders Kühnau"."""
    if value.islower() or value.isupper():
        return value.title()
    return value
