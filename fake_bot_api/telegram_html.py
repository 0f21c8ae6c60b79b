"""Telegram's text rules (HTML parse mode, cleaning, trimming): the fake Bot API rejects what Telegram does.

Modelled on tdlib's `parse_html` and `fix_formatted_text` (td/telegram/MessageEntity.cpp): the same tags,
attributes, entity decoding, error messages and whitespace trimming. Entities come out as Bot API
MessageEntity dicts with UTF-16 offsets; lengths are checked by the caller in Unicode code points,
as tdlib does (`utf8_length`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SPACES = " \t\r\n\v\0"
_SIMPLE_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# tdlib drops these invisible format characters (U+2028..U+202E) from every text.
_DROPPED = {chr(code) for code in range(0x2028, 0x202F)}


class HtmlParseError(ValueError):
    """HTML that Telegram refuses; the message is tdlib's, without the "can't parse entities: " prefix."""


@dataclass(frozen=True)
class FormattedText:
    """Text as the user sees it, with its entities (Bot API dicts, UTF-16 offsets)."""

    text: str
    entities: tuple[dict, ...] = ()


@dataclass
class _Entity:
    type: str
    start: int  # code-point offsets into the visible text while parsing
    end: int
    extra: dict = field(default_factory=dict)


@dataclass
class _OpenTag:
    name: str
    argument: str
    start: int
    expandable: bool


def clean_text(text: str) -> str:
    """Replace control characters by spaces and drop carriage returns, like tdlib's clean_input_string."""
    out = []
    for char in text:
        if char == "\r" or char in _DROPPED:
            continue
        out.append(" " if ord(char) < 32 and char != "\n" else char)
    return "".join(out)


