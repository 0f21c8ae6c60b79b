"""A ten-year meeting database for benchmarks: the fixture PDFs replicated across 2013-2022.

Each fixture is parsed once; copies are stored with shifted meeting dates and their own sha256,
giving about 60 meetings, 1,000 items and 3,000 bilag pages, the size of a real archive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import time
from dataclasses import dataclass, replace
from pathlib import Path

from parsing import ParsedDocument, parse_document
from storage import Database, open_database, store_document

PDF_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pdf"
YEARS = range(2013, 2023)
KKR_MEETINGS_A_YEAR = (1, 3, 6, 9, 11, 12)  # months; six a year, sixty in ten years


@dataclass(frozen=True)
class BuildStats:
    documents: int
    pages: int
    parse_seconds: float
    parsed_pages: int
    store_seconds: float


def _parsed_fixtures() -> tuple[dict[str, ParsedDocument], int, float]:
    parsed: dict[str, ParsedDocument] = {}
    pages = 0
    started = time.perf_counter()
    for path in sorted(PDF_DIR.glob("*.pdf")):
        doc = parse_document(path.read_bytes())
        parsed[path.stem] = doc
        pages += doc.pages
    return parsed, pages, time.perf_counter() - started


def _on(doc: ParsedDocument, day: dt.date) -> ParsedDocument:
    return replace(doc, meeting_date=day)


def build(url: str) -> tuple[Database, BuildStats]:
    """Create (or fill) the database at `url` with the ten-year archive."""
    db = open_database(url)
    parsed, parsed_pages, parse_seconds = _parsed_fixtures()
    agenda, minutes = parsed["kkr-dagsorden-2022-03-23"], parsed["kkr-referat-2021-04-23"]
    bilag, kdnet = parsed["kkr-bilag-2021-04-23"], parsed["kdnet-referat-2021-08-20"]
    documents = pages = 0
    started = time.perf_counter()
    with db.session() as session:
        for year in YEARS:
            for month in KKR_MEETINGS_A_YEAR:
                day = dt.date(year, month, 20)
                for kind, doc in (("a", agenda), ("r", minutes), ("b", bilag)):
                    copy = _on(doc, day)
                    sha = hashlib.sha256(f"{kind}{day}".encode()).hexdigest()
                    store_document(session, copy, sha256=sha)
                    documents += 1
                    pages += copy.pages
            for month in (8,):
                day = dt.date(year, month, 13)
                store_document(
                    session, _on(kdnet, day), sha256=hashlib.sha256(f"k{day}".encode()).hexdigest()
                )
                documents += 1
                pages += kdnet.pages
    return db, BuildStats(documents, pages, parse_seconds, parsed_pages, time.perf_counter() - started)


def arguments(description: str | None, default_rounds: int) -> argparse.Namespace:
    """The command line every ten-year benchmark takes: a database URL and a number of rounds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", help="database URL (default: a new SQLite file in a temp folder)")
    parser.add_argument("--rounds", type=int, default=default_rounds, help="times every command is run")
    return parser.parse_args()
