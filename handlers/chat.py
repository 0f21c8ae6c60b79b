"""`kkrbot chat`: the same handlers and replies in a terminal, as plain text.

Buttons are shown as `[label]`; typing a label (with or without the brackets) presses that
button, as tapping it would in Telegram: on the latest reply that has it, among the last few.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from handlers.commands import answer, answer_callback
from handlers.context import HandlerContext, Sender
from texts.html import plain_text
from texts.replies import Button, Reply

PROMPT = "> "
PRESSABLE_REPLIES = 20  # how far back a typed label finds its button, as an earlier message in Telegram
TERMINAL_SENDER = Sender(user_id=0, chat_id=0)  # the operator at the keyboard


def render_plain(reply: Reply) -> str:
    """A reply as the terminal shows it: its text, then its buttons row by row."""
    lines = [plain_text(reply.html)]
    if reply.document is not None:
        lines.append(f"[fil: {reply.document.filename}, {len(reply.document.content)} bytes]")
    for row in reply.buttons:
        lines.append(" ".join(f"[{button.label}]" for button in row))
    return "\n".join(lines)


def _pressed(text: str, replies: list[Reply]) -> Button | None:
    label = text.strip()
    if label.startswith("[") and label.endswith("]"):
        label = label[1:-1].strip()
    for reply in reversed(replies):
        for row in reply.buttons:
            for button in row:
                if button.label == label and button.callback_data is not None:
                    return button
    return None


def run_chat(
    ctx: HandlerContext,
    lines: Iterable[str],
    write: Callable[[str], None],
    sender: Sender = TERMINAL_SENDER,
) -> None:
    """Answer every line like the bot would, as if `sender` wrote it; an empty line is skipped,
    `/quit` or EOF ends the chat."""
    shown: list[Reply] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text in ("/quit", "/exit", "exit", "quit"):
            return
        button = _pressed(text, shown)
        if button is not None:
            replies = answer_callback(ctx, button.callback_data or "", sender)
        else:
            replies = answer(ctx, text, sender)
        for reply in replies:
            write(render_plain(reply))
            write("")
        shown = [*shown, *replies][-PRESSABLE_REPLIES:]
