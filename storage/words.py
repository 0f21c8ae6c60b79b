"""Danish words for search: tokens, stems and snippets, the same on both sides of the index.

Stemming happens here in Python (snowball, Danish) for SQLite, whose FTS5 has no Danish
stemmer; PostgreSQL stems with its own `danish` configuration, which is the same algorithm.
Only `\\w+` tokens ever leave this module, which is what keeps user input out of MATCH syntax.
"""

from __future__ import annotations

import functools
import itertools
import re

import snowballstemmer

WORD_RE = re.compile(r"\w+")
# A word broken over a line ("sundheds-\naftalen", "Midtjyl- land"): indexed joined as well as in parts,
# since "social- og" must stay two words while "for-\nåret" is one.
BROKEN_WORD_RE = re.compile(r"(\w+)-[ \t]*\n?[ \t]*([a-zæøå]\w*)")
MAX_QUERY_TERMS = 12
PREFIX_MIN_LETTERS = 4  # shorter stems would match too much as compound prefixes
_STEMMER = snowballstemmer.stemmer("danish")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Danish stem of one lower-case word (cached: the vocabulary of council papers is small)."""
    return str(_STEMMER.stemWord(word))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; everything that is not a letter, digit or underscore separates them."""
    return WORD_RE.findall(text.lower())


def searchable_text(text: str) -> str:
    """The text plus the words that line-break hyphenation split, joined, so both forms are found."""
    joined = [a + b for a, b in BROKEN_WORD_RE.findall(text)]
    return text if not joined else text + "\n" + " ".join(joined)


def stemmed_text(text: str) -> str:
    """What SQLite's FTS5 indexes: the stems of the searchable text, space separated."""
    return " ".join(stem(word) for word in tokens(searchable_text(text)))


def query_terms(words: str) -> list[str]:
    """The user's search words as plain tokens, duplicates dropped, at most MAX_QUERY_TERMS."""
    return list(dict.fromkeys(tokens(words)))[:MAX_QUERY_TERMS]


def _is_prefix(term_stem: str) -> bool:
    """Danish joins words into compounds: `klima` should find `klimahandlingsplan`."""
    return len(term_stem) >= PREFIX_MIN_LETTERS


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression requiring every term's stem (quoted as a plain string) or a compound of it."""
    return " ".join(f'"{s}"*' if _is_prefix(s) else f'"{s}"' for s in map(stem, terms))


def tsquery_text(terms: list[str]) -> str:
    """The same for PostgreSQL's to_tsquery: `\\w+` tokens joined by `&`, compounds as `:*` prefixes.

    Tokens are letters, digits and underscores only, so none of to_tsquery's operators can occur.
    """
    return " & ".join(f"{term}:*" if _is_prefix(stem(term)) else term for term in terms)


def snippet(text: str, stems: frozenset[str], width: int = 28) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A short window of `text` around the most query words, and where those words stand in it."""
    hits = matched_words(text, stems)
    start = 0
    if hits:
        best = max(range(len(hits)), key=lambda i: (_distinct_stems_near(hits, i, width), -i))
        start = _start_before(text, hits[best].start(), lead_words=4)
    words = list(itertools.islice(WORD_RE.finditer(text, start), width + 1))
    if not words:
        return "", ()
    shown = words[:width]
    body = " ".join(text[shown[0].start() : shown[-1].end()].split())
    prefix = "… " if WORD_RE.search(text, 0, shown[0].start()) else ""
    suffix = " …" if len(words) > width else ""
    result = prefix + body + suffix
    return result, tuple((m.start(), m.end()) for m in matched_words(result, stems))


def matched_words(text: str, stems: frozenset[str]) -> list[re.Match[str]]:
    """The words of `text` whose stem is one of `stems`, found by a prefix scan, then checked."""
    if not stems:
        return []
    return [m for m in _prefix_pattern(stems).finditer(text) if _stem_matches(stem(m.group().lower()), stems)]


def _stem_matches(word_stem: str, stems: frozenset[str]) -> bool:
    return word_stem in stems or any(_is_prefix(s) and word_stem.startswith(s) for s in stems)


@functools.lru_cache(maxsize=256)
def _prefix_pattern(stems: frozenset[str]) -> re.Pattern[str]:
    """Snowball only cuts endings, so a word with one of these stems starts with it."""
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def _distinct_stems_near(hits: list[re.Match[str]], first: int, width: int) -> int:
    reach = hits[first].start() + width * 7  # about `width` words of Danish prose
    return len({stem(h.group().lower()) for h in hits[first:] if h.start() < reach})


def _start_before(text: str, position: int, lead_words: int) -> int:
    """Where to begin so that a few words stand before `position`."""
    low = max(0, position - 20 * lead_words)
    before = list(WORD_RE.finditer(text, low, position))
    if low > 0 and before:
        before = before[1:]  # the first may be cut off
    if not before:
        return position
    return before[-lead_words].start() if len(before) >= lead_words else before[0].start()
