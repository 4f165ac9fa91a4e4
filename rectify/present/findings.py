"""Findings as people read them: lists of findings, units and overdue problems, one
finding with its history, commits, and ``check``'s problems. Tables go through
:func:`rectify.present.tables.table`; words come from :mod:`rectify.present.words`."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from rectify.domain.figures import FindingState, Late, counters_on
from rectify.domain.model import Accountability, Finding, Ledger
from rectify.errors import Problem
from rectify.i18n import _, ngettext
from rectify.present import tables
from rectify.present.tables import LABELS, cell_width, emit, money_text, row_style, status_word, table
from rectify.present.words import ACTION, FIELD, PHRASE, TABLE, word
from rectify.present.wrapping import hanging


def unit_list(ledgers: list[Ledger], fmt: str, lang: str) -> None:
    """Print one row per unit: id, name, parent, supervision group (督导组), inspection
    group (巡察组), feedback date and number of findings."""
    headers = [
        word(TABLE, key, lang) for key in ("id", "unit_name", "parent", "supervisor", "group", "feedback", "findings")
    ]
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


_FOR_PROGRAMS = ("json", "csv", "tsv")
"""Formats read by programs: an empty answer stays empty (``[]``, a header), never a sentence."""


def overdue_list(found: list[Late], fmt: str, lang: str, as_of: date, within: int = 0) -> None:
    """Print overdue and soon-due findings: id, unit, title, deadline in force, days
    overdue (negative: days left), status, leader, department, owner. When there is none,
    a person reads a sentence saying so (``within``: the days ahead that were looked at
    too), not an empty table."""
    if not found and fmt not in _FOR_PROGRAMS:
        if within:
            emit(ngettext(
                "No finding is overdue or due within {count} day as of {day}.",
                "No finding is overdue or due within {count} days as of {day}.", within,
            ).format(count=within, day=as_of))  # fmt: skip
        else:
            emit(_("No finding is overdue as of {day}.").format(day=as_of))
        return
    shown = ("id", "unit", "title", "deadline", "days_late", "status", "leader", "department", "owner")
    headers = [word(TABLE, key, lang) for key in shown]
    records = [
        {
            "id": late.finding.id,
            "unit": late.unit.id,
            "unit_name": late.unit.name,
            "title": late.finding.title,
            "deadline": late.deadline.isoformat(),
            "days_overdue": late.days,
            "status": late.status.value,
            "leader": late.finding.leader or "",
            "department": late.finding.department or "",
            "owner": late.finding.owner or "",
            "as_of": as_of.isoformat(),
        }
        for late in found
    ]
    for record in records:
        record["overdue"] = int(record["days_overdue"]) > 0

    def lateness(days: int) -> str:
        if days > 0:
            return str(days)
        if days == 0:
            return word(PHRASE, "due_today", lang)
        return word(PHRASE, "due_in", lang, days=-days)

    rows = [
        [r["id"], r["unit_name"], r["title"], r["deadline"], lateness(int(r["days_overdue"])),
         status_word(str(r["status"]), lang), r["leader"], r["department"], r["owner"]]
        for r in records
    ]  # fmt: skip
    title = f"{word(TABLE, 'as_of', lang)} {as_of}"
    keys = ["id", "unit", "unit_name", "title", "deadline", "days_overdue", "status", "leader", "department",
            "owner", "as_of"]  # fmt: skip
    styles = [row_style("", int(r["days_overdue"]) > 0, -int(r["days_overdue"]), 10**6) for r in records]
    # a narrow window drops the leader first, then the department, then the owner (who is chased)
    table(
        headers, rows, fmt, records, title=title, numeric=(4,), keep=(0, 3, 4), keys=keys, styles=styles, drop=(6, 7, 8)
    )


def finding_list(states: list[FindingState], fmt: str, lang: str, as_of: date | None = None) -> None:
    """Print findings, one row each: id, status on the date (marked when overdue), the
    deadline in force, aspect, title, owner. JSON records hold every field of the
    finding, with ``status``, ``deadline_in_force`` and ``overdue`` as of the date; CSV
    rows the same flattened (measures joined with "；"). When there is none, a person reads
    a sentence saying so, not an empty table."""
    if not states and fmt not in _FOR_PROGRAMS:
        emit(_("No finding matches as of {day}.").format(day=as_of) if as_of else _("No finding matches."))
        return
    words = LABELS[lang]
    levels = any(state.finding.problem for state in states)  # a three-level list: 方面 → 问题 → 具体问题
    keys = ("id", "status", "deadline", "aspect", "title", "owner")
    headers = [words[key] for key in keys]
    if levels:
        headers.insert(4, word(FIELD, "problem", lang))
    rows = []
    records = []
    styles: list[str | None] = []
    flat: list[dict[str, Any]] = []
    for state in states:
        finding = state.finding
        left = (state.deadline - as_of).days if as_of and state.deadline else None
        styles.append(row_style(state.status.value, state.overdue, left))
        shown = status_word(state.status.value, lang)
        if state.overdue:
            shown = word(PHRASE, "marked", lang, text=shown, mark=words["overdue"])
        deadline = state.deadline or ""
        row = [finding.id, shown, deadline, finding.aspect, finding.title, finding.owner or ""]
        if levels:
            row.insert(4, finding.problem or "")
        rows.append(row)
        dumped = finding.model_dump(mode="json")
        for optional in ("problem", "category"):  # new fields: absent rather than null, as before
            if dumped.get(optional) is None:
                dumped.pop(optional, None)
        record = {"unit": state.unit, **dumped}
        record.update(status=state.status.value, deadline_in_force=state.deadline, overdue=state.overdue)
        records.append(record)
        flat.append(
            {
                "id": finding.id,
                "unit": state.unit,
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
    csv_keys = ["id", "unit", "aspect", "title", "status", "overdue", "deadline", "deadline_in_force", "leader",
                "department", "owner", "measures"]  # fmt: skip
    table(headers, rows, fmt, records, flat=flat, keep=(0, 1, 2), keys=csv_keys, styles=styles)


def finding_detail(finding: Finding, unit_name: str, lang: str, deadline: date | None = None, late: int = 0) -> None:
    """Print one finding: its fields, then its history as a dated timeline, with labels
    in ``lang``. ``deadline`` is the deadline in force; when an extension changed it, the
    original is shown beside it. ``late`` (days overdue, 0 for none) marks the status
    ``逾期N天`` / ``N d late``, red on a terminal (:func:`rectify.present.tables.paint`)."""

    def label(name: str) -> str:
        shown = word(FIELD, name, lang)
        return "  " + shown + " " * max(1, 12 - cell_width(shown))

    lines = [f"{finding.id}  {finding.title}", label("unit") + unit_name, label("aspect") + finding.aspect]
    for name in ("problem", "category"):
        if getattr(finding, name):
            lines.append(label(name) + getattr(finding, name))
    lines.append(label("status") + status_word(finding.status.value, lang))
    at = len(lines) - 1
    for name in ("leader", "department", "owner"):
        value = getattr(finding, name)
        if value:
            lines.append(label(name) + value)
    if finding.deadline or deadline:
        shown = str(deadline or finding.deadline)
        if deadline and finding.deadline and deadline != finding.deadline:
            shown += word(PHRASE, "extended", lang, original=finding.deadline)
        lines.append(label("deadline") + shown)
    if finding.detail:
        lines.append(label("detail") + finding.detail.replace("\n", "\n" + " " * 14))
    if finding.measures:
        lines.append(label("measures").rstrip())
        lines.extend(f"    {i}. {m}" for i, m in enumerate(finding.measures, start=1))
    if finding.evidence:
        lines.append(label("evidence").rstrip())
        lines.extend(f"    {e.path}  sha256:{(e.sha256 or '')[:12]}" for e in finding.evidence)
    counters = counters_on(finding, finding.status, date.max)
    if not counters.is_empty():
        lines.append(label("accountability") + _counters(counters, lang))
    if finding.history:
        lines.append(label("history").rstrip())
        for event in finding.history:
            action = word(ACTION, event.action.value, lang)
            parts = [f"    {event.date}  {action}"]
            if event.role:
                parts.append(f"[{event.role}]")
            if event.by:
                parts.append(word(PHRASE, "by", lang, name=event.by))
            if event.approver:
                parts.append(word(PHRASE, "approved_by", lang, name=event.approver))
            if event.to:
                parts.append(word(PHRASE, "to", lang, day=event.to))
            if event.note:
                parts.append(f"— {event.note}")
            if event.evidence:
                parts.append(word(PHRASE, "evidence", lang, files=", ".join(e.path for e in event.evidence)))
            if event.into:
                parts.append(word(PHRASE, "into", lang, id=event.into))
            if event.accountability is not None:
                parts.append(_counters(event.accountability, lang))
            for change in event.changes:
                parts.append(
                    word(PHRASE, "changed", lang, field=word(FIELD, change.field, lang), old=_value(change.old),
                         new=_value(change.new))
                )  # fmt: skip
            lines.append("  ".join(parts))
    safe = [tables.shown(line) for line in lines]
    if late > 0:
        safe[at] += "  " + tables.paint(word(PHRASE, "late_by", lang, days=late), tables.LATE)
    room = tables.terminal_width()
    if room is not None:  # on a terminal: wrapped to the window, under the text they continue
        safe = [part for line in safe for whole in line.split("\n") for part in hanging(whole, room, _hang(whole))]
    emit("\n".join(safe), safe=True)


def _hang(line: str) -> int:
    """Where the continuation of one of ``show``'s lines starts: under the action of a
    history line (``    2021-07-28  ``), under the value of a field (14 cells, as its
    further lines), under the text of a numbered measure (``    1. ``), else two cells in
    from the line."""
    history = re.match(r" {4}\d{4}-\d\d-\d\d  ", line)
    if history:
        return history.end()
    numbered = re.match(r" {4}\d+\. ", line)
    if numbered:
        return numbered.end()
    lead = len(line) - len(line.lstrip(" "))
    if lead == 2 or lead == 14:  # a field, or a further line of its value
        return 14
    return lead + 2


def _counters(counters: Accountability, lang: str) -> str:
    kinds = "、".join(f"{kind} {number}" for kind, number in counters.people.items()) or "0"
    return word(PHRASE, "counters", lang, people=kinds, funds=money_text(counters.funds_yuan), rules=counters.rules)


def _value(value: str | list[str] | None) -> str:
    if value is None:
        return "—"
    return "；".join(value) if isinstance(value, list) else value


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


def frequent_list(found: Any, fmt: str, lang: str, as_of: date) -> None:
    """Print the high-frequency problems (高频问题) of ``found`` (a
    :class:`rectify.domain.frequent.Frequents`): each group's label, how many findings, in
    how many units, and the units with their counts. When there is none, a person reads
    a sentence saying so and why (:func:`none_frequent`); a program gets an empty list."""
    groups = found.groups
    if not groups and fmt not in ("json", "csv", "tsv"):
        emit(none_frequent(found.units, found.findings, as_of))
        return
    headers = [word(TABLE, key, lang) for key in ("title", "findings", "units_count", "units_list")]
    records = [
        {"label": g.label, "kind": g.kind, "findings": g.count, "units": dict(g.units),
         "ids": [f.id for f in g.findings], "as_of": as_of.isoformat()}
        for g in groups
    ]  # fmt: skip
    rows = [[g.label, g.count, len(g.units), "、".join(f"{name} {n}" for name, n in g.units.items())] for g in groups]
    as_of_word = word(TABLE, "as_of", lang)
    title = word(PHRASE, "titled", lang, title=word(TABLE, "frequent", lang), as_of=as_of_word, day=as_of)
    table(headers, rows, fmt, records, title=title, numeric=(1, 2), keep=(1, 2))


def none_frequent(units: int, findings: int, as_of: date) -> str:
    """The sentence ``frequent`` prints when it finds nothing: on ``as_of``, ``units``
    units held ``findings`` findings and no two of them share a category or a problem (a
    title meaning the same), or there were fewer than two to compare."""
    held = ngettext("{count} unit", "{count} units", units).format(count=units)
    counted = ngettext("{count} finding", "{count} findings", findings).format(count=findings)
    if findings < 2:
        return _(
            "No high-frequency problem as of {day}: {findings} on the ledger in {units}; a high-frequency "
            "problem is one found at least twice."
        ).format(day=as_of, units=held, findings=counted)
    return _(
        "No high-frequency problem as of {day}: no two of the {findings} of {units} share a category or "
        "a problem (titles that mean the same)."
    ).format(day=as_of, units=held, findings=counted)


def push_refusals(refusals: list[Any]) -> str:
    """The pre-receive hook's answer to a refused push: each reason in Chinese, then in
    English, naming the commit (``refusals`` are :class:`rectify.api.Refusal`)."""
    from rectify.present.words import REFUSALS

    lines = [f"{word(REFUSALS, 'refused', 'zh')} / {word(REFUSALS, 'refused', 'en')}"]
    for item in refusals:
        for lang in ("zh", "en"):
            where = word(REFUSALS, "commit", lang, commit=item.commit[:10]) if item.commit else ""
            lines.append(f"  {where}{word(REFUSALS, item.code, lang, **item.values)}")
    return "\n".join(lines)

def import_adds(done: list[tuple[Ledger, list[Any], bool]], fmt: str, lang: str) -> None:
    """Print what an import would write, one row per unit and a total: the new findings
    and how many of them are closed, in progress, long-term, submitted and open, and how
    many carry a 延期 (``done`` is what :meth:`rectify.api.Ledgers.import_sheet` returns:
    the ledger after, the new findings, whether the unit is new)."""
    from rectify.domain.model import Action, Status
    from rectify.present.words import IMPORT, word

    kinds = (Status.CLOSED, Status.IN_PROGRESS, Status.LONG_TERM, Status.SUBMITTED, Status.OPEN)
    records: list[dict[str, Any]] = []
    for after, made, _new in done:
        counts = {kind.value: sum(1 for f in made if f.status is kind) for kind in kinds}
        extended = sum(1 for f in made if any(e.action is Action.EXTEND for e in f.history))
        records.append({"unit": after.unit.id, "name": after.unit.name, "new": len(made), **counts,
                        "extended": extended})  # fmt: skip
    keys = ["new", *(kind.value for kind in kinds), "extended"]
    total = {"unit": "", "name": word(TABLE, "total", lang), **{k: sum(int(r[k]) for r in records) for k in keys}}
    headers = [word(TABLE, "unit", lang), word(IMPORT, "new", lang), word(TABLE, "closed", lang),
               word(TABLE, "in_progress", lang), word(TABLE, "long_term", lang), word(IMPORT, "submitted", lang),
               word(IMPORT, "open", lang), word(IMPORT, "extended", lang)]  # fmt: skip
    rows = [[r["name"], *(r[k] for k in keys)] for r in [*records, total]]
    table(headers, rows, fmt, records, title=word(IMPORT, "adds", lang), numeric=range(1, 8), footer_rows=1)


def import_summary(ledgers: list[Ledger], as_of: date, fmt: str, lang: str) -> None:
    """Print what an import would give: one row per unit (findings, closed, in progress,
    long-term, overdue, the completion rate and the three 到位 counters) as of ``as_of``,
    with the ledgers as they would be after it, and the total."""
    from rectify.domain.figures import unit_rows
    from rectify.present.words import IMPORT, word

    rows, total = unit_rows(ledgers, as_of)
    tables.status_table(
        rows, total, kind="unit", fmt=fmt, lang=lang, precision=1, as_of=as_of, title=word(IMPORT, "after", lang),
        wide=True,
    )  # fmt: skip
