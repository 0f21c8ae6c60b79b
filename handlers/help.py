"""/start and /hjaelp, and the answers to unknown commands and plain text."""

from __future__ import annotations

from handlers import texts
from handlers.context import HandlerContext
from handlers.formatting import to_replies
from handlers.replies import Reply


def help_command(ctx: HandlerContext, args: str) -> list[Reply]:
    """/start and /hjaelp: what the bot does and every command with an example."""
    return to_replies(texts.help_text())


def unknown_command(command: str) -> list[Reply]:
    return to_replies(texts.unknown_command(command))


def plain_message() -> list[Reply]:
    return to_replies(texts.plain_message())
