"""Councils named from what documents say of themselves: the five KKRs, KD-Net and other regions'
networks of municipal directors; the regions and their municipalities; fixtures of other councils."""

from __future__ import annotations

import datetime as dt

import pytest

from core.bodies import KDNET, KKRS, body_named, directors_network_of_region, is_code, is_kkr
from core.regions import (
    MUNICIPALITIES,
    MUNICIPALITIES_BY_REGION,
    REGIONS,
    kkr_of_region,
    region_named,
    region_of_municipality,
)
from parsing import parse_document
from parsing.layout import Line
from parsing.meta import from_front_matter, from_running_headers
from tests.conftest import MADE_DIR, expected_json

COUNCIL_NAMES = [
    # KKR front pages, as KL sets them and as the text layer gives them back
    ("KKR NORDJYLLAND", "KKR Nordjylland"),
    ("KKR Nordjylland", "KKR Nordjylland"),
    ("KKR-Nordjylland", "KKR Nordjylland"),
    ("KKR for Nordjylland", "KKR Nordjylland"),
    ("KKR for Region Nordjylland", "KKR Nordjylland"),
    ("KKR i Region Syddanmark", "KKR Syddanmark"),
    ("KKR SJÆLLAND", "KKR Sjælland"),
    ("kkr-sjaelland", "KKR Sjælland"),
    ("KKR HOVEDSTADEN", "KKR Hovedstaden"),
    ("D A G S O R D E N 2022 KKR MIDTJYLLAND", "KKR Midtjylland"),
    ("Kommunekontaktrådet i Region Hovedstaden", "KKR Hovedstaden"),
    ("Det nordjyske KKR", "KKR Nordjylland"),
    # running headers
    ("KKR Syddanmark | 23-03-2022", "KKR Syddanmark"),
    ("KKR Midtjylland | Bilag | 23-04-2021", "KKR Midtjylland"),
    ("KKR Hovedstaden | 23-04-2021    SIDE | 4", "KKR Hovedstaden"),
    ("KD-Net | 20-08-2021", KDNET),
    # titles and texts
    ("Orientering om KKR Nordjyllands klimakonference", "KKR Nordjylland"),
    ("KKR Nordjylland og KKR Midtjylland", "KKR Nordjylland"),
    ("Fælles møde mellem KKR Sjælland og KKR Hovedstaden", "KKR Sjælland"),
    ("KKR sekretariatet samt KD-Net sekretariatet", KDNET),
    ("KD-NET", KDNET),
    # directors' networks, by region
    ("Referat af møde i kommunaldirektørnetværket i den midtjyske region, den 20. august 2021", KDNET),
    ("Referat af møde i kommunaldirektørnetværket", KDNET),
    ("Kommunaldirektørkredsen i Region Midtjylland", KDNET),
    ("Referat af møde i kommunaldirektørkredsen i den nordjyske region, den 27. august 2021",
     "Kommunaldirektørkredsen Nordjylland"),
    ("Referat af møde i kommunaldirektørnetværket i Region Nordjylland",
     "Kommunaldirektørkredsen Nordjylland"),
    ("Kommunaldirektørkredsen i hovedstadsregionen", "Kommunaldirektørkredsen Hovedstaden"),
    ("Kommunaldirektørkredsen Hovedstaden", "Kommunaldirektørkredsen Hovedstaden"),
    ("Dagsorden for kommunaldirektørkredsen i den sjællandske region", "Kommunaldirektørkredsen Sjælland"),
    ("Møde i det syddanske kommunaldirektørforum", "Kommunaldirektørkredsen Syddanmark"),
    ("kommunaldirektoernetvaerket i Syddanmark", "Kommunaldirektørkredsen Syddanmark"),
    ("Referat af møde i kommunaldirektørkredsen den 3. maj 2022. Deltagere: Kommunaldirektørerne i Region "
     "Syddanmark", "Kommunaldirektørkredsen Syddanmark"),
    # a network's own short code, next to its name
    ("K29 – Kommunaldirektørkredsen i Region Hovedstaden", "K29"),
    ("Referat af møde i Kommunaldirektørkredsen i Region Sjælland (K17)", "K17"),
    ("kommunaldirektørnetværket i den midtjyske region (KD-Net)", KDNET),
    # no council
    ("Region Midtjylland", None),
    ("den nordjyske region", None),
    ("KL", None),
    ("KKR", None),
    ("Aalborg Kommune", None),
    ("Silkeborg", None),
    ("kommunaldirektørkredsen", None),
    ("Kommunaldirektørerne i den midtjyske region", None),
    ("KL: kommunaldirektørkredsen", None),
    ("Referat af mødet den 23. april 2021", None),
    ("", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "council"), COUNCIL_NAMES, ids=[text[:50] for text, _ in COUNCIL_NAMES])
