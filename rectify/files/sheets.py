"""Reading the sheets offices keep into new findings.

Import reads the sheets offices actually have: Chinese headers and their common
variants, a header below a title row, a two-row header under group headings, merged 方面
cells and aspect rows like ``（一）政治建设方面``, 序号 such as ``1`` or ``(一)1``, numbering
before aspects and titles (``一、``, ``（一）``, ``1.``; stripped), dates as Excel dates or
text, deadlines as phrases (:mod:`rectify.files.wording`), status words mapped to
DOMAIN.md's states, 备注, 延期, the three 到位 counters, and a 单位 column. Every cell that
cannot be read is reported as ``sheet!C7: why``, all at once, and nothing is written.
The file itself is read by :mod:`rectify.files.sheetread`; writing a workbook is
:mod:`rectify.present.workbook`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rectify import i18n
from rectify.domain.model import Accountability, Status, control_message, parse_date, written_date
from rectify.domain.people import control_in_text
from rectify.domain.steps import Extension, NewFinding
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files.sheetread import read_book
from rectify.files.wording import STATUS_WORDS as STATUS_WORDS
from rectify.files.wording import Deadline, read_deadline, sounds_done, status_of, status_word, without_time
from rectify.i18n import _, ngettext

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
    "佐证材料": "evidence", "备注": "remark", "备注说明": "remark", "说明": "remark", "整改目标": "remark",
    "完成时间": "closed_on", "实际完成时间": "closed_on", "实际完成日期": "closed_on", "办结时间": "closed_on",
    "牵头单位": "department", "牵头科室": "department", "牵头股室": "department", "责任股室": "department",
    "配合单位": "remark", "配合部门": "remark", "协办单位": "remark", "协同部门": "remark", "督办领导": "remark",
    "整改责任人": "owner", "直接责任人": "owner", "是否销号": "status", "销号情况": "status",
    "整改完成情况": "status", "整改完成时限": "deadline", "完成期限": "deadline", "具体措施": "measures",
    "工作措施": "measures", "整改成效": "progress", "联系电话": "ignore", "联系方式": "ignore",
    "整改进展情况": "progress", "工作进展": "progress", "整改落实情况": "progress",
    "单位": "unit", "单位名称": "unit", "被巡察单位": "unit", "整改单位": "unit", "整改主体": "unit",
    "延期": "extended_to", "延期时限": "extended_to", "延期至": "extended_to", "延期后时限": "extended_to",
    "延期完成时限": "extended_to", "申请延期时限": "extended_to",
    "延期日期": "extended_on", "延期批准日期": "extended_on", "批准延期日期": "extended_on",
    "延期审批日期": "extended_on", "是否延期": "extended_flag", "是否申请延期": "extended_flag",
    "延期原因": "extend_reason", "延期理由": "extend_reason",
    "延期审批人": "extend_approver", "延期批准人": "extend_approver",
    "追责问责人数": "people:问责", "问责人数": "people:问责", "追责问责": "people:问责", "人员责任追究": "people:问责",
    "政务处分": "people:政务处分", "党纪处分": "people:党纪处分", "党纪政务处分": "people:党纪政务处分",
    "组织处理": "people:组织处理", "诫勉": "people:诫勉", "诫勉谈话": "people:诫勉",
    "交由纪委调查": "people:交由纪委调查", "移送纪检监察机关": "people:交由纪委调查",
    "批评教育": "people:批评教育", "提醒谈话": "people:提醒谈话", "通报批评": "people:通报批评",
    "追缴资金": "funds_yuan", "挽回资金": "funds_yuan", "追缴挽回资金": "funds_yuan", "追缴/挽回资金": "funds_yuan",
    "清退资金": "funds_yuan", "资金清退": "funds_yuan", "挽回经济损失": "funds_yuan", "追缴（挽回）资金": "funds_yuan",
    "建章立制": "rules", "建章立制数": "rules", "制定完善制度": "rules", "新建制度": "rules", "建立完善制度": "rules",
    # the English keys of rectify's own CSV export
    "id": "number", "aspect": "aspect", "title": "title", "detail": "detail", "measures": "measures",
    "leader": "leader", "department": "department", "owner": "owner", "deadline_in_force": "ignore",
    "status": "status", "closed_on": "closed_on", "approver": "approver", "progress": "progress",
    "unit": "unit", "unit_name": "ignore", "people": "people", "funds_yuan": "funds_yuan", "rules": "rules",
    "deadline": "deadline", "extensions": "extensions", "evidence": "ignore", "as_of": "ignore",
    "remark": "remark", "notes": "remark",
}  # fmt: skip
"""Header texts offices use, mapped to rectify's fields (spaces and line breaks ignored)."""

_ASPECT_ROW = re.compile(r"^\s*[（(]?[一二三四五六七八九十]+[）)、.．]")
_SUB_ROW = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
"""A second-level heading (``（一）…``): the aspect when no ``一、`` level is above it."""
_MEASURE_SPLIT = re.compile(r"\n+|；|;|(?=[①-⑳])")


