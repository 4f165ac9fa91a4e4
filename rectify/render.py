"""Tables and text for people and programs. The only module that imports rich or tabulate.

Formats: ``table`` (rich on a terminal, an aligned plain-text table otherwise), ``csv``,
``json`` (English keys) and ``markdown``. Plain-text tables are made by tabulate with its
wide-character support, so Chinese columns line up (every line has the same display width).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from rectify.errors import Problem
from rectify.model import Finding, Ledger
from rectify.report import Counts, FindingState, Row

FORMATS = ("table", "csv", "json", "markdown")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "unit": "Unit",
        "aspect": "Aspect",
        "findings": "Findings",
        "closed": "Closed",
        "in_progress": "In progress",
        "long_term": "Long-term",
        "overdue": "Overdue",
        "rate": "Rate",
        "total": "Total",
        "id": "ID",
        "status": "Status",
        "deadline": "Deadline",
        "title": "Title",
        "owner": "Owner",
        "as_of": "as of",
        "with_children": "(with units below)",
        "own": "(own)",
    },
    "zh": {
        "unit": "单位",
        "aspect": "方面",
        "findings": "问题数",
        "closed": "已销号",
        "in_progress": "整改中",
        "long_term": "长期坚持",
        "overdue": "逾期",
        "rate": "整改完成率",
        "total": "合计",
        "id": "编号",
        "status": "状态",
        "deadline": "整改时限",
        "title": "问题",
        "owner": "责任人",
        "as_of": "截至",
        "with_children": "（含下级单位）",
        "own": "（本级）",
    },
}

STATUS_ZH = {
    "open": "未整改",
    "in_progress": "整改中",
    "submitted": "申请销号",
    "closed": "已销号",
    "long_term": "长期坚持",
}


def default_lang() -> str:
    """Return ``zh`` when the locale (LC_ALL, LC_MESSAGES, LANG) is Chinese, else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    import tabulate as tabulate_module

    tabulate_module.WIDE_CHARS_MODE = True
    style = {"markdown": "github", "table": "simple"}[fmt]
    return tabulate_module.tabulate(
        rows,
        headers=list(headers),
        tablefmt=style,
        disable_numparse=True,
        stralign="left",
        preserve_whitespace=True,  # keep the indent of child units
    )


def _csv(records: Sequence[dict[str, Any]]) -> str:
    """CSV for programs: a header of English keys, then one line a record."""
    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return buffer.getvalue().rstrip("\n")


