"""Administrators hear of each new appointment proposal with its Godkend/Afvis buttons, through the outbox.

Ingestion only records proposals (storage.proposals); this job tells every administrator who has
the bot, once per proposal (outbox key `proposal:<id>`), so nobody has to remember to ask /forslag.
An administrator (KKRBOT_ADMINS) who has not written yet gets a member row with their private chat,
whose id is their user id; if they never started the bot, Telegram refuses and the sender marks them
inactive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.time import as_utc
from delivery.fanout import Notice, insert_notifications
from storage import Database
from storage.models import Member, Notification
from storage.proposals import pending_proposals
from texts import members
from texts.html import split_html
from texts.replies import keyboard_json


def proposal_key(proposal_id: int) -> str:
    return f"proposal:{proposal_id}"


def _admin_members(session: Session, admin_user_ids: Collection[int]) -> list[Member]:
    known = {
        m.telegram_user_id: m
        for m in session.scalars(select(Member).where(Member.telegram_user_id.in_(list(admin_user_ids))))
    }
    for user_id in sorted(set(admin_user_ids) - set(known)):
        known[user_id] = Member(telegram_user_id=user_id, chat_id=user_id, is_admin=True)
        session.add(known[user_id])
    session.flush()
    return [m for m in known.values() if not m.is_inactive and not m.is_blocked]


def queue_proposal_notices(
    db: Database, admin_user_ids: Collection[int], now: dt.datetime | None = None
) -> int:
    """One notice per pending proposal to each reachable administrator; how many outbox rows are new."""
    if not admin_user_ids:
        return 0
    moment = as_utc(now)
    created = 0
    with db.session() as session:
        waiting = pending_proposals(session)
        if not waiting:
            return 0
        admins = _admin_members(session, admin_user_ids)
        keys = [proposal_key(p.id) for p in waiting]
        told = set(
            session.execute(
                select(Notification.member_id, Notification.key).where(Notification.key.in_(keys))
            ).tuples()
        )
        for proposal, key in zip(waiting, keys, strict=True):
            untold = [admin for admin in admins if (admin.id, key) not in told]
            if not untold:
                continue  # this job runs every few seconds: render and insert only what is new
            text = split_html(members.proposal(proposal))[0]
            buttons = keyboard_json(members.proposal_buttons(proposal.id))
            notices = [Notice(member_id=admin.id, text=text, buttons=buttons) for admin in untold]
            created += insert_notifications(session, notices, key, None, moment)
        session.commit()
    return created
