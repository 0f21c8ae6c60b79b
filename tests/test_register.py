"""The appointment register import: reading CSV and XLSX, checking every row, applying all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

import storage
from bot.register import import_register
from core.names import PARTIES, name_key, party_letter, split_name_and_party
from parsing.errors import RegisterError, RegisterInvalid
from parsing.model import RegisterRow
from parsing.register import read_register
from storage.models import Appointment, Organization, Person
from storage.register import ImportResult
from tests.conftest import FIXTURES, run_kkrbot
from texts.operator import register_imported

REGISTER_DIR = FIXTURES / "register"
UTF8_COMMA = REGISTER_DIR / "udpegninger-2022.csv"  # UTF-8, `,`, mixed date styles
EXCEL_SEMICOLON = REGISTER_DIR / "udpegninger-2022-excel.csv"  # Windows-1252, `;`, CRLF, other spellings
NEWER = REGISTER_DIR / "udpegninger-2023.csv"  # ends two appointments and adds their successors
BAD = REGISTER_DIR / "udpegninger-fejl.csv"  # lines 3-6 are bad, lines 2 and 7 good
HEADER = ["Navn", "Parti", "Kommune", "Organ", "Rolle", "Fra", "Til"]


def by_id(model: Any) -> Any:
    return select(model).order_by(model.id)


def dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the register's tables, so two states can be compared whole."""
    session.expire_all()
    return {
        "person": [
            (p.id, p.name, p.municipality, p.party)
            for p in session.scalars(select(Person).order_by(Person.id))
        ],
        "organization": [
            (o.id, o.name) for o in session.scalars(select(Organization).order_by(Organization.id))
        ],
        "appointment": [
            (a.id, a.person_id, a.organization_id, a.role, a.start_date, a.end_date, a.appointed_by, a.source)
            for a in session.scalars(by_id(Appointment))
        ],
    }


def meaning(rows: list[RegisterRow]) -> list[tuple[Any, ...]]:
    """What rows say, whatever line they stand on and however names are spelled."""
    return [(r.appointment_key, r.name, r.party, r.end, r.appointed_by) for r in rows]


def import_file(session: Session, path: Path) -> ImportResult:
    return import_register(session, path.read_bytes(), source=path.name)


def appointments_of(session: Session, name: str) -> list[tuple[str, str, dt.date | None, dt.date | None]]:
    person = session.scalars(select(Person).where(Person.name == name)).one()
    return sorted(
        (a.organization.name, a.role, a.start_date, a.end_date)
        for a in session.scalars(select(Appointment).where(Appointment.person_id == person.id))
    )


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A real Excel workbook with `rows` on its first sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Udpegninger"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading and checking (no database) ---


def test_both_encodings_and_separators_read_the_same_register() -> None:
    utf8 = read_register(UTF8_COMMA.read_bytes())
    excel = read_register(EXCEL_SEMICOLON.read_bytes())

    assert len(utf8) == 12
    assert meaning(excel) == meaning(utf8)
    first = utf8[0]
    assert (first.line, first.name, first.party, first.municipality) == (2, "Anders Kühnau", "A", "Viborg")
    assert utf8[3].organization == "Erhvervshus Midtjylland, bestyrelsen"  # a quoted comma
    assert utf8[9].end == dt.date(2022, 12, 31)


def test_utf8_with_a_bom_and_utf16_read_the_same() -> None:
    text = UTF8_COMMA.read_text(encoding="utf-8")
    expected = meaning(read_register(text.encode("utf-8")))

    assert meaning(read_register(b"\xef\xbb\xbf" + text.encode("utf-8"))) == expected
    tabs = io.StringIO()
    csv.writer(tabs, delimiter="\t").writerows(csv.reader(io.StringIO(text)))
    assert meaning(read_register(tabs.getvalue().encode("utf-16"))) == expected  # Excel's "Unicode-tekst"


