"""Exports: the 整改销号表 workbook that offices print, sign and pass around, and flat
records (CSV, JSON) with every field.

The workbook has a summary sheet (the status table and its total row) and one sheet per
unit laid out as a 巡察反馈意见整改销号表 (序号, 方面, 问题, 整改措施, 责任领导, 责任部门, 责任人,
整改时限, 整改进展, 状态, 销号日期, 审签人, 佐证材料), ready to print: header frozen and repeated
on every page, landscape, wrapped text, real Excel dates, the 方面 cells of one aspect
merged as on the paper form. Functions return bytes; the library writes them.
openpyxl is imported only when a workbook is made.
"""

from __future__ import annotations

import csv
import io
import re
from copy import copy
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from rectify.domain.figures import Counts, Row, unit_rows
from rectify.domain.model import Action, Finding, Ledger, Status
from rectify.domain.states import closed_on, deadline_on, is_overdue, listed_on, status_on
from rectify.present.outline import by_aspect, outline, three_levels
from rectify.present.tables import formula_safe
from rectify.present.words import STATUS_ZH

COLUMNS = [
    ("number", "序号", 2.5),
    ("title", "问题", 12),
    ("measures", "整改措施", 0),
    ("leader", "责任领导", 5.5),
    ("department", "责任部门", 7.5),
    ("owner", "责任人", 5.5),
    ("deadline", "整改时限", 10),
    ("progress", "整改进展", 0),
    ("status", "状态", 5.5),
    ("closed_on", "销号日期", 10),
    ("approver", "审签人", 5.5),
    ("evidence", "佐证材料", 13),
]
"""The columns of the 整改销号表: (key, header, width in Excel's character units on A4
landscape). The aspects (方面) are rows across the table, as on the paper form. 整改措施
and 整改进展 (width 0) share what the page leaves (:data:`A4_UNITS`), 58:42; 佐证材料 is
left out of a unit's sheet when none of its problems has evidence."""

A4_UNITS = 140.0
"""The width of the table on A4 landscape with 1 cm side margins, in character units of
the default font (10 pt Arial: 7 px in Excel, 7.4 px in LibreOffice), so it prints at 100 %."""

A3_FACTOR = 1.41
"""How much wider the table is on A3 (420 mm / 297 mm)."""

BODY_PT = 9
"""The font size of the finding table (pt): printed at 100 %, the smallest text is 9 pt."""

LINE_PT = 13.1
"""The height of one line of 9 pt CJK text (pt): 宋体 needs 12, the Noto CJK fonts that
stand in for it where it is missing 13.05."""


def _state_word(status: Status | None) -> str:
    return STATUS_ZH.get(status.value, status.value) if status else ""


def finding_record(ledger: Ledger, finding: Finding, as_of: date) -> dict[str, Any]:
    """Return one finding as a flat record with every field, as of ``as_of``: the fields
    of the ledger file plus unit, status and deadline in force on that day, close date,
    approvers, progress notes and evidence paths. Dates are :class:`datetime.date`."""
    status = status_on(finding, as_of)
    events = [e for e in finding.history if e.date <= as_of]
    approvers = [e.approver or "" for e in events if e.action is Action.CLOSE]
    approvers += [e.by or "" for e in events if e.action is Action.SIGN]
    progress = [f"{e.date} {e.note}" for e in events if e.action is Action.PROGRESS and e.note]
    return {
        "id": finding.id,
        "unit": ledger.unit.id,
        "unit_name": ledger.unit.name,
        "aspect": finding.aspect,
        "title": finding.title,
        "detail": finding.detail or "",
        "measures": list(finding.measures),
        "leader": finding.leader or "",
        "department": finding.department or "",
        "owner": finding.owner or "",
        "deadline": finding.deadline,
        "deadline_in_force": deadline_on(finding, as_of),
        "status": status.value if status else "",
        "closed_on": closed_on(finding, as_of),
        "approver": "、".join(dict.fromkeys(a for a in approvers if a)),
        "progress": progress,
        "extensions": [
            f"{e.date} -> {e.to} | {e.approver or ''} | {e.note or ''}" for e in events if e.action is Action.EXTEND
        ],
        "evidence": [e.path for e in finding.evidence],
        "people": dict(finding.accountability.people),
        "funds_yuan": format(finding.accountability.funds_yuan.quantize(Decimal("0.01")), "f")
        if finding.accountability.funds_yuan.as_tuple().exponent >= -2  # type: ignore[operator]
        else str(finding.accountability.funds_yuan),
        "rules": finding.accountability.rules,
        "as_of": as_of,
    }


