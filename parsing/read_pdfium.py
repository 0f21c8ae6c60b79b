"""PDFium pages -> the parser's PageRead: the lines pdfplumber would give, read many times faster.

pdfplumber (pdfminer in pure Python) is the reference reader (parsing.read_plumber); this one asks
PDFium (pypdfium2) for the same facts and groups them the way pdfplumber does, so that the parser
sees the same lines and `kkrbot parse --json` is the same on both paths (tests/test_readers.py).

What PDFium gives, and how it stands in for pdfminer:
- the characters in content-stream order, with PDFium's own spaces and line breaks (generated
  characters) left out, since pdfminer has none;
- each character's box as pdfminer makes it: from its origin and the font's descent (the font
  descriptor's, FPDFFont_GetDescent) up by the font size, to the right edge of PDFium's "loose" box
  (pdfminer's is the /Widths advance: they differ by a fraction of a point); and the font size
  (FPDFText_GetFontSize, which includes the text's scale, as pdfminer's `size` does);
- the font's base name, from which bold and italic are read as the reference reads them (by name:
  FPDFFont_GetWeight is not used, because a weight that disagrees with the name would make the
  two paths disagree);
- the character's matrix, to tell upright text from rotated text as pdfminer does;
- the page's link annotations, their rectangles and URI actions.
PDFium cannot say that a content stream is damaged (it reads what it can): parsing.streams looks
for such a stream in the file's bytes, and a file with one is read by the reference path, which the
caller falls back to whenever PDFium fails on a file.

Coordinates follow pdfminer: from the media box's corner, turned by the page's /Rotate, top-down.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from parsing import pdfium_lib as lib
from parsing.layout import Line, Link, PageDone, PageRead, font_flags
from parsing.readers import PDFIUM
from parsing.streams import damaged_content_stream

TOLERANCE = 3.0  # pdfplumber's x and y tolerance: how far apart characters still make one word and line
MARKED_HYPHEN = "\ufffe"
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


class Char(NamedTuple):
    """One character as pdfplumber describes it: text, box (top-down), size, font and direction."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    upright: bool


X0, TOP, X1, BOTTOM, SIZE, BOLD, ITALIC = (itemgetter(i) for i in range(1, 8))  # a Char's fields, fast


class Placement(NamedTuple):
    """Where a page's PDF coordinates land in pdfplumber's: the media box and the page's turn.

    pdfminer turns and moves the page by its media box and /Rotate; pdfplumber then adds the media
    box's corner back and measures from the top. The result, for an unturned page, is the PDF's own x
    and the height minus the PDF's y, wherever the media box sits."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int

    @property
    def width(self) -> float:
        return self.top - self.bottom if self.rotation in (90, 270) else self.right - self.left

    @property
    def height(self) -> float:
        return self.right - self.left if self.rotation in (90, 270) else self.top - self.bottom

    def _pdfminer(self, x: float, y: float) -> tuple[float, float]:
        """pdfminer's (x, y) for a PDF point: its page matrix for the media box and /Rotate."""
        if self.rotation == 90:
            return y - self.bottom, self.right - x
        if self.rotation == 180:
            return self.right - x, self.top - y
        if self.rotation == 270:
            return self.top - y, x - self.left
        return x - self.left, y - self.bottom

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """A character's PDF rectangle as pdfplumber's (x0, top, x1, bottom)."""
        (ax, ay), (bx, by) = self._pdfminer(left, bottom), self._pdfminer(right, top)
        turned = self.rotation in (90, 270)
        # pdfplumber: x plus the (turned) media box's left, (height - y) plus its inverted top
        shift_x = self.bottom if turned else self.left
        shift_top = self.height - (self.right if turned else self.top)
        return (
            min(ax, bx) + shift_x,
            self.height - max(ay, by) + shift_top,
            max(ax, bx) + shift_x,
            self.height - min(ay, by) + shift_top,
        )

    def link_box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float]:
        """A link's PDF rectangle as pdfplumber's (top, bottom): its own turn of the page, by quarters."""
        points = [(left, bottom), (right, top)]
        turns = self.rotation // 90
        for turn in range(turns):
            span = self.width if turn == turns % 2 else self.height
            points = [(y, span - x) for x, y in points]
        ys = [y for _, y in points]
        return self.height - max(ys), self.height - min(ys)

    def upright(self, a: float, b: float, c: float, d: float) -> bool:
        """pdfminer's test on the character's matrix, after the page's turn."""
        if self.rotation in (90, 270):
            a, b, c, d = b, -a, d, -c  # the matrix times a quarter turn; the sign of the turn does not matter
        elif self.rotation == 180:
            a, b, c, d = -a, -b, -c, -d
        return a * d > 0 and b * c <= 0


