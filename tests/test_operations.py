"""`kkrbot status` and `kkrbot backup`, run as the operator runs them, on real SQLite files and PostgreSQL.

Status must call a database unhealthy (exit 1) whenever the bot could not work on it, and never
create or change the database it looks at; backup must copy a live SQLite file consistently.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sqlalchemy import select

import storage
from bot.cli import main
from storage.models import Member, Notification, Person
from storage.polls import record_poll
from tests.conftest import PROJECT_ROOT

UNREACHABLE_POSTGRES = "postgresql+psycopg://kkrbot:hemmelig@127.0.0.1:1/kkrbot"
SOURCE = "https://www.kl.dk/kkr/kkr-midtjylland/moeder"


def kkrbot(database_url: str, *args: str, sources: str = "") -> Result:
    """The `kkrbot` CLI in this process, on `database_url` and `sources`, stdout and stderr apart."""
    env = {"DATABASE_URL": database_url, "KKRBOT_SOURCE_URLS": sources}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def kkrbot_process(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` as its own process, as a HEALTHCHECK or a cron job runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# --- status: healthy ---


def test_status_is_healthy_on_a_migrated_database(database_url: str) -> None:
    storage.upgrade(database_url)

    result = kkrbot(database_url, "status")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "kkrbot: sund"
    assert f"migrering: {storage.head_revision()} (nyeste)" in result.stdout
    assert "kilder: ingen sat op (KKRBOT_SOURCE_URLS, KKRBOT_INBOX)" in result.stdout
    assert "udbakke: tom" in result.stdout


def test_status_shows_sources_and_outbox_and_warns_without_turning_unhealthy(database_url: str) -> None:
    db = storage.open_database(database_url)
    long_ago = dt.datetime(2026, 1, 5, 9, 30)
    with db.session() as session:
        record_poll(session, SOURCE, etag=None, last_modified=None, error="siden svarede 503", now=long_ago)
        member = Member(telegram_user_id=111, chat_id=111, display_name="Mette")
        session.add(member)
        session.flush()
        session.add(Notification(member_id=member.id, key="k1", text="Ny dagsorden", created_at=long_ago))
        session.commit()
    db.dispose()

    result = kkrbot(database_url, "status", sources=SOURCE)

    assert result.exit_code == 0, result.output
    assert f"kilde {SOURCE}: sidst hentet 2026-01-05 10:30, fejl: siden svarede 503" in result.stdout
    assert "udbakke: 1 besked venter, den ældste fra 2026-01-05 10:30" in result.stdout
    assert f"advarsel: {SOURCE} fejlede ved sidste hentning" in result.stdout
    assert "advarsel: udbakken har beskeder, der har ventet siden 2026-01-05 10:30" in result.stdout


def test_status_json_says_what_a_script_needs(database_url: str) -> None:
    storage.upgrade(database_url)

    report = json.loads(kkrbot(database_url, "status", "--json").stdout)

    assert report["healthy"] is True
    assert report["revision"] == report["expected_revision"] == storage.head_revision()
    assert report["outbox"] == {"unsent": 0, "oldest": None}
    assert report["problems"] == [] and report["sources"] == []


def test_quiet_status_of_a_healthy_database_prints_nothing(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "kkrbot.sqlite3")
    storage.upgrade(url)

    result = kkrbot(url, "status", "--quiet")

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


# --- status: unhealthy, exit 1 ---


def test_status_of_an_unreachable_database_is_unhealthy_without_showing_the_password() -> None:
    result = kkrbot_process(UNREACHABLE_POSTGRES, "status")

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == "kkrbot: USUND"
    assert "fejl: databasen kan ikke nås: " in result.stdout
    assert "postgresql+psycopg://kkrbot:***@127.0.0.1:1/kkrbot" in result.stdout
    assert "hemmelig" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_status_of_a_missing_sqlite_file_is_unhealthy_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "data" / "kkrbot.sqlite3"

    result = kkrbot(sqlite_url(missing), "status")

    assert result.exit_code == 1
    assert f"fejl: databasefilen {missing} findes ikke" in result.stdout
    assert not missing.parent.exists()


def test_status_of_an_empty_sqlite_file_says_it_is_not_migrated(tmp_path: Path) -> None:
    empty = tmp_path / "kkrbot.sqlite3"
    empty.touch()

    result = kkrbot(sqlite_url(empty), "status")

    assert result.exit_code == 1
    assert "fejl: databasen er ikke migreret" in result.stdout
    assert "kør `kkrbot db upgrade`" in result.stdout
    assert empty.stat().st_size == 0  # only looked at, not migrated


def test_status_of_a_database_at_an_older_migration_is_unhealthy(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "kkrbot.sqlite3")
    storage.upgrade(url, revision="0003")

    result = kkrbot(url, "status")

    assert result.exit_code == 1
    assert f"men kkrbot forventer {storage.head_revision()}" in result.stdout
    assert "migrering: 0003" in result.stdout


def test_status_of_a_file_that_is_no_database_is_unhealthy(tmp_path: Path) -> None:
    not_a_database = tmp_path / "kkrbot.sqlite3"
    not_a_database.write_bytes(b"dette er ingen database\n" * 100)

    result = kkrbot_process(sqlite_url(not_a_database), "status", "--quiet")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["kkrbot: databasen kan ikke læses: file is not a database"]


def test_status_json_of_an_unhealthy_database(tmp_path: Path) -> None:
    result = kkrbot(sqlite_url(tmp_path / "mangler.sqlite3"), "status", "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["healthy"] is False and len(report["problems"]) == 1


# --- backup ---


def add_people(db: storage.Database, names: list[str]) -> None:
    with db.session() as session:
        session.add_all(Person(name=name) for name in names)
        session.commit()


def test_backup_copies_a_live_sqlite_file_consistently(tmp_path: Path) -> None:
    live = tmp_path / "kkrbot.sqlite3"
    db = storage.open_database(sqlite_url(live))
    add_people(db, [f"Person {n}" for n in range(200)])
    # the bot is running: its committed rows may still be in the WAL, and a write is under way
    writer = sqlite3.connect(live)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO person (name, municipality) VALUES ('Halvt skrevet', '')")
    target = tmp_path / "backup" / "kkrbot-backup.sqlite3"
    target.parent.mkdir()
    try:
        assert (tmp_path / "kkrbot.sqlite3-wal").stat().st_size > 0
        result = kkrbot_process(sqlite_url(live), "backup", str(target))
    finally:
        writer.rollback()
        writer.close()

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"backup gemt: {target} (")
    assert f"migrering {storage.head_revision()}" in result.stdout
    assert sorted(p.name for p in target.parent.iterdir()) == ["kkrbot-backup.sqlite3"]  # no -wal, no temp
    copy = storage.open_database(sqlite_url(target), migrate=False)  # at the newest migration already
    with copy.session() as session, db.session() as original:
        copied = sorted(session.scalars(select(Person.name)))
        assert copied == sorted(original.scalars(select(Person.name)))
    assert len(copied) == 200 and "Halvt skrevet" not in copied
    copy.dispose()
    db.dispose()


def test_backup_will_not_overwrite_an_older_backup(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "kkrbot.sqlite3")
    storage.upgrade(url)
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"en tidligere backup")

    result = kkrbot(url, "backup", str(target))

    assert result.exit_code == 2
    assert result.stderr.startswith(f"kkrbot: {target}: filen findes allerede")
    assert target.read_bytes() == b"en tidligere backup"


def test_backup_of_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    result = kkrbot_process(UNREACHABLE_POSTGRES, "backup", str(tmp_path / "backup.sqlite3"))

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "PostgreSQL" in result.stderr and "pg_dump" in result.stderr
    assert not (tmp_path / "backup.sqlite3").exists()


def test_backup_of_a_missing_database_says_so(tmp_path: Path) -> None:
    result = kkrbot(sqlite_url(tmp_path / "mangler.sqlite3"), "backup", str(tmp_path / "b.sqlite3"))

    assert result.exit_code == 2
    assert "databasefilen" in result.stderr and "findes ikke" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- the container files ---


def test_compose_file_names_the_services_volumes_and_health_check() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8"))

    assert set(compose["services"]) == {"db", "bot"}
    assert set(compose["volumes"]) == {"postgres-data", "bot-data"}
    bot = compose["services"]["bot"]
    assert bot["healthcheck"]["test"] == ["CMD", "kkrbot", "status", "--quiet"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")


def test_compose_accepts_the_file_with_the_example_settings(tmp_path: Path) -> None:
    """`docker-compose config` validates against compose's schema; skipped where it is not installed."""
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.skip("docker-compose is not installed")
    shutil.copy(PROJECT_ROOT / "compose.yaml", tmp_path / "compose.yaml")
    example = (PROJECT_ROOT / "deploy" / "kkrbot.env.example").read_text(encoding="utf-8")
    (tmp_path / ".env").write_text(
        example.replace("POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=abc123\n"), encoding="utf-8"
    )

    result = subprocess.run(
        [compose, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "DATABASE_URL: postgresql+psycopg://kkrbot:abc123@db:5432/kkrbot" in result.stdout


def test_the_image_lock_file_pins_every_dependency_of_pyproject() -> None:
    """A dependency added to pyproject.toml but not to requirements.lock would be missing in the image."""
    pinned = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pinned[canonicalize_name(name)] = version
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    for requirement in map(Requirement, project["dependencies"]):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements.lock"
        assert requirement.specifier.contains(pinned[name]), f"{name}=={pinned[name]} is not {requirement}"
        for extra in requirement.extras:  # e.g. python-telegram-bot[webhooks] needs tornado
            for needed in map(Requirement, importlib.metadata.requires(requirement.name) or []):
                if needed.marker is not None and needed.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(needed.name) in pinned, f"{needed.name} ({name}[{extra}])"


def test_dockerfile_runs_the_bot_as_a_user_with_a_health_check() -> None:
    lines = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()

    assert "USER kkrbot" in lines
    assert 'VOLUME ["/data"]' in lines
    assert 'CMD ["kkrbot", "run"]' in lines
    assert any(line.startswith("HEALTHCHECK ") and '"status"' in line for line in lines)
    assert any("requirements.lock" in line for line in lines)
