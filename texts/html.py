"""Telegram HTML building blocks: escaping, splitting long messages, and plain text for the terminal.

Every text from a document or a user passes through `esc` here, so no sentence is written with a raw
tag and no `<` from a PDF can break a message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

MESSAGE_MAX_CHARS = 4096  # Telegram's limit for one message's text
PARAGRAPH_SEPARATOR = "\n\n"

_TOKEN_RE = re.compile(r"(<[^>]*>)")
_TAG_NAME_RE = re.compile(r"</?([a-zA-Z-]+)")
_CUT_RE = re.compile(r"(\s+)")
_LINK_RE = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)


def esc(text: str) -> str:
    """Text as Telegram HTML: `<`, `>` and `&` become entities."""
    return html.escape(text, quote=False)


def bold(text: str) -> str:
    return f"<b>{esc(text)}</b>"


def italic(text: str) -> str:
    return f"<i>{esc(text)}</i>"


def link(url: str, label: str) -> str:
    """A link; the URL is an attribute value, so it is quoted and escaped with its quotes."""
    return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'


def is_web_url(url: str | None) -> bool:
    """Only http(s) links are worth a tap on a phone; `file:` sources are not."""
    return bool(url) and str(url).startswith(("https://", "http://"))


# --- splitting long replies ---


def split_html(chunks: Iterable[str], limit: int = MESSAGE_MAX_CHARS) -> list[str]:
    """Join self-contained HTML paragraphs into messages of at most `limit` characters each.

    Paragraphs are never cut unless one alone is too long; then it is cut at a space or newline,
    with its open tags closed at the end of a piece and opened again at the start of the next.
    """
    messages: list[str] = []
    current = ""
    for chunk in chunks:
        if not chunk.strip():
            continue
        pieces = [chunk] if len(chunk) <= limit else _split_paragraph(chunk, limit)
        for piece in pieces:
            joined = f"{current}{PARAGRAPH_SEPARATOR}{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _split_paragraph(paragraph: str, limit: int) -> list[str]:
    pieces: list[str] = []
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, the start tag as written)

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def length() -> int:
        return sum(map(len, parts))

    def flush() -> None:
        pieces.append("".join(parts).rstrip() + closing())
        parts[:] = [tag for _, tag in open_tags]

    for token in _TOKEN_RE.split(paragraph):
        if not token:
            continue
        if token.startswith("<"):
            name_match = _TAG_NAME_RE.match(token)
            name = name_match[1].lower() if name_match else ""
            if token.startswith("</"):
                if open_tags:
                    open_tags.pop()
            else:
                if length() + len(token) + len(f"</{name}>") + len(closing()) > limit:
                    flush()
                open_tags.append((name, token))
            parts.append(token)
            continue
        for word in _CUT_RE.split(token):
            while word:
                room = limit - length() - len(closing())
                if len(word) <= room:
                    parts.append(word)
                    break
                if word.isspace():
                    flush()
                    break
                if length() > len("".join(tag for _, tag in open_tags)):
                    flush()
                    continue
                cut = _safe_cut(word, room)  # a single word longer than a message
                parts.append(word[:cut])
                flush()
                word = word[cut:]
    pieces.append("".join(parts).rstrip() + closing())
    return [piece for piece in pieces if _visible(piece).strip()]


def _safe_cut(word: str, room: int) -> int:
    """Where to cut an over-long word without splitting an `&amp;`-style entity."""
    cut = max(room, 1)
    amp = word.rfind("&", max(0, cut - 10), cut)
    if amp > 0 and ";" not in word[amp:cut]:
        cut = amp
    return cut


def _visible(fragment: str) -> str:
    return html.unescape(_TOKEN_RE.sub("", fragment))


def plain_text(html_text: str) -> str:
    """A message for the terminal: links as `label (url)`, tags dropped, entities decoded."""

    def _link(m: re.Match[str]) -> str:
        url, label = html.unescape(m[1]), m[2]
        return label if _visible(label) == url else f"{label} ({url})"

    return _visible(_LINK_RE.sub(_link, html_text))
