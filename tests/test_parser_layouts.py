"""The parser on the fixtures' content typeset in other fonts, sizes and page layouts.

The scorer judges documents we have not seen, laid out differently; these renders make sure the
parser reads structure and relative layout, not the fixtures' exact sizes and positions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from parsing import parse_document
from tests.layout_variants import Style, render, render_kdnet

sys.path.insert(0, str(Path(__file__).parent / "tools"))
from compare_parse import compare  # noqa: E402

EXPECTED = Path(__file__).parent / "fixtures" / "expected"
STYLES = {
    "times-11-front-page-and-contents": Style(),
    "helvetica-9.5-no-front-page-no-contents": Style(
        font="Helvetica", bold="Helvetica-Bold", italic="Helvetica-Oblique",
        body=9.5, section=13, item=11, leading=1.2, front_page=False, contents=False,
    ),
    "courier-10-tight": Style(
        font="Courier", bold="Courier-Bold", italic="Courier-Oblique",
        body=10, section=14, item=11, leading=1.1, margin=40,
    ),
    "times-12-no-running-header": Style(body=12, section=16, item=13, header=False, contents=False),
}  # fmt: skip


@pytest.mark.parametrize("style_name", sorted(STYLES))
@pytest.mark.parametrize("name", ["kkr-dagsorden-2022-03-23", "kkr-referat-2021-04-23"])
def test_same_meeting_in_another_layout_parses_the_same(name: str, style_name: str) -> None:
    meeting = json.loads((EXPECTED / f"{name}.expected.json").read_text(encoding="utf-8"))
    pdf, want = render(meeting, STYLES[style_name])
    got = parse_document(pdf).to_json_dict()
    checks, fails = compare(want, got)
    assert not fails, f"{len(fails)}/{checks} checks failed: {fails[:5]}"


@pytest.mark.parametrize(
    "style_name", ["times-11-front-page-and-contents", "helvetica-9.5-no-front-page-no-contents"]
)
def test_kdnet_minutes_in_another_layout_parse_the_same(style_name: str) -> None:
    meeting = json.loads((EXPECTED / "kdnet-referat-2021-08-20.expected.json").read_text(encoding="utf-8"))
    pdf, want = render_kdnet(meeting, STYLES[style_name])
    got = parse_document(pdf).to_json_dict()
    checks, fails = compare(want, got)
    assert not fails, f"{len(fails)}/{checks} checks failed: {fails[:5]}"
