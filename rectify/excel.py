"""Excel in, Excel out: the 整改销号表 that offices print, sign and pass around.

Export writes a workbook with a summary sheet (the status table and its total row) and
one sheet per unit laid out as a 巡察反馈意见整改销号表 (序号, 方面, 问题, 整改措施, 责任领导,
责任部门, 责任人, 整改时限, 整改进展, 状态, 销号日期, 审签人, 佐证材料), ready to print:
header frozen and repeated on every page, landscape, fitted to the page width, wrapped
text, real Excel dates, the 方面 cells of one aspect merged as on the paper form.

Import reads the sheets offices actually have: Chinese headers and their common
variants, a header below a title row, merged 方面 cells and aspect rows like
``（一）政治建设方面``, 序号 such as ``1`` or ``(一)1``, dates as Excel dates or text, and
status words mapped to DOMAIN.md's states. Every cell that cannot be read is reported as
``sheet!C7: why``, all at once, and nothing is written.

openpyxl is imported only here, and this module only by the commands that need it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rectify.errors import LedgerError, Problem, UsageError
from rectify.feedback import normal_date
from rectify.model import Action, Event, Finding, Ledger, Status, parse_date
from rectify.render import STATUS_ZH
from rectify.report import Row, unit_rows
from rectify.workflow import NewFinding, closed_on, deadline_on, replay, status_on

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

HEADER_NAMES: dict[str, str] = {
    "序号": "number", "编号": "number",
    "方面": "aspect", "问题类别": "aspect", "类别": "aspect", "问题类型": "aspect",
    "问题": "title", "具体问题": "title", "存在问题": "title", "问题清单": "title", "反馈问题": "title",
    "问题描述": "detail", "问题表现": "detail", "详细描述": "detail",
    "整改措施": "measures", "整改举措": "measures",
    "责任领导": "leader", "分管领导": "leader", "牵头领导": "leader",
    "责任部门": "department", "牵头部门": "department", "责任单位": "department", "责任科室": "department",
    "责任人": "owner", "具体责任人": "owner", "经办人": "owner",
    "整改时限": "deadline", "完成时限": "deadline", "整改期限": "deadline", "时限": "deadline",
    "整改进展": "progress", "进展情况": "progress", "整改情况": "progress", "整改进度": "progress",
    "状态": "status", "整改状态": "status", "完成情况": "status", "是否完成": "status",
    "销号日期": "closed_on", "完成日期": "closed_on", "销号时间": "closed_on",
    "审签人": "approver", "销号审签人": "approver", "审核人": "approver",
    "佐证材料": "evidence", "备注": "remark",
    # the English keys of rectify's own CSV export
    "id": "number", "aspect": "aspect", "title": "title", "detail": "detail", "measures": "measures",
    "leader": "leader", "department": "department", "owner": "owner", "deadline_in_force": "deadline",
    "status": "status", "closed_on": "closed_on", "approver": "approver", "progress": "progress",
}  # fmt: skip
"""Header texts offices use, mapped to rectify's fields (spaces and line breaks ignored)."""

STATUS_WORDS: dict[str, Status] = {
    "已完成": Status.CLOSED, "已整改": Status.CLOSED, "已销号": Status.CLOSED, "完成": Status.CLOSED,
    "已完成整改": Status.CLOSED, "整改完成": Status.CLOSED, "已办结": Status.CLOSED, "closed": Status.CLOSED,
    "正在整改": Status.IN_PROGRESS, "整改中": Status.IN_PROGRESS, "推进中": Status.IN_PROGRESS,
    "未完成": Status.IN_PROGRESS, "持续推进": Status.IN_PROGRESS, "in_progress": Status.IN_PROGRESS,
    "长期坚持": Status.LONG_TERM, "需长期坚持": Status.LONG_TERM, "阶段性完成": Status.LONG_TERM,
    "持续整改": Status.LONG_TERM, "long_term": Status.LONG_TERM,
    "未整改": Status.OPEN, "未开始": Status.OPEN, "open": Status.OPEN,
    "申请销号": Status.SUBMITTED, "待审签": Status.SUBMITTED, "待销号": Status.SUBMITTED, "submitted": Status.SUBMITTED,
    "是": Status.CLOSED, "√": Status.CLOSED, "✓": Status.CLOSED, "否": Status.IN_PROGRESS,
    "进行中": Status.IN_PROGRESS, "持续整改中": Status.LONG_TERM,
}  # fmt: skip
"""Status words found in office sheets, mapped to DOMAIN.md's states."""

_ASPECT_ROW = re.compile(r"^\s*[（(]?[一二三四五六七八九十]+[）)、.．]")
_MEASURE_SPLIT = re.compile(r"\n+|；|;")


