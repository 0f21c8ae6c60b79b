#!/usr/bin/env python3
"""Make test fixtures of other councils' meetings from the shared KKR Midtjylland and KD-Net ones.

Usage: python tests/tools/make_other_councils.py

KL publishes the same material for all five KKRs and their networks of municipal directors, but the
shared fixtures are all Midtjylland's. This takes a shared fixture's expected JSON, makes it read as
another council's (its body, date and place; the council, region, town and institution names in its
texts: "KKR Midtjylland" -> "KKR Nordjylland", "midtjyske" -> "nordjyske", "Aarhus" -> "Aalborg",
"VIA" -> "UCN", "KD-Net" -> the region's network), typesets it with tests/layout_variants.py and
writes the PDF to tests/fixtures/made/NAME.pdf and the JSON the parser must produce for it to
tests/fixtures/expected/NAME.expected.json, for the contract test (tests/test_parse_fixtures.py).

The fixtures (FIXTURES below):
- kkr-nordjylland-dagsorden-2022-03-25: KKR Nordjylland's agenda, two days after KKR Midtjylland's
  agenda it is made from; front page, contents and running header, in Helvetica;
- kkr-hovedstaden-referat-2021-04-23: KKR Hovedstaden's minutes, on the same day as KKR
  Midtjylland's minutes they are made from (two councils met that day);
- kkr-syddanmark-dagsorden-2022-03-24: KKR Syddanmark's agenda without front page or contents: only
  the running header "KKR Syddanmark | 24-03-2022" says whose it is;
- kommunaldirektoerkredsen-nordjylland-referat-2021-08-27: the Nordjylland directors' network's
  minutes, whose title names the network in words only ("kommunaldirektørkredsen i den nordjyske
  region"), so the council is "Kommunaldirektørkredsen Nordjylland";
- k17-sjaelland-referat-2021-09-03: the Sjælland directors' network's minutes, titled
  "kommunaldirektørkredsen i Region Sjælland" with the running header "K17 | 03-09-2021": the
  council is the network's code, "K17".

Run by hand when a fixture has to be made again, never by the tests. The output is deterministic:
reportlab runs with invariant=1 and only its standard fonts (not embedded), so the files stay small.
"""

import copy
import json
import re
import sys
from pathlib import Path

from reportlab import rl_config

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.regions import MUNICIPALITIES_BY_REGION  # noqa: E402
from tests.layout_variants import Style, render, render_kdnet  # noqa: E402

EXPECTED = ROOT / "tests/fixtures/expected"
MADE = ROOT / "tests/fixtures/made"
MAX_BYTES = 200_000

HELVETICA = Style(font="Helvetica", bold="Helvetica-Bold", italic="Helvetica-Oblique", body=10, section=14, item=11.5)
TIMES_NO_FRONT_PAGE = Style(body=11, section=15, item=12.5, front_page=False, contents=False)

# Midtjylland's towns -> a town of the other region (a municipality's main town where the text says
# "X Kommune"), its university college, transport company, parts of the region, and the name its
# texts give the directors' network instead of "KD-Net".
REGIONS = {
    "Nordjylland": {
        "adjective": "nordjysk",
        "ascii": "nordjylland",
        "towns": {"Aarhus": "Aalborg", "Århus": "Aalborg", "Silkeborg": "Rebild", "Horsens": "Frederikshavn",
                  "Randers": "Hjørring", "Viborg": "Thisted", "Lemvig": "Løkken", "Holstebro": "Brønderslev",
                  "Ikast": "Hobro", "Skive": "Nykøbing Mors", "Grenaa": "Aars"},
        "phrases": {"VIA University College": "University College Nordjylland", "VIA": "UCN",
                    "Midttrafik": "NT", "Vestjylland": "Vendsyssel", "Østjylland": "Himmerland",
                    "Djursland": "Thy"},
    },
    "Hovedstaden": {
        "adjective": None,  # "hovedstadsregionen", see _adjectives
        "ascii": "hovedstaden",
        "towns": {"Aarhus Universitet": "Københavns Universitet", "Aarhus": "København", "Århus": "København",
                  "Silkeborg": "Gladsaxe", "Horsens": "Helsingør", "Randers": "Hillerød",
                  "Viborg": "Frederiksberg", "Lemvig": "Dragør", "Holstebro": "Gentofte", "Ikast": "Ballerup",
                  "Skive": "Hørsholm", "Grenaa": "Rønne"},
        "phrases": {"VIA University College": "Københavns Professionshøjskole", "VIA": "KP",
                    "Midttrafik": "Movia", "Vestjylland": "Nordsjælland", "Østjylland": "Vestegnen",
                    "Djursland": "Amager"},
    },
    "Syddanmark": {
        "adjective": "syddansk",
        "ascii": "syddanmark",
        "towns": {"Aarhus Universitet": "Syddansk Universitet", "Aarhus": "Odense", "Århus": "Odense",
                  "Silkeborg": "Svendborg", "Horsens": "Vejle", "Randers": "Kolding", "Viborg": "Esbjerg",
                  "Lemvig": "Tønder", "Holstebro": "Sønderborg", "Ikast": "Haderslev", "Skive": "Fredericia",
                  "Grenaa": "Aabenraa"},
        "phrases": {"VIA University College": "University College Syddanmark", "VIA": "UC SYD",
                    "Midttrafik": "FynBus", "Vestjylland": "Sydjylland", "Østjylland": "Fyn",
                    "Djursland": "Als"},
    },
    "Sjælland": {
        "adjective": "sjællandsk",
        "ascii": "sjaelland",
        "towns": {"Aarhus Universitet": "Roskilde Universitet", "Aarhus": "Roskilde", "Århus": "Roskilde",
                  "Silkeborg": "Sorø", "Horsens": "Næstved", "Randers": "Slagelse", "Viborg": "Holbæk",
                  "Lemvig": "Kalundborg", "Holstebro": "Køge", "Ikast": "Ringsted", "Skive": "Vordingborg",
                  "Grenaa": "Nakskov"},
        "phrases": {"VIA University College": "Professionshøjskolen Absalon", "VIA": "Absalon",
                    "Midttrafik": "Movia", "Vestjylland": "Vestsjælland", "Østjylland": "Østsjælland",
                    "Djursland": "Stevns"},
    },
}  # fmt: skip

