"""Which meeting a document describes: kind, body, date, time and place.

KKR documents say it on a front page (`Dato:`/`Sted:`) and in the running header
(`KKR Midtjylland | 23-03-2022`); a directors' network's minutes say it in a title ("Referat af møde
i kommunaldirektørnetværket i den midtjyske region, den …") and a `Tid og sted:` line. Each source
fills what the others lack, so a document without a front page still gets its date. The council is
named by core.bodies; a network's short code in the running header (`K29 | 12-05-2022`) is its name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.bodies import body_named, is_code, is_kkr
from core.dates import find_date, find_time_range
from core.kinds import KIND_WORDS_PATTERN, DocumentKind, kind_named
from parsing.layout import Line
from parsing.text import follows_without_gap, join_words

# "DAGSORDEN 2022", "D A G S O R D E N", "Tillægsdagsorden", "Referat af møde i ...", "Bilag til dagsorden"
KIND_TITLE_RE = re.compile(
    rf"^({KIND_WORDS_PATTERN})(?:\d{{4}}|\s+\d{{4}}|\s+(?:af|fra|til|for)\b.*)?$", re.IGNORECASE
)
LABEL_RE = re.compile(r"^(Dato|Sted|Tid og sted|Tid|Mødested|Deltagere|Afbud|Fraværende)\s*:\s*(.*)$")
VENUE_PREFIX_RE = re.compile(r"^(?:mødet\s+(?:af)?holdes\s+(?:på|i|hos)|sted:)\s*", re.IGNORECASE)
FRONT_MATTER_LINES = 40  # the front page or title block is within the first lines of a document
TITLE_LINES = 6  # the council is named within the first lines: a title may wrap over two or three


@dataclass(frozen=True)
class MeetingMeta:
    """What is known so far of the meeting; None where a source did not say."""

    kind: DocumentKind | None = None
    body: str | None = None
    meeting_date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    location: str | None = None
    network_code: str | None = None  # a running header's code such as "K29", naming a directors' network

    def filled_from(self, other: MeetingMeta) -> MeetingMeta:
        """This meta with its gaps filled from `other`; a directors' network takes its code as name."""
        body = self.body or other.body
        code = self.network_code or other.network_code
        if body and code and not is_kkr(body):
            body = code
        return replace(
            self,
            kind=self.kind or other.kind,
            body=body,
            network_code=code,
            meeting_date=self.meeting_date or other.meeting_date,
            start_time=self.start_time or other.start_time,
            end_time=self.end_time or other.end_time,
            location=self.location or other.location,
        )


def _labelled_value(lines: Sequence[Line], index: int, first: str) -> str:
    """A label's value and the lines that continue it (until a gap or the next label)."""
    parts = [first] if first else []
    previous = lines[index]
    for line in lines[index + 1 :]:
        if LABEL_RE.match(line.text) or not follows_without_gap(previous, line):
            break
        if line.size > previous.size + 0.5:
            break
        parts.append(line.text)
        previous = line
    return join_words(parts)


def _clean_location(text: str) -> str | None:
    text = VENUE_PREFIX_RE.sub("", text.strip(" ,;:–-")).strip(" ,;")
    return text or None


def from_front_matter(lines: Sequence[Line]) -> MeetingMeta:
    """Kind, body, date, time and place from a KKR front page or a directors' network's title block.

    `lines` are the lines before the first numbered heading.
    """
    head = lines[:FRONT_MATTER_LINES]
    meta = MeetingMeta(body=_council_in_title(head[:TITLE_LINES]))
    # a title is bold; where nothing is (a scan read by OCR), the biggest of the first lines
    unbolded = not any(line.bold for line in head)
    title_size = max((line.size for line in head[:TITLE_LINES]), default=0.0)
    for index, line in enumerate(head):
        squeezed = line.text.replace(" ", "").upper()
        is_title = line.bold or (unbolded and line.size >= title_size - 0.6)
        if meta.kind is None and index < TITLE_LINES and is_title:
            title = KIND_TITLE_RE.match(line.text) or KIND_TITLE_RE.match(squeezed)
            if title:
                meta = replace(meta, kind=kind_named(title[1]))
        label = LABEL_RE.match(line.text)
        if not label:
            continue
        name, value = label[1], _labelled_value(head, index, label[2])
        if name in ("Dato", "Tid og sted", "Tid") and meta.meeting_date is None:
            start, end = find_time_range(value)
            meta = replace(meta, meeting_date=find_date(value), start_time=start, end_time=end)
            if name == "Tid og sted":
                after_time = re.split(r"kl(?:\.|okken)?\s*[\d.:]+(?:\s*[-–—]\s*[\d.:]+)?", value, maxsplit=1)
                rest = after_time[1] if len(after_time) > 1 else ""
                meta = replace(meta, location=_clean_location(rest))
        elif name in ("Sted", "Mødested") and meta.location is None:
            meta = replace(meta, location=_clean_location(value))
    return meta


def _council_in_title(lines: Sequence[Line]) -> str | None:
    """The council the first lines name, read as one text (a title wraps: "… i den" / "nordjyske region"),
    else in a letter-spaced line ("K K R   M I D T J Y L L A N D")."""
    named = body_named(join_words([line.text for line in lines]))
    squeezed = (body_named(line.text.replace(" ", "").upper().replace("KKR", "KKR ")) for line in lines)
    return named or next((body for body in squeezed if body), None)


def from_title(lines: Sequence[Line]) -> MeetingMeta:
    """The date in a bold title block such as `Referat af møde i ... den 20.` / `august 2021`."""
    title: list[str] = []
    for line in lines[:4]:
        if not line.bold:
            break
        title.append(line.text)
    return MeetingMeta(meeting_date=find_date(join_words(title))) if title else MeetingMeta()


def from_running_headers(headers: Sequence[Line]) -> MeetingMeta:
    """Body, date and (for bundles) kind from headers such as `KKR Midtjylland | Bilag | 23-04-2021`.

    A first field that names no council but is a short code (`K29 | 12-05-2022`) is kept as
    `network_code`: the name of the directors' network the document's title names in words.
    """
    barred = [line for line in headers if "|" in line.text]
    # "Bilag." on one scanned page: a speck OCR read; any page's header that says so will do
    bundle = any(
        field.strip(" .,;:'`´\"").lower() == "bilag" for line in barred for field in line.text.split("|")
    )
    for line in barred:
        fields = [f.strip() for f in line.text.split("|")]
        body = body_named(fields[0])
        code = fields[0] if body is None and is_code(fields[0]) else None
        date = find_date(line.text)
        if body or date:
            kind = DocumentKind.BILAG if bundle else None
            return MeetingMeta(kind=kind, body=body, meeting_date=date, network_code=code)
    return MeetingMeta()
