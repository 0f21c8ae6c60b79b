"""What members follow: everything, a body, a keyword or their own appointments (`/abonner`).

Keywords are stored as the user's lower-case words and matched by their Danish stems, the way
search matches them (storage.words), so `/abonner klimaet` also hears about `klimahandlingsplan`
and `/abonner aftale` about `sundhedsaftaler`.
Two spellings with the same stems are one subscription.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.time import utcnow
from storage.db import committing
from storage.members import member_for
from storage.models import Body, Member, Subscription
from storage.queries import member_for_user
from storage.words import matched_words, query_terms, searchable_text, stem

KEYWORD_MAX_WORDS = 4  # a subscription is a topic, not a sentence
KEYWORD_MAX_CHARS = 60
MINE = "mine"
EVERYTHING_WORDS = ("alt", "alle", "alt nyt")  # `/abonner alt` is `/abonner`, `/afmeld alt` is `/afmeld`
KIND_ORDER = ("all", "body", "mine", "keyword")


class SubscribeOutcome(enum.Enum):
    ADDED = "added"
    ALREADY = "already"  # the member already follows exactly this
    NEEDS_LINK = "needs_link"  # `mine` for a member not linked to a person
    NO_WORDS = "no_words"  # the keyword had no letters or digits
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Subscribed:
    """The outcome of a subscribe call and the subscription it concerns."""

    outcome: SubscribeOutcome
    kind: str | None = None
    value: str = ""


def normalized_keyword(words: str) -> str:
    """The words as stored: lower-case `\\w+` tokens, each once, separated by one space."""
    return " ".join(query_terms(words))


def keyword_stems(keyword: str) -> frozenset[str]:
    return frozenset(stem(word) for word in query_terms(keyword))


def keyword_matches(keyword: str, texts: Iterable[str]) -> bool:
    """Whether every word of the keyword occurs, in some Danish form or compound, in the texts."""
    stems = keyword_stems(keyword)
    joined = searchable_text("\n".join(texts))
    return bool(stems) and all(matched_words(joined, frozenset({s})) for s in stems)


def _body_named(session: Session, words: str) -> str | None:
    """The stored body whose name the words are (`kd-net`, `KKR Midtjylland`), if any."""
    wanted = normalized_keyword(words)
    for name in session.scalars(select(Body.name)):
        if normalized_keyword(name) == wanted:
            return name
    return None


def subscribe(
    session: Session,
    user_id: int,
    chat_id: int,
    name: str | None,
    words: str = "",
    now: dt.datetime | None = None,
    council: str | None = None,
) -> Subscribed:
    """Follow everything (no words), `mine`, a body by its name (or the `council` the words were read
    as), or a keyword; commits."""
    with committing(session):
        return _subscribe(session, user_id, chat_id, name, words.strip(), now or utcnow(), council)


def _subscribe(
    session: Session,
    user_id: int,
    chat_id: int,
    name: str | None,
    words: str,
    now: dt.datetime,
    council: str | None = None,
) -> Subscribed:
    if len(words) > KEYWORD_MAX_CHARS or len(query_terms(words)) > KEYWORD_MAX_WORDS:
        return Subscribed(SubscribeOutcome.TOO_LONG)
    member = member_for(session, user_id, chat_id, name, now)
    if not words or normalized_keyword(words) in EVERYTHING_WORDS:
        kind, value = "all", ""
    elif words.lower() == MINE:
        if member.person_id is None:
            return Subscribed(SubscribeOutcome.NEEDS_LINK, MINE)
        kind, value = MINE, ""
    elif (body := council or _body_named(session, words)) is not None:
        kind, value = "body", body
    else:
        kind, value = "keyword", normalized_keyword(words)
        if not value:
            return Subscribed(SubscribeOutcome.NO_WORDS)
        stems = keyword_stems(value)
        for existing in member.subscriptions:
            if existing.kind == "keyword" and keyword_stems(existing.value) == stems:
                return Subscribed(SubscribeOutcome.ALREADY, kind, existing.value)
    if any(s.kind == kind and s.value == value for s in member.subscriptions):
        return Subscribed(SubscribeOutcome.ALREADY, kind, value)
    member.subscriptions.append(Subscription(kind=kind, value=value, created_at=now))
    session.flush()
    return Subscribed(SubscribeOutcome.ADDED, kind, value)


def unsubscribe(
    session: Session, user_id: int, words: str = "", council: str | None = None
) -> list[Subscription]:
    """Stop following the keyword, body (or `council`) or `mine` the words name, or everything without
    words; commits and returns what was removed."""
    member = member_for_user(session, user_id)
    if member is None:
        return []
    words = words.strip()
    if not words or normalized_keyword(words) in EVERYTHING_WORDS:
        removed = list(member.subscriptions)
    elif words.lower() == MINE:
        removed = [s for s in member.subscriptions if s.kind == MINE]
    else:
        stems, body = keyword_stems(words), council or _body_named(session, words)
        removed = [
            s
            for s in member.subscriptions
            if (s.kind == "keyword" and stems and keyword_stems(s.value) == stems)
            or (s.kind == "body" and s.value == body)
        ]
    return _remove(session, member, removed)


def unsubscribe_id(session: Session, user_id: int, subscription_id: int) -> list[Subscription]:
    """Remove one subscription by id, if it is this user's (a "Fjern" button); commits."""
    member = member_for_user(session, user_id)
    if member is None:
        return []
    return _remove(session, member, [s for s in member.subscriptions if s.id == subscription_id])


def _remove(session: Session, member: Member, removed: Sequence[Subscription]) -> list[Subscription]:
    with committing(session):
        for subscription in removed:
            member.subscriptions.remove(subscription)
    return list(removed)


def subscriptions_of(session: Session, user_id: int) -> list[Subscription]:
    """The user's subscriptions: everything first, then bodies, `mine`, keywords, each by value."""
    member = member_for_user(session, user_id)
    if member is None:
        return []
    return sorted(member.subscriptions, key=lambda s: (KIND_ORDER.index(s.kind), s.value, s.id))