FIXTURES = [
    {
        "name": "kkr-nordjylland-dagsorden-2022-03-25",
        "source": "kkr-dagsorden-2022-03-23",
        "region": "Nordjylland",
        "body": "KKR Nordjylland",
        "meeting_date": "2022-03-25",
        "start_time": "09:30",
        "location": "Aalborg Kongres & Kultur Center, Europa Plads 4, 9000 Aalborg",
        "dates": {"23. marts 2022": "25. marts 2022"},
        "network": "Kommunaldirektørkredsen",
        "style": HELVETICA,
    },
    {
        "name": "kkr-hovedstaden-referat-2021-04-23",
        "source": "kkr-referat-2021-04-23",
        "region": "Hovedstaden",
        "body": "KKR Hovedstaden",
        "meeting_date": "2021-04-23",
        "start_time": "09:00",
        "location": "KL-Huset, Weidekampsgade 10, 2300 København S",
        "dates": {},
        "network": "Kommunaldirektørkredsen",
        "style": Style(),
    },
    {
        "name": "kkr-syddanmark-dagsorden-2022-03-24",
        "source": "kkr-dagsorden-2022-03-23",
        "region": "Syddanmark",
        "body": "KKR Syddanmark",
        "meeting_date": "2022-03-24",
        "start_time": "10:00",
        "location": "Hotel Koldingfjord, Fjordvej 154, 6000 Kolding",
        "dates": {"23. marts 2022": "24. marts 2022"},
        "network": "Kommunaldirektørkredsen",
        "style": TIMES_NO_FRONT_PAGE,
    },
    {
        "name": "kommunaldirektoerkredsen-nordjylland-referat-2021-08-27",
        "source": "kdnet-referat-2021-08-20",
        "region": "Nordjylland",
        "body": "Kommunaldirektørkredsen Nordjylland",
        "meeting_date": "2021-08-27",
        "start_time": "10:00",
        "location": "Comwell Rebild Bakker, Rebildvej 36, 9520 Skørping",
        "dates": {},
        "network": "Kommunaldirektørkredsen",
        "style": Style(),
        "title": "kommunaldirektørkredsen i den nordjyske region",
        "directors": "Kommunaldirektørerne i den nordjyske region",
    },
    {
        "name": "k17-sjaelland-referat-2021-09-03",
        "source": "kdnet-referat-2021-08-20",
        "region": "Sjælland",
        "body": "K17",
        "meeting_date": "2021-09-03",
        "start_time": "09:00",
        "location": "Sorø Storkro, Abildgaardsvej 100, 4180 Sorø",
        "dates": {},
        "network": "K17",
        "style": HELVETICA,
        "title": "kommunaldirektørkredsen i Region Sjælland",
        "directors": "Kommunaldirektørerne i Region Sjælland",
        "header": "K17 | 03-09-2021",
    },
]
NOT_TEXT = {"kind", "body", "meeting_date", "start_time", "location", "number", "case_number", "page", "pages"}
BREAK = r"(?:-\s*)?"  # a word hyphenated over two lines, "Midtjyl-\nland"


