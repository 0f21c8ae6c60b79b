"""Render a meeting (as the parser's JSON) into a PDF with another layout, for generality tests.

KL's real documents vary: other fonts and sizes, reflowed paragraphs, no front page or no
contents. This typesets the same content with reportlab in a chosen style and returns the PDF
together with the JSON the parser must produce for it (page numbers as they fell in this layout).

Text fields may carry the line markup of parsing.model: `# ` lines are set as bold sub-headings,
`- ` entries (two more spaces per level) as bullets with a hanging indent, in the style's glyph
for their level, and `./. ` lines as bilag references.
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

ENTRY_RE = re.compile(
    r"^(?P<indent> *)(?:[-–•]\s+(?P<number>\d{1,2}[.)]\s+)?|(?P<plain>\d{1,2}\.\s))(?P<text>.*)$"
)


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
    bullets: tuple[str, str] = ("•", "–")  # the glyph of a first- and a second-level entry


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


@dataclass(frozen=True)
class _Block:
    """One paragraph to typeset: a sub-heading, a list entry (its level and number), a `./.` or text."""

    kind: str  # "heading", "entry", "attachment", "text"
    text: str
    level: int = 0
    number: str | None = None


def _paragraphs(text: str | None) -> list[_Block]:
    """The text's lines as paragraphs: headings, entries and `./.` lines on their own, other lines
    reflowed into the paragraph above them (a hyphen broken over lines joined again)."""
    blocks: list[_Block] = []
    for raw in (text or "").split("\n"):
        line = raw.strip()
        if not line:
            continue
        entry = ENTRY_RE.match(raw.rstrip())
        last = blocks[-1] if blocks else None
        if line.startswith("# "):
            blocks.append(_Block("heading", line[2:]))
        elif line.startswith("./."):
            blocks.append(_Block("attachment", line))
        elif entry:
            number = (entry["number"] or entry["plain"] or "").strip() or None
            blocks.append(_Block("entry", entry["text"], len(entry["indent"]) // 2, number))
        elif last is None or last.kind in ("heading", "attachment"):
            blocks.append(_Block("text", line))
        elif last.text.endswith("-") and line[:1].islower():
            blocks[-1] = replace(last, text=last.text[:-1] + line)
        elif last.text.endswith("-") and last.text.rsplit(" ", 1)[-1].startswith("http"):
            blocks[-1] = replace(last, text=last.text + line)  # a URL broken at one of its hyphens
        else:
            blocks[-1] = replace(last, text=f"{last.text} {line}")
    return blocks


def _block_styles(style: Style, body: ParagraphStyle) -> dict[str, Any]:
    """Paragraph styles for sub-headings and for entries at the first and second level."""
    hang = style.body * 1.5
    return {
        "heading": ParagraphStyle("sub", parent=body, fontName=style.bold, spaceBefore=style.body * 0.4,
                                  spaceAfter=2),
        "entry": [
            ParagraphStyle(f"entry{level}", parent=body, spaceAfter=style.body * 0.2,
                           bulletIndent=level * hang * 1.4, leftIndent=level * hang * 1.4 + hang)
            for level in range(2)
        ],
    }  # fmt: skip


def _block_flowable(block: _Block, body: ParagraphStyle, styles: dict[str, Any], style: Style) -> Paragraph:
    if block.kind == "heading":
        return _para(escape(block.text), styles["heading"])
    if block.kind == "entry":
        level = min(block.level, 1)
        paragraph = Paragraph(
            escape(block.text), styles["entry"][level], bulletText=block.number or style.bullets[level]
        )
        return paragraph
    return _para(escape(block.text), body)


def _attachment(block: _Block) -> str | None:
    return re.sub(r"^\./\.+\s*", "", block.text).strip("* ") if block.kind == "attachment" else None


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
        blocks = _block_styles(style, s["body"])
        for block in _paragraphs(section.get("text")):
            story.append(_block_flowable(block, s["body"], blocks, style))
        for item in items_by_section.get(section["number"], []):
            story += _item_story(item, s, style)
        story.append(PageBreak())
    header = f"{meeting['body']} | {date:%d-%m-%Y}"
    buffer = io.BytesIO()
    doc = _Doc(buffer, style, header)
    doc.build(story)
    want["pages"] = doc.page
    for item in want["items"]:
        item["page"] = doc.heading_pages[item["number"]]
    return buffer.getvalue(), want


def _item_story(item: dict[str, Any], s: dict[str, ParagraphStyle], style: Style) -> list[Any]:
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
    styles = _block_styles(style, s["body"])
    for field, label in parts:
        blocks = _paragraphs(item[field])
        if not blocks:
            continue
        story.append(_para(label, s["part"]))
        for block in blocks:
            if (title := _attachment(block)) is not None:
                item["attachments"].append(title)
            words = block.text.split(" ")
            if block.kind == "text" and annotation_links and len(words) > len(annotation_links):
                words = [escape(w) for w in words]
                for k, url in enumerate(annotation_links, start=1):  # the last words become links
                    words[-k] = f'<a href="{escape(url)}">{words[-k]}</a>'
                story.append(_para(" ".join(words), s["body"]))
                annotation_links = []
                continue
            story.append(_block_flowable(block, s["body"], styles, style))
    return story


def render_kdnet(
    meeting: dict[str, Any],
    style: Style,
    *,
    network: str = "kommunaldirektørnetværket i den midtjyske region",
    directors: str = "Kommunaldirektørerne i den midtjyske region",
    header: str | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """KD-Net minutes in `style`: title block, `Tid og sted:`, items `N. Title v. Presenter`.

    Another region's network: `network` as its title names it, `directors` as its participants, and
    `header`, a running header on every page (`K17 | 03-09-2021`), if it has one.
    """
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
        _para(f"Referat af møde i {escape(network)}, den {worded}", bold),
        _para(f"Tid og sted: {worded}, kl. {start} – 12.00, {escape(meeting['location'])}", bold),
        _para(f"Deltagere: {escape(directors)}.", body),
    ]
    for item in meeting["items"]:
        story.append(_para(f"{item['number']} {escape(item['title'])}", body))
    for item in want["items"]:
        title = f"{item['number']}. {escape(item['title'])}"
        if item["presenter"]:
            title += f" v. {escape(item['presenter'])}"
        story.append(_para(title, heading, key=item["number"]))
        for block in _paragraphs(item["recommendation"]):
            story.append(_block_flowable(block, italic, _block_styles(style, italic), style))
        item["attachments"] = []
        styles = _block_styles(style, body)
        for field, label in (("decision", "Referat"), ("case_presentation", "Sagsfremstilling")):
            blocks = _paragraphs(item[field])
            if blocks:
                story.append(_para(label, bold))
            for block in blocks:
                if (title := _attachment(block)) is not None:
                    item["attachments"].append(title)
                story.append(_block_flowable(block, body, styles, style))
    buffer = io.BytesIO()
    doc = _Doc(buffer, replace(style, header=header is not None, front_page=False), header or "")
    doc.build(story)
    want["pages"] = doc.page
    for item in want["items"]:
        item["page"] = doc.heading_pages[item["number"]]
    return buffer.getvalue(), want
