"""The contract between parsing and everything after it: meeting documents and the appointment register.

Frozen dataclasses so that a parsed document can be handed around, compared and hashed
without anyone changing it on the way to storage.

Text fields (an item's background, recommendation, case_presentation and decision, a section's
text) are plain text with one block per line, in this small line markup:

- `# Tilsynet med almene boliger`: a sub-heading (a short bold line, or a short line with white
  space above it and a paragraph below it);
- `- Flere fuldtidsstillinger`: a list entry; two spaces before the `-` for each level of nesting
  beyond the first (`- a`, `  - b`, `    - c`), the level read from the entries' indentation
  against each other (at the same indentation, another bullet than the entry above, as Word's
  `o` under `-`, is one level deeper). The PDF's bullet glyph is dropped; a numbered or lettered
  entry keeps its number after the dash: `- 1. Adgang til …`, `- a) …`;
- `./. Handlingsplan for …`: a bilag reference, KL's mark kept, the title whole (the title is also
  in `attachments`, without the mark);
- any other line is one paragraph, its line wraps and hyphenation undone.

Plain lines never begin with `# `, `- ` or `./. ` unless the PDF's text itself does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.kinds import DocumentKind
from core.names import name_key


@dataclass(frozen=True)
class AppointmentChange:
    """One change an agenda item proposes: `person` takes a seat in `organization`, maybe in place of
    `replaces`. Names are as written; a person decides (storage keeps it as a proposal)."""

    person: str
    organization: str
    sentence: str
    party: str | None = None
    replaces: str | None = None
    role: str | None = None  # None: the replaced person's role, or an ordinary member


@dataclass(frozen=True)
class ParsedSection:
    """A numbered heading such as `3. Regionalpolitiske sager`; `text` only where it has no items."""

    number: str
    title: str
    text: str | None = None
    page: int = 0


@dataclass(frozen=True)
class ParsedItem:
    """One agenda item (dagsordenspunkt), e.g. `3.2` in KKR or `5` in KD-Net."""

    number: str
    title: str
    page: int
    case_number: str | None = None
    presenter: str | None = None
    background: str | None = None  # baggrund
    recommendation: str | None = None  # indstilling
    case_presentation: str | None = None  # sagsfremstilling
    decision: str | None = None  # beslutning (KKR) / referat (KD-Net)
    attachments: tuple[str, ...] = ()  # bilag marked ./.
    links: tuple[str, ...] = ()
    # what an item under "Udpegninger" proposes (parsing.appointments); not part of the JSON
    appointments: tuple[AppointmentChange, ...] = ()

    @property
    def section_number(self) -> str | None:
        return self.number.split(".")[0] if "." in self.number else None


@dataclass(frozen=True)
class ParsedDocument:
    """One published PDF: what kind it is, which meeting it describes, and its content."""

    kind: DocumentKind
    body: str  # "KKR Midtjylland", "KD-Net"
    meeting_date: dt.date
    pages: int
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    location: str | None = None
    sections: tuple[ParsedSection, ...] = ()
    items: tuple[ParsedItem, ...] = ()
    page_texts: tuple[str, ...] = field(default=(), repr=False)  # for search, one per page
    unreadable_pages: tuple[int, ...] = ()  # 1-based: pages whose text could not be read (damaged)
    ocr_pdf: bytes | None = field(default=None, repr=False)  # a scan with the text layer OCR gave it

    @property
    def read_by_ocr(self) -> bool:
        return self.ocr_pdf is not None

    @property
    def full_text(self) -> str:
        return "\n\f".join(self.page_texts)

    def to_json_dict(self) -> dict[str, Any]:
        """The exact JSON that `kkrbot parse --json` prints (see issue #2)."""
        return {
            "kind": str(self.kind),
            "body": self.body,
            "meeting_date": self.meeting_date.isoformat(),
            "start_time": self.start_time.strftime("%H:%M") if self.start_time else None,
            "location": self.location,
            "pages": self.pages,
            "sections": [{"number": s.number, "title": s.title, "text": s.text} for s in self.sections],
            "items": [
                {
                    "number": i.number,
                    "title": i.title,
                    "case_number": i.case_number,
                    "presenter": i.presenter,
                    "background": i.background,
                    "recommendation": i.recommendation,
                    "case_presentation": i.case_presentation,
                    "decision": i.decision,
                    "attachments": list(i.attachments),
                    "links": list(i.links),
                    "page": i.page,
                }
                for i in self.items
            ],
        }


@dataclass(frozen=True)
class RegisterRow:
    """One checked row of the appointment register: a person's appointment to an organ in a role."""

    line: int
    name: str
    party: str | None
    municipality: str
    organization: str
    role: str
    start: dt.date
    end: dt.date | None
    appointed_by: str | None

    @property
    def person_key(self) -> tuple[str, str]:
        return name_key(self.name), name_key(self.municipality)

    @property
    def appointment_key(self) -> tuple[str, str, str, str, dt.date]:
        return (*self.person_key, name_key(self.organization), self.role, self.start)