# ---------------------------------------------------------------- export


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


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """Write records as CSV in UTF-8 with a BOM (so Excel opens Chinese correctly); lists
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
            writer.writerow(flat)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


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


def write_xlsx(ledgers: list[Ledger], as_of: date, path: Path) -> None:
    """Write the workbook: sheet 汇总 (the status table and its total), then one
    整改销号表 per unit. Raises OSError when the file cannot be written."""
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
    book.save(path)


def _print_setup(sheet: Any, title_rows: str) -> None:
    """Landscape A4, fitted to one page wide, the header row printed on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows


# ---------------------------------------------------------------- import


@dataclass
class SheetRow:
    """One problem read from a sheet: its ``where`` (``sheet!row``), the fields found
    (text, dates as ``YYYY-MM-DD`` text) and the cell of each field for messages."""

    where: str
    fields: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(text: str) -> str | None:
    cleaned = re.sub(r"\s+", "", text)
    return HEADER_NAMES.get(cleaned) or HEADER_NAMES.get(cleaned.lower())


def sheet_names(path: Path) -> list[str]:
    """Return the sheet names of an .xlsx file (``[stem]`` for a CSV)."""
    if path.suffix.lower() == ".csv":
        return [path.stem]
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _find_header(grid: list[list[Any]]) -> int | None:
    for index, row in enumerate(grid[:30]):
        keys = {_header_key(_text(cell)) for cell in row} - {None}
        if ("title" in keys or "detail" in keys) and len(keys) >= 2:
            return index
    return None


def read_grid(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    """Return (sheet name, rows of cell values) of a .xlsx (merged cells filled from
    their top-left cell) or .csv file. Raises :class:`UsageError` when it cannot be read."""
    if path.suffix.lower() == ".csv":
        from rectify.yamldoc import decode

        text, _, _ = decode(path.read_bytes(), str(path))
        return path.stem, [list(row) for row in csv.reader(io.StringIO(text))]
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{path.name}: import reads .xlsx or .csv files")
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        hint = " (an encrypted workbook or an old .xls? save it as .xlsx)" if "zip" in str(exc).lower() else ""
        raise UsageError(f"cannot read {path.name} as an Excel workbook: {exc}{hint}") from None
    sheets = list(book.worksheets)  # chart sheets hold no cells
    names = [ws.title for ws in sheets]
    if sheet is not None and sheet not in names:
        what = f"{sheet!r} is a chart sheet" if sheet in book.sheetnames else f"{path.name} has no sheet {sheet!r}"
        raise UsageError(f"{what} (sheets: {', '.join(names)})")
    if sheet is not None:
        ws = next(w for w in sheets if w.title == sheet)
    else:  # the first visible sheet that looks like a ledger, else the first visible one
        ordered = sorted(sheets, key=lambda w: w.sheet_state != "visible")
        if not ordered:
            raise UsageError(f"{path.name} has no sheet with cells")
        ws = next((w for w in ordered if _find_header(_values(w)) is not None), ordered[0])
    grid = _values(ws)
    unsaved = _unsaved_formulas(formulas[ws.title], grid)
    if unsaved:
        raise LedgerError(
            [
                Problem(
                    ws.title, row, col, "a formula with no saved value; open the file in Excel and save it", cell=ref
                )
                for row, col, ref in unsaved[:50]
            ]
        )
    return ws.title, grid


def _unsaved_formulas(ws: Any, grid: list[list[Any]]) -> list[tuple[int, int, str]]:
    """Cells holding a formula whose value was never saved (written by a script): their
    value reads as empty, which would silently lose a problem or its state."""
    found = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" and (
                cell.row - 1 >= len(grid) or cell.column - 1 >= len(grid[cell.row - 1])
                or grid[cell.row - 1][cell.column - 1] is None
            ):  # fmt: skip
                found.append((cell.row, cell.column, cell.coordinate))
    return found


