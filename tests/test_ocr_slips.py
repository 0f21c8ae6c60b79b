"""OCR's slips in the lines the parser reads (issue 16), one rule at a time, on made lines: no OCR
runs here. Each slip was found in bench/ocr.py's scans of the fixtures."""

from __future__ import annotations

import datetime as dt

import pytest

from core.kinds import DocumentKind
from parsing.layout import Line, PageRead, layout_of
from parsing.meta import from_front_matter, from_running_headers
from parsing.structure import _wraps_on, part_named


def line(text: str, top: float, *, page: int = 1, size: float = 10.0) -> Line:
    return Line(page, top, top + size, 70.0, 70.0 + 5 * len(text), text, size, False, False)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Indstilling", "Indstilling"),
        ("Indstillinq", "Indstilling"),  # one letter wrong
        ("Baqgrund:", "Baggrund"),
        ("indstilling", "Indstilling"),  # the capital read small
        ("Sagsfremstilling'", "Sagsfremstilling"),  # a speck after it
        ("- Sagsfremstilling", "Sagsfremstilling"),  # and one before it, read as a dash
        ("· Beslutning", "Beslutning"),
        ("- Sagsfremstillingen er lang", None),  # a sentence, not a heading
        ("Indstillingerne", None),
    ],
)
def test_part_headings_survive_a_slip(text: str, part: str | None) -> None:
    assert part_named(text) == part


def test_a_title_broken_at_a_hyphen_goes_on_on_the_next_line_whatever_its_size() -> None:
    title = line("3.6. Forhandling af ny femårig lærepladsaftale for SOSU-", 343.3, size=12.0)
    assert _wraps_on(title, line("uddannelserne", 373.9, size=11.0))  # 18.5 pt below, a size smaller
    assert not _wraps_on(title, line("Uddannelserne", 373.9, size=11.0))  # a new sentence would not
    assert not _wraps_on(title, line("uddannelserne", 400.0, size=11.0))  # nor a line far below


def test_a_title_line_whose_box_overlaps_the_next_a_little_still_wraps() -> None:
    title = line("3.1. Et sammenhængende Danmark - indspil fra KKR Midtjyl-", 145.0, size=12.0)
    assert _wraps_on(title, line("land", 156.4, size=12.0))  # 0.6 pt into the line above


def test_a_running_header_a_tilt_broke_in_two_is_still_a_running_header() -> None:
    pages = []
    for number in range(1, 13):
        header = [line(f"KKR Midtjylland | 23-03-2022 SIDE | {number}", 36.0, page=number)]
        if number in (4, 9):  # tilted: the two halves more than 3 pt apart, so two lines
            header = [
                line("KKR Midtjylland | 23-03-2022", 31.9, page=number),
                line(f'SIDE "| {number}', 36.0, page=number),  # and the bar read as '"|'
            ]
        pages.append(PageRead((*header, line(f"Tekst på side {number}", 300.0, page=number)), 842.0))
    layout = layout_of(pages)
    assert [ln.text for ln in layout.lines] == [f"Tekst på side {n}" for n in range(1, 13)]
    assert len(layout.headers) == 14


def test_a_bundle_is_known_by_its_header_with_a_speck_after_bilag() -> None:
    headers = [
        line("KKR Midtjylland | Bilag. | 23-04-2021 SIDE | 2", 36.0, page=2),
        line("KKR Midtjylland | Bilag | 23-04-2021 SIDE '| 3", 36.0, page=3),
    ]
    meta = from_running_headers(headers)
    expected = (DocumentKind.BILAG, "KKR Midtjylland", dt.date(2021, 4, 23))
    assert (meta.kind, meta.body, meta.meeting_date) == expected
    assert from_running_headers(headers[:1]).kind == DocumentKind.BILAG


def test_an_unbolded_front_page_title_names_the_kind() -> None:
    """OCR text has no bold: the biggest of the first lines is the title ("TILLÆGSDAGSORDEN 2022")."""
    front = [
        line("TILLÆGSDAGSORDEN 2022", 200.0, size=21.0),
        line("KKR MIDTJYLLAND", 240.0, size=18.0),
        line("Dato: 23-03-2022 kl. 10:00", 300.0, size=11.0),
    ]
    assert from_front_matter(front).kind == DocumentKind.TILLAEGSDAGSORDEN
    small = [front[1], line("Referat", 280.0, size=11.0), front[2]]  # a part heading is no title
    assert from_front_matter(small).kind is None
