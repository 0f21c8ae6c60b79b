"""The `kkrbot` command line: a thin layer of click commands over the library modules.

Each command reads its arguments, calls one library function and prints the result. Errors an
operator can fix end as one line on stderr, `kkrbot: WHAT: reason`, and exit status 2.
A new command is one more `@main.command()` function here with a docstring (its --help text).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from bot import __version__
from parsing.readers import READERS

if TYPE_CHECKING:
    from bot.config import Settings
    from storage import Database

PROG = "kkrbot"
SAMPLES = Path(__file__).resolve().parent / "samples"  # the bundled sample PDFs
USAGE_ERROR = 2


class CommandError(click.ClickException):
    """A failure the operator can act on: printed as `kkrbot: message`, no traceback."""

    exit_code = USAGE_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        echo(f"{PROG}: {self.format_message()}", err=True)


class UnexpectedError(CommandError):
    """A bug or an outage nobody planned for: still one line, but exit status 1."""

    exit_code = 1


def fail(what: object, reason: str) -> NoReturn:
    """Stop the command with `kkrbot: WHAT: reason` on stderr and exit status 2."""
    raise CommandError(f"{what}: {reason}")


def echo(text: str, *, err: bool = False) -> None:
    """Print UTF-8 whatever the locale says, so Danish letters survive `LANG=C` and pipes."""
    stream = sys.stderr if err else sys.stdout
    buffer: IO[bytes] | None = getattr(stream, "buffer", None)
    if buffer is None:  # a text-only stream (some test harnesses): it takes str as it is
        stream.write(text + "\n")
        stream.flush()
        return
    stream.flush()
    buffer.write(text.encode("utf-8") + b"\n")
    buffer.flush()


class KkrbotGroup(click.Group):
    """The command group; an unexpected error becomes one line on stderr unless --debug is given."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as err:
            if ctx.find_root().params.get("debug"):
                raise
            from texts.operator import unexpected_command_error

            raise UnexpectedError(unexpected_command_error(err)) from err