@dataclass
class SheetRow:
    """One problem read from a sheet: its ``where`` (``sheet!row``), the fields found
    (text, dates as ``YYYY-MM-DD`` text), the cell of each field for messages and the
    sheet's ``columns``."""

    where: str
    fields: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    """The fields the sheet has a column for (empty in this row or not), each with its
    column's letter and heading: ``{"closed_on": ("L", "销号时间")}``."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):  # a formula kept as text by an export
        return text[1:]
    return text


_UNIT_SUFFIX = re.compile(r"[（(](元|万元|人|人次|项|个|件)[)）]$")


def _header_key(text: str, extra: dict[str, str] | None = None) -> str | None:
    """The field a heading names (spaces, line breaks and a unit such as ``（元）`` ignored;
    ``（万元）`` on a funds column gives ``funds_wan``), ``extra`` first; None if unknown."""
    cleaned = re.sub(r"\s+", "", text)
    if extra and (cleaned in extra or cleaned.lower() in extra):
        return extra.get(cleaned) or extra.get(cleaned.lower())
    unit = _UNIT_SUFFIX.search(cleaned)
    bare = cleaned[: unit.start()] if unit else cleaned
    key = HEADER_NAMES.get(cleaned) or HEADER_NAMES.get(cleaned.lower()) or HEADER_NAMES.get(bare)
    if key == "funds_yuan" and unit and unit[1] == "万元":
        return "funds_wan"
    return key


def find_header(grid: list[list[Any]], extra: dict[str, str] | None = None) -> int | None:
    """Return the index of the header row in the first 30 rows of ``grid`` (a row naming
    问题 or 问题描述 and another known column), else None."""
    for index, row in enumerate(grid[:30]):
        keys = {_header_key(_text(cell), extra) for cell in row} - {None}
        if ("title" in keys or "detail" in keys) and len(keys) >= 2:
            return index
    return None


def sheet_rows(name: str, grid: list[list[Any]], extra: dict[str, str] | None = None) -> list[SheetRow]:
    """Return the problems of a sheet: rows under the header that hold a problem; an
    aspect row such as ``（一）政治建设方面`` sets the aspect of the rows below it.
    ``extra``: more headings (``sheets: columns`` in rectify.yaml). Raises
    :class:`LedgerError` when no header row is found, naming every heading that is not
    known and every field two columns claim."""
    from openpyxl.utils import get_column_letter

    header = find_header(grid, extra)
    if header is None:
        message = _("no header row with 问题 and other known columns in the first 30 rows")
        raise LedgerError([Problem(name, 1, 1, message, cell="A1")])
    width = max((len(row) for row in grid[header : header + 2]), default=0)
    top = [*grid[header], *[None] * (width - len(grid[header]))]
    columns = [_header_key(_text(cell), extra) for cell in top]
    start = header + 1
    headings = [_text(cell) for cell in top]
    if start < len(grid):  # a second header row under merged group headings (整改情况 → 状态, 销号日期)
        row = [*grid[start], *[None] * (width - len(grid[start]))]
        below = [_header_key(_text(cell), extra) for cell in row]
        known = sum(1 for key in below if key)
        unknown = sum(1 for cell, key in zip(row, below, strict=True) if _text(cell) and not key)
        if known >= 2 and known >= unknown and not any(isinstance(cell, date | int | float) for cell in row):
            for col, cell in enumerate(row):
                if _text(cell) and _text(cell) != headings[col]:  # under a group heading
                    columns[col], headings[col] = below[col], _text(cell)
            start += 1
            header_rows = (header, start - 1)
        else:
            header_rows = (header, header)
    else:
        header_rows = (header, header)
    problems = []
    for col, key in enumerate(columns):
        if key is None and headings[col]:
            at = header_rows[1] if _text((grid[header_rows[1]] + [None] * width)[col]) else header_rows[0]
            ref = f"{get_column_letter(col + 1)}{at + 1}"
            message = (
                _(
                    "unknown column heading {headings!r}; rename it to one rectify reads "
                    "({known_headings}), or name it in rectify.yaml (sheets: columns: {{heading: field "
                    "or ignore}})"
                ).format(headings=headings[col], known_headings=known_headings())
            )
            problems.append(Problem(name, at + 1, col + 1, message, cell=ref))
    for col, key in enumerate(columns):
        if key is not None and key not in ("number", "remark", "ignore") and key in columns[:col]:
            first = columns.index(key)
            ref = f"{get_column_letter(col + 1)}{header + 1}"
            message = _(
                "this column is {key} again (as column {get_column_letter}); keep one"
            ).format(key=key, get_column_letter=get_column_letter(first + 1))
            problems.append(Problem(name, header + 1, col + 1, message, cell=ref))
    if problems:
        raise LedgerError(problems)
    has_title = "title" in columns
    places: dict[str, tuple[str, str]] = {}
    for col, key in enumerate(columns):
        if key is not None and key not in places:
            places[key] = (get_column_letter(col + 1), headings[col] or key)
    out: list[SheetRow] = []
    conflicts: list[Problem] = []
    aspect = ""
    level = 0  # of the aspect in force: 1 for 一、…, 2 for （一）…, 0 for none yet
    sub = ""  # a （一） heading under a 一、 aspect: the middle level (problem) of the rows below
    in_column = ""  # the last aspect read in an aspect column
    for index in range(start, len(grid)):
        cells = grid[index]
        values: dict[str, str] = {}
        where: dict[str, str] = {}
        raw: set[str] = set()
        rest: set[str] = set()  # the texts outside the aspect column
        for col, key in enumerate(columns):
            if key is None or key == "ignore" or col >= len(cells):
                continue
            if key == "detail" and not has_title:
                key = "title"
            text = _text(cells[col])
            if text:
                raw.add(text)
                if key != "aspect":
                    rest.add(text)
            if text and key == "remark":  # 备注, 整改目标, ...: each kept with its heading
                piece = f"{headings[col] or '备注'}：{text}"
                values[key] = f"{values[key]}；{piece}" if key in values else piece
                where.setdefault(key, f"{name}!{get_column_letter(col + 1)}{index + 1}")
            elif text:
                values.setdefault(key, text)
                where.setdefault(key, f"{name}!{get_column_letter(col + 1)}{index + 1}")
        if not values:
            continue
        one = next(iter(raw)) if len(raw) == 1 else None  # a row of one text (often merged across)
        if one is None and values.get("aspect") and strip_number(values["aspect"]) != in_column:
            in_column, level, sub = strip_number(values["aspect"]), 1, ""  # a new aspect in its column
        heading = one or (next(iter(rest)) if len(rest) == 1 and "aspect" in values else None)
        if heading and (_ASPECT_ROW.match(heading) or heading.endswith("方面")) and len(heading) <= 60:
            second = _SUB_ROW.match(heading) is not None
            if second and level == 1:  # （一）… under 一、…: the middle level, the aspect stays
                sub = strip_number(heading)
            else:
                aspect, level, sub = strip_number(heading), 2 if second else 1, ""
            continue
        numbered = set(values) <= {"number", "aspect", "title"} and re.fullmatch(
            r"[（(]?[一二三四五六七八九十]+[）)、.．]?", values.get("number", "一")
        )
        if numbered and values.get("title", values.get("aspect", "")).endswith("方面"):
            text = strip_number(values.get("title", values.get("aspect", "")))  # 一 | 政治建设方面
            if values.get("number", "").startswith(("（", "(")) and level == 1:
                sub = text
            else:
                aspect, level, sub = text, 2 if values.get("number", "").startswith(("（", "(")) else 1, ""
            continue
        if one and re.match(r"^\s*(注|备注|说明|填表|附)", one):
            continue  # a note under the table
        if any("（签字）" in text or "(签字)" in text for text in raw):
            continue  # the signature spaces under a 整改销号表
        if "title" not in values:
            continue  # a row of notes or a sub-total
        values.setdefault("aspect", aspect)
        if not values["aspect"]:
            values.pop("aspect")
        if sub:
            values.setdefault("problem", sub)
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
                    sheet, __, cell = ref.partition("!")
                    label = places[key][1] if key in places else key  # the sheet's own heading (销号时间, 责任人)
                    message = _(
                        "the problem above goes on in this row but its {key} differs ({text!r}); make "
                        "them agree"
                    ).format(key=label, text=text)
                    conflicts.append(Problem(sheet, index + 1, 0, message, cell=cell))
                else:
                    previous.fields.setdefault(key, text)
                    previous.cells.setdefault(key, where[key])
            continue
        out.append(SheetRow(f"{name}!{index + 1}", values, where, places))
    if conflicts:
        raise LedgerError(conflicts)
    return out


_NUMBERING = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十百0-9]+[)）]|[一二三四五六七八九十百]+[、.．]|[0-9]+(?:[、.．](?![0-9])|[)）])"
    r"|第[一二三四五六七八九十百0-9]+[个项条方面]*[、：:]|[①-⑳])\s*"
)


def strip_number(text: str) -> str:
    """Return ``text`` without the numbering offices put before aspects and titles
    (``一、``, ``（一）``, ``(1)``, ``1.``, ``1、``, ``第一、``; repeated, as in ``（一）1.``);
    text that is only a number is kept."""
    out = text.strip()
    while (match := _NUMBERING.match(out)) and match.end() < len(out):
        out = out[match.end() :].strip()
    return out


def known_headings() -> str:
    """One heading for each field import reads, for messages (``序号、方面、问题…``)."""
    seen: dict[str, str] = {}
    for heading, key in HEADER_NAMES.items():
        if not heading.isascii() and key != "ignore" and not (key.startswith("people:") and key != "people:问责"):
            seen.setdefault(key, heading)
    return "、".join(seen.values())


def _cell_problem(row: SheetRow, key: str, message: str) -> Problem:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    sheet, __, cell = row.cells.get(key, row.where).partition("!")
    if not cell or cell.isdigit():  # the whole row
        return Problem(sheet, int(cell or 0), 0, message, cell=f"{cell or '?'}")
    letters, number = coordinate_from_string(cell)
    return Problem(sheet, number, column_index_from_string(letters), message, cell=cell)


_EMPTY = {"", "0", "无", "/", "-", "—", "——", "0人", "0元", "0项"}


def _count(text: str, unit: str) -> int:
    cleaned = text.strip().removesuffix(unit).strip()
    if cleaned in _EMPTY:
        return 0
    if not re.fullmatch(r"[0-9]+", cleaned):
        raise ValueError(_("{text!r} is not a whole number").format(text=text))
    return int(cleaned)


def _money(text: str, per: Decimal) -> Decimal:
    cleaned = re.sub(r"[,，\s]", "", text)
    scale = per
    if cleaned.endswith("万元") or cleaned.endswith("万"):
        cleaned, scale = cleaned.removesuffix("元").removesuffix("万"), Decimal(10000)
    cleaned = cleaned.removesuffix("元")
    if cleaned in _EMPTY:
        return Decimal(0)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        message = _("{text!r} is not an amount of money (12000, 12000.50 or 1.2万元)")
        raise ValueError(message.format(text=text)) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(_("{text!r} is not an amount of money").format(text=text))
    return amount * scale


def _people(text: str) -> dict[str, int]:
    """rectify's own export: ``批评教育:2；诫勉:1``."""
    out: dict[str, int] = {}
    for part in re.split(r"[；;\n]", text):
        if not part.strip():
            continue
        kind, sep, number = part.rpartition(":")
        if not sep or not kind.strip():
            raise ValueError(_("{part!r} is not KIND:NUMBER (批评教育:2)").format(part=part))
        out[kind.strip()] = out.get(kind.strip(), 0) + _count(number, "人")
    return out


