"""The whole way: a new PDF on KL's meeting page reaches every matching subscriber once, by itself.

The real `kkrbot run` polls a copy of the meeting page on 127.0.0.1 every two seconds and talks to the
fake Bot API server. Members subscribe in the chat; then the page appears with its PDFs. "Today" is
three days before the agenda's meeting, so the agenda is news, while the 2021 minutes on the same page
are an archive that notifies nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from fake_bot_api import FakeTelegram, SentMessage
from storage import Notification, SourceState, open_database
from tests.bot_process import running_bot
from tests.http_server import LocalHttpServer
from tests.test_pollers import eventually, serve_meeting_page
from tests.test_sources_web import PAGE_PATH

EVERYTHING, NURSES, FOOTBALL = 6201, 6202, 6203
AGENDA_DAY = "23. marts 2022"


def notices(telegram: FakeTelegram, user: int) -> list[SentMessage]:
    """What the bot sent the member on its own: everything after the answer to their /abonner."""
    return telegram.sent_messages(user)[1:]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeTelegram, LocalHttpServer, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('notify') / 'kkrbot.sqlite3'}"
    with LocalHttpServer() as site, FakeTelegram() as telegram:
        for user, name in ((EVERYTHING, "Alma"), (NURSES, "Sara"), (FOOTBALL, "Frede")):
            telegram.add_user(user, name)
        with running_bot(
            telegram,
            DATABASE_URL=url,
            KKRBOT_SOURCE_URLS=site.url(PAGE_PATH),
            KKRBOT_POLL_SECONDS="2",
            KKRBOT_TODAY="2022-03-20",
        ):
            yield telegram, site, url


def test_a_new_pdf_on_the_page_reaches_each_matching_subscriber_exactly_once(
    setup: tuple[FakeTelegram, LocalHttpServer, str],
) -> None:
    telegram, site, url = setup
    for user, command in (
        (EVERYTHING, "/abonner"),
        (NURSES, "/abonner sygeplejerske"),
        (FOOTBALL, "/abonner fodbold"),
    ):
        assert "besked" in telegram.ask(user, command, timeout=30).plain_text

    serve_meeting_page(site)  # the page and its PDFs are published

    for user in (EVERYTHING, NURSES):
        eventually(lambda user=user: notices(telegram, user), f"a notice to {user}")
    everything, nurses = notices(telegram, EVERYTHING)[0], notices(telegram, NURSES)[0]
    assert AGENDA_DAY in everything.plain_text and "15 punkter" in everything.plain_text
    assert any(b.text == "Åbn dagsordenen" for row in everything.buttons for b in row)
    assert (
        AGENDA_DAY in nurses.plain_text
        and "sygeplejerske" in nurses.plain_text
        and "3.4" in nurses.plain_text
    )

    db = open_database(url, migrate=False)
    try:

        def polls() -> dt.datetime | None:
            with db.session() as session:
                state = session.scalar(select(SourceState).where(SourceState.url == site.url(PAGE_PATH)))
                return state.last_poll if state is not None else None

        first = eventually(polls, "a recorded poll")
        second = eventually(lambda: (p := polls()) is not None and p > first and p, "a later poll")
        eventually(lambda: (p := polls()) is not None and p > second, "yet another poll")
        with db.session() as session:
            unsent = session.scalars(select(Notification).where(Notification.sent_at.is_(None))).all()
            assert unsent == []
    finally:
        db.dispose()

    assert len(notices(telegram, EVERYTHING)) == 1  # once, though the page was polled again since
    assert len(notices(telegram, NURSES)) == 1
    assert notices(telegram, FOOTBALL) == []  # nothing matched
    assert telegram.rate_limited_count == 0
