#!/usr/bin/env python3
"""Make the hostile PDFs the parser must refuse (or parse) within its limits (issue 14).

Usage: python bench/hostile_pdfs.py OUTDIR [NAME ...]

Writes one file per entry of HOSTILE (or the NAMEs) into OUTDIR. bench/hostile.py measures what
each costs `kkrbot ingest`; tests/test_hostile_pdfs.py makes them in a temporary folder, so none of
the big ones is kept in the repository.

The files, all made here without pikepdf (a small PDF writer below, pypdf for the damaged copies
of a shared fixture):

- many-pages: 3,000 pages of plain book text, no meeting anywhere (as pdf.js's freeculture.pdf);
- heavy-drawing: one page of 300,000 tiny filled rectangles;
- heavy-text: one page of 300,000 characters in a tiny font;
- form-bomb: one page drawing a form that draws a form ... (six levels of 10): a million text
  runs from a few hundred bytes;
- flate-bomb: one page whose content stream inflates to 600 MB of spaces (deflate twice);
- deep-page-tree: the one page under 5,000 nested /Pages nodes;
- damaged-xref: the KD-Net minutes with their xref table overwritten and startxref wrong;
- pdfium-only-text: the KD-Net minutes with their pages' /Type left out, which pdfminer
  skips (it finds no page) and PDFium reads (a leaf of the page tree is a page to it);
- later-pages-damaged: the KKR agenda with page 7's content replaced by bytes that do not
  inflate and page 9's cut in half: the first pages are fine;
- page-raises: the KKR agenda with page 5's content under a filter pdfminer does not know,
  so pdfminer raises on that page.
"""

from __future__ import annotations

import io
import random
import re
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

ROOT = Path(__file__).resolve().parents[1]
KDNET = ROOT / "tests/fixtures/pdf/kdnet-referat-2021-08-20.pdf"
AGENDA = ROOT / "tests/fixtures/pdf/kkr-dagsorden-2022-03-23.pdf"

