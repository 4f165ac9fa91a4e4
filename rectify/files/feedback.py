"""Read a feedback list (反馈问题清单) from YAML or CSV for ``rectify add --from FILE``.

YAML: a list of mappings, or a mapping with a ``findings:`` list, each item having
``aspect``, ``title`` and optionally ``detail``, ``measures`` (list), ``leader``,
``department``, ``owner``, ``deadline`` (YYYY-MM-DD).

CSV (UTF-8, BOM accepted): a header row with those names or their Chinese forms
(方面, 问题, 问题描述, 整改措施, 责任领导, 责任部门, 责任人, 整改时限); several measures in one
cell are separated by new lines or ``；``/``;``.

Every problem in the file is reported at once as ``file:line:col``; nothing is added
when there is any.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from rectify.domain.model import CalendarDate, Text, _Strict, date_text
from rectify.domain.steps import NewFinding
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files import yamlread
from rectify.files.paths import display
from rectify.files.schema import schema_problems
from rectify.i18n import _, listed, os_reason

HEADERS = {
    "aspect": "aspect",
    "方面": "aspect",
    "问题类别": "aspect",
    "title": "title",
    "问题": "title",
    "具体问题": "title",
    "存在问题": "title",
    "detail": "detail",
    "问题描述": "detail",
    "详细描述": "detail",
    "measures": "measures",
    "整改措施": "measures",
    "leader": "leader",
    "责任领导": "leader",
    "department": "department",
    "责任部门": "department",
    "牵头部门": "department",
    "owner": "owner",
    "责任人": "owner",
    "具体责任人": "owner",
    "deadline": "deadline",
    "整改时限": "deadline",
    "完成时限": "deadline",
    "problem": "problem",
    "所属问题": "problem",
    "category": "category",
    "类别": "category",
}
IGNORED = {"序号", "编号", "备注", "no", "number", "note", "notes"}
"""Columns a feedback sheet often has that rectify does not keep (it numbers findings itself)."""



class FeedbackItem(_Strict):
    """One problem of a feedback list, before it gets an id (same names as a Finding)."""

    aspect: Text
    title: Text
    detail: str | None = None
    measures: list[Text] = Field(default_factory=list)
    leader: str | None = None
    department: str | None = None
    owner: str | None = None
    deadline: CalendarDate | None = None
    problem: str | None = None
    category: str | None = None

    def to_new(self) -> NewFinding:
        """Return the item as the :class:`NewFinding` the workflow adds."""
        return NewFinding(
            aspect=self.aspect,
            title=self.title,
            detail=self.detail,
            measures=tuple(self.measures),
            leader=self.leader,
            department=self.department,
            owner=self.owner,
            deadline=self.deadline,
            problem=self.problem,
            category=self.category,
        )


def read_feedback(path: Path, seen: Callable[[str], None] | None = None) -> list[NewFinding]:
    """Return the problems of the feedback file at ``path`` (``.csv`` or YAML) in order.

    A CSV's text is read as ``import`` reads it (:func:`rectify.files.sheetread.decode_csv`:
    UTF-8, else the encoding found among GB18030, UTF-16 and Big5, as Chinese Excel and WPS
    save it); ``seen`` is called with the encoding's name when it is not UTF-8, so that
    the user is told how the file was read.

    Raises :class:`LedgerError` with every problem found, :class:`UsageError` when the
    file cannot be read or holds no problem.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(_(
            "cannot read {path}: {strerror}"
        ).format(path=display(path), strerror=os_reason(exc))) from None
    items = _read_csv(raw, path, seen) if path.suffix.lower() == ".csv" else _read_yaml(raw, path)
    if not items:
        raise UsageError(_("{path} holds no problem to add").format(path=display(path)))
    return [item.to_new() for item in items]


def _read_yaml(raw: bytes, path: Path) -> list[FeedbackItem]:
    name = display(path)
    doc = yamlread.parse(raw, name)
    data = doc.data
    prefix: tuple[str | int, ...] = ()
    if isinstance(data, dict) and set(data) == {"findings"}:
        data, prefix = data["findings"], ("findings",)
    if not isinstance(data, list):
        raise LedgerError([Problem(name, 1, 1, _("expected a list of problems (each with aspect and title)"))])
    items: list[FeedbackItem] = []
    problems: list[Problem] = []
    for index, entry in enumerate(data):
        try:
            items.append(FeedbackItem.model_validate(entry))
        except ValidationError as exc:
            problems.extend(schema_problems(doc, exc, (*prefix, index), FeedbackItem))
    if problems:
        raise LedgerError(problems)
    return items


def _read_csv(raw: bytes, path: Path, seen: Callable[[str], None] | None) -> list[FeedbackItem]:
    from rectify.files.sheetread import decode_csv

    name = display(path)
    content, said = decode_csv(raw, name)
    if seen is not None and not said.startswith("UTF-8"):
        seen(said)
    reader = csv.reader(io.StringIO(content), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise LedgerError([Problem(name, reader.line_num or 1, 1, _(
            "not valid CSV: {error}"
        ).format(error=exc))]) from None
    columns: list[str | None] = []
    problems: list[Problem] = []
    known = listed(sorted(set(HEADERS.values())))
    for col, cell in enumerate(header, start=1):
        key = HEADERS.get(cell.strip()) or HEADERS.get(cell.strip().lower())
        if cell.strip().lower() in IGNORED:
            key = None
        elif key is None and cell.strip():
            problems.append(Problem(name, 1, col, _(
                "unknown column {cell!r}; known: {known}"
            ).format(cell=cell.strip(), known=known)))
        elif key is not None and key in columns:
            first = columns.index(key) + 1
            problems.append(Problem(name, 1, col, _(
                "column {cell!r} is {key} again (as column {first})"
            ).format(cell=cell.strip(), key=key, first=first)))
        columns.append(key)
    if problems:
        raise LedgerError(problems)
    items: list[FeedbackItem] = []
    line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            where = line + 1
            problems.append(Problem(name, where, 1, _(
                "not valid CSV from here: {error} (an unclosed quote?)"
            ).format(error=exc)))
            break
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
            extra = len(columns) + 1
            problems.append(
                Problem(name, start, extra, _(
                    "row {start} has {count} cells but the header names {count2}"
                ).format(start=start, count=len(row), count2=len(columns)))
            )
            continue
        record: dict[str, Any] = {}
        for key, cell in zip(columns, row, strict=False):
            if key is None or not cell.strip():
                continue
            if key == "measures":
                record[key] = [m.strip() for m in re.split(r"[\n；;]", cell) if m.strip()]
            else:
                record[key] = date_text(cell) if key == "deadline" else cell.strip()  # dates as typed at a prompt
        try:
            items.append(FeedbackItem.model_validate(record))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                field = str(err["loc"][0]) if err["loc"] else ""
                col = columns.index(field) + 1 if field in columns else 1
                what = _("is missing") if err["type"] == "missing" else str(err.get("ctx", {}).get("error", err["msg"]))
                problems.append(Problem(name, start, col, _(
                    "row {start}: {field}: {what}"
                ).format(start=start, field=field, what=what)))
    if problems:
        raise LedgerError(problems)
    return items
