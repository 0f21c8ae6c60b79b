"""Handler time per command on the ten-year database: update text in, replies out, no network.

    python bench/handlers.py [--url DATABASE_URL] [--rounds N]

Results are printed and appended to bench/results/handlers.txt. Goal (issue 4): p99 under 20 ms.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import append, heading, percentile  # noqa: E402
from bench.tenyear import arguments, build  # noqa: E402
from handlers.commands import answer  # noqa: E402
from handlers.context import HandlerContext  # noqa: E402

TODAY = dt.date(2018, 2, 1)  # mid-archive: meetings both before and after
COMMANDS = [
    "/naestemoede", "/moeder", "/dagsorden", "/dagsorden 20. marts 2019", "/dagsorden 20-06-2016",
    "/punkt 3.2", "/punkt 4.1 20. september 2020", "/punkt 99.9", "/indstillinger",
    "/soeg sundhedsaftale", "/soeg erhvervsfyrtårn vand", "/hjaelp", "/ukendt", "hej",
]  # fmt: skip
RESULTS = Path(__file__).resolve().parent / "results" / "handlers.txt"


def main() -> None:
    args = arguments(__doc__, default_rounds=30)
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{folder}/bench.sqlite3"
        db, _ = build(url)
        ctx = HandlerContext(db=db, today=lambda: TODAY)
        for command in COMMANDS:  # warm-up: caches, dateparser, first queries
            answer(ctx, command)
        per_command: dict[str, list[float]] = {c: [] for c in COMMANDS}
        for _ in range(args.rounds):
            for command in COMMANDS:
                started = time.perf_counter()
                replies = answer(ctx, command)
                per_command[command].append((time.perf_counter() - started) * 1000)
                assert replies, command
        db.dispose()
    everything = [t for samples in per_command.values() for t in samples]
    backend = url.split(":")[0]
    lines = [heading(backend)]
    for command, samples in per_command.items():
        lines.append(
            f"{command:32s} p50 {percentile(samples, 0.5):6.2f} ms  p99 {percentile(samples, 0.99):6.2f} ms"
        )
    lines.append(
        f"all {len(everything)} calls: p50 {percentile(everything, 0.5):.2f} ms, "
        f"p99 {percentile(everything, 0.99):.2f} ms, max {max(everything):.2f} ms"
    )
    print("\n".join(lines))
    append(RESULTS, lines)


if __name__ == "__main__":
    main()
