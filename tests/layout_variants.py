"""Render a meeting (as the parser's JSON) into a PDF with another layout, for generality tests.

KL's real documents vary: other fonts and sizes, reflowed paragraphs, no front page or no
contents. This typesets the same content with reportlab in a chosen style and returns the PDF
together with the JSON the parser must produce for it (page numbers as they fell in this layout).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph, Spacer

LIST_START = re.compile(r"^(?:[-–•]\s|\./\.|\d{1,2}\.\s)")


@dataclass(frozen=True)
class Style:
    font: str = "Times-Roman"
    bold: str = "Times-Bold"
    italic: str = "Times-Italic"
    body: float = 11
    section: float = 15
    item: float = 12.5
    leading: float = 1.25
    margin: float = 60
    front_page: bool = True
    contents: bool = True
    header: bool = True


class _Doc(BaseDocTemplate):
    """Records the page each heading lands on."""

    def __init__(self, buffer: io.BytesIO, style: Style, header: str) -> None:
        super().__init__(buffer, pagesize=A4, leftMargin=style.margin, rightMargin=style.margin)
        self.heading_pages: dict[str, int] = {}
        frame = Frame(style.margin, 50, A4[0] - 2 * style.margin, A4[1] - 120)

        def draw_header(canvas: Any, doc: Any) -> None:
            if style.header and (doc.page > 1 or not style.front_page):
                canvas.setFont(style.font, 7.5)
                canvas.drawString(style.margin, A4[1] - 40, f"{header}    SIDE | {doc.page}")

        self.addPageTemplates([PageTemplate(frames=[frame], onPage=draw_header)])

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 (reportlab's hook name)
        key = getattr(flowable, "heading_key", None)
        if key:
            self.heading_pages.setdefault(key, self.page)


def _paragraphs(text: str | None) -> list[str]:
    """The document's lines joined into paragraphs; bullets and `./.` lines stay on their own."""
    paragraphs: list[str] = []
    for line in (text or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        if not paragraphs or LIST_START.match(line) or paragraphs[-1].startswith("./."):
            paragraphs.append(line)
        elif paragraphs[-1].endswith("-") and line[:1].islower():
            paragraphs[-1] = paragraphs[-1][:-1] + line
        elif paragraphs[-1].endswith("-") and paragraphs[-1].rsplit(" ", 1)[-1].startswith("http"):
            paragraphs[-1] += line  # a URL broken at one of its hyphens
        else:
            paragraphs[-1] += " " + line
    return paragraphs


def _para(text: str, style: ParagraphStyle, key: str | None = None) -> Paragraph:
    paragraph = Paragraph(text, style)
    paragraph.heading_key = key  # type: ignore[attr-defined]
    return paragraph


def render(meeting: dict[str, Any], style: Style) -> tuple[bytes, dict[str, Any]]:
    """The PDF of `meeting` in `style`, and the JSON the parser must produce for that PDF."""
    want = copy.deepcopy(meeting)
    date = dt.date.fromisoformat(meeting["meeting_date"])
    s = {
        "body": ParagraphStyle("body", fontName=style.font, fontSize=style.body,
                               leading=style.body * style.leading, spaceAfter=style.body * 0.8),
        "part": ParagraphStyle("part", fontName=style.bold, fontSize=style.body,
                               leading=style.body * style.leading, spaceBefore=4, spaceAfter=4),
        "case": ParagraphStyle("case", fontName=style.font, fontSize=style.body * 0.75,
                               leading=style.body, spaceAfter=style.body),
        "item": ParagraphStyle("item", fontName=style.bold, fontSize=style.item,
                               leading=style.item * 1.3, spaceBefore=18, spaceAfter=4),
        "section": ParagraphStyle("section", fontName=style.bold, fontSize=style.section,
                                  leading=style.section * 1.3, spaceAfter=20),
        "title": ParagraphStyle("title", fontName=style.bold, fontSize=26, leading=34, spaceAfter=20),
        "toc": ParagraphStyle("toc", fontName=style.font, fontSize=style.body - 1, leading=style.body * 1.5),
    }  # fmt: skip
    story: list[Any] = []
    if style.front_page:
        kind = meeting["kind"].upper()
        story += [
            Spacer(1, 120),
            _para(f"{kind} {date.year}", s["title"]),
            _para(meeting["body"].upper(), s["section"]),
            _para(f"Dato: {date:%d-%m-%Y} kl. {meeting['start_time'] or ''}", s["part"]),
            _para(f"Sted: {escape(meeting['location'] or '')}", s["part"]),
            PageBreak(),
        ]
    else:
        want.update(start_time=None, location=None)
    if style.contents:
        story.append(_para("Indholdsfortegnelse", s["section"]))
        for section in meeting["sections"]:
            story.append(
                _para(f"{section['number']}. {escape(section['title'])} " + "." * 40 + " 4", s["toc"])
            )
            for item in meeting["items"]:
                if item["number"].split(".")[0] == section["number"]:
                    story.append(_para(f"{item['number']}. {escape(item['title'][:60])} ....... 5", s["toc"]))
        story.append(PageBreak())
    items_by_section: dict[str, list[dict[str, Any]]] = {}
    for item in want["items"]:
        items_by_section.setdefault(item["number"].split(".")[0], []).append(item)
    for section in meeting["sections"]:
        story.append(_para(f"{section['number']}. {escape(section['title'])}", s["section"]))
        for paragraph in _paragraphs(section.get("text")):
            story.append(_para(escape(paragraph), s["body"]))
        for item in items_by_section.get(section["number"], []):
            story += _item_story(item, s)
        story.append(PageBreak())
    header = f"{meeting['body']} | {date:%d-%m-%Y}"
    buffer = io.BytesIO()
    doc = _Doc(buffer, style, header)
    doc.build(story)
    want["pages"] = doc.page
    for item in want["items"]:
        item["page"] = doc.heading_pages[item["number"]]
    return buffer.getvalue(), want


def _item_story(item: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    """An item's heading, case line and parts; its expected attachments become whole `./.` paragraphs."""
    story: list[Any] = [_para(f"{item['number']}. {escape(item['title'])}", s["item"], key=item["number"])]
    if item["case_number"]:
        story.append(_para(f"{item['case_number']} abc/def", s["case"]))
    parts = (
        ("background", "Baggrund"),
        ("recommendation", "Indstilling"),
        ("case_presentation", "Sagsfremstilling"),
        ("decision", "Beslutning"),
    )
    written = " ".join(item[field] or "" for field, _ in parts).replace("-\n", "-")
    annotation_links = [u for u in item["links"] if u not in written]
    item["attachments"] = []
    for field, label in parts:
        paragraphs = _paragraphs(item[field])
        if not paragraphs:
            continue
        story.append(_para(label, s["part"]))
        for paragraph in paragraphs:
            markup = escape(paragraph)
            if paragraph.startswith("./."):
                item["attachments"].append(re.sub(r"^\./\.+\s*", "", paragraph).strip("* "))
            words = markup.split(" ")
            if annotation_links and len(words) > len(annotation_links):
                for k, url in enumerate(annotation_links, start=1):  # the last words become links
                    words[-k] = f'<a href="{escape(url)}">{words[-k]}</a>'
                markup = " ".join(words)
                annotation_links = []
            story.append(_para(markup, s["body"]))
    return story


def render_kdnet(meeting: dict[str, Any], style: Style) -> tuple[bytes, dict[str, Any]]:
    """KD-Net minutes in `style`: title block, `Tid og sted:`, items `N. Title v. Presenter`."""
    want = copy.deepcopy(meeting)
    date = dt.date.fromisoformat(meeting["meeting_date"])
    months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
              "oktober", "november", "december"]  # fmt: skip
    worded = f"{date.day}. {months[date.month - 1]} {date.year}"
    body = ParagraphStyle("b", fontName=style.font, fontSize=style.body, leading=style.body * style.leading,
                          spaceAfter=style.body * 0.6)  # fmt: skip
    bold = ParagraphStyle("s", parent=body, fontName=style.bold)
    italic = ParagraphStyle("i", parent=body, fontName=style.italic)
    heading = ParagraphStyle("h", parent=body, fontName=style.bold, fontSize=style.item,
                             leading=style.item * 1.25, spaceBefore=12)  # fmt: skip
    start = meeting["start_time"].replace(":", ".")
    story: list[Any] = [
        _para(f"Referat af møde i kommunaldirektørnetværket i den midtjyske region, den {worded}", bold),
        _para(f"Tid og sted: {worded}, kl. {start} – 12.00, {escape(meeting['location'])}", bold),
        _para("Deltagere: Kommunaldirektørerne i den midtjyske region.", body),
    ]
    for item in meeting["items"]:
        story.append(_para(f"{item['number']} {escape(item['title'])}", body))
    for item in want["items"]:
        title = f"{item['number']}. {escape(item['title'])}"
        if item["presenter"]:
            title += f" v. {escape(item['presenter'])}"
        story.append(_para(title, heading, key=item["number"]))
        for paragraph in _paragraphs(item["recommendation"]):
            story.append(_para(escape(paragraph), italic))
        item["attachments"] = []
        for field, label in (("decision", "Referat"), ("case_presentation", "Sagsfremstilling")):
            paragraphs = _paragraphs(item[field])
            if paragraphs:
                story.append(_para(label, bold))
            for paragraph in paragraphs:
                if paragraph.startswith("./."):
                    item["attachments"].append(re.sub(r"^\./\.+\s*", "", paragraph).strip("* "))
                story.append(_para(escape(paragraph), body))
    buffer = io.BytesIO()
    doc = _Doc(buffer, replace(style, header=False), "")
    doc.build(story)
    want["pages"] = doc.page
    for item in want["items"]:
        item["page"] = doc.heading_pages[item["number"]]
    return buffer.getvalue(), want