def _day(text: str) -> date:
    """A date cell: a date as :func:`written_date` reads one on the command line too
    (``2021/10/31``, ``2021年10月31日``, ``2021年6月30号``, ``20211031``), after a time of day,
    a leading ``延期至`` and a trailing ``之前`` are left out."""
    cleaned = re.sub(r"^(延期至|延至|延长至)", "", without_time(text))
    return written_date(re.sub(r"(之前|以前|前)$", "", cleaned))


def _new_deadline(text: str) -> date:
    """A 延期时限 as offices write it: a date, or a phrase with its year (``2024年3月底前``,
    ``2024年6月``: that month's last day). Raises :class:`ValueError` otherwise (a phrase
    without a year, ``立行立改``, ``长期坚持``)."""
    try:
        return _day(text)
    except ValueError:
        pass
    read = read_deadline(text, 0)
    if read.day is not None:
        return read.day
    if read.due is not None and read.due.year is not None and read.due.days_after is None:
        return read.due.on(date(read.due.year, 1, 1))
    raise ValueError(f"{text!r} is not a date")


def headings_of(row: SheetRow, key: str) -> str:
    """The sheet's own heading of ``key``'s column in ``row`` (``是否延期``), else ``key``."""
    return row.columns[key][1] if key in row.columns else key


