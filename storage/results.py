"""What storing a document did, small enough for a CLI line or an upload reply (texts.operator.stored)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Status = Literal["new", "new_version", "unchanged"]


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