def _decode_entity(source: str, index: int) -> tuple[str, int] | None:
    """Decode `&lt;` `&gt;` `&amp;` `&quot;` `&#NNN;` `&#xHHH;` at `index` (tdlib makes the `;` optional)."""
    end = index + 1
    if source.startswith("#", end):
        end += 1
        hexadecimal = source.startswith("x", end)
        if hexadecimal:
            end += 1
        digits_start = end
        allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < len(source) and source[end] in allowed:
            end += 1
        digits = source[digits_start:end]
        if not digits or end - index >= 10:
            return None
        code = int(digits, 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < len(source) and source[end].isascii() and source[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(source[index + 1 : end])
        if named is None:
            return None
        char = named
    if source.startswith(";", end):
        end += 1
    return char, end


def parse_html(source: str, *, strict_ampersand: bool = True) -> tuple[str, list[_Entity]]:
    """Parse Telegram HTML into visible text and entities (code-point offsets), or raise HtmlParseError.

    With `strict_ampersand` a `&` that starts no entity is an error, as Telegram's documentation demands
    ("All <, > and & symbols that are not a part of a tag or an HTML entity must be replaced"); tdlib
    itself lets such a `&` through as text, so this is the one place the fake is stricter than Telegram.
    """
    return _HtmlParser(source, strict_ampersand).parse()


class _HtmlParser:
    """tdlib's parse_html, step by step; positions in errors are UTF-8 byte offsets like Telegram's."""

    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.source = source
        self.strict_ampersand = strict_ampersand
        self.i = 0
        self.out: list[str] = []
        self.entities: list[_Entity] = []
        self.stack: list[_OpenTag] = []

    def char(self, index: int | None = None) -> str:
        index = self.i if index is None else index
        return self.source[index] if index < len(self.source) else "\0"

    def at_end(self) -> bool:
        return self.i >= len(self.source)

    def skip_spaces(self) -> None:
        while not self.at_end() and self.source[self.i] in _SPACES:
            self.i += 1

    def error(self, message: str, index: int, details: str = "") -> HtmlParseError:
        return HtmlParseError(f"{message} at byte offset {len(self.source[:index].encode('utf-8'))}{details}")

    def parse(self) -> tuple[str, list[_Entity]]:
        while not self.at_end():
            char = self.source[self.i]
            if char == "&" and self.entity():
                continue
            if char != "<":
                self.out.append(char)
                self.i += 1
            elif self.char(self.i + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        for entity in self.entities:
            if entity.type == "code":
                entity.extra.pop("language", None)
        return "".join(self.out), self.entities

    def entity(self) -> bool:
        decoded = _decode_entity(self.source, self.i)
        if decoded is not None:
            self.out.append(decoded[0])
            self.i = decoded[1]
            return True
        if self.strict_ampersand:
            raise self.error(
                "Character '&' begins no HTML entity and must be written &amp; (fake server's strict mode)",
                self.i,
            )
        return False

    def start_tag(self) -> None:
        begin = self.i
        self.i += 1
        while self.char() not in _SPACES and self.char() != ">":
            self.i += 1
        if self.at_end():
            raise self.error("Unclosed start tag", begin)
        tag = self.source[begin + 1 : self.i].lower()
        if tag not in SUPPORTED_TAGS:
            raise self.error(f'Unsupported start tag "{tag}"', begin)
        argument = ""
        expandable = False
        while self.char() != ">":
            self.skip_spaces()
            if self.char() == ">":
                break
            name, value = self.attribute(tag, begin)
            if tag == "a" and name == "href":
                argument = value or ""
            elif tag == "code" and name == "class" and value and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and name == "class" and value and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and name == "emoji-id":
                argument = value or ""
            elif tag == "blockquote" and name == "expandable":
                expandable = True
        if tag == "span" and argument != "spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        self.stack.append(_OpenTag(tag, argument, len(self.out), expandable))
        self.i += 1

    def attribute(self, tag: str, begin: int) -> tuple[str, str | None]:
        """One `name=value` (value quoted or a name token); blockquote's `expandable` needs no value."""
        name_start = self.i
        while self.char() not in _SPACES and self.char() not in "=>":
            self.i += 1
        name = self.source[name_start : self.i]
        if not name:
            raise self.error(f'Empty attribute name in the tag "{tag}"', begin)
        self.skip_spaces()
        if self.char() != "=":
            if tag == "blockquote" and name == "expandable":
                return name, None
            raise self.error(f'Expected equal sign in declaration of an attribute of the tag "{tag}"', begin)
        self.i += 1
        self.skip_spaces()
        if self.at_end():
            raise self.error(f'Unclosed start tag "{tag}"', begin)
        if self.char() in "'\"":
            value = self.quoted_value()
        else:
            token_start = self.i
            while self.char().isascii() and (self.char().isalnum() or self.char() in ".-"):
                self.i += 1
            value = self.source[token_start : self.i].lower()
            if self.char() not in _SPACES and self.char() != ">":
                raise self.error("Unexpected end of name token", token_start)
        if self.at_end():
            raise self.error("Unclosed start tag", begin)
        return name, value

    def quoted_value(self) -> str:
        quote = self.source[self.i]
        self.i += 1
        parts = []
        while not self.at_end() and self.source[self.i] != quote:
            decoded = _decode_entity(self.source, self.i) if self.source[self.i] == "&" else None
            if decoded is not None:
                parts.append(decoded[0])
                self.i = decoded[1]
            else:
                parts.append(self.source[self.i])
                self.i += 1
        if not self.at_end():
            self.i += 1
        return "".join(parts)

    def end_tag(self) -> None:
        begin = self.i
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        self.i += 2
        while self.char() not in _SPACES and self.char() != ">":
            self.i += 1
        end_tag = self.source[begin + 2 : self.i].lower()
        self.skip_spaces()
        if self.char() != ">":
            raise self.error("Unclosed end tag", begin)
        top = self.stack[-1]
        if end_tag and end_tag != top.name:
            raise self.error("Unmatched end tag", begin, f', expected "</{top.name}>", found "</{end_tag}>"')
        if len(self.out) > top.start:
            _close_entity(top, len(self.out), self.out, self.entities)
        self.stack.pop()
        self.i += 1


def _close_entity(top: _OpenTag, end: int, out: list[str], entities: list[_Entity]) -> None:
    """Turn a closed tag into its entity, merging <pre><code class="language-x"> like tdlib."""
    start = top.start
    if top.name in _SIMPLE_TYPES:
        entities.append(_Entity(_SIMPLE_TYPES[top.name], start, end))
    elif top.name == "tg-emoji":
        if not top.argument.isdigit() or int(top.argument) == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(_Entity("custom_emoji", start, end, {"custom_emoji_id": top.argument}))
    elif top.name == "a":
        url = top.argument or "".join(out[start:end])
        if url:
            entities.append(_Entity("text_link", start, end, {"url": url}))
    elif top.name == "pre":
        last = entities[-1] if entities else None
        if (
            last
            and last.type == "code"
            and (last.start, last.end) == (start, end)
            and last.extra.get("language")
        ):
            last.type = "pre"
        else:
            entities.append(_Entity("pre", start, end))
    elif top.name == "code":
        last = entities[-1] if entities else None
        if last and last.type == "pre" and (last.start, last.end) == (start, end) and top.argument:
            last.extra["language"] = top.argument
        else:
            extra = {"language": top.argument} if top.argument else {}
            entities.append(_Entity("code", start, end, extra))
    elif top.name == "blockquote":
        entities.append(_Entity("expandable_blockquote" if top.expandable else "blockquote", start, end))


def _utf16_offsets(text: str) -> list[int]:
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    return offsets


def finish_text(text: str, entities: list[_Entity]) -> FormattedText:
    """Trim spaces/newlines at both ends and out of entities like tdlib; the result may be empty."""
    whitespace = " \n"
    kept = []
    for entity in entities:
        while entity.start < entity.end and text[entity.start] in whitespace:
            entity.start += 1
        if entity.start < entity.end and text[entity.start : entity.end].strip(whitespace):
            kept.append(entity)
    end = len(text.rstrip(whitespace))
    for entity in kept:
        entity.end = min(entity.end, end)
    kept = [entity for entity in kept if entity.start < entity.end]
    first_entity = min((entity.start for entity in kept), default=end)
    start = 0
    while start < min(first_entity, end) and text[start] in whitespace:
        start += 1
    visible = text[start:end]
    units = _utf16_offsets(visible)
    kept.sort(key=lambda entity: (entity.start, -(entity.end - entity.start)))
    result = []
    for entity in kept:
        first, last = entity.start - start, entity.end - start
        result.append(
            {
                "type": entity.type,
                "offset": units[first],
                "length": units[last] - units[first],
                **entity.extra,
            }
        )
    return FormattedText(visible, tuple(result))


def format_text(text: str, parse_mode: str | None, *, strict_ampersand: bool = True) -> FormattedText:
    """Clean, parse (HTML or plain) and trim a text or caption as Telegram does before checking its length."""
    cleaned = clean_text(text)
    if parse_mode is None:
        return finish_text(cleaned, [])
    visible, entities = parse_html(cleaned, strict_ampersand=strict_ampersand)
    return finish_text(visible, entities)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2