def _placement(page: int) -> Placement:
    """The page's media box (inherited from the page tree when the page has none) and its turn."""
    box = lib.FS_RECTF()
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if lib.media_box(page, *(ctypes.addressof(v) for v in (left, bottom, right, top))):
        edges = left.value, bottom.value, right.value, top.value
    elif lib.bounding_box(page, ctypes.addressof(box)):
        edges = box.left, box.bottom, box.right, box.top
    else:
        edges = 0.0, 0.0, 612.0, 792.0  # PDF's default page, US Letter
    (left_, right_), (bottom_, top_) = sorted(edges[0::2]), sorted(edges[1::2])
    return Placement(left_, bottom_, right_, top_, (lib.rotation(page) % 4) * 90)


class Style(NamedTuple):
    """What every character of one text object shares: its font's looks, size and direction."""

    bold: bool
    italic: bool
    size: float  # the font size times the text's scale: pdfminer's `size`
    upright: bool  # upright as the page is shown (after /Rotate), pdfminer's test
    descent: float  # below the baseline, in points at this size (negative): where pdfminer's box starts
    baseline: float | None  # the object's baseline (PDF y) when its text is not turned at all
    along: tuple[float, float] = (1.0, 0.0)  # the text's direction on the PDF page, a unit vector
    up: tuple[float, float] = (0.0, 1.0)  # its up, a unit vector


class _Styles:
    """The Style of each text object, asked of PDFium once, for the object's first character (the
    characters of one object follow each other, so the caller asks again only when the object changes)."""

    def __init__(self, placement: Placement) -> None:
        self.placement = placement
        self.by_object: dict[int, Style] = {}
        self.name = ctypes.create_string_buffer(256)
        self.matrix = lib.FS_MATRIX()
        self.origin = ctypes.c_double(), ctypes.c_double()
        self.rect = lib.FS_RECTF()

    def of(self, textpage: int, index: int, obj: int) -> Style:
        known = self.by_object.get(obj)
        if known is None:
            known = self._ask(textpage, index, obj)
            self.by_object[obj] = known
        return known

    def _ask(self, textpage: int, index: int, obj: int) -> Style:
        name = ""
        font = lib.object_font(obj) if obj else None
        if font and lib.base_font_name(font, self.name, len(self.name)):
            name = self.name.value.decode("latin-1")
        size = lib.font_size(textpage, index)
        descent = ctypes.c_float(0.0)
        if font:
            lib.font_descent(font, size, ctypes.addressof(descent))
        m = self.matrix
        level = upright = True
        baseline = None
        along, up = (1.0, 0.0), (0.0, 1.0)
        if lib.char_matrix(textpage, index, ctypes.addressof(m)):
            along, up = _unit(m.a, m.b), _unit(m.c, m.d)
            level = m.a > 0 and m.d > 0 and m.b * m.c <= 0  # neither turned over nor mirrored
            upright = self.placement.upright(m.a, m.b, m.c, m.d)
            x, y = self.origin
            if (
                m.b == 0
                and m.c == 0
                and level
                and lib.char_origin(textpage, index, ctypes.addressof(x), ctypes.addressof(y))
                and lib.loose_box(textpage, index, ctypes.addressof(self.rect))
                and abs(self.rect.left - x.value) < 0.01  # the loose box starts at the origin, as pdfminer's
            ):
                baseline = y.value
        return Style(*font_flags(name), size, upright, min(descent.value, 0.0), baseline, along, up)


def _page_text(textpage: int, count: int) -> str:
    units = (ctypes.c_ushort * (count + 1))()
    written = lib.get_text(textpage, 0, count, ctypes.addressof(units))
    text = bytes(units)[: max(written - 1, 0) * 2].decode("utf-16-le", "replace")
    if len(text) != count:  # a character outside the BMP takes two units: ask one by one
        return "".join(chr(lib.get_unicode(textpage, i)) for i in range(count))
    # PDFium marks a hyphen that ends a line (U+FFFE in the page's text, 2 as the character): it is "-"
    return text.replace(MARKED_HYPHEN, "-")


def _ends_in_space(textpage: int, index: int) -> bool:
    """Whether the text object of character `index` ends in a space that PDFium has replaced by one of
    its own (it does so where the next object starts further on): pdfminer keeps that space."""
    obj = lib.text_object(textpage, index) if index >= 0 else None
    if not obj:
        return False
    units = (ctypes.c_ushort * 4096)()
    written = lib.object_text(obj, textpage, ctypes.addressof(units), ctypes.sizeof(units))
    text = bytes(units)[: max(written - 2, 0)].decode("utf-16-le", "replace")
    return text[-1:].isspace()


