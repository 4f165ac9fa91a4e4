"""The ``rectify`` command line: parse options, call one core function, render.

Each command is thin (STYLE.md, pattern 1). Errors from the core are
:class:`~rectify.errors.RectifyError`; :class:`RectifyGroup` is the one place that turns
them into a message on stderr and an exit code (pattern 2), with a traceback only under
``--debug``. Heavy modules (pydantic, yaml, rich, tabulate) are imported inside the
commands that need them, so ``rectify --version`` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from rectify import __version__
from rectify.errors import LedgerError, RectifyError, UsageError

if TYPE_CHECKING:
    from rectify.model import Event, Evidence, Finding
    from rectify.store import Loaded


class RectifyGroup(TyperGroup):
    """Typer group that reports a :class:`RectifyError` as plain words and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; print a core error to stderr and exit with its code."""
        debug = bool(ctx.obj and ctx.obj.get("debug"))
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `rectify list | head`: the reader has all it wanted
            _quiet_stdout()
            raise typer.Exit(0) from None
        except RectifyError as exc:
            if debug:
                raise
            message = str(exc)
            if isinstance(exc, LedgerError):
                message += f"\nrectify: {_plural(len(exc.problems), 'problem')} found; nothing was written"
            else:
                message = f"rectify: error: {message}"
            typer.echo(message, err=True)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            if debug or type(exc).__name__ != "ValidationError":
                raise
            # a value given on the command line that a model refuses
            first = exc.errors(include_url=False)[0]  # type: ignore[attr-defined]
            where = ".".join(str(part) for part in first["loc"]) or "value"
            reason = first.get("ctx", {}).get("error") or first["msg"]
            typer.echo(f"rectify: error: {where}: {reason}", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=RectifyGroup,
    help="Keep inspection rectification ledgers (巡察整改台账) as YAML files and report completion rates.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
unit_app = typer.Typer(
    cls=RectifyGroup,
    help="Start and list units' ledgers.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(unit_app, name="unit")
server_app = typer.Typer(
    cls=RectifyGroup,
    help="Keep a resident server: commands start at once and ledgers are read once.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(server_app, name="server")

FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, plain, simple, github, grid, markdown (for people); csv, tsv, json (for programs).",
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
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """rectify: inspection rectification ledgers (巡察整改台账) in plain YAML."""
    ctx.obj = {"ledgers": ledgers, "debug": debug}


# ---------------------------------------------------------------- helpers


def _folder(ctx: typer.Context) -> Path:
    from rectify.store import find_ledgers_dir

    option = ctx.obj.get("ledgers") if ctx.obj else None
    return find_ledgers_dir(option)


def _date(value: str | None, option: str, default_today: bool = True, folder: Path | None = None) -> date | None:
    """Parse an option's YYYY-MM-DD value; None gives today in the ledgers' time zone
    (rectify.yaml, default Asia/Shanghai) or None."""
    from rectify.model import parse_date
    from rectify.workflow import today

    if value is None:
        if not default_today:
            return None
        if folder is None:
            return today()
        from rectify.store import config_for

        return today(config_for(folder).time_zone)
    try:
        parsed: date = parse_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None
    if not 1900 <= parsed.year <= 2999:
        raise UsageError(f"{option}: {parsed} is too far from our time to be a ledger's date")
    return parsed


def _today_or(value: str | None, option: str, folder: Path | None = None) -> date:
    parsed = _date(value, option, True, folder)
    assert parsed is not None
    return parsed


def _event_date(value: str | None, folder: Path) -> date:
    """The date of a step: --date, else today; a date after today is refused (a ledger
    records what happened, and a future event would make "as of" figures disagree)."""
    from rectify.store import config_for
    from rectify.workflow import today

    zone = config_for(folder).time_zone
    now = today(zone)
    when = _today_or(value, "--date", folder)
    if when > now:
        raise UsageError(f"--date {when} is after today ({now} in {zone}); record a step once it has happened")
    return when


def _format(value: str) -> str:
    from rectify.render import FORMATS

    if value not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


def _lang(value: str | None, folder: Path | None = None) -> str:
    from rectify.render import LABELS, default_lang

    if value is None:
        if folder is not None:
            from rectify.store import config_for

            configured = config_for(folder).lang
            if configured:
                return configured
        return default_lang()
    if value not in LABELS:
        raise UsageError(f"--lang must be zh or en, not {value!r}")
    return value


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _unit(loaded: list[Loaded], unit_id: str) -> Loaded:
    for item in loaded:
        if item.ledger.unit.id == unit_id:
            return item
    known = ", ".join(item.ledger.unit.id for item in loaded) or "none"
    raise UsageError(f"no unit {unit_id!r} (units: {known})")


# ---------------------------------------------------------------- commands

CommitOption = Annotated[
    bool,
    typer.Option("--commit", help="Make one git commit of the ledger this command changes."),
]
DateOption = Annotated[str | None, typer.Option("--date", metavar="DATE", help="Date of the step (default: today).")]
IdArgument = Annotated[str, typer.Argument(metavar="ID", help="Finding id, e.g. jinhua-012.")]
EvidenceOption = Annotated[
    list[Path] | None,
    typer.Option("--evidence", "-e", metavar="PATH", help="Evidence file (佐证材料); repeat for several."),
]


@app.command()
def init(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(metavar="[DIR]", help="Ledger folder (default: --ledgers, $RECTIFY_LEDGERS, else ./ledgers)."),
    ] = None,
    git: Annotated[
        bool,
        typer.Option("--git", help="Install rectify's merge driver for the ledgers in this git repository."),
    ] = False,
) -> None:
    """Make an empty ledger folder (default ./ledgers); with --git, set up merging."""
    import os

    from rectify.store import LOCK_NAME, display

    if directory is None:
        chosen = (ctx.obj or {}).get("ledgers") or os.environ.get("RECTIFY_LEDGERS")
        directory = Path(chosen) if chosen else Path("ledgers")
    try:
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"{display(directory)} exists and is not a folder")
        created = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text(f"{LOCK_NAME}\n.*.tmp\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot create {display(directory)}: {exc.strerror}") from None
    typer.echo(f"{'created' if created else 'using'} {display(directory)}/")
    if git:
        from rectify.gitops import install_merge_driver

        where = install_merge_driver(directory)
        typer.echo(f"merge driver installed: {display(where)} and the repository's git config")
    if created:
        typer.echo("next: rectify unit add ID --name NAME")


@app.command("merge-driver", hidden=False)
def merge_driver(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="%O: the common ancestor's version.")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="%A: our version; the result is written here.")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="%B: their version.")],
) -> None:
    """Git merge driver: merge two versions of a ledger finding by finding (see `init --git`).

    Exits 0 on a clean merge, 1 when a real conflict is left (marked in the file).
    """
    from rectify.errors import WriteError
    from rectify.gitops import merge_file
    from rectify.merge import merge_ledgers

    data = [p.read_bytes() for p in (base, ours, theirs)]
    try:
        result = merge_ledgers(data[0], data[1], data[2], ours)
    except LedgerError as exc:
        typer.echo(
            f"rectify merge-driver: a version is not a valid ledger ({exc}); merging as text",
            err=True,
        )
        code = merge_file(ours, base, theirs)
        if code == 0:  # a clean text merge still has to be a ledger, or git must not commit it
            from rectify.yamldoc import parse

            try:
                parse(ours.read_bytes(), str(ours))
            except LedgerError:
                typer.echo("rectify merge-driver: the text merge is not a valid ledger; left as a conflict", err=True)
                code = 1
        raise typer.Exit(code) from None
    for note in result.notes:
        typer.echo(f"rectify merge-driver: {note}", err=True)
    for conflict in result.conflicts:
        typer.echo(f"rectify merge-driver: conflict in {conflict}", err=True)
    text = result.text if result.text.endswith("\n") else result.text + "\n"
    try:
        ours.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise WriteError(f"cannot write {ours}: {exc.strerror}") from None
    if result.conflicts:
        raise typer.Exit(1)


@server_app.command("start")
def server_start(
    idle: Annotated[
        int,
        typer.Option("--idle", min=1, metavar="MINUTES", help="Stop after this many minutes without a command."),
    ] = 180,
) -> None:
    """Start the server in the background; rectify commands then run in it.

    Commands behave exactly as without it; they start at once, and ledgers unchanged
    since the last command are not read again. It serves only you, and stops after
    --idle minutes without a command, when rectify is upgraded, or with
    `rectify server stop`. RECTIFY_SERVER=off runs a command without it.
    """
    from rectify import server

    if server.in_server():
        typer.echo(f"rectify server: running (pid {os.getppid()})")
        return
    try:
        pid, started = server.start(idle)
    except (OSError, RuntimeError) as exc:
        raise UsageError(f"cannot start the server: {exc}") from None
    typer.echo(f"rectify server: {'started' if started else 'running'} (pid {pid})")


@server_app.command("stop")
def server_stop() -> None:
    """Stop the server; commands run on their own again. Nothing is lost: it holds no data."""
    from rectify import server

    if server.in_server():
        server.request_stop()
        typer.echo(f"rectify server: stopped (pid {os.getppid()})")
        return
    pid = server.stop()
    typer.echo("rectify server: not running" if pid is None else f"rectify server: stopped (pid {pid})")


@server_app.command("status")
def server_status() -> None:
    """Say whether the server runs, and what it holds in memory. Exit 1 when it does not run."""
    from rectify import server

    if server.in_server():
        files, findings = server.remembered()
        typer.echo(
            f"rectify server: running (pid {os.getppid()}), holding {_plural(files, 'ledger')} "
            f"with {_plural(findings, 'finding')}"
        )
        return
    pid = server.running()
    if pid is not None:  # asked with RECTIFY_SERVER=off
        typer.echo(f"rectify server: running (pid {pid})")
        return
    typer.echo("rectify server: not running")
    raise typer.Exit(1)


@unit_app.command("list")
def unit_list(
    ctx: typer.Context,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """List the units: id, name, parent, supervision group, inspection group, findings."""
    from rectify import render
    from rectify.store import read_folder

    folder = _folder(ctx)
    output, words = _format(fmt), _lang(lang, folder)
    render.unit_list([item.ledger for item in read_folder(folder)], output, words)


@unit_app.command("add")
def unit_add(
    ctx: typer.Context,
    unit_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="Unit id (slug), e.g. jinhua; the file is ledgers/ID.yaml."),
    ],
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="Display name, e.g. 金华市人民检察院.")],
    parent: Annotated[str | None, typer.Option("--parent", metavar="ID", help="Parent unit id.")] = None,
    supervisor: Annotated[
        str | None,
        typer.Option("--supervisor", metavar="GROUP", help="Supervision group (督导组)."),
    ] = None,
    round_: Annotated[str | None, typer.Option("--round", metavar="ROUND", help="Inspection round (巡察轮次).")] = None,
    group: Annotated[str | None, typer.Option("--group", metavar="GROUP", help="Inspection group (巡察组).")] = None,
    feedback_date: Annotated[
        str | None,
        typer.Option("--feedback-date", metavar="DATE", help="Feedback date (反馈日期), YYYY-MM-DD."),
    ] = None,
    commit: CommitOption = False,
) -> None:
    """Start a unit's ledger: ledgers/ID.yaml with no findings yet."""
    from pydantic import ValidationError

    from rectify.model import UNIT_ID_RE, Inspection, Ledger, Unit
    from rectify.store import config_for, create_ledger, display, ledger_path

    folder = _folder(ctx)
    if parent is not None and not ledger_path(folder, parent).exists():
        raise UsageError(f"unknown parent unit {parent!r}: there is no {display(ledger_path(folder, parent))}")
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
        if not UNIT_ID_RE.match(unit_id):
            raise UsageError(
                f"unit id {unit_id!r} must be lowercase letters, digits and hyphens, e.g. jinhua or wucheng-wlt"
            ) from None
        first = exc.errors(include_url=False)[0]
        raise UsageError(f"--{first['loc'][-1]}: {first['msg'].lower()}") from None
    path = ledger_path(folder, unit_id)
    wants_commit = commit or config_for(folder).git.autocommit
    if wants_commit:
        _require_git(path)
    create_ledger(path, ledger)
    if wants_commit:
        _commit([path], f"unit add {unit_id}: {name}")
    typer.echo(f"created {display(path)}")


