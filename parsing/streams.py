"""Whether a PDF holds a page-content stream that does not decode: found in the file's bytes.

PDFium reads a stream that stops short, or is under a filter it does not know, as far as it can and
says nothing, so a damaged page would quietly lose its items. pdfminer tells (parsing.read_plumber
names such pages), but parsing the file's objects with it costs more than PDFium's whole reading.
So the fast path looks for such streams in the raw bytes first, and a file that has one is read with
the reference reader instead. Only streams that can be page content are checked: a stream whose
dictionary has a /Type or /Subtype (images, fonts, forms, object and xref streams) is passed over,
and an encrypted file is not checked at all (its streams only decode once decrypted).
"""

from __future__ import annotations

import re
import zlib

# "12 0 obj << … >> stream": the dictionary may hold dictionaries of its own, so the match ends at
# the first ">>" that "stream" follows, and never runs on past the object's end into the next one
STREAM_RE = re.compile(rb"\d+\s+\d+\s+obj\s*<<((?:(?!obj\b).){0,4096}?)>>\s*stream(?:\r\n|\n|\r)", re.S)
NOT_CONTENT_RE = re.compile(rb"/(?:Type|Subtype|Length1|Length2|Length3|Width|N)\b")
FILTER_RE = re.compile(rb"/Filter\s*(?:\[([^\]]*)\]|(/[^\s/<>\[\]()]+))")
LENGTH_RE = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
KNOWN_FILTERS = {
    b"FlateDecode", b"Fl", b"LZWDecode", b"LZW", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85",
    b"RunLengthDecode", b"RL", b"DCTDecode", b"DCT", b"CCITTFaxDecode", b"CCF", b"JBIG2Decode",
    b"JPXDecode", b"Crypt",
}  # fmt: skip
INFLATE_CHUNK = 1 << 20  # inflated a megabyte at a time, never whole (a stream can inflate to gigabytes)


def damaged_content_stream(data: bytes) -> bool:
    """Whether some stream that may be a page's content is under an unknown filter or fails to inflate."""
    if b"/Encrypt" in data:
        return False
    for match in STREAM_RE.finditer(data):
        dictionary = match.group(1)
        if NOT_CONTENT_RE.search(dictionary):
            continue
        filters = _filters(dictionary)
        if any(name not in KNOWN_FILTERS for name in filters):
            return True
        plain_deflate = filters[:1] in ([b"FlateDecode"], [b"Fl"]) and b"/DecodeParms" not in dictionary
        if plain_deflate and not _inflates(data, match.end(), dictionary):
            return True
    return False


def _filters(dictionary: bytes) -> list[bytes]:
    found = FILTER_RE.search(dictionary)
    if found is None:
        return []
    names = found.group(1) if found.group(1) is not None else found.group(2)
    return [name for name in re.split(rb"[\s/]+", names) if name]


def _inflates(data: bytes, start: int, dictionary: bytes) -> bool:
    length = LENGTH_RE.search(dictionary)
    end = start + int(length.group(1)) if length else data.find(b"endstream", start)
    return inflates_to_the_end(data[start : end if end >= start else len(data)])


def inflates_to_the_end(raw: bytes) -> bool:
    """Whether deflated `raw` inflates without an error and to its end (a cut stream stops short)."""
    inflater = zlib.decompressobj()
    try:
        for offset in range(0, len(raw), INFLATE_CHUNK):
            inflater.decompress(raw[offset : offset + INFLATE_CHUNK], INFLATE_CHUNK)
            while inflater.unconsumed_tail:
                inflater.decompress(inflater.unconsumed_tail, INFLATE_CHUNK)
    except zlib.error:
        return False
    return inflater.eof
