"""What storing a document did, small enough for a CLI line or an upload reply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Status = Literal["new", "new_version", "unchanged"]

MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
KIND_NAMES = {
    "dagsorden": "dagsorden",
    "tillaegsdagsorden": "tillægsdagsorden",
    "referat": "referat",
    "bilag": "bilag",
}
NEW_LABELS = {
    "dagsorden": "ny dagsorden",
    "tillaegsdagsorden": "ny tillægsdagsorden",
    "referat": "nyt referat",
    "bilag": "nye bilag",
}


def danish_date(day: dt.date) -> str:
    """`14. juni 2022`."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Change:
    """One difference between a document version and the version before it."""

    number: str
    change: str  # added, removed, retitled, recommendation_changed, decision_changed
    old_value: str | None = None
    new_value: str | None = None


@dataclass(frozen=True)
class StoreResult:
    """The outcome of store_document for one PDF."""

    status: Status
    kind: str
    body: str
    meeting_date: dt.date
    item_count: int
    pages: int
    version: int
    document_id: int
    meeting_id: int
    changes: tuple[Change, ...] = ()
    proposals: int = 0  # appointment changes read from the document, waiting for an administrator

    def describe(self) -> str:
        """One Danish line, e.g. `ny dagsorden: KKR Midtjylland 14. juni 2022, 10 punkter`."""
        meeting = f"{self.body} {danish_date(self.meeting_date)}"
        contents = (
            _count(self.pages, "side", "sider")
            if self.kind == "bilag"
            else _count(self.item_count, "punkt", "punkter")
        )
        if self.status == "unchanged":
            return f"uændret: {KIND_NAMES[self.kind]} {meeting}"
        if self.status == "new_version":
            changes = _count(len(self.changes), "ændring", "ændringer")
            return f"ny version ({self.version}) af {KIND_NAMES[self.kind]}: {meeting}, {contents}, {changes}"
        return f"{NEW_LABELS[self.kind]}: {meeting}, {contents}"