def page_chars(handle: int, placement: Placement) -> list[Char]:
    """The characters of a page's text (PDFium's text page `handle`) as pdfminer reads them, in
    content-stream order. This loop runs for every character of every page: it is kept lean."""
    count = lib.count_chars(handle)
    if count <= 0:
        return []
    text = _page_text(handle, count)
    styles = _Styles(placement)
    rect = lib.FS_RECTF()
    textpage, rect_at = ctypes.c_void_p(handle), ctypes.c_void_p(ctypes.addressof(rect))
    turned = placement.rotation != 0
    height = placement.height
    chars: list[Char] = []
    append, new_char = chars.append, tuple.__new__  # a Char without NamedTuple's Python-level __new__
    last_object: int | None = -1
    flat = False  # the current object's characters share one baseline: their box is the object's
    top = bottom = size = 0.0
    bold = italic = upright = False
    style: Style | None = None
    for index, char in enumerate(text):
        if char.isspace() and lib.fast_is_generated(textpage, index):
            if chars and _ends_in_space(handle, index - 1):  # the object's own space, where pdfminer has it
                last = chars[-1]
                append(last._replace(text=" ", x0=last.x1))
            continue  # otherwise PDFium's own space or line break: pdfminer has none
        if not lib.fast_loose_box(textpage, index, rect_at):
            continue
        obj = lib.fast_text_object(textpage, index)
        if obj != last_object:
            last_object = obj
            style = styles.of(handle, index, obj or 0)
            size, bold, italic, upright = style.size, style.bold, style.italic, style.upright
            flat = style.baseline is not None and not turned
            if style.baseline is not None:  # pdfminer's box: from the descent, up by the size
                bottom = height - (style.baseline + style.descent)
                top = bottom - size
        if flat:
            append(new_char(Char, (char, rect.left, top, rect.right, bottom, size, bold, italic, upright)))
        elif style is not None:
            append(_turned_char(handle, index, char, rect, style, placement))
    return chars


def _unit(x: float, y: float) -> tuple[float, float]:
    length = math.hypot(x, y)
    return (x / length, y / length) if length else (1.0, 0.0)


def _turned_char(handle: int, index: int, char: str, rect: Any, style: Style, placement: Placement) -> Char:
    """A character on a turned page, or in turned or slanted text: pdfminer's box (from the descent up
    by the size, as far along as PDFium's loose box reaches), through the page's turn."""
    left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
    x, y = ctypes.c_double(), ctypes.c_double()
    if lib.char_origin(handle, index, ctypes.addressof(x), ctypes.addressof(y)):
        (ux, uy), (vx, vy) = style.along, style.up
        advance = abs(right - left) if abs(ux) >= abs(uy) else abs(top - bottom)
        low, high = style.descent, style.descent + style.size
        corners = [
            (x.value + ux * a + vx * b, y.value + uy * a + vy * b)
            for a in (0.0, advance)
            for b in (low, high)
        ]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        left, bottom, right, top = min(xs), min(ys), max(xs), max(ys)
    x0, y_top, x1, y_bottom = placement.box(left, bottom, right, top)
    return Char(char, x0, y_top, x1, y_bottom, style.size, style.bold, style.italic, style.upright)


