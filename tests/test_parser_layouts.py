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
from parsing.readers import PDFPLUMBER
from tests.layout_variants import Style, render, render_kdnet

sys.path.insert(0, str(Path(__file__).parent / "tools"))
from compare_parse import compare  # noqa: E402

EXPECTED = Path(__file__).parent / "fixtures" / "expected"
STYLES = {
    "times-11-front-page-and-contents": Style(),
    "helvetica-9.5-no-front-page-no-contents": Style(
        font="Helvetica", bold="Helvetica-Bold", italic="Helvetica-Oblique",
        body=9.5, section=13, item=11, leading=1.2, front_page=False, contents=False, bullets=("–", "o"),
    ),
    "courier-10-tight": Style(
        font="Courier", bold="Courier-Bold", italic="Courier-Oblique",
        body=10, section=14, item=11, leading=1.1, margin=40, bullets=("-", "–"),
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
    assert parse_document(pdf, reader=PDFPLUMBER).to_json_dict() == got  # both readers (issue 17)


@pytest.mark.parametrize(
    "style_name", ["times-11-front-page-and-contents", "helvetica-9.5-no-front-page-no-contents"]
)
def test_kdnet_minutes_in_another_layout_parse_the_same(style_name: str) -> None:
    meeting = json.loads((EXPECTED / "kdnet-referat-2021-08-20.expected.json").read_text(encoding="utf-8"))
    pdf, want = render_kdnet(meeting, STYLES[style_name])
    got = parse_document(pdf).to_json_dict()
    checks, fails = compare(want, got)
    assert not fails, f"{len(fails)}/{checks} checks failed: {fails[:5]}"


# One block per line in the markup of parsing.model: what the parser must give back, word for word.
MARKUP = """# Status på arbejdet
Arbejdet med handlingsplanen er godt i gang, og de første indsatser er sat i værk i alle kommuner i \
regionen. Udvalget lægger særlig vægt på:
- At kommunerne deler erfaringer med hinanden og med regionen, så gode løsninger kan bruges flere \
steder og af flere parter
  - på tværs af kommunegrænser og forsyningsområder i hele den midtjyske region
  - i samarbejde med erhvervslivet
- At indsatsen følges op hvert år
  - med en status til formandskabet
# Videre proces
Handlingsplanen behandles igen på næste møde, hvor der gives en samlet status for alle spor.
./. Handlingsplan for KKR Midtjyllands klimastrategi med status for de fem spor, de kommende indsatser \
og den samlede økonomi for perioden 2022-2025"""
MARKUP_TITLE = MARKUP.rsplit("./. ", 1)[1]


@pytest.mark.parametrize("style_name", sorted(STYLES))
def test_sub_headings_nested_bullets_and_bilag_marks_come_out_as_markup(style_name: str) -> None:
    meeting = json.loads((EXPECTED / "kkr-dagsorden-2022-03-23.expected.json").read_text(encoding="utf-8"))
    item = next(i for i in meeting["items"] if i["number"] == "3.4")
    item["case_presentation"] = MARKUP
    pdf, want = render(meeting, STYLES[style_name])
    got = parse_document(pdf)
    parsed = next(i for i in got.items if i.number == "3.4")
    assert parsed.case_presentation == MARKUP
    assert parsed.attachments == (MARKUP_TITLE,)
    checks, fails = compare(want, got.to_json_dict())
    assert not fails, f"{len(fails)}/{checks} checks failed: {fails[:5]}"


@pytest.mark.parametrize(
    "style_name", ["times-11-front-page-and-contents", "helvetica-9.5-no-front-page-no-contents"]
)
def test_kdnet_minutes_keep_their_markup_in_another_layout(style_name: str) -> None:
    meeting = json.loads((EXPECTED / "kdnet-referat-2021-08-20.expected.json").read_text(encoding="utf-8"))
    item = next(i for i in meeting["items"] if i["number"] == "9")
    item["decision"] = MARKUP
    pdf, want = render_kdnet(meeting, STYLES[style_name])
    parsed = next(i for i in parse_document(pdf).items if i.number == "9")
    assert parsed.decision == MARKUP
    assert parsed.attachments == (MARKUP_TITLE,)
    assert parsed.case_presentation == want["items"][8]["case_presentation"]  # the decision stays apart