@app.command()
def add(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", "-u", metavar="ID", help="Unit id.")],
    aspect: Annotated[
        str | None,
        typer.Option("--aspect", "-a", metavar="ASPECT", help="Aspect (方面) the problem is listed under."),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", "-t", metavar="TEXT", help="The problem (问题), one line."),
    ] = None,
    detail: Annotated[str | None, typer.Option("--detail", metavar="TEXT", help="Longer description.")] = None,
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
    owner: Annotated[str | None, typer.Option("--owner", metavar="NAME", help="Responsible person (责任人).")] = None,
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", metavar="DATE", help="Deadline (整改时限), YYYY-MM-DD."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help="Date put on the ledger (default: today)."),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", metavar="NAME", help="Who puts it on the ledger.")] = None,
    from_file: Annotated[
        Path | None,
        typer.Option("--from", metavar="FILE", help="Add a whole feedback list from a YAML or CSV file."),
    ] = None,
    commit: CommitOption = False,
) -> None:
    """Add one finding (or a feedback list with --from) and print the new id(s)."""
    from rectify.store import config_for, editing, ledger_path
    from rectify.workflow import NewFinding, add_findings

    folder = _folder(ctx)
    when = _event_date(on, folder)
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
        raise UsageError(f"no unit {unit!r}: start its ledger with `rectify unit add {unit} --name NAME`")
    config = config_for(folder)
    wants_commit = commit or config.git.autocommit
    if wants_commit:
        _require_git(path)
    with editing(path) as edit:
        made = add_findings(edit.ledger, items, when, by)
        edit.append(made)
        if wants_commit:
            what = made[0].title if len(made) == 1 else f"{len(made)} findings"
            ids = made[0].id if len(made) == 1 else f"{made[0].id}..{made[-1].id}"
            edit.then = lambda: _commit([path], f"add {ids}: {what}")
    for finding in made:
        typer.echo(finding.id)


