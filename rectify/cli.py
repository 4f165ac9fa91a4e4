"""The ``rectify`` command line: parse options, call one core function, render.

Each command is thin (STYLE.md, pattern 1). Errors from the core are
:class:`~rectify.errors.RectifyError`; :class:`RectifyGroup` is the one place that turns
them into a message on stderr and an exit code (pattern 2), with a traceback only under
``--debug``. Heavy modules (pydantic, yaml, rich, tabulate) are imported inside the
commands that need them, so ``rectify --version`` starts fast.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from rectify import __version__
from rectify.errors import LedgerError, RectifyError, UsageError

if TYPE_CHECKING:
    from rectify.store import Loaded


class RectifyGroup(TyperGroup):
    """Typer group that reports a :class:`RectifyError` as plain words and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; print a core error to stderr and exit with its code."""
        try:
            return super().invoke(ctx)
        except RectifyError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            message = str(exc)
            if isinstance(exc, LedgerError):
                count = len(exc.problems)
                message += f"\nrectify: {count} problem{'s' if count != 1 else ''} found; nothing was written"
            else:
                message = f"rectify: error: {message}"
            typer.echo(message, err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=RectifyGroup,
    help="Keep inspection rectification ledgers (巡察整改台账) as YAML files and report completion rates.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
unit_app = typer.Typer(
    cls=RectifyGroup, help="Start and manage units' ledgers.", no_args_is_help=True
)
app.add_typer(unit_app, name="unit")

FormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", metavar="FORMAT", help="Output format: table, csv, json or markdown."
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="LANG",
        help="Labels in zh or en (default: zh when the locale is Chinese).",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rectify {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    ledgers: Annotated[
        Path | None,
        typer.Option(
            "--ledgers",
            metavar="DIR",
            help="Ledger folder (default: $RECTIFY_LEDGERS, else the nearest ledgers/ upward).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """rectify: inspection rectification ledgers (巡察整改台账) in plain YAML."""
    ctx.obj = {"ledgers": ledgers, "debug": debug}


# ---------------------------------------------------------------- helpers


def _folder(ctx: typer.Context) -> Path:
    from rectify.store import find_ledgers_dir

    option = ctx.obj.get("ledgers") if ctx.obj else None
    return find_ledgers_dir(option)


def _date(value: str | None, option: str, default_today: bool = True) -> date | None:
    """Parse an option's YYYY-MM-DD value; None gives today (ledger time zone) or None."""
    from rectify.model import parse_date
    from rectify.workflow import today

    if value is None:
        return today() if default_today else None
    try:
        parsed: date = parse_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None
    return parsed


def _today_or(value: str | None, option: str) -> date:
    parsed = _date(value, option)
    assert parsed is not None
    return parsed


def _format(value: str) -> str:
    from rectify.render import FORMATS

    if value not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


def _lang(value: str | None) -> str:
    from rectify.render import LABELS, default_lang

    if value is None:
        return default_lang()
    if value not in LABELS:
        raise UsageError(f"--lang must be zh or en, not {value!r}")
    return value


def _unit(loaded: list[Loaded], unit_id: str) -> Loaded:
    for item in loaded:
        if item.ledger.unit.id == unit_id:
            return item
    known = ", ".join(item.ledger.unit.id for item in loaded) or "none"
    raise UsageError(f"no unit {unit_id!r} (units: {known})")


# ---------------------------------------------------------------- commands


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create.")] = Path("ledgers"),
) -> None:
    """Make an empty ledger folder (default ./ledgers)."""
    from rectify.store import LOCK_NAME, display

    if directory.exists() and any(directory.iterdir()):
        raise UsageError(f"{display(directory)} exists and is not empty")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / ".gitignore").write_text(f"{LOCK_NAME}\n.*.tmp\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot create {display(directory)}: {exc.strerror}") from None
    typer.echo(f"created {display(directory)}/; next: rectify unit add ID --name NAME")