_EXTENSION = re.compile(r"([0-9-]{10})\s*->\s*([0-9-]{10})\s*\|([^|]*)\|\s*(.+)")
"""One extension as rectify's export writes it: ``2021-11-25 -> 2022-03-31 | 王某 | 原因``."""


@dataclass(frozen=True)
class Reading:
    """How rows are read: ``approver`` (the 审签人 of closed rows that name none, also the
    approver of an extension that names none), ``closed_on`` (the close date of closed rows
    that give none, only when given explicitly: ``--closed-on``), ``words`` (status words:
    the defaults with rectify.yaml's), ``immediate_days`` (立行立改), ``aspect``."""

    approver: str | None = None
    closed_on: date | None = None
    words: dict[str, Status] = field(default_factory=lambda: dict(STATUS_WORDS))
    immediate_days: int = 30
    aspect: str | None = None
    """The 方面 of rows that give none (``--aspect``), for a sheet with no aspect column."""
    extended_on: date | None = None
    """The day the 延期 of rows that give no approval day were approved (``--extended-on``;
    only ever given explicitly)."""
    reported_on: date | None = None
    """The day a sheet with no 填报时间 line was filled in (``--reported-on``; only ever
    given explicitly): its 整改进展 and 备注 are dated that day."""


def interpret(rows: list[SheetRow], reading: Reading | None = None) -> list[NewFinding]:
    """Turn sheet rows into :class:`NewFinding` records with the state, notes, extension
    and counters the sheet gives. Raises :class:`LedgerError` with every cell that cannot
    be read (``sheet!C7: why``), whatever their number: a date or deadline that is none, a
    status word not in ``reading.words`` (the message lists them), a closed row with no
    close date or 审签人, an extension with no approval date or approver, a counter that
    is not a number."""
    reading = reading or Reading()
    problems: list[Problem] = []
    out: list[NewFinding] = []
    unsigned: list[tuple[SheetRow, str]] = []  # closed rows of a sheet with no 审签人 column, --approver not given
    aspectless: list[SheetRow] = []  # rows of a sheet with no 方面 anywhere, --aspect not given
    listed = False  # whether a message has listed the status words known
    for row in rows:
        f = row.fields
        errors_before = len(problems)

        def bad(key: str, message: str, row: SheetRow = row) -> None:
            problems.append(_cell_problem(row, key, message))

        for key, value in f.items():  # the rule of every text field (the model's), said at the cell
            control = control_in_text(value)
            if control is not None:
                bad(key, control_message(control))
        if len(problems) > errors_before:
            continue
        dates: dict[str, date | None] = {}
        for key in ("closed_on", "extended_on", "extended_to"):
            text = f.get(key)
            dates[key] = None
            if text:
                try:
                    dates[key] = _day(text) if key != "extended_to" else _new_deadline(text)
                except ValueError:
                    bad(key, _("{text!r} is not a date (2021-10-31, 2021/10/31 or 2021年10月31日)").format(text=text))
        flag = re.sub(r"\s", "", f.get("extended_flag", ""))
        if flag in ("是", "√", "✓", "已延期", "延期") and not f.get("extended_to"):
            bad("extended_flag", _(
                "{heading} says {flag} but the row gives no new deadline: fill in its 延期时限"
            ).format(heading=headings_of(row, "extended_flag"), flag=flag))  # fmt: skip
        deadline = Deadline()
        if f.get("deadline"):
            try:
                deadline = read_deadline(f["deadline"], reading.immediate_days)
            except ValueError as exc:
                bad("deadline", str(exc))
        status = Status.OPEN
        word = status_word(f.get("status", ""))
        if word:
            found = status_of(word, reading.words)
            if found is None and not listed:  # the words known, once per sheet
                listed = True
                known = "、".join(k for k in reading.words if not k.isascii())
                bad("status", _(
                    "{word!r} is not a status word ({known}; more in rectify.yaml, sheets: status_words)"
                ).format(word=word, known=known))  # fmt: skip
            elif found is None:
                bad("status", _("{word!r} is not a status word (the words known are listed above)").format(word=word))
            else:
                status = found
        elif dates.get("closed_on"):
            status = Status.CLOSED
        if deadline.long_term and status not in (Status.CLOSED, Status.SUBMITTED):
            status = Status.LONG_TERM
        if not f.get("aspect") and reading.aspect:
            f["aspect"] = reading.aspect
        if not f.get("aspect") and "aspect" not in row.columns and not any(r.fields.get("aspect") for r in rows):
            aspectless.append(row)  # the whole sheet has none: one line
        elif not f.get("aspect"):
            bad("title", _("no 方面 for this problem (no aspect column or aspect row above)"))
        approver = f.get("approver") or reading.approver
        closed_on = dates.get("closed_on")
        if status is Status.CLOSED:
            if not approver and "approver" not in row.columns:
                unsigned.append((row, f.get("status") or f.get("closed_on", "")))
            elif not approver:
                bad("status", _("a closed problem needs its 审签人 (column, or --approver)"))
            if closed_on is None and f.get("closed_on"):
                pass  # the cell is filled but is not a date: said above, as typed
            elif closed_on is None and reading.closed_on is None and "closed_on" in row.columns:
                letter, heading = row.columns["closed_on"]
                sheet, __, line = row.where.partition("!")
                message = _(
                    "{word!r} closes this problem but its {heading} is empty: fill in the day it "
                    "was signed off (or give --closed-on DATE for every closed row with none)"
                ).format(word=f.get("status") or "销号", heading=heading)
                problems.append(Problem(sheet, int(line), 0, message, cell=f"{letter}{line}"))
            elif closed_on is None and reading.closed_on is None and "closed_on" not in row.cells:
                bad("status", _("{word!r} closes this problem but the sheet gives no 销号日期: "
                    "add a 销号日期 or 完成时间 column, or give --closed-on DATE").format(
                    word=f.get("status") or "销号"))  # fmt: skip
            closed_on = closed_on or reading.closed_on
        extensions: list[Extension] = []
        if f.get("extensions"):
            for line in f["extensions"].splitlines():
                found_ext = _EXTENSION.fullmatch(line.strip())
                if found_ext is None:
                    bad("extensions", _("{line!r} is not DATE -> NEW DEADLINE | APPROVER | REASON").format(line=line))
                    continue
                try:
                    on_day, to_day = parse_date(found_ext[1]), parse_date(found_ext[2])
                except ValueError as exc:
                    bad("extensions", str(exc))
                    continue
                extensions.append(Extension(on_day, to_day, found_ext[3].strip() or reading.approver, found_ext[4]))
        if f.get("extended_to") and dates.get("extended_to"):
            on = dates.get("extended_on") or (reading.extended_on if not f.get("extended_on") else None)
            who = f.get("extend_approver") or reading.approver
            if on is None and "extended_on" not in row.cells:
                if "extended_on" in row.columns:
                    bad("extended_to", _("a 延期 needs the day it was approved: add a 延期批准日期 column"))
                else:
                    bad("extended_to", _(
                        "a 延期 needs the day it was approved: add a 延期批准日期 column or give --extended-on DATE"
                    ))  # fmt: skip
            if not who:
                bad("extended_to", _("a 延期 needs who approved it: add a 延期审批人 column or give --approver"))
            if on is not None and who:
                reason = f.get("extend_reason") or "台账记载的延期"
                extensions.append(Extension(on, dates["extended_to"], who, reason))  # type: ignore[arg-type]
        elif f.get("extended_on") and not f.get("extended_to"):
            bad("extended_on", _("a 延期批准日期 with no new deadline (延期时限)"))
        counters = Accountability()
        people: dict[str, int] = {}
        funds = Decimal(0)
        rules = 0
        for key, text in f.items():
            try:
                if key.startswith("people:"):
                    kind = key.partition(":")[2]
                    people[kind] = people.get(kind, 0) + _count(text, "人")
                elif key == "people":
                    for kind, number in _people(text).items():
                        people[kind] = people.get(kind, 0) + number
                elif key in ("funds_yuan", "funds_wan"):
                    funds += _money(text, Decimal(10000) if key == "funds_wan" else Decimal(1))
                elif key == "rules":
                    rules += _count(text, "项")
            except ValueError as exc:
                bad(key, str(exc))
        if people or funds or rules:
            counters = Accountability(people={k: v for k, v in people.items() if v}, funds_yuan=funds, rules=rules)
        if len(problems) > errors_before or (unsigned and unsigned[-1][0] is row) or not f.get("aspect"):
            continue
        notes = []
        if deadline.due is not None:
            after = f"（挂账后{deadline.due.days_after}日）" if deadline.due.days_after is not None else ""
            notes.append(f"整改时限按台账：{deadline.due.phrase.strip()}{after}")
        elif deadline.long_term and deadline.day is None:
            notes.append(f"整改时限按台账：{f['deadline'].strip()}")
        if f.get("remark"):
            notes.append(f["remark"])
        measures = tuple(m.strip() for m in _MEASURE_SPLIT.split(f.get("measures", "")) if m.strip())
        measures = tuple(strip_number(m) for m in measures)
        title = strip_number(f["title"])
        out.append(
            NewFinding(
                aspect=strip_number(f["aspect"]),
                title=title,
                detail=f.get("detail") if f.get("detail") not in (f["title"], title) else None,
                problem=f.get("problem"),
                measures=measures,
                leader=f.get("leader"),
                department=f.get("department"),
                owner=f.get("owner"),
                deadline=deadline.day,
                status=status,
                closed_on=closed_on,
                approver=approver,
                progress=f.get("progress"),
                where=row.where,
                due=deadline.due,
                notes=tuple(notes),
                extensions=tuple(extensions),
                accountability=counters,
                unit=f.get("unit", ""),
                cells=tuple((key, ref.partition("!")[2]) for key, ref in row.cells.items()),
            )
        )
    if aspectless:
        first = _cell_problem(aspectless[0], "title", "")
        message = ngettext(
            "the sheet gives no 方面 for its {count} problem (no 方面 column, no row such as 一、…方面 above "
            "it): add a 方面 column, or give --aspect TEXT",
            "the sheet gives no 方面 for its {count} problems (no 方面 column, no row such as 一、…方面 above "
            "them): add a 方面 column, or give --aspect TEXT",
            len(aspectless),
        ).format(count=len(aspectless))
        problems.append(replace(first, message=message))
    if unsigned:  # one line for them all: the fix is one option
        first = _cell_problem(unsigned[0][0], "status", "")
        named = i18n.listed(f"{r.cells.get('status', r.where).partition('!')[2]} {w}" for r, w in unsigned[:20])
        more = _(" and {count} more").format(count=len(unsigned) - 20) if len(unsigned) > 20 else ""
        message = ngettext(
            "{count} closed problem ({named}{more}) needs a 审签人 and the sheet has no 审签人 column: "
            "give --approver NAME (who signed off their 销号), or add a 审签人 column",
            "{count} closed problems ({named}{more}) need a 审签人 and the sheet has no 审签人 column: "
            "give --approver NAME (who signed off their 销号), or add a 审签人 column",
            len(unsigned),
        ).format(count=len(unsigned), named=named, more=more)
        problems.append(replace(first, message=message))
    if problems:
        raise SheetProblems(problems, out)
    return out


