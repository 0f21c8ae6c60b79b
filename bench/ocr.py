#!/usr/bin/env python3
"""What OCR gets right of a scan, and what it costs: every fixture PDF scanned, then parsed (issue 16).

Each PDF of tests/fixtures/pdf and tests/fixtures/made is scanned by bench/scans.py (200 dpi grey,
tilted, speckled, no text layer) and the scan parsed as the bot parses it, in a child process
(parsing.isolated), with room enough that only OCR's own speed is measured. The text PDF's parse is
the right answer: items are paired with it in order, by number, and scored on number, page, title
and indstilling (difflib similarity of the whitespace-normalised text). Bilag have no items, so only
their time counts. A refused scan is reported with its reason.

Goal: every item number and page right, titles and indstillinger >= 95 % alike, under 2 s per page.

Usage: python3 bench/ocr.py [--only NAME] [--dpi N] [--no-save]; appends to bench/results/ocr.txt.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import append, heading  # noqa: E402
from bench.scans import scanned  # noqa: E402
from core.kinds import DocumentKind  # noqa: E402
from parsing import ParsedItem, ParseError, parse_document  # noqa: E402
from parsing.isolated import ParseLimits, parse_bounded  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "ocr.txt"
FOLDERS = (ROOT / "tests" / "fixtures" / "pdf", ROOT / "tests" / "fixtures" / "made")
LIMITS = ParseLimits(seconds=600, page_seconds=120, memory_mb=2000)
GOAL_SIMILAR, GOAL_SECONDS_PER_PAGE = 0.95, 2.0
GOAL = "every item number and page right, titles and indstillinger >= 95 % alike, under 2 s per page"


@dataclass(frozen=True)
class ItemScore:
    """One item of the text PDF against its pair in the scan (none: every score is 0)."""

    number: bool
    page: bool
    title: float
    recommendation: float | None  # None: the text PDF's item has no indstilling


@dataclass(frozen=True)
class Run:
    name: str
    pages: int
    scan_mb: float
    scan_seconds: float
    seconds: float
    bilag: bool
    same_kind: bool  # the scan read as the same kind of document as its text version
    scores: tuple[ItemScore, ...] = ()
    found: int = 0  # items in the scan's parse
    refused: str | None = None


def similarity(one: str | None, other: str | None) -> float:
    return difflib.SequenceMatcher(
        None, " ".join((one or "").split()), " ".join((other or "").split()), autojunk=False
    ).ratio()


def paired(
    reference: Sequence[ParsedItem], scan: Sequence[ParsedItem]
) -> list[tuple[ParsedItem, ParsedItem | None]]:
    """Each item of the text PDF with the scan's item in its place: the numbers are aligned, so one
    item missed or made up in the scan does not shift the pairs after it."""
    numbers = difflib.SequenceMatcher(
        None, [item.number for item in reference], [item.number for item in scan], autojunk=False
    )
    pairs: list[tuple[ParsedItem, ParsedItem | None]] = []
    for tag, start, end, scan_start, scan_end in numbers.get_opcodes():
        for offset, item in enumerate(reference[start:end]):
            place = scan_start + offset
            pairs.append((item, scan[place] if tag != "delete" and place < scan_end else None))
    return pairs


def score(reference: ParsedItem, scan: ParsedItem | None) -> ItemScore:
    if scan is None:
        return ItemScore(False, False, 0.0, None if reference.recommendation is None else 0.0)
    return ItemScore(
        number=scan.number == reference.number,
        page=scan.page == reference.page,
        title=similarity(reference.title, scan.title),
        recommendation=(
            None
            if reference.recommendation is None
            else similarity(reference.recommendation, scan.recommendation)
        ),
    )


def measure(path: Path, dpi: int) -> Run:
    data = path.read_bytes()
    reference = parse_document(data)
    start = time.perf_counter()
    scan = scanned(data, dpi=dpi)
    scan_seconds = time.perf_counter() - start
    start = time.perf_counter()
    try:
        parsed = parse_bounded(scan, LIMITS)
    except ParseError as err:
        refused: str | None = str(err)
        items: tuple[ParsedItem, ...] = ()
        kind = None
    else:
        refused, items, kind = None, parsed.items, parsed.kind
    seconds = time.perf_counter() - start
    return Run(
        name=path.stem,
        pages=reference.pages,
        scan_mb=len(scan) / 1e6,
        scan_seconds=scan_seconds,
        seconds=seconds,
        bilag=reference.kind == DocumentKind.BILAG,
        same_kind=kind == reference.kind,
        scores=tuple(score(item, pair) for item, pair in paired(reference.items, items)),
        found=len(items),
        refused=refused,
    )


def share(flags: Sequence[bool]) -> str:
    return f"{sum(flags) / len(flags):6.0%}" if flags else f"{'-':>6}"


def mean_and_least(values: Sequence[float]) -> str:
    return f"{sum(values) / len(values):6.3f} {min(values):6.3f}" if values else f"{'-':>6} {'-':>6}"


def scores_columns(scores: Sequence[ItemScore], found: int) -> str:
    titles = [item.title for item in scores]
    recommendations = [item.recommendation for item in scores if item.recommendation is not None]
    return (
        f"{len(scores):>4}/{found:<4} {share([s.number for s in scores])} {share([s.page for s in scores])} "
        f"{mean_and_least(titles)} {mean_and_least(recommendations)} "
        f"{share([t >= GOAL_SIMILAR for t in titles])} {share([r >= GOAL_SIMILAR for r in recommendations])}"
    )


HEADER = (
    f"{'file':<56} {'pages':>5} {'scan MB':>7} {'scan s':>6} {'parse s':>7} {'s/page':>6} "
    f"{'items':>9} {'number':>6} {'page':>6} {'title':>6} {'min':>6} {'indst':>6} {'min':>6} "
    f"{'t>=95%':>6} {'i>=95%':>6}"
)


def row(run: Run) -> str:
    timing = (
        f"{run.name:<56} {run.pages:>5} {run.scan_mb:>7.2f} {run.scan_seconds:>6.1f} {run.seconds:>7.1f} "
        f"{run.seconds / run.pages:>6.2f}"
    )
    if run.refused is not None:
        return f"{timing}  refused: {run.refused}"
    if run.bilag:
        read_as = "bilag" if run.same_kind else f"NOT bilag, {run.found} items"
        return f"{timing}  bilag: read as {read_as}"
    return f"{timing} {scores_columns(run.scores, run.found)}"


def total(runs: Sequence[Run]) -> list[str]:
    pages, seconds = sum(run.pages for run in runs), sum(run.seconds for run in runs)
    scan_seconds = sum(run.scan_seconds for run in runs)
    scores = [s for run in runs for s in run.scores]
    line = (
        f"{'total':<56} {pages:>5} {sum(run.scan_mb for run in runs):>7.2f} {scan_seconds:>6.1f} "
        f"{seconds:>7.1f} {seconds / pages:>6.2f} {scores_columns(scores, sum(run.found for run in runs))}"
    )
    refused = [run for run in runs if run.refused is not None]
    met = (
        not refused
        and all(run.same_kind for run in runs)
        and all(s.number and s.page and s.title >= GOAL_SIMILAR for s in scores)
        and all(s.recommendation >= GOAL_SIMILAR for s in scores if s.recommendation is not None)
        and seconds / pages < GOAL_SECONDS_PER_PAGE
    )
    verdict = f"{len(refused)} of {len(runs)} files refused; " if refused else ""
    return [line, f"{verdict}goal ({GOAL}): {'met' if met else 'NOT met'}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="NAME", help="only the PDFs whose name contains NAME")
    parser.add_argument("--dpi", type=int, default=200, help="scanner resolution (default 200)")
    parser.add_argument("--no-save", action="store_true", help="print only, do not append to results")
    args = parser.parse_args()
    paths = [
        path
        for folder in FOLDERS
        for path in sorted(folder.glob("*.pdf"))
        if not args.only or args.only in path.stem
    ]
    if not paths:
        sys.exit(f"ocr.py: no fixture PDF has {args.only!r} in its name")
    lines = [
        heading("ocr"),
        f"scans at {args.dpi} dpi, otherwise bench/scans.py's defaults; parse_bounded limits "
        f"{LIMITS.seconds:g} s, {LIMITS.page_seconds:g} s a page, {LIMITS.memory_mb} MB",
        HEADER,
    ]
    for line in lines:
        print(line, flush=True)
    runs = []
    for path in paths:
        runs.append(measure(path, args.dpi))
        lines.append(row(runs[-1]))
        print(lines[-1], flush=True)
    lines += total(runs)
    print("\n".join(lines[-2:]))
    if not args.no_save:
        append(RESULTS, lines)


if __name__ == "__main__":
    main()
