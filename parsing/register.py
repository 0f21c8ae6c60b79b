"""Reading the appointment register (udpegninger) from a CSV or XLSX file into checked rows.

A register has the Danish headers `navn, parti, kommune, organ, rolle, fra, til` (and may have
`udpeget af`). CSV may be UTF-8 (with or without BOM), UTF-16 or Excel's Windows-1252, separated by
`,`, `;` or tabs. Every row is checked before anything is stored: a file with one bad row is refused
whole, with every bad row named (RegisterInvalid). Storing the rows is storage.register's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from core.names import ROLES, clean_text, display_name, name_key, normalize_party, split_name_and_party
from parsing.errors import RegisterError, RegisterInvalid, RowProblem
from parsing.model import RegisterRow

REQUIRED_COLUMNS = ("navn", "parti", "kommune", "organ", "rolle", "fra", "til")
HEADER_TEXT = ", ".join(REQUIRED_COLUMNS)
MAX_TITLE_ROWS = 5  # rows above the headers (a title, a date) that are skipped
OPTIONAL_COLUMNS = ("udpeget af",)
COLUMN_ALIASES = {
    "fra dato": "fra",
    "startdato": "fra",
    "til dato": "til",
    "slutdato": "til",
    "udpeget": "udpeget af",
    "udpegende": "udpeget af",
}
ROLE_ALIASES = {
    **{role: role for role in ROLES},
    "naestformand": "næstformand",
    "observatoer": "observatør",
    "observator": "observatør",
}
MAX_LENGTHS = {"navn": 200, "kommune": 100, "organ": 300, "udpeget af": 200, "parti": 40}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_MUNICIPALITY_SUFFIX = re.compile(r"\s+kommune$", re.IGNORECASE)

Cell = str | dt.date | None


# --- municipalities and dates ---


def municipality_name(value: str) -> str:
    """ "Aarhus Kommune" and "Aarhus" are the same municipality; stored without the word."""
    return _MUNICIPALITY_SUFFIX.sub("", clean_text(value))


def parse_date(value: Cell) -> dt.date:
    """A date written `dd-mm-yyyy` (also with `.` or `/`) or ISO, or a spreadsheet's date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value or "")
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DANISH_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(f"ugyldig dato »{text}« (skriv dd-mm-åååå eller åååå-mm-dd)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"datoen »{text}« findes ikke") from None


# --- reading the file ---


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"  # what Danish Excel writes as "CSV (semikolonsepareret)"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise RegisterError(f"tegnsættet kan ikke læses (hverken UTF-8 eller Windows-1252): {err}") from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    text = _decode(data)
    lines = [line for line in text.splitlines()[:50] if line.strip()][:MAX_TITLE_ROWS]
    if not lines:
        return
    # the separator is the one the header line uses most, whatever title rows stand above it
    header = next((line for line in lines if all(n in line.casefold() for n in ("navn", "rolle"))), lines[0])
    delimiter = max(";,\t", key=header.count)
    if not header.count(delimiter):
        raise RegisterError("ingen kolonner fundet: første linje skal være overskrifterne " + HEADER_TEXT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for row in reader:
            yield line, list(row)
            line = reader.line_num + 1
    except csv.Error as err:
        raise RegisterError(f"linje {line}: CSV-filen kan ikke læses ({err})") from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise RegisterError(f"filen er ikke et gyldigt Excel-ark (.xlsx): {err}") from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells: list[Cell] = []
            for value in values:
                if value is None or isinstance(value, dt.date):
                    cells.append(value)
                elif isinstance(value, float) and value.is_integer():
                    cells.append(str(int(value)))
                else:
                    cells.append(str(value))
            yield number, cells
    finally:
        workbook.close()


def _column_name(header: Cell) -> str:
    name = name_key(header if isinstance(header, str) else "").rstrip(":")
    return COLUMN_ALIASES.get(name, name)


def _header_columns(header: list[Cell]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _column_name(cell)
        if name in columns and name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            raise RegisterError(f"kolonnen »{name}« står to gange i overskriften")
        columns.setdefault(name, index)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise RegisterError(
            f"overskriften mangler {', '.join(missing)} (fandt: "
            f"{', '.join(str(c) for c in header if c) or 'ingenting'}); "
            f"forventede {', '.join(REQUIRED_COLUMNS)}"
        )
    return columns


def _text(cell: Cell) -> str:
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return clean_text(cell or "")


def _is_blank(cells: Iterable[Cell]) -> bool:
    return all(not _text(cell) for cell in cells)


def _check_row(
    line: int, cells: list[Cell], columns: dict[str, int], width: int
) -> tuple[RegisterRow | None, list[str]]:
    def value(name: str) -> Cell:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    reasons: list[str] = []
    if any(_text(cell) for cell in cells[width:]):
        reasons.append(f"der er {len(cells)} felter, men kun {width} overskrifter")
    for name, limit in MAX_LENGTHS.items():
        if len(_text(value(name))) > limit:
            reasons.append(f"{name} er for lang (højst {limit} tegn)")

    name, party_in_name = split_name_and_party(_text(value("navn")))
    if not name:
        reasons.append("navn mangler")
    party = normalize_party(_text(value("parti")))
    if party_in_name and party and party != party_in_name:
        reasons.append(f"partiet ({party_in_name}) i navnet passer ikke med parti »{_text(value('parti'))}«")
    party = party or party_in_name
    organization = _text(value("organ"))
    if not organization:
        reasons.append("organ mangler")
    role_text = _text(value("rolle"))
    role = ROLE_ALIASES.get(role_text.casefold())
    if not role_text:
        reasons.append("rolle mangler")
    elif role is None:
        reasons.append(f"ukendt rolle »{role_text}« (brug {', '.join(ROLES[:-1])} eller {ROLES[-1]})")
    start: dt.date | None = None
    end: dt.date | None = None
    if not _text(value("fra")):
        reasons.append("fra mangler")
    else:
        try:
            start = parse_date(value("fra"))
        except ValueError as err:
            reasons.append(f"fra: {err}")
    if _text(value("til")):
        try:
            end = parse_date(value("til"))
        except ValueError as err:
            reasons.append(f"til: {err}")
    if start and end and end < start:
        reasons.append(f"til ({end:%d-%m-%Y}) ligger før fra ({start:%d-%m-%Y})")
    if reasons or start is None or role is None:
        return None, reasons
    row = RegisterRow(
        line=line,
        name=display_name(name),
        party=party,
        municipality=municipality_name(_text(value("kommune"))),
        organization=organization,
        role=role,
        start=start,
        end=end,
        appointed_by=_text(value("udpeget af")) or None,
    )
    return row, []


def _check_rows_agree(rows: list[RegisterRow], unit: str) -> tuple[list[RowProblem], list[RegisterRow]]:
    """Problems between rows (one person, two parties; one appointment, two ends), and the rows once each."""
    problems: list[RowProblem] = []
    party_seen: dict[tuple[str, str], RegisterRow] = {}
    appointment_seen: dict[tuple[str, str, str, str, dt.date], RegisterRow] = {}
    for row in rows:
        earlier = party_seen.setdefault(row.person_key, row)
        if row.party and earlier.party and row.party != earlier.party:
            problems.append(
                RowProblem(row.line, f"{row.name} har parti {earlier.party} i {unit} {earlier.line}", unit)
            )
        elif row.party and not earlier.party:
            party_seen[row.person_key] = row
        same = appointment_seen.setdefault(row.appointment_key, row)
        if same is not row and (same.end, same.appointed_by) != (row.end, row.appointed_by):
            problems.append(
                RowProblem(row.line, f"samme udpegning som {unit} {same.line}, men med andet indhold", unit)
            )
    return problems, list(appointment_seen.values())


def is_spreadsheet(data: bytes) -> bool:
    """An .xlsx file (a zip) rather than CSV text."""
    return data.startswith(b"PK\x03\x04")


def row_unit(data: bytes) -> str:
    """What a row of this file is called in a problem: a line of CSV, a row of a spreadsheet."""
    return "række" if is_spreadsheet(data) else "linje"


def read_register(data: bytes) -> list[RegisterRow]:
    """The checked rows of a register file (CSV or XLSX); RegisterInvalid lists every bad row."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegisterError("det gamle Excel-format (.xls) kan ikke læses: gem filen som .xlsx eller CSV")
    unit = row_unit(data)
    raw_rows = _xlsx_rows(data) if is_spreadsheet(data) else _csv_rows(data)
    columns: dict[str, int] | None = None
    rows: list[RegisterRow] = []
    problems: list[RowProblem] = []
    header_problem: RegisterError | None = None
    title_rows = width = 0
    for line, cells in raw_rows:
        if _is_blank(cells):
            continue
        if columns is None:  # the headers, perhaps under a title row or two
            try:
                columns, width = _header_columns(cells), len(cells)
            except RegisterError as err:
                header_problem = header_problem or err
                title_rows += 1
                if title_rows >= MAX_TITLE_ROWS:
                    raise header_problem from None
            continue
        row, reasons = _check_row(line, cells, columns, width)
        if reasons:
            problems.append(RowProblem(line, "; ".join(reasons), unit))
        elif row is not None:
            rows.append(row)
    if columns is None:
        raise header_problem or RegisterError(
            "filen er tom: første linje skal være overskrifterne " + HEADER_TEXT
        )
    disagreements, unique_rows = _check_rows_agree(rows, unit)
    problems.extend(disagreements)
    if problems:
        raise RegisterInvalid(sorted(problems, key=lambda p: p.line))
    return unique_rows
