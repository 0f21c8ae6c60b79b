#!/usr/bin/env python3
"""What parsing costs on both readers, against bare text extraction, on every fixture PDF.

In process, per file: `parse_document` on the PDFium reader (the default) and on pdfplumber (the
reference), bare pdfplumber `page.extract_text()` over every page, and bare PDFium character
extraction (each character's code and box, through pypdfium2_raw: the floor any PDFium reader
stands on). Whole process, on the agenda (38 pages): `kkrbot parse --json` on both readers, a
Python process doing bare pdfplumber extraction, and one doing bare PDFium character extraction,
each started fresh. Every figure is the best of a few rounds (the least disturbed by other work).

Goals (issue 17): `kkrbot parse` at least 4 times as fast as bare pdfplumber, whole process, and
within 3 times bare PDFium character extraction. Prints a table and appends it to
bench/results/parse.txt with the date and machine. Run by hand; pytest does not run it.

Usage: python3 bench/parse.py [--rounds N] [--pdf-dir DIR ...] [--no-save]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import io
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from bench.bare import bare_pdfium, bare_pdfplumber  # noqa: E402
from bench.report import commit  # noqa: E402
from parsing import parse_document  # noqa: E402
from parsing.isolated import ParseLimits, parse_bounded  # noqa: E402
from parsing.readers import PDFIUM, PDFPLUMBER  # noqa: E402

SPEED_UP_GOAL = 4.0  # kkrbot parse vs bare pdfplumber, whole process
FLOOR_GOAL = 3.0  # kkrbot parse vs bare PDFium characters, at most
RESULTS = ROOT / "bench" / "results" / "parse.txt"
AGENDA = ROOT / "tests" / "fixtures" / "pdf" / "kkr-dagsorden-2022-03-23.pdf"
BARE = ROOT / "bench" / "bare.py"  # run as a script: it imports only the one library


def parser_on(reader: str) -> Callable[[bytes], int]:
    return lambda data: len(parse_document(data, reader=reader).items)


def best_of(rounds: int, work: Callable[[], object]) -> float:
    """The fastest of `rounds` runs, in seconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


@dataclass
class Timing:
    name: str
    pages: int
    pdfium: float
    pdfplumber: float
    bare_pdfplumber: float
    bare_pdfium: float


def measure(path: Path, rounds: int) -> Timing:
    data = path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    parse_document(data)  # warms caches and lazy imports (dateparser) before timing
    return Timing(
        name=path.stem,
        pages=pages,
        pdfium=best_of(rounds, lambda: parser_on(PDFIUM)(data)),
        pdfplumber=best_of(rounds, lambda: parser_on(PDFPLUMBER)(data)),
        bare_pdfplumber=best_of(rounds, lambda: bare_pdfplumber(data)),
        bare_pdfium=best_of(rounds, lambda: bare_pdfium(data)),
    )


def run(*command: str) -> Callable[[], object]:
    def work() -> object:
        return subprocess.run(
            command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            check=True,
        )

    return work


def whole_process(rounds: int, pdf: Path) -> dict[str, float]:
    """Fresh processes, start-up and imports included, as an operator runs them."""
    python = sys.executable
    return {
        "kkrbot parse (pdfium)": best_of(rounds, run(python, "-m", "bot", "parse", "--json", str(pdf))),
        "kkrbot parse (pdfplumber)": best_of(
            rounds, run(python, "-m", "bot", "parse", "--json", "--reader", PDFPLUMBER, str(pdf))
        ),
        "bare pdfplumber": best_of(rounds, run(python, str(BARE), "pdfplumber", str(pdf))),
        "bare pdfium characters": best_of(rounds, run(python, str(BARE), "pdfium", str(pdf))),
    }


