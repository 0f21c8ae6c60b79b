"""Appointment decisions written in an agenda item: who is appointed where, and whom they replace.

KKR and KD-Net items under "Udpegninger" say it in a few fixed Danish turns of phrase, e.g.
"Steen Stavnsbo (C) ønsker at overdrage pladsen i bestyrelsen for CDEU til Purnima Erichsen (C)"
or "Peter Sinding Poulsen overtager Lauge Clemmensens plads ... i Uddannelsesstyregruppen".
What is found here is only a proposal: the names are as written, and a person decides (storage
keeps them until an administrator confirms). A sentence that names no one, such as "KKR udpeger to
politiske repræsentanter", yields nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache

from core.names import ROLES
from parsing.model import AppointmentChange, ParsedItem

_UPPER = "A-ZÆØÅÉÜÖÄ"
_WORD = rf"[{_UPPER}][\w\-’']*"
# A name: two to four capitalised words, optionally followed by a party in brackets: "Purnima Erichsen (C)"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{1,3}}"
_PARTY = r"(?:\s*\((?P<{}>[A-ZÆØÅa-zæøå]{{1,3}})\))?"
# Where the organization's name ends: punctuation or the words that follow it in these sentences.
_ORG_END = (
    r"(?=\s*(?:[.;:,]\s|[.;:]?$|\s+(?:som|resten|for\s+resten|med\s+virkning|fra|til|i\s+stedet|"
    r"pr\.|per|efter|og\s+at|indtil)\b))"
)
_ORG = rf"(?P<org>[\w(][^.;:\n]*?){_ORG_END}"
_SEAT = r"(?:pladsen|posten|sædet|sin\s+plads|sin\s+post|sit\s+sæde)"
_ROLE = rf"(?:som\s+(?P<role>{'|'.join(ROLES)})\s+)?"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """The sentences that change an appointment, compiled when first needed (most files have none)."""
    return (
        # "Steen Stavnsbo (C) ønsker at overdrage pladsen i bestyrelsen for CDEU til Purnima Erichsen (C)"
        re.compile(
            rf"(?P<old>{_NAME}){_PARTY.format('old_party')}\s+(?:ønsker\s+at\s+)?(?:overdrage|overdrager)\s+"
            rf"{_SEAT}\s+(?:i|som\s+\w+\s+i)\s+{_ORG}\s+til\s+(?P<new>{_NAME}){_PARTY.format('party')}"
        ),
        # "Peter Sinding Poulsen overtager Lauge Clemmensens plads som Silkeborgs repræsentant i X"
        re.compile(
            rf"(?P<new>{_NAME}){_PARTY.format('party')}\s+overtager\s+(?P<genitive>{_NAME})\s+"
            rf"(?:plads|post|sæde)(?:\s+som\s+[^.;]*?)?\s+i\s+{_ORG}"
        ),
        # "Peter Sinding Poulsen overtager Silkeborgs plads i Uddannelsesstyregruppen fra Lauge Clemmensen"
        re.compile(
            rf"(?P<new>{_NAME}){_PARTY.format('party')}\s+overtager\s+(?:\w+s\s+)?(?:plads|post|sæde)"
            rf"(?:\s+som\s+[^.;]*?)?\s+i\s+{_ORG}\s+(?:fra|efter)\s+(?P<old>{_NAME})"
        ),
        # "Anne Hansen (A) indtræder i X i stedet for Bo Jensen (A)"
        re.compile(
            rf"(?P<new>{_NAME}){_PARTY.format('party')}\s+(?:indtræder|træder\s+ind)\s+{_ROLE}i\s+{_ORG}\s+"
            rf"i\s+stedet\s+for\s+(?P<old>{_NAME})"
        ),
        # "Anne Hansen erstatter Bo Jensen i X"
        re.compile(
            rf"(?P<new>{_NAME}){_PARTY.format('party')}\s+erstatter\s+(?P<old>{_NAME})\s+{_ROLE}i\s+{_ORG}"
        ),
        # "Anne Hansen (A) udpeges som formand for/til/i X"
        re.compile(
            rf"(?P<new>{_NAME}){_PARTY.format('party')}\s+(?:udpeges|er\s+udpeget|vælges)\s+{_ROLE}"
            rf"(?:til|i|for)\s+{_ORG}"
        ),
        # "KKR udpeger Anne Hansen (A) som medlem af X"
        re.compile(
            rf"\budpeger\s+(?P<new>{_NAME}){_PARTY.format('party')}\s+{_ROLE}(?:til|i|af|for)\s+{_ORG}"
        ),
    )


# Capitalised words that start a sentence or name a body, never a person's first name.
NOT_A_NAME = {
    "Det", "Den", "De", "Der", "Dermed", "Derfor", "Desuden", "Herefter", "Endelig", "Og", "Samt",
    "Hvor", "Når", "Da", "Så", "Hvis", "Kommunen", "Regionen", "KKR", "KD-Net", "KL", "Silkeborg",
}  # fmt: skip
GENERIC_ORG_START = re.compile(r"^(?:den|det|de|sin|sit|sine)\s+")  # lower case: "Det Regionale …" is a name


def is_appointment_item(section_title: str | None, item_title: str) -> bool:
    """Items under "Udpegninger" or titled "Udpegning ..." are where appointments are decided."""
    return any(title and re.search(r"udpeg", title, re.IGNORECASE) for title in (section_title, item_title))


def _clean_name(name: str | None) -> str | None:
    if not name:
        return None
    words = name.split()
    while words and words[0] in NOT_A_NAME:
        words = words[1:]
    return " ".join(words) if len(words) >= 2 else None


def _without_genitive(name: str | None) -> str | None:
    """ "Lauge Clemmensens" -> "Lauge Clemmensen"; storage also tries the name as written."""
    if name and name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def _clean_organization(text: str) -> str:
    org = " ".join(text.split()).strip(" ,")
    org = GENERIC_ORG_START.sub("", org)
    return org[:1].upper() + org[1:]


MARKUP_RE = re.compile(r"^\s*(?:#|-|\./\.)\s+")  # the line markup of parsing.model


def sentences(text: str) -> Iterator[str]:
    """The sentences of a text, without the line markup; a line break ends one, as in a list."""
    for line in text.splitlines():
        line = MARKUP_RE.sub("", line)
        yield from (part.strip() for part in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])", line) if part.strip())


def _changes_in(sentence: str) -> Iterator[AppointmentChange]:
    for pattern in _patterns():
        for match in pattern.finditer(sentence):
            groups = match.groupdict()
            person = _clean_name(groups.get("new"))
            replaces = _clean_name(groups.get("old") or _without_genitive(groups.get("genitive")))
            organization = _clean_organization(groups["org"])
            if person is None or not organization or person == replaces:
                continue
            yield AppointmentChange(
                person=person,
                organization=organization,
                sentence=sentence,
                party=groups.get("party") or (groups.get("old_party") if replaces else None),
                replaces=replaces,
                role=groups.get("role"),
            )


def find_appointment_changes(texts: Iterable[str | None]) -> list[AppointmentChange]:
    """Every change the texts propose, each (person, organization, replaces) once, in reading order."""
    found: dict[tuple[str, str, str | None], AppointmentChange] = {}
    for text in texts:
        for sentence in sentences(text or ""):
            for change in _changes_in(sentence):
                key = (
                    change.person.casefold(),
                    change.organization.casefold(),
                    (change.replaces or "").casefold(),
                )
                found.setdefault(key, change)
    return list(found.values())


def with_appointments(item: ParsedItem, section_title: str | None) -> ParsedItem:
    """The item with the changes it proposes, when it is an appointment item; otherwise as it is."""
    if not is_appointment_item(section_title, item.title):
        return item
    texts = (item.background, item.recommendation, item.case_presentation, item.decision)
    changes = find_appointment_changes(texts)
    return replace(item, appointments=tuple(changes)) if changes else item
