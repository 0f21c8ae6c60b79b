"""Several councils in one bot, the whole way (issue 15): real PDFs of seven councils in one database.

In `kkrbot chat` the person at the terminal chooses KKR Nordjylland with /raad and from then on sees
Nordjylland's meeting, unless a command or a question names another council. In `kkrbot run`, two KL
meeting pages on 127.0.0.1 are polled side by side, and a new agenda on one page reaches only the
members who follow that page's council.

"Today" is 20 March 2022: Midtjylland meets on the 23rd, Syddanmark on the 24th, Nordjylland on the 25th.
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import re
import subprocess
import sys
import termios
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fake_bot_api import FakeTelegram, SentMessage
from storage import Database, Document, Event, Notification, SourceState, open_database
from tests.bot_process import running_bot
from tests.conftest import MADE_DIR, PDF_DIR, WEB_DIR
from tests.http_server import LocalHttpServer
from tests.test_pollers import eventually
from tests.test_sources_web import KDNET, PAGE_PATH, PDF_FILES

TODAY = "2022-03-20"
OTHER_COUNCILS = {  # each made fixture, and the council it names of itself
    "kkr-nordjylland-dagsorden-2022-03-25.pdf": "KKR Nordjylland",
    "kkr-hovedstaden-referat-2021-04-23.pdf": "KKR Hovedstaden",
    "kkr-syddanmark-dagsorden-2022-03-24.pdf": "KKR Syddanmark",
    "k17-sjaelland-referat-2021-09-03.pdf": "K17",
    "kommunaldirektoerkredsen-nordjylland-referat-2021-08-27.pdf": "Kommunaldirektørkredsen Nordjylland",
}
NORTH_AGENDA = MADE_DIR / "kkr-nordjylland-dagsorden-2022-03-25.pdf"
MIDDLE_PDFS = ("kkr-dagsorden-2022-03-23.pdf", "kdnet-referat-2021-08-20.pdf")  # KKR Midtjylland, KD-Net
NORTH_MEETING = "KKR Nordjylland\nfredag den 25. marts 2022 kl. 9.30"
MIDDLE_MEETING = "KKR Midtjylland\nonsdag den 23. marts 2022 kl. 10.00"
SOUTH_MEETING = "KKR Syddanmark\ntorsdag den 24. marts 2022"


# --- `kkrbot chat`: one person at the terminal ---


def kkrbot(database: Path, *args: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "KKRBOT_TODAY": TODAY}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def chat(database: Path, *lines: str) -> dict[str, str]:
    """Each line typed into `kkrbot chat` at a terminal, and the answer printed up to the next prompt.

    On a terminal the chat prompts with "> " before every line, which is where one answer ends."""
    terminal, keyboard = pty.openpty()
    mode = termios.tcgetattr(keyboard)
    mode[3] &= ~termios.ECHO  # the typed lines are not shown back: only the bot's output is read
    termios.tcsetattr(keyboard, termios.TCSANOW, mode)
    try:
        os.write(terminal, "".join(f"{line}\n" for line in [*lines, "/quit"]).encode())
        done = kkrbot(database, "chat", stdin=keyboard)
    finally:
        os.close(keyboard)
        os.close(terminal)
    assert done.returncode == 0, done.stderr
    _banner, *answers, after_quit = done.stdout.split("\n> ")
    assert len(answers) == len(lines) and after_quit == "", done.stdout
    return dict(zip(lines, (answer.strip() for answer in answers), strict=True))


@pytest.fixture(scope="module")
def councils_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file into which `kkrbot ingest` read the made PDFs of five other councils, KKR
    Midtjylland's agenda and KD-Net's minutes."""
    database = tmp_path_factory.mktemp("councils") / "kkrbot.sqlite3"
    files = [MADE_DIR / name for name in OTHER_COUNCILS] + [PDF_DIR / name for name in MIDDLE_PDFS]
    done = kkrbot(database, "ingest", *map(str, files))
    assert done.returncode == 0, done.stdout + done.stderr
    for council in OTHER_COUNCILS.values():  # each document filed under the council it names
        assert re.search(rf"^ny[ t].*: {council} \d", done.stdout, re.MULTILINE), done.stdout
    assert "ny dagsorden: KKR Midtjylland 23. marts 2022" in done.stdout
    assert "nyt referat: KD-Net 20. august 2021" in done.stdout
    return database


