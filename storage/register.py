"""The appointment register (udpegninger) from a CSV or XLSX file: every row is checked, then all or nothing.

A register has the Danish headers `navn, parti, kommune, organ, rolle, fra, til` (and may have
`udpeget af`). CSV may be UTF-8 (with or without BOM), UTF-16 or Excel's Windows-1252, separated by
`,`, `;` or tabs. A person is the same person whatever the case, spacing or party spelling:
"Anders Kühnau (A)", "anders  kühnau" with party "S" and "Socialdemokratiet" are one person.
An appointment is one person, organ, role and start date; a newer register sets its end instead of
adding it again, an empty `til` never reopens one, and importing the same register twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import committing
from storage.models import ROLES, Appointment, Organization, Person

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
# Ballot letter -> every spelling that means the party (letters, parliament abbreviations, names).
PARTIES: dict[str, tuple[str, ...]] = {
    "A": ("a", "s", "soc", "socialdemokratiet", "socialdemokraterne"),
    "B": ("b", "rv", "radikale", "radikale venstre", "det radikale venstre"),
    "C": ("c", "kf", "konservative", "det konservative folkeparti", "konservative folkeparti"),
    "D": ("d", "nb", "nye borgerlige"),
    "F": ("f", "sf", "socialistisk folkeparti"),
    "I": ("i", "la", "liberal alliance"),
    "K": ("k", "kd", "kristendemokraterne"),
    "M": ("m", "moderaterne"),
    "O": ("o", "df", "dansk folkeparti"),
    "V": ("v", "venstre", "venstre, danmarks liberale parti", "danmarks liberale parti"),
    "Æ": ("æ", "dd", "danmarksdemokraterne", "danmarksdemokraterne - inger støjberg"),
    "Ø": ("ø", "el", "enhedslisten", "enhedslisten - de rød-grønne"),
    "Å": ("å", "alt", "alternativet"),
}
PARTY_BY_SPELLING = {spelling: letter for letter, spellings in PARTIES.items() for spelling in spellings}
MAX_LENGTHS = {"navn": 200, "kommune": 100, "organ": 300, "udpeget af": 200, "parti": 40}

_NAME_WITH_PARTY = re.compile(r"^(?P<name>.*?)\s*\((?P<party>[^()]+)\)\s*$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_MUNICIPALITY_SUFFIX = re.compile(r"\s+kommune$", re.IGNORECASE)

Cell = str | dt.date | None


class RegisterError(Exception):
    """The file as a whole cannot be read as a register (Danish message)."""


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


@dataclass(frozen=True)
class RegisterRow:
    """One checked row: a person's appointment to an organ in a role for a period."""

    line: int
    name: str
    party: str | None
    municipality: str
    organization: str
    role: str
    start: dt.date
    end: dt.date | None
    appointed_by: str | None

    @property
    def person_key(self) -> tuple[str, str]:
        return name_key(self.name), name_key(self.municipality)

    @property
    def appointment_key(self) -> tuple[str, str, str, str, dt.date]:
        return (*self.person_key, name_key(self.organization), self.role, self.start)


@dataclass
class ImportResult:
    """What one import did to the appointments."""

    new: int = 0
    ended: int = 0  # had no end and got one
    changed: int = 0  # another end date or appointing body than before
    unchanged: int = 0
    new_people: int = 0
    new_organizations: int = 0

    def summary(self) -> str:
        parts = [f"{self.new} {'ny' if self.new == 1 else 'nye'}", f"{self.ended} afsluttet"]
        if self.changed:
            parts.append(f"{self.changed} ændret")
        parts.append(f"{self.unchanged} {'uændret' if self.unchanged == 1 else 'uændrede'}")
        return "udpegninger importeret: " + ", ".join(parts)


# --- names, parties, dates ---


def clean_text(value: str) -> str:
    """NFC, no BOM or non-breaking spaces, single spaces, no spaces at the ends."""
    return " ".join(unicodedata.normalize("NFC", value).replace("\ufeff", "").split())


def name_key(value: str) -> str:
    """What two spellings of one name have in common: case and spacing do not matter."""
    return clean_text(value).casefold()


def people_named(session: Session, name: str) -> list[Person]:
    """The stored people whose name is `name` but for case and spacing, oldest first."""
    key = name_key(name)
    return [p for p in session.scalars(select(Person).order_by(Person.id)) if name_key(p.name) == key]


def party_letter(value: str) -> str | None:
    """The ballot letter for a party spelling ("S", "sf", "Socialdemokratiet"), None if unknown."""
    return PARTY_BY_SPELLING.get(name_key(value).strip(".() "))


def normalize_party(value: str) -> str | None:
    """The stored form of a party: its ballot letter if known, else the text as written; None if empty."""
    text = clean_text(value)
    if not text:
        return None
    return party_letter(text) or text


def split_name_and_party(value: str) -> tuple[str, str | None]:
    """ "Anders Kühnau (A)" -> ("Anders Kühnau", "A"); a name without a known party in brackets is kept."""
    text = clean_text(value)
    match = _NAME_WITH_PARTY.match(text)
    if match and party_letter(match["party"]) is not None:
        return match["name"], party_letter(match["party"])
    return text, None


