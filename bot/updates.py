"""What kkrbot reads off a Telegram update, in one place for the chat handlers and the PDF uploads."""

from __future__ import annotations

from telegram import Update

from handlers.context import Sender


def sender_of(update: Update) -> Sender | None:
    """Who wrote: the Telegram user and the chat the answer goes to."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return Sender(user_id=user.id, chat_id=chat.id, name=user.full_name or None)