def test_a_bad_row_is_reported_with_its_line_number_and_reason() -> None:
    with pytest.raises(RegisterInvalid) as caught:
        read_register(BAD.read_bytes())

    problems = {p.line: p.reason for p in caught.value.problems}
    assert sorted(problems) == [3, 4, 5, 6]
    assert "ukendt rolle »formandinde«" in problems[3]
    assert "31-02-2022" in problems[4] and "findes ikke" in problems[4]
    assert problems[5] == "navn mangler"
    assert "ligger før" in problems[6]
    assert str(caught.value.problems[0]).startswith("linje 3: ")
    assert str(caught.value) == "4 linjer med fejl; intet er importeret"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "filen er tom"),
        (b"navn,parti,kommune,organ,rolle,fra\nA,A,B,C,medlem,01-01-2022\n", "overskriften mangler til"),
        (b"name;party;town;board;role;from;to\n", "overskriften mangler navn"),
        (b"navn\n", "ingen kolonner"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "gem filen som .xlsx eller CSV"),
        (b"PK\x03\x04 not really a zip", "ikke et gyldigt Excel-ark"),
    ],
)
def test_a_file_that_is_no_register_is_refused_in_danish(content: bytes, message: str) -> None:
    with pytest.raises(RegisterError, match=message):
        read_register(content)


def test_title_rows_above_the_headers_are_skipped() -> None:
    text = UTF8_COMMA.read_text(encoding="utf-8")
    expected = meaning(read_register(text.encode()))

    rows = read_register(("Udpegninger pr. 1. januar 2022\nKKR Midtjylland;;\n\n" + text).encode())

    assert meaning(rows) == expected
    assert rows[0].line == 5
    with pytest.raises(RegisterError, match="overskriften mangler"):
        read_register(("a,b\n" * 6 + text).encode())


def test_dates_in_both_styles_and_impossible_ones() -> None:
    rows = [
        ",".join(HEADER),
        "A B,A,Aarhus,X,medlem,2022-03-01,31.12.2023",
        "A B,A,Aarhus,Y,medlem,1/3/2022,2023-12-31",
        "A B,A,Aarhus,Z,medlem,2022-13-01,",
        "A B,A,Aarhus,Z,medlem,,",
        "A B,A,Aarhus,Z,medlem,marts 2022,",
        "A B,A,Aarhus,Z,medlem,01-01-2022,,for mange",
    ]
    with pytest.raises(RegisterInvalid) as caught:
        read_register("\n".join(rows).encode())

    problems = {p.line: p.reason for p in caught.value.problems}
    assert sorted(problems) == [4, 5, 6, 7]
    assert problems[4] == "fra: datoen »2022-13-01« findes ikke"
    assert problems[7] == "der er 8 felter, men kun 7 overskrifter"
    assert problems[5] == "fra mangler"
    assert "dd-mm-åååå eller åååå-mm-dd" in problems[6]
    good = read_register("\n".join(rows[:3]).encode())
    assert [(r.start, r.end) for r in good] == [(dt.date(2022, 3, 1), dt.date(2023, 12, 31))] * 2


def test_party_letters_and_names_mean_the_same_party() -> None:
    assert party_letter("A") == party_letter("S") == party_letter("Socialdemokratiet") == "A"
    assert party_letter("(s)") == "A"
    for letter, pairs in [("F", ("F", "SF")), ("Ø", ("Ø", "EL")), ("B", ("B", "RV")), ("O", ("O", "DF"))]:
        assert {party_letter(p) for p in pairs} == {letter}
    for letter, pairs in [("I", ("I", "LA")), ("Æ", ("Æ", "DD")), ("Å", ("Å", "ALT")), ("K", ("K", "KD"))]:
        assert {party_letter(p) for p in pairs} == {letter}
    assert party_letter("D") == party_letter("NB") == "D"
    assert {party_letter(letter) for letter in PARTIES} == set(PARTIES)
    assert party_letter("Lokallisten") is None
    assert split_name_and_party("  Anders   Kühnau (A) ") == ("Anders Kühnau", "A")
    assert split_name_and_party("Jens Hansen (borgmester)") == ("Jens Hansen (borgmester)", None)
    assert name_key("anders  kühnau") == name_key("ANDERS KÜHNAU") == name_key("Anders\u00a0Ku\u0308hnau")


def test_rows_of_one_file_must_agree() -> None:
    rows = [
        ",".join(HEADER),
        "Anders Kühnau (A),V,Viborg,X,medlem,01-01-2022,",
        "Morten Dahl,A,Skive,X,medlem,01-01-2022,",
        "morten dahl,V,Skive,Y,medlem,01-01-2022,",
        "Morten Dahl,A,Skive,X,medlem,01-01-2022,31-12-2022",
        "Morten Dahl,A,Skive,X,medlem,01-01-2022,",
    ]
    with pytest.raises(RegisterInvalid) as caught:
        read_register("\n".join(rows).encode())

    problems = {p.line: p.reason for p in caught.value.problems}
    assert sorted(problems) == [2, 4, 5]
    assert problems[2] == "partiet (A) i navnet passer ikke med parti »V«"
    assert problems[4] == "Morten Dahl har parti A i linje 3"
    assert problems[5] == "samme udpegning som linje 3, men med andet indhold"
    # the same row twice is one appointment
    assert len(read_register("\n".join([rows[0], rows[2], rows[2]]).encode())) == 1


