"""Denmark's five regions and their 98 municipalities, as the 2007 municipal reform drew them.

Each region has one KKR and one network of municipal directors, so a region is what ties a member's
municipality to a council (`region_of_municipality`, `kkr_of_region`) and what a document names when
it says which network it is ("i den nordjyske region", "i Region Nordjylland", `region_named`).
"""

from __future__ import annotations

import re
import unicodedata

REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
# The adjective of "den nordjyske region", "de nordjyske kommuner"; Hovedstaden has none but
# "hovedstadsregionen" (see REGION_PATTERNS).
REGION_ADJECTIVES = {
    "Sjælland": "sjællandske",
    "Syddanmark": "syddanske",
    "Midtjylland": "midtjyske",
    "Nordjylland": "nordjyske",
}

# Region -> its municipalities (the names Danmarks Statistik uses, without "Kommune").
MUNICIPALITIES_BY_REGION: dict[str, tuple[str, ...]] = {
    "Hovedstaden": (
        "Albertslund", "Allerød", "Ballerup", "Bornholm", "Brøndby", "Dragør", "Egedal", "Fredensborg",
        "Frederiksberg", "Frederikssund", "Furesø", "Gentofte", "Gladsaxe", "Glostrup", "Gribskov",
        "Halsnæs", "Helsingør", "Herlev", "Hillerød", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ishøj",
        "København", "Lyngby-Taarbæk", "Rudersdal", "Rødovre", "Tårnby", "Vallensbæk",
    ),
    "Sjælland": (
        "Faxe", "Greve", "Guldborgsund", "Holbæk", "Kalundborg", "Køge", "Lejre", "Lolland", "Næstved",
        "Odsherred", "Ringsted", "Roskilde", "Slagelse", "Solrød", "Sorø", "Stevns", "Vordingborg",
    ),
    "Syddanmark": (
        "Aabenraa", "Assens", "Billund", "Esbjerg", "Faaborg-Midtfyn", "Fanø", "Fredericia", "Haderslev",
        "Kerteminde", "Kolding", "Langeland", "Middelfart", "Nordfyns", "Nyborg", "Odense", "Svendborg",
        "Sønderborg", "Tønder", "Varde", "Vejen", "Vejle", "Ærø",
    ),
    "Midtjylland": (
        "Aarhus", "Favrskov", "Hedensted", "Herning", "Holstebro", "Horsens", "Ikast-Brande", "Lemvig",
        "Norddjurs", "Odder", "Randers", "Ringkøbing-Skjern", "Samsø", "Silkeborg", "Skanderborg", "Skive",
        "Struer", "Syddjurs", "Viborg",
    ),
    "Nordjylland": (
        "Aalborg", "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø", "Mariagerfjord",
        "Morsø", "Rebild", "Thisted", "Vesthimmerlands",
    ),
}  # fmt: skip
MUNICIPALITIES = {name: region for region, names in MUNICIPALITIES_BY_REGION.items() for name in names}
# Other names of the same municipalities: earlier official names (Frederiksværk-Hundested until 2008,
# Brønderslev-Dronninglund until 2011, Århus until 2011) and everyday forms without the genitive s.
MUNICIPALITY_ALIASES = {
    "Frederiksværk-Hundested": "Halsnæs",
    "Brønderslev-Dronninglund": "Brønderslev",
    "Århus": "Aarhus",
    "Nordfyn": "Nordfyns",
    "Vesthimmerland": "Vesthimmerlands",
}

_ASCII = {"æ": "(?:æ|ae)", "ø": "(?:ø|oe)", "å": "(?:å|aa)"}


def danish_pattern(word: str) -> str:
    """A regex for `word` that also matches it spelled without æ, ø, å ("Sjaelland")."""
    return "".join(_ASCII.get(ch, re.escape(ch)) for ch in word.lower())


# How texts name each region, besides the adjective: "Region Nordjylland", "Nordjyllands",
# "hovedstadsregionen". Matched case-insensitively, at a word start.
REGION_PATTERNS: dict[str, tuple[str, ...]] = {
    region: (rf"(?:region\s+)?{danish_pattern(region)}s?\b", *extra)
    for region, extra in {
        "Hovedstaden": (r"hovedstads(?:region|området)\w*",),
        "Sjælland": (rf"{danish_pattern('sjællandsk')}\w*",),
        "Syddanmark": (r"syddansk\w*",),
        "Midtjylland": (r"midtjysk\w*",),
        "Nordjylland": (r"nordjysk\w*",),
    }.items()
}
# Any region, as one non-capturing pattern for larger regexes (core.bodies); `region_named` tells which.
REGION_PATTERN = "(?:" + "|".join(p for patterns in REGION_PATTERNS.values() for p in patterns) + ")"
_REGION_RES = {
    region: re.compile(rf"\b(?:{'|'.join(p)})", re.IGNORECASE) for region, p in REGION_PATTERNS.items()
}


def region_named(text: str) -> str | None:
    """The first region a text names ("Region Nordjylland", "den nordjyske region", "Sjaelland"), or None."""
    found = [(m.start(), region) for region, regex in _REGION_RES.items() if (m := regex.search(text))]
    return min(found)[1] if found else None


def kkr_of_region(region: str) -> str:
    """The KKR of a region, however the region is written: "nordjyske" -> "KKR Nordjylland"."""
    name = region if region in REGIONS else region_named(region)
    if name is None:
        raise ValueError(f"not a Danish region: {region!r}")
    return f"KKR {name}"


def _municipality_key(name: str) -> str:
    text = unicodedata.normalize("NFC", name).casefold()
    text = re.sub(r"\b(?:regions)?kommunes?\b", "", text)
    return re.sub(r"[^a-zæøå]", "", text.replace("aa", "å"))


_BY_KEY = {
    _municipality_key(name): MUNICIPALITIES.get(name) or MUNICIPALITIES[MUNICIPALITY_ALIASES[name]]
    for name in [*MUNICIPALITIES, *MUNICIPALITY_ALIASES]
}


def region_of_municipality(name: str) -> str | None:
    """The region of a municipality ("Aalborg", "Aalborg Kommune", "Københavns Kommune"), or None."""
    key = _municipality_key(name)
    if not key:
        return None
    return _BY_KEY.get(key) or (_BY_KEY.get(key[:-1]) if key.endswith("s") else None)
