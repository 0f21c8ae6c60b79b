"""The inbox folder source: PDFs dropped in a folder are handed on, then moved to processed/ or failed/.

Files still being written are left for the next look (temporary names, or modified too recently).
Nothing is ever deleted or overwritten: a name already taken gets a numbered suffix, and a failed
file gets NAME.reason.txt beside it with the Danish reason.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sources.model import FetchedPdf, SourceError
from sources.pdf_bytes import fetched_pdf

PROCESSED_DIR = "processed"
FAILED_DIR = "failed"
REASON_SUFFIX = ".reason.txt"
# Suffixes browsers, sync clients and copy tools give files while they are still being written.
_PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", "~")


@dataclass(frozen=True)
class InboxItem:
    """One PDF found in the inbox: its bytes, or the Danish reason it cannot be used."""

    path: Path
    pdf: FetchedPdf | None = None
    error: str | None = None


def inbox_url(folder: Path) -> str:
    """The inbox's name among the polled sources (storage.polls): its absolute `file:` URL."""
    return folder.resolve().as_uri()


class InboxFolder:
    """A folder people drop meeting PDFs into; the caller reports each outcome with finish()."""

    def __init__(
        self, root: Path | str, settle_seconds: float = 10.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.root = Path(root)
        self.settle_seconds = settle_seconds
        self.clock = clock

    @property
    def processed_dir(self) -> Path:
        return self.root / PROCESSED_DIR

    @property
    def failed_dir(self) -> Path:
        return self.root / FAILED_DIR

    def waiting(self) -> list[Path]:
        """The PDFs ready to take, by name: complete files directly in the folder, not still being written."""
        if not self.root.is_dir():
            raise SourceError(f"indbakken findes ikke: {self.root}")
        now = self.clock()
        ready = []
        for entry in os.scandir(self.root):
            if not entry.is_file(follow_symlinks=False) or _looks_partial(entry.name):
                continue
            if not entry.name.lower().endswith(".pdf"):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < self.settle_seconds:
                continue
            ready.append(Path(entry.path))
        return sorted(ready, key=lambda path: path.name)

    def items(self) -> Iterator[InboxItem]:
        """Each waiting PDF, read one at a time; an unreadable or non-PDF file comes with its reason."""
        for path in self.waiting():
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue  # taken away meanwhile: nothing left to report
            except OSError as error:
                yield InboxItem(path, error=f"kunne ikke læse filen ({error.strerror or error})")
                continue
            try:
                yield InboxItem(path, pdf=fetched_pdf(data, path.resolve().as_uri()))
            except SourceError as error:
                yield InboxItem(path, error=str(error))

    def __iter__(self) -> Iterator[InboxItem]:
        return self.items()

    def finish(self, item: InboxItem | Path, error: str | None = None) -> Path:
        """Move the file to processed/ (no error) or failed/ with its reason; returns the new path."""
        return self.mark_processed(item) if error is None else self.mark_failed(item, error)

    def mark_processed(self, item: InboxItem | Path) -> Path:
        """Move the file to processed/ under a name not yet taken there."""
        return _move_unique(_path_of(item), self.processed_dir)

    def mark_failed(self, item: InboxItem | Path, reason: str) -> Path:
        """Move the file to failed/ and write NAME.reason.txt beside it with the Danish reason."""
        moved = _move_unique(_path_of(item), self.failed_dir, extra_suffix=REASON_SUFFIX)
        reason_path = moved.with_name(moved.name + REASON_SUFFIX)
        reason_path.write_text(reason.rstrip() + "\n", encoding="utf-8")
        return moved


def _path_of(item: InboxItem | Path) -> Path:
    return item.path if isinstance(item, InboxItem) else item


def _looks_partial(name: str) -> bool:
    """Hidden files, Office lock files and names with a download/copy-in-progress suffix."""
    lowered = name.lower()
    return name.startswith((".", "~$")) or lowered.endswith(_PARTIAL_SUFFIXES)


def _candidate_names(name: str) -> Iterator[str]:
    """Names to try in turn: "x.pdf", then "x-2.pdf", "x-3.pdf", ..."""
    yield name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    number = 2
    while True:
        yield f"{stem}-{number}.{suffix}" if dot else f"{stem}-{number}"
        number += 1


def _move_unique(source: Path, folder: Path, extra_suffix: str = "") -> Path:
    """Move `source` into `folder` under the first free name; never replaces an existing file.

    A hard link claims the name atomically (it fails when the name exists); where links are not
    possible, a checked rename does the same for our single mover.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name in _candidate_names(source.name):
        target = folder / name
        if extra_suffix and target.with_name(name + extra_suffix).exists():
            continue
        try:
            os.link(source, target)
        except FileExistsError:
            continue
        except OSError:
            if target.exists():
                continue
            source.rename(target)
            return target
        source.unlink()
        return target
    raise AssertionError("unreachable: names never run out")
