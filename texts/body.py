"""The documents' own text in a reply: the parser's line markup (parsing.model) as Telegram HTML.

The parser gives one paragraph, sub-heading or list entry a line; a sub-heading starts with `# `, a
list entry with `- ` after two spaces per level beyond the first, a bilag reference with KL's `./. `.
Here a sub-heading becomes bold, a list entry a bullet indented by its level, and `./. Titel` a 📎;
every other line keeps its words with its spacing tidied. Nothing from the PDF reaches a reply
unescaped.
"""

from __future__ import annotations

import re

from texts.html import bold, esc

HEADING_RE = re.compile(r"^#\s+(?P<text>\S.*)$")
ENTRY_RE = re.compile(r"^(?P<indent> *)-\s+(?P<text>\S.*)$")
REFERENCE_RE = re.compile(r"^\./\.+\s*(?P<text>.*)$")
BULLETS = ("•", "◦", "▪")  # by level
INDENT = "   "  # per level below the first: a phone shows it as a visible step
REFERENCE_MARK = "📎"


def _words(text: str) -> str:
    return " ".join(text.split())


def lines(text: str) -> list[str]:
    """Each line of the text as HTML, blank lines left out."""
    shown: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if match := HEADING_RE.match(line.strip()):
            shown.append(bold(_words(match["text"])))
        elif match := ENTRY_RE.match(line.rstrip()):
            level = min(len(match["indent"]) // 2, len(BULLETS) - 1)
            shown.append(f"{INDENT * level}{BULLETS[level]} {esc(_words(match['text']))}")
        elif match := REFERENCE_RE.match(line.strip()):
            shown.append(f"{REFERENCE_MARK} {esc(_words(match['text']))}")
        else:
            shown.append(esc(_words(line)))
    return shown


def paragraphs(text: str) -> list[str]:
    """The text as paragraphs to send (a long text is split between them): a sub-heading stays with
    the paragraph under it, and a list stays together."""
    blocks: list[list[str]] = []
    kinds: list[str] = []
    for raw, shown in zip(_kept(text), lines(text), strict=True):
        kind = "heading" if HEADING_RE.match(raw) else "entry" if ENTRY_RE.match(raw.rstrip()) else "text"
        joins = bool(blocks) and (kinds[-1] == "heading" or (kind == "entry" and kinds[-1] == "entry"))
        if joins:
            blocks[-1].append(shown)
            kinds[-1] = kind if kinds[-1] == "heading" else kinds[-1]
        else:
            blocks.append([shown])
            kinds.append(kind)
    return ["\n".join(block) for block in blocks]


def _kept(text: str) -> list[str]:
    return [
        line.strip() if not ENTRY_RE.match(line.rstrip()) else line.rstrip()
        for line in text.splitlines()
        if line.strip()
    ]


def html(text: str) -> str:
    """The whole text as one HTML paragraph, its lines kept."""
    return "\n".join(lines(text))


def plain(text: str) -> str:
    """The words alone, markup taken out, on one line: for excerpts and snippets."""
    words = []
    for line in text.splitlines():
        stripped = line.strip()
        for pattern in (HEADING_RE, ENTRY_RE, REFERENCE_RE):
            if match := pattern.match(stripped):
                stripped = match["text"]
                break
        words.append(stripped)
    return _words(" ".join(words))
