#!/usr/bin/env python3
"""What hostile PDFs cost the bot: each file of the made corpus through the real `kkrbot ingest`.

The corpus is bench/hostile_pdfs.py's (a 3,000-page book, heavy pages, bombs, a deep
page tree, damaged copies of the fixtures), written to a temporary folder. Each file is ingested by
a fresh `kkrbot ingest` into a fresh SQLite database, under a wrapper that reports the wall time and
the peak memory (resident set) of the whole process tree, the parse child included. Goal (issue 14):
every file refused or parsed within 10 s and 400 MB with the default limits.

Usage: python3 bench/hostile.py [--no-save]; appends to bench/results/hostile.txt.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hostile_pdfs import make_all  # noqa: E402
from bench.report import append, heading  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "hostile.txt"
GOAL_SECONDS, GOAL_MB = 10.0, 400
# Runs the command, then prints its wall time and the peak RSS of its process tree (children reaped).
WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"{wall:.2f} {peak} {result.returncode} {(result.stdout.strip().splitlines() or [''])[-1]}")
"""


def ingest(path: Path) -> tuple[float, int, int, str]:
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder}/kkrbot.sqlite3")
        command = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "bot", "ingest", str(path)]
        out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    wall, peak, code, line = out.strip().split(" ", 3)
    return float(wall), int(peak), int(code), line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-save", action="store_true", help="print only, do not append to results")
    args = parser.parse_args()
    lines = [heading("hostile PDFs through `kkrbot ingest`, default limits")]
    worst_s, worst_mb = 0.0, 0
    with tempfile.TemporaryDirectory() as folder:
        for name, path in make_all(Path(folder)).items():
            wall, peak, code, line = ingest(path)
            worst_s, worst_mb = max(worst_s, wall), max(worst_mb, peak)
            size = path.stat().st_size / 1e6
            lines.append(
                f"{name:20s} {size:6.2f} MB file {wall:6.2f} s {peak:5d} MB exit {code}  {line[:110]}"
            )
            print(lines[-1], flush=True)
    met = "met" if worst_s <= GOAL_SECONDS and worst_mb <= GOAL_MB else "NOT met"
    lines.append(
        f"slowest {worst_s:.2f} s, most memory {worst_mb} MB (goal {GOAL_SECONDS:g} s, {GOAL_MB} MB: {met})"
    )
    print(lines[-1])
    if not args.no_save:
        append(RESULTS, lines)


if __name__ == "__main__":
    main()