def emit(text: str) -> None:
    """Write ``text`` and a newline to stdout."""
    sys.stdout.write(text + "\n")


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str,
    records: list[dict[str, Any]],
    title: str | None = None,
    numeric: Sequence[int] = (),
    footer_rows: int = 0,
    flat: list[dict[str, Any]] | None = None,
    keep: Sequence[int] = (0,),
) -> None:
    """Print a table in ``fmt``: ``table`` (rich on a terminal, else plain text) or
    ``markdown`` for people (``headers`` and ``rows``, labels in the chosen language);
    ``json`` (``records``) or ``csv`` (``flat``, else ``records``: English keys, one
    value a cell) for programs.

    ``numeric`` are the column indexes to right-align on a terminal, ``keep`` those never
    squeezed (names, ids, rates); the last ``footer_rows`` rows are set apart (the total row).
    """
    if fmt == "json":
        emit(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        emit(_csv(flat if flat is not None else records))
        return
    if fmt == "table" and sys.stdout.isatty():
        from rich.cells import cell_len
        from rich.console import Console
        from rich.table import Table

        grid = Table(title=title, show_footer=False)
        for index, header in enumerate(headers):
            widest = max((cell_len(str(row[index])) for row in rows), default=0)
            grid.add_column(
                header,
                justify="right" if index in numeric else "left",
                min_width=min(widest, 30) if index in keep else None,  # kept whole; others wrap
            )
        for index, row in enumerate(rows):
            grid.add_row(
                *(str(cell) for cell in row),
                end_section=index == len(rows) - footer_rows - 1 and footer_rows > 0,
                style="bold" if index >= len(rows) - footer_rows else None,
            )
        Console().print(grid)
        return
    if title:
        emit(title)
    emit(_text_table(headers, rows, fmt))


def status_table(
    rows: list[Row],
    total: Counts,
    *,
    kind: str,
    fmt: str,
    lang: str,
    precision: int,
    as_of: date,
    title: str | None = None,
) -> None:
    """Print the completion-rate table: one row per unit (or aspect) and the total row.

    Columns: name, findings, closed, in progress, long-term, overdue, and the rate as
    ``36/37 97.3%``. JSON records have English keys and the rate both as a number string
    (``"97.3"``, null when there is no finding) and as text.
    """
    words = LABELS[lang]
    headers = [
        words[kind],
        words["findings"],
        words["closed"],
        words["in_progress"],
        words["long_term"],
        words["overdue"],
        words["rate"],
    ]
    body: list[list[Any]] = []
    records: list[dict[str, Any]] = []
    for row in [*rows, Row("", words["total"], total)]:
        counts = row.counts
        name = ("  " * row.depth) + row.label
        suffix = {"rollup": words["with_children"], "own": words["own"]}.get(row.part)
        if suffix:
            name += (" " if lang == "en" else "") + suffix
        body.append(
            [
                name,
                counts.findings,
                counts.closed,
                counts.in_progress,
                counts.long_term,
                counts.overdue,
                counts.rate_text(precision),
            ]
        )
        rate = counts.rate(precision)
        records.append(
            {
                kind: row.key or None,
                "name": row.label,
                "depth": row.depth,
                "row": "total" if not row.key else row.part,
                "findings": counts.findings,
                "closed": counts.closed,
                "in_progress": counts.in_progress,
                "long_term": counts.long_term,
                "overdue": counts.overdue,
                "rate": None if rate is None else str(rate),
                "rate_text": counts.rate_text(precision),
                "as_of": as_of.isoformat(),
                "total": row.key == "",
            }
        )
    heading = f"{title} ({words['as_of']} {as_of})" if title else f"{words['as_of']} {as_of}"
    table(
        headers,
        body,
        fmt,
        records,
        title=heading if fmt == "table" else None,
        numeric=range(1, 6),
        footer_rows=1,
        keep=(6,),
    )


def unit_list(ledgers: list[Ledger], fmt: str, lang: str) -> None:
    """Print one row per unit: id, name, parent, supervision group (督导组), inspection
    group (巡察组), feedback date and number of findings."""
    zh = lang == "zh"
    headers = (
        ["编号", "单位", "上级单位", "督导组", "巡察组", "反馈日期", "问题数"]
        if zh
        else ["ID", "Name", "Parent", "Supervisor", "Group", "Feedback", "Findings"]
    )
    records = [
        {
            "unit": ledger.unit.id,
            "name": ledger.unit.name,
            "parent": ledger.unit.parent or "",
            "supervisor": ledger.unit.supervisor or "",
            "group": ledger.inspection.group or "",
            "feedback_date": ledger.inspection.feedback_date.isoformat() if ledger.inspection.feedback_date else "",
            "findings": len(ledger.findings),
        }
        for ledger in ledgers
    ]
    rows = [list(record.values()) for record in records]
    table(headers, rows, fmt, records, numeric=(6,))


def status_word(status: str, lang: str) -> str:
    """Return a status as shown to people: the English word, or the Chinese term in zh."""
    return STATUS_ZH.get(status, status) if lang == "zh" else status


def finding_list(states: list[FindingState], fmt: str, lang: str) -> None:
    """Print findings, one row each: id, status on the date (marked when overdue), the
    deadline in force, aspect, title, owner. JSON records hold every field of the
    finding, with ``status``, ``deadline_in_force`` and ``overdue`` as of the date; CSV
    rows the same flattened (measures joined with "；")."""
    words = LABELS[lang]
    keys = ("id", "status", "deadline", "aspect", "title", "owner")
    headers = [words[key] for key in keys]
    rows = []
    records = []
    flat: list[dict[str, Any]] = []
    for state in states:
        finding = state.finding
        shown = status_word(state.status.value, lang)
        if state.overdue:
            shown += f" ({words['overdue']})"
        deadline = state.deadline or ""
        rows.append([finding.id, shown, deadline, finding.aspect, finding.title, finding.owner or ""])
        record = finding.model_dump(mode="json")
        record.update(status=state.status.value, deadline_in_force=state.deadline, overdue=state.overdue)
        records.append(record)
        flat.append(
            {
                "id": finding.id,
                "aspect": finding.aspect,
                "title": finding.title,
                "status": state.status.value,
                "overdue": state.overdue,
                "deadline": finding.deadline or "",
                "deadline_in_force": state.deadline or "",
                "leader": finding.leader or "",
                "department": finding.department or "",
                "owner": finding.owner or "",
                "measures": "；".join(finding.measures),
            }
        )
    table(headers, rows, fmt, records, flat=flat, keep=(0, 1, 2))


FIELD_ZH = {
    "unit": "单位",
    "aspect": "方面",
    "status": "状态",
    "leader": "责任领导",
    "department": "责任部门",
    "owner": "责任人",
    "deadline": "整改时限",
    "detail": "问题描述",
    "measures": "整改措施",
    "evidence": "佐证材料",
    "accountability": "三个到位",
    "history": "整改过程",
}
ACTION_ZH = {
    "add": "挂账",
    "start": "开始整改",
    "progress": "整改进展",
    "submit": "申请销号",
    "sign": "审签",
    "return": "退回",
    "close": "销号",
    "reopen": "回炉",
    "extend": "延期",
    "long_term": "长期坚持",
}


def finding_detail(finding: Finding, unit_name: str, lang: str, deadline: date | None = None) -> None:
    """Print one finding: its fields, then its history as a dated timeline, with labels
    in ``lang``. ``deadline`` is the deadline in force; when an extension changed it, the
    original is shown beside it."""
    from rich.cells import cell_len

    zh = lang == "zh"

    def label(name: str) -> str:
        word = FIELD_ZH[name] if zh else name
        return "  " + word + " " * max(1, 12 - cell_len(word))

    lines = [f"{finding.id}  {finding.title}", label("unit") + unit_name, label("aspect") + finding.aspect]
    lines.append(label("status") + status_word(finding.status.value, lang))
    for name in ("leader", "department", "owner"):
        value = getattr(finding, name)
        if value:
            lines.append(label(name) + value)
    if finding.deadline or deadline:
        shown = str(deadline or finding.deadline)
        if deadline and finding.deadline and deadline != finding.deadline:
            shown += f"（延期，原时限 {finding.deadline}）" if zh else f" (extended; original {finding.deadline})"
        lines.append(label("deadline") + shown)
    if finding.detail:
        lines.append(label("detail") + finding.detail.replace("\n", "\n" + " " * 14))
    if finding.measures:
        lines.append(label("measures").rstrip())
        lines.extend(f"    {i}. {m}" for i, m in enumerate(finding.measures, start=1))
    if finding.evidence:
        lines.append(label("evidence").rstrip())
        lines.extend(f"    {e.path}  sha256:{(e.sha256 or '')[:12]}" for e in finding.evidence)
    counters = finding.accountability
    if not counters.is_empty():
        kinds = ", ".join(f"{k} {v}" for k, v in counters.people.items()) or "0"
        lines.append(
            label("accountability") + f"people: {kinds}; funds: {counters.funds_yuan} 元; rules: {counters.rules}"
        )
    if finding.history:
        lines.append(label("history").rstrip())
        for event in finding.history:
            action = ACTION_ZH.get(event.action.value, event.action.value) if zh else event.action.value
            parts = [f"    {event.date}  {action}"]
            if event.role:
                parts.append(f"[{event.role}]")
            if event.by:
                parts.append(f"by {event.by}" if not zh else event.by)
            if event.approver:
                parts.append(f"approved by {event.approver}" if not zh else f"审批 {event.approver}")
            if event.to:
                parts.append(f"to {event.to}" if not zh else f"至 {event.to}")
            if event.note:
                parts.append(f"— {event.note}")
            if event.evidence:
                parts.append(("evidence: " if not zh else "佐证: ") + ", ".join(e.path for e in event.evidence))
            lines.append("  ".join(parts))
    emit("\n".join(lines))


def commits(found: list[tuple[str, str, str, str]]) -> None:
    """Print commits, one a line: short sha, date, author, subject."""
    for sha, day, author, subject in found:
        emit(f"{sha[:10]}  {day}  {author:<12}  {subject}")


def problems(found: list[Problem], fmt: str) -> None:
    """Print problems as ``path:line:col: message`` lines (or a JSON list) on stdout."""
    if fmt == "json":
        emit(json.dumps([p.as_dict() for p in found], ensure_ascii=False, indent=2))
        return
    for problem in found:
        emit(str(problem))


def error(message: str) -> None:
    """Print an error message to stderr."""
    sys.stderr.write(message.rstrip("\n") + "\n")