class SheetProblems(LedgerError):
    """The cells of a sheet that cannot be read (``problems``), with the findings of the
    rows that could (``found``), so that the units they name and the dates they need are
    checked in the same run: every problem at once, not in waves."""

    def __init__(self, problems: list[Problem], found: list[NewFinding]) -> None:
        super().__init__(problems)
        self.found = found


_REPORTED = re.compile(
    r"(数据截[至止](?:日期|时间)?|截[至止](?:日期|时间)|(?:填报|填表|报送|统计)(?:时间|日期))\s*[：:]?\s*"
)
"""A label above the header that dates the sheet: 填报时间, 填报日期, 填表日期, 报送时间, 统计时间,
数据截至, 截至日期 (数据截至 wins over 填报, as in rectify's own export)."""
_REPORTED_DAY = re.compile(r"[0-9０-９]{4}\s*[年./\-]\s*[0-9０-９]{1,2}\s*[月./\-]\s*[0-9０-９]{1,2}\s*日?")


@dataclass(frozen=True)
class Reported:
    """The day a sheet says it was filled in: ``day`` (None when the sheet gives none),
    the ``cell`` it was read from (``J2``; "" when none) and the ``label`` (``填报时间``)."""

    day: date | None = None
    cell: str = ""
    label: str = ""


