"""`kkrbot parse FILE --json` on every fixture PDF (shared and made here), scored by the shared scorer:
all must reach 100%.

Runs the real entry point (`python -m bot`) in a child process under a plain C locale, so the JSON
must come out as UTF-8 however the terminal is set up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CONTRACT_PDFS, EXPECTED_DIR, CompareParse, expected_json, pdf_name, run_kkrbot


def test_every_expected_file_has_its_pdf() -> None:
    expected_names = sorted(
        p.name.removesuffix(".expected.json") for p in EXPECTED_DIR.glob("*.expected.json")
    )
    assert expected_names == sorted(pdf_name(p) for p in CONTRACT_PDFS)
    assert len(CONTRACT_PDFS) >= 6


@pytest.mark.parametrize("pdf", CONTRACT_PDFS, ids=pdf_name)
def test_parse_json_scores_100_percent(pdf: Path, compare_parse: CompareParse) -> None:
    result = run_kkrbot("parse", str(pdf), "--json")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stderr == b""
    actual = json.loads(result.stdout.decode("utf-8"))
    checks, fails = compare_parse(expected_json(pdf_name(pdf)), actual)
    passed = checks - len(fails)
    assert not fails, f"{pdf.name}: {passed}/{checks} checks passed; failing:\n" + "\n".join(fails)