def records(ledgers: list[Ledger], as_of: date) -> list[dict[str, Any]]:
    """Return :func:`finding_record` for every finding on the ledgers by ``as_of``.

    Each ledger's records are grouped by aspect (:func:`rectify.present.outline.by_aspect`).
    When a finding of any ledger names its problem (three levels,
    :mod:`rectify.present.outline`), each ledger's records follow the outline (by aspect,
    then problem) and every record carries, after ``aspect``: ``aspect_mark`` (``（一）``),
    ``problem`` (its line, ``1. …``; "" for none) and ``item_mark`` (``（1）``)."""
    three = any(three_levels(ledger.findings) for ledger in ledgers)
    out: list[dict[str, Any]] = []
    for ledger in ledgers:
        items = [finding for finding in ledger.findings if status_on(finding, as_of) is not None]
        if not three:
            out += [finding_record(ledger, finding, as_of) for finding in by_aspect(items)]
            continue
        for top in outline(items):
            for middle in top.middles:
                for mark, finding in middle.items:
                    record: dict[str, Any] = {}
                    for key, value in finding_record(ledger, finding, as_of).items():
                        record[key] = value
                        if key == "aspect":
                            record.update(aspect_mark=top.mark, problem=middle.label or "", item_mark=mark)
                    out.append(record)
    return out


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """Return records as CSV in UTF-8 with a BOM (so Excel opens Chinese correctly); lists
    are joined with new lines, people by kind as ``kind:n`` pairs."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            flat = dict(row)
            for key, value in row.items():
                if isinstance(value, list):
                    flat[key] = "\n".join(value)
                elif isinstance(value, dict):
                    flat[key] = "；".join(f"{k}:{v}" for k, v in value.items())
                elif value is None:
                    flat[key] = ""
            writer.writerow({key: formula_safe(value) for key, value in flat.items()})
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _fits(name: str, limit: int) -> str:
    while len(name.encode("utf-16-le")) // 2 > limit:  # Excel counts UTF-16 units
        name = name[:-1]
    return name


def _sheet_name(name: str, taken: set[str]) -> str:
    r"""A sheet name Excel accepts: no []:*?/\, no apostrophe at either end, not History,
    at most 31 UTF-16 units, unique without regard to case."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "sheet"
    if cleaned.lower() == "history":
        cleaned += "_"
    candidate, n = _fits(cleaned, 31), 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate, n = _fits(cleaned, 31 - len(suffix)) + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _width(text: str) -> int:
    """Display width of the longest line of ``text`` (a CJK character counts two)."""
    from wcwidth import wcswidth

    return max((max(wcswidth(line), len(line)) for line in text.split("\n")), default=0)


def wrapped_lines(text: str, width: float, size: float = BODY_PT) -> int:
    """Return how many lines ``text`` takes in a wrapped cell ``width`` character units
    wide at ``size`` pt: a unit is 7 px of the default font, a CJK character is ``size``
    pt wide and a half-width one half that; each line of ``text`` breaks where the next
    character would pass the cell (a conservative model of Excel's wrapping); an empty
    text takes one line."""
    from wcwidth import wcwidth

    room = (7 * width + 1) / (size * 4 / 3) * 2 - 0.5  # in half-width characters
    lines = 0
    for line in str(text).split("\n"):
        used, count = 0, 1
        for char in line:
            step = max(1, wcwidth(char))
            if used + step > room:
                count, used = count + 1, 0
            used += step
        lines += count
    return lines