def _record(
    ctx: typer.Context,
    finding_id: str,
    on: str | None,
    make: Callable[[Finding, date, tuple[str, ...]], Finding],
    summary: str | Callable[[Finding], str],
    commit: bool,
    files: list[Path] | None = None,
) -> None:
    """Apply one step to a finding under the lock, commit it when asked, print ``summary``.

    ``make(finding, date, chain)`` returns the finding after the step (it raises
    WorkflowError when the step is not allowed; nothing is written then). ``files``
    (evidence) go into the same commit.
    """
    from rectify.store import editing, find_finding

    folder = _folder(ctx)
    when = _event_date(on, folder)
    loaded, _ = find_finding(folder, finding_id)
    wants_commit = commit or loaded.config.git.autocommit
    if wants_commit:
        _require_git(loaded.path, files)
    chain = tuple(loaded.config.chain)
    with editing(loaded.path) as edit:
        current = edit.ledger.finding(finding_id)
        if current is None:
            raise UsageError(f"no finding {finding_id}")
        changed = make(current, when, chain)
        edit.replace(changed)
        if callable(summary):
            summary = summary(changed)
        if wants_commit:
            edit.then = lambda: _commit([loaded.path, *(files or [])], str(summary))
    typer.echo(f"{summary} ({when})")


