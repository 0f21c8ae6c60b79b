"""The parser on real KL PDFs and on the same PDFs laid out differently (no front page, no contents)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dates import find_date, find_time_range, parse_danish_date
from parsing import ParsedDocument, ParsedItem, ParseError, parse_document
from parsing.text import join_pair, urls_in_text

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(Path(__file__).parent / "tools"))

from compare_parse import compare  # noqa: E402


def expected(name: str) -> dict:
    return json.loads((FIXTURES / "expected" / f"{name}.expected.json").read_text(encoding="utf-8"))


def pdf_bytes(name: str) -> bytes:
    return (FIXTURES / "pdf" / f"{name}.pdf").read_bytes()


@functools.cache
def parsed(name: str) -> ParsedDocument:
    """Each fixture parsed once for the whole module: parsing is the slow part."""
    return parse_document(pdf_bytes(name))


def without_pages(name: str, first: int) -> bytes:
    """The fixture PDF with its first `first` pages (front page, contents) cut away."""
    src = pdfium.PdfDocument(pdf_bytes(name))
    dst = pdfium.PdfDocument.new()
    dst.import_pages(src, list(range(first, len(src))))
    buffer = io.BytesIO()
    dst.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "cut"),
    [("kkr-dagsorden-2022-03-23", 3), ("kkr-referat-2021-04-23", 3), ("kkr-referat-2021-04-23-word", 2)],
)
def test_document_without_front_page_and_contents_takes_date_from_header_and_kind_from_content(
    name: str, cut: int
) -> None:
    want = expected(name)
    want.update(pages=want["pages"] - cut, start_time=None, location=None)
    for item in want["items"]:
        item["page"] -= cut
    got = parse_document(without_pages(name, cut)).to_json_dict()
    checks, fails = compare(want, got)
    assert not fails, f"{len(fails)}/{checks} checks failed: {fails[:5]}"


def test_agenda_item_has_its_parts_case_number_and_links() -> None:
    doc = parsed("kkr-dagsorden-2022-03-23")
    assert (doc.kind, doc.body, doc.meeting_date) == ("dagsorden", "KKR Midtjylland", dt.date(2022, 3, 23))
    assert doc.start_time == dt.time(10, 0)
    by_number = {item.number: item for item in doc.items}
    item = by_number["3.5"]
    assert item.title.startswith("Forslag til udviklingsområder for rammeaftalen 2023-2024")
    assert item.case_number == "SAG-2022-00501"
    # written over two lines in the text and also a link annotation: one link
    assert item.links == (
        "https://sekretariatmidtjylland.viborg.dk/social/rammeaftaler-2021-22-og-2019-20/rammeaftale-2021-22/",
    )
    assert by_number["3.6"].page == 24  # heading at the bottom of a page, its parts on the next
    assert [s.number for s in doc.sections] == ["1", "2", "3", "4", "5", "6", "7"]


def test_text_is_reflowed_with_hyphenation_joined() -> None:
    doc = parsed("kkr-dagsorden-2022-03-23")
    text = next(i for i in doc.items if i.number == "2.1").case_presentation or ""
    assert "foråret 2021" in text and "for-\nåret" not in text
    assert "REACT-EU-midlerne" in text
    assert "\n- Etablering af test- og demonstrationscentret" in text  # a bullet keeps its own line


def item_of(name: str, number: str) -> ParsedItem:
    return next(i for i in parsed(name).items if i.number == number)


def test_sub_headings_are_marked_and_no_longer_run_into_the_paragraph_below() -> None:
    presentation = item_of("kkr-dagsorden-2022-03-23", "3.1").case_presentation or ""
    assert presentation.startswith(
        "# Formålet med sundhedsklyngerne og behovet for en sundhedsreform\nSundhedsvæsenet står over for"
    )
    rammeaftale = item_of("kkr-dagsorden-2022-03-23", "3.5").case_presentation or ""
    assert "/rammeaftale-2021-22/\n# Processen\nProcessen for udarbejdelse" in rammeaftale
    assert "# Uddannelsesstyregruppen\n" in (item_of("kdnet-referat-2021-08-20", "8").case_presentation or "")
    assert "# Proces\n" in (item_of("kkr-referat-2021-04-23-word", "3.3").case_presentation or "")


def test_nested_bullets_keep_their_level_and_lose_their_glyph() -> None:
    for name in ("kkr-dagsorden-2022-03-23", "kkr-tillaegsdagsorden-2022-03-23"):
        pdf = FIXTURES / ("made" if "tillaeg" in name else "pdf") / f"{name}.pdf"
        item = next(i for i in parse_document(pdf.read_bytes()).items if i.number == "4.1")
        lines = (item.case_presentation or "").splitlines()
        start = next(k for k, ln in enumerate(lines) if ln.startswith("- Skal bidrage"))
        assert lines[start + 1 : start + 6] == [
            "  - fødevarer og bioressourcer",
            "  - energi- og miljøteknologi, herunder vandteknologi",
            "  - digitalisering, automatisering og avanceret produktion",
            "  - turisme/Erhvervsturisme",
            "  - øvrige, fx sundhedsinnovation, IT, kreative erhverv m.fl .",
        ]
    pejlemaerker = item_of("kkr-referat-2021-04-23", "3.1").case_presentation or ""
    assert (
        "\n- 3. Genopretningen af økonomien skal skabe muligheder for virksomheder – også produktions"
        in pejlemaerker
    )


@pytest.mark.parametrize("name", ["kkr-referat-2021-04-23", "kkr-referat-2021-04-23-word"])
def test_no_paragraph_break_where_the_pdf_only_wrapped_a_line(name: str) -> None:
    assert item_of(name, "1.1").background == (
        "KKR Midtjylland holdt møde den 1. februar 2021. Referatet blev udsendt den "
        "5. februar 2021 og kan ses her."
    )
    assert "Midtjylland den 17. juni 2020, blev det besluttet" in (item_of(name, "3.2").background or "")
    assert "i rammeaftalen - herunder brugen af" in (item_of(name, "3.3").case_presentation or "")
    kdnet = item_of("kdnet-referat-2021-08-20", "5").case_presentation or ""
    assert "kan vælge en SSH eller en SSA-uddannelse" in kdnet  # over the white space where a page broke


def test_bilag_marks_stand_on_their_own_line_with_the_whole_title() -> None:
    sosu = item_of("kkr-referat-2021-04-23", "3.6")
    assert sosu.attachments[0].endswith("samt frafald på SOSU-uddannelserne.")
    assert f"\n./. {sosu.attachments[0]}\n" in (sosu.case_presentation or "")
    assert item_of("kkr-referat-2021-04-23", "3.3").attachments == (
        "Rammeaftale for KKR Midtjylland omkring danskuddannelse til voksne udlændinge",
    )
    midttrafik = item_of("kkr-referat-2021-04-23", "3.4").case_presentation or ""
    assert "\n./. Præsentation af indtægtsfordelingsmodellen\n" in midttrafik and "./.." not in midttrafik
    evaluation = item_of("kdnet-referat-2021-08-20", "7").case_presentation or ""
    assert evaluation.endswith("./. Tids- og procesplan frem mod næste valgperiode\n"
                               "./. Opsamling på spørgeskema om valgperioden 2018-2022")  # fmt: skip


@pytest.mark.parametrize(
    "name", ["kkr-referat-2021-04-23", "kkr-referat-2021-04-23-word", "kdnet-referat-2021-08-20"]
)
def test_decisions_stay_apart_from_the_case_presentation(name: str) -> None:
    for item, want in zip(parsed(name).items, expected(name)["items"], strict=True):
        assert bool(item.decision) == bool(want["decision"]), item.number
        if item.decision and item.case_presentation:
            assert item.decision.splitlines()[0] not in item.case_presentation, item.number


def test_minutes_section_without_items_keeps_its_text() -> None:
    doc = parsed("kkr-referat-2021-04-23")
    eventuelt = doc.sections[-1]
    assert (eventuelt.number, eventuelt.title) == ("7", "Eventuelt")
    assert eventuelt.text and eventuelt.text.startswith("Torben Hansen orienterede")
    assert all(item.decision for item in doc.items)


def test_kdnet_items_have_presenter_recommendation_and_decision() -> None:
    doc = parsed("kdnet-referat-2021-08-20")
    assert (doc.body, doc.kind, doc.sections) == ("KD-Net", "referat", ())
    assert doc.location == "Scandic Silkeborg, Udgårdsvej 2, 8600 Silkeborg"
    assert (doc.start_time, doc.end_time) == (dt.time(10), dt.time(12))
    item = doc.items[2]
    assert (item.number, item.title) == ("3", "Status på Coronasituationen")
    assert item.presenter == "Pernille Blach Hansen og Flemming Storgaard"
    assert item.recommendation == "Det indstilles, at KD-Net tager orienteringen til efterretning"


def test_attachment_bundle_is_recognised_with_its_meeting_and_text() -> None:
    doc = parsed("kkr-bilag-2021-04-23")
    assert (doc.kind, doc.body, doc.meeting_date, doc.pages) == (
        "bilag",
        "KKR Midtjylland",
        dt.date(2021, 4, 23),
        52,
    )
    assert len(doc.page_texts) == 52
    assert "Handlingsplan for KKR Midtjyllands klimastrategi" in doc.page_texts[0]
    assert not any("SIDE |" in text or "| Bilag |" in text for text in doc.page_texts)  # no running header


def test_page_texts_leave_out_running_headers() -> None:
    doc = parsed("kkr-dagsorden-2022-03-23")
    assert doc.page_texts[4].startswith("2. Siden sidst")
    assert not any("SIDE |" in text for text in doc.page_texts)


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("i for-", "året 2021", "i foråret 2021"),
        ("med SOSU-", "skolerne", "med SOSU-skolerne"),
        ("social-", "og sundhed", None),
        ("2022-", "23, herunder", "2022-23, herunder"),
        ("https://example.dk/a-b-", "c/d/", "https://example.dk/a-b-c/d/"),
        ("se https://kl.dk/", "Der er", None),
        ("et almindeligt", "ord", None),
    ],
)
def test_line_breaks_join_words_only_where_a_word_was_split(
    left: str, right: str, joined: str | None
) -> None:
    assert join_pair(left, right) == joined


def test_urls_in_text_drop_trailing_punctuation_and_add_scheme() -> None:
    assert urls_in_text("Se https://kl.dk/a. Og www.sum.dk, tak") == ["https://kl.dk/a", "https://www.sum.dk"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("14. juni 2022", dt.date(2022, 6, 14)),
        ("14-06-2022", dt.date(2022, 6, 14)),
        ("23. marts", dt.date(2022, 3, 23)),
        ("2. januar", dt.date(2023, 1, 2)),
        ("i morgen", dt.date(2022, 3, 2)),
        ("31. februar", None),
        ("noget helt andet", None),
        ("", None),
    ],
)
def test_danish_dates_typed_by_people(text: str, want: dt.date | None) -> None:
    assert parse_danish_date(text, today=dt.date(2022, 3, 1)) == want


def test_kl_date_and_time_forms() -> None:
    line = "Tid og sted: Fredag den 20. august 2021, kl. 10.00 – 12.00, Scandic Silkeborg"
    assert find_date(line) == dt.date(2021, 8, 20)
    assert find_time_range(line) == (dt.time(10), dt.time(12))
    assert find_time_range("Dato: 23-04-2021 kl. 9:00") == (dt.time(9), None)
    assert find_date("Dato: 23-04-2021 kl. 9:00") == dt.date(2021, 4, 23)


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "bad").iterdir()))
def test_bad_input_raises_parse_error_in_danish(name: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_document((FIXTURES / "bad" / name).read_bytes())
    assert str(err.value) and "\n" not in str(err.value)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=70_000), noise=st.binary(min_size=0, max_size=64))
def test_damaged_pdf_raises_only_parse_error(cut: int, noise: bytes) -> None:
    data = pdf_bytes("kdnet-referat-2021-08-20")
    damaged = data[:cut] + noise + data[cut + len(noise) :] if cut % 2 else data[:cut] + noise
    with contextlib.suppress(ParseError):
        parse_document(damaged)


def test_wrapped_title_starting_with_a_number_is_not_a_new_heading() -> None:
    from parsing.layout import Line
    from parsing.structure import find_headings

    def line(top: float, text: str, size: float = 10, bold: bool = False) -> Line:
        return Line(
            page=1, top=top, bottom=top + size, x0=70, x1=400, text=text, size=size, bold=bold, italic=False
        )

    lines = [
        line(70, "1. Godkendelse af referat", 16, True),
        line(150, "1.1. Godkendelse af referat fra det konstituerende møde den", 12, True),
        line(166, "19. januar 2022", 12, True),
        line(185, "SAG-2022-00501 chbn", 8),
        line(200, "Referatet blev udsendt den 21. januar 2022."),
        line(220, "2. Siden sidst", 16, True),
    ]
    assert find_headings(lines, body_size=10) == [0, 1, 5]
