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

from sqlalchemy import func, select  # noqa: E402

from bench.report import append, heading, percentile  # noqa: E402
from bench.tenyear import arguments, build  # noqa: E402
from storage import AgendaItem, DocumentPage, Meeting, search  # noqa: E402

QUERIES = [
    "sundhedsaftale", "sundhedsklynger", "dimensionering", "pædagoguddannelsen", "klima",
    "rammeaftale", "udpegning", "SOSU", "erhvervsfyrtårn vand", "midttrafik", "ungeindsatsen",
    "praktikpladser", "danskuddannelse voksne udlændinge", "referat", "KKR Midtjylland",
    "sundhedsprofil", "passagerråd", "CDEU", "FGU Danmark", "socialområdet specialiserede",
]  # fmt: skip
RESULTS = Path(__file__).resolve().parent / "results" / "search.txt"


def main() -> None:
    args = arguments(__doc__, default_rounds=20)
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{folder}/bench.sqlite3"
        db, stats = build(url)
        with db.session() as session:
            meetings = session.scalar(select(func.count()).select_from(Meeting))
            items = session.scalar(select(func.count()).select_from(AgendaItem))
            pages = session.scalar(select(func.count()).select_from(DocumentPage))
            timings: list[float] = []
            for _ in range(args.rounds):
                for query in QUERIES:
                    started = time.perf_counter()
                    hits = search(session, query)
                    timings.append((time.perf_counter() - started) * 1000)
                    assert hits is not None
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
        f"search: {len(timings)} queries, p50 {percentile(timings, 0.5):.2f} ms, "
        f"p99 {percentile(timings, 0.99):.2f} ms, max {max(timings):.2f} ms, "
        f"mean {statistics.mean(timings):.2f} ms",
    ]
    print("\n".join(lines))
    append(RESULTS, lines)


if __name__ == "__main__":
    main()
