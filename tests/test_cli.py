"""The `kkrbot` command line: help on every command, --version, the parse summary, and its settings.

The help test walks the whole click command tree, so a command added later without help text fails.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import subprocess
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import bot
from bot.cli import KkrbotGroup, main, settings_for
from bot.config import DEFAULT_DATABASE_URL, ConfigError, Settings, load_settings
from bot.parse_config import parse_limits
from core.time import LOCAL_TIME as COPENHAGEN
from core.time import Clock
from parsing.isolated import ParseLimits
from tests.conftest import PDF_DIR, expected_json

SAMPLE = "kdnet-referat-2021-08-20"  # the smallest fixture with items
SETTINGS_VARIABLES = [
    "DATABASE_URL",
    "TELEGRAM_TOKEN",
    "TELEGRAM_API_URL",
    "KKRBOT_TODAY",
    "KKRBOT_ADMINS",
    "KKRBOT_SOURCE_URLS",
    "KKRBOT_POLL_SECONDS",
    "KKRBOT_PARSE_SECONDS",
    "KKRBOT_PARSE_PAGE_SECONDS",
    "KKRBOT_PARSE_MEMORY_MB",
    "KKRBOT_PDF_READER",
    "KKRBOT_INBOX",
    "KKRBOT_SEND_RATE",
    "KKRBOT_WEBHOOK_URL",
    "KKRBOT_WEBHOOK_SECRET",
    "KKRBOT_PORT",
]


def walk(command: click.Command, path: tuple[str, ...] = ("kkrbot",)) -> Iterator[tuple[str, click.Command]]:
    """Every command and group under `command`, with the words that invoke it."""
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(main))


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No kkrbot variable from the developer's shell leaks into a settings test."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- help and version ---


def test_the_tree_has_the_parse_command() -> None:
    assert "kkrbot parse" in dict(COMMANDS)


@pytest.mark.parametrize(("words", "command"), COMMANDS, ids=[words for words, _ in COMMANDS])
def test_every_command_has_help_text(words: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"`{words}` has no help text: give its function a docstring"
    assert command.get_short_help_str(limit=80).strip()
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"`{words}` option {param.opts} has no help text"

    result = CliRunner().invoke(main, [*words.split()[1:], "--help"])

    assert result.exit_code == 0, result.output
    assert (command.help or "").strip().splitlines()[0] in result.output


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])

    assert result.exit_code == 0
    assert result.output == f"kkrbot {bot.__version__}\n"
    assert bot.__version__ == importlib.metadata.version("kkrbot")


def test_installed_console_script_runs() -> None:
    script = Path(sysconfig.get_path("scripts")) / "kkrbot"
    assert script.exists(), f"{script} missing: install the project with `pip install -e '.[dev]'`"

    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, check=False, timeout=60
    )

    assert (result.returncode, result.stdout) == (0, f"kkrbot {bot.__version__}\n")


# --- parse ---


def test_parse_prints_a_danish_summary_with_every_item() -> None:
    want = expected_json(SAMPLE)

    result = CliRunner().invoke(main, ["parse", str(PDF_DIR / f"{SAMPLE}.pdf")])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Referat: KD-Net"
    assert "fredag den 20. august 2021" in lines[1]
    assert f"{len(want['items'])} punkter:" in lines
    item_lines = [line.strip() for line in lines if line.startswith("  ")]
    assert item_lines == [f"{item['number']}. {item['title']}" for item in want["items"]]


def test_parse_json_is_indented_utf8_not_ascii_escapes() -> None:
    result = CliRunner().invoke(main, ["parse", "--json", str(PDF_DIR / f"{SAMPLE}.pdf")])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout_bytes.decode("utf-8"))
    assert result.output == json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    assert "ø" in result.output and "\\u00f8" not in result.output
    assert data["body"] == "KD-Net" and data["meeting_date"] == "2021-08-20"


# --- errors become one line ---


@click.group(cls=KkrbotGroup)
@click.option("--debug", is_flag=True, help="Fejlspor.")
def broken_cli(debug: bool) -> None:
    """A group like `main` with commands that go wrong in the two ways commands can."""


@broken_cli.command()
def crash() -> None:
    """Fails in a way nobody planned for."""
    raise RuntimeError("databasen forsvandt")


@broken_cli.command()
@click.pass_context
def configured(ctx: click.Context) -> None:
    """Needs the settings."""
    click.echo(settings_for(ctx).database_url)


def test_an_unexpected_error_is_one_line_without_traceback() -> None:
    result = CliRunner().invoke(broken_cli, ["crash"])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "kkrbot: uventet fejl: RuntimeError: databasen forsvandt (kør med --debug for detaljer)"
    ]


def test_debug_lets_the_traceback_through() -> None:
    result = CliRunner().invoke(broken_cli, ["--debug", "crash"])

    assert isinstance(result.exception, RuntimeError)


def test_a_bad_setting_ends_a_command_with_one_line(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("KKRBOT_PORT", "otte")

    result = CliRunner().invoke(broken_cli, ["configured"])

    assert result.exit_code == 2
    assert result.stderr.startswith("kkrbot: konfiguration: KKRBOT_PORT: ugyldig værdi 'otte'")
    assert len(result.stderr.splitlines()) == 1


def test_a_command_reads_the_settings_from_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DATABASE_URL", "sqlite:////tmp/andet.sqlite3")

    result = CliRunner().invoke(broken_cli, ["configured"])

    assert (result.exit_code, result.output) == (0, "sqlite:////tmp/andet.sqlite3\n")


# --- settings ---


def test_settings_defaults(clean_env: pytest.MonkeyPatch) -> None:
    settings = load_settings()

    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///./data/kkrbot.sqlite3"
    assert settings.telegram_token is None
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.today is None
    assert (settings.admins, settings.source_urls) == ((), ())
    assert (settings.poll_seconds, settings.send_rate, settings.port) == (900, 25, 8080)
    assert settings.inbox is None and settings.webhook_url is None and settings.webhook_secret is None


def test_settings_from_plain_environment_strings(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    values = {
        "DATABASE_URL": "postgresql+psycopg://kkrbot:hemmelig@db/kkrbot",
        "TELEGRAM_TOKEN": "123:abc",
        "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
        "KKRBOT_TODAY": "2022-06-13",
        "KKRBOT_ADMINS": "111, 222,,333",
        "KKRBOT_SOURCE_URLS": "https://www.kl.dk/a?x=1,https://www.kl.dk/b",
        "KKRBOT_POLL_SECONDS": "60",
        "KKRBOT_INBOX": str(tmp_path),
        "KKRBOT_SEND_RATE": "2.5",
        "KKRBOT_WEBHOOK_URL": "https://bot.example/hook",
        "KKRBOT_WEBHOOK_SECRET": "s3cret",
        "KKRBOT_PORT": "9000",
    }
    for name, value in values.items():
        clean_env.setenv(name, value)

    settings = load_settings()

    assert settings.database_url == values["DATABASE_URL"]
    assert settings.telegram_token is not None and settings.telegram_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings) and "s3cret" not in repr(settings)
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.today == dt.date(2022, 6, 13)
    assert settings.admins == (111, 222, 333)
    assert settings.source_urls == ("https://www.kl.dk/a?x=1", "https://www.kl.dk/b")
    assert (settings.poll_seconds, settings.send_rate, settings.port) == (60, 2.5, 9000)
    assert settings.inbox == tmp_path
    assert settings.webhook_url == "https://bot.example/hook"
    assert settings.webhook_secret is not None and settings.webhook_secret.get_secret_value() == "s3cret"


def test_a_single_admin_and_empty_values(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("KKRBOT_ADMINS", "42")
    clean_env.setenv("KKRBOT_TODAY", "")
    clean_env.setenv("KKRBOT_SOURCE_URLS", "")

    settings = load_settings()

    assert (settings.admins, settings.today, settings.source_urls) == ((42,), None, ())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KKRBOT_ADMINS", "111,abc"),
        ("KKRBOT_TODAY", "i morgen"),
        ("KKRBOT_POLL_SECONDS", "0"),
        ("KKRBOT_PORT", "x"),
        ("KKRBOT_PARSE_SECONDS", "0"),
        ("KKRBOT_PARSE_PAGE_SECONDS", "seks"),
        ("KKRBOT_PARSE_MEMORY_MB", "50"),
        ("KKRBOT_PDF_READER", "acrobat"),
    ],
)
def test_a_bad_value_names_its_variable(clean_env: pytest.MonkeyPatch, name: str, value: str) -> None:
    clean_env.setenv(name, value)

    with pytest.raises(ConfigError, match=f"^{name}: ugyldig værdi") as caught:
        load_settings()

    assert "\n" not in str(caught.value)


def test_the_parse_variables_are_read_with_the_settings_and_without_them(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("KKRBOT_PARSE_SECONDS", "90")
    clean_env.setenv("KKRBOT_PARSE_MEMORY_MB", "100")
    clean_env.setenv("KKRBOT_PDF_READER", "PDFplumber")
    expected = ParseLimits(seconds=90, page_seconds=6, memory_mb=100, reader="pdfplumber")
    assert load_settings().parse_limits == parse_limits() == expected
    assert parse_limits(reader="pdfium").reader == "pdfium"  # --reader wins


def test_settings_are_frozen_and_can_be_given_directly(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("KKRBOT_ADMINS", "1")
    settings = Settings(admins=(7, 8), today=dt.date(2022, 6, 13))

    assert settings.admins == (7, 8)
    with pytest.raises(ValueError):
        settings.port = 1  # type: ignore[misc]


# --- clock ---


def test_pinned_day_keeps_the_date_and_runs_the_time() -> None:
    clock = Settings(today=dt.date(2022, 6, 13)).clock()

    moment = clock.now()

    assert clock.today() == dt.date(2022, 6, 13) == moment.date()
    assert moment.tzinfo == COPENHAGEN
    assert abs(moment.time().hour - dt.datetime.now(COPENHAGEN).hour) in (0, 1, 23)


def test_real_day_is_danish_time(clean_env: pytest.MonkeyPatch) -> None:
    before = dt.datetime.now(COPENHAGEN).date()
    day = load_settings().clock().today()
    after = dt.datetime.now(COPENHAGEN).date()

    assert day in (before, after)
    assert Clock().now().utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert Clock().today() in (before, after)
