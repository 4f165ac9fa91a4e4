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
"""The fonts of GB/T 9704-2012, by the names Chinese offices have them installed under."""

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 10.5  # 5号: tables in the body of official documents
NUMBER_PT = 14  # 4号


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    """Set ``run``'s font for Latin and East Asian text (w:eastAsia), size in pt."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)


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


def _table(doc: Any, headers: list[str], rows: list[list[str]], widths_cm: list[float], numeric: set[int],
           total_last: bool = False) -> Any:  # fmt: skip
    """A real Word table: header row repeated on each page, 5号 仿宋 text, 黑体 headings."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)  # the grid LibreOffice reads
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
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
    from docx.enum.text import WD_BREAK
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
    _page_numbers(section)

    if office:
        _paragraph(doc, office, TITLE_FONT, BODY_PT, "center")
    _paragraph(doc, words["title"], TITLE_FONT, TITLE_PT, "center", space_after=6)
    issue_text = word(BULLETIN, "issue", lang, number=issue) if issue else ""
    line = _paragraph(doc, issue_text, BODY_FONT, BODY_PT, "left")
    line.add_run("\t")
    _font(line.add_run(issued_text(issued or data.as_of, lang)), BODY_FONT, BODY_PT)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)  # right tab at the text's right edge
    _paragraph(doc, "", BODY_FONT, 6)
    _paragraph(doc, title_text(data, lang), TITLE_FONT, BODY_PT + 2, "center", space_after=6)

    _paragraph(doc, f"一、{words['summary_heading']}" if lang == "zh" else words["summary_heading"], HEADING_FONT,
               BODY_PT)  # fmt: skip
    _paragraph(doc, summary_text(data.total, lang, precision), BODY_FONT, BODY_PT, indent=True)
    if data.since is not None:
        changes = word(
            BULLETIN,
            "changes_line",
            lang,
            since=data.since,
            closed=len(data.closed_since),
            late=len(data.newly_overdue),
        )
        _paragraph(doc, changes, BODY_FONT, BODY_PT, indent=True)

    _paragraph(doc, f"二、{words['units']}" if lang == "zh" else words["units"], HEADING_FONT, BODY_PT)
    order = ranked(data.rows)
    headers, body = _unit_table(order, data.total, lang, precision)
    rows = [["" if i == len(body) - 1 else str(i + 1), *cells] for i, cells in enumerate(body)]
    _table(doc, [words["rank"], *headers], rows, [1.0, 4.0, 1.4, 1.4, 1.4, 1.9, 1.1, 3.4], {2, 3, 4, 5, 6, 7}, True)

    _paragraph(doc, "", BODY_FONT, 6)
    heading = (
        f"三、{words['overdue']}（{len(data.overdue)}）"
        if lang == "zh"
        else f"{words['overdue']} ({len(data.overdue)})"
    )
    _paragraph(doc, heading, HEADING_FONT, BODY_PT)
    if data.overdue:
        late = _late_rows(data.overdue[:MAX_OVERDUE], lang)
        _table(doc, _late_headers(lang), late, [2.4, 3.4, 3.9, 2.4, 1.9, 1.6], {4})
        if len(data.overdue) > MAX_OVERDUE:
            more = word(BULLETIN, "more_overdue", lang, number=len(data.overdue) - MAX_OVERDUE)
            _paragraph(doc, more, BODY_FONT, TABLE_PT + 1.5)
    else:
        _paragraph(doc, words["none"], BODY_FONT, BODY_PT, indent=True)

    _paragraph(doc, "", BODY_FONT, 6)
    _paragraph(doc, f"四、{words['trend']}" if lang == "zh" else words["trend"], HEADING_FONT, BODY_PT)
    points = recent(data.trend)  # the last eight weeks, as the board draws them
    _table(
        doc,
        [words["date"], _counts_word(lang, "closed"), words["rate"]],
        [[str(p.day), str(p.counts.closed), p.counts.rate_text(precision)] for p in points],
        [4.0, 4.0, 5.0],
        {1, 2},
    )

    if details:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _paragraph(doc, words["findings"], HEADING_FONT, BODY_PT, "center")
        for ledger in data.ledgers:
            _paragraph(doc, ledger.unit.name, SUBHEADING_FONT, BODY_PT)
            levels = _levels(ledger, data.as_of)
            if levels is not None:  # 方面 （一） → 问题 1. → 具体问题 （1）
                tops, counted = levels
                _paragraph(doc, word(BULLETIN, "levels", lang, **counted), BODY_FONT, TABLE_PT + 1.5)
                for top in tops:
                    _paragraph(doc, top.mark + top.name, SUBHEADING_FONT, TABLE_PT + 1.5, bold=True)
                    for middle in top.middles:
                        if middle.label is not None:
                            _paragraph(doc, middle.label, SUBHEADING_FONT, TABLE_PT + 1.5)
                        rows = [[f.id, mark + f.title, "\n".join(f.measures), _state(f, data, lang)]
                                for mark, f in middle.items]  # fmt: skip
                        _table(doc, [words["id"], words["problem"], words["measures"], words["state"]], rows,
                               [2.9, 3.6, 5.9, 3.2], set())  # fmt: skip
                continue
            for aspect, findings in _by_aspect(ledger.findings, data.as_of).items():
                _paragraph(doc, aspect, SUBHEADING_FONT, TABLE_PT + 1.5)
                rows = [[f.id, f.title, "\n".join(f.measures), _state(f, data, lang)] for f in findings]
                _table(doc, [words["id"], words["problem"], words["measures"], words["state"]], rows,
                       [2.9, 3.6, 5.9, 3.2], set())  # fmt: skip
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _counts_word(lang: str, key: str) -> str:
    from rectify.present.tables import LABELS

    return LABELS[lang][key]
