"""The data behind inline buttons: built and read back in this one module.

Telegram gives a button at most 64 bytes of callback data, so it is short ASCII: `item:12:3.2` opens
item 3.2 of meeting 12. Notices keep their buttons in the outbox, so a form once sent must stay
readable: change none of them, only add.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

CALLBACK_DATA_MAX_BYTES = 64  # Telegram refuses longer callback_data


class Action(enum.StrEnum):
    """What a button asks for; the value is the data's first part."""

    ITEM = "item"  # item `value` of meeting `id`, as a new message
    NAV = "nav"  # the same, in place of the message the button sits on (◀ ▶)
    CASE = "case"  # the sagsfremstilling of item `value` of meeting `id`
    MEETING = "meeting"  # the agenda of meeting `id`
    PROPOSAL = "prop"  # `value` (ja / nej) on appointment proposal `id`
    FORGET = "forget"  # `value` (ja / nej) to /glemmig's question
    UNSUBSCRIBE = "unsub"  # remove subscription `id`
    UNSUBSCRIBE_ALL = "unsuball"  # `value` (ja / nej) to a bare /afmeld's question
    PAST_APPOINTMENTS = "mine"  # the presser's own past appointments
    BILAG = "bilag"  # bilag `id` as its own PDF; `value` is the item it was pressed under ("0": none)
    PDF = "pdf"  # pages `value` ("3-17") of document `id` as a PDF
    PAGE = "page"  # page `value` of document `id` (a bilag bundle) as text
    INVITE = "inv"  # /inviter for the person named `value` (a name the register has)
    INVITE_NEW = "invnew"  # /inviter, creating the person named `value`
    COUNCIL = "raad"  # follow council `id` or stop (/raad)


# how many parts after the action each one carries, and whether the first of them is an id
_SHAPES = {
    Action.ITEM: (2, True),
    Action.NAV: (2, True),
    Action.CASE: (2, True),
    Action.MEETING: (1, True),
    Action.PROPOSAL: (2, True),
    Action.FORGET: (1, False),
    Action.UNSUBSCRIBE: (1, True),
    Action.UNSUBSCRIBE_ALL: (1, False),
    Action.PAST_APPOINTMENTS: (1, False),
    Action.BILAG: (2, True),
    Action.PDF: (2, True),
    Action.PAGE: (2, True),
    Action.INVITE: (1, False),
    Action.INVITE_NEW: (1, False),
    Action.COUNCIL: (1, True),
}


@dataclass(frozen=True)
class Pressed:
    """A button press read back: the action, and the id and value it carries where it has them."""

    action: Action
    id: int | None = None
    value: str | None = None


def _data(action: Action, *parts: object) -> str:
    data = ":".join([action.value, *(str(part) for part in parts)])
    if len(data.encode()) > CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"callback data over {CALLBACK_DATA_MAX_BYTES} bytes: {data!r}")
    return data


def item_callback(meeting_id: int, number: str) -> str:
    """Open item `number` of a meeting as a new message."""
    return _data(Action.ITEM, meeting_id, number)


def nav_callback(meeting_id: int, number: str) -> str:
    """Show item `number` in place of the message the button sits on (◀ ▶)."""
    return _data(Action.NAV, meeting_id, number)


def case_callback(meeting_id: int, number: str) -> str:
    """Show an item's case presentation (sagsfremstilling)."""
    return _data(Action.CASE, meeting_id, number)


def meeting_callback(meeting_id: int) -> str:
    """Show a meeting's agenda."""
    return _data(Action.MEETING, meeting_id)


def proposal_callback(proposal_id: int, verdict: str) -> str:
    """Confirm (`ja`) or reject (`nej`) an appointment proposal."""
    return _data(Action.PROPOSAL, proposal_id, verdict)


def forget_callback(verdict: str) -> str:
    """Answer /glemmig's question: `ja` deletes, `nej` keeps everything."""
    return _data(Action.FORGET, verdict)


def unsubscribe_callback(subscription_id: int) -> str:
    """The "Fjern" button under /abonnementer for one subscription."""
    return _data(Action.UNSUBSCRIBE, subscription_id)


def unsubscribe_all_callback(verdict: str) -> str:
    """Answer a bare /afmeld's question: `ja` stops every subscription, `nej` keeps them."""
    return _data(Action.UNSUBSCRIBE_ALL, verdict)


def past_appointments_callback() -> str:
    """The "Tidligere udpegninger" button under /mineudpegninger."""
    return _data(Action.PAST_APPOINTMENTS, "past")


def bilag_callback(bilag_id: int, item_id: int | None) -> str:
    """Send a bilag's own pages; the item names it in the caption."""
    return _data(Action.BILAG, bilag_id, item_id or 0)


def pdf_callback(document_id: int, first: int, last: int) -> str:
    """Send pages `first` to `last` of a stored PDF (one that has no web address to link to)."""
    return _data(Action.PDF, document_id, f"{first}-{last}")


def page_callback(document_id: int, page: int) -> str:
    """Show one page of a bilag bundle as text."""
    return _data(Action.PAGE, document_id, page)


def invite_callback(name: str, *, new: bool = False) -> str | None:
    """/inviter for `name` (creating the person when `new`); None when the name is too long for a button."""
    try:
        return _data(Action.INVITE_NEW if new else Action.INVITE, name.replace(":", " "))
    except ValueError:
        return None


def council_callback(body_id: int) -> str:
    """Toggle a council in /raad."""
    return _data(Action.COUNCIL, body_id)


def parse_callback(data: str) -> Pressed | None:
    """`item:12:3.2` -> Pressed(ITEM, 12, "3.2"); None for data no button of ours carries."""
    name, *parts = data.split(":")
    try:
        action = Action(name)
    except ValueError:
        return None
    count, has_id = _SHAPES[action]
    if len(parts) != count or not all(parts):
        return None
    if has_id and not parts[0].isdigit():
        return None
    if action is Action.PAST_APPOINTMENTS:
        return Pressed(action) if parts == ["past"] else None
    identifier = int(parts[0]) if has_id else None
    value = parts[-1] if count == 2 or not has_id else None
    return Pressed(action, identifier, value)
