"""Reading the sheets offices keep (.xlsx, .csv) into new findings.

Import reads the sheets offices actually have: Chinese headers and their common
variants, a header below a title row, merged 方面 cells and aspect rows like
``（一）政治建设方面``, 序号 such as ``1`` or ``(一)1``, dates as Excel dates or text, and
status words mapped to DOMAIN.md's states. Every cell that cannot be read is reported as
``sheet!C7: why``, all at once, and nothing is written. Writing a workbook is
:mod:`rectify.present.workbook`. openpyxl is imported only when a workbook is read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rectify.domain.model import Status, parse_date
from rectify.domain.steps import NewFinding
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files.feedback import normal_date

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
    "逾期": Status.IN_PROGRESS,  # the 整改销号表 writes an overdue, unclosed problem so
}  # fmt: skip
"""Status words found in office sheets, mapped to DOMAIN.md's states."""

_ASPECT_ROW = re.compile(r"^\s*[（(]?[一二三四五六七八九十]+[）)、.．]")
_MEASURE_SPLIT = re.compile(r"\n+|；|;")


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
        from rectify.files.text import decode

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
        if any("（签字）" in text or "(签字)" in text for text in texts):
            continue  # the signature spaces under a 整改销号表
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


def _cell_problem(row: SheetRow, key: str, message: str) -> Problem:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    sheet, _, cell = row.cells.get(key, row.where).partition("!")
    if not cell or cell.isdigit():  # the whole row
        return Problem(sheet, int(cell or 0), 0, message, cell=f"{cell or '?'}")
    letters, number = coordinate_from_string(cell)
    return Problem(sheet, number, column_index_from_string(letters), message, cell=cell)


def interpret(rows: list[SheetRow], default_approver: str | None = None) -> list[NewFinding]:
    """Turn sheet rows into :class:`NewFinding` records (with their state as the sheet
    gives it). Raises :class:`LedgerError` with every cell that cannot be read
    (``sheet!C7: why``), whatever their number."""
    problems: list[Problem] = []
    out: list[NewFinding] = []
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
        # 整改中（已延期）: the 整改销号表 marks an extension after the state
        word = re.sub(r"^(\S+?)[（(](已延期|延期)[）)]$", r"\1", word)
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
            NewFinding(
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