def _capitalized(word, like):
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _genitive(name):
    """Danish genitive: "Rebilds", "Nykøbing Mors'", "NT's", "K17's"."""
    if name.endswith(("s", "x", "z")):
        return name + "'"
    return name + ("s" if name[-1].islower() else "'s")


def _ascii(name):
    """A town as in a web address: "Holbæk" -> "holbaek"."""
    return name.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "-"}))


def _named(old, new):
    """(pattern, replacement) for a name and its genitive: "Silkeborg(s)" -> "Rebild(s)"."""
    return rf"\b{re.escape(old)}(s?)\b", lambda m: _genitive(new) if m[1] else new


def _adjectives(region):
    """(pattern, replacement) for "midtjysk(e)" in the other region's words."""
    adjective = REGIONS[region]["adjective"]
    if adjective:
        return [(rf"\b([Mm])idt{BREAK}jysk", lambda m: _capitalized(adjective, m[1]))]
    return [  # Hovedstaden has no adjective: "den midtjyske region" -> "hovedstadsregionen"
        (rf"\bden midt{BREAK}jyske region\b", "hovedstadsregionen"),
        (rf"\b([Dd])(?:e|et|en) midt{BREAK}jyske\b", lambda m: _capitalized("hovedstadsregionens", m[1])),
        (rf"\b([Mm])idt{BREAK}jyske?\b", lambda m: _capitalized("hovedstadens", m[1])),
    ]


def replacements(fixture):
    """The (pattern, replacement) pairs that make Midtjylland's texts read as `fixture`'s council's."""
    region, words = fixture["region"], REGIONS[fixture["region"]]
    network = fixture["network"]
    pairs = [(re.escape(old), new) for old, new in fixture["dates"].items()]
    pairs += [_named(old, new) for old, new in {**words["towns"], **words["phrases"]}.items()]
    pairs += [
        (rf"\bMidtjyl{BREAK}land(s?)\b", lambda m: _genitive(region) if m[1] else region),
        (r"\bsekretariatmidtjylland\.viborg\.dk\b", _ascii(words["towns"]["Viborg"]) + ".dk"),
        (r"midtjylland", words["ascii"]),  # in addresses: www.kl.dk/politik/kkr/kkr-midtjylland/
        (r"\b19(?= (?:\w+ )?kommuner\b)", str(len(MUNICIPALITIES_BY_REGION[region]))),  # "alle 19 kommuner"
        (r"\bKD-[Nn]et(s?)\b", lambda m: _genitive(network) if m[1] else network),
        (r"\b([Kk])ommunaldirektørnetværket\b", lambda m: _capitalized("kommunaldirektørkredsen", m[1])),
        *_adjectives(region),
    ]
    return [(re.compile(pattern), new) for pattern, new in pairs]


def transformed(meeting, fixture):
    """`meeting` (a shared fixture's expected JSON) as `fixture`'s council's meeting."""
    pairs = replacements(fixture)

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and key not in NOT_TEXT:
            for pattern, new in pairs:
                value = pattern.sub(new, value)
        return value

    out = walk(copy.deepcopy(meeting))
    out.update({key: fixture[key] for key in ("body", "meeting_date", "start_time", "location")})
    return out


def leftovers(meeting):
    """Midtjylland's words the replacements missed (printed, to be added above)."""
    text = json.dumps(meeting, ensure_ascii=False)
    return sorted(set(re.findall(r"\w*(?:[Mm]idtjy|KD-[Nn]et|Silkeborg|Aarhus|Viborg)\w*", text)))


def make(fixture):
    source = json.loads((EXPECTED / f"{fixture['source']}.expected.json").read_text(encoding="utf-8"))
    meeting = transformed(source, fixture)
    if meeting["sections"]:
        pdf, want = render(meeting, fixture["style"])
    else:
        pdf, want = render_kdnet(
            meeting, fixture["style"], network=fixture["title"], directors=fixture["directors"],
            header=fixture.get("header"),
        )  # fmt: skip
    assert len(pdf) < MAX_BYTES, f"{fixture['name']}: {len(pdf)} bytes"
    (MADE / f"{fixture['name']}.pdf").write_bytes(pdf)
    expected = json.dumps(want, ensure_ascii=False, indent=1) + "\n"
    (EXPECTED / f"{fixture['name']}.expected.json").write_text(expected, encoding="utf-8")
    missed = leftovers(want)
    print(f"wrote {fixture['name']}: {want['body']}, {want['meeting_date']}, {want['pages']} pages, "
          f"{len(pdf)} bytes" + (f"; left as they were: {', '.join(missed)}" if missed else ""))  # fmt: skip


def main():
    rl_config.invariant = 1  # no timestamps or random ids in the PDFs
    MADE.mkdir(parents=True, exist_ok=True)
    for fixture in FIXTURES:
        make(fixture)


if __name__ == "__main__":
    main()
