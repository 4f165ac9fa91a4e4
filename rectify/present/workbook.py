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
from datetime import date
from decimal import Decimal
from typing import Any

from rectify.domain.figures import Row, unit_rows
from rectify.domain.model import Action, Finding, Ledger, Status
from rectify.domain.states import closed_on, deadline_on, status_on
from rectify.present.tables import formula_safe
from rectify.present.words import STATUS_ZH

COLUMNS = [
    ("number", "序号", 6),
    ("aspect", "方面", 18),
    ("title", "问题", 36),
    ("measures", "整改措施", 40),
    ("leader", "责任领导", 10),
    ("department", "责任部门", 12),
    ("owner", "责任人", 10),
    ("deadline", "整改时限", 12),
    ("progress", "整改进展", 36),
    ("status", "状态", 10),
    ("closed_on", "销号日期", 12),
    ("approver", "审签人", 10),
    ("evidence", "佐证材料", 24),
]
"""The columns of the 整改销号表: (key, header, width in characters)."""


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
    """Return :func:`finding_record` for every finding on the ledgers by ``as_of``."""
    return [
        finding_record(ledger, finding, as_of)
        for ledger in ledgers
        for finding in ledger.findings
        if status_on(finding, as_of) is not None
    ]


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
    from wcwidth import wcswidth

    return max((max(wcswidth(line), len(line)) for line in text.split("\n")), default=0)


def xlsx_bytes(ledgers: list[Ledger], as_of: date) -> bytes:
    """Return the workbook (.xlsx bytes): sheet 汇总 (the status table and its total), then
    one 整改销号表 per unit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    rows, total = unit_rows(ledgers, as_of)
    headers = ["单位", "问题数", "已销号", "整改中", "长期坚持", "逾期", "整改完成率"]
    summary.append([f"巡察整改进展情况汇总（截至 {as_of.isoformat()}）"])
    summary.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(headers)
    for row in [*rows, Row("", "合计", total, part="total")]:
        c = row.counts
        summary.append([row.label, c.findings, c.closed, c.in_progress, c.long_term, c.overdue, c.rate_text()])
    for cells in summary.iter_rows(min_row=2, max_row=summary.max_row):
        for cell in cells:
            cell.border = box
    for cell in summary[2]:
        cell.font = bold
    for cell in summary[summary.max_row]:
        cell.font = bold
    for index, width in enumerate([26, 8, 8, 8, 10, 6, 16], start=1):
        summary.column_dimensions[get_column_letter(index)].width = width
    summary.freeze_panes = "A3"
    _print_setup(summary, "2:2")

    taken = {"汇总"}  # lower-case names in use
    for ledger in ledgers:
        sheet = book.create_sheet(_sheet_name(ledger.unit.name, taken))
        sheet.append([f"{ledger.unit.name}巡察反馈意见整改销号表（截至 {as_of.isoformat()}）"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append([header for _, header, _ in COLUMNS])
        for cell in sheet[2]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = box
        widths = {key: width for key, _, width in COLUMNS}
        last_aspect, start = None, 3
        items = [f for f in ledger.findings if status_on(f, as_of) is not None]
        for number, finding in enumerate(items, start=1):
            record = finding_record(ledger, finding, as_of)
            values = {
                "number": number,
                "aspect": finding.aspect,
                "title": finding.title,
                "measures": "\n".join(f"{i}. {m}" for i, m in enumerate(finding.measures, start=1)),
                "leader": record["leader"],
                "department": record["department"],
                "owner": record["owner"],
                "deadline": record["deadline_in_force"],
                "progress": "\n".join(record["progress"]),
                "status": _state_word(status_on(finding, as_of)),
                "closed_on": record["closed_on"],
                "approver": record["approver"],
                "evidence": "\n".join(record["evidence"]),
            }
            sheet.append([values[key] for key, _, _ in COLUMNS])
            at = 2 + number
            for cell in sheet[at]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, not a formula
            for key, _, _ in COLUMNS:
                value = values[key]
                if isinstance(value, str):
                    widths[key] = min(max(widths[key], _width(value) + 2), 60)
            if finding.aspect != last_aspect:
                if last_aspect is not None and at - 1 > start:
                    sheet.merge_cells(start_row=start, start_column=2, end_row=at - 1, end_column=2)
                last_aspect, start = finding.aspect, at
        if last_aspect is not None and sheet.max_row > start:
            sheet.merge_cells(start_row=start, start_column=2, end_row=sheet.max_row, end_column=2)
        for cells in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
            for cell in cells:
                cell.alignment = wrap
                cell.border = box
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        for index, (key, _, _) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = widths[key]
        sheet.freeze_panes = "A3"
        _print_setup(sheet, "2:2")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _print_setup(sheet: Any, title_rows: str) -> None:
    """Landscape A4, fitted to one page wide, the header row printed on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