def display_name(value: str) -> str:
    """A name as people write it: "anders kühnau" or "ANDERS KÜHNAU" becomes "Anders Kühnau"."""
    if value.islower() or value.isupper():
        return value.title()
    return value


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


def read_register(data: bytes) -> list[RegisterRow]:
    """The checked rows of a register file (CSV or XLSX); RegisterInvalid lists every bad row."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegisterError("det gamle Excel-format (.xls) kan ikke læses: gem filen som .xlsx eller CSV")
    is_spreadsheet = data.startswith(b"PK\x03\x04")
    unit = "række" if is_spreadsheet else "linje"
    raw_rows = _xlsx_rows(data) if is_spreadsheet else _csv_rows(data)
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


# --- applying the rows ---


@dataclass
class _Known:
    """The people, organs and appointments already stored, indexed by their matching keys."""

    people: dict[tuple[str, str], Person] = field(default_factory=dict)
    people_by_name: dict[str, list[Person]] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    appointments: dict[tuple[int, int, str, dt.date], Appointment] = field(default_factory=dict)

    def add_person(self, person: Person) -> None:
        self.people[name_key(person.name), name_key(person.municipality)] = person
        self.people_by_name.setdefault(name_key(person.name), []).append(person)


def _known(session: Session) -> _Known:
    known = _Known()
    for person in session.scalars(select(Person).order_by(Person.id)):
        known.add_person(person)
    for organization in session.scalars(select(Organization).order_by(Organization.id)):
        known.organizations.setdefault(name_key(organization.name), organization)
    for appointment in session.scalars(select(Appointment).order_by(Appointment.id)):
        if appointment.start_date is not None:
            key = (
                appointment.person_id,
                appointment.organization_id,
                appointment.role,
                appointment.start_date,
            )
            known.appointments.setdefault(key, appointment)
    return known


def _person_for(session: Session, known: _Known, row: RegisterRow, result: ImportResult) -> Person | str:
    """The stored person the row names, a new one, or why the row cannot say which one."""
    same_name = known.people_by_name.get(name_key(row.name), [])
    if not row.municipality and len(same_name) > 1:
        towns = ", ".join(sorted(p.municipality or "uden kommune" for p in same_name))
        return f"flere personer hedder {row.name} ({towns}): angiv kommunen"
    person = known.people.get(row.person_key)
    if person is None:
        without_town = [p for p in same_name if not p.municipality]
        if not row.municipality and len(same_name) == 1:
            person = same_name[0]
        elif row.municipality and len(without_town) == 1:
            person = without_town[0]  # known from a document, now with a municipality
            person.municipality = row.municipality
            known.people[row.person_key] = person
    if person is None:
        person = Person(name=row.name, municipality=row.municipality, party=row.party)
        session.add(person)
        session.flush()
        known.add_person(person)
        result.new_people += 1
    elif row.party and person.party != row.party:
        person.party = row.party
    return person


def _organization_for(
    session: Session, known: _Known, row: RegisterRow, result: ImportResult
) -> Organization:
    organization = known.organizations.get(name_key(row.organization))
    if organization is None:
        organization = Organization(name=row.organization)
        session.add(organization)
        session.flush()
        known.organizations[name_key(row.organization)] = organization
        result.new_organizations += 1
    return organization


def apply_register(
    session: Session, rows: Sequence[RegisterRow], *, source: str, unit: str = "linje"
) -> ImportResult:
    """Add, end or leave each row's appointment, without committing; RegisterInvalid if a row is ambiguous."""
    known = _known(session)
    result = ImportResult()
    problems: list[RowProblem] = []
    for row in rows:
        person = _person_for(session, known, row, result)
        if isinstance(person, str):
            problems.append(RowProblem(row.line, person, unit))
            continue
        organization = _organization_for(session, known, row, result)
        key = (person.id, organization.id, row.role, row.start)
        appointment = known.appointments.get(key)
        if appointment is None:
            appointment = Appointment(
                person=person,
                organization=organization,
                role=row.role,
                start_date=row.start,
                end_date=row.end,
                appointed_by=row.appointed_by,
                source=source,
            )
            session.add(appointment)
            known.appointments[key] = appointment
            result.new += 1
            continue
        # An empty `til` never reopens an ended appointment: an older register imported late changes nothing.
        end = row.end or appointment.end_date
        ended = appointment.end_date is None and end is not None
        differs = appointment.end_date != end or (
            row.appointed_by is not None and appointment.appointed_by != row.appointed_by
        )
        appointment.end_date = end
        appointment.appointed_by = row.appointed_by or appointment.appointed_by
        if ended:
            result.ended += 1
        elif differs:
            result.changed += 1
        else:
            result.unchanged += 1
    if problems:
        raise RegisterInvalid(problems)
    return result


def import_register(session: Session, data: bytes, *, source: str) -> ImportResult:
    """Read, check and store a register file in one transaction: every row, or nothing of it."""
    unit = "række" if data.startswith(b"PK\x03\x04") else "linje"
    rows = read_register(data)
    with committing(session):
        return apply_register(session, rows, source=source, unit=unit)