def test_the_council_a_text_names(text: str, council: str | None) -> None:
    assert body_named(text) == council


def test_every_region_has_a_kkr_and_a_network() -> None:
    assert tuple(f"KKR {region}" for region in REGIONS) == KKRS
    assert [body_named(kkr.upper()) for kkr in KKRS] == list(KKRS)
    assert [directors_network_of_region(region) for region in REGIONS] == [
        "Kommunaldirektørkredsen Hovedstaden",
        "Kommunaldirektørkredsen Sjælland",
        "Kommunaldirektørkredsen Syddanmark",
        KDNET,
        "Kommunaldirektørkredsen Nordjylland",
    ]
    assert all(is_kkr(kkr) for kkr in KKRS)
    assert not any(is_kkr(name) for name in (KDNET, "K17", "Kommunaldirektørkredsen Nordjylland"))
    with pytest.raises(ValueError):
        directors_network_of_region("Skåne")


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Region Nordjylland", "Nordjylland"),
        ("i den nordjyske region", "Nordjylland"),
        ("Nordjyllands", "Nordjylland"),
        ("i hovedstadsregionen", "Hovedstaden"),
        ("Region Hovedstaden", "Hovedstaden"),
        ("de sjællandske kommuner", "Sjælland"),
        ("Sjaelland", "Sjælland"),
        ("syddanske", "Syddanmark"),
        ("midtjyske", "Midtjylland"),
        ("Aalborg", None),
        ("KL", None),
    ],
)
def test_the_region_a_text_names(text: str, region: str | None) -> None:
    assert region_named(text) == region


def test_the_kkr_of_a_region() -> None:
    assert kkr_of_region("Nordjylland") == "KKR Nordjylland"
    assert kkr_of_region("Region Sjælland") == "KKR Sjælland"
    assert kkr_of_region("hovedstadsregionen") == "KKR Hovedstaden"
    with pytest.raises(ValueError):
        kkr_of_region("Aalborg")


def test_98_municipalities_in_five_regions() -> None:
    counts = {region: len(names) for region, names in MUNICIPALITIES_BY_REGION.items()}
    want = {"Hovedstaden": 29, "Sjælland": 17, "Syddanmark": 22, "Midtjylland": 19, "Nordjylland": 11}
    assert counts == want
    assert tuple(counts) == REGIONS
    assert len(MUNICIPALITIES) == 98  # no municipality in two regions
    assert all(region_of_municipality(name) == region for name, region in MUNICIPALITIES.items())


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("Aalborg", "Nordjylland"),
        ("Aalborg Kommune", "Nordjylland"),
        ("Ålborg", "Nordjylland"),
        ("Vesthimmerland", "Nordjylland"),
        ("Brønderslev-Dronninglund", "Nordjylland"),
        ("Københavns Kommune", "Hovedstaden"),
        ("Bornholms Regionskommune", "Hovedstaden"),
        ("Høje Taastrup", "Hovedstaden"),
        ("Lyngby-Tårbæk", "Hovedstaden"),
        ("Frederiksværk-Hundested", "Hovedstaden"),
        ("Tårnby", "Hovedstaden"),
        ("Holbæk Kommune", "Sjælland"),
        ("SORØ", "Sjælland"),
        ("Åbenrå", "Syddanmark"),
        ("Nordfyn", "Syddanmark"),
        ("Nordfyns Kommune", "Syddanmark"),
        ("Ærø", "Syddanmark"),
        ("Århus Kommune", "Midtjylland"),
        ("Ikast-Brande", "Midtjylland"),
        ("Ringkøbing-Skjern Kommune", "Midtjylland"),
        ("Region Nordjylland", None),
        ("Christiansø", None),  # administered by the state, in no municipality
        ("KL", None),
        ("", None),
    ],
)
def test_the_region_of_a_municipality(name: str, region: str | None) -> None:
    assert region_of_municipality(name) == region