# --- importing (SQLite and PostgreSQL) ---


def test_import_stores_people_organs_and_appointments(database: storage.Database) -> None:
    with database.session() as session:
        result = import_file(session, UTF8_COMMA)

        assert register_imported(result) == "udpegninger importeret: 12 nye, 0 afsluttet, 0 uændrede"
        assert (result.new_people, result.new_organizations) == (10, 7)
        people = {p.name: (p.municipality, p.party) for p in session.scalars(select(Person))}
        assert people["Anders Kühnau"] == ("Viborg", "A")
        assert people["Steen Stavnsbo"] == ("Skive", "C")
        assert people["Morten Dahl"] == ("Ringkøbing-Skjern", "A")
        assert people["Hanne Bæk Sørensen"] == ("Hedensted", "I")
        assert appointments_of(session, "Anders Kühnau") == [
            ("KKR Midtjylland", "medlem", dt.date(2022, 1, 1), None),
            ("Sundhedskoordinationsudvalget", "formand", dt.date(2022, 1, 1), None),
        ]
        sources = set(session.scalars(select(Appointment.source)))
        assert sources == {"udpegninger-2022.csv"}


def test_importing_the_same_file_twice_changes_nothing(database: storage.Database) -> None:
    with database.session() as session:
        import_file(session, UTF8_COMMA)
        before = dump(session)

        again = import_file(session, UTF8_COMMA)

        assert register_imported(again) == "udpegninger importeret: 0 nye, 0 afsluttet, 12 uændrede"
        assert dump(session) == before


def test_the_excel_file_is_the_same_register_in_other_spellings(database: storage.Database) -> None:
    with database.session() as session:
        import_file(session, UTF8_COMMA)
        before = dump(session)

        result = import_file(session, EXCEL_SEMICOLON)

        assert register_imported(result) == "udpegninger importeret: 0 nye, 0 afsluttet, 12 uændrede"
        assert dump(session) == before


def test_a_newer_file_ends_appointments_instead_of_duplicating_them(database: storage.Database) -> None:
    with database.session() as session:
        import_file(session, UTF8_COMMA)

        result = import_file(session, NEWER)

        assert register_imported(result) == "udpegninger importeret: 2 nye, 2 afsluttet, 5 uændrede"
        assert session.query(Appointment).count() == 14
        assert appointments_of(session, "Steen Stavnsbo") == [
            ("Bestyrelsen for CDEU", "medlem", dt.date(2022, 1, 1), dt.date(2023, 5, 31))
        ]
        assert appointments_of(session, "Purnima Erichsen") == [
            ("Bestyrelsen for CDEU", "medlem", dt.date(2023, 6, 1), None)
        ]
        successor = session.scalars(
            select(Appointment).join(Person).where(Person.name == "Peter Sinding Poulsen")
        ).one()
        assert (successor.appointed_by, successor.source) == ("KKR Midtjylland", "udpegninger-2023.csv")
        # those the newer file leaves out stay as they were
        assert appointments_of(session, "Morten Dahl") == [
            ("KKR Midtjylland", "næstformand", dt.date(2022, 1, 1), None)
        ]
        assert session.query(Person).filter(Person.name.ilike("%kühnau%")).count() == 1
        after = dump(session)

        assert register_imported(import_file(session, NEWER)).endswith(": 0 nye, 0 afsluttet, 9 uændrede")
        assert dump(session) == after
        # the older file, imported late, reopens nothing
        assert register_imported(import_file(session, UTF8_COMMA)).endswith(
            ": 0 nye, 0 afsluttet, 12 uændrede"
        )
        assert dump(session) == after


def test_a_bad_row_imports_nothing_of_the_file(database: storage.Database) -> None:
    with database.session() as session:
        with pytest.raises(RegisterInvalid):
            import_file(session, BAD)
        assert dump(session) == {"person": [], "organization": [], "appointment": []}

        import_file(session, UTF8_COMMA)
        before = dump(session)
        with pytest.raises(RegisterInvalid):
            import_file(session, BAD)
        assert dump(session) == before