def _values(ws: Any) -> list[list[Any]]:
    grid = [list(row) for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(grid) else None
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = top
    return grid


def sheet_rows(name: str, grid: list[list[Any]]) -> list[SheetRow]:
    """Return the problems of a sheet: rows under the header that hold a problem; an
    aspect row such as ``（一）政治建设方面`` sets the aspect of the rows below it.
    Raises :class:`LedgerError` when no header row is found."""
    from openpyxl.utils import get_column_letter

    header = _find_header(grid)
    if header is None:
        raise LedgerError([Problem(name, 1, 1, "no header row with 问题 and other known columns in the first 30 rows")])
    columns = [_header_key(_text(cell)) for cell in grid[header]]
    start = header + 1
    if start < len(grid):  # a second header row under a merged group header (整改情况 → 状态, 销号日期)
        below = [_header_key(_text(cell)) for cell in grid[start]]
        if sum(1 for key in below if key) >= 2 and not any(
            _text(cell) and not _header_key(_text(cell)) for cell in grid[start]
        ):
            columns = [b or c for c, b in zip(columns, below + [None] * (len(columns) - len(below)), strict=False)]
            start += 1
    problems = []
    for col, key in enumerate(columns):
        if key is not None and key not in ("number", "remark") and key in columns[:col]:
            first = columns.index(key)
            ref = f"{get_column_letter(col + 1)}{header + 1}"
            message = f"this column is {key} again (as column {get_column_letter(first + 1)}); keep one"
            problems.append(Problem(name, header + 1, col + 1, message, cell=ref))
    if problems:
        raise LedgerError(problems)
    has_title = "title" in columns
    out: list[SheetRow] = []
    conflicts: list[Problem] = []
    aspect = ""
    for index in range(start, len(grid)):
        cells = grid[index]
        values: dict[str, str] = {}
        where: dict[str, str] = {}
        for col, key in enumerate(columns):
            if key is None or col >= len(cells):
                continue
            if key == "detail" and not has_title:
                key = "title"
            text = _text(cells[col])
            if text:
                values.setdefault(key, text)
                where.setdefault(key, f"{name}!{get_column_letter(col + 1)}{index + 1}")
        if not values:
            continue
        texts = set(values.values())
        one = next(iter(texts)) if len(texts) == 1 else None  # a row of one text (often merged across)
        if one and (_ASPECT_ROW.match(one) or one.endswith("方面")):
            aspect = re.sub(r"^\s*[（(]?[一二三四五六七八九十]+[）)、.．]\s*", "", one)
            continue
        numbered = set(values) <= {"number", "aspect", "title"} and re.fullmatch(
            r"[（(]?[一二三四五六七八九十]+[）)、.．]?", values.get("number", "一")
        )
        if numbered and values.get("title", values.get("aspect", "")).endswith("方面"):
            aspect = values.get("title", values.get("aspect", ""))  # 一 | 政治建设方面
            continue
        if one and re.match(r"^\s*(注|备注|说明|填表|附)", one):
            continue  # a note under the table
        if "title" not in values:
            continue  # a row of notes or a sub-total
        values.setdefault("aspect", aspect)
        if not values["aspect"]:
            values.pop("aspect")
        previous = out[-1] if out else None
        if previous and (previous.fields.get("title"), previous.fields.get("aspect")) == (
            values["title"],
            values.get("aspect"),
        ):  # one problem over several rows (its 问题 cell merged down): one finding
            for key, text in values.items():
                if key in ("measures", "progress", "evidence"):
                    joined = [previous.fields[key]] if key in previous.fields else []
                    previous.fields[key] = "\n".join([*joined, text])
                elif previous.fields.get(key, text) != text and key != "number":
                    ref = where[key]
                    sheet, _, cell = ref.partition("!")
                    message = f"the problem above goes on in this row but its {key} differs ({text!r}); make them agree"
                    conflicts.append(Problem(sheet, index + 1, 0, message, cell=cell))
                else:
                    previous.fields.setdefault(key, text)
                    previous.cells.setdefault(key, where[key])
            continue
        out.append(SheetRow(f"{name}!{index + 1}", values, where))
    if conflicts:
        raise LedgerError(conflicts)
    return out


@dataclass(frozen=True)
class Imported:
    """A finding read from a sheet, ready to be put on a ledger (see :func:`build`)."""

    aspect: str
    title: str
    detail: str | None
    measures: tuple[str, ...]
    leader: str | None
    department: str | None
    owner: str | None
    deadline: date | None
    status: Status
    closed_on: date | None
    approver: str | None
    progress: str | None
    where: str = ""
    """``sheet!row`` the problem was read from."""


def _cell_problem(row: SheetRow, key: str, message: str) -> Problem:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    sheet, _, cell = row.cells.get(key, row.where).partition("!")
    if not cell or cell.isdigit():  # the whole row
        return Problem(sheet, int(cell or 0), 0, message, cell=f"{cell or '?'}")
    letters, number = coordinate_from_string(cell)
    return Problem(sheet, number, column_index_from_string(letters), message, cell=cell)


def interpret(rows: list[SheetRow], default_approver: str | None = None) -> list[Imported]:
    """Turn sheet rows into :class:`Imported` findings. Raises :class:`LedgerError` with
    every cell that cannot be read (``sheet!C7: why``), whatever their number."""
    problems: list[Problem] = []
    out: list[Imported] = []
    for row in rows:
        f = row.fields
        errors_before = len(problems)
        dates: dict[str, date | None] = {}
        for key in ("deadline", "closed_on"):
            text = f.get(key)
            if not text:
                dates[key] = None
                continue
            try:
                dates[key] = parse_date(normal_date(text))
            except ValueError:
                problems.append(
                    _cell_problem(row, key, f"{text!r} is not a date (2021-10-31, 2021/10/31 or 2021年10月31日)")
                )
        status = Status.OPEN
        word = re.sub(r"[\s。．.，,；;！!、]+", "", f.get("status", ""))
        if word:
            found = STATUS_WORDS.get(word) or STATUS_WORDS.get(word.lower())  # whole words only: 未完成 is not 完成
            if found is None:
                known = "、".join(k for k in STATUS_WORDS if not k.isascii())
                problems.append(_cell_problem(row, "status", f"{word!r} is not a status word ({known})"))
            else:
                status = found
        elif dates.get("closed_on"):
            status = Status.CLOSED
        if not f.get("aspect"):
            problems.append(
                _cell_problem(row, "title", "no 方面 for this problem (no aspect column or aspect row above)")
            )
        approver = f.get("approver") or default_approver
        if status is Status.CLOSED and not approver:
            problems.append(_cell_problem(row, "status", "a closed problem needs its 审签人 (column, or --approver)"))
        if len(problems) > errors_before:
            continue
        measures = tuple(m.strip() for m in _MEASURE_SPLIT.split(f.get("measures", "")) if m.strip())
        measures = tuple(re.sub(r"^[0-9]+[.、．)）]\s*", "", m) for m in measures)
        out.append(
            Imported(
                aspect=f["aspect"],
                title=f["title"],
                detail=f.get("detail") if f.get("detail") != f["title"] else None,
                measures=measures,
                leader=f.get("leader"),
                department=f.get("department"),
                owner=f.get("owner"),
                deadline=dates.get("deadline"),
                status=status,
                closed_on=dates.get("closed_on"),
                approver=approver,
                progress=f.get("progress"),
                where=row.where,
            )
        )
    if problems:
        raise LedgerError(problems)
    return out


IMPORTER = "（导入）"
"""Who an imported step is recorded as done by, when the sheet does not say."""


def build(ledger: Ledger, items: list[Imported], added_on: date, today: date) -> list[Finding]:
    """Return findings for ``ledger`` from imported rows, numbered on from the ledger,
    each with a history that leads to its status: ``add`` on ``added_on``, then as the
    state needs ``start``, a ``progress`` note, ``submit``, ``long_term`` or ``close``
    (dated the sheet's 销号日期, else ``added_on``, approved by its 审签人).

    Raises :class:`LedgerError` listing every row whose close date is not between
    ``added_on`` and ``today``, whose deadline is before ``added_on``, or which has a
    close date without being closed.
    """
    number = ledger.next_number()
    made = []
    problems: list[Problem] = []
    for item in items:
        sheet, _, row = item.where.partition("!")
        closed = item.closed_on or added_on
        if item.status is Status.CLOSED and not added_on <= closed <= today:
            problems.append(
                Problem(sheet, int(row or 0), 0, f"销号日期 {closed} is not between {added_on} (the day put on the "
                        f"ledger; --date) and today ({today})", cell=row)
            )  # fmt: skip
        if item.deadline is not None and item.deadline < added_on:
            problems.append(
                Problem(sheet, int(row or 0), 0, f"整改时限 {item.deadline} is before {added_on}, the day put on "
                        "the ledger (--date)", cell=row)
            )  # fmt: skip
        if item.closed_on is not None and item.status is not Status.CLOSED:
            problems.append(
                Problem(sheet, int(row or 0), 0, f"a 销号日期 ({item.closed_on}) on a problem that is "
                        f"{item.status.value}; one of the two is wrong", cell=row)
            )  # fmt: skip
        if problems:
            continue
        history = [Event(date=added_on, action=Action.ADD, by=IMPORTER)]
        if item.status is not Status.OPEN:
            history.append(Event(date=added_on, action=Action.START, by=item.owner))
        if item.progress and item.status is not Status.OPEN:
            history.append(Event(date=added_on, action=Action.PROGRESS, by=item.owner, note=item.progress))
        if item.status is Status.SUBMITTED:
            history.append(Event(date=added_on, action=Action.SUBMIT, by=item.owner or IMPORTER, chain=["审签"]))
        elif item.status is Status.LONG_TERM:
            history.append(Event(date=added_on, action=Action.LONG_TERM, by=item.owner))
        elif item.status is Status.CLOSED:
            closer = item.owner if item.owner and item.owner != item.approver else IMPORTER
            history.append(Event(date=closed, action=Action.CLOSE, by=closer, approver=item.approver))
        fields = NewFinding(
            item.aspect, item.title, item.detail, item.measures, item.leader, item.department, item.owner, item.deadline
        )
        finding = fields.to_finding(f"{ledger.unit.id}-{number:03d}", item.status, history)
        assert replay(finding.history).status is item.status
        made.append(finding)
        number += 1
    if problems:
        raise LedgerError(problems)
    return made
