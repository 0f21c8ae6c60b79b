"""Which agenda items concern a person: items that name them, or one of the organizations they sit in.

Used to mark items "vedrører dig" in the bot and for `/abonner mine`. Matching is on the written
text, so names are matched with care for Danish forms: a genitive s ("Lauge Clemmensens plads"),
a definite ending ("Praksisplanudvalget" / "praksisplanudvalg") and the short form of an
organization ("Bestyrelsen for CDEU" is also "CDEU", "Erhvervshus Midtjylland, bestyrelsen" is also
"Erhvervshus Midtjylland"). The body that holds the meeting (KKR Midtjylland) is no reason: every
one of its items would match.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.names import name_key, split_name_and_party
from storage.models import AgendaItem, Appointment, Body, Person

# Leading words that only say what kind of organization it is; the rest names it.
GENERIC_PREFIX = re.compile(
    r"^(?:(?:den|det|de)\s+)?(?:bestyrelsen|styregruppen|udvalget)\s+(?:for|i)\s+", re.I
)
DEFINITE_ENDING = re.compile(r"(?<=\w{6})(?:et|en)$")
MIN_SHORT_FORM = 4  # a short form must be at least this long ("CDEU"), so "IT" never matches


# Why an item concerns a person: an organization they sit in, or None when the item names them.
Reason = str | None


@dataclass(frozen=True)
class Concern:
    """What makes an item concern the person: the reason, and the words that show it."""

    reason: Reason
    pattern: re.Pattern[str]


def _words_pattern(words: str) -> str:
    """The words with any spacing between them, each allowed a genitive s."""
    parts = [re.escape(word) for word in words.split()]
    return r"\s+".join(parts)


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_words_pattern(name)}s?(?!\w)", re.IGNORECASE)


def _organization_forms(name: str) -> list[str]:
    """The full name and the shorter forms documents use for it."""
    forms = [name]
    head = name.split(",")[0].strip()
    forms.append(head)
    bracket = re.search(r"\(([^)]+)\)", head)
    if bracket:
        forms.append(bracket[1].strip())
        forms.append(head[: bracket.start()].strip())
    forms.append(GENERIC_PREFIX.sub("", head).strip())
    unique: list[str] = []
    for form in forms:
        if len(form) >= MIN_SHORT_FORM and form.lower() not in (f.lower() for f in unique):
            unique.append(form)
    return unique


def organization_pattern(name: str) -> re.Pattern[str]:
    alternatives = []
    for form in _organization_forms(name):
        words = form.split()
        last = words[-1]
        stem = DEFINITE_ENDING.sub("", last) if len(words) == 1 else last
        ending = r"(?:e|es|et|en|ets|ens|s)?" if stem != last else r"s?"
        words[-1] = stem
        alternatives.append(_words_pattern(" ".join(words)) + ending)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def concerns_of(session: Session, person_id: int, today: dt.date) -> list[Concern]:
    """What makes an item concern this person: their name and the organizations they sit in today."""
    person = session.get(Person, person_id)
    if person is None:
        return []
    plain, _party = split_name_and_party(person.name)
    concerns = [Concern(None, _name_pattern(plain))]
    bodies = {name_key(name) for name in session.scalars(select(Body.name))}
    appointments = session.scalars(
        select(Appointment).where(
            Appointment.person_id == person_id,
            or_(Appointment.end_date.is_(None), Appointment.end_date >= today),
        )
    )
    seen: set[str] = set()
    for appointment in appointments:
        organization = appointment.organization.name
        if name_key(organization) in bodies or organization in seen:
            continue
        seen.add(organization)
        concerns.append(Concern(organization, organization_pattern(organization)))
    return concerns


def item_texts(item: AgendaItem) -> list[str]:
    """The parts of an item a reader sees."""
    parts = (item.title, item.presenter, item.background, item.recommendation)
    return [text for text in (*parts, item.case_presentation, item.decision) if text]


def reasons(concerns: Iterable[Concern], texts: Iterable[str]) -> list[Reason]:
    """The reasons of the concerns any of `texts` matches, in the order of `concerns`."""
    texts = list(texts)
    return [c.reason for c in concerns if any(c.pattern.search(text) for text in texts)]


def items_concerning(
    session: Session, person_id: int, items: Iterable[AgendaItem], today: dt.date
) -> dict[int, list[Reason]]:
    """For each item that concerns the person: its id and why."""
    concerns = concerns_of(session, person_id, today)
    found: dict[int, list[Reason]] = {}
    for item in items:
        why = reasons(concerns, item_texts(item))
        if why:
            found[item.id] = why
    return found
