"""The 通报 as a Word document in the layout of official documents (GB/T 9704-2012,
党政机关公文格式): A4, margins of 37 mm top, 35 mm bottom, 28 mm left and 26 mm right, the
title in 2号 小标宋, the body in 3号 仿宋, first-level headings in 黑体 and second-level
in 楷体, page numbers ``— N —`` in 4号 宋体 at the foot. The same summary as the HTML
bulletin (header block, summary, units ranked by rate, overdue list, trend) as real Word
tables; the finding list with ``details``.

Fonts are named as offices have them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) for both
the Latin and the East Asian slot, so Word uses them where installed and LibreOffice
falls back to a CJK font (Noto CJK) where not. python-docx is imported only here.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from rectify.domain.trend import Bulletin, recent
from rectify.present.bulletin import (
    MAX_OVERDUE,
    WORDS,
    _by_aspect,
    _late_headers,
    _late_rows,
    _levels,
    _state,
    _unit_table,
    day_text,
    issued_text,
)
from rectify.present.bulletin import summary as summary_text
from rectify.present.bulletin import title as title_text
from rectify.present.words import BULLETIN, word

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
"""The fonts of GB/T 9704-2012, by the names Chinese offices have them installed under;
letters and digits in Times New Roman as offices set them (Liberation Serif, of the same
widths, in LibreOffice)."""

FALLBACKS = {
    TITLE_FONT: "Noto Serif CJK SC",
    BODY_FONT: "Noto Serif CJK SC",
    NUMBER_FONT: "Noto Serif CJK SC",
    HEADING_FONT: "Noto Sans CJK SC",
    SUBHEADING_FONT: "Noto Serif CJK SC",
}
"""The font that stands in for each office font where it is not installed (w:altName in
the document's font table; LibreOffice on Linux has Noto CJK)."""

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 10.5  # 5号: tables in the body of official documents
NUMBER_PT = 14  # 4号


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    """Set ``run``'s font: ``name`` for East Asian text (w:eastAsia), :data:`LATIN_FONT`
    for letters and digits; size in pt."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _chinese(style: Any) -> None:
    """Mark ``style``'s East Asian text as Simplified Chinese (w:lang w:eastAsia="zh-CN"),
    so a stand-in font is chosen with its Chinese glyphs and line breaking."""
    from docx.oxml.ns import qn

    props = style.element.get_or_add_rPr()
    lang = props.makeelement(qn("w:lang"), {qn("w:val"): "zh-CN", qn("w:eastAsia"): "zh-CN"})
    props.append(lang)


def _fallbacks(doc: Any) -> None:
    """Name in the document's font table, for each office font, the font that stands in
    for it where it is missing (:data:`FALLBACKS`)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    part = doc.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(part.blob)
    for name, fallback in FALLBACKS.items():
        font = table.makeelement(qn("w:font"), {qn("w:name"): name})
        alt = font.makeelement(qn("w:altName"), {qn("w:val"): fallback})
        font.append(alt)
        charset = font.makeelement(qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        font.append(charset)
        family = "swiss" if "Sans" in fallback else "roman"
        font.append(font.makeelement(qn("w:family"), {qn("w:val"): family}))
        table.append(font)
    part._blob = serialize_part_xml(table)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """``text`` without the characters a Word document (XML) cannot hold, shown visibly
    (``\\x01``) so an export never fails on text a person typed."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def _paragraph(doc: Any, text: str, font: str, size: float, align: str = "left", indent: bool = False,
               bold: bool = False, space_after: float = 0) -> Any:  # fmt: skip
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = doc.add_paragraph()
    para.alignment = {
        "left": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    fmt = para.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    fmt.line_spacing = Pt(28) if size >= BODY_PT else Pt(size * 1.3)  # 28 pt: 22 lines a page
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _font(para.add_run(_xml_safe(text)), font, size, bold)
    return para


PORTRAIT_CM = 15.6
"""The width of the text on A4 portrait (210 mm less margins of 28 and 26 mm), in cm."""

LANDSCAPE_CM = 24.3
"""The width of the text on A4 landscape (297 mm less the same side margins), in cm."""

CELL_MARGIN_CM = 0.1
"""The room left and right of a cell's text, in cm (Word's default is 0.19)."""

CELL_PAD_CM = CELL_MARGIN_CM * 2 + 0.08
"""What a cell takes beside its text: its margins and a little room for rounding, in cm."""

WRAP_MIN_EM = 8
"""The narrowest a column of wrapped text (a problem, measures) may be, in characters."""


def text_cm(text: str, size: float = TABLE_PT) -> float:
    """The printed width of the longest line of ``text`` at ``size`` pt, in cm: a wide
    (CJK) character is one em, a digit or punctuation half an em, a letter 0.6 em (Times
    New Roman's widest lower-case and most capitals fit; a conservative measure), and a
    quarter em where a wide character meets a Latin letter or digit (the space Word and
    LibreOffice put between Chinese and Western text: ``2021年11月30日`` is 8¼ em)."""
    from wcwidth import wcwidth

    em = size / 72 * 2.54
    widest = 0.0
    for line in str(text).split("\n"):
        ems = 0.0
        before = ""  # "wide", "latin" or "" (anything else)
        for char in line:
            kind = "wide" if wcwidth(char) == 2 else "latin" if char.isascii() and char.isalnum() else ""
            if {before, kind} == {"wide", "latin"}:
                ems += 0.25
            before = kind
            if kind == "wide":
                ems += 1
            elif char.isalpha():
                ems += 0.75 if char.isupper() or char in "mw" else 0.6
            else:
                ems += 0.5
        widest = max(widest, ems)
    return widest * em


def title_lines(title: str) -> str:
    """The 通报's title as printed: on one line when it fits the text's width at 2号
    (:data:`TITLE_PT`), else with its date (``（截至2021年12月3日）``) on a line of its own, so
    a date is never broken across lines."""
    if text_cm(title, TITLE_PT) <= PORTRAIT_CM:
        return title
    for opening in ("（", " ("):
        head, found, tail = title.partition(opening)
        if found:
            return f"{head}\n{opening.strip()}{tail}"
    return title


def column_widths(headers: list[str], rows: list[list[str]], wrap: set[int]) -> tuple[list[float], bool]:
    """Widths (cm) for a table of ``headers`` and ``rows`` on A4 and whether it needs the
    page in landscape. Every header, and every cell of a column not in ``wrap`` (ids,
    dates, figures, names), fits on one line; the columns in ``wrap`` (long text) share
    what the page leaves, in proportion to their longest text, none narrower than its
    header or :data:`WRAP_MIN_EM` characters. The table takes the page's text width
    (portrait when it fits, else landscape: :data:`PORTRAIT_CM`, :data:`LANDSCAPE_CM`)."""
    em = TABLE_PT / 72 * 2.54
    need = []
    for index, header in enumerate(headers):
        cells = [header] if index in wrap else [header, *(row[index] for row in rows)]
        need.append(max(text_cm(cell) for cell in cells) + CELL_PAD_CM)
    floor = {i: max(need[i], WRAP_MIN_EM * em + CELL_PAD_CM) for i in wrap}
    want = {i: max(floor[i], max((text_cm(row[i]) for row in rows), default=0) + CELL_PAD_CM) for i in wrap}
    fixed = sum(width for i, width in enumerate(need) if i not in wrap)
    landscape = fixed + sum(floor.values()) > PORTRAIT_CM
    page = LANDSCAPE_CM if landscape else PORTRAIT_CM
    widths = list(need)
    if not wrap or fixed + sum(want.values()) <= page:
        for i in wrap:
            widths[i] = want[i]
        spare = page - sum(widths)
        if spare > 0:  # the table takes the text's width: the spare room shared in proportion
            total = sum(widths)
            widths = [width + spare * width / total for width in widths]
        return widths, landscape
    room, left = page - fixed, dict(want)
    while left:  # share the room in proportion; a column held at its floor leaves the rest to the others
        scale = room / sum(left.values())
        low = [i for i in left if left[i] * scale < floor[i]]
        if not low:
            for i in left:
                widths[i] = left[i] * scale
            break
        for i in low:
            widths[i] = floor[i]
            room -= floor[i]
            del left[i]
    return widths, landscape


def _orient(doc: Any, landscape: bool) -> None:
    """Go on from a new page turned to ``landscape`` (or back to portrait) unless the page
    is already so; the margins turn with the page, the page numbers carry on."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    current = doc.sections[-1]
    if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    if landscape:
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    else:
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def _table(doc: Any, headers: list[str], rows: list[list[str]], numeric: set[int], wrap: set[int],
           total_last: bool = False, widths: list[float] | None = None) -> Any:  # fmt: skip
    """A real Word table: columns as wide as :func:`column_widths` (or ``widths`` in cm)
    sets them, the header row repeated on each page and never split, 5号 仿宋 text, 黑体
    headings."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    widths_cm = widths if widths is not None else column_widths(headers, rows, wrap)[0]
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)  # the grid LibreOffice reads
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(CELL_MARGIN_CM / 2.54 * 1440)))  # twips
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    header_props = table.rows[0]._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        prop = OxmlElement(tag)
        prop.set(qn("w:val"), "true")
        header_props.append(prop)
    for r, (row, values) in enumerate(zip(table.rows, [headers, *rows], strict=True)):
        for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Cm(widths_cm[c])
            para = cell.paragraphs[0]
            para.paragraph_format.space_after = Pt(0)
            para.paragraph_format.line_spacing = 1.0
            if r == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif c in numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif c not in wrap:
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT
            bold = r == 0 or (total_last and r == len(rows))
            _font(para.add_run(_xml_safe(value)), HEADING_FONT if r == 0 else BODY_FONT, TABLE_PT, bold and r != 0)
    return table


def _page_numbers(section: Any) -> None:
    """``— N —`` in 4号 宋体 at the foot of every page (a PAGE field), outside corners."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(para.add_run("— "), NUMBER_FONT, NUMBER_PT)
    run = para.add_run()
    _font(run, NUMBER_FONT, NUMBER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)
    _font(para.add_run(" —"), NUMBER_FONT, NUMBER_PT)


def docx_bytes(
    data: Bulletin,
    lang: str = "zh",
    precision: int = 1,
    office: str | None = None,
    issue: int | None = None,
    issued: date | None = None,
    details: bool = False,
) -> bytes:
    """Return the bulletin as .docx bytes (see the module's description): the header block
    (``office``, 第 ``issue`` 期, the ``issued`` date, default the as-of day), the title, the
    summary, the units ranked by completion rate, the first :data:`MAX_OVERDUE` overdue
    findings (then a count) and the last eight points of the trend as tables; with
    ``details`` the findings by unit and aspect from a new page."""
    from docx import Document
    from docx.shared import Mm

    from rectify.present.workbook import ranked

    words = WORDS[lang]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    normal = doc.styles["Normal"]
    _font(normal, BODY_FONT, BODY_PT)
    _chinese(normal)
    _page_numbers(section)

    _fallbacks(doc)

    if office:
        _paragraph(doc, office, TITLE_FONT, BODY_PT, "center")
    issue_text = word(BULLETIN, "issue", lang, number=issue) if issue else ""
    line = _paragraph(doc, issue_text, BODY_FONT, BODY_PT, "left")
    line.add_run("\t")
    _font(line.add_run(issued_text(issued or data.as_of, lang)), BODY_FONT, BODY_PT)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)  # right tab at the text's right edge
    _paragraph(doc, "", BODY_FONT, 6)
    _paragraph(doc, title_lines(title_text(data, lang)), TITLE_FONT, TITLE_PT, "center", space_after=6)  # once

    _paragraph(doc, f"一、{words['summary_heading']}" if lang == "zh" else words["summary_heading"], HEADING_FONT,
               BODY_PT)  # fmt: skip
    _paragraph(doc, summary_text(data.total, lang, precision), BODY_FONT, BODY_PT, indent=True)
    if data.since is not None:
        changes = word(
            BULLETIN,
            "changes_line",
            lang,
            since=day_text(data.since, lang),
            closed=len(data.closed_since),
            late=len(data.newly_overdue),
        )
        _paragraph(doc, changes, BODY_FONT, BODY_PT, indent=True)

    order = ranked(data.rows)
    headers, body = _unit_table(order, data.total, lang, precision)
    headers = [words["rank"], *headers]
    rows = [["" if i == len(body) - 1 else str(i + 1), *cells] for i, cells in enumerate(body)]
    widths, landscape = column_widths(headers, rows, set())
    _orient(doc, landscape)
    _paragraph(doc, f"二、{words['units']}" if lang == "zh" else words["units"], HEADING_FONT, BODY_PT)
    _table(doc, headers, rows, {2, 3, 4, 5, 6, 7}, set(), True, widths)

    late_headers = _late_headers(lang)
    late = _late_rows(data.overdue[:MAX_OVERDUE], lang)
    widths, landscape = column_widths(late_headers, late, {2})
    _orient(doc, landscape and bool(late))
    _paragraph(doc, "", BODY_FONT, 6)
    heading = (
        f"三、{words['overdue']}（{len(data.overdue)}）"
        if lang == "zh"
        else f"{words['overdue']} ({len(data.overdue)})"
    )
    _paragraph(doc, heading, HEADING_FONT, BODY_PT)
    if data.overdue:
        _table(doc, late_headers, late, {4}, {2}, widths=widths)
        if len(data.overdue) > MAX_OVERDUE:
            more = word(BULLETIN, "more_overdue", lang, number=len(data.overdue) - MAX_OVERDUE)
            _paragraph(doc, more, BODY_FONT, TABLE_PT + 1.5)
    else:
        _paragraph(doc, words["none"], BODY_FONT, BODY_PT, indent=True)

    points = recent(data.trend)  # the last eight weeks, as the board draws them
    trend_headers = [words["date"], _counts_word(lang, "closed"), words["rate"]]
    trend = [[day_text(p.day, lang), str(p.counts.closed), p.counts.rate_text(precision)] for p in points]
    widths, landscape = column_widths(trend_headers, trend, set())
    if landscape:  # else it stays on the page the overdue list is on, whichever way that page is turned
        _orient(doc, landscape)
    _paragraph(doc, "", BODY_FONT, 6)
    _paragraph(doc, f"四、{words['trend']}" if lang == "zh" else words["trend"], HEADING_FONT, BODY_PT)
    _table(doc, trend_headers, trend, {1, 2}, set(), widths=widths)

    if details:
        _details(doc, data, lang, words)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _details(doc: Any, data: Bulletin, lang: str, words: dict[str, str]) -> None:
    """The finding list from a new page: by unit, then aspect (and problem when the
    ledger names them), one table each, all of the same column widths."""
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK

    headers = [words["id"], words["problem"], words["measures"], words["state"]]
    groups: list[tuple[str, list[tuple[str, int]], list[list[str]]]] = []  # unit, (heading, level)s, rows
    for ledger in data.ledgers:
        levels = _levels(ledger, data.as_of)
        if levels is not None:  # 方面 （一） → 问题 1. → 具体问题 （1）
            tops, counted = levels
            groups.append((ledger.unit.name, [(word(BULLETIN, "levels", lang, **counted), 0)], []))
            for top in tops:
                groups.append(("", [(top.mark + top.name, 1)], []))
                for middle in top.middles:
                    rows = [[f.id, mark + f.title, "\n".join(f.measures), _state(f, data, lang)]
                            for mark, f in middle.items]  # fmt: skip
                    groups.append(("", [(middle.label, 2)] if middle.label is not None else [], rows))
            continue
        groups.append((ledger.unit.name, [], []))
        for aspect, findings in _by_aspect(ledger.findings, data.as_of).items():
            rows = [[f.id, f.title, "\n".join(f.measures), _state(f, data, lang)] for f in findings]
            groups.append(("", [(aspect, 1)], rows))
    every = [row for _, _, rows in groups for row in rows]
    widths, landscape = column_widths(headers, every, {1, 2})
    if (doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE) == landscape:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    else:
        _orient(doc, landscape)
    _paragraph(doc, words["findings"], HEADING_FONT, BODY_PT, "center")
    for unit, headings, rows in groups:
        if unit:
            _paragraph(doc, unit, SUBHEADING_FONT, BODY_PT)
        for text, level in headings:
            _paragraph(doc, text, BODY_FONT if level == 0 else SUBHEADING_FONT, TABLE_PT + 1.5, bold=level == 1)
        if rows:
            _table(doc, headers, rows, set(), {1, 2}, widths=widths)


def _counts_word(lang: str, key: str) -> str:
    from rectify.present.tables import LABELS

    return LABELS[lang][key]