@click.group(cls=KkrbotGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Vis detaljeret log og hele fejlsporet ved uventede fejl.")
def main(debug: bool) -> None:
    """kkrbot: mødemateriale fra KKR'erne og deres netværk i Telegram.

    Dagsordener, referater og bilag læses fra KL's PDF'er, gemmes i en database og besvares på dansk.
    Indstillinger læses fra miljøvariabler (se README).
    """
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def settings_for(ctx: click.Context) -> Settings:
    """The settings from the environment, read once per invocation; a bad value ends the command."""
    from bot.config import ConfigError, load_settings

    root = ctx.find_root()
    root.ensure_object(dict)
    if "settings" not in root.obj:
        try:
            root.obj["settings"] = load_settings()
        except ConfigError as err:
            raise CommandError(f"konfiguration: {err}") from err
    settings: Settings = root.obj["settings"]
    return settings


def read_input_file(path: Path) -> bytes:
    """The bytes of `path`, or the command ends with a Danish reason why they cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        fail(path, "filen findes ikke")
    except IsADirectoryError:
        fail(path, "det er en mappe, ikke en fil")
    except PermissionError:
        fail(path, "ingen adgang til at læse filen")
    except OSError as err:
        fail(path, f"filen kan ikke læses ({err.strerror or err})")


READER_OPTION = click.option(
    "--reader",
    type=click.Choice(READERS),
    default=None,
    help="Hvilken læser der læser PDF'ens sider (som KKRBOT_PDF_READER): pdfium er hurtig, "
    "pdfplumber er referencen.",
)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Udskriv hele resultatet som JSON (UTF-8).")
@click.option("--no-ocr", is_flag=True, help="Afvis scanninger i stedet for at læse dem med OCR.")
@READER_OPTION
def parse(file: Path, as_json: bool, no_ocr: bool, reader: str | None) -> None:
    """Læs en møde-PDF og vis, hvad parseren fandt.

    FILE er en dagsorden, et referat eller et bilag fra et KKR eller et af deres netværk. En
    scanning læses med OCR (Tesseract). Uden --json vises et kort resumé; kan filen ikke bruges,
    står grunden på én linje, og afslutningskoden er 2.
    """
    from bot.parse_config import ConfigError, parse_limits
    from parsing import ParseError
    from parsing.isolated import parse_bounded
    from texts.operator import parsed_document, unreadable_pages

    try:  # only the parse variables: the full settings (pydantic) would cost a third of the run
        limits = parse_limits(reader=reader)
    except ConfigError as err:
        raise CommandError(f"konfiguration: {err}") from err
    data = read_input_file(file)
    bars = terminal_bars()
    try:
        with bars.progress if bars else contextlib.nullcontext():
            doc = parse_bounded(data, limits, ocr=not no_ocr, progress=bars.of(str(file)) if bars else None)
    except ParseError as err:
        fail(file, str(err))
    if doc.unreadable_pages:
        echo(f"{PROG}: {file}: {unreadable_pages(doc.unreadable_pages)}", err=True)
    if as_json:
        echo(json.dumps(doc.to_json_dict(), ensure_ascii=False, indent=1))
    else:
        echo("\n".join(parsed_document(doc)))


def terminal_bars() -> PageBars | None:
    """Progress bars when stderr is a terminal; else None, and rich is not even imported."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    return page_bars(Console(stderr=True))


@dataclasses.dataclass
class PageBars:
    """On a terminal: a spinner for the run, and a bar of pages for each scan OCR reads."""

    progress: Any

    def of(self, label: str) -> Any:
        """What parsing.isolated tells while `label` is parsed: OCR's pages, then the parse's."""
        from parsing.isolated import Progress

        task: list[Any] = []

        def started(pages: int) -> None:
            task.append(self.progress.add_task(f"OCR {label}", total=2 * pages))

        def page_done(_page: int) -> None:
            if task:
                self.progress.update(task[0], advance=1, refresh=True)

        return Progress(on_page=page_done, on_ocr=started)


def page_bars(console: Any) -> PageBars:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    # no refresh thread (each update refreshes): a process without threads forks its parse children
    # itself (parsing.isolated), far faster than through the forkserver
    progress = Progress(
        *columns,
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
        auto_refresh=False,
    )
    return PageBars(progress)


def open_db(ctx: click.Context, *, create: bool = False) -> Database:
    """The configured database, migrated to the current schema; failure ends the command in one line.

    Only the commands that fill a database (`db upgrade`, `ingest`, `demo`, `run`) may `create` one: a
    search or a chat in the wrong folder says there is none instead of making an empty one.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.operations import database_missing, without_password
    from storage import open_database
    from texts.operator import database_unopenable

    settings = settings_for(ctx)
    missing = None if create else database_missing(settings.database_url)
    if missing is not None:
        raise CommandError(missing)
    try:
        return open_database(settings.database_url)
    except (SQLAlchemyError, OSError) as err:
        raise CommandError(database_unopenable(without_password(settings.database_url), err)) from err


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--no-ocr", is_flag=True, help="Afvis scanninger i stedet for at læse dem med OCR.")
@READER_OPTION
@click.pass_context
def ingest(ctx: click.Context, sources: tuple[str, ...], no_ocr: bool, reader: str | None) -> None:
    """Hent møde-PDF'er ind i databasen.

    SOURCES er PDF-filer, mapper (alle PDF'er i mappen), adresser på PDF'er eller adresser på
    mødesider som KL's "Mødemateriale" (alle mødets PDF'er). Der skrives én linje pr. dokument:
    hvad der blev fundet, `uændret` eller `fejl: grund`. Afslutningskoden er 0, når alt lykkedes,
    og 2, når noget fejlede; det, der lykkedes, er gemt alligevel. En scanning læses med OCR og
    får `(OCR)` på sin linje.
    """
    from rich.console import Console

    from bot.ingest import Ingester

    settings = settings_for(ctx)
    db = open_db(ctx, create=True)
    console = Console(stderr=True)
    bars = page_bars(console)
    progress = bars.progress
    limits = (
        settings.parse_limits if reader is None else dataclasses.replace(settings.parse_limits, reader=reader)
    )
    ingester = Ingester(db, limits=limits, ocr=not no_ocr, progress=bars.of)
    failed = False
    try:
        with progress:
            task = progress.add_task("Henter …", total=None)
            done = 0
            for source in sources:
                progress.update(task, description=f"Henter {source} …", refresh=True)
                for report in ingester.source(source, settings.polled_sources):
                    done += 1
                    progress.update(task, description=f"{done} dokumenter: {report.source}", refresh=True)
                    if console.is_terminal:
                        progress.console.print(report.text, markup=False, highlight=False, soft_wrap=True)
                    else:
                        echo(report.text)
                    failed = failed or report.failed
                    if report.warning:
                        echo(f"{PROG}: {report.source}: {report.warning}", err=True)
    finally:
        ingester.close()
        db.dispose()
    if failed:
        ctx.exit(USAGE_ERROR)


@main.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, help="Hvor mange hits der højst vises.")
@click.pass_context
def search(ctx: click.Context, words: tuple[str, ...], limit: int) -> None:
    """Søg i punkter og bilag på tværs af alle møder.

    Alle ord skal forekomme, i en hvilken som helst bøjning (`sundhedsaftale` finder også
    `sundhedsaftalen`). Viser de bedste hits med mødedato, organ, punkt, titel og et uddrag.
    """
    from storage import search as search_items
    from texts.operator import search_hits

    db = open_db(ctx)
    try:
        with db.session() as session:
            hits = search_items(session, " ".join(words), limit=limit)
    finally:
        db.dispose()
    echo("\n".join(search_hits(hits)))


@main.group()
def db() -> None:
    """Databasen: migreringer og vedligehold."""


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Opdatér databasens skema til denne version.

    Det sker også af sig selv, hver gang kkrbot starter; kommandoen gør det udtrykkeligt.
    """
    from storage import head_revision
    from texts.operator import database_upgraded

    open_db(ctx, create=True).dispose()
    echo(database_upgraded(head_revision()))


@main.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Start Telegram-botten (long polling, eller webhook med KKRBOT_WEBHOOK_URL).

    Kræver TELEGRAM_TOKEN (fra BotFather); TELEGRAM_API_URL vælger Bot API-serveren. Med
    KKRBOT_WEBHOOK_URL lytter botten på KKRBOT_PORT og kræver KKRBOT_WEBHOOK_SECRET. Stoppes med Ctrl+C.
    """
    from bot.config import webhook_problem

    settings = settings_for(ctx)
    if settings.telegram_token is None:
        fail("TELEGRAM_TOKEN", "mangler: sæt bottens token fra BotFather for at starte botten")
    problem = webhook_problem(settings)
    if problem is not None:
        fail(*problem)
    from bot.app import build_application, serve
    from bot.logs import setup_logging

    db = open_db(ctx, create=True)
    # JSON lines on stdout, tokens and link codes redacted; httpx's request lines (token in the URL) stay out
    setup_logging(logging.DEBUG if ctx.find_root().params.get("debug") else logging.INFO)
    try:
        serve(build_application(settings, db), settings)
    finally:
        db.dispose()


UNHEALTHY = 1


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Udskriv rapporten som JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Skriv kun fejl (til HEALTHCHECK).")
@click.pass_context
def status(ctx: click.Context, as_json: bool, quiet: bool) -> None:
    """Vis, om botten er sund: databasen, migreringen, kilderne og udbakken.

    Sund betyder, at databasen kan nås og er på denne versions migrering; så er afslutningskoden 0,
    ellers 1 (2 ved forkert konfiguration). En kilde, der fejler, eller beskeder, der har ventet over
    en time, vises som advarsler uden at gøre botten usund. Databasen læses kun, aldrig ændres.
    """
    from bot.operations import check_status
    from texts.operator import status_lines

    settings = settings_for(ctx)
    report = check_status(
        settings.database_url, sources=settings.polled_sources, poll_seconds=settings.poll_seconds
    )
    report = dataclasses.replace(report, pdf_reader=settings.parse_limits.reader)
    if as_json:
        echo(json.dumps(report.to_json_dict(), ensure_ascii=False, indent=1))
    elif quiet:
        for problem in report.problems:
            echo(f"{PROG}: {problem}", err=True)
    else:
        echo("\n".join(status_lines(report)))
    if not report.healthy:
        ctx.exit(UNHEALTHY)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def backup(ctx: click.Context, file: Path) -> None:
    """Tag en backup af SQLite-databasen til FILE, mens botten kører.

    Kopien er et øjebliksbillede af databasen (SQLites online-backup), tjekket og klar til at bruge
    som DATABASE_URL. FILE må ikke findes i forvejen. PostgreSQL tages backup af med pg_dump (se README).
    """
    from bot.operations import BackupError, backup_database
    from texts.operator import backup_made

    settings = settings_for(ctx)
    try:
        result = backup_database(settings.database_url, file)
    except BackupError as err:
        fail(file, str(err))
    echo(backup_made(result.path, result.size_bytes, result.revision))


@main.command()
@click.pass_context
def chat(ctx: click.Context) -> None:
    """Tal med botten i terminalen.

    Skriv kommandoer som i Telegram (fx /naestemoede eller /punkt 3.2), én pr. linje; knapper vises
    som [tekst], og skriver man teksten, trykkes der på knappen. Afslut med /quit eller Ctrl+D.
    """
    from bot.app import handler_context
    from handlers.chat import PROMPT, TERMINAL_SENDER, run_chat
    from texts.operator import chat_banner

    settings = settings_for(ctx)
    db = open_db(ctx)
    interactive = sys.stdin.isatty()
    if interactive:
        echo(chat_banner())

    def lines() -> Iterator[str]:
        while True:
            try:
                yield input(PROMPT) if interactive else next(sys.stdin)
            except (EOFError, StopIteration):
                return

    handler_ctx = handler_context(db, settings)
    # whoever sits at the terminal has the database anyway, so the admin commands work for them
    handler_ctx = dataclasses.replace(handler_ctx, admins=handler_ctx.admins | {TERMINAL_SENDER.user_id})
    try:
        run_chat(handler_ctx, lines(), echo)
    finally:
        db.dispose()


DEMO_TODAY = "2022-03-20"  # a few days before the bundled agenda's meeting


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Prøv botten med de medfølgende eksempel-PDF'er.

    Henter eksemplerne ind i databasen (DATABASE_URL, ellers ./data/kkrbot.sqlite3) og åbner chatten
    med "i dag" sat til før eksempelmødet (KKRBOT_TODAY, ellers 20. marts 2022).
    """
    from bot.ingest import Ingester

    settings = settings_for(ctx)
    if settings.today is None:
        settings = settings.model_copy(update={"today": dt.date.fromisoformat(DEMO_TODAY)})
        ctx.find_root().obj["settings"] = settings
    db = open_db(ctx, create=True)
    try:
        ingester = Ingester(db, limits=settings.parse_limits)
        for report in ingester.source(str(SAMPLES)):
            echo(report.text)
    finally:
        db.dispose()
    ctx.invoke(chat)


@main.group()
def udpegninger() -> None:
    """Udpegninger: hvem der sidder i hvilke bestyrelser, råd og grupper."""


@udpegninger.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.pass_context
def import_register(ctx: click.Context, file: Path) -> None:
    """Importér udpegninger fra en CSV- eller Excel-fil (.xlsx).

    Overskrifterne er navn, parti, kommune, organ, rolle, fra, til (og evt. udpeget af); rolle er
    formand, næstformand, medlem, suppleant eller observatør, datoer dd-mm-åååå eller åååå-mm-dd.
    CSV må være UTF-8 eller Excels Windows-1252 med , eller ; som skilletegn. Har en række fejl, står
    hver fejl med sit linjenummer på én linje, intet importeres, og afslutningskoden er 2. Samme fil
    to gange ændrer intet; en nyere fil afslutter udpegninger i stedet for at gentage dem.
    """
    from bot.register import import_register as import_file
    from parsing.errors import RegisterError, RegisterInvalid
    from texts.operator import register_imported

    data = read_input_file(file)
    db = open_db(ctx)
    try:
        with db.session() as session:
            result = import_file(session, data, source=file.name)
    except RegisterInvalid as err:
        for problem in err.problems:
            echo(f"{PROG}: {file}: {problem}", err=True)
        fail(file, str(err))
    except RegisterError as err:
        fail(file, str(err))
    finally:
        db.dispose()
    echo(register_imported(result))


@main.command(name="link-code")
@click.argument("name")
@click.option("--bot", "bot_username", default=None, help="Bottens Telegram-brugernavn til linket (uden @).")
@click.option("--new", "new_person", is_flag=True, help="Opret personen, når ingen i registret hedder NAME.")
@click.pass_context
def link_code(ctx: click.Context, name: str, bot_username: str | None, new_person: bool) -> None:
    """Lav en engangskode, der knytter en Telegram-konto til en person.

    NAME er personens navn, fx "Anders Kühnau". Hedder ingen i registret sådan, vises de nærmeste
    navne, og intet laves; med --new oprettes personen. Koden og linket https://t.me/BOT?start=KODE
    vises kun denne ene gang; koden virker én gang og i syv dage. Samme som /inviter i Telegram.
    """
    from storage.linking import LinkError, UnknownPerson, create_link_code
    from texts.members import deep_link
    from texts.operator import link_code_issued, unknown_person

    # under LANG=C Python hands non-ASCII arguments over as surrogates; the terminal wrote UTF-8
    name = os.fsencode(name).decode("utf-8", "replace")
    db = open_db(ctx)
    try:
        with db.session() as session:
            issued = create_link_code(session, name, new_person=new_person)
    except UnknownPerson as err:
        fail(name, unknown_person(err.name, err.closest))
    except LinkError as err:
        fail(name, str(err))
    finally:
        db.dispose()
    echo("\n".join(link_code_issued(issued, deep_link(bot_username, issued.code))))
