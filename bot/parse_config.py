"""How kkrbot reads a PDF, from the environment: the parse limits and the reader.

KKRBOT_PARSE_SECONDS, KKRBOT_PARSE_PAGE_SECONDS, KKRBOT_PARSE_MEMORY_MB and KKRBOT_PDF_READER are
read here without pydantic, because `kkrbot parse` needs nothing else and pydantic's import would
be a third of its run. Settings (bot.config) takes its parse limits from here too: one definition.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from parsing.isolated import ParseLimits
from parsing.readers import PDFIUM, READERS


class ConfigError(Exception):
    """An environment variable holds a value kkrbot cannot use; `str(err)` is one line for the operator."""


@dataclass(frozen=True)
class _Number:
    variable: str
    kind: Callable[[str], float]
    minimum: float
    inclusive: bool
    rule: str  # what the value must be, in Danish

    def read(self, environ: Mapping[str, str], default: float) -> float:
        raw = environ.get(self.variable, "").strip()
        if not raw:
            return default
        try:
            value = self.kind(raw)
        except ValueError:
            value = None
        if value is None or value < self.minimum or (value == self.minimum and not self.inclusive):
            raise ConfigError(f"{self.variable}: ugyldig værdi {raw!r}: skal være {self.rule}")
        return value


SECONDS = _Number("KKRBOT_PARSE_SECONDS", float, 0, False, "et antal sekunder over 0")
PAGE_SECONDS = _Number("KKRBOT_PARSE_PAGE_SECONDS", float, 0, False, "et antal sekunder over 0")
MEMORY_MB = _Number("KKRBOT_PARSE_MEMORY_MB", int, 100, True, "et helt antal MB, mindst 100")
READER = "KKRBOT_PDF_READER"


def parse_limits(environ: Mapping[str, str] | None = None, reader: str | None = None) -> ParseLimits:
    """The limits and reader the environment asks for (`reader`, e.g. from --reader, wins), or
    ConfigError naming the variable that is wrong."""
    env = os.environ if environ is None else environ
    defaults = ParseLimits()
    chosen = reader or env.get(READER, "").strip().lower() or PDFIUM
    if chosen not in READERS:
        raise ConfigError(f"{READER}: ugyldig værdi {chosen!r}: skal være {' eller '.join(READERS)}")
    return ParseLimits(
        seconds=SECONDS.read(env, defaults.seconds),
        page_seconds=PAGE_SECONDS.read(env, defaults.page_seconds),
        memory_mb=int(MEMORY_MB.read(env, defaults.memory_mb)),
        reader=chosen,
    )