def row(name: str, t: Timing) -> str:
    return (
        f"{name:<58} {t.pages:>5} {t.pdfium:>8.3f} {t.pages / t.pdfium:>8.0f} {t.pdfplumber:>8.3f} "
        f"{t.pages / t.pdfplumber:>8.1f} {t.bare_pdfplumber:>8.3f} {t.bare_pdfium:>8.3f} "
        f"{t.bare_pdfplumber / t.pdfium:>7.1f} {t.pdfium / t.bare_pdfium:>7.2f}"
    )


def whole_rounds(rounds: int) -> int:
    """Fresh processes vary more than runs in one: at least five of them."""
    return max(rounds, 5)


def report(timings: list[Timing], whole: dict[str, float], bounded: float, rounds: int) -> str:
    header = (
        f"{'file':<58} {'pages':>5} {'pdfium s':>8} {'pages/s':>8} {'plumber':>8} {'pages/s':>8} "
        f"{'bare plb':>8} {'bare pdm':>8} {'speedup':>7} {'/floor':>7}"
    )
    lines = ["in process (parse_document; speedup = bare pdfplumber / pdfium reader; /floor = pdfium reader "
             "/ bare PDFium characters)", header, "-" * len(header)]  # fmt: skip
    lines += [row(t.name, t) for t in timings]
    total = Timing(
        "total",
        sum(t.pages for t in timings),
        sum(t.pdfium for t in timings),
        sum(t.pdfplumber for t in timings),
        sum(t.bare_pdfplumber for t in timings),
        sum(t.bare_pdfium for t in timings),
    )
    lines += ["-" * len(header), row("total", total)]
    lines.append(
        f"reference / pdfium reader = {total.pdfplumber / total.pdfium:.1f}; in a child process with limits "
        f"(as the bot parses) {bounded:.3f} s = {bounded / total.pdfium:.2f} x in process"
    )
    lines.append(f"whole process, {AGENDA.name} (best of {whole_rounds(rounds)}):")
    for name, seconds in whole.items():
        lines.append(f"  {name:<28} {seconds:>7.3f} s")
    fast, plumber, floor = (
        whole["kkrbot parse (pdfium)"],
        whole["bare pdfplumber"],
        whole["bare pdfium characters"],
    )
    speed_up, over_floor = plumber / fast, fast / floor
    lines.append(
        f"kkrbot parse = {speed_up:.2f} x as fast as bare pdfplumber (goal >= {SPEED_UP_GOAL:g}: "
        f"{'met' if speed_up >= SPEED_UP_GOAL else 'NOT met'}), {over_floor:.2f} x bare PDFium characters "
        f"(goal <= {FLOOR_GOAL:g}: {'met' if over_floor <= FLOOR_GOAL else 'NOT met'}); in process "
        f"{total.pdfium / total.bare_pdfium:.2f} x bare PDFium characters over all files"
    )
    return "\n".join(lines)


def machine() -> str:
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("pdfplumber", "pdfminer.six", "pypdfium2")
    )
    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.node()} {platform.platform()} {cpu}, {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; {versions}; commit {commit()}"
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--rounds", type=int, default=3, help="runs per file and method; the best counts")
    args.add_argument(
        "--pdf-dir",
        type=Path,
        action="append",
        help="PDFs to time (default: tests/fixtures/pdf and tests/fixtures/made)",
    )
    args.add_argument("--no-save", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    options = args.parse_args()

    folders = options.pdf_dir or [ROOT / "tests" / "fixtures" / "pdf", ROOT / "tests" / "fixtures" / "made"]
    pdfs = sorted(path for folder in folders for path in folder.glob("*.pdf"))
    if not pdfs:
        sys.exit("parse.py: no PDFs to time")
    timings = [measure(path, options.rounds) for path in pdfs]
    bounded = sum(
        best_of(options.rounds, lambda p=p: parse_bounded(p.read_bytes(), ParseLimits())) for p in pdfs
    )
    text = report(timings, whole_process(whole_rounds(options.rounds), AGENDA), bounded, options.rounds)
    print(text)
    if not options.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(f"# {stamp}\n# {machine()}\n{text}\n\n")
        print(f"appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