def test_who_chose_nordjylland_sees_its_meeting_unless_naming_another(councils_db: Path) -> None:
    asked = chat(
        councils_db,
        "/raad",
        "hvornår er næste møde?",
        "/raad nordjylland",
        "/naestemoede",
        "/dagsorden",
        "/punkt 3.2",
        "/naestemoede midtjylland",
        "hvornår mødes KKR Syddanmark?",
    )
    for council in [*OTHER_COUNCILS.values(), "KKR Midtjylland", "KD-Net"]:
        assert f"• {council}\n" in asked["/raad"]
    assert "Du ser møder fra alle råd." in asked["/raad"]
    assert asked["hvornår er næste møde?"].startswith(MIDDLE_MEETING)  # no choice: every council's first
    assert asked["/raad nordjylland"].startswith("Du ser nu møder fra KKR Nordjylland.")
    assert "[✅ KKR Nordjylland]" in asked["/raad nordjylland"]
    # from here on Nordjylland's meeting, though Midtjylland's and Syddanmark's come first
    assert asked["/naestemoede"].startswith(NORTH_MEETING)
    assert "Sted: Aalborg Kongres & Kultur Center" in asked["/naestemoede"]
    assert "6.1 Foreløbige punkter til mødet i KKR Nordjylland" in asked["/naestemoede"]
    assert asked["/dagsorden"].startswith(NORTH_MEETING)
    assert "Se et punkt med fx /punkt 1.1 25. marts 2022" in asked["/dagsorden"]
    assert asked["/punkt 3.2"].startswith(
        "3.2 Sundhedsprofil og sundhedsaftaler\nKKR Nordjylland, fredag den 25. marts 2022"
    )
    assert "Det indstilles, at KKR Nordjylland" in asked["/punkt 3.2"]
    assert asked["/naestemoede midtjylland"].startswith(MIDDLE_MEETING)
    assert "Nordjylland" not in asked["/naestemoede midtjylland"]
    assert asked["hvornår mødes KKR Syddanmark?"].startswith(SOUTH_MEETING)
    assert "Nordjylland" not in asked["hvornår mødes KKR Syddanmark?"]


# --- `kkrbot run`: two meeting pages polled, members told only about their council ---

NORTH_PAGE_PATH = "/politik/kkr/kkr-nordjylland/moedemateriale/"
NORTH_PDF_PATH = "/media/4b1kq2xz/dagsorden-kkr-nordjylland-25-marts-2022.pdf?format=noformat"
NORTH, MIDDLE = 6301, 6302
NEVER = dt.datetime(1970, 1, 1)
KL = "https://www.kl.dk"


def north_page(published: bool) -> bytes:
    """KKR Nordjylland's page in the form of Midtjylland's: its meeting dates, and the agenda once out."""
    agenda = (
        f'<ul class="file-list">\n<li><a href="{NORTH_PDF_PATH}">Dagsorden KKR Nordjylland 25. marts 2022</a>'
        " (PDF, 97 KB)</li>\n</ul>"
        if published
        else "<p>Dagsordenen offentliggøres senest en uge før mødet.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="da">
<head><meta charset="utf-8"><title>Mødemateriale - KKR Nordjylland</title></head>
<body>
<header class="site-header"><a href="/">KL</a></header>
<main id="main">
<h1>Mødemateriale</h1>
<p class="lead">KKR Nordjylland holder som udgangspunkt fem møder om året.</p>
<section class="rich-text">
<h2>Mødedatoer</h2>
<h3>2022</h3>
<ul><li>Fredag den 25. marts</li><li>Tirsdag den 14. juni</li></ul>
</section>
<section class="accordion">
<h2>Mødemateriale 2022</h2>
<div class="accordion__item">
<h3 class="accordion__title">Møde den 25. marts 2022</h3>
<div class="accordion__content">
<p>KKR Nordjylland holder møde den 25. marts 2022 kl. 9.30 – 12.00</p>
{agenda}
</div>
</div>
</section>
</main>
</body>
</html>
""".encode()


def without_material(page: str, year: int) -> str:
    """The page without its "Mødemateriale YEAR" section."""
    section = rf'<section class="accordion">\s*<h2>Mødemateriale {year}</h2>.*?</section>'
    page, removed = re.subn(section, "", page, flags=re.DOTALL)
    assert removed == 1, f"no Mødemateriale {year} on the page"
    return page


def middle_page(site: LocalHttpServer, published: bool) -> bytes:
    """KKR Midtjylland's page (tests/fixtures/web) without the 2021 archive, so that only the 23 March
    agenda is news; before that agenda is out, without its 2022 material too. KD-Net's minutes are on it."""
    page = (WEB_DIR / "moedemateriale.html").read_text(encoding="utf-8").replace(KL, site.base_url)
    page = without_material(page, 2021)
    return (page if published else without_material(page, 2022)).encode()


def publish(site: LocalHttpServer, published: bool) -> None:
    """Both pages and the PDFs they may link; `published`: with the two 2022 agendas, under new ETags."""
    version = '"v2"' if published else '"v1"'
    html = "text/html; charset=utf-8"
    site.add(PAGE_PATH, middle_page(site, published), html, etag=version)
    site.add(NORTH_PAGE_PATH, north_page(published), html, etag=version)
    for path, name in PDF_FILES.items():
        site.add(path, (PDF_DIR / name).read_bytes())
    site.add(NORTH_PDF_PATH, NORTH_AGENDA.read_bytes())


@dataclass
class TwoPages:
    telegram: FakeTelegram
    site: LocalHttpServer
    db: Database


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoPages]:
    """`kkrbot run` polling both pages every 2 seconds, before the 2022 agendas are out."""
    url = f"sqlite:///{tmp_path_factory.mktemp('two-pages') / 'kkrbot.sqlite3'}"
    with LocalHttpServer() as site, FakeTelegram() as telegram:
        publish(site, published=False)
        telegram.add_user(NORTH, "Nanna Nord")
        telegram.add_user(MIDDLE, "Mikkel Midt")
        db = open_database(url)
        try:
            with running_bot(
                telegram,
                DATABASE_URL=url,
                KKRBOT_SOURCE_URLS=f"{site.url(PAGE_PATH)}, {site.url(NORTH_PAGE_PATH)}",
                KKRBOT_POLL_SECONDS="2",
                KKRBOT_TODAY=TODAY,
            ):
                yield TwoPages(telegram, site, db)
        finally:
            db.dispose()


