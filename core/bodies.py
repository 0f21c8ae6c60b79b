"""The councils that meet, by the names KL gives them: the five KKRs and KD-Net.

Documents, running headers, meeting pages and members write them in many ways ("KKR MIDTJYLLAND",
"kkr-midtjylland" in a URL, "Kommunaldirektørnetværket"); `body_named` gives the one stored name.
"""

from __future__ import annotations

import re

KKR_RE = re.compile(r"\bKKR[\s-]*(Midtjylland|Nordjylland|Syddanmark|Sjælland|Hovedstaden)\b", re.IGNORECASE)
KDNET_RE = re.compile(r"\bKD-?Net\b|kommunaldirekt(?:ø|o)rnetv(?:æ|ae)rk", re.IGNORECASE)
KDNET = "KD-Net"


def body_named(text: str) -> str | None:
    """The council a text names first ("KKR Midtjylland", "KD-Net"), or None."""
    found = [(m.start(), f"KKR {m[1].capitalize()}") for m in [KKR_RE.search(text)] if m]
    found += [(m.start(), KDNET) for m in [KDNET_RE.search(text)] if m]
    return min(found)[1] if found else None