WORDS = [
    "kultur",
    "frihed",
    "bog",
    "kapitel",
    "loven",
    "ophavsret",
    "teknologi",
    "marked",
    "forfatter",
    "musik",
    "film",
    "internet",
    "skaber",
    "værk",
    "kopi",
    "fremtid",
    "historie",
    "retten",
    "samfund",
    "idé",
    "mennesker",
    "arbejde",
    "tid",
    "verden",
    "bibliotek",
]
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def stream(data: bytes, *, compress: bool = True, extra: bytes = b"") -> bytes:
    """A stream object's bytes, deflated unless told otherwise."""
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def write_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF of `objects` (number -> body) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets.get(number, 0)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def one_page(content: bytes, resources: bytes = b"<< /Font << /F1 4 0 R >> >>", **more: bytes) -> bytes:
    """A one-page PDF: catalog 1, pages 2, page 3, font 4, content 5, then `more` objects 6, 7, ..."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 5 0 R >>"
        % resources,
        4: FONT,
        5: content,
    }
    for number, body in enumerate(more.values(), start=6):
        objects[number] = body
    return write_pdf(objects)


def many_pages(pages: int = 3000) -> bytes:
    """`pages` pages of book text (45 lines each), a title page first; nothing of a meeting."""
    rng = random.Random(14)
    sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(997)]
    page_ids = [4 + 2 * i for i in range(pages)]
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_ids), pages),
        3: FONT,
    }
    for index, page_id in enumerate(page_ids):
        if index == 0:
            lines = [
                "Fri kultur",
                "Hvordan store medier bruger teknologi og loven",
                "En bog i mange kapitler",
            ]
        else:
            lines = [sentences[(index * 45 + line) * 31 % len(sentences)] for line in range(45)]
            lines.insert(0, f"Kapitel {index // 10 + 1}")
        body = b"BT /F1 11 Tf 14 TL 60 790 Td " + b" ".join(_pdf_string(ln) + b" '" for ln in lines) + b" ET"
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (page_id + 1)
        )
        objects[page_id + 1] = stream(body)
    return write_pdf(objects)


def heavy_drawing(rectangles: int = 300_000) -> bytes:
    """One page of `rectangles` tiny filled squares, and one line of text."""
    ops = [b"BT /F1 12 Tf 60 800 Td (Tegning) Tj ET"]
    ops += [b"%d %d 1 1 re f" % (20 + i * 7919 % 555, 20 + i * 104729 % 760) for i in range(rectangles)]
    return one_page(stream(b"\n".join(ops)))


def heavy_text(characters: int = 300_000) -> bytes:
    """One page of `characters` characters in a 1 pt font, lines 1.2 pt apart."""
    line = ("Mange små tegn på en side " * 8)[:200]
    lines = characters // len(line)
    body = (
        b"BT /F1 1 Tf 1.2 TL 20 830 Td " + b" ".join(_pdf_string(line) + b" '" for _ in range(lines)) + b" ET"
    )
    return one_page(stream(body))


def form_bomb(levels: int = 6, fan_out: int = 10) -> bytes:
    """One page drawing form 1, which draws form 2 `fan_out` times, ... down to a form with text."""
    forms = {}
    first = 6
    for level in range(levels):
        number = first + level
        if level == levels - 1:
            body = b"BT /F1 8 Tf 0 0 Td (Bombe) Tj ET"
            resources = b"<< /Font << /F1 4 0 R >> >>"
        else:
            body = b" ".join(b"q 1 0 0 1 %d 0 cm /X Do Q" % i for i in range(fan_out))
            resources = b"<< /XObject << /X %d 0 R >> >>" % (number + 1)
        forms[f"form{level}"] = stream(
            body, extra=b" /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources %s" % resources
        )
    return one_page(
        stream(b"/X Do"), b"<< /Font << /F1 4 0 R >> /XObject << /X %d 0 R >> >>" % first, **forms
    )


def _bits_to_bytes(bits: list[int]) -> bytes:
    bits = bits + [0] * (-len(bits) % 8)
    return bytes(sum(bit << i for i, bit in enumerate(bits[n : n + 8])) for n in range(0, len(bits), 8))


def _spaces_deflated(groups: int) -> tuple[bytes, int]:
    """A zlib stream of 1 + 258 * 8 * `groups` spaces, written directly (compressing them would take
    seconds): one fixed-Huffman block of a literal space and (length 258, distance 1) copies, whose
    13 bits repeat every 13 bytes; and how many bytes it inflates to."""

    def deflate(pair_groups: int) -> bytes:
        bits = [1, 1, 0]  # BFINAL, BTYPE 01 (fixed Huffman), least significant bit first
        bits += [int(b) for b in f"{0x30 + 0x20:08b}"]  # the literal " " (codes are written msb first)
        bits += [int(b) for b in "11000101" + "00000"] * (8 * pair_groups)  # length 258, distance 1
        bits += [0] * 7  # end of block
        return _bits_to_bytes(bits)

    one, three = deflate(1), deflate(3)
    unit = three[2:15]  # bits 16..119: exactly 8 copies, the same in every group
    raw = one[:2] + unit * (groups - 1) + one[2:]
    size = 1 + 258 * 8 * groups
    a = (1 + 32 * size) % 65521  # Adler-32 of `size` spaces, from its definition
    b = (size + 32 * size * (size + 1) // 2) % 65521
    return b"\x78\x01" + raw + ((b << 16) | a).to_bytes(4, "big"), size


def flate_bomb(megabytes: int = 600) -> bytes:
    """One page whose content inflates to `megabytes` MB of spaces: deflated twice, a few kB."""
    inner, _ = _spaces_deflated((megabytes << 20) // (258 * 8))
    outer = zlib.compress(inner, 9)
    content = b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n%s\nendstream" % (
        len(outer),
        outer,
    )
    return one_page(content)


def deep_page_tree(depth: int = 5000) -> bytes:
    """One page of text under `depth` nested /Pages nodes."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: FONT}
    nodes = [2] + list(range(10, 10 + depth - 1))
    for index, node in enumerate(nodes):
        kid = nodes[index + 1] if index + 1 < len(nodes) else 4
        parent = b" /Parent %d 0 R" % nodes[index - 1] if index else b""
        objects[node] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (kid, parent)
    objects[4] = (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 5 0 R >>" % nodes[-1]
    )
    objects[5] = stream(b"BT /F1 12 Tf 60 780 Td (Et dybt sidetr\xe6) Tj ET")
    return write_pdf(objects)


