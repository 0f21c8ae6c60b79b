"""parse_bounded: parse_document in a child process with a time and a memory limit.

A PDF can be built to take minutes or gigabytes on one page (a drawing of a million shapes, a
stream that inflates to gigabytes), and a parse in a thread cannot be stopped. So each file is
parsed in a process of its own: it may use `memory_mb` of address space beyond what the child starts
with (RLIMIT_AS, set in the child: a fork of a big process starts big),
`page_seconds` for any one page and `seconds` in all; past that it is killed, the file refused with
the reason, and the bot carries on. Children are forked from a forkserver that has the parser
imported already, so a fork costs milliseconds, not the second an import takes, and never copies
the bot's threads or connections. A process with no other thread (the command line: `kkrbot parse`,
`kkrbot ingest`) forks its children itself, which saves starting the forkserver (most of a second).
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from parsing.document import OcrUse, parse_document
from parsing.errors import ParseError
from parsing.model import ParsedDocument
from parsing.readers import PDFIUM

OCR_PAGE_SECONDS = 60  # a scanned page Tesseract has not read in this time will not be read
OCR_SECONDS_PER_PAGE = 10  # what a scan may take on average, page by page (about 2 s here)

_context_lock = threading.Lock()
_context: Any = None


@dataclass(frozen=True)
class ParseLimits:
    """How much one file may cost (KKRBOT_PARSE_SECONDS, _PAGE_SECONDS and _MEMORY_MB), and which
    reader reads it (KKRBOT_PDF_READER, parsing.readers)."""

    seconds: float = 60.0  # the whole file
    page_seconds: float = 6.0  # any one page, and the opening before the first
    memory_mb: int = 300  # beyond the process's own start: the file's tree stays under 400 MB
    reader: str = PDFIUM


def _start_context() -> Any:
    """Fork when this process has no other thread (nothing half-done can be copied), else the forkserver."""
    if threading.active_count() == 1:
        import parsing.read_pdfium  # noqa: F401  (imported once here rather than in every child)

        return multiprocessing.get_context("fork")
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["parsing.document", "parsing.read_pdfium"])
            _context = context
        return _context


def _child(conn: Connection, data: bytes, memory_mb: int, ocr: bool, reader: str) -> None:
    """In the child: limit the memory, parse, send back each page read and then the outcome. The
    child leads a process group of its own, so that Tesseract (parsing.ocr) is stopped with it."""
    os.setpgid(0, 0)
    faulthandler.disable()  # forked from a test run or a debug session: an abort here is no crash to dump
    limit = (_address_space_mb() + memory_mb) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    use = OcrUse(started=lambda pages: conn.send(("ocr", pages))) if ocr else None
    try:
        try:
            parsed = parse_document(
                data, on_page=lambda number: conn.send(("page", number)), ocr=use, reader=reader
            )
        except ParseError as err:
            conn.send(("refused", str(err)))
        else:
            conn.send(("parsed", parsed))
    except MemoryError:
        del data  # room to say so
        conn.send(("memory", None))
    finally:
        conn.close()


def _address_space_mb() -> int:
    """This process's address space (VmSize) in MB, 0 where /proc cannot tell."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) >> 10
    except (OSError, ValueError):
        pass
    return 0


@dataclass(frozen=True)
class Progress:
    """What the parent is told while a file is parsed: each page done, and when OCR starts."""

    on_page: Callable[[int], None] | None = None
    on_ocr: Callable[[int], None] | None = None  # told how many pages OCR is to read


def parse_bounded(
    data: bytes, limits: ParseLimits, *, ocr: bool = True, progress: Progress | None = None
) -> ParsedDocument:
    """parse_document(data) in a child process within `limits`; ParseError when refused or stopped.

    With `ocr`, a scan is read with OCR, within OCR_PAGE_SECONDS a page (two pages are read at a
    time) and OCR_SECONDS_PER_PAGE on average, or `seconds` if that is more."""
    context = _start_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, data, limits.memory_mb, ocr, limits.reader), daemon=True
    )
    process.start()
    sender.close()
    try:
        return _outcome(receiver, limits, progress or Progress())
    finally:
        if process.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # the child, and any Tesseract it started
        process.join()
        receiver.close()


def _outcome(receiver: Connection, limits: ParseLimits, progress: Progress) -> ParsedDocument:
    started = last_page = time.monotonic()
    pages_read = 0
    seconds, page_seconds = limits.seconds, limits.page_seconds
    while True:
        now = time.monotonic()
        whole_by, page_by = started + seconds, last_page + page_seconds
        if now >= min(whole_by, page_by):
            if now >= whole_by:
                raise ParseError(too_slow(seconds))
            raise ParseError(page_too_slow(pages_read + 1, page_seconds))
        if not receiver.poll(min(whole_by, page_by) - now):
            continue
        try:
            what, value = receiver.recv()
        except (EOFError, OSError):  # the child died without a word: killed for its memory, mostly
            raise ParseError(too_big(limits.memory_mb)) from None
        if what == "page":
            pages_read, last_page = value, time.monotonic()
            if progress.on_page is not None:
                progress.on_page(value)
        elif what == "ocr":
            seconds = max(seconds, value * OCR_SECONDS_PER_PAGE)
            page_seconds = max(page_seconds, OCR_PAGE_SECONDS)
            last_page = time.monotonic()
            if progress.on_ocr is not None:
                progress.on_ocr(value)
        elif what == "parsed":
            parsed: ParsedDocument = value
            return parsed
        elif what == "refused":
            raise ParseError(value)
        else:
            raise ParseError(too_big(limits.memory_mb))


def too_slow(seconds: float) -> str:
    return f"PDF'en blev stoppet efter {seconds:g} s: den er for tung at læse (KKRBOT_PARSE_SECONDS)"


def page_too_slow(page: int, seconds: float) -> str:
    return (
        f"PDF'en blev stoppet: side {page} tog over {seconds:g} s at læse, den er for tung "
        "(KKRBOT_PARSE_PAGE_SECONDS)"
    )


def too_big(memory_mb: int) -> str:
    return f"PDF'en blev stoppet: den kræver over {memory_mb} MB hukommelse at læse (KKRBOT_PARSE_MEMORY_MB)"
