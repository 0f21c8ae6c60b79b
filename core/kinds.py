"""The kinds of meeting document, spelled one way from the parser to the database and the texts.

KL writes them in Danish with "æ" ("Tillægsdagsorden"); the values are ASCII, as the parser's JSON
and the database store them, and `kind_named` reads either spelling.
"""

from __future__ import annotations

import enum


class DocumentKind(enum.StrEnum):
    """What a published PDF is: an agenda, a supplementary agenda, minutes or a bilag bundle."""

    DAGSORDEN = "dagsorden"
    TILLAEGSDAGSORDEN = "tillaegsdagsorden"
    REFERAT = "referat"
    BILAG = "bilag"


# The documents that put items on a meeting's agenda (minutes only add decisions to them).
AGENDA_KINDS = frozenset({DocumentKind.DAGSORDEN, DocumentKind.TILLAEGSDAGSORDEN})
# The Danish words for the kinds in a regex, longest first: "tillægsdagsorden" before "dagsorden".
KIND_WORDS_PATTERN = "tillægsdagsorden|tillaegsdagsorden|dagsorden|referat|bilag"


def kind_named(word: str) -> DocumentKind | None:
    """The kind a Danish word names ("Tillægsdagsorden", "REFERAT"), or None."""
    try:
        return DocumentKind(word.strip().lower().replace("æ", "ae"))
    except ValueError:
        return None
