"""What operators read: the `kkrbot` CLI's lines, the ingest report of every document, `kkrbot status`.

Plain text, one line per fact, Danish like everything else; times in local time as `2026-11-24 21:03`.
A failure's reason comes from where it was found (a ParseError, a SourceError); it is put into its
line here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from core.kinds import DocumentKind
from core.time import local_time
from texts.dates import format_date, operator_moment, plain_date
from texts.words import listed

if TYPE_CHECKING:  # `kkrbot parse` uses this module and must not load the database's modules
    from parsing.model import ParsedDocument
    from storage.health import OutboxBacklog, SourceHealth
    from storage.linking import IssuedCode
    from storage.register import ImportResult
    from storage.results import StoreResult
    from storage.search import SearchHit

KIND_NAMES = {
    DocumentKind.DAGSORDEN: "dagsorden",
    DocumentKind.TILLAEGSDAGSORDEN: "tillægsdagsorden",
    DocumentKind.REFERAT: "referat",
    DocumentKind.BILAG: "bilag",
}
NEW_LABELS = {
    DocumentKind.DAGSORDEN: "ny dagsorden",
    DocumentKind.TILLAEGSDAGSORDEN: "ny tillægsdagsorden",
    DocumentKind.REFERAT: "nyt referat",
    DocumentKind.BILAG: "nye bilag",
}
MAX_REASON_CHARS = 300  # of an unexpected error's text, in the log and in /status


def count(n: int, one: str, many: str) -> str:
    """`1 punkt`, `15 punkter`."""
    return f"{n} {one if n == 1 else many}"


# --- ingesting: one line per document ---


def stored(result: StoreResult, *, ocr: bool = False) -> str:
    """One line, e.g. `ny dagsorden: KKR Midtjylland 14. juni 2022, 10 punkter` (`(OCR)` after a scan)."""
    return _stored(result) + (" (OCR)" if ocr and result.status != "unchanged" else "")


def _stored(result: StoreResult) -> str:
    meeting = f"{result.body} {plain_date(result.meeting_date)}"
    contents = (
        count(result.pages, "side", "sider")
        if result.kind == DocumentKind.BILAG
        else count(result.item_count, "punkt", "punkter")
    )
    if result.status == "unchanged":
        return unchanged_document(result.kind, result.body, result.meeting_date)
    if result.status == "new_version":
        changes = count(len(result.changes), "ændring", "ændringer")
        kind = KIND_NAMES[DocumentKind(result.kind)]
        return f"ny version ({result.version}) af {kind}: {meeting}, {contents}, {changes}"
    return f"{NEW_LABELS[DocumentKind(result.kind)]}: {meeting}, {contents}"


def unreadable_pages(pages: Sequence[int]) -> str:
    """`advarsel: side 7 og 9 kunne ikke læses (punkter derfra kan mangle)`."""
    return f"advarsel: {_pages_lost(pages)} (punkter derfra kan mangle)"


def _pages_lost(pages: Sequence[int]) -> str:
    return f"side {listed([str(page) for page in pages])} kunne ikke læses"


def damaged_copy_kept(pages: Sequence[int]) -> str:
    """A damaged copy of a document that is stored already whole."""
    return f"PDF'en er beskadiget ({_pages_lost(pages)}); den gemte udgave beholdes"


def unchanged_document(kind: str, body: str, meeting_date: dt.date) -> str:
    """A document whose bytes are stored already: `uændret: referat KKR Midtjylland 23. april 2021`."""
    return f"uændret: {KIND_NAMES[DocumentKind(kind)]} {body} {plain_date(meeting_date)}"


def unchanged_source(url: str) -> str:
    """A page that has not changed since the last poll, or a PDF link already stored."""
    return f"uændret: {url}"


def failed(reason: str, source: str | None = None) -> str:
    """`fejl: filen er tom (dagsorden.pdf)`."""
    return f"fejl: {reason} ({source})" if source else f"fejl: {reason}"


def unexpected(err: BaseException) -> str:
    """An error nobody planned for as one short Danish line (SQL errors span several lines)."""
    detail = " ".join(str(err).split())
    if len(detail) > MAX_REASON_CHARS:
        detail = detail[: MAX_REASON_CHARS - 1] + "…"
    name = type(err).__name__
    return f"uventet fejl ({name}: {detail})" if detail else f"uventet fejl ({name})"


def unexpected_command_error(err: BaseException) -> str:
    """A `kkrbot` command that failed in a way nobody planned for: one line, the traceback behind --debug."""
    return f"uventet fejl: {type(err).__name__}: {err} (kør med --debug for detaljer)"


def database_unopenable(database: str, err: BaseException) -> str:
    """`database` is the URL without its password."""
    return f"databasen kan ikke åbnes ({database}): {err}"


def chat_banner() -> str:
    return "kkrbot chat – skriv /hjaelp for hjælp, /quit for at slutte."


def database_error(err: BaseException) -> str:
    return f"databasefejl: {type(err).__name__}"


# --- kkrbot parse ---


def parsed_document(doc: ParsedDocument) -> list[str]:
    """A short Danish summary of a parsed document: what, whose, when, and its items."""
    when = format_date(doc.meeting_date, "full")
    if doc.start_time is not None:
        when += f", kl. {doc.start_time:%H.%M}"
    lines = [f"{KIND_NAMES[DocumentKind(doc.kind)].capitalize()}: {doc.body}", f"Møde: {when}"]
    if doc.location:
        lines.append(f"Sted: {doc.location}")
    lines.append(f"Sider: {doc.pages}")
    items = len(doc.items)
    lines.append(count(items, "punkt", "punkter") + (":" if items else ""))
    lines.extend(
        f"  {item.number if '.' in item.number else item.number + '.'} {item.title}" for item in doc.items
    )
    return lines


# --- kkrbot search, kkrbot link-code ---


def search_hits(hits: Sequence[SearchHit]) -> list[str]:
    """Two lines a hit: where it is, then its snippet."""
    if not hits:
        return ["Ingen hits."]
    lines = []
    for hit in hits:
        where = f"punkt {hit.item_number}" if hit.item_number else f"bilag side {hit.page}"
        lines.append(f"{plain_date(hit.meeting_date)}  {hit.body}  {where}: {hit.title}")
        lines.append(f"    {hit.snippet}")
    return lines


def unknown_person(name: str, closest: Sequence[str]) -> str:
    """No one in the register has the name: the closest names, and how to create the person."""
    known = f"; mente du {' eller '.join(closest)}?" if closest else "."
    return f"ingen person hedder {name} i registret{known} Brug --new for at oprette {name} som ny person"


def link_code_issued(issued: IssuedCode, link: str) -> list[str]:
    """The one time the operator sees a new code."""
    return [
        f"kode til {issued.person_name}: {issued.code}",
        f"link: {link}",
        f"udløber: {issued.expires_at:%Y-%m-%d %H:%M} UTC",
    ]


# --- kkrbot udpegninger import ---


def register_imported(result: ImportResult) -> str:
    """`udpegninger importeret: 2 nye, 2 afsluttet, 5 uændrede`."""
    parts = [f"{result.new} {'ny' if result.new == 1 else 'nye'}", f"{result.ended} afsluttet"]
    if result.changed:
        parts.append(f"{result.changed} ændret")
    parts.append(f"{result.unchanged} {'uændret' if result.unchanged == 1 else 'uændrede'}")
    return "udpegninger importeret: " + ", ".join(parts)


# --- kkrbot backup ---


def backup_made(path: object, size_bytes: int, revision: str | None) -> str:
    size = f"{size_bytes / 1_000_000:.1f} MB" if size_bytes >= 100_000 else f"{size_bytes} bytes"
    return f"backup gemt: {path} ({size}, migrering {revision or 'ingen'})"


# --- kkrbot status ---


def _local(moment: dt.datetime) -> str:
    return operator_moment(local_time(moment))


class StatusFacts(Protocol):
    """What `kkrbot status` found (bot.operations.StatusReport)."""

    @property
    def healthy(self) -> bool: ...
    @property
    def database(self) -> str: ...
    @property
    def revision(self) -> str | None: ...
    @property
    def expected_revision(self) -> str: ...
    @property
    def ocr(self) -> str | None: ...
    @property
    def ocr_problem(self) -> str | None: ...
    @property
    def pdf_reader(self) -> str: ...
    @property
    def problems(self) -> Sequence[str]: ...
    @property
    def warnings(self) -> Sequence[str]: ...
    @property
    def sources(self) -> Sequence[SourceHealth]: ...
    @property
    def backlog(self) -> OutboxBacklog | None: ...


def status_lines(report: StatusFacts) -> list[str]:
    """A few lines for a terminal: the verdict, then the database, the sources, the outbox."""
    lines = [f"kkrbot: {'sund' if report.healthy else 'USUND'}", f"database: {report.database}"]
    if report.revision is not None:
        expected = report.expected_revision
        current = "nyeste" if report.revision == expected else f"forventet {expected}"
        lines.append(f"migrering: {report.revision} ({current})")
    lines.extend(f"fejl: {problem}" for problem in report.problems)
    if report.healthy:
        lines.extend(_source_line(source) for source in report.sources)
        if not report.sources:
            lines.append("kilder: ingen sat op (KKRBOT_SOURCE_URLS, KKRBOT_INBOX)")
        if report.backlog is not None:
            lines.append(_backlog_line(report.backlog))
        if report.ocr_problem is None:
            lines.append(f"ocr: {report.ocr} med dansk; scanninger læses")
        else:
            lines.append(f"ocr: ikke tilgængelig ({report.ocr_problem}); scanninger afvises")
        reference = " (referencen)" if report.pdf_reader == "pdfplumber" else ""
        lines.append(f"pdf-læser: {report.pdf_reader}{reference} (KKRBOT_PDF_READER)")
    lines.extend(f"advarsel: {warning}" for warning in report.warnings)
    return lines


def _source_line(source: SourceHealth) -> str:
    if source.last_poll is None:
        return f"kilde {source.url}: ikke hentet endnu"
    outcome = f"fejl: {source.last_error}" if source.failing else "ok"
    return f"kilde {source.url}: sidst hentet {_local(source.last_poll)}, {outcome}"


def _backlog_line(backlog: OutboxBacklog) -> str:
    if backlog.unsent == 0 or backlog.oldest is None:
        return "udbakke: tom"
    waiting = "1 besked venter" if backlog.unsent == 1 else f"{backlog.unsent} beskeder venter"
    return f"udbakke: {waiting}, den ældste fra {_local(backlog.oldest)}"


def bad_database_url() -> str:
    return "DATABASE_URL er ingen gyldig databaseadresse"


def database_file_missing(path: object) -> str:
    return f"databasefilen {path} findes ikke: start botten eller kør `kkrbot db upgrade`"


def database_empty() -> str:
    return "databasen er tom: hent dokumenter med `kkrbot ingest`, eller kør `kkrbot db upgrade`"


def database_url_unusable(err: BaseException) -> str:
    return f"databaseadressen kan ikke bruges: {err}"


def database_unreachable(detail: str) -> str:
    return f"databasen kan ikke nås: {detail}"


def database_unreadable(detail: str) -> str:
    return f"databasen kan ikke læses: {detail}"


def database_not_migrated(revision: str | None, expected: str) -> str:
    if revision is None:
        return f"databasen er ikke migreret (kkrbot forventer migrering {expected}): kør `kkrbot db upgrade`"
    return f"databasen er på migrering {revision}, men kkrbot forventer {expected}: kør `kkrbot db upgrade`"


def source_failing(url: str) -> str:
    return f"{url} fejlede ved sidste hentning"


def source_stale(url: str, last_poll: dt.datetime) -> str:
    return f"{url} er ikke hentet siden {_local(last_poll)}"


def backlog_old(oldest: dt.datetime) -> str:
    return f"udbakken har beskeder, der har ventet siden {_local(oldest)}"


def database_upgraded(revision: str) -> str:
    return f"databasen er opdateret (migrering {revision})"