def _commit(paths: list[Path], message: str) -> None:
    """Commit ``paths``; when git refuses after the ledger was written, say so plainly."""
    from rectify.gitops import GitError, commit

    try:
        commit(paths, message)
    except GitError as exc:
        raise GitError(f"the step was recorded in the ledger but not committed: {exc}") from None


def _require_git(path: Path, files: list[Path] | None = None) -> None:
    """Refuse --commit before anything is written when the commit could not be made
    (outside git, no git identity, an ignored evidence file) or when the ledger already
    holds changes not yet committed (they would be swept into this command's commit)."""
    from rectify.gitops import can_commit, uncommitted
    from rectify.store import display

    problem = can_commit(path.parent, [path, *(files or [])])
    if problem is not None:
        raise UsageError(f"--commit: {problem}")
    if path.exists() and uncommitted(path):
        raise UsageError(
            f"--commit: {display(path)} has changes that are not committed; commit them first, "
            "so this command's commit holds only its own change"
        )


def _filled(value: str | None, option: str, person: bool = False) -> str | None:
    """Refuse an option given as blank text (spaces or invisible characters only)."""
    from rectify.workflow import _name_key

    if value is not None and not _name_key(value):
        raise UsageError(f"{option} must name a person" if person else f"{option} must not be empty")
    return value


_OPTION_OF = {"by": "--by", "approver": "--approver", "note": "--note", "role": "--role"}


def _event(action: str, when: date, **fields: Any) -> Event:
    """Build an event; a person or text given blank is a usage error."""
    from rectify.model import Action, Event

    for key in ("by", "approver", "note", "role"):
        _filled(fields.get(key), _OPTION_OF[key], person=key in ("by", "approver"))
    return Event(date=when, action=Action(action), **{k: v for k, v in fields.items() if v not in (None, [])})


def _step(
    ctx: typer.Context,
    finding_id: str,
    on: str | None,
    commit: bool,
    action: str,
    summary: str | Callable[[Finding], str],
    **fields: Any,
) -> None:
    """Record one plain workflow step: an event of ``action`` with ``fields`` (by, note, ...)."""
    from rectify.workflow import apply

    _record(
        ctx, finding_id, on, lambda f, when, chain: apply(f, _event(action, when, **fields), chain), summary, commit
    )


def _evidence(ctx: typer.Context, paths: list[Path] | None) -> list[Evidence]:
    from rectify import workflow
    from rectify.store import repository_root

    return workflow.evidence_for(paths or [], repository_root(_folder(ctx)))


@app.command()
def close(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who closes it (销号).")],
    approver: Annotated[
        str,
        typer.Option("--approver", metavar="NAME", help="Who signs it off (审签); not the person closing."),
    ],
    on: DateOption = None,
    evidence: EvidenceOption = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A note kept with the event.")] = None,
    commit: CommitOption = False,
) -> None:
    """Close (销号) a finding with a second person's sign-off (审签), in one step.

    For an approval chain of one level; with more levels use submit and sign.
    """
    from rectify import workflow

    _filled(by, "--by", person=True)
    _filled(approver, "--approver", person=True)
    _filled(note, "--note")
    proof = _evidence(ctx, evidence)
    _record(
        ctx,
        finding_id,
        on,
        lambda f, when, chain: workflow.close(f, by, approver, when, proof, note, chain),
        f"close {finding_id}: 审签 {approver}",
        commit,
        list(evidence or []),
    )


