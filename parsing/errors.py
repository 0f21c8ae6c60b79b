"""The exceptions parsing raises for input it cannot use; `str(err)` is a plain Danish reason for people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ParseError(Exception):
    """The bytes are not a usable KL meeting PDF; `str(err)` is a plain Danish reason for people."""


class RegisterError(Exception):
    """The file as a whole cannot be read as an appointment register (Danish message)."""


@dataclass(frozen=True)
class RowProblem:
    """Why one row of the register cannot be imported, with where it is in the file."""

    line: int
    reason: str
    unit: str = "linje"  # "linje" in a CSV file, "række" in a spreadsheet

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}"


class RegisterInvalid(RegisterError):
    """Some rows are bad; nothing of the file was imported."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        unit = self.problems[0].unit if self.problems else "linje"
        plural = {"linje": "linjer", "række": "rækker"}.get(unit, unit)
        super().__init__(f"{count} {unit if count == 1 else plural} med fejl; intet er importeret")