@unit_app.command("add")
def unit_add(
    ctx: typer.Context,
    unit_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Unit id (slug), e.g. jinhua; the file is ledgers/ID.yaml."
        ),
    ],
    name: Annotated[
        str, typer.Option("--name", metavar="NAME", help="Display name, e.g. 金华市人民检察院.")
    ],
    parent: Annotated[
        str | None, typer.Option("--parent", metavar="ID", help="Parent unit id.")
    ] = None,
    supervisor: Annotated[
        str | None,
        typer.Option("--supervisor", metavar="GROUP", help="Supervision group (督导组)."),
    ] = None,
    round_: Annotated[
        str | None, typer.Option("--round", metavar="ROUND", help="Inspection round (巡察轮次).")
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", metavar="GROUP", help="Inspection group (巡察组).")
    ] = None,
    feedback_date: Annotated[
        str | None,
        typer.Option(
            "--feedback-date", metavar="DATE", help="Feedback date (反馈日期), YYYY-MM-DD."
        ),
    ] = None,
) -> None:
    """Start a unit's ledger: ledgers/ID.yaml with no findings yet."""
    from pydantic import ValidationError

    from rectify.model import Inspection, Ledger, Unit
    from rectify.store import create_ledger, display, ledger_path

    folder = _folder(ctx)
    if parent is not None and not ledger_path(folder, parent).exists():
        raise UsageError(
            f"unknown parent unit {parent!r}: there is no {display(ledger_path(folder, parent))}"
        )
    try:
        ledger = Ledger(
            unit=Unit(id=unit_id, name=name, parent=parent, supervisor=supervisor),
            inspection=Inspection(
                round=round_,
                group=group,
                feedback_date=_date(feedback_date, "--feedback-date", False),
            ),
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise UsageError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    path = ledger_path(folder, unit_id)
    create_ledger(path, ledger)
    typer.echo(f"created {display(path)}")


@app.command()
def add(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", "-u", metavar="ID", help="Unit id.")],
    aspect: Annotated[
        str | None,
        typer.Option(
            "--aspect", "-a", metavar="ASPECT", help="Aspect (方面) the problem is listed under."
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", "-t", metavar="TEXT", help="The problem (问题), one line."),
    ] = None,
    detail: Annotated[
        str | None, typer.Option("--detail", metavar="TEXT", help="Longer description.")
    ] = None,
    measure: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            "-m",
            metavar="TEXT",
            help="A rectification measure (整改措施); repeat for several.",
        ),
    ] = None,
    leader: Annotated[
        str | None, typer.Option("--leader", metavar="NAME", help="Responsible leader (责任领导).")
    ] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", metavar="NAME", help="Responsible department (责任部门)."),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Responsible person (责任人).")
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", metavar="DATE", help="Deadline (整改时限), YYYY-MM-DD."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help="Date put on the ledger (default: today)."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="NAME", help="Who puts it on the ledger.")
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from", metavar="FILE", help="Add a whole feedback list from a YAML or CSV file."
        ),
    ] = None,
) -> None:
    """Add one finding (or a feedback list with --from) and print the new id(s)."""
    from rectify.store import editing, ledger_path
    from rectify.workflow import NewFinding, add_findings

    folder = _folder(ctx)
    when = _today_or(on, "--date")
    if from_file is not None:
        if aspect or title:
            raise UsageError("give either --from FILE or --aspect/--title, not both")
        from rectify.feedback import read_feedback

        items = read_feedback(from_file)
    else:
        if not aspect or not title:
            raise UsageError("a finding needs --aspect and --title (or --from FILE)")
        items = [
            NewFinding(
                aspect=aspect,
                title=title,
                detail=detail,
                measures=tuple(measure or ()),
                leader=leader,
                department=department,
                owner=owner,
                deadline=_date(deadline, "--deadline", False),
            )
        ]
    path = ledger_path(folder, unit)
    if not path.exists():
        raise UsageError(
            f"no unit {unit!r}: start its ledger with `rectify unit add {unit} --name NAME`"
        )
    with editing(path) as edit:
        made = add_findings(edit.ledger, items, when, by)
        edit.append(made)
    for finding in made:
        typer.echo(finding.id)


@app.command()
def close(
    ctx: typer.Context,
    finding_id: Annotated[str, typer.Argument(metavar="ID", help="Finding id, e.g. jinhua-012.")],
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who closes it (销号).")],
    approver: Annotated[
        str,
        typer.Option(
            "--approver", metavar="NAME", help="Who signs it off (审签); not the person closing."
        ),
    ],
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Date of closing (default: today).")
    ] = None,
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence", "-e", metavar="PATH", help="Evidence file (佐证材料); repeat for several."
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="A note kept with the event.")
    ] = None,
) -> None:
    """Close (销号) a finding with a second person's sign-off (审签)."""
    from rectify import workflow
    from rectify.store import editing, find_finding, repository_root

    folder = _folder(ctx)
    when = _today_or(on, "--date")
    loaded, _ = find_finding(folder, finding_id)
    proof = workflow.evidence_for(evidence or [], repository_root(folder))
    with editing(loaded.path) as edit:
        current = edit.ledger.finding(finding_id)
        if current is None:
            raise UsageError(f"no finding {finding_id}")
        edit.replace(workflow.close(current, by, approver, when, proof, note))
    typer.echo(f"closed {finding_id} on {when} (审签 {approver})")