def progress_lines(finding: Finding, as_of: date) -> list[str]:
    """The 整改进展 of the printed 整改销号表 by ``as_of``: each progress note and each
    退回 opinion with who returned it, in the order of the history (``2021-08-18 退回（姜某）：
    整改成效体现不充分…``; an opinion written ``退回：…`` is not doubled)."""
    lines = []
    for event in finding.history:
        if event.date > as_of:
            continue
        note = (event.note or "").strip()
        if event.action is Action.PROGRESS and note:
            lines.append(f"{event.date} {note}")
        elif event.action is Action.RETURN:
            opinion = note[3:].strip() if note[:3] in ("退回：", "退回:") else note
            who = f"（{event.by}）" if event.by else ""
            lines.append(f"{event.date} 退回{who}" + (f"：{opinion}" if opinion else ""))
    return lines


def evidence_names(paths: list[str]) -> str:
    """The evidence as printed: each file's name on a line of its own (its folder, as
    ``evidence/jinhua-038/``, is the same for a finding's files and would wrap the narrow
    column into many lines); the CSV and JSON keep the whole paths."""
    return "\n".join(PurePosixPath(path).name or path for path in paths)


def numbered(items: list[str]) -> str:
    """Return ``items`` as numbered lines (``1. …``), one a line; one item is not numbered."""
    if len(items) == 1:
        return items[0]
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


def ranked(rows: list[Row]) -> list[Row]:
    """Return unit rows ranked by completion rate (the exact fraction, highest first),
    then by more findings, then in their order; a row without findings goes last."""
    from fractions import Fraction

    def key(pair: tuple[int, Row]) -> tuple[int, Fraction, int, int]:
        index, row = pair
        c = row.counts
        if not c.findings:
            return (1, Fraction(0), 0, index)
        return (0, -Fraction(c.closed, c.findings), -c.findings, index)

    return [row for _, row in sorted(enumerate(rows), key=key)]


def _rate_number(counts: Counts, precision: int) -> float | None:
    """The rate as a fraction for a percent cell (0.94 for 94.0 %), rounded by the
    domain's rules first, so Excel's display never rounds 99.95 % up to 100 %."""
    rate = counts.rate(precision)
    return None if rate is None else float(rate / 100)


def _safe(value: Any) -> Any:
    """``value`` for a cell: text with the control characters a workbook cannot hold shown
    visibly (``\\x1b``) instead of failing the export; other values as they are."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def xlsx_bytes(
    ledgers: list[Ledger],
    as_of: date,
    paper: str = "A4",
    signatures: tuple[str, ...] = ("整改责任人", "审签人", "单位主要负责人"),
    filled_on: date | None = None,
    precision: int = 1,
) -> bytes:
    """Return the workbook (.xlsx bytes): sheet 汇总 (units ranked by completion rate, the
    total, a bar chart of the rates), then one 整改销号表 per unit, laid out for print on
    ``paper`` (``A4`` or ``A3``, landscape): title, 填报单位 and 填报日期 (``filled_on``,
    default ``as_of``) above the table, ``signatures`` (spaces to sign) below it, page
    numbers in the footer, the header row on every page, rows as tall as their wrapped
    text, overdue rows in red with the state 逾期."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    filled = filled_on or as_of
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_left = Alignment(wrap_text=True, vertical="center", horizontal="left")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    body = Font(name="宋体", size=10.5)
    head = Font(name="黑体", size=10.5, bold=True)
    book = Workbook()
    _default_font(book)
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    rows, total = unit_rows(ledgers, as_of)
    headers = ["排名", "单位", "问题数", "已销号", "整改中", "长期坚持", "逾期", "整改完成率"]
    summary.append([f"巡察整改进展情况汇总（截至 {as_of.isoformat()}）"])
    summary.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    summary["A1"].font = Font(name="方正小标宋简体", size=16)
    summary["A1"].alignment = Alignment(horizontal="center", vertical="center")
    summary.row_dimensions[1].height = 30
    summary.append(headers)
    order = ranked(rows)
    for place, row in enumerate([*order, Row("", "合计", total, part="total")], start=1):
        c = row.counts
        summary.append(
            [place if row.part != "total" else None, _safe(row.label), c.findings, c.closed, c.in_progress, c.long_term,
             c.overdue, _rate_number(c, precision)]
        )  # fmt: skip
    percent = "0%" if precision == 0 else "0." + "0" * precision + "%"
    for cells in summary.iter_rows(min_row=2, max_row=summary.max_row):
        for cell in cells:
            cell.border = box
            cell.font = body
            cell.alignment = centre if cell.column != 2 else wrap_left
            if cell.column == 8:
                cell.number_format = percent
    for cell in summary[2]:
        cell.font = head
    for cell in summary[summary.max_row]:
        cell.font = Font(name="宋体", size=10.5, bold=True)
    for index, width in enumerate([6, 26, 9, 9, 9, 10, 7, 12], start=1):
        summary.column_dimensions[get_column_letter(index)].width = width
    summary.freeze_panes = "A3"
    summary.auto_filter.ref = f"A2:H{summary.max_row - 1}"
    last_unit_row = summary.max_row - 1
    if order:
        _rate_chart(summary, last_unit_row, percent)
    _print_setup(summary, "2:2", paper)

    taken = {"汇总"}  # lower-case names in use
    for ledger in ledgers:
        sheet = book.create_sheet(_sheet_name(ledger.unit.name, taken))
        _unit_sheet(sheet, ledger, as_of, filled, paper, signatures)
    buffer = io.BytesIO()
    for each in book.worksheets:  # data is never a formula (OWASP): a text starting with = stays text
        for cells in each.iter_rows():
            for cell in cells:
                if cell.data_type == "f":
                    cell.data_type = "s"
    book.save(buffer)
    return buffer.getvalue()


