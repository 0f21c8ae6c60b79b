"""What every benchmark shares: the heading of a run (when, where, which commit), percentiles and the
results file a run is appended to, so runs can be compared over time."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commit() -> str:
    """The checked-out commit, `-dirty` when the tree has changes; `unknown` outside git."""
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def heading(backend: str) -> str:
    """`# 2026-11-24 21:21 host 3.11.7 sqlite commit 1db5c04`."""
    return (
        f"# {dt.datetime.now():%Y-%m-%d %H:%M} {platform.node()} {platform.python_version()} {backend} "
        f"commit {commit()}"
    )


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def append(results: Path, lines: Sequence[str]) -> None:
    """Add one run's lines, and a blank line, to the results file."""
    results.parent.mkdir(parents=True, exist_ok=True)
    with results.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n\n")