@app.command()
def start(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str | None, typer.Option("--by", metavar="NAME", help="Who starts the work.")] = None,
    on: DateOption = None,
    commit: CommitOption = False,
) -> None:
    """Start work on an open finding (open -> in_progress)."""
    _step(ctx, finding_id, on, commit, "start", f"start {finding_id}" + (f": {by}" if by else ""), by=by)


@app.command()
def progress(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who reports the progress.")],
    note: Annotated[str, typer.Option("--note", metavar="TEXT", help="What was done (整改进展).")],
    on: DateOption = None,
    commit: CommitOption = False,
) -> None:
    """Record progress (整改进展) on a finding; an open finding becomes in_progress."""
    _step(ctx, finding_id, on, commit, "progress", f"progress {finding_id}: {by}", by=by, note=note)


@app.command()
def submit(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who asks for close (申请销号).")],
    evidence: Annotated[
        list[Path],
        typer.Option("--evidence", "-e", metavar="PATH", help="Evidence file (佐证材料); repeat for several."),
    ],
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A note for the reviewers.")] = None,
    on: DateOption = None,
    commit: CommitOption = False,
) -> None:
    """Ask for close with evidence (申请销号): records each file's path and sha256."""
    from rectify.workflow import apply

    proof = _evidence(ctx, evidence)
    _record(
        ctx,
        finding_id,
        on,
        lambda f, when, chain: apply(f, _event("submit", when, by=by, note=note, evidence=proof), chain),
        f"submit {finding_id}: 申请销号 {by}",
        commit,
        list(evidence),
    )


@app.command()
def sign(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who signs (审签).")],
    role: Annotated[
        str | None,
        typer.Option("--role", metavar="ROLE", help="The level signed at (default: the next level due)."),
    ] = None,
    opinion: Annotated[str | None, typer.Option("--opinion", metavar="TEXT", help="The signer's opinion.")] = None,
    on: DateOption = None,
    commit: CommitOption = False,
) -> None:
    """Sign a submitted finding at one level of the approval chain; the last level closes it."""
    _step(
        ctx,
        finding_id,
        on,
        commit,
        "sign",
        lambda f: f"sign {finding_id}: 审签 {by} ({f.history[-1].role})",
        by=by,
        role=role,
        note=opinion,
    )


@app.command("return")
def return_(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="The reviewer sending it back.")],
    opinion: Annotated[str, typer.Option("--opinion", metavar="TEXT", help="Why it goes back (退回意见).")],
    on: DateOption = None,
    commit: CommitOption = False,
) -> None:
    """Send a submitted finding back (退回) with an opinion: it is in_progress again."""
    _step(ctx, finding_id, on, commit, "return", f"return {finding_id}: 退回 {by}", by=by, note=opinion)


@app.command()
def reopen(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who reopens it.")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why it was not really fixed.")],
    on: DateOption = None,
    commit: CommitOption = False,
) -> None:
    """Reopen a closed finding found not really fixed (回炉): it is in_progress again."""
    _step(ctx, finding_id, on, commit, "reopen", f"reopen {finding_id}: 回炉 {by}", by=by, note=reason)


@app.command()
def extend(
    ctx: typer.Context,
    finding_id: IdArgument,
    to: Annotated[str, typer.Option("--to", metavar="DATE", help="The new deadline.")],
    approver: Annotated[str, typer.Option("--approver", metavar="NAME", help="Who approved the extension.")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why more time is needed.")],
    by: Annotated[str | None, typer.Option("--by", metavar="NAME", help="Who asked for it.")] = None,
    on: DateOption = None,
    commit: CommitOption = False,
) -> None:
    """Extend a deadline with approval (延期); the original deadline is kept."""
    from rectify.workflow import extend as extend_finding

    _filled(approver, "--approver", person=True)
    _filled(reason, "--reason")
    _filled(by, "--by", person=True)
    new_deadline = _date(to, "--to", False)
    assert new_deadline is not None
    _record(
        ctx,
        finding_id,
        on,
        lambda f, when, chain: extend_finding(f, new_deadline, approver, reason, when, by, chain),
        f"extend {finding_id}: 延期至 {new_deadline} {approver}",
        commit,
    )


@app.command("long-term")
def long_term(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help="Who decides it.")],
    note: Annotated[str, typer.Option("--note", metavar="TEXT", help="What stays in place and why.")],
    on: DateOption = None,
    commit: CommitOption = False,
) -> None:
    """Put a finding on a long-term footing (需长期坚持): measures in place, work continues."""
    _step(ctx, finding_id, on, commit, "long_term", f"long-term {finding_id}: 长期坚持 {by}", by=by, note=note)