_ASPECT_NUMBERS = "一二三四五六七八九十"


def _aspect_label(index: int, aspect: str) -> str:
    """``一、…方面``: the aspect row's text (一 … 十, then 11、…)."""
    mark = _ASPECT_NUMBERS[index] if index < len(_ASPECT_NUMBERS) else str(index + 1)
    return f"{mark}、{aspect}"


def _sheet_rows(items: list[Finding]) -> list[tuple[tuple[str, int] | None, str, Finding | None]]:
    """The rows of a unit's table in order: ``(heading, mark, finding)``, either a heading
    ``(text, level)`` (level 0 an aspect's row, 1 a problem's) or a finding with the mark
    its title starts with. Two levels (no finding names its problem): ``一、…`` rows, as on
    the paper form, and no mark; the findings of one aspect together under its one row
    (:func:`rectify.present.outline.by_aspect`). Three levels (:mod:`rectify.present.outline`): ``（一）…``
    and ``1. …`` rows, each title marked ``（1）`` from one under each problem. 序号 counts
    the specific findings on through the sheet either way."""
    rows: list[tuple[tuple[str, int] | None, str, Finding | None]] = []
    if not three_levels(items):
        last_aspect, aspects = None, 0
        for finding in by_aspect(items):
            if finding.aspect != last_aspect:
                rows.append(((_aspect_label(aspects, finding.aspect), 0), "", None))
                last_aspect, aspects = finding.aspect, aspects + 1
            rows.append((None, "", finding))
        return rows
    for top in outline(items):
        rows.append(((f"{top.mark}{top.name}", 0), "", None))
        for middle in top.middles:
            if middle.label is not None:
                rows.append(((middle.label, 1), "", None))
            rows += [(None, mark, finding) for mark, finding in middle.items]
    return rows


