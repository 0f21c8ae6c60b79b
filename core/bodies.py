"""The councils that meet, named from what a text says of itself.

KL publishes the same meeting material for the five KKRs (one per region) and for each region's
network of municipal directors. Documents, running headers, meeting pages and members write a
council's name in many ways; `body_named` gives the one stored name of the first council a text names:

- a KKR is "KKR " + its region, however written: "KKR NORDJYLLAND", "KKR-Nordjylland", "KKR for
  Region Nordjylland", "KKR Nordjyllands", "Kommunekontaktrådet i Nordjylland", "det nordjyske KKR";
- "KD-Net" by its name ("KD-Net", "KD-NET", "KDNet");
- a directors' network ("kommunaldirektørkredsen", "-netværket", "-forum", "-gruppen") is the short
  code it calls itself by next to that name ("… (K29)", "K29 – Kommunaldirektørkredsen …"; parsing.meta
  also takes one from a running header); without a code, Midtjylland's is "KD-Net" and another
  region's "Kommunaldirektørkredsen <Region>" (`directors_network_of_region`). The region is the one
  named with it ("… i den nordjyske region", "… i Region Nordjylland", "… i hovedstadsregionen",
  "Det sjællandske kommunaldirektørnetværk"), else the first one the text names after it
  ("… Deltagere: Kommunaldirektørerne i Region Syddanmark"). With no region at all,
  "kommunaldirektørnetværket" is KD-Net (Midtjylland's material calls it that), and a "-kreds",
  "-forum" or "-gruppe" names no council.

A region alone ("Region Midtjylland"), "KL", "KKR" alone or a municipality names no council.
"""

from __future__ import annotations

import re

from core.regions import REGION_PATTERN, REGIONS, danish_pattern, kkr_of_region, region_named

KDNET = "KD-Net"
NETWORK_NAME = "Kommunaldirektørkredsen"  # the canonical name of a region's network: "… Nordjylland"
KKRS = tuple(kkr_of_region(region) for region in REGIONS)

_CONNECTOR = r"(?:\s+(?:i|for|på)(?:\s+(?:den|det))?)?\s+"  # "KKR for", "… i den", or just a space
_REGION = rf"(?P<region>{REGION_PATTERN})(?:\s+region(?:en)?\b)?"  # "nordjyske region", "Region Nordjylland"
_KKR_WORD = rf"(?:KKR|{danish_pattern('kommunekontaktråd')}(?:et)?)\b"
_NETWORK_WORD = (
    rf"{danish_pattern('kommunaldirektør')}[\s-]?"
    rf"(?P<kind>kreds|{danish_pattern('netværk')}|forum|gruppe)\w*"
)
# A council's short code: capitals and digits, maybe a hyphen and a word ("K29", "KDK", "KD-Net").
_CODE = r"(?-i:(?P<code>[A-ZÆØÅ]{1,4}(?:-?[A-ZÆØÅ0-9][A-Za-zæøåÆØÅ0-9]{0,5}|[0-9]{1,3})?))"
NOT_CODES = frozenset({"KL", "KKR", "SIDE", "BILAG", "REFERAT", "DAGSORDEN", "PUNKT", "NB", "OBS"})

_KKR_RES = (
    re.compile(rf"\b{_KKR_WORD}(?:[\s-]+|{_CONNECTOR}){_REGION}", re.IGNORECASE),  # "KKR for Nordjylland"
    re.compile(rf"\b(?:(?:det|den)\s+)?{_REGION}[\s-]+{_KKR_WORD}", re.IGNORECASE),  # "det nordjyske KKR"
)
_KDNET_RE = re.compile(r"\bKD[\s-]?Net\b", re.IGNORECASE)
_NETWORK_RES = (
    # "K29 – Kommunaldirektørkredsen i Region Hovedstaden", "K17: kommunaldirektørkredsen"
    re.compile(rf"\b{_CODE}\s*[-–—:]\s*{_NETWORK_WORD}(?:{_CONNECTOR}{_REGION})?", re.IGNORECASE),
    # "kommunaldirektørnetværket i den midtjyske region (KD-Net)", "Kommunaldirektørkredsen (K29)"
    re.compile(rf"\b{_NETWORK_WORD}(?:{_CONNECTOR}{_REGION})?(?:[\s,]*\(\s*{_CODE}\s*\))?", re.IGNORECASE),
    # "Det sjællandske kommunaldirektørnetværk", "Nordjyllands kommunaldirektørkreds"
    re.compile(rf"\b(?:(?:det|den|de)\s+)?{_REGION}\s+{_NETWORK_WORD}", re.IGNORECASE),
)


def is_code(text: str) -> bool:
    """Whether `text` is a short code a council may call itself by ("K29", "KDK", "KD-Net")."""
    text = text.strip()
    shape = re.fullmatch(_CODE, text)
    capitals_or_digits = sum(ch.isupper() or ch.isdigit() for ch in text)
    return bool(shape) and capitals_or_digits >= 2 and text.upper() not in NOT_CODES


def directors_network_of_region(region: str) -> str:
    """The stored name of a region's directors' network without a code of its own."""
    if region not in REGIONS:
        raise ValueError(f"not a Danish region: {region!r}")
    return KDNET if region == "Midtjylland" else f"{NETWORK_NAME} {region}"


def is_kkr(name: str) -> bool:
    """Whether a stored council name is a KKR (whose documents number items within sections)."""
    return name in KKRS


def _network(match: re.Match[str], text: str) -> str | None:
    code = match.groupdict().get("code")
    if code and is_code(code):
        return KDNET if _KDNET_RE.fullmatch(code) else code
    region = region_named(match["region"]) if match["region"] else region_named(text[match.end() :])
    if region:
        return directors_network_of_region(region)
    return KDNET if match["kind"].lower().startswith("netv") else None


def body_named(text: str) -> str | None:
    """The council a text names first ("KKR Nordjylland", "KD-Net", "Kommunaldirektørkredsen Sjælland")."""
    found: list[tuple[int, int, str]] = []
    for regex in _KKR_RES:
        for match in regex.finditer(text):
            region = region_named(match["region"])
            if region:
                found.append((match.start(), -len(match[0]), kkr_of_region(region)))
                break
    if kdnet := _KDNET_RE.search(text):
        found.append((kdnet.start(), -len(kdnet[0]), KDNET))
    for regex in _NETWORK_RES:
        for match in regex.finditer(text):
            if name := _network(match, text):
                found.append((match.start(), -len(match[0]), name))
                break
    return min(found)[2] if found else None