def reported_on(name: str, grid: list[list[Any]], header: int) -> Reported:
    """Return the 填报时间 (or 数据截至) written above the header of sheet ``name``
    (``header`` is the header row's index): in a cell such as ``填报时间：2023年5月10日`` or
    in the cell after a ``填报时间：`` cell. A blank one (``填报时间：  年  月  日``) gives
    none. Raises :class:`LedgerError` at the cell when the text after the label is not a
    whole date. Where no such line is, the import says which day it used instead."""
    from openpyxl.utils import get_column_letter

    found: list[Reported] = []
    for r, row in enumerate(grid[:header]):
        for c, value in enumerate(row):
            text = _text(value) if isinstance(value, str) else ""
            for match in _REPORTED.finditer(text):
                label = re.sub(r"[：:\s]", "", match[1])
                rest = text[match.end() :]
                cell = f"{get_column_letter(c + 1)}{r + 1}"
                if not rest.strip():  # the date in the next cell to the right
                    after = next((v for v in row[c + 1 :] if v not in (None, "")), None)
                    if isinstance(after, date):
                        day = after.date() if isinstance(after, datetime) else after
                        found.append(Reported(day, get_column_letter(row.index(after) + 1) + str(r + 1), label))
                        continue
                    rest = _text(after) if after is not None else ""
                written = _REPORTED_DAY.match(rest.strip())
                if written is None:
                    if re.sub(r"[\s年月日_]", "", rest.split("  ")[0].split("\u3000")[0]) == "":
                        continue  # a blank template line: no date
                    shown = rest.strip().split()[0] if rest.strip() else rest
                    message = f"{label} {shown!r} is not a date (2023年5月10日 or 2023-05-10)"
                    raise LedgerError([Problem(name, r + 1, c + 1, message, cell=cell)])
                try:
                    day = _day(written[0])
                except ValueError:
                    message = f"{label} {written[0]!r} is not a date (2023年5月10日 or 2023-05-10)"
                    raise LedgerError([Problem(name, r + 1, c + 1, message, cell=cell)]) from None
                found.append(Reported(day, cell, label))
    cut = [f for f in found if f.label.startswith(("数据截", "截"))]
    return (cut or found or [Reported()])[0]


