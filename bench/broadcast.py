"""One new agenda to 1,000 subscribers: the real `kkrbot run` against the fake Bot API server.

    python bench/broadcast.py [--members N] [--rate R] [--no-save]

A temporary SQLite database gets N members (each in a chat of their own, subscribed to everything)
and the sample agenda (bot/samples/kkr-dagsorden-2022-03-23.pdf, ingested with bot.ingest); then
`kkrbot run` fans the agenda's event out into the outbox and sends it at KKRBOT_SEND_RATE=R. The
fake server enforces Telegram's limits (30 messages/s overall, about 1/s per chat) and answers 429
when they are broken. Measured: time to the last notice, messages per second against the configured
rate, and 429 answers. Goal (issue 6): at least 95 % of the rate and no 429. Results are printed and
appended to bench/results/broadcast.txt.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.report import append, heading  # noqa: E402
from bot.ingest import Ingester  # noqa: E402
from fake_bot_api import FakeTelegram, RateLimits  # noqa: E402
from storage import Member, Notification, Subscription, open_database  # noqa: E402

AGENDA = ROOT / "bot" / "samples" / "kkr-dagsorden-2022-03-23.pdf"
TODAY = "2022-03-20"
FIRST_CHAT = 5_000_001
RESULTS = ROOT / "bench" / "results" / "broadcast.txt"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000, help="subscribers, one chat each")
    parser.add_argument("--rate", type=float, default=25, help="KKRBOT_SEND_RATE, messages per second")
    parser.add_argument("--no-save", action="store_true", help="print only, do not append to results")
    return parser.parse_args()


def most_in_one_second(times: list[float]) -> int:
    """The most sends in any sliding second, as Telegram (and the fake) count them."""
    most, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def prepare(url: str, server: FakeTelegram, members: int) -> None:
    """The members with their chats (on the server too), then the agenda, whose event the bot fans out."""
    db = open_database(url)
    with db.session() as session:
        for chat_id in range(FIRST_CHAT, FIRST_CHAT + members):
            server.add_user(chat_id, f"Medlem {chat_id - FIRST_CHAT + 1}")
            member = Member(telegram_user_id=chat_id, chat_id=chat_id, display_name=f"Medlem {chat_id}")
            member.subscriptions.append(Subscription(kind="all", value=""))
            session.add(member)
        session.commit()
    reports = list(Ingester(db).source(str(AGENDA)))
    assert reports and not any(report.failed for report in reports), reports
    db.dispose()


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(limits=RateLimits()) as server:
        url = f"sqlite:///{folder}/broadcast.sqlite3"
        prepare(url, server, args.members)
        env = {
            **os.environ,
            **server.env(),
            "DATABASE_URL": url,
            "KKRBOT_SEND_RATE": f"{args.rate:g}",
            "KKRBOT_TODAY": TODAY,  # the sample agenda is news only shortly before its meeting
        }
        log_path = Path(folder) / "bot.log"
        with log_path.open("wb") as log:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            server.wait_for(
                lambda: len(server.sent_messages()) >= args.members,
                timeout=60 + 3 * args.members / args.rate,
                what=f"{args.members} notices",
            )
            time.sleep(1.0)  # anything more (a duplicate) would arrive now
        finally:
            bot.terminate()
            bot.wait(timeout=30)
        db = open_database(url)
        with db.session() as session:
            unsent = session.scalar(select(func.count()).where(Notification.sent_at.is_(None)))
        db.dispose()
        log_text = log_path.read_text(encoding="utf-8", errors="replace")

    sends = [call for call in server.calls("sendMessage") if call.status == 200]
    per_chat = Counter(message.chat_id for message in server.sent_messages())
    first, last = sends[0].at, sends[-1].at
    rate = (len(sends) - 1) / (last - first) if last > first else float("inf")
    ready = server.calls("setMyCommands")[0].at  # the bot has started; its fan-out job runs 1 s later
    ideal = (args.members - 1) / args.rate
    busiest_second = most_in_one_second([call.at for call in sends])
    lines = [
        heading("sqlite"),
        f"{args.members} subscribers, one new agenda ({AGENDA.stem}), KKRBOT_SEND_RATE={args.rate:g}, "
        "fake Telegram limits 30/s overall, 1/s per chat",
        f"first to last notice: {last - first:.2f} s for {len(sends)} messages "
        f"(ideal at the rate: {ideal:.2f} s)",
        f"bot started to last notice (fan-out included): {last - ready:.2f} s",
        f"messages per second: {rate:.2f} = {100 * rate / args.rate:.1f} % of the configured {args.rate:g}/s "
        f"(most in any 1 s window: {busiest_second})",
        f"429 answers: {server.rate_limited_count}; other refusals: "
        f"{sum(1 for error in server.errors('sendMessage') if error.error_code != 429)}",
        f"chats reached: {len(per_chat)} of {args.members}; sent twice: "
        f"{sum(1 for count in per_chat.values() if count > 1)}; unsent rows: {unsent}",
    ]
    if "Traceback" in log_text:
        lines.append("the bot's log has a traceback:\n" + log_text[-2000:])
    print("\n".join(lines))
    if not args.no_save:
        append(RESULTS, lines)


if __name__ == "__main__":
    main()
