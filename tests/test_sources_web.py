"""The meeting-page source against a real HTTP server on 127.0.0.1 serving KL's page and the fixture PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.bodies import body_named
from core.dates import find_date, find_time_range
from core.kinds import DocumentKind
from parsing import parse_document
from sources import (
    MeetingPageSource,
    PageState,
    PoliteClient,
    RetryPolicy,
    SourceError,
    read_meeting_page,
)
from sources.page import find_kind, find_location
from tests.http_server import DROP_CONNECTION, LocalHttpServer

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_PATH = "/politik/kkr/kkr-midtjylland/moedemateriale/"
KL = "https://www.kl.dk"
DAGSORDEN = "/media/3e0fphaz/dagsorden-kkr-midtjylland-23-marts-2022.pdf?format=noformat"
REFERAT = "/media/27360/referat-kkr-midtjylland-den-23-april.pdf"
BILAG = "/media/27358/bilag-kkr-midtjylland-23-april-2021.pdf"
KDNET = "/media/ofpnxnk3/referat-kd-net-20-august-2021.pdf?format=noformat"
PDF_FILES = {
    DAGSORDEN: "kkr-dagsorden-2022-03-23.pdf",
    REFERAT: "kkr-referat-2021-04-23.pdf",
    BILAG: "kkr-bilag-2021-04-23.pdf",
    KDNET: "kdnet-referat-2021-08-20.pdf",
}
ETAG = '"moedemateriale-v1"'
LAST_MODIFIED = "Wed, 16 Mar 2022 08:00:00 GMT"


class RecordedSleep:
    """Stands in for time.sleep: keeps the delays asked for, waits for none of them."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def fixture_pdf(path: str) -> bytes:
    return (FIXTURES / "pdf" / PDF_FILES[path]).read_bytes()


@pytest.fixture
def server() -> Iterator[LocalHttpServer]:
    with LocalHttpServer() as srv:
        srv.add(
            PAGE_PATH,
            (FIXTURES / "web" / "moedemateriale.html").read_bytes(),
            "text/html; charset=utf-8",
            etag=ETAG,
            last_modified=LAST_MODIFIED,
        )
        for path in PDF_FILES:
            srv.add(path, fixture_pdf(path))
        yield srv


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def source(server: LocalHttpServer, sleep: RecordedSleep) -> Iterator[MeetingPageSource]:
    client = PoliteClient(
        retry=RetryPolicy(attempts=3, base_delay=0.25, max_delay=2.0, sleep=sleep),
        origin_map={KL: server.base_url},
        contact_url="https://example.org/kkrbot-test",
    )
    with client, MeetingPageSource(client) as src:
        yield src


def url_of(server: LocalHttpServer, path: str) -> str:
    """The URL a link on the page resolves to: relative ones on the local server, the bilag on kl.dk."""
    return KL + path if path == BILAG else server.url(path)