@app.command()
def status(
    ctx: typer.Context,
    unit: Annotated[
        str | None,
        typer.Option("--unit", "-u", metavar="ID", help="Only this unit (its findings by aspect unless --by)."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", metavar="GROUP", help="Group by unit, aspect, title, supervisor, department, owner or round."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Figures as of this date (default: today)."),
    ] = None,
    precision: Annotated[
        int,
        typer.Option("--precision", "-p", min=0, max=4, metavar="N", help="Decimals of the rate (0-4)."),
    ] = 1,
    tree: Annotated[bool, typer.Option("--tree", help="Roll each parent unit up over its children.")] = False,
    wide: Annotated[
        bool, typer.Option("--wide", "-w", help="Add on-time rate, days to close and the three 到位 counters.")
    ] = False,
    money: Annotated[str, typer.Option("--money", metavar="UNIT", help="Funds in yuan (元) or wan (万元).")] = "yuan",
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Completion-rate table (整改完成率): one row per unit (or group) and the total (合计)."""
    from rectify import render, report
    from rectify.store import read_folder

    folder = _folder(ctx)
    output, words = _format(fmt), _lang(lang, folder)
    if by is not None and by not in report.GROUPS:
        raise UsageError(f"--by must be one of {', '.join(report.GROUPS)}, not {by!r}")
    if money not in render.MONEY:
        raise UsageError(f"--money must be yuan or wan, not {money!r}")
    if tree and by not in (None, "unit"):
        raise UsageError("--tree rolls up units; it does not go with --by " + str(by))
    day = _today_or(as_of, "--as-of", folder)
    loaded = read_folder(folder)
    ledgers = [item.ledger for item in loaded]
    title = None
    if unit is not None:
        chosen = _unit(loaded, unit)
        ledgers, title = [chosen.ledger], chosen.ledger.unit.name
        by = by or "aspect"
        if tree:
            raise UsageError("--tree shows every unit; it does not go with --unit")
    if by in (None, "unit"):
        rows, total = report.unit_rows(ledgers, day, tree=tree)
    elif by == "aspect" and unit is not None:
        rows, total = report.aspect_rows(ledgers[0], day)  # one unit: its aspects in feedback order
    else:
        rows, total = report.group_rows(ledgers, day, by)
    render.status_table(
        rows,
        total,
        kind=by or "unit",
        fmt=output,
        lang=words,
        precision=precision,
        as_of=day,
        title=title,
        wide=wide,
        money=money,
        units=by not in (None, "unit") and unit is None,
    )


@app.command()
def overdue(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help="As of this date (default: today).")
    ] = None,
    within: Annotated[
        int, typer.Option("--within", min=0, metavar="DAYS", help="Also list findings due within DAYS days.")
    ] = 0,
    unit: Annotated[str | None, typer.Option("--unit", "-u", metavar="ID", help="Only this unit.")] = None,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Overdue findings (逾期), most overdue first, with who is responsible; --within adds those due soon."""
    from rectify import render, report
    from rectify.store import read_folder

    folder = _folder(ctx)
    output, words = _format(fmt), _lang(lang, folder)
    day = _today_or(as_of, "--as-of", folder)
    loaded = read_folder(folder)
    if unit is not None:
        loaded = [_unit(loaded, unit)]
    render.overdue_list(report.overdue((item.ledger for item in loaded), day, within), output, words, day)


@app.command()
def trend(
    ctx: typer.Context,
    every: Annotated[str, typer.Option("--every", metavar="PERIOD", help="week or month.")] = "week",
    from_: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="First point (default: the earliest feedback date)."),
    ] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last point (default: today).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", metavar="ID", help="Only this unit.")] = None,
    precision: Annotated[
        int, typer.Option("--precision", "-p", min=0, max=4, metavar="N", help="Decimals of the rate (0-4).")
    ] = 1,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """How the rate and counts moved: one point a week or month, from the events, with a chart."""
    from rectify import render, report
    from rectify.store import read_folder

    folder = _folder(ctx)
    output, words = _format(fmt), _lang(lang, folder)
    loaded = read_folder(folder)
    if unit is not None:
        loaded = [_unit(loaded, unit)]
    ledgers = [item.ledger for item in loaded]
    end = _today_or(to, "--to", folder)
    start = _date(from_, "--from", False) or report.first_day(ledgers) or end
    try:
        days = report.trend_days(start, end, every)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    render.trend_table(report.trend(ledgers, days), output, words, precision)