def _unit_sheet(
    sheet: Any, ledger: Ledger, as_of: date, filled: date, paper: str, signatures: tuple[str, ...]
) -> None:
    """Lay out one unit's 整改销号表 on ``sheet`` (see :func:`xlsx_bytes`)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    left = Alignment(wrap_text=True, vertical="center", horizontal="left")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    body = Font(name="宋体", size=BODY_PT)
    head = Font(name="黑体", size=BODY_PT, bold=True)
    late_fill = PatternFill("solid", fgColor="F8D0D0")
    long_fill = PatternFill("solid", fgColor="DDEBF7")
    extended_fill = PatternFill("solid", fgColor="FFF2CC")
    aspect_fill = PatternFill("solid", fgColor="EDEDED")
    problem_fill = PatternFill("solid", fgColor="F6F6F6")
    items = [f for f in ledger.findings if listed_on(f, as_of)]
    columns = [c for c in COLUMNS if c[0] != "evidence" or any(f.evidence for f in items)]
    factor = A3_FACTOR if paper == "A3" else 1.0
    fixed = sum(width for _, _, width in columns)
    free = A4_UNITS - fixed
    width_of = {key: width * factor for key, _, width in columns}
    width_of["measures"] = free * 0.58 * factor
    width_of["progress"] = free * 0.42 * factor
    span = len(columns)
    last = get_column_letter(span)

    sheet.append([_safe(f"{ledger.unit.name}巡察反馈意见整改销号表")])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
    sheet["A1"].font = Font(name="方正小标宋简体", size=18)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32
    half = span // 2
    sheet.cell(row=2, column=1, value=_safe(f"填报单位（盖章）：{ledger.unit.name}"))
    right = sheet.cell(row=2, column=half + 1, value=f"填报日期：{_day_zh(filled)}    数据截至：{_day_zh(as_of)}")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    sheet.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=span)
    sheet["A2"].font = right.font = Font(name="宋体", size=10)
    right.alignment = Alignment(horizontal="right", vertical="center")
    sheet.row_dimensions[2].height = 20
    for col, (_, header, _) in enumerate(columns, start=1):
        cell = sheet.cell(row=3, column=col, value=header)
        cell.font, cell.alignment, cell.border = head, centre, box
    sheet.row_dimensions[3].height = 2 * LINE_PT + 3

    at = 3
    made: dict[tuple[str, bool, int], Any] = {}
    number = 0
    for heading, mark, finding in _sheet_rows(items):
        if heading is not None:
            at += 1
            text, level = heading
            sheet.cell(row=at, column=1, value=_safe(text))
            sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=span)
            for col in range(1, span + 1):
                cell = sheet.cell(row=at, column=col)
                cell.font, cell.border = (head if level == 0 else body), box
                cell.fill = aspect_fill if level == 0 else problem_fill
                cell.alignment = Alignment(vertical="center", horizontal="left")
            sheet.row_dimensions[at].height = LINE_PT + 3
        if finding is None:
            continue
        at, number = at + 1, number + 1
        record = finding_record(ledger, finding, as_of)
        status = status_on(finding, as_of)
        late = is_overdue(finding, as_of)
        extended = finding.deadline is not None and record["deadline_in_force"] != finding.deadline
        state = "逾期" if late and status is not Status.LONG_TERM else _state_word(status)
        if late and status is Status.LONG_TERM:
            state += "\n逾期"  # still 长期坚持: its deadline for this stage has passed
        if extended and status is not Status.CLOSED:
            state += "\n（已延期）"
        values = {
            "number": number,
            "title": mark + finding.title,
            "measures": numbered(list(finding.measures)),
            "leader": record["leader"],
            "department": record["department"],
            "owner": record["owner"],
            "deadline": record["deadline_in_force"],
            "progress": numbered(progress_lines(finding, as_of)),
            "status": state,
            "closed_on": record["closed_on"],
            "approver": record["approver"],
            "evidence": evidence_names(record["evidence"]),
        }
        fill = late_fill if late else long_fill if status is Status.LONG_TERM else extended_fill if extended else None
        lines = 1
        for col, (key, _, _) in enumerate(columns, start=1):
            value = values[key]
            cell = sheet.cell(row=at, column=col, value=_safe(value))
            kind = ("left" if key in ("title", "measures", "progress", "evidence") else "centre",
                    isinstance(value, date), id(fill))  # fmt: skip
            if kind in made:  # set the styles once per kind, then copy them (openpyxl hashes every style set)
                cell._style = copy(made[kind])
            else:
                cell.font, cell.border = body, box
                cell.alignment = left if kind[0] == "left" else centre
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                if fill is not None:
                    cell.fill = fill
                made[kind] = copy(cell._style)
            if isinstance(value, str) and value:
                lines = max(lines, wrapped_lines(value, width_of[key]))
        sheet.row_dimensions[at].height = lines * LINE_PT + 2
    if at > 3:
        sheet.auto_filter.ref = f"A3:{last}{at}"
    _signatures(sheet, at + 1, signatures, [width_of[key] for key, _, _ in columns], Font(name="宋体", size=11))
    for index, (key, _, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(width_of[key], 2)
    sheet.freeze_panes = "A4"
    _print_setup(sheet, "3:3", paper)


def _default_font(book: Any) -> None:
    """Make 10 pt Arial the workbook's default font. Excel and LibreOffice measure column
    widths in digits of the default font: Calibri and 宋体 are absent outside Windows and
    LibreOffice's stand-ins are wider (9.3 and 8.5 px a unit against Excel's 7), which
    shrinks the printed sheet; Arial (Liberation Sans in LibreOffice, same metrics) is 7 px
    in Excel and 7.4 px in LibreOffice, so the widths of :data:`COLUMNS` print as planned.
    The cells themselves are in 宋体."""
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    base = Font(name="Arial", size=10)
    book._fonts = IndexedList([base])
    book._named_styles["Normal"].font = base


def _day_zh(day: date) -> str:
    """``2021年12月31日``: a date as Chinese forms write it."""
    return f"{day.year}年{day.month}月{day.day}日"


def _signatures(sheet: Any, row: int, labels: tuple[str, ...], widths: list[float], font: Any) -> None:
    """Write the signature spaces on ``row``: ``labels`` spread evenly across the table
    (whose columns are ``widths`` wide), each ``label（签字）：`` with room to sign."""
    from openpyxl.styles import Alignment

    if not labels:
        return
    total, starts, edge = sum(widths), [], 0.0
    for width in widths:
        starts.append(edge)
        edge += width
    firsts: list[int] = []
    for index in range(len(labels)):
        target = total * index / len(labels)
        column = min(range(len(widths)), key=lambda c: abs(starts[c] - target))
        firsts.append(max(column, firsts[-1] + 1) if firsts else 0)
    for index, label in enumerate(labels):
        left = firsts[index] + 1
        right = firsts[index + 1] if index + 1 < len(labels) else len(widths)
        cell = sheet.cell(row=row, column=left, value=_safe(f"{label}（签字）："))
        cell.font = font
        cell.alignment = Alignment(vertical="bottom", horizontal="left")
        if right > left:
            sheet.merge_cells(start_row=row, start_column=left, end_row=row, end_column=right)
    sheet.row_dimensions[row].height = 28


def _rate_chart(sheet: Any, last_row: int, percent: str) -> None:
    """A bar chart of the units' completion rates (ranked, from the summary table) placed
    under it."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "各单位整改完成率"
    chart.y_axis.title = None
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.numFmt = percent
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # the first ranked unit on top
    chart.legend = None
    data = Reference(sheet, min_col=8, min_row=2, max_row=last_row)
    names = Reference(sheet, min_col=2, min_row=3, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(names)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height = max(6.0, 0.6 * (last_row - 2) + 2)
    chart.width = 22
    sheet.add_chart(chart, f"A{last_row + 3}")


def _print_setup(sheet: Any, title_rows: str, paper: str = "A4") -> None:
    """Landscape A4 (or A3), 1 cm margins at the sides, printed at 100 % (the columns are
    sized to fit the page's width), the header row printed on every page,
    ``第 N 页 共 M 页`` in the footer, centred horizontally."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3 if paper == "A3" else sheet.PAPERSIZE_A4
    sheet.page_setup.scale = 100  # not "fit to width": LibreOffice would shrink the text to save a page
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.4  # inches (1 cm)
    margins.top = 0.35
    margins.bottom = 0.45
    margins.header = 0.15
    margins.footer = 0.15
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.center.size = 10
    sheet.evenFooter.center.text = "第 &P 页 共 &N 页"