def _clusters(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's clustering: sorted distinct values, a new cluster where a gap exceeds the tolerance."""
    ids: dict[float, int] = {}
    last: float | None = None
    cluster = -1
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            cluster += 1
        ids[value] = cluster
        last = value
    return ids


def _page_words(chars: list[Char]) -> list[list[Char]]:
    """pdfplumber's WordExtractor: runs of upright or turned characters, cut into lines (clusters of
    `top`, or of `x0` for turned text) and sorted along them, then into words at a space or a gap."""
    words: list[list[Char]] = []
    for upright, run in groupby(chars, key=itemgetter(8)):
        group = list(run)
        if upright:
            lines = _clusters({c.top for c in group}, TOLERANCE)
            ordered = sorted(group, key=lambda c: (lines[c.top], c.x0))
        else:
            lines = _clusters({c.x0 for c in group}, TOLERANCE)
            ordered = sorted(group, key=lambda c: (lines[c.x0], c.top, c.bottom))
        current: list[Char] = []
        line = -1
        prev = None
        for char in ordered:
            char_line = lines[char.top if upright else char.x0]
            if char.text.isspace():
                if current:
                    words.append(current)
                current = []
            elif (
                current
                and prev is not None
                and (
                    char_line != line
                    or (
                        char.x0 < prev.x0
                        or char.x0 > prev.x1 + TOLERANCE
                        or abs(char.top - prev.top) > TOLERANCE
                        if upright
                        else char.top < prev.top
                        or char.top > prev.bottom + TOLERANCE
                        or abs(char.x0 - prev.x0) > TOLERANCE
                    )
                )
            ):
                words.append(current)
                current = [char]
            else:
                current.append(char)
            line, prev = char_line, char
        if current:
            words.append(current)
    return words


def page_lines(page_number: int, chars: list[Char]) -> tuple[Line, ...]:
    """pdfplumber's extract_text_lines on these characters, made into the parser's Lines: the words
    clustered by their top, in the order they were found."""
    words = _page_words(chars)
    tops = [min(map(TOP, word)) for word in words]
    clusters = _clusters(tops, TOLERANCE)
    lines: list[Line] = []
    start = 0
    for end in range(1, len(words) + 1):
        if end < len(words) and clusters[tops[end]] == clusters[tops[start]]:
            continue
        line_words = words[start:end]
        start = end
        text = " ".join("".join(LIGATURES.get(c.text, c.text) for c in w) for w in line_words)
        text = " ".join(text.split())
        kept = [c for w in line_words for c in w if c.text.strip()]
        if not text or not kept:
            continue
        bold = sum(map(BOLD, kept))
        italic = sum(map(ITALIC, kept))
        lines.append(
            Line(
                page=page_number,
                top=round(min(map(TOP, kept)), 2),
                bottom=round(max(map(BOTTOM, kept)), 2),
                x0=round(min(map(X0, kept)), 2),
                x1=round(max(map(X1, kept)), 2),
                text=text,
                size=round(max(map(SIZE, kept)), 2),
                bold=bold * 2 > len(kept),
                italic=italic * 2 > len(kept),
            )
        )
    return tuple(lines)


def _links(document: int, page: int, page_number: int, placement: Placement) -> tuple[Link, ...]:
    links: list[Link] = []
    position, link = ctypes.c_int(0), ctypes.c_void_p()
    rect = lib.FS_RECTF()
    uri = ctypes.create_string_buffer(4096)
    while lib.enumerate_links(page, ctypes.addressof(position), ctypes.addressof(link)):
        action = lib.link_action(link)
        if not action or lib.action_type(action) != lib.PDFACTION_URI:
            continue
        size = lib.action_uri(document, action, ctypes.addressof(uri), len(uri))
        if not 1 < size <= len(uri) or not lib.link_rect(link, ctypes.addressof(rect)):
            continue
        top, bottom = placement.link_box(rect.left, rect.bottom, rect.right, rect.top)
        links.append(Link(page_number, top, bottom, uri.value.decode("utf-8", "replace")))
    return tuple(links)


_initialised = False


def _init_library() -> None:
    """PDFium is set up once a process; pypdfium2's own wrapper (parsing.pdfium_text) does the same,
    and a second call is harmless."""
    global _initialised
    if not _initialised:
        lib.init_library()
        _initialised = True


class PdfiumReader:
    """An open PDF read with PDFium, page by page, as the parser's PageReads.

    It calls PDFium directly (pypdfium2_raw, not pypdfium2's wrapper objects): a page costs no
    wrappers, and the import is half as long."""

    name = PDFIUM

    def __init__(self, data: bytes) -> None:
        if damaged_content_stream(data):  # PDFium would read its pages short without a word
            raise OSError("a content stream does not decode: the reference reader names the pages")
        _init_library()
        self._data = data  # PDFium reads from it while the file is open
        self._document = lib.load_document(data, len(data), None)
        if not self._document:
            raise OSError(f"PDFium cannot open the file (error {lib.last_error()})")
        self.page_count = lib.page_count(self._document)

    def read_pages(
        self, start: int = 0, stop: int | None = None, on_page: PageDone | None = None
    ) -> list[PageRead]:
        read: list[PageRead] = []
        for index in range(start, self.page_count if stop is None else min(stop, self.page_count)):
            number = index + 1
            try:
                read.append(self._read_page(index, number))
            finally:
                if on_page is not None:
                    on_page(number)
        return read

    def _read_page(self, index: int, number: int) -> PageRead:
        page = lib.load_page(self._document, index)
        if not page:
            raise OSError(f"PDFium cannot load page {number}")
        try:
            placement = _placement(page)
            textpage = lib.load_text_page(page)
            if not textpage:
                raise OSError(f"PDFium cannot read the text of page {number}")
            try:
                lines = page_lines(number, page_chars(textpage, placement))
            finally:
                lib.close_text_page(textpage)
            return PageRead(lines, placement.height, _links(self._document, page, number, placement))
        finally:
            lib.close_page(page)

    def close(self) -> None:
        if self._document:
            lib.close_document(self._document)
            self._document = None
