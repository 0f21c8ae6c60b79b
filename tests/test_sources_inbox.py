"""The inbox folder source on a real folder: what it takes, what it leaves, and where files end up."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from sources import InboxFolder, SourceError

FIXTURES = Path(__file__).parent / "fixtures"
NOW = 1_700_000_000.0


class Clock:
    """A settable clock, so "written a moment ago" needs no waiting."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def drop(folder: Path, name: str, data: bytes, age_seconds: float = 60.0) -> Path:
    """Put a file in the folder as if it had been written `age_seconds` before NOW."""
    path = folder / name
    path.write_bytes(data)
    os.utime(path, (NOW - age_seconds, NOW - age_seconds))
    return path


def all_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def inbox(tmp_path: Path, clock: Clock) -> InboxFolder:
    return InboxFolder(tmp_path, settle_seconds=10, clock=clock)


def test_lists_settled_pdfs_and_leaves_partial_and_other_files(tmp_path: Path, inbox: InboxFolder) -> None:
    dagsorden = (FIXTURES / "pdf" / "kkr-dagsorden-2022-03-23.pdf").read_bytes()
    drop(tmp_path, "b-dagsorden.pdf", dagsorden)
    drop(tmp_path, "a-REFERAT.PDF", (FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf").read_bytes())
    drop(tmp_path, "c-halvt.pdf", dagsorden[:1000], age_seconds=2)  # still being copied
    drop(tmp_path, "d.pdf.part", dagsorden)
    drop(tmp_path, "e.pdf.crdownload", dagsorden)
    drop(tmp_path, ".skjult.pdf", dagsorden)
    drop(tmp_path, "~$laast.pdf", dagsorden)
    drop(tmp_path, "notat.docx", b"PK\x03\x04")
    (tmp_path / "mappe.pdf").mkdir()

    items = list(inbox)

    assert [item.path.name for item in items] == ["a-REFERAT.PDF", "b-dagsorden.pdf"]
    second = items[1]
    assert second.error is None and second.pdf is not None
    assert second.pdf.data == dagsorden
    assert second.pdf.sha256 == hashlib.sha256(dagsorden).hexdigest()
    assert second.pdf.source_url == (tmp_path / "b-dagsorden.pdf").resolve().as_uri()
    assert second.pdf.hint is None


def test_a_file_is_taken_once_it_has_settled(tmp_path: Path, inbox: InboxFolder, clock: Clock) -> None:
    drop(tmp_path, "ny.pdf", b"%PDF-1.7\n", age_seconds=1)
    assert inbox.waiting() == []

    clock.now += 10

    assert [path.name for path in inbox.waiting()] == ["ny.pdf"]


def test_non_pdf_bytes_come_with_a_danish_reason(tmp_path: Path, inbox: InboxFolder) -> None:
    drop(tmp_path, "fejlside.pdf", (FIXTURES / "bad" / "html-error-page.pdf").read_bytes())
    drop(tmp_path, "tom.pdf", b"")

    reasons = {item.path.name: item.error for item in inbox}

    assert reasons == {
        "fejlside.pdf": "filen er en HTML-side og ikke en PDF (måske en fejlside)",
        "tom.pdf": "filen er tom",
    }


def test_outcomes_move_files_to_processed_and_failed_with_reasons(tmp_path: Path, inbox: InboxFolder) -> None:
    drop(tmp_path, "god.pdf", b"%PDF-1.7 god\n")
    drop(tmp_path, "daarlig.pdf", b"%PDF-1.7 daarlig\n")
    drop(tmp_path, "notat.docx", b"PK\x03\x04")
    before = all_files(tmp_path)

    for item in inbox:
        inbox.finish(item, "ikke et KL-mødedokument" if item.path.name == "daarlig.pdf" else None)

    after = all_files(tmp_path)
    assert after == {
        "failed/daarlig.pdf": before["daarlig.pdf"],
        "failed/daarlig.pdf.reason.txt": "ikke et KL-mødedokument\n".encode(),
        "notat.docx": before["notat.docx"],
        "processed/god.pdf": before["god.pdf"],
    }
    assert list(inbox) == []  # processed/ and failed/ are not read again


def test_name_clashes_get_a_unique_suffix_and_nothing_is_overwritten(
    tmp_path: Path, inbox: InboxFolder
) -> None:
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "dagsorden.pdf").write_bytes(b"%PDF-1.7 first\n")
    (tmp_path / "processed" / "dagsorden-2.pdf").write_bytes(b"%PDF-1.7 second\n")
    (tmp_path / "failed").mkdir()
    (tmp_path / "failed" / "referat.pdf.reason.txt").write_text("an older reason\n", encoding="utf-8")

    drop(tmp_path, "dagsorden.pdf", b"%PDF-1.7 third\n")
    drop(tmp_path, "referat.pdf", b"%PDF-1.7 broken\n")
    moved = {
        item.path.name: inbox.finish(item, "fejl" if item.path.name == "referat.pdf" else None)
        for item in inbox
    }

    assert moved["dagsorden.pdf"] == tmp_path / "processed" / "dagsorden-3.pdf"
    assert moved["referat.pdf"] == tmp_path / "failed" / "referat-2.pdf"
    files = all_files(tmp_path)
    assert files["processed/dagsorden.pdf"] == b"%PDF-1.7 first\n"
    assert files["processed/dagsorden-2.pdf"] == b"%PDF-1.7 second\n"
    assert files["processed/dagsorden-3.pdf"] == b"%PDF-1.7 third\n"
    assert files["failed/referat.pdf.reason.txt"] == b"an older reason\n"
    assert files["failed/referat-2.pdf"] == b"%PDF-1.7 broken\n"
    assert files["failed/referat-2.pdf.reason.txt"] == b"fejl\n"


def test_a_missing_inbox_is_a_danish_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="indbakken findes ikke"):
        InboxFolder(tmp_path / "mangler").waiting()


def test_the_fixture_pdfs_pass_through_unchanged(tmp_path: Path, inbox: InboxFolder) -> None:
    for pdf in sorted((FIXTURES / "pdf").glob("*.pdf")):
        shutil.copyfile(pdf, tmp_path / pdf.name)
        os.utime(tmp_path / pdf.name, (NOW - 60, NOW - 60))

    for item in inbox:
        assert item.pdf is not None
        inbox.mark_processed(item)

    assert all_files(tmp_path / "processed") == {
        p.name: p.read_bytes() for p in (FIXTURES / "pdf").glob("*.pdf")
    }
