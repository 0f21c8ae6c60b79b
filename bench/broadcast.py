"""Notices and replies through one send budget: the real `kkrbot run` against the fake Bot API server.

    python bench/broadcast.py [--members N] [--burst M] [--rate R] [--case CASE ...] [--no-save]

Each case gets a temporary SQLite database and a fake server that enforces Telegram's limits (30
messages/s overall, about 1/s per chat) and answers 429 when they are broken:

- broadcast: N members (each in a chat of their own, subscribed to everything) and the sample agenda
  (bot/samples/kkr-dagsorden-2022-03-23.pdf, ingested with bot.ingest); `kkrbot run` fans the agenda's
  event out into the outbox and sends it at KKRBOT_SEND_RATE=R. Goal (issue 6): at least 95 % of the
  rate and no 429.
- burst: M members write /abonner in the same second and nothing else is sent. Goal (issue 14): all
  answered, no 429, at 90 % or more of Telegram's 30/s (300 answers in about 11 s).
- mixed: the burst while the broadcast runs: the replies go first, the broadcast carries on in what
  is left and still finishes.

Results are printed and appended to bench/results/broadcast.txt.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.report import append, heading  # noqa: E402
from bot.ingest import Ingester  # noqa: E402
from fake_bot_api import FakeTelegram, RateLimits  # noqa: E402
from fake_bot_api.server import ApiCall  # noqa: E402
from storage import Member, Notification, Subscription, open_database  # noqa: E402

AGENDA = ROOT / "bot" / "samples" / "kkr-dagsorden-2022-03-23.pdf"
TODAY = "2022-03-20"
FIRST_CHAT = 5_000_001  # the broadcast's subscribers
FIRST_WRITER = 6_000_001  # the members who write in the burst
BURST_COMMAND = "/abonner"
TELEGRAM_RATE = 30  # the fake's overall limit, messages per second
RESULTS = ROOT / "bench" / "results" / "broadcast.txt"
LIMITS_LINE = "fake Telegram limits 30/s overall, 1/s per chat (bursts of 5)"
CASES = ("broadcast", "burst", "mixed")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000, help="subscribers, one chat each")
    parser.add_argument("--burst", type=int, default=300, help="members writing in the same second")
    parser.add_argument("--rate", type=float, default=25, help="KKRBOT_SEND_RATE, messages per second")
    parser.add_argument("--case", choices=CASES, action="append", help="run only these (default: all)")
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


def chat_of(call: ApiCall) -> int:
    return int(call.params["chat_id"])


def prepare(url: str, server: FakeTelegram, members: int) -> None:
    """The members with their chats (on the server too), then the agenda, whose event the bot fans out;
    without members only the empty, migrated database."""
    db = open_database(url)
    with db.session() as session:
        for chat_id in range(FIRST_CHAT, FIRST_CHAT + members):
            server.add_user(chat_id, f"Medlem {chat_id - FIRST_CHAT + 1}")
            member = Member(telegram_user_id=chat_id, chat_id=chat_id, display_name=f"Medlem {chat_id}")
            member.subscriptions.append(Subscription(kind="all", value=""))
            session.add(member)
        session.commit()
    if members:
        reports = list(Ingester(db).source(str(AGENDA)))
        assert reports and not any(report.failed for report in reports), reports
    db.dispose()


def unsent_rows(url: str) -> int:
    db = open_database(url)
    with db.session() as session:
        unsent = session.scalar(select(func.count()).where(Notification.sent_at.is_(None))) or 0
    db.dispose()
    return unsent


@contextmanager
def bot_running(server: FakeTelegram, url: str, rate: float, folder: str, lines: list[str]) -> Iterator[None]:
    """`kkrbot run` on `url` against `server` until the block ends; a traceback in its log is reported."""
    env = {
        **os.environ,
        **server.env(),
        "DATABASE_URL": url,
        "KKRBOT_SEND_RATE": f"{rate:g}",
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
        server.wait_for_polling(timeout=60)
        yield
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        log_text = log_path.read_text(encoding="utf-8", errors="replace")
        if "Traceback" in log_text:
            lines.append("the bot's log has a traceback:\n" + log_text[-2000:])


def burst(server: FakeTelegram, writers: list[int]) -> float:
    """Every writer sends the command at once (within a few milliseconds); returns when it began."""
    began = time.time()
    for chat_id in writers:
        server.push_message(chat_id, BURST_COMMAND)
    return began


def wait_for_answers(server: FakeTelegram, writers: list[int], timeout: float) -> None:
    wanted = set(writers)
    server.wait_for(
        lambda: wanted <= {message.chat_id for message in server.sent_messages()},
        timeout=timeout,
        what=f"answers to {len(writers)} members",
    )


def burst_lines(server: FakeTelegram, writers: list[int], began: float) -> list[str]:
    """Answered, answers per second, time to answer everyone, 429s, the busiest second."""
    wanted = set(writers)
    first_answer: dict[int, float] = {}
    for call in server.calls("sendMessage"):
        if call.status == 200 and chat_of(call) in wanted:
            first_answer.setdefault(chat_of(call), call.at)
    waits = sorted(at - began for at in first_answer.values())
    last = waits[-1] if waits else float("nan")
    refused = [e for e in server.errors() if e.error_code == 429 and e.chat_id in wanted]
    answers = sorted(first_answer.values())
    return [
        f"burst: {len(writers)} members write {BURST_COMMAND} in the same second; answered: "
        f"{len(first_answer)} of {len(writers)}",
        f"time to answer all: {last:.2f} s (ideal at {TELEGRAM_RATE}/s: "
        f"{len(writers) / TELEGRAM_RATE:.2f} s); answers per second: {len(first_answer) / last:.2f} = "
        f"{100 * len(first_answer) / last / TELEGRAM_RATE:.1f} % of {TELEGRAM_RATE}/s",
        f"wait for the answer: median {waits[len(waits) // 2]:.2f} s, slowest {last:.2f} s; "
        f"most answers in any 1 s window: {most_in_one_second(answers)}",
        f"429 answers to the burst's chats: {len(refused)}",
    ]


def broadcast_lines(server: FakeTelegram, members: int, rate: float, unsent: int) -> list[str]:
    """Time to the last notice, notices per second against the rate, 429s, chats reached."""
    subscribers = range(FIRST_CHAT, FIRST_CHAT + members)
    sends = [c for c in server.calls("sendMessage") if c.status == 200 and chat_of(c) in subscribers]
    per_chat = Counter(chat_of(call) for call in sends)
    first, last = sends[0].at, sends[-1].at
    achieved = (len(sends) - 1) / (last - first) if last > first else float("inf")
    ready = server.calls("setMyCommands")[0].at  # the bot has started; its fan-out job runs 1 s later
    ideal = (members - 1) / rate
    return [
        f"broadcast: {members} subscribers, one new agenda ({AGENDA.stem}), KKRBOT_SEND_RATE={rate:g}",
        f"first to last notice: {last - first:.2f} s for {len(sends)} messages "
        f"(ideal at the rate: {ideal:.2f} s)",
        f"bot started to last notice (fan-out included): {last - ready:.2f} s",
        f"notices per second: {achieved:.2f} = {100 * achieved / rate:.1f} % of the configured {rate:g}/s "
        f"(most in any 1 s window: {most_in_one_second([call.at for call in sends])})",
        f"chats reached: {len(per_chat)} of {members}; sent twice: "
        f"{sum(1 for count in per_chat.values() if count > 1)}; unsent rows: {unsent}",
    ]


def totals_line(server: FakeTelegram) -> str:
    sends = sorted(c.at for c in server.calls("sendMessage") if c.status == 200)
    other = sum(1 for error in server.errors("sendMessage") if error.error_code != 429)
    return (
        f"all sends: most in any 1 s window: {most_in_one_second(sends)}; 429 answers: "
        f"{server.rate_limited_count}; other refusals: {other}"
    )


def run_broadcast(args: argparse.Namespace, lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(limits=RateLimits()) as server:
        url = f"sqlite:///{folder}/broadcast.sqlite3"
        prepare(url, server, args.members)
        with bot_running(server, url, args.rate, folder, lines):
            server.wait_for(
                lambda: len(server.sent_messages()) >= args.members,
                timeout=60 + 3 * args.members / args.rate,
                what=f"{args.members} notices",
            )
            time.sleep(1.0)  # anything more (a duplicate) would arrive now
        lines += broadcast_lines(server, args.members, args.rate, unsent_rows(url))
        lines.append(totals_line(server))


def run_burst(args: argparse.Namespace, lines: list[str]) -> None:
    writers = list(range(FIRST_WRITER, FIRST_WRITER + args.burst))
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(limits=RateLimits()) as server:
        url = f"sqlite:///{folder}/burst.sqlite3"
        prepare(url, server, 0)
        for chat_id in writers:
            server.add_user(chat_id, f"Skribent {chat_id - FIRST_WRITER + 1}")
        with bot_running(server, url, args.rate, folder, lines):
            time.sleep(2.0)  # the bot's first jobs have run; the burst meets a settled bot
            began = burst(server, writers)
            wait_for_answers(server, writers, timeout=60 + args.burst)
            time.sleep(1.0)
        lines += burst_lines(server, writers, began)
        lines.append(totals_line(server))


def run_mixed(args: argparse.Namespace, lines: list[str]) -> None:
    writers = list(range(FIRST_WRITER, FIRST_WRITER + args.burst))
    with tempfile.TemporaryDirectory() as folder, FakeTelegram(limits=RateLimits()) as server:
        url = f"sqlite:///{folder}/mixed.sqlite3"
        prepare(url, server, args.members)
        for chat_id in writers:
            server.add_user(chat_id, f"Skribent {chat_id - FIRST_WRITER + 1}")
        with bot_running(server, url, args.rate, folder, lines):
            server.wait_for(lambda: len(server.sent_messages()) >= 100, 60, "the broadcast to be under way")
            notices_before = len(server.sent_messages())
            began = burst(server, writers)
            wait_for_answers(server, writers, timeout=60 + args.burst)
            answered = time.time()
            during = sum(
                1
                for c in server.calls("sendMessage")
                if c.status == 200 and began <= c.at <= answered and chat_of(c) < FIRST_WRITER
            )
            server.wait_for(
                lambda: (
                    len({m.chat_id for m in server.sent_messages() if m.chat_id < FIRST_WRITER})
                    >= args.members
                ),
                timeout=60 + 3 * args.members / args.rate,
                what=f"{args.members} notices",
            )
            time.sleep(1.0)
        lines.append(f"mixed: the burst after {notices_before} of {args.members} notices")
        lines += burst_lines(server, writers, began)
        lines.append(
            f"notices sent while the burst was answered: {during} in {answered - began:.2f} s "
            f"({during / (answered - began):.2f}/s)"
        )
        lines += broadcast_lines(server, args.members, args.rate, unsent_rows(url))
        lines.append(totals_line(server))


def main() -> None:
    args = arguments()
    lines = [heading("sqlite"), LIMITS_LINE]
    print("\n".join(lines), flush=True)
    for case in args.case or CASES:
        shown = len(lines)
        {"broadcast": run_broadcast, "burst": run_burst, "mixed": run_mixed}[case](args, lines)
        print("\n".join(lines[shown:]), flush=True)
    if not args.no_save:
        append(RESULTS, lines)


if __name__ == "__main__":
    main()
