"""`kkrbot chat` and `kkrbot demo`: the bot's handlers in a terminal, as a person would use them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import copy_sqlite


def kkrbot(
    tmp_path: Path, stdin: str, *args: str, today: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KKRBOT_TODAY"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kkrbot.sqlite3'}"
    if today:
        env["KKRBOT_TODAY"] = today
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def test_demo_ingests_the_samples_and_answers_in_the_chat(tmp_path: Path) -> None:
    done = kkrbot(tmp_path, "/naestemoede\n3.2\n/punkt 99.9\n", "demo")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "ny dagsorden: KKR Midtjylland 23. marts 2022, 15 punkter" in out
    assert "onsdag den 23. marts 2022 kl. 10.00" in out
    assert "[3.2]" in out  # buttons are shown as [label] ...
    assert "Sagsnr.: SAG-2022-00501" in out  # ... and typing a label presses it
    assert "99.9" in out.split("[Sagsfremstilling]")[-1]  # the wrong item number gets an answer
    assert "<b>" not in out and "&amp;" not in out


def test_chat_reads_the_same_database_with_a_fixed_today(tmp_path: Path, ingested_template: Path) -> None:
    copy_sqlite(ingested_template, tmp_path / "kkrbot.sqlite3")  # what `kkrbot demo` ingests
    done = kkrbot(tmp_path, "/dagsorden 23. marts 2022\n/soeg sundhedsaftale\n", "chat", today="2022-01-01")
    assert done.returncode == 0, done.stderr
    assert "3.2 Sundhedsprofil og sundhedsaftaler" in done.stdout
    assert "De bedste resultater for sundhedsaftale" in done.stdout