@app.command()
def status(
    ctx: typer.Context,
    unit: Annotated[
        str | None,
        typer.Option("--unit", "-u", metavar="ID", help="Show one unit's findings by aspect."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Figures as of this date (default: today)."),
    ] = None,
    precision: Annotated[
        int,
        typer.Option(
            "--precision", "-p", min=0, max=4, metavar="N", help="Decimals of the rate (0-4)."
        ),
    ] = 1,
    tree: Annotated[
        bool, typer.Option("--tree", help="Roll each parent unit up over its children.")
    ] = False,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Completion-rate table (整改完成率): one row per unit and the total (合计)."""
    from rectify import render, report
    from rectify.store import read_folder

    output, words = _format(fmt), _lang(lang)
    day = _today_or(as_of, "--as-of")
    loaded = read_folder(_folder(ctx))
    if unit is not None:
        chosen = _unit(loaded, unit)
        rows, total = report.aspect_rows(chosen.ledger, day)
        render.status_table(
            rows,
            total,
            kind="aspect",
            fmt=output,
            lang=words,
            precision=precision,
            as_of=day,
            title=chosen.ledger.unit.name,
        )
        return
    rows, total = report.unit_rows([item.ledger for item in loaded], day, tree=tree)
    render.status_table(
        rows, total, kind="unit", fmt=output, lang=words, precision=precision, as_of=day
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", metavar="ID", help="Only this unit.")
    ] = None,
    status_: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            help="Only this status (open, in_progress, submitted, closed, long_term).",
        ),
    ] = None,
    aspect: Annotated[
        str | None, typer.Option("--aspect", "-a", metavar="ASPECT", help="Only this aspect.")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue findings.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="States as of this date (default: today)."),
    ] = None,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """List findings, filtered by unit, status, aspect or overdue."""
    from rectify import render, report
    from rectify.model import Status
    from rectify.store import read_folder

    output, words = _format(fmt), _lang(lang)
    day = _today_or(as_of, "--as-of")
    statuses = {s.value: s for s in Status}
    if status_ is not None and status_ not in statuses:
        raise UsageError(f"--status must be one of {', '.join(statuses)}, not {status_!r}")
    loaded = read_folder(_folder(ctx))
    if unit is not None:
        loaded = [_unit(loaded, unit)]
    states = report.finding_states(
        (item.ledger for item in loaded),
        day,
        status=statuses[status_] if status_ else None,
        aspect=aspect,
        overdue=overdue,
    )
    render.finding_list(states, output, words)


@app.command()
def show(
    ctx: typer.Context,
    finding_id: Annotated[str, typer.Argument(metavar="ID", help="Finding id, e.g. jinhua-012.")],
    lang: LangOption = None,
) -> None:
    """Show one finding with its history."""
    from rectify import render
    from rectify.store import find_finding

    loaded, finding = find_finding(_folder(ctx), finding_id)
    render.finding_detail(finding, loaded.ledger.unit.name, _lang(lang))


@app.command()
def check(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="text (path:line:col: message) or json."
        ),
    ] = "text",
) -> None:
    """Validate every ledger and report every problem as path:line:col: message."""
    from rectify import render
    from rectify.store import check_folder, display, ledger_paths

    if fmt not in {"text", "json"}:
        raise UsageError(f"--format must be text or json, not {fmt!r}")
    folder = _folder(ctx)
    loaded, found = check_folder(folder)
    render.problems(found, fmt)
    files = len(ledger_paths(folder))
    findings = sum(len(item.ledger.findings) for item in loaded)
    if fmt == "text":
        summary = (
            f"{len(found)} problem{'s' if len(found) != 1 else ''} in {display(folder)}"
            if found
            else f"ok: {files} ledgers, {findings} findings in {display(folder)}"
        )
        typer.echo(summary, err=True)
    if found:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point: run the app; a closed pipe ends quietly."""
    try:
        app(prog_name="rectify")
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
