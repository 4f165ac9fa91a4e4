"""Commands that make and change ledgers as a whole: init, units, add, import, check, schema,
and git's merge driver."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from rectify.cli.common import (
    CommitOption,
    FormatOption,
    KeyOption,
    LangOption,
    complete_unit,
    language,
    library,
    output_format,
    plural,
    typed_unit,
)
from rectify.errors import UsageError
from rectify.i18n import N_, _, listed


def init(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR", help=N_("Ledger folder (default: --ledgers, $RECTIFY_LEDGERS, else ./ledgers).")
        ),
    ] = None,
    git: Annotated[
        bool,
        typer.Option("--git", help=N_("Install rectify's merge driver for the ledgers in this git repository.")),
    ] = False,
) -> None:
    """Make an empty ledger folder (default ./ledgers); with --git, set up merging."""
    from rectify.api import display, init_folder

    if directory is None:
        chosen = (ctx.obj or {}).get("ledgers") or os.environ.get("RECTIFY_LEDGERS")
        directory = Path(chosen) if chosen else Path("ledgers")
    created, attributes = init_folder(directory, git)
    typer.echo((_("created {path}/") if created else _("using {path}/")).format(path=display(directory)))
    if attributes is not None:
        typer.echo(_(
            "merge driver installed: {attributes} and the repository's git config"
        ).format(attributes=display(attributes)))
    if created:
        typer.echo(_("next: rectify unit add ID --name NAME"))


def merge_driver(
    base: Annotated[Path, typer.Argument(metavar="BASE", help=N_("%O: the common ancestor's version."))],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help=N_("%A: our version; the result is written here."))],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help=N_("%B: their version."))],
) -> None:
    """Git merge driver: merge two versions of a ledger finding by finding (see `init --git`).

    Exits 0 on a clean merge, 1 when a real conflict is left (marked in the file).
    """
    from rectify.api import merge_versions

    code, notes = merge_versions(base, ours, theirs)
    for note in notes:
        typer.echo(_("rectify merge-driver: {note}").format(note=note), err=True)
    if code:
        raise typer.Exit(code)


def unit_list(ctx: typer.Context, fmt: FormatOption = "table", lang: LangOption = None) -> None:
    """List the units: id, name, parent, supervision group, inspection group, findings."""
    from rectify.present import findings

    lib = library(ctx)
    findings.unit_list(lib.ledgers(), output_format(fmt), language(lang, lib))


def unit_add(
    ctx: typer.Context,
    unit_id: Annotated[
        str,
        typer.Argument(metavar="ID", help=N_("Unit id (slug), e.g. jinhua; the file is ledgers/ID.yaml.")),
    ],
    name: Annotated[str, typer.Option("--name", metavar="NAME", help=N_("Display name, e.g. 金华市人民检察院."))],
    parent: Annotated[
        str | None, typer.Option("--parent", metavar="ID", help=N_("Parent unit id."), callback=typed_unit)
    ] = None,
    supervisor: Annotated[
        str | None,
        typer.Option("--supervisor", metavar="GROUP", help=N_("Supervision group (督导组).")),
    ] = None,
    round_: Annotated[
        str | None, typer.Option("--round", metavar="ROUND", help=N_("Inspection round (巡察轮次)."))
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", metavar="GROUP", help=N_("Inspection group (巡察组)."))
    ] = None,
    feedback_date: Annotated[
        str | None,
        typer.Option(
            "--feedback-date", metavar="DATE", help=N_("Feedback date (反馈日期), such as 2021-08-16 or 2021/8/16.")
        ),
    ] = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Start a unit's ledger: ledgers/ID.yaml with no findings yet."""
    from rectify.api import display, parse_day

    day = parse_day(feedback_date, "--feedback-date") if feedback_date is not None else None
    path = library(ctx).add_unit(unit_id, name, parent, supervisor, round_, group, day, commit, key)
    typer.echo(_("created {path}").format(path=display(path)))


