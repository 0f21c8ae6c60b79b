"""Shared test ground: where the fixture files are, and fixtures every test module may use."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
PROJECT_ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
PDF_DIR = FIXTURES / "pdf"  # good meeting PDFs from ../shared, each with an expected JSON
MADE_DIR = FIXTURES / "made"  # meeting PDFs made here from those (tests/tools/make_*.py), each with one too
EXPECTED_DIR = FIXTURES / "expected"  # NAME.expected.json: what `kkrbot parse NAME.pdf --json` prints
BAD_DIR = FIXTURES / "bad"  # inputs the parser must refuse with a Danish reason
WEB_DIR = FIXTURES / "web"  # a meeting page that links the PDFs
COMPARE_PARSE = TESTS / "tools" / "compare_parse.py"  # the scorer, kept as shared/ ships it

FIXTURE_PDFS = sorted(PDF_DIR.glob("*.pdf"))
CONTRACT_PDFS = sorted([*FIXTURE_PDFS, *MADE_DIR.glob("*.pdf")])  # every PDF with an expected JSON
BAD_INPUTS = sorted(p for p in BAD_DIR.iterdir() if p.is_file())

CompareParse = Callable[[dict[str, Any], dict[str, Any]], tuple[int, list[str]]]


def pdf_name(path: Path) -> str:
    """The fixture's name as used for its expected JSON: the file name without `.pdf`."""
    return path.stem


def expected_json(name: str) -> dict[str, Any]:
    """The parser output the scorer expects for fixture `name`."""
    data: dict[str, Any] = json.loads((EXPECTED_DIR / f"{name}.expected.json").read_text(encoding="utf-8"))
    return data


def load_compare_parse() -> ModuleType:
    """tests/tools/compare_parse.py as a module, imported from its path (it is no package)."""
    spec = importlib.util.spec_from_file_location("compare_parse", COMPARE_PARSE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_kkrbot(*args: str) -> subprocess.CompletedProcess[bytes]:
    """`python -m bot ARGS` as its own process under an ASCII-only C locale; output kept as bytes."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHONIO"))}
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="session")
def compare_parse() -> CompareParse:
    """compare(expected, actual) -> (number of checks, failed checks) from the shared scorer."""
    compare: CompareParse = load_compare_parse().compare
    return compare


# --- Databases (storage): each storage test runs on an SQLite file and on a real PostgreSQL server ---

import hashlib  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import storage  # noqa: E402
from parsing import ParsedDocument, parse_document  # noqa: E402

POSTGRES_URL_VARIABLE = "KKRBOT_TEST_POSTGRES_URL"  # set by `eval "$(scripts/start-postgres.sh)"`
DATABASE_KINDS = ("sqlite", "postgresql")


def postgres_test_url() -> str:
    """The test server's URL; without one the test is skipped, except on CI, where it fails."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set: CI must run the PostgreSQL tests")
    pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set: PostgreSQL tests skipped")


@contextmanager
def fresh_database_url(kind: str, folder: Path) -> Iterator[str]:
    """An empty database: a new SQLite file in `folder`, or a PostgreSQL schema of its own, dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'kkrbot.sqlite3'}"
        return
    base = make_url(postgres_test_url())
    schema = f"kkrbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))  # a test left a transaction open
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=DATABASE_KINDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, unmigrated database, once per kind (SQLite, PostgreSQL)."""
    with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def database(database_url: str) -> Iterator[storage.Database]:
    """A migrated, empty database."""
    db = storage.open_database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def db_session(database: storage.Database) -> Iterator[Session]:
    """A session on a migrated, empty database."""
    with database.session() as session:
        yield session


@pytest.fixture(scope="session")
def parsed_pdfs() -> dict[str, tuple[ParsedDocument, str]]:
    """Every fixture PDF parsed once per test run, by name, with the sha256 of its bytes."""
    result = {}
    for path in FIXTURE_PDFS:
        data = path.read_bytes()
        result[pdf_name(path)] = (parse_document(data), hashlib.sha256(data).hexdigest())
    return result


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def filled_database(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    parsed_pdfs: dict[str, tuple[ParsedDocument, str]],
) -> Iterator[storage.Database]:
    """A database holding every fixture PDF, shared by one module's read-only tests, once per kind."""
    with fresh_database_url(request.param, tmp_path_factory.mktemp("filled")) as url:
        db = storage.open_database(url)
        with db.session() as session:
            for name, (parsed, digest) in parsed_pdfs.items():
                storage.store_document(session, parsed, sha256=digest, source_url=f"file:{name}.pdf")
        yield db
        db.dispose()


# --- One ingested SQLite file per test run, copied for every test that needs the PDFs ingested ---

import fcntl  # noqa: E402
import sqlite3  # noqa: E402

from bot.ingest import Ingester  # noqa: E402

TEMPLATE_NAME = "ingested-fixtures.sqlite3"


@contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` while the block runs: parallel workers take turns."""
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def ingested_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with every fixture PDF ingested the real way (bot.ingest), made once per test run
    and shared by the parallel workers (each has a folder of its own in the run's base folder)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    template = shared / TEMPLATE_NAME
    with exclusive(shared / f"{TEMPLATE_NAME}.lock"):
        if not template.exists():
            building = shared / f"{TEMPLATE_NAME}.{os.getpid()}.tmp"
            db = storage.open_database(f"sqlite:///{building}")
            try:
                reports = list(Ingester(db).source(str(PDF_DIR)))
            finally:
                db.dispose()
            assert not any(report.failed for report in reports), [r.text for r in reports]
            copy_sqlite(building, template)
            for leftover in shared.glob(f"{building.name}*"):
                leftover.unlink()
    return template


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database, WAL included, as one file."""
    reader, writer = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


@pytest.fixture(scope="session")
def ingested_copy(ingested_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], str]:
    """Make a fresh copy of the ingested template and return its URL: each caller writes to its own."""

    def copy() -> str:
        target = tmp_path_factory.mktemp("ingested") / "kkrbot.sqlite3"
        copy_sqlite(ingested_template, target)
        return f"sqlite:///{target}"

    return copy