def test_page_yields_exactly_the_four_meeting_pdfs_with_hints(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    poll = source.poll(server.url(PAGE_PATH))

    assert poll.ok and not poll.unchanged and poll.error is None
    by_url = {link.url: link for link in poll.links}
    assert set(by_url) == {url_of(server, path) for path in PDF_FILES}
    for path in PDF_FILES:
        link = by_url[url_of(server, path)]
        assert link.status == "ok" and link.pdf is not None
        assert link.pdf.data == fixture_pdf(path)
        assert link.pdf.sha256 == hashlib.sha256(fixture_pdf(path)).hexdigest()
        assert link.pdf.source_url == url_of(server, path)
        assert link.pdf.hint == link.hint

    march = by_url[server.url(DAGSORDEN)].hint
    assert march is not None
    assert (march.body, march.meeting_date, march.kind_hint) == (
        "KKR Midtjylland",
        dt.date(2022, 3, 23),
        "dagsorden",
    )
    assert (march.start_time, march.end_time) == (dt.time(10, 0), dt.time(12, 30))
    assert march.location == "Comwell Klostergaarden, Klostergade 1, Silkeborg"
    assert march.title == "Dagsorden KKR Midtjylland 23. marts 2022"

    referat, bilag = by_url[server.url(REFERAT)].hint, by_url[KL + BILAG].hint
    assert referat is not None and bilag is not None
    assert (referat.body, referat.meeting_date, referat.kind_hint) == (
        "KKR Midtjylland",
        dt.date(2021, 4, 23),
        "referat",
    )
    assert (bilag.body, bilag.meeting_date, bilag.kind_hint) == (
        "KKR Midtjylland",
        dt.date(2021, 4, 23),
        "bilag",
    )
    assert referat.start_time is None and referat.location is None

    kdnet = by_url[server.url(KDNET)].hint
    assert kdnet is not None
    assert (kdnet.body, kdnet.meeting_date, kdnet.kind_hint) == ("KD-Net", dt.date(2021, 8, 20), "referat")

    # the .docx and the navigation links are never even requested
    assert sorted(server.paths()) == sorted([PAGE_PATH, *PDF_FILES])


def test_dates_listed_without_links_are_planned_meetings(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    poll = source.poll(server.url(PAGE_PATH))

    planned = {hint.meeting_date: hint for hint in poll.planned_meetings}
    assert list(planned) == [
        dt.date(2022, 1, 19),
        dt.date(2022, 3, 23),
        dt.date(2022, 6, 14),
        dt.date(2022, 9, 19),
    ]
    assert all(hint.body == "KKR Midtjylland" and hint.kind_hint is None for hint in planned.values())
    assert "konstituerende møde" in (planned[dt.date(2022, 1, 19)].title or "")


def test_every_request_names_kkrbot_in_its_user_agent(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    source.poll(server.url(PAGE_PATH))

    agents = {request.headers.get("user-agent", "") for request in server.requests}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("kkrbot/") and "+https://example.org/kkrbot-test" in agent
    assert agent.split()[0].split("/")[1][0].isdigit()  # a version number


def test_second_poll_with_etag_gets_304_and_downloads_nothing(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    first = source.poll(server.url(PAGE_PATH))
    assert first.state == PageState(etag=ETAG, last_modified=LAST_MODIFIED)
    server.clear_log()

    second = source.poll(server.url(PAGE_PATH), first.state)

    assert second.unchanged and second.ok and second.links == ()
    assert second.state == first.state
    assert server.paths() == [PAGE_PATH]
    assert server.requests[0].headers["if-none-match"] == ETAG
    assert server.requests[0].headers["if-modified-since"] == LAST_MODIFIED


def test_last_modified_alone_also_gives_304(server: LocalHttpServer, source: MeetingPageSource) -> None:
    server.routes[PAGE_PATH].etag = None
    first = source.poll(server.url(PAGE_PATH))
    assert first.state == PageState(etag=None, last_modified=LAST_MODIFIED)
    server.clear_log()

    second = source.poll(server.url(PAGE_PATH), first.state)

    assert second.unchanged and server.paths() == [PAGE_PATH]
    assert "if-none-match" not in server.requests[0].headers


def test_a_changed_page_is_read_again(server: LocalHttpServer, source: MeetingPageSource) -> None:
    first = source.poll(server.url(PAGE_PATH))
    server.routes[PAGE_PATH].etag = '"moedemateriale-v2"'
    server.routes[PAGE_PATH].last_modified = "Thu, 17 Mar 2022 08:00:00 GMT"

    second = source.poll(server.url(PAGE_PATH), first.state, known_urls={link.url for link in first.links})

    assert not second.unchanged and second.state.etag == '"moedemateriale-v2"'
    assert [link.status for link in second.links] == ["known"] * 4


def test_known_urls_are_not_downloaded_again(server: LocalHttpServer, source: MeetingPageSource) -> None:
    known = {url_of(server, path) for path in (DAGSORDEN, REFERAT, BILAG)}

    poll = source.poll(server.url(PAGE_PATH), known_urls=known)

    statuses = {link.url: link.status for link in poll.links}
    assert statuses == {**dict.fromkeys(known, "known"), server.url(KDNET): "ok"}
    assert [pdf.source_url for pdf in poll.fetched] == [server.url(KDNET)]
    assert {path: server.count(path) for path in PDF_FILES} == {DAGSORDEN: 0, REFERAT: 0, BILAG: 0, KDNET: 1}
    # a known link still carries its hint, e.g. to fill a planned meeting's place
    assert all(link.hint is not None and link.hint.meeting_date is not None for link in poll.links)


def test_server_errors_are_retried_with_growing_delays(
    server: LocalHttpServer, source: MeetingPageSource, sleep: RecordedSleep
) -> None:
    server.routes[DAGSORDEN].failures = [500, 503]
    server.routes[PAGE_PATH].failures = [502]

    poll = source.poll(server.url(PAGE_PATH))

    assert poll.ok and len(poll.fetched) == 4
    assert server.count(DAGSORDEN) == 3 and server.count(PAGE_PATH) == 2
    assert sleep.delays == [0.25, 0.25, 0.5]  # page: one retry; PDF: two, doubling


def test_429_waits_as_long_as_retry_after_says_within_the_cap(
    server: LocalHttpServer, source: MeetingPageSource, sleep: RecordedSleep
) -> None:
    server.routes[KDNET].failures = [429, 429]
    server.routes[KDNET].extra_headers = {"Retry-After": "1"}
    server.routes[REFERAT].failures = [429]
    server.routes[REFERAT].extra_headers = {"Retry-After": "120"}

    poll = source.poll(server.url(PAGE_PATH))

    assert poll.ok
    assert sorted(sleep.delays) == [1.0, 1.0, 2.0]  # 120 s is capped at max_delay


def test_retries_are_bounded_and_end_in_a_danish_error(
    server: LocalHttpServer, source: MeetingPageSource, sleep: RecordedSleep
) -> None:
    server.routes[BILAG].failures = [500] * 10

    poll = source.poll(server.url(PAGE_PATH))

    bilag = next(link for link in poll.links if link.url == KL + BILAG)
    assert bilag.status == "error" and bilag.pdf is None
    assert bilag.error == "serverfejl (HTTP 500), opgivet efter 3 forsøg"
    assert server.count(BILAG) == 3 and len(sleep.delays) == 2
    assert [link.status for link in poll.links].count("ok") == 3


def test_a_dropped_connection_is_retried(server: LocalHttpServer, source: MeetingPageSource) -> None:
    server.routes[REFERAT].failures = [DROP_CONNECTION]

    poll = source.poll(server.url(PAGE_PATH))

    assert poll.ok and server.count(REFERAT) == 2


def test_broken_pdf_links_are_errors_while_the_others_succeed(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    del server.routes[REFERAT]  # 404 with an HTML page
    server.routes[BILAG].body = (FIXTURES / "bad" / "html-error-page.pdf").read_bytes()

    poll = source.poll(server.url(PAGE_PATH))

    results = {link.url: link for link in poll.links}
    assert results[server.url(REFERAT)].status == "error"
    assert results[server.url(REFERAT)].error == "findes ikke (HTTP 404)"
    assert results[KL + BILAG].status == "error"
    assert results[KL + BILAG].error == "filen er en HTML-side og ikke en PDF (måske en fejlside)"
    assert {pdf.source_url for pdf in poll.fetched} == {server.url(DAGSORDEN), server.url(KDNET)}
    assert not poll.ok and poll.error is None
    assert server.count(REFERAT) == 1  # a 404 is not retried


def test_a_failed_link_keeps_the_old_validators_so_it_is_tried_again(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    server.routes[KDNET].failures = [404]
    first = source.poll(server.url(PAGE_PATH))
    assert not first.ok and first.state == PageState()
    known = {pdf.source_url for pdf in first.fetched}
    server.clear_log()

    second = source.poll(server.url(PAGE_PATH), first.state, known_urls=known)

    assert second.ok and [pdf.source_url for pdf in second.fetched] == [server.url(KDNET)]
    assert sorted(server.paths()) == sorted([PAGE_PATH, KDNET])
    assert second.state.etag == ETAG


def test_a_broken_page_is_a_result_not_an_exception(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    missing = source.poll(server.url("/politik/findes-ikke/"), PageState(etag='"old"'))
    assert missing.error == "findes ikke (HTTP 404)" and missing.links == ()
    assert missing.state == PageState(etag='"old"')

    with LocalHttpServer() as closed:
        closed_url = closed.url(PAGE_PATH)
    refused = source.poll(closed_url)
    assert refused.error == "kunne ikke forbinde til serveren, opgivet efter 3 forsøg"

    server.add("/notes.docx", b"PK\x03\x04", "application/vnd.openxmlformats-officedocument")
    wrong = source.poll(server.url("/notes.docx"))
    assert wrong.error is not None and wrong.error.startswith("adressen er hverken en mødeside eller en PDF")


def test_a_slow_server_times_out_with_a_danish_reason(server: LocalHttpServer, sleep: RecordedSleep) -> None:
    server.routes[KDNET].delay_seconds = 0.5
    client = PoliteClient(retry=RetryPolicy(attempts=1, sleep=sleep), timeout=httpx.Timeout(0.1))
    with client, MeetingPageSource(client) as src, pytest.raises(SourceError) as caught:
        src.fetch_pdf(server.url(KDNET))
    assert str(caught.value) == "serveren svarede ikke i tide, opgivet efter 1 forsøg"


def test_a_pdf_given_directly_by_url(server: LocalHttpServer, source: MeetingPageSource) -> None:
    pdf = source.fetch_pdf(KL + DAGSORDEN)
    assert pdf.data == fixture_pdf(DAGSORDEN) and pdf.source_url == KL + DAGSORDEN and pdf.hint is None

    polled = source.poll(KL + KDNET)
    assert polled.ok and [p.data for p in polled.fetched] == [fixture_pdf(KDNET)]

    with pytest.raises(SourceError, match=r"^findes ikke \(HTTP 404\)$"):
        source.fetch_pdf(server.url("/media/0/mangler.pdf"))
    with pytest.raises(SourceError, match="ugyldig adresse"):
        source.fetch_pdf("ftp://www.kl.dk/x.pdf")


def test_the_whole_page_can_live_on_the_mapped_origin(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    poll = source.poll(KL + PAGE_PATH)

    assert poll.ok and {link.url for link in poll.links} == {KL + path for path in PDF_FILES}


def test_an_oversized_download_is_refused(server: LocalHttpServer) -> None:
    with PoliteClient() as client, pytest.raises(SourceError, match="for stor"):
        client.get(server.url(BILAG), max_bytes=1024)


def test_relative_links_follow_a_redirected_page(server: LocalHttpServer, source: MeetingPageSource) -> None:
    page = b"""<html><body><h2>Referat KKR Midtjylland 23. april 2021</h2>
    <a href="referat.pdf">Referat</a></body></html>"""
    server.add("/kkr/moeder/2021/", page, "text/html")
    server.add("/kkr/moeder/", b"", redirect_to="/kkr/moeder/2021/")
    server.add("/kkr/moeder/2021/referat.pdf", fixture_pdf(REFERAT))

    poll = source.poll(server.url("/kkr/moeder/"))

    assert poll.ok and [pdf.source_url for pdf in poll.fetched] == [
        server.url("/kkr/moeder/2021/referat.pdf")
    ]


# --- reading the page, without HTTP -------------------------------------------------------------


def test_page_reading_ignores_navigation_docx_and_pdfs_without_meeting_context() -> None:
    html = """<html><head><title>Mødemateriale - KKR Midtjylland</title></head><body>
    <nav><a href="/media/1/dagsorden-1-juni-2022.pdf">Dagsorden</a></nav>
    <base href="https://www.kl.dk/kkr/moeder/">
    <main><h2>Møde den 1. juni 2022</h2>
    <p>Mødet afholdes i Viborg, kl. 9.00 - 11.00.</p>
    <a href="dagsorden.pdf#side=2">Dagsorden</a> <a href="dagsorden.pdf">Dagsorden igen</a>
    <a href="/media/2/arsberetning.PDF">Årsberetning</a> <a href="mailto:kkr@kl.dk">Skriv</a>
    <a href="/media/3/notat.docx">Notat 1. juni 2022</a></main>
    <footer><a href="/media/4/privatlivspolitik.pdf">Privatliv</a></footer></body></html>"""

    page = read_meeting_page(html, "https://www.kl.dk/kkr/")

    assert [link.url for link in page.links] == ["https://www.kl.dk/kkr/moeder/dagsorden.pdf"]
    hint = page.links[0].hint
    assert (hint.meeting_date, hint.location, hint.start_time, hint.end_time) == (
        dt.date(2022, 6, 1),
        "Viborg",
        dt.time(9, 0),
        dt.time(11, 0),
    )
    assert hint.body == "KKR Midtjylland"  # from the page title
    assert "https://www.kl.dk/media/2/arsberetning.PDF" in page.ignored_urls
    assert "https://www.kl.dk/media/3/notat.docx" in page.ignored_urls


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Møde den 23. marts 2022", dt.date(2022, 3, 23)),
        ("KD-Net holdt møde den 20. august 2021, kl. 10.00", dt.date(2021, 8, 20)),
        ("Referat 23-03-2022", dt.date(2022, 3, 23)),
        ("dagsorden kkr midtjylland 23 marts 2022", dt.date(2022, 3, 23)),
        ("Udgivet 2022-03-16", dt.date(2022, 3, 16)),
        ("Møde 23. mar. 2022", dt.date(2022, 3, 23)),
        ("19/1 2022", dt.date(2022, 1, 19)),  # no regex form: dateparser decides
        ("31. februar 2022", None),
        ("Mødemateriale 2022", None),
        ("i morgen", None),
    ],
)
def test_danish_dates(text: str, expected: dt.date | None) -> None:
    assert find_date(text) == expected


def test_a_date_without_year_takes_the_context_year() -> None:
    assert find_date("Onsdag den 19. januar", default_year=2022) == dt.date(2022, 1, 19)
    assert find_date("Onsdag den 19. januar") is None


def test_times_places_bodies_and_kinds() -> None:
    assert find_time_range("holder møde den 23. marts 2022 kl. 10.00 – 12.30") == (
        dt.time(10),
        dt.time(12, 30),
    )
    assert find_time_range("kl. 9:15") == (dt.time(9, 15), None)
    assert find_location("Mødet afholdes på Comwell Klostergaarden, Klostergade 1, Silkeborg.") == (
        "Comwell Klostergaarden, Klostergade 1, Silkeborg"
    )
    assert find_location("Sted: Regionshuset Viborg") == "Regionshuset Viborg"
    assert body_named("Referat af møde i kommunaldirektørnetværket") == "KD-Net"
    assert body_named("KKR Nordjylland og KKR Midtjylland") == "KKR Nordjylland"
    assert find_kind("Bilag til dagsorden 23. april 2021") == "bilag"
    assert find_kind("Tillægsdagsorden") == DocumentKind.TILLAEGSDAGSORDEN
    assert find_kind("Forretningsorden") is None


def test_the_hints_agree_with_what_the_parser_reads_from_the_same_pdfs(
    server: LocalHttpServer, source: MeetingPageSource
) -> None:
    poll = source.poll(server.url(PAGE_PATH))

    for link in poll.links:
        assert link.pdf is not None and link.hint is not None
        parsed = parse_document(link.pdf.data)
        assert (link.hint.body, link.hint.meeting_date, link.hint.kind_hint) == (
            parsed.body,
            parsed.meeting_date,
            parsed.kind,
        )
        if link.hint.start_time is not None:
            assert (link.hint.start_time, link.hint.location) == (parsed.start_time, parsed.location)