@pytest.mark.parametrize(
    ("text", "code"), [("K29", True), ("K17", True), ("KDK", True), ("KD-Net", True), ("KD-Nord", True),
                       ("KL", False), ("KKR", False), ("SIDE", False), ("Referat", False), ("K", False),
                       ("Kommunaldirektørkredsen", False), ("23-03-2022", False)],
)  # fmt: skip
def test_short_codes(text: str, code: bool) -> None:
    assert is_code(text) is code


def _line(text: str, top: float, *, bold: bool = True) -> Line:
    return Line(page=1, top=top, bottom=top + 10, x0=60, x1=500, text=text, size=10, bold=bold, italic=False)


def test_a_wrapped_title_names_the_network_of_its_region() -> None:
    lines = [
        _line("Referat af møde i kommunaldirektørkredsen i den", 60),
        _line("nordjyske region, den 27. august 2021", 72),
        _line("Tid og sted: 27. august 2021, kl. 10.00 – 12.00, Comwell Rebild Bakker", 84),
    ]
    meta = from_front_matter(lines)
    assert meta.body == "Kommunaldirektørkredsen Nordjylland"
    assert meta.meeting_date == dt.date(2021, 8, 27)


def test_a_running_header_code_names_the_network_the_title_names_in_words() -> None:
    title = from_front_matter([_line("Referat af møde i kommunaldirektørkredsen i Region Sjælland", 60)])
    header = from_running_headers([_line("K17 | 03-09-2021    SIDE | 2", 20, bold=False)])
    assert (title.body, header.body, header.network_code) == ("Kommunaldirektørkredsen Sjælland", None, "K17")
    assert title.filled_from(header).body == "K17"
    kkr = from_front_matter([_line("KKR SJÆLLAND", 60)])
    assert kkr.filled_from(header).body == "KKR Sjælland"  # a KKR keeps its name
    assert header.filled_from(title).body == "K17"
    assert from_running_headers([_line("Referat | 03-09-2021", 20)]).network_code is None


# The fixtures tests/tools/make_other_councils.py made: council and date, as their front page, title or
# running header says (tests/test_parse_fixtures.py scores all of each).
OTHER_COUNCILS = {
    "kkr-nordjylland-dagsorden-2022-03-25": ("KKR Nordjylland", dt.date(2022, 3, 25)),
    "kkr-hovedstaden-referat-2021-04-23": ("KKR Hovedstaden", dt.date(2021, 4, 23)),
    "kkr-syddanmark-dagsorden-2022-03-24": ("KKR Syddanmark", dt.date(2022, 3, 24)),
    "kommunaldirektoerkredsen-nordjylland-referat-2021-08-27": (
        "Kommunaldirektørkredsen Nordjylland",
        dt.date(2021, 8, 27),
    ),
    "k17-sjaelland-referat-2021-09-03": ("K17", dt.date(2021, 9, 3)),
}


@pytest.mark.parametrize("name", sorted(OTHER_COUNCILS))
def test_a_fixture_of_another_council_parses_to_that_council(name: str) -> None:
    parsed = parse_document((MADE_DIR / f"{name}.pdf").read_bytes())
    body, day = OTHER_COUNCILS[name]
    assert (parsed.body, parsed.meeting_date) == (body, day)
    assert expected_json(name)["body"] == body
    assert (MADE_DIR / f"{name}.pdf").stat().st_size < 200_000


def test_two_councils_met_on_the_same_day() -> None:
    hovedstaden = expected_json("kkr-hovedstaden-referat-2021-04-23")
    midtjylland = expected_json("kkr-referat-2021-04-23")
    assert hovedstaden["meeting_date"] == midtjylland["meeting_date"] == "2021-04-23"
    assert {hovedstaden["body"], midtjylland["body"]} == {"KKR Hovedstaden", "KKR Midtjylland"}
    assert "Midtjylland" not in str(hovedstaden) and "midtjysk" not in str(hovedstaden)
