"""Linking a Telegram user to a person with a one-time code, so only people an administrator invites are.

A code carries 128 random bits, is stored only as its sha256, is valid for seven days and works once.
After five wrong codes a user must wait an hour before trying again, which makes guessing hopeless.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.names import clean_text, name_key, split_name_and_party
from core.names import display_name as written_name
from core.time import utcnow
from storage.db import committing
from storage.members import member_for
from storage.models import LinkCode, Member, Notification, Person, Subscription
from storage.register import people_named

CODE_BYTES = 16  # 128 random bits; the brief's floor is 64
CODE_VALID_FOR = dt.timedelta(days=7)
MAX_WRONG_CODES = 5
LOCK_DURATION = dt.timedelta(hours=1)
MAX_CODE_CHARS = 100  # longer input is no code of ours and is not even hashed
CLOSEST = 3  # names offered when the one given matches nobody
CLOSE_ENOUGH = 0.6  # difflib's ratio for "spelled nearly alike"


class LinkError(Exception):
    """The name given for a code does not say which person is meant (Danish message)."""


class UnknownPerson(LinkError):
    """No stored person has the name: perhaps a typo for one of `closest`, perhaps someone new, whom only
    an explicit choice creates (a typo must not make a stranger)."""

    def __init__(self, name: str, closest: Sequence[str]) -> None:
        super().__init__(f"ingen person hedder {name} i registret")
        self.name = name
        self.closest = list(closest)


class RedeemOutcome(enum.Enum):
    """What became of a code a user sent."""

    LINKED = "linked"
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    LOCKED = "locked"


@dataclass(frozen=True)
class IssuedCode:
    """A new code, shown once to the administrator; only its hash is stored."""

    code: str
    person_name: str
    expires_at: dt.datetime  # UTC, naive like every stored time


@dataclass(frozen=True)
class Redemption:
    """The outcome of `/start CODE`: the linked person's name, or why not and until when it is locked."""

    outcome: RedeemOutcome
    person_name: str | None = None
    locked_until: dt.datetime | None = None