def add(
    ctx: typer.Context,
    unit: Annotated[
        str,
        typer.Option(
            "--unit", "-u", metavar="ID", help=N_("Unit id."), autocompletion=complete_unit, callback=typed_unit
        ),
    ],
    aspect: Annotated[
        str | None,
        typer.Option("--aspect", "-a", metavar="ASPECT", help=N_("Aspect (方面) the problem is listed under.")),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", "-t", metavar="TEXT", help=N_("The problem (问题), one line.")),
    ] = None,
    detail: Annotated[str | None, typer.Option("--detail", metavar="TEXT", help=N_("Longer description."))] = None,
    problem: Annotated[
        str | None, typer.Option("--problem", metavar="TEXT", help=N_("The middle level (问题) it belongs to."))
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", metavar="NAME", help=N_("Category (类别), for high-frequency problems."))
    ] = None,
    measure: Annotated[
        list[str] | None,
        typer.Option("--measure", "-m", metavar="TEXT",
            help=N_("A rectification measure (整改措施); repeat for several.")),
    ] = None,
    leader: Annotated[
        str | None, typer.Option("--leader", metavar="NAME", help=N_("Responsible leader (责任领导)."))
    ] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", metavar="NAME", help=N_("Responsible department (责任部门).")),
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", metavar="NAME",
        help=N_("Responsible person (责任人)."))] = None,
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", metavar="DATE", help=N_("Deadline (整改时限), such as 2021-12-31 or 2021/12/31.")),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help=N_("Date put on the ledger (default: today).")),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", metavar="NAME", help=N_("Who puts it on the ledger."))] = None,
    from_file: Annotated[
        Path | None,
        typer.Option("--from", metavar="FILE", help=N_("Add a whole feedback list from a YAML or CSV file.")),
    ] = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Add one finding (or a feedback list with --from) and print the new id(s).

    On a terminal each new finding is told in a sentence (added jinhua-039: its title);
    piped or captured, only the ids, one a line, for scripts.
    """
    from rectify.api import parse_day
    from rectify.domain.steps import NewFinding

    lib = library(ctx)
    when = lib.event_day(on)
    if from_file is not None:
        if aspect or title:
            raise UsageError(_("give either --from FILE or --aspect/--title, not both"))
        from rectify.api import read_feedback

        items = read_feedback(from_file, lambda encoding: typer.echo(_("read {file} as {encoding}").format(
            file=from_file.name, encoding=encoding), err=True))
    else:
        if not aspect or not title:
            raise UsageError(_("a finding needs --aspect and --title (or --from FILE)"))
        due = parse_day(deadline, "--deadline") if deadline is not None else None
        items = [
            NewFinding(aspect, title, detail, tuple(measure or ()), leader, department, owner, due,
                       problem=problem, category=category)
        ]  # fmt: skip
    made = lib.add(unit, items, when, by, commit, key, listed=from_file is not None)
    if sys.stdout.isatty():  # a person reads a sentence; a script (`id=$(rectify add ...)`) gets the bare ids
        for finding in made:
            typer.echo(_("added {id}: {title}").format(id=finding.id, title=finding.title))
    else:
        for finding in made:
            typer.echo(finding.id)


def import_(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(metavar="FILE", help=N_("An .xlsx, .xls or .csv ledger sheet."))],
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="ID",
            help=N_(
                "The unit whose ledger receives them (default: each sheet's unit, by its 单位 column or its name)."
            ),
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="NAME",
        help=N_("The sheet to read (xlsx, xls)."))] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help=N_("Show the units' figures after the import; write nothing."))
    ] = False,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help=N_("Date put on the ledger (default: the unit's feedback date; needed without one)."),
        ),
    ] = None,
    approver: Annotated[
        str | None,
        typer.Option("--approver", metavar="NAME",
            help=N_("审签人 of closed rows (and approver of 延期) that name none.")),
    ] = None,
    closed_on: Annotated[
        str | None,
        typer.Option("--closed-on", metavar="DATE",
            help=N_("销号日期 of closed rows when the sheet has no such column.")),
    ] = None,
    create_units: Annotated[
        bool, typer.Option("--create-units", help=N_("Start a ledger for each unit the sheet names that has none."))
    ] = False,
    aspect: Annotated[
        str | None,
        typer.Option("--aspect", metavar="TEXT", help=N_("方面 of the problems when the sheet gives none.")),
    ] = None,
    reported_on: Annotated[
        str | None,
        typer.Option(
            "--reported-on",
            metavar="DATE",
            help=N_("填报时间 of a sheet that has none: the day of its 整改进展 and 备注."),
        ),
    ] = None,
    extended_on: Annotated[
        str | None,
        typer.Option(
            "--extended-on", metavar="DATE", help=N_("Day the 延期 were approved when the sheet has no such column.")
        ),
    ] = None,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Import an office's rectification sheet (Excel or CSV) into the units' ledgers."""
    from rectify.api import parse_day
    from rectify.domain.figures import FindingState
    from rectify.domain.model import Status
    from rectify.present import findings, tables
    from rectify.present.words import IMPORT, STATUS, counted, word

    lib = library(ctx)
    words = language(lang, lib)
    if unit is not None:
        lib.unit_file(unit)  # a missing unit is said before the sheet is read
    given = parse_day(on, "--date") if on is not None else None
    closing = parse_day(closed_on, "--closed-on") if closed_on is not None else None
    extending = parse_day(extended_on, "--extended-on") if extended_on is not None else None
    reporting = parse_day(reported_on, "--reported-on") if reported_on is not None else None
    bar = tables.Progress(word(IMPORT, "progress", words))

    def say(key: str, **values: Any) -> None:
        typer.echo(word(IMPORT, key, words, **values), err=True)

    def seen(encoding: str | None, names: list[str]) -> None:
        if encoding:  # said at once: a run that fails still says how the file was read
            say("encoding", file=source.name, encoding=encoding)

    try:
        read = lib.read_sheet(
            source, sheet, approver, closing, every=unit is None and sheet is None, tick=bar, aspect=aspect, seen=seen,
            extended_on=extending, reported_on=reporting, unit=unit, on=given, create_units=create_units,
        )  # fmt: skip
    finally:
        bar.close()
    if read.encoding:
        pass  # a CSV: its encoding is said
    elif any(why == "one_sheet" for __, why in read.skipped):  # other sheets look like ledgers too
        say("one_sheet", sheet=read.read[0], count=len(read.names), names=listed(read.names))
    else:
        say("sheets", names=listed(read.read))
    aside = [word(IMPORT, why, words, name=name) for name, why in read.skipped if why != "one_sheet"]
    if aside:
        say("skipped", names=listed(aside))
    if read.words:
        pairs = [word(IMPORT, "pair", words, word=w, state=word(STATUS, s.value, words), count=n)
                 for w, (s, n) in read.words.items()]  # fmt: skip
        say("words", pairs=listed(pairs))
    if read.sounds_done:
        say("not_closed", words="、".join(read.sounds_done))
    if read.long_by_deadline:
        cells = [word(IMPORT, "deadline_cell", words, cell=c, deadline=d, word=w or "-")
                 for c, d, w in read.long_by_deadline]  # fmt: skip
        say("long_by_deadline", cells=listed(cells))
    people, funds, rules = read.open_counters()
    if people or funds or rules:
        say("counters_open", people=people, funds=f"{funds:.2f}", rules=rules)
    if read.closed_by_option and closing is not None:
        say("closed_by_option", day=closing, count=len(read.closed_by_option), cells=listed(read.closed_by_option))
    unworded = [word(IMPORT, "closed_by_date" if s is Status.CLOSED else "left_open", words, count=n)
                for s, n in read.unworded.items() if s in (Status.CLOSED, Status.OPEN)]  # fmt: skip
    if unworded:
        say("unworded", pairs=listed(unworded))
    try:
        done = lib.import_sheet(unit, read.items, given, dry_run, create_units, tick=bar)
    finally:
        bar.close()
    for name, when in read.reported.items():
        if when.day is not None and not when.cell:
            say("reported_option", sheet=name, day=when.day)
        elif when.day is not None:
            say("reported", sheet=name, cell=when.cell, label=when.label, day=when.day)
        elif any(i.progress or i.notes for i in read.items if i.where.partition("!")[0] == name):
            days = sorted({str(given or a.inspection.feedback_date) for a, _made, _new in done})
            why = "why_date" if given is not None else "why_feedback"
            say("unreported", sheet=name, days=listed(days), why=word(IMPORT, why, words))  # or --reported-on
    for after, _made, new in done:
        if new:
            say("would_create" if dry_run else "created", unit=after.unit.id, name=after.unit.name)
    if dry_run:
        count = sum(len(made) for _after, made, _new in done)
        if output_format(fmt) in ("json", "csv"):
            states = [FindingState(f, f.status, f.deadline, False, a.unit.id) for a, made, _new in done for f in made]
            findings.finding_list(states, output_format(fmt), words)
        else:
            findings.import_adds(done, output_format(fmt), words)
            findings.import_summary([after for after, _made, _new in done], lib.today(), output_format(fmt), words)
        say("dry_run", findings=counted("finding", count, words), units=counted("unit", len(done), words))
        return
    for after, made, _new in done:
        ids = made[0].id if len(made) == 1 else f"{made[0].id}..{made[-1].id}"
        typer.echo(word(IMPORT, "imported", words, findings=counted("finding", len(made), words), unit=after.unit.id,
                        ids=ids))  # fmt: skip


