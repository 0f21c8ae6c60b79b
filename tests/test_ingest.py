"""Ingest: files, folders and a meeting page on a local HTTP server into a real database.

Runs on an SQLite file and on PostgreSQL (the `database` fixture), like the storage tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

import storage
from bot.ingest import Ingester
from sources import InboxFolder, MeetingPageSource, PoliteClient, RetryPolicy
from storage import Document, Meeting, SourceState
from tests.http_server import LocalHttpServer
from tests.test_storage import dump

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_PATH = "/politik/kkr/kkr-midtjylland/moedemateriale/"
KL = "https://www.kl.dk"
DAGSORDEN = "/media/3e0fphaz/dagsorden-kkr-midtjylland-23-marts-2022.pdf?format=noformat"
PAGE_PDFS = {
    DAGSORDEN: "kkr-dagsorden-2022-03-23.pdf",
    "/media/27360/referat-kkr-midtjylland-den-23-april.pdf": "kkr-referat-2021-04-23.pdf",
    "/media/27358/bilag-kkr-midtjylland-23-april-2021.pdf": "kkr-bilag-2021-04-23.pdf",
    "/media/ofpnxnk3/referat-kd-net-20-august-2021.pdf?format=noformat": "kdnet-referat-2021-08-20.pdf",
}


def count(database: storage.Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def site() -> Iterator[LocalHttpServer]:
    """KL's meeting page and its PDFs, served on 127.0.0.1 (the kl.dk link mapped here too)."""
    with LocalHttpServer() as server:
        page = (FIXTURES / "web" / "moedemateriale.html").read_bytes()
        server.add(PAGE_PATH, page, "text/html; charset=utf-8", etag='"v1"')
        for path, name in PAGE_PDFS.items():
            server.add(path, (FIXTURES / "pdf" / name).read_bytes())
        yield server


@pytest.fixture
def ingester(database: storage.Database, site: LocalHttpServer) -> Iterator[Ingester]:
    client = PoliteClient(
        retry=RetryPolicy(attempts=2, base_delay=0.0, max_delay=0.0, sleep=lambda _s: None),
        origin_map={KL: site.base_url},
    )
    ingester = Ingester(database, MeetingPageSource(client), ocr=False)  # scans: tests/test_ocr.py
    yield ingester
    ingester.close()


def test_ingesting_all_fixtures_twice_gives_the_same_database(
    database: storage.Database, ingester: Ingester
) -> None:
    first = list(ingester.source(str(FIXTURES / "pdf")))
    assert [r.failed for r in first] == [False] * 5
    assert "ny dagsorden: KKR Midtjylland 23. marts 2022, 15 punkter" in [r.text for r in first]
    snapshot = dump(database.engine)
    second = list(ingester.source(str(FIXTURES / "pdf")))
    assert all(r.text.startswith("uændret: ") for r in second), [r.text for r in second]
    assert dump(database.engine) == snapshot


def test_bad_files_are_reported_and_the_good_ones_stored(
    database: storage.Database, ingester: Ingester, tmp_path: Path
) -> None:
    for path in [*(FIXTURES / "bad").iterdir(), FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf"]:
        shutil.copy(path, tmp_path / path.name)
    reports = list(ingester.source(str(tmp_path)))
    failed = [r for r in reports if r.failed]
    assert len(failed) == len(list((FIXTURES / "bad").iterdir()))
    assert all(r.text.startswith("fejl: ") and r.reason for r in failed)
    assert count(database, Document) == 1


def test_meeting_page_gives_its_four_pdfs_and_a_second_poll_downloads_nothing(
    database: storage.Database, ingester: Ingester, site: LocalHttpServer
) -> None:
    polled = [site.url(PAGE_PATH)]
    reports = list(ingester.source(site.url(PAGE_PATH), polled))
    assert [r.failed for r in reports] == [False] * 4, [r.text for r in reports]
    assert count(database, Document) == 4
    assert not any(
        ".docx" in seen.path or seen.path == "/politik/kkr/kkr-midtjylland/" for seen in site.requests
    )
    with database.session() as session:
        march = session.scalar(
            select(Meeting).where(Meeting.location.is_not(None)).order_by(Meeting.date.desc())
        )
        assert march is not None and march.end_time is not None  # 12:30 from the page, not in the PDF
    downloads = len(site.requests)
    again = list(ingester.source(site.url(PAGE_PATH), polled))
    assert [r.text for r in again] == [f"uændret: {site.url(PAGE_PATH)}"]
    assert len(site.requests) == downloads + 1  # only the page, answered 304


def test_a_page_ingested_once_by_hand_leaves_its_documents_but_no_polled_source(
    database: storage.Database, ingester: Ingester, site: LocalHttpServer
) -> None:
    """`kkrbot ingest URL` of a page not in KKRBOT_SOURCE_URLS is history, not a source to watch."""
    reports = list(ingester.source(site.url(PAGE_PATH)))

    assert [r.failed for r in reports] == [False] * 4
    assert count(database, Document) == 4 and count(database, SourceState) == 0
    again = list(ingester.source(site.url(PAGE_PATH)))  # fetched in full, its PDFs known already
    assert all(r.text.startswith("uændret: ") for r in again) and len(again) == 4
    assert count(database, SourceState) == 0


def test_inbox_moves_files_after_ingesting_them(
    database: storage.Database, ingester: Ingester, tmp_path: Path
) -> None:
    shutil.copy(FIXTURES / "pdf" / "kdnet-referat-2021-08-20.pdf", tmp_path / "kdnet.pdf")
    shutil.copy(FIXTURES / "bad" / "truncated.pdf", tmp_path / "halv.pdf")
    inbox = InboxFolder(tmp_path, settle_seconds=0)
    reports = list(ingester.inbox(inbox))
    assert sorted(r.failed for r in reports) == [False, True]
    assert (tmp_path / "processed" / "kdnet.pdf").exists()
    assert (tmp_path / "failed" / "halv.pdf").exists()
    assert "beskadiget" in (tmp_path / "failed" / "halv.pdf.reason.txt").read_text(encoding="utf-8")
    assert count(database, Document) == 1


def kkrbot(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_cli_ingest_exit_codes_and_lines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"
    sample = str(FIXTURES / "pdf" / "kkr-dagsorden-2022-03-23.pdf")
    first = kkrbot(url, "ingest", sample)
    assert (first.returncode, first.stdout) == (
        0,
        "ny dagsorden: KKR Midtjylland 23. marts 2022, 15 punkter\n",
    )
    again = kkrbot(url, "ingest", sample, str(FIXTURES / "bad" / "encrypted.pdf"))
    assert again.returncode == 2
    assert again.stdout.splitlines()[0] == "uændret: dagsorden KKR Midtjylland 23. marts 2022"
    assert again.stdout.splitlines()[1].startswith("fejl: PDF'en er krypteret")
    assert "Traceback" not in again.stderr
    found = kkrbot(url, "search", "sundhedsaftale")
    assert found.returncode == 0 and "punkt 3.2: Sundhedsprofil og sundhedsaftaler" in found.stdout
