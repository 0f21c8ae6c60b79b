"""`kkrbot udpegninger import`: a register file read (parsing.register) and applied (storage.register).

One transaction: every row of the file is stored, or nothing of it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from parsing.register import read_register, row_unit
from storage.db import committing
from storage.register import ImportResult, apply_register


def import_register(session: Session, data: bytes, *, source: str) -> ImportResult:
    """Read, check and store a register file: every row, or nothing of it (RegisterError says why)."""
    rows = read_register(data)
    with committing(session):
        return apply_register(session, rows, source=source, unit=row_unit(data))