_FILLED_BY = re.compile(
    r"(?:填报|报送)单位\s*(?:[（(]盖章[）)])?\s*[：:]\s*(.+?)\s*(?:[（(]盖章[）)])?\s*"
    r"(?=\s{2,}|\s[^\s：:]{1,8}[：:]|填报|填表|报送|日期|时间|$)"
)
"""The 填报单位 line: the unit's name runs to two spaces, or to one space before the next
``label：`` (``联系人：``), or to 填报日期…; one space (``青山县　自然资源局``) is kept in it."""


def filled_by(grid: list[list[Any]], header: int) -> tuple[str, str] | None:
    """Return the unit a sheet's ``填报单位（盖章）：青山县自然资源局`` line names above its
    header (``header`` is the header row's index), with its cell (``A2``); None when
    there is no such line or it is blank. Import takes it as the sheet's unit when the
    sheet has no 单位 column and no ``--unit`` is given."""
    from openpyxl.utils import get_column_letter

    for r, row in enumerate(grid[:header]):
        for c, value in enumerate(row):
            found = _FILLED_BY.search(_text(value)) if isinstance(value, str) else None
            if found and found[1].strip("_ "):
                return found[1].strip("_ "), f"{get_column_letter(c + 1)}{r + 1}"
    return None


@dataclass
class SheetFile:
    """What a sheet file holds for import: the sheets read, every sheet's name, the
    sheets left aside with why (``(name, "hidden" | "no_header" | "one_sheet" |
    "sheet_option")``: only one sheet is read with ``--unit`` or ``--sheet``), the
    encoding of a CSV (``GB18030 (detected)``), the findings, each status word used with
    its state and how many rows use it, the day each sheet read says it was filled in
    (``{sheet: Reported}``), the rows a 长期坚持 deadline made long-term
    (``(sheet!cell, deadline text, status word or "")``), the rows with no status word
    by the state they got (closed by a 销号日期, else open), and the words met that sound
    finished but do not close (``基本完成``; :func:`rectify.files.wording.sounds_done`)."""

    read: list[str]
    names: list[str]
    skipped: list[tuple[str, str]]
    encoding: str | None
    items: list[NewFinding]
    words: dict[str, tuple[Status, int]]
    reported: dict[str, Reported] = field(default_factory=dict)
    long_by_deadline: list[tuple[str, str, str]] = field(default_factory=list)
    unworded: dict[Status, int] = field(default_factory=dict)
    sounds_done: list[str] = field(default_factory=list)
    closed_by_option: list[str] = field(default_factory=list)
    """The closed rows (``sheet!K22``) that give no 销号日期 and are dated by ``--closed-on``."""

    def open_counters(self) -> tuple[int, Decimal, int]:
        """The three 到位 counters the sheet gives for problems it does not show closed:
        people (all kinds), funds in 元 (exact) and rules, summed. Import records them as
        ``account`` events dated like the row's 整改进展 (:func:`rectify.domain.steps.noted_on`),
        so they count from that day, and says how much it recorded so."""
        pending = [item.accountability for item in self.items if item.status is not Status.CLOSED]
        people = sum(sum(a.people.values()) for a in pending)
        return people, sum((a.funds_yuan for a in pending), Decimal(0)), sum(a.rules for a in pending)


