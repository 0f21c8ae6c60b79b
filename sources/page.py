"""Read a meeting page (KL's "Mødemateriale"): which links are meeting PDFs, and what the text says.

A meeting PDF is a PDF link that names its kind (dagsorden, referat, bilag) in its text or file name.
The page is walked in document order and cut into regions, one per heading; a link's hint comes from
its own text first, then its heading and the paragraphs of its region, then the outer headings.
Dates listed under a "Mødedatoer" heading without links become planned meetings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TypeVar
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from core.bodies import body_named
from core.dates import find_date, find_time_range, find_year
from core.kinds import KIND_WORDS_PATTERN, DocumentKind, kind_named
from sources.model import MeetingHint, MeetingLink, MeetingPage

T = TypeVar("T")

_HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Site chrome and non-content: their links are navigation, their text is no meeting's.
_SKIPPED_TAGS = {"header", "nav", "footer", "aside", "script", "style", "noscript", "template", "form"}
_PARAGRAPH_TAGS = {"p", "dd", "dt"}

_KIND_RE = re.compile(rf"\b({KIND_WORDS_PATTERN})", re.IGNORECASE)
_LOCATION_RE = re.compile(
    r"\b(?:afholdes|holdes|foregår|finder\s+sted)\s+(?:på|i|hos)\s+(?P<place>.+)|\bSted:\s*(?P<label>.+)",
    re.IGNORECASE,
)
_PLANNED_HEADING_RE = re.compile(r"mødedato|mødekalender|mødeplan", re.IGNORECASE)


@dataclass
class _Region:
    """The content under one heading: the heading path down to it and its paragraphs and list items."""

    headings: tuple[str, ...]  # outermost first
    paragraphs: list[str] = field(default_factory=list)
    list_items: list[str] = field(default_factory=list)


def read_meeting_page(html: str | bytes, page_url: str) -> MeetingPage:
    """The meeting PDFs a page links (absolute URLs, with hints) and the meetings it only lists."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    tree = LexborHTMLParser(html)
    root = tree.css_first("main") or tree.body or tree.root
    base = tree.css_first("base[href]")
    if base is not None:
        page_url = _absolute_url(base.attributes.get("href"), page_url) or page_url
    page_body = _page_body(tree)
    regions: list[_Region] = []
    anchors: list[tuple[LexborNode, _Region]] = []
    if root is not None:
        _walk(root, regions, anchors)

    links: list[MeetingLink] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for anchor, region in anchors:
        url = _absolute_url(anchor.attributes.get("href"), page_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        hint = _link_hint(_text(anchor), url, region, page_body) if _is_pdf_url(url) else None
        if hint is None or hint.kind_hint is None:
            ignored.append(url)
            continue
        links.append(MeetingLink(url=url, hint=hint))
    return MeetingPage(
        url=page_url,
        links=tuple(links),
        planned_meetings=tuple(_planned_meetings(regions, page_body)),
        ignored_urls=tuple(ignored),
    )


def _walk(root: LexborNode, regions: list[_Region], anchors: list[tuple[LexborNode, _Region]]) -> None:
    """Cut the content into heading regions, in document order, remembering each link's region."""
    stack: list[tuple[int, str]] = []
    region = _Region(headings=())
    regions.append(region)
    pending: list[LexborNode] = [root]
    while pending:
        node = pending.pop()
        tag = node.tag or ""
        if tag in _SKIPPED_TAGS:
            continue
        level = _HEADING_LEVELS.get(tag)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, _text(node)))
            region = _Region(headings=tuple(text for _, text in stack))
            regions.append(region)
        elif tag in _PARAGRAPH_TAGS:
            region.paragraphs.append(_text(node))
        elif tag == "li" and node.css_first("a") is None:
            region.list_items.append(_text(node))
        elif tag == "a" and node.attributes.get("href"):
            anchors.append((node, region))
            continue
        children = [child for child in node.iter(include_text=False)]
        pending.extend(reversed(children))


def _text(node: LexborNode) -> str:
    return " ".join(node.text(deep=True, separator=" ").split())


