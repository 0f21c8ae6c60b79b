"""A bilag bundle split into its bilag: where each one starts, and its title from its first page.

KL publishes a meeting's attachments as one PDF, the bilag one after another, each starting on a new
page. A page starts a bilag when its top reads like a title and the page before ended a passage, or
when its first lines name an attachment an item of the meeting lists (`./. Titel`); its title is
its first line (two when the title wraps), or that attachment's title when the page only opens with
a numbered section heading ("1. Indledning").
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence

WORD_RE = re.compile(r"[^\W\d_]{4,}")  # words that say something: four letters or more
SECTION_HEADING_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
# lines that go on inside a document: a later numbered section ("7.2 …", "10. …"), a figure or table
# caption, a list entry, a label ("Fase 3:")
INNER_LINE_RE = re.compile(
    r"^(?:(?:[2-9]|\d{2})(?:\.\d{1,2})*\.?\s|1\.\d|(?:figur|tabel|bilag)\s*\d|[•▪◦\-–*o]\s)", re.I
)
SENTENCE_END = (".", "!", "?", ":", "”", '"', ")")
TITLE_MAX_CHARS = 90
TOP_LINES = 8  # how far down a page an attachment's title is looked for
SHORT_PAGE = 0.6  # a page with fewer lines than this share of a full one ends its bilag early
FULL_PAGE = 0.9  # ... or with a finished sentence and fewer lines than this share
MATCH_SHARE = 0.5  # the share of an attachment title's words its bilag's first lines must hold
NEARLY = 0.8  # a bilag starts on the first page that names its title this nearly as well as the best
TITLE_WORDS = 10  # a `./.` "title" may be a whole paragraph: its first words name it


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _stems(text: str) -> set[str]:
    """Words cut to their first six letters: "klimastrategi" and "klimastrategien" are one."""
    return {word.lower()[:6] for word in WORD_RE.findall(text)}


def _title_like(line: str) -> bool:
    return (
        len(line) <= TITLE_MAX_CHARS
        and (line[:1].isupper() or line[:1].isdigit())
        and not line.endswith((",", ":", "-"))
        and not INNER_LINE_RE.match(line)
    )


def title_of(text: str) -> str:
    """A page's first line, with the next one when the title wraps ("Styregruppe for" / "erhvervsfremme…")."""
    lines = _lines(text)
    if not lines:
        return ""
    title = lines[0]
    if len(lines) > 1 and lines[1][:1].islower() and len(title) + len(lines[1]) < TITLE_MAX_CHARS:
        title = f"{title} {lines[1]}"
    return title


def match_share(title: str, text: str, weight: Mapping[str, float] | None = None) -> float:
    """How much of `title`'s wording (its first words, when it is a whole paragraph) stands in `text`,
    each word weighted by how rare it is in the bundle (`weight`), so "Midtjylland" counts for little."""
    wanted = _stems(" ".join(title.split()[:TITLE_WORDS]))
    weight = weight or {}
    unseen = max(weight.values(), default=1.0)  # a word the bundle never uses is as rare as can be
    total = sum(weight.get(stem, unseen) for stem in wanted)
    found = sum(weight.get(stem, unseen) for stem in wanted & _stems(text))
    return found / total if total else 0.0


def rarity(page_texts: Sequence[str]) -> dict[str, float]:
    """Each word's weight in a bundle: log(pages / pages it is on), so words on every page weigh 0."""
    pages = [_stems(text) for text in page_texts]
    counts = Counter(stem for stems in pages for stem in stems)
    return {stem: math.log((len(pages) + 1) / count) for stem, count in counts.items()}


def best_match(attachment: str, bilag: Sequence[tuple[str, str]], weight: Mapping[str, float]) -> int | None:
    """Which of the bundle's bilag (title, its first page's text) an item's `./.` title means, by index;
    None when none names it well enough (a bilag that is not in the bundle)."""
    tops = ["\n".join([title, *_lines(first_page)[:TOP_LINES]]) for title, first_page in bilag]
    shares = [match_share(attachment, top, weight) for top in tops]
    best = max(shares, default=0.0)
    if best < MATCH_SHARE:
        return None
    return next(index for index, share in enumerate(shares) if share >= NEARLY * best)


def split_bundle(
    page_texts: Sequence[str], attachment_titles: Sequence[str] = ()
) -> list[tuple[str, int, int]]:
    """(title, first page, last page) of each bilag in the bundle, pages 1-based and in order."""
    pages = [_lines(text) for text in page_texts]
    if not pages:
        return []
    full = statistics.median(len(lines) for lines in pages) or 1
    named: dict[int, str] = {}
    weight = rarity(page_texts)
    tops = ["\n".join(lines[:TOP_LINES]) for lines in pages]
    for attachment in attachment_titles:
        shares = [match_share(attachment, top, weight) for top in tops]
        best = max(shares)
        if best >= MATCH_SHARE:  # the first page that names it nearly as well as the best one
            first = next(index for index, share in enumerate(shares) if share >= NEARLY * best)
            named.setdefault(first, attachment)
    starts = [0]
    for index in range(1, len(pages)):
        before, lines = pages[index - 1], pages[index]
        ends_passage = (
            not before
            or len(before) < SHORT_PAGE * full
            or (before[-1].endswith(SENTENCE_END) and len(before) < FULL_PAGE * full)
        )
        cover = starts[-1] == index - 1 and len(before) < SHORT_PAGE * full  # a title page before it
        if index in named or (lines and _title_like(lines[0]) and ends_passage and not cover):
            starts.append(index)
    parts = []
    for number, start in enumerate(starts):
        end = starts[number + 1] - 1 if number + 1 < len(starts) else len(pages) - 1
        title = title_of(page_texts[start])
        if start in named and (not _title_like(title) or SECTION_HEADING_RE.match(title)):
            title = named[start]
        parts.append((title, start + 1, end + 1))
    return parts