def damaged_xref(source: Path = KDNET) -> bytes:
    """`source` with every xref entry overwritten and startxref pointing into the middle of the file."""
    data = source.read_bytes()
    start = data.rindex(b"\nxref") + 1
    table_end = data.index(b"trailer", start)
    table = re.sub(rb"\d{10} \d{5} [nf]", b"9999999999 00000 n", data[start:table_end])
    data = data[:start] + table + data[table_end:]
    return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (len(data) // 2), data)


def _copy(source: Path) -> tuple[PdfWriter, Callable[[PdfWriter], bytes]]:
    writer = PdfWriter(clone_from=PdfReader(source))

    def written(w: PdfWriter) -> bytes:
        buffer = io.BytesIO()
        w.write(buffer)
        return buffer.getvalue()

    return writer, written


def pdfium_only_text(source: Path = KDNET) -> bytes:
    """`source` without each page's /Type: pdfminer finds no page, PDFium reads every one."""
    data = PdfReader(source)
    writer = PdfWriter(clone_from=data)
    buffer = io.BytesIO()
    writer.write(buffer)
    # pypdf would put /Type /Page back on a page it knows, so the bytes are changed after writing
    return re.sub(rb"/Type\s*/Page(?![a-zA-Z])", b"", buffer.getvalue())


def _raw_contents(writer: PdfWriter, page_number: int) -> StreamObject:
    contents = writer.pages[page_number - 1]["/Contents"].get_object()
    if not isinstance(contents, StreamObject):  # an array of streams: the first holds the text
        contents = contents[0].get_object()
    return contents


def later_pages_damaged(source: Path = AGENDA, garbage: int = 7, halved: int = 9) -> bytes:
    """`source` with page `garbage`'s content replaced by bytes that do not inflate and page `halved`'s
    deflated content cut in half; every other page untouched."""
    writer, written = _copy(source)
    rng = random.Random(9)
    broken = _raw_contents(writer, garbage)
    broken._data = b"x\x9c" + bytes(rng.randrange(256) for _ in range(4000))
    broken[NameObject("/Filter")] = NameObject("/FlateDecode")
    cut = _raw_contents(writer, halved)
    raw = zlib.compress(cut.get_data(), 9)
    cut._data = raw[: len(raw) // 2]
    cut[NameObject("/Filter")] = NameObject("/FlateDecode")
    return written(writer)


def page_raises(source: Path = AGENDA, page: int = 5) -> bytes:
    """`source` with page `page`'s content under an unknown filter (/Ukendt), on which pdfminer raises."""
    writer, written = _copy(source)
    contents = _raw_contents(writer, page)
    contents._data = contents.get_data()
    contents[NameObject("/Filter")] = NameObject("/Ukendt")
    return written(writer)


HOSTILE: dict[str, Callable[[], bytes]] = {
    "many-pages": many_pages,
    "heavy-drawing": heavy_drawing,
    "heavy-text": heavy_text,
    "form-bomb": form_bomb,
    "flate-bomb": flate_bomb,
    "deep-page-tree": deep_page_tree,
    "damaged-xref": damaged_xref,
    "pdfium-only-text": pdfium_only_text,
    "later-pages-damaged": later_pages_damaged,
    "page-raises": page_raises,
}


def make_all(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the hostile PDFs (all, or those named) into `folder`; name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names or list(HOSTILE):
        path = folder / f"{name}.pdf"
        path.write_bytes(HOSTILE[name]())
        paths[name] = path
    return paths


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in make_all(Path(sys.argv[1]), sys.argv[2:] or None).values():
        print(path)


if __name__ == "__main__":
    main()