def new_code() -> str:
    """A random, URL-safe code that fits Telegram's deep-link parameter (A-Z, a-z, 0-9, _ and -)."""
    return secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    """The sha256 (hex) that is stored instead of the code."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def closest_people(session: Session, name: str, limit: int = CLOSEST) -> list[str]:
    """The stored names most like `name`: spelled nearly alike, or holding it as a word ("Kühnau")."""
    names = list(dict.fromkeys(session.scalars(select(Person.name).order_by(Person.name))))
    keys = {name_key(known): known for known in names}
    wanted = name_key(name)
    alike = difflib.get_close_matches(wanted, list(keys), n=limit, cutoff=CLOSE_ENOUGH)
    words = [key for key in keys if wanted in key.split() or all(w in key.split() for w in wanted.split())]
    return [keys[key] for key in dict.fromkeys([*alike, *words])][:limit]


def find_or_create_person(session: Session, name: str, *, create: bool = False) -> Person:
    """The one stored person with this name (case, spacing and a party in brackets ignored); a new one
    only when `create` says so, else UnknownPerson with the closest names."""
    plain, party = split_name_and_party(name)
    plain = clean_text(plain)
    if not plain:
        raise LinkError("skriv personens navn, fx Anders Kühnau")
    same_name = people_named(session, plain)
    if len(same_name) > 1:
        towns = ", ".join(sorted(p.municipality or "uden kommune" for p in same_name))
        raise LinkError(f"flere personer hedder {plain} ({towns})")
    if same_name:
        return same_name[0]
    if not create:
        raise UnknownPerson(plain, closest_people(session, plain))
    person = Person(name=written_name(plain), municipality="", party=party)
    session.add(person)
    session.flush()
    return person


def create_link_code(
    session: Session,
    name: str,
    *,
    created_by_user_id: int | None = None,
    now: dt.datetime | None = None,
    new_person: bool = False,
) -> IssuedCode:
    """Store a new one-time code for the person called `name` and commit; LinkError if the name is unclear
    (UnknownPerson when nobody has it, unless `new_person` creates them)."""
    now = now or utcnow()
    with committing(session):
        person = find_or_create_person(session, name, create=new_person)
        creator = None
        if created_by_user_id is not None:
            creator = session.scalar(select(Member.id).where(Member.telegram_user_id == created_by_user_id))
        code = new_code()
        expires_at = now + CODE_VALID_FOR
        session.add(
            LinkCode(
                code_hash=hash_code(code),
                person_id=person.id,
                created_by_member_id=creator,
                created_at=now,
                expires_at=expires_at,
            )
        )
    return IssuedCode(code=code, person_name=person.name, expires_at=expires_at)


def _find_code(session: Session, code: str) -> LinkCode | None:
    if not code or len(code) > MAX_CODE_CHARS:
        return None
    digest = hash_code(code)
    row = session.scalar(select(LinkCode).where(LinkCode.code_hash == digest))
    if row is None or not hmac.compare_digest(row.code_hash, digest):
        return None
    return row


def _refuse(member: Member, outcome: RedeemOutcome, now: dt.datetime) -> Redemption:
    member.failed_link_attempts = (member.failed_link_attempts or 0) + 1
    if member.failed_link_attempts >= MAX_WRONG_CODES:
        member.link_locked_until = now + LOCK_DURATION
        member.failed_link_attempts = 0
    return Redemption(outcome, locked_until=member.link_locked_until)


def _redeem(session: Session, member: Member, code: str, now: dt.datetime) -> Redemption:
    if member.link_locked_until is not None and now < member.link_locked_until:
        return Redemption(RedeemOutcome.LOCKED, locked_until=member.link_locked_until)
    row = _find_code(session, code.strip())
    if row is None:
        return _refuse(member, RedeemOutcome.INVALID, now)
    if row.used_at is not None:
        return _refuse(member, RedeemOutcome.USED, now)
    if row.expires_at is None or row.expires_at <= now:
        return _refuse(member, RedeemOutcome.EXPIRED, now)
    claimed = session.scalar(
        update(LinkCode)
        .where(LinkCode.id == row.id, LinkCode.used_at.is_(None))
        .values(used_at=now, used_by_member_id=member.id)
        .returning(LinkCode.id)
    )
    if claimed is None:  # someone else redeemed it a moment ago
        return _refuse(member, RedeemOutcome.USED, now)
    person = session.get(Person, row.person_id)
    assert person is not None
    member.person_id = person.id
    member.failed_link_attempts = 0
    member.link_locked_until = None
    return Redemption(RedeemOutcome.LINKED, person_name=person.name)


def redeem_link_code(
    session: Session,
    code: str,
    *,
    user_id: int,
    chat_id: int,
    display_name: str | None = None,
    now: dt.datetime | None = None,
) -> Redemption:
    """Link the Telegram user to the code's person if the code is valid, counting wrong codes; commits."""
    now = now or utcnow()
    with committing(session):
        member = member_for(session, user_id, chat_id, display_name, now)
        return _redeem(session, member, code, now)


@dataclass(frozen=True)
class Forgotten:
    """What /glemmig deleted, so the member can be told."""

    had_link: bool
    subscriptions: int
    notices: int


def forget_member(session: Session, user_id: int) -> Forgotten:
    """Delete a member's link to a person, their subscriptions and their unsent notices, and commit.

    The member row itself stays (without name or person) so a lockout after wrong codes still holds.
    """
    with committing(session):
        member = session.scalar(select(Member).where(Member.telegram_user_id == user_id))
        if member is None:
            return Forgotten(had_link=False, subscriptions=0, notices=0)
        had_link = member.person_id is not None
        subscriptions = session.execute(delete(Subscription).where(Subscription.member_id == member.id))
        notices = session.execute(
            delete(Notification).where(Notification.member_id == member.id, Notification.sent_at.is_(None))
        )
        member.person_id = None
        member.display_name = None
    return Forgotten(had_link, _count(subscriptions), _count(notices))


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