@app.command()
def report(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="Where to write the bulletin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="md or html.")] = "html",
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help="Figures as of this date (default: today).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Show what changed after this date (the last bulletin)."),
    ] = None,
    precision: Annotated[
        int, typer.Option("--precision", "-p", min=0, max=4, metavar="N", help="Decimals of the rate (0-4).")
    ] = 1,
    lang: LangOption = None,
) -> None:
    """Write the progress bulletin (巡察整改进展情况通报) as Markdown or one self-contained HTML page."""
    from rectify import bulletin
    from rectify import report as reports
    from rectify.errors import WriteError
    from rectify.store import display, read_folder

    if fmt not in ("md", "html"):
        raise UsageError(f"--format must be md or html, not {fmt!r}")
    folder = _folder(ctx)
    words = _lang(lang, folder)
    day = _today_or(as_of, "--as-of", folder)
    ledgers = [item.ledger for item in read_folder(folder)]
    try:
        data = reports.bulletin(ledgers, day, _date(since, "--since", False))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    text = bulletin.html(data, words, precision) if fmt == "html" else bulletin.markdown(data, words, precision)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise WriteError(f"cannot write {display(output)}: {exc.strerror}") from None
    typer.echo(f"wrote {display(output)}: {data.total.rate_text(precision)} as of {day}")


@app.command()
def export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="The file to write.")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", metavar="FORMAT", help="xlsx, csv or json (default: from FILE).")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", metavar="ID", help="Only this unit.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help="States as of this date (default: today).")
    ] = None,
) -> None:
    """Export the ledgers: an xlsx workbook (汇总 and one 整改销号表 per unit), or csv/json with every field."""
    import json

    from rectify import excel
    from rectify.errors import WriteError
    from rectify.store import display, read_folder

    if output.is_dir():
        raise UsageError(f"{output} is a folder; name the file to write, e.g. {output / '台账.xlsx'}")
    kind = fmt or output.suffix.lower().lstrip(".")
    if kind not in ("xlsx", "csv", "json"):
        raise UsageError(f"--format must be xlsx, csv or json, not {kind!r}")
    folder = _folder(ctx)
    day = _today_or(as_of, "--as-of", folder)
    loaded = read_folder(folder)
    if unit is not None:
        loaded = [_unit(loaded, unit)]
    ledgers = [item.ledger for item in loaded]
    try:
        if kind == "xlsx":
            excel.write_xlsx(ledgers, day, output)
        elif kind == "csv":
            excel.write_csv(excel.records(ledgers, day), output)
        else:
            text = json.dumps(excel.records(ledgers, day), ensure_ascii=False, indent=2, default=str)
            output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise WriteError(f"cannot write {display(output)}: {exc.strerror}") from None
    findings = len(excel.records(ledgers, day))  # those on the ledgers by that day
    typer.echo(f"wrote {display(output)}: {_plural(len(ledgers), 'unit')}, {_plural(findings, 'finding')} as of {day}")


