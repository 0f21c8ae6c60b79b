#!/usr/bin/env python3
"""How much the parser costs over bare text extraction, on the same pages of every fixture PDF.

Times `parsing.parse_document` against pdfplumber's `page.extract_text()` over every page (the
floor the parser builds on) and pypdfium2's text extraction (the fast path for bilag). Each is
run a few rounds and the best round counts, which is the least disturbed by other work on the
machine. Goal: parser / bare pdfplumber <= 1.3. Prints a table and appends it to
bench/results/parse.txt with the date and machine. Run by hand; pytest does not run it.

Usage: python3 bench/parse.py [--rounds N] [--pdf-dir DIR] [--no-save]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import io
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from bench.report import commit  # noqa: E402
from parsing import parse_document  # noqa: E402
from parsing.isolated import ParseLimits, parse_bounded  # noqa: E402

GOAL_RATIO = 1.3
RESULTS = ROOT / "bench" / "results" / "parse.txt"


def bare_pdfplumber(data: bytes) -> int:
    """Open the PDF and pull each page's plain text, as any pdfplumber user would."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def bare_pdfium(data: bytes) -> int:
    """The same with pypdfium2 (PDFium, C++), the fast text path."""
    pdf = pdfium.PdfDocument(data)
    try:
        total = 0
        for page in pdf:
            textpage = page.get_textpage()
            total += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return total
    finally:
        pdf.close()


def parser(data: bytes) -> int:
    return len(parse_document(data).items)


def bounded_parser(data: bytes) -> int:
    """The parser as the bot runs it: in a child process within its limits (parsing.isolated)."""
    return len(parse_bounded(data, ParseLimits()).items)


def best_of(rounds: int, work: Callable[[bytes], int], data: bytes) -> float:
    """The fastest of `rounds` runs, in seconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work(data)
        best = min(best, time.perf_counter() - start)
    return best


@dataclass
class Timing:
    name: str
    kind: str
    pages: int
    parser: float
    pdfplumber: float
    pdfium: float
    bounded: float

    @property
    def ratio(self) -> float:
        return self.parser / self.pdfplumber


def measure(path: Path, rounds: int) -> Timing:
    data = path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    kind = parse_document(data).kind  # also warms caches and lazy imports (dateparser) before timing
    return Timing(
        name=path.stem,
        kind=kind,
        pages=pages,
        parser=best_of(rounds, parser, data),
        pdfplumber=best_of(rounds, bare_pdfplumber, data),
        pdfium=best_of(rounds, bare_pdfium, data),
        bounded=best_of(rounds, bounded_parser, data),
    )


def row(name: str, pages: int, parser_s: float, plumber_s: float, pdfium_s: float) -> str:
    return (
        f"{name:<34} {pages:>5} {parser_s:>9.3f} {pages / parser_s:>9.1f} {plumber_s:>9.3f} "
        f"{pages / plumber_s:>9.1f} {pdfium_s:>8.3f} {pages / pdfium_s:>9.1f} {parser_s / plumber_s:>7.2f}"
    )


def report(timings: list[Timing], rounds: int) -> str:
    header = (
        f"{'file':<34} {'pages':>5} {'parser s':>9} {'pages/s':>9} {'plumber s':>9} {'pages/s':>9} "
        f"{'pdfium s':>8} {'pages/s':>9} {'ratio':>7}"
    )
    lines = [header, "-" * len(header)]
    lines += [row(t.name, t.pages, t.parser, t.pdfplumber, t.pdfium) for t in timings]
    total = (
        sum(t.pages for t in timings),
        sum(t.parser for t in timings),
        sum(t.pdfplumber for t in timings),
        sum(t.pdfium for t in timings),
    )
    laid_out = [t for t in timings if t.kind != "bilag"]  # bilag take the pypdfium2 text path
    lines += ["-" * len(header), row("total", *total)]
    if laid_out and len(laid_out) < len(timings):
        lines.append(
            row(
                "total without bilag",
                sum(t.pages for t in laid_out),
                sum(t.parser for t in laid_out),
                sum(t.pdfplumber for t in laid_out),
                sum(t.pdfium for t in laid_out),
            )
        )
    ratio = total[1] / total[2]
    verdict = "met" if ratio <= GOAL_RATIO else "NOT met"
    lines.append(
        f"parser / bare pdfplumber = {ratio:.2f} (goal <= {GOAL_RATIO}: {verdict}); best of {rounds} rounds"
    )
    bounded = sum(t.bounded for t in timings)
    lines.append(
        f"in a child process with limits (as the bot parses): {bounded:.3f} s = {bounded / total[1]:.2f} x "
        f"in process, {bounded / total[2]:.2f} x bare pdfplumber"
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
        "--pdf-dir", type=Path, default=ROOT / "tests" / "fixtures" / "pdf", help="PDFs to time"
    )
    args.add_argument("--no-save", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    options = args.parse_args()

    pdfs = sorted(options.pdf_dir.glob("*.pdf"))
    if not pdfs:
        sys.exit(f"parse.py: no PDFs in {options.pdf_dir}")
    timings = [measure(path, options.rounds) for path in pdfs]
    text = report(timings, options.rounds)
    print(text)
    if not options.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(f"# {stamp}\n# {machine()}\n{text}\n\n")
        print(f"appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