def test_a_name_in_two_municipalities_needs_the_municipality(database: storage.Database) -> None:
    with database.session() as session:
        session.add_all([Person(name="Jens Hansen", municipality="Skive"), Person(name="Jens Hansen")])
        session.commit()
        rows = [",".join(HEADER), "Jens Hansen,V,,KKR Midtjylland,medlem,01-01-2022,"]

        with pytest.raises(RegisterInvalid) as caught:
            import_register(session, "\n".join(rows).encode(), source="test.csv")

        assert [str(p) for p in caught.value.problems] == [
            "linje 2: flere personer hedder Jens Hansen (Skive, uden kommune): angiv kommunen"
        ]
        assert session.query(Appointment).count() == 0

        # with a municipality the person without one (known from a document) gets it
        rows[1] = "jens  hansen (V),,Viborg Kommune,KKR Midtjylland,medlem,01-01-2022,"
        import_register(session, "\n".join(rows).encode(), source="test.csv")
        people = sorted((p.name, p.municipality, p.party or "") for p in session.scalars(select(Person)))
        assert people == [("Jens Hansen", "Skive", ""), ("Jens Hansen", "Viborg", "V")]


def test_an_xlsx_register_with_date_cells(database: storage.Database) -> None:
    rows: list[list[Any]] = [HEADER]
    for row in read_register(UTF8_COMMA.read_bytes()):
        start = dt.datetime.combine(row.start, dt.time())  # Excel's date cells are datetimes
        rows.append([row.name, row.party, row.municipality, row.organization, row.role, start, row.end])
    with database.session() as session:
        import_file(session, UTF8_COMMA)
        before = dump(session)

        result = import_register(session, xlsx_bytes(rows), source="udpegninger.xlsx")

        assert register_imported(result) == "udpegninger importeret: 0 nye, 0 afsluttet, 12 uændrede"
        assert dump(session) == before

        rows[5][4] = "kasserer"
        with pytest.raises(RegisterInvalid) as caught:
            import_register(session, xlsx_bytes(rows), source="udpegninger.xlsx")
        assert [str(p) for p in caught.value.problems] == [
            "række 6: ukendt rolle »kasserer« (brug formand, næstformand, medlem, suppleant eller observatør)"
        ]


# --- the command line, end to end ---


def test_cli_imports_reports_and_refuses_bad_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}")
    assert run_kkrbot("udpegninger", "import", str(UTF8_COMMA)).returncode == 2  # no database yet
    assert run_kkrbot("db", "upgrade").returncode == 0

    first = run_kkrbot("udpegninger", "import", str(UTF8_COMMA))
    again = run_kkrbot("udpegninger", "import", str(EXCEL_SEMICOLON))
    newer = run_kkrbot("udpegninger", "import", str(NEWER))
    bad = run_kkrbot("udpegninger", "import", str(BAD))
    missing = run_kkrbot("udpegninger", "import", str(tmp_path / "findes-ikke.csv"))

    assert (first.returncode, first.stderr) == (0, b"")
    assert first.stdout.decode() == "udpegninger importeret: 12 nye, 0 afsluttet, 0 uændrede\n"
    assert again.stdout.decode() == "udpegninger importeret: 0 nye, 0 afsluttet, 12 uændrede\n"
    assert newer.stdout.decode() == "udpegninger importeret: 2 nye, 2 afsluttet, 5 uændrede\n"
    assert bad.returncode == 2
    assert bad.stdout == b""
    lines = bad.stderr.decode().splitlines()
    assert lines[:4] == [
        f"kkrbot: {BAD}: linje 3: ukendt rolle »formandinde« "
        "(brug formand, næstformand, medlem, suppleant eller observatør)",
        f"kkrbot: {BAD}: linje 4: fra: datoen »31-02-2022« findes ikke",
        f"kkrbot: {BAD}: linje 5: navn mangler",
        f"kkrbot: {BAD}: linje 6: til (31-12-2021) ligger før fra (01-02-2022)",
    ]
    assert lines[4:] == [f"kkrbot: {BAD}: 4 linjer med fejl; intet er importeret"]
    assert missing.returncode == 2
    assert missing.stderr.decode() == f"kkrbot: {tmp_path / 'findes-ikke.csv'}: filen findes ikke\n"
    db = storage.open_database(f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}")
    try:
        with db.session() as session:
            assert session.query(Appointment).count() == 14
    finally:
        db.dispose()
