"""The member row of a Telegram user: found or created the moment they write, whatever they write."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.time import utcnow
from storage.models import Member


def member_for(
    session: Session, user_id: int, chat_id: int, name: str | None, now: dt.datetime | None = None
) -> Member:
    """The member writing from this Telegram account, created on first use (not committed); writing to
    the bot again means they no longer block it."""
    member = session.scalar(select(Member).where(Member.telegram_user_id == user_id))
    if member is None:
        joined = now or utcnow()
        member = Member(telegram_user_id=user_id, chat_id=chat_id, display_name=name, joined_at=joined)
        session.add(member)
        session.flush()
    member.chat_id = chat_id
    member.is_inactive = False
    if name:
        member.display_name = name[:200]
    return member