def _plain_descriptions(node: Any) -> Any:
    """Descriptions an editor shows on hover: without reStructuredText quotes or references
    to notes outside the repository."""
    if isinstance(node, dict):
        return {
            key: (value.replace("``", "`").replace("DOMAIN.md", "the rectify domain notes") if key == "description"
                  and isinstance(value, str) else _plain_descriptions(value))
            for key, value in node.items()
        }  # fmt: skip
    if isinstance(node, list):
        return [_plain_descriptions(item) for item in node]
    return node


def schema() -> None:
    """Print the JSON Schema of a ledger file, for editors that validate YAML as it is typed."""
    import json

    from rectify.domain.model import Ledger

    document = _plain_descriptions(Ledger.model_json_schema(mode="validation"))
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "rectify ledger (巡察整改台账)"
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


def check(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help=N_("text (path:line:col: message) or json.")),
    ] = "text",
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help=N_("Also prove every approval by its signed commit (git history and .rectify/people.yaml)."),
        ),
    ] = False,
) -> None:
    """Validate every ledger and report every problem as path:line:col: message; in git,
    also each commit that changed a ledger by hand (a deadline moved, a status set without
    its events, the history rewritten, a finding deleted)."""
    from rectify.api import display
    from rectify.present import findings

    if fmt not in {"text", "json"}:
        raise UsageError(_("--format must be text or json, not {fmt!r}").format(fmt=fmt))
    lib = library(ctx)
    loaded, found, files = lib.check()
    edits, note = lib.hand_edits(loaded)
    if note is not None:
        typer.echo(_("note: {note}").format(note=note), err=True)
    found = sorted({*found, *edits})
    if verify:
        found = sorted([*found, *lib.verify(loaded)])
    findings.problems(found, fmt)
    counted = sum(len(item.ledger.findings) for item in loaded)
    if fmt == "text":
        where = display(lib.folder)
        summary = (
            _("{problems} in {where}").format(problems=plural(len(found), "problem"), where=where)
            if found
            else _("ok: {ledgers}, {findings} in {where}").format(
                ledgers=plural(files, "ledger"), findings=plural(counted, "finding"), where=where
            )
        )
        typer.echo(summary, err=True)
    if found:
        raise typer.Exit(1)