@app.command("import")
def import_(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(metavar="FILE", help="An .xlsx or .csv ledger sheet.")],
    unit: Annotated[str, typer.Option("--unit", "-u", metavar="ID", help="The unit whose ledger receives them.")],
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="NAME", help="The sheet to read (xlsx).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would be added; write nothing.")] = False,
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help="Date put on the ledger (default: the unit's feedback date)."),
    ] = None,
    approver: Annotated[
        str | None, typer.Option("--approver", metavar="NAME", help="审签人 for closed rows that name none.")
    ] = None,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Import an office's Excel (or CSV) rectification sheet into a unit's ledger."""
    from rectify import excel, render
    from rectify.report import FindingState
    from rectify.store import config_for, editing, ledger_path, read_ledger
    from rectify.workflow import today

    folder = _folder(ctx)
    path = ledger_path(folder, unit)
    if not path.exists():
        raise UsageError(f"no unit {unit!r}: start its ledger with `rectify unit add {unit} --name NAME`")
    if not source.is_file():
        raise UsageError(f"no file {source}")
    name, grid = excel.read_grid(source, sheet)
    if sheet is None and len(names := excel.sheet_names(source)) > 1:
        typer.echo(f"reading sheet {name!r} of {len(names)} ({', '.join(names)}); choose one with --sheet", err=True)
    items = excel.interpret(excel.sheet_rows(name, grid), _filled(approver, "--approver", person=True))
    if not items:
        raise UsageError(f"{source.name}: no problem found under the header")
    now = today(config_for(folder).time_zone)

    given = _date(on, "--date", False)
    if given is not None and given > now:
        raise UsageError(f"--date {given} is after today ({now}); findings are put on a ledger once handed over")

    def made_for(ledger: Any) -> list[Finding]:
        earliest = min((item.closed_on for item in items if item.closed_on), default=now)
        added = given or ledger.inspection.feedback_date or min(earliest, now)
        return excel.build(ledger, items, added, now)

    if dry_run:
        made = made_for(read_ledger(path).ledger)
        states = [FindingState(f, f.status, f.deadline, False, unit) for f in made]
        render.finding_list(states, _format(fmt), _lang(lang, folder))
        typer.echo(f"dry run: {len(made)} findings would be added to {unit}; nothing was written", err=True)
        return
    with editing(path) as edit:
        made = made_for(edit.ledger)
        edit.append(made)
    typer.echo(f"imported {len(made)} findings into {unit}: {made[0].id}..{made[-1].id}")


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


@app.command()
def schema() -> None:
    """Print the JSON Schema of a ledger file, for editors that validate YAML as it is typed."""
    import json

    from rectify.model import Ledger

    document = _plain_descriptions(Ledger.model_json_schema(mode="validation"))
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "rectify ledger (巡察整改台账)"
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


@app.command("list")
def list_(
    ctx: typer.Context,
    unit: Annotated[str | None, typer.Option("--unit", "-u", metavar="ID", help="Only this unit.")] = None,
    status_: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            help="Only this status (open, in_progress, submitted, closed, long_term).",
        ),
    ] = None,
    aspect: Annotated[
        str | None, typer.Option("--aspect", "-a", metavar="ASPECT", help="Only aspects containing this text.")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue findings.")] = False,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Only owners (责任人) containing this text.")
    ] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", metavar="NAME", help="Only departments (责任部门) containing this text."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="States as of this date (default: today)."),
    ] = None,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """List findings, filtered by unit, status, aspect, owner, department or overdue."""
    from rectify import render, report
    from rectify.model import Status
    from rectify.store import read_folder

    folder = _folder(ctx)
    output, words = _format(fmt), _lang(lang, folder)
    day = _today_or(as_of, "--as-of", folder)
    from rectify.render import STATUS_ZH

    statuses = {s.value: s for s in Status} | {STATUS_ZH[s.value]: s for s in Status}
    if status_ is not None and status_ not in statuses:
        raise UsageError(f"--status must be one of {', '.join(statuses)}, not {status_!r}")
    loaded = read_folder(folder)
    if unit is not None:
        loaded = [_unit(loaded, unit)]
    states = report.finding_states(
        (item.ledger for item in loaded),
        day,
        status=statuses[status_] if status_ else None,
        aspect=aspect,
        overdue=overdue,
        owner=owner,
        department=department,
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
    from rectify.workflow import deadline_on

    folder = _folder(ctx)
    loaded, finding = find_finding(folder, finding_id)
    render.finding_detail(finding, loaded.ledger.unit.name, _lang(lang, folder), deadline_on(finding, None))


@app.command()
def log(
    ctx: typer.Context,
    finding_id: IdArgument,
) -> None:
    """Show the git commits that changed a finding (author, date, message), newest first;
    works for a finding removed since, too."""
    from rectify import render
    from rectify.model import unit_of
    from rectify.store import display, finding_versions, ledger_path

    unit_id = unit_of(finding_id)
    if unit_id is None:
        raise UsageError(f"{finding_id!r} is not a finding id (expected <unit-id>-NNN, e.g. jinhua-007)")
    path = ledger_path(_folder(ctx), unit_id)
    if not path.exists():
        raise UsageError(f"no ledger {display(path)}")
    found = finding_versions(path, finding_id)  # a finding removed since still has its commits
    if not found:
        raise UsageError(f"no commit has changed {finding_id} yet")
    render.commits([(c.sha, c.date, c.author, c.subject) for c in found])


@app.command()
def check(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help="text (path:line:col: message) or json."),
    ] = "text",
) -> None:
    """Validate every ledger and report every problem as path:line:col: message."""
    from rectify import render
    from rectify.store import check_folder, display, ledger_paths

    if fmt not in {"text", "json"}:
        raise UsageError(f"--format must be text or json, not {fmt!r}")
    folder = _folder(ctx)
    loaded, found = check_folder(folder, audit=True)
    render.problems(found, fmt)
    files = len(ledger_paths(folder))
    findings = sum(len(item.ledger.findings) for item in loaded)
    if fmt == "text":
        summary = (
            f"{_plural(len(found), 'problem')} in {display(folder)}"
            if found
            else f"ok: {_plural(files, 'ledger')}, {_plural(findings, 'finding')} in {display(folder)}"
        )
        typer.echo(summary, err=True)
    if found:
        raise typer.Exit(1)


_command: Any = None


def command() -> Any:
    """Return the click command typer makes of :data:`app`, made once per process
    (typer would make it anew on each call; the server makes it before forking)."""
    global _command
    if _command is None:
        _command = typer.main.get_command(app)
    return _command


def main() -> None:
    """Console-script entry point: run the app.

    A console that cannot show a character (a GBK terminal and an emoji) gets a
    replacement character, never a traceback; a closed pipe (``rectify list | head``)
    ends quietly with exit 0.
    """
    if sys.stdout is None:  # started with stdout closed (`rectify status >&-`): output goes nowhere
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    try:
        command()(prog_name="rectify")
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null after the reader closed the pipe, so that the final
    flush does not fail again (Python's advice for SIGPIPE); no descriptor is left open."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
