"""Input `kkrbot parse` must refuse: exit status 2 and one Danish line on stderr, never a traceback.

And the one look-alike that is not bad input: a PDF locked only by an owner password (anyone may
open it; only editing or copying is restricted) is parsed like any other.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions

from tests.conftest import BAD_INPUTS, PDF_DIR, CompareParse, expected_json, run_kkrbot

# What each bad fixture's reason must say, so a wrong reason (e.g. "damaged" for a scan) fails.
REASONS = {
    "empty.pdf": r"\btom\b",
    "encrypted.pdf": r"krypter",
    "html-error-page.pdf": r"html",
    "not-a-meeting-document.pdf": r"\bikke\b",
    "scanned-no-text.pdf": r"ingen tekst|scann",
    "truncated.pdf": r"beskadiget|ufuldstændig|afbrudt",
}
DANISH_WORDS = re.compile(r"\b(er|ikke|ingen|filen|findes|kan|en|et|det|mappe)\b|[æøå]", re.IGNORECASE)
ENGLISH_WORDS = re.compile(r"\b(the|is|not|error|file|no|such|cannot|invalid|exception)\b", re.IGNORECASE)
OWNER_ONLY = "kdnet-referat-2021-08-20"  # the smallest fixture with items, links and a decision


def refusal_reason(args: list[str], shown_path: str) -> str:
    """Run `kkrbot parse ARGS`, check the refusal's form, and return the reason it gave."""
    result = run_kkrbot("parse", *args)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, f"exit {result.returncode}; stderr: {stderr!r}"
    assert result.stdout == b""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    prefix = f"kkrbot: {shown_path}: "
    assert lines[0].startswith(prefix), lines[0]
    reason = lines[0].removeprefix(prefix)
    assert reason.strip(), "empty reason"
    assert DANISH_WORDS.search(reason) and not ENGLISH_WORDS.search(reason), f"not plain Danish: {reason!r}"
    return reason


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda p: p.name)
def test_bad_input_is_refused_with_one_danish_line(bad: Path) -> None:
    # the scan is read with OCR now (tests/test_ocr.py); without OCR it is refused as before
    args = ["--no-ocr", str(bad)] if bad.name == "scanned-no-text.pdf" else [str(bad)]
    reason = refusal_reason(args, str(bad))
    if bad.name in REASONS:
        assert re.search(REASONS[bad.name], reason, re.IGNORECASE), f"{bad.name}: reason {reason!r}"


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_missing_file_is_refused(tmp_path: Path, flag: list[str]) -> None:
    missing = tmp_path / "findes-ikke.pdf"
    assert "findes ikke" in refusal_reason([str(missing), *flag], str(missing))


def test_folder_is_refused(tmp_path: Path) -> None:
    assert "mappe" in refusal_reason([str(tmp_path)], str(tmp_path))


def test_relative_path_is_shown_as_given() -> None:
    refusal_reason(["tests/fixtures/bad/empty.pdf"], "tests/fixtures/bad/empty.pdf")


def owner_password_copy(source: Path, target: Path, algorithm: str) -> Path:
    """`source` encrypted with an owner password only; copying text and editing are not permitted."""
    writer = PdfWriter(clone_from=PdfReader(source))
    forbidden = (
        UserAccessPermissions.EXTRACT | UserAccessPermissions.MODIFY | UserAccessPermissions.ADD_OR_MODIFY
    )
    writer.encrypt(
        user_password="",
        owner_password="kun-ejeren-maa-redigere",
        algorithm=algorithm,
        permissions_flag=UserAccessPermissions.all() & ~forbidden,
    )
    with target.open("wb") as out:
        writer.write(out)
    return target


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_with_only_an_owner_password_is_parsed(
    tmp_path: Path, algorithm: str, compare_parse: CompareParse
) -> None:
    locked = owner_password_copy(PDF_DIR / f"{OWNER_ONLY}.pdf", tmp_path / "ejerkode.pdf", algorithm)
    reader = PdfReader(locked)
    assert reader.is_encrypted and reader.decrypt("") != 0, "the copy must open without a password"

    result = run_kkrbot("parse", str(locked), "--json")

    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    checks, fails = compare_parse(expected_json(OWNER_ONLY), json.loads(result.stdout.decode("utf-8")))
    assert not fails, f"{checks - len(fails)}/{checks} checks passed; failing:\n" + "\n".join(fails)
