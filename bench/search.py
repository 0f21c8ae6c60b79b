"""Search latency (p50/p99) and ingest throughput on a ten-year database; run on demand.

    python bench/search.py [--url DATABASE_URL] [--rounds N]

Results are printed and appended to bench/results/search.txt. Goal (issue 3): p99 under 10 ms
on SQLite.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.report import append, heading, percentile  # noqa: E402
from bench.tenyear import arguments, build  # noqa: E402
from storage import AgendaItem, Database, DocumentPage, Meeting, search  # noqa: E402

QUERIES = [
    "sundhedsaftale", "sundhedsklynger", "dimensionering", "pædagoguddannelsen", "klima",
    "rammeaftale", "udpegning", "SOSU", "erhvervsfyrtårn vand", "midttrafik", "ungeindsatsen",
    "praktikpladser", "danskuddannelse voksne udlændinge", "referat", "KKR Midtjylland",
    "sundhedsprofil", "passagerråd", "CDEU", "FGU Danmark", "socialområdet specialiserede",
]  # fmt: skip
# Words that stand mostly as the last part of compounds ("Sundhedssamarbejdsudvalget", "sundhedsaftaler"),
# timed on their own: they are the searches that go past the exact hits.
COMPOUND_QUERIES = [
    "samarbejdsudvalget", "aftale", "udvalg", "handlingsplan", "tilbud", "indsats", "kortlægning",
    "aftale udvalg", "kl",
]  # fmt: skip
RESULTS = Path(__file__).resolve().parent / "results" / "search.txt"
SEARCHED_TABLES = ("agenda_item", "document_page", "document", "meeting", "body")


def _settle(db: Database) -> None:
    """PostgreSQL: vacuum and analyse the tables search reads, as autovacuum soon does to a live database.

    Just after the build they hold dead row versions, unmerged GIN entries and no planner statistics,
    and the timings would depend on when autovacuum happened to run.
    """
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM (ANALYZE) {', '.join(SEARCHED_TABLES)}"))


def _timed(session: Session, queries: list[str], rounds: int) -> list[float]:
    """Milliseconds per search, every query `rounds` times."""
    timings: list[float] = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            hits = search(session, query)
            timings.append((time.perf_counter() - started) * 1000)
            assert hits is not None
    return timings


def _latency(label: str, timings: list[float]) -> str:
    return (
        f"{label}: {len(timings)} queries, p50 {percentile(timings, 0.5):.2f} ms, "
        f"p99 {percentile(timings, 0.99):.2f} ms, max {max(timings):.2f} ms, "
        f"mean {statistics.mean(timings):.2f} ms"
    )


def main() -> None:
    args = arguments(__doc__, default_rounds=20)
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{folder}/bench.sqlite3"
        db, stats = build(url)
        _settle(db)
        with db.session() as session:
            meetings = session.scalar(select(func.count()).select_from(Meeting))
            items = session.scalar(select(func.count()).select_from(AgendaItem))
            pages = session.scalar(select(func.count()).select_from(DocumentPage))
            timings = _timed(session, QUERIES, args.rounds)
            compound_timings = _timed(session, COMPOUND_QUERIES, args.rounds)
        db.dispose()
    backend = url.split(":", 1)[0]
    store_rate = stats.pages / stats.store_seconds
    ingest_rate = 1 / (stats.parse_seconds / stats.parsed_pages + 1 / store_rate)
    lines = [
        heading(backend),
        f"database: {meetings} meetings, {items} items, {pages} stored pages, {stats.documents} documents",
        f"parse: {stats.parsed_pages} pages in {stats.parse_seconds:.2f} s = "
        f"{stats.parsed_pages / stats.parse_seconds:.1f} pages/s",
        f"store: {stats.pages} pages in {stats.store_seconds:.2f} s = {store_rate:.0f} pages/s",
        f"ingest (parse + store, per page): {ingest_rate:.1f} pages/s",
        _latency("search", timings),
        _latency("compound words", compound_timings),
    ]
    print("\n".join(lines))
    append(RESULTS, lines)


if __name__ == "__main__":
    main()
