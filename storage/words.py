"""Danish words for search: tokens, stems, compound parts and snippets, the same on both sides of the index.

Stemming happens here in Python (snowball, Danish) for SQLite, whose FTS5 has no Danish
stemmer; PostgreSQL stems with its own `danish` configuration, which is the same algorithm.
Only `\\w+` tokens ever leave this module, which is what keeps user input out of MATCH syntax.

Danish writes compounds as one word, and a member looks for their last part as often as their
first: "aftale" should find "sundhedsaftaler", "udvalg" "praksisplanudvalget". So a stem of 4+
letters matches every word whose stem contains it; shorter ones ("kl", "it") only their own words.
The index turns that into a prefix search: besides the stems it holds each stem's tails of 4+
letters, the compound parts ("sundhedsaftal": "undhedsaftal", …, "aftal"), and `"aftal"*` finds
the tail "aftal". Chosen over trigram indexes (FTS5 `trigram`, PostgreSQL `pg_trgm`): both
databases and the keyword subscriptions (matched_words) share one rule made here, on stems, so
"gerne" is not found in "borgerne" as a substring search of the text would; nothing depends on a
database extension, a word list, or a vocabulary that grows with the archive and would make old
rows index differently from new ones; and a query stays a handful of term lookups. What still slips
in ("ring" in "høring") ranks after the exact hits, which storage.search keeps first.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable

import snowballstemmer

WORD_RE = re.compile(r"\w+")
WORD_CHAR_RE = re.compile(r"\w")
# A word broken over a line ("sundheds-\naftalen", "Midtjyl- land"): indexed joined as well as in parts,
# since "social- og" must stay two words while "for-\nåret" is one.
BROKEN_WORD_RE = re.compile(r"\b(\w+)-[ \t]*\n?[ \t]*([a-zæøå]\w*)")  # \b: tried at word starts only
MAX_QUERY_TERMS = 12
PREFIX_MIN_LETTERS = 4  # shorter stems would match too much as compound parts (first or last)
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


def index_words(text: str) -> tuple[str, list[str]]:
    """The searchable text and its stems, in one pass over the text (most of what indexing costs)."""
    searchable = searchable_text(text)
    return searchable, [stem(word) for word in tokens(searchable)]


def compound_parts(stems: Iterable[str], with_stems: bool = False) -> str:
    """What the index holds besides the stems: each distinct tail of these stems, in the order they first
    occur, so that a prefix search also finds a word inside the compounds it ends or stands in.
    `with_stems` puts the distinct stems themselves first, for an index of its own (PostgreSQL)."""
    distinct = list(dict.fromkeys(stems))
    tails = dict.fromkeys(itertools.chain.from_iterable(map(_tails, distinct)))
    return " ".join(dict.fromkeys(distinct + list(tails)) if with_stems else tails)


@functools.lru_cache(maxsize=200_000)
def _tails(word_stem: str) -> tuple[str, ...]:
    if not word_stem.isalpha():  # "2021", "co2" and "cvr_nr" are no compounds
        return ()
    return tuple(word_stem[i:] for i in range(1, len(word_stem) - PREFIX_MIN_LETTERS + 1))


def query_terms(words: str) -> list[str]:
    """The user's search words as plain tokens, duplicates dropped, at most MAX_QUERY_TERMS."""
    return list(dict.fromkeys(tokens(words)))[:MAX_QUERY_TERMS]


def _is_prefix(term_stem: str) -> bool:
    """Danish joins words into compounds: `klima` should find `klimahandlingsplan`, `aftale`
    `sundhedsaftaler`."""
    return len(term_stem) >= PREFIX_MIN_LETTERS


def finds_compounds(terms: list[str]) -> bool:
    """Whether some term is long enough to be looked for inside compounds, beyond the exact hits."""
    return any(_is_prefix(stem(term)) for term in terms)


def fts5_query(terms: list[str], columns: tuple[str, ...] = ()) -> str:
    """An FTS5 MATCH expression requiring every term's stem (quoted as a plain string) or a compound of it.

    With `columns` (those of the stems), only the words and the compounds they begin count; without,
    the compound parts' columns count too.
    """
    query = " ".join(f'"{s}"*' if _is_prefix(s) else f'"{s}"' for s in map(stem, terms))
    return f"{{{' '.join(columns)}}} : ({query})" if columns else query


def tsquery_text(terms: list[str]) -> str:
    """The same for PostgreSQL's to_tsquery: `\\w+` tokens joined by `&`, compounds as `:*` prefixes.

    Tokens are letters, digits and underscores only, so none of to_tsquery's operators can occur.
    """
    return " & ".join(f"{term}:*" if _is_prefix(stem(term)) else term for term in terms)


def compound_tsquery_text(terms: list[str]) -> str:
    """The same over the stems and compound parts (`simple`, stemmed here): words inside compounds too."""
    return " & ".join(f"{s}:*" if _is_prefix(s) else s for s in map(stem, terms))


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
    """The words of `text` the index finds for `stems`, whole compounds included: found by a scan for the
    stems' letters, then checked against the word's stem."""
    if not stems:
        return []
    words = []
    taken = -1  # where the last word checked ends: a stem found again inside it is no new word
    for found in _candidate_pattern(stems).finditer(text):
        if found.start() < taken:
            continue
        word = WORD_RE.match(text, _word_start(text, found.start()))
        assert word is not None  # the stems are `\w+`, so a word stands where one was found
        taken = word.end()
        if _stem_matches(stem(word.group().lower()), stems):
            words.append(word)
    return words


def _stem_matches(word_stem: str, stems: frozenset[str]) -> bool:
    """The index's rule: the stem itself, or for a long one any word whose stem begins with it or has it
    as a compound part (the beginning of one of its tails, compound_parts)."""
    return word_stem in stems or any(
        _is_prefix(s) and (word_stem.startswith(s) or (word_stem.isalpha() and s in word_stem)) for s in stems
    )


@functools.lru_cache(maxsize=256)
def _candidate_pattern(stems: frozenset[str]) -> re.Pattern[str]:
    """Snowball only cuts endings, so a word with one of these stems starts with it, and a compound that
    has a long one as a part holds its letters somewhere inside (found there, then widened to the word)."""
    at_start = [s for s in stems if not _is_prefix(s)]
    inside = [s for s in stems if _is_prefix(s)]
    patterns = ([rf"\b{_alternatives(at_start)}"] if at_start else []) + (
        [_alternatives(inside)] if inside else []
    )
    return re.compile("|".join(patterns), re.IGNORECASE)


def _alternatives(stems: list[str]) -> str:
    return "(?:" + "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True)) + ")"


def _word_start(text: str, position: int) -> int:
    while position > 0 and WORD_CHAR_RE.match(text, position - 1):
        position -= 1
    return position


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