def read_file(
    path: Path,
    sheet: str | None,
    every: bool,
    reading: Reading,
    columns: dict[str, str] | None = None,
    tick: Callable[[int, int], None] | None = None,
    seen: Callable[[str | None, list[str]], None] | None = None,
) -> SheetFile:
    """Read the findings of the sheet file at ``path``: sheet ``sheet``; else with
    ``every`` each visible sheet that has a header row (a workbook with one sheet per
    unit; each finding's ``unit`` is its 单位 cell, else its sheet's name); else the first
    visible sheet that looks like a ledger. ``columns``: more headings (rectify.yaml);
    ``tick(done, total)`` is called after each sheet read; ``seen(encoding, sheet names)``
    once the file is read, before any problem is raised.

    Raises :class:`UsageError` for a file that cannot be read or a sheet it lacks,
    :class:`SheetProblems` naming every bad cell of every sheet read (with the findings
    of the rows that could be read), :class:`LedgerError` for a sheet beyond the limits.
    """
    book = read_book(path)
    names = [grid.name for grid in book.sheets]
    if seen is not None:
        seen(book.encoding, names)
    if sheet is not None:
        chosen = [grid for grid in book.sheets if grid.name == sheet]
        if not chosen:
            raise UsageError(_(
                "{name} has no sheet {sheet!r} (sheets: {names})"
            ).format(name=path.name, sheet=sheet, names=', '.join(names)))
    else:
        ordered = sorted(book.sheets, key=lambda g: not g.visible)
        if not ordered:
            raise UsageError(_("{name} has no sheet with cells").format(name=path.name))
        ledgers = [g for g in ordered if g.visible and find_header(g.rows, columns) is not None]
        if every:
            chosen = ledgers or ordered[:1]
        else:
            chosen = ledgers[:1] or [next((g for g in ordered if find_header(g.rows, columns) is not None), ordered[0])]
    problems: list[Problem] = []
    items: list[NewFinding] = []
    words: dict[str, tuple[Status, int]] = {}  # the words as written, in the order met
    reported: dict[str, Reported] = {}
    long_by_deadline: list[tuple[str, str, str]] = []
    unworded: dict[Status, int] = {}
    by_option: list[str] = []
    for done, grid in enumerate(chosen, start=1):
        if tick is not None:
            tick(done, len(chosen))
        try:
            rows = sheet_rows(grid.name, grid.rows, columns)
            header = find_header(grid.rows, columns)
            when = reported_on(grid.name, grid.rows, header or 0)
            if when.day is None and reading.reported_on is not None:  # --reported-on, for a sheet that says none
                when = Reported(reading.reported_on, "", "--reported-on")
        except LedgerError as exc:
            problems.extend(exc.problems)
            continue
        try:
            found = interpret(rows, reading)
        except SheetProblems as exc:  # the rows read still name their units
            problems.extend(exc.problems)
            found, rows = exc.found, []
        reported[grid.name] = when
        for row, item in zip(rows, found, strict=len(rows) > 0):  # no rows: the sheet had problems
            word = status_word(row.fields.get("status", ""))
            state = status_of(word, reading.words) if word else None
            if word and state is not None:
                words[word] = (state, words.get(word, (state, 0))[1] + 1)
            elif not word:
                unworded[item.status] = unworded.get(item.status, 0) + 1
            if item.status is Status.CLOSED and not row.fields.get("closed_on") and reading.closed_on is not None:
                by_option.append(row.cells.get("status", row.where))
            if item.status is Status.LONG_TERM and state is not Status.LONG_TERM:
                long_by_deadline.append((row.cells.get("deadline", row.where), row.fields.get("deadline", ""), word))
        if when.day is not None:
            cells = (("reported_on", when.cell),) if when.cell else ()
            found = [replace(item, reported_on=when.day, cells=item.cells + cells) for item in found]
        if every:  # the unit: the row's 单位 cell, else the sheet's 填报单位 line, else the sheet's name
            label = filled_by(grid.rows, header or 0)
            if label is not None and (control := control_in_text(label[0])) is not None:
                from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

                letters, number = coordinate_from_string(label[1])
                column = column_index_from_string(letters)
                problems.append(Problem(grid.name, number, column, control_message(control), cell=label[1]))
                label, found = None, []  # the sheet's unit is unknown: its rows go nowhere
            by = label[0] if label else grid.name
            at: tuple[tuple[str, str], ...] = (("unit", label[1]),) if label else ()
            found = [item if item.unit else replace(item, unit=by, cells=item.cells + at) for item in found]
        items.extend(found)
    if problems:
        raise SheetProblems(problems, items)
    skipped = [
        (
            g.name,
            "hidden" if not g.visible else "no_header" if find_header(g.rows, columns) is None
            else "sheet_option" if sheet is not None else "one_sheet",
        )  # fmt: skip
        for g in book.sheets
        if g not in chosen
    ]
    done_like = [w for w, (state, __) in words.items() if state is not Status.CLOSED and sounds_done(w)]
    return SheetFile(
        [g.name for g in chosen], names, skipped, book.encoding, items, words, reported, long_by_deadline, unworded,
        done_like, by_option,
    )  # fmt: skip