def last_poll(db: Database, url: str) -> dt.datetime:
    """When `url` was last read without an error (the epoch before that)."""
    with db.session() as session:
        state = session.scalar(select(SourceState).where(SourceState.url == url))
        return state.last_success if state is not None and state.last_success else NEVER


def settled(db: Database, documents: int) -> bool:
    """`documents` stored, every event fanned out and every notice sent."""
    with db.session() as session:
        stored = session.scalar(select(func.count()).select_from(Document))
        waiting = session.scalar(select(func.count()).select_from(Event).where(Event.notified_at.is_(None)))
        unsent = session.scalar(
            select(func.count()).select_from(Notification).where(Notification.sent_at.is_(None))
        )
    return stored == documents and waiting == 0 and unsent == 0


def council_of(db: Database, url: str) -> str | None:
    """The council the document fetched from `url` was filed under."""
    with db.session() as session:
        document = session.scalar(select(Document).where(Document.source_url == url))
        return document.meeting.body.name if document is not None else None


def notices(telegram: FakeTelegram, user: int) -> list[SentMessage]:
    """What the bot sent the member on its own: everything after the answer to their /abonner."""
    return telegram.sent_messages(user)[1:]


def test_a_new_agenda_on_one_page_reaches_only_that_councils_subscribers(two_pages: TwoPages) -> None:
    telegram, site, db = two_pages.telegram, two_pages.site, two_pages.db
    pages = (site.url(PAGE_PATH), site.url(NORTH_PAGE_PATH))
    # Midtjylland's page holds KD-Net's 2021 minutes, Nordjylland's only lists its meeting dates
    eventually(lambda: all(last_poll(db, p) > NEVER for p in pages) and settled(db, 1), "both pages read")
    assert council_of(db, site.url(KDNET)) == "KD-Net"  # the council the PDF names, not the page's

    for user, council in ((NORTH, "nordjylland"), (MIDDLE, "midtjylland")):
        answer = telegram.ask(user, f"/abonner {council}", timeout=30).plain_text
        assert f"alt nyt fra KKR {council.capitalize()}" in answer, answer

    publish(site, published=True)  # both agendas appear, each on its council's page

    north = eventually(lambda: notices(telegram, NORTH), "Nordjylland's notice")[0]
    middle = eventually(lambda: notices(telegram, MIDDLE), "Midtjylland's notice")[0]
    # each page polled again after both agendas were stored and told, and nothing left to send
    before = {page: last_poll(db, page) for page in pages}
    eventually(lambda: settled(db, 3) and all(last_poll(db, p) > before[p] for p in pages), "another poll")

    assert notices(telegram, NORTH) == [north]  # exactly one, though both pages were polled again
    assert north.plain_text.startswith("Ny dagsorden") and "15 punkter" in north.plain_text
    assert "KKR Nordjylland" in north.plain_text and "fredag den 25. marts 2022" in north.plain_text
    assert "Midtjylland" not in north.plain_text
    assert any(b.text == "Åbn dagsordenen" for row in north.buttons for b in row)

    assert notices(telegram, MIDDLE) == [middle]  # none for Nordjylland's agenda
    assert "KKR Midtjylland" in middle.plain_text and "onsdag den 23. marts 2022" in middle.plain_text
    assert "Nordjylland" not in middle.plain_text

    telegram.press_button(NORTH, north.message_id, "Åbn dagsordenen")  # opens Nordjylland's meeting
    shown = telegram.wait_for_replies(NORTH, north.message_id, timeout=30)[0]
    assert shown.plain_text.startswith(NORTH_MEETING), shown.plain_text