def _absolute_url(href: str | None, page_url: str) -> str | None:
    """The link as an absolute http(s) URL without fragment; None for mailto:, javascript: and the like."""
    if not href or not href.strip():
        return None
    url, _fragment = urldefrag(urljoin(page_url, href.strip()))
    return url if urlsplit(url).scheme in ("http", "https") else None


def _is_pdf_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".pdf")


def _url_words(url: str) -> str:
    """A URL's file name as words: "referat-kd-net-20-august-2021.pdf" -> "referat kd net 20 august 2021"."""
    stem = PurePosixPath(unquote(urlsplit(url).path)).stem
    return re.sub(r"[-_+]+", " ", stem)


def find_kind(text: str) -> DocumentKind | None:
    """The document kind a text names first; "Bilag til dagsorden" is bilag."""
    m = _KIND_RE.search(text)
    if not m:
        return None
    return kind_named(m[1])


def find_location(text: str) -> str | None:
    """The place in "Mødet afholdes på Comwell Klostergaarden, Klostergade 1, Silkeborg" or "Sted: ..."."""
    m = _LOCATION_RE.search(text)
    if not m:
        return None
    place = m["place"] or m["label"] or ""
    place = re.split(r",?\s+(?:kl\.|klokken|den\s+\d)", place, maxsplit=1)[0]
    place = place.strip().rstrip(".").strip()
    return place or None


def _first(texts: Iterable[str], find: Callable[[str], T | None]) -> T | None:
    """What `find` finds in the first text where it finds anything."""
    for text in texts:
        found = find(text)
        if found is not None:
            return found
    return None


def _first_date(texts: Iterable[str], default_year: int | None) -> dt.date | None:
    for text in texts:
        found = find_date(text, default_year)
        if found is not None:
            return found
    return None


def _first_times(texts: Iterable[str]) -> tuple[dt.time | None, dt.time | None]:
    for text in texts:
        start, end = find_time_range(text)
        if start is not None:
            return start, end
    return None, None


def _nearest_first(region: _Region) -> Iterator[str]:
    """The texts around a link by closeness: nearest heading, the region's paragraphs, outer headings."""
    if region.headings:
        yield region.headings[-1]
    yield from region.paragraphs
    yield from reversed(region.headings[:-1])


def _link_hint(link_text: str, url: str, region: _Region, page_body: str | None) -> MeetingHint:
    context = [link_text, *_nearest_first(region)]
    default_year = _first(context, find_year)
    start, end = _first_times([link_text, *region.headings[-1:], *region.paragraphs])
    return MeetingHint(
        body=_first(context, body_named) or page_body,
        meeting_date=_first_date([*context, _url_words(url)], default_year),
        start_time=start,
        end_time=end,
        location=_first([*region.paragraphs, link_text], find_location),
        title=link_text or None,
        kind_hint=_first([link_text, _url_words(url)], find_kind),
    )


def _page_body(tree: LexborHTMLParser) -> str | None:
    """The body the whole page is about, from its title, main heading or lead paragraph."""
    for selector in ("title", "h1", "main p", "body p"):
        node = tree.css_first(selector)
        if node is not None and (body := body_named(_text(node))):
            return body
    return None


def _planned_meetings(regions: list[_Region], page_body: str | None) -> Iterator[MeetingHint]:
    """Dates listed under a "Mødedatoer" heading: meetings known only from the page."""
    seen: set[dt.date] = set()
    for region in regions:
        if not any(_PLANNED_HEADING_RE.search(heading) for heading in region.headings):
            continue
        default_year = next((y for h in reversed(region.headings) if (y := find_year(h))), None)
        for text in [*region.list_items, *region.paragraphs]:
            day = find_date(text, find_year(text) or default_year)
            if day is None or day in seen:
                continue
            seen.add(day)
            start, end = find_time_range(text)
            yield MeetingHint(
                body=body_named(text) or page_body,
                meeting_date=day,
                start_time=start,
                end_time=end,
                location=find_location(text),
                title=text,
            )
