"""Commands that read and show: tables, lists, one finding, its git log, the bulletin, exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rectify.cli.common import (
    FormatOption,
    IdArgument,
    LangOption,
    PrecisionOption,
    UnitOption,
    complete_unit,
    language,
    library,
    output_format,
    plural,
    typed_unit,
)
from rectify.errors import UsageError
from rectify.i18n import N_, _, listed, os_reason

if TYPE_CHECKING:
    from rectify.api import Ledgers


def _opened(ctx: typer.Context, fmt: str, lang: str | None, as_of: str | None) -> tuple[Ledgers, str, str, date]:
    """The library, the output format, the language and the as-of date a view needs."""
    lib = library(ctx)
    return lib, output_format(fmt), language(lang, lib), lib.day(as_of, "--as-of")


SupervisorOption = Annotated[
    str | None,
    typer.Option("--supervisor", metavar="GROUP", help=N_("Only the units this supervision group (督导组) follows.")),
]
UnderOption = Annotated[
    str | None,
    typer.Option("--under", metavar="ID", help=N_("Only this unit and the units below it."), callback=typed_unit),
]

AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help=N_("Figures as of this date (default: today)."))
]


def status(
    ctx: typer.Context,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="ID",
            help=N_("Only this unit (its findings by aspect unless --by)."),
            autocompletion=complete_unit,
            callback=typed_unit,
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", metavar="GROUP", help=N_("Group by unit, aspect, title, supervisor, department, owner or round.")
        ),
    ] = None,
    as_of: AsOfOption = None,
    precision: PrecisionOption = 1,
    tree: Annotated[bool, typer.Option("--tree", help=N_("Roll each parent unit up over its children."))] = False,
    supervisor: SupervisorOption = None,
    under: UnderOption = None,
    wide: Annotated[
        bool, typer.Option("--wide", "-w", help=N_("Add on-time rate, days to close and the three 到位 counters."))
    ] = False,
    money: Annotated[
        str, typer.Option("--money", metavar="UNIT", help=N_("Funds in yuan (元) or wan (万元)."))
    ] = "yuan",
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Completion-rate table (整改完成率): one row per unit (or group) and the total (合计)."""
    from rectify.domain.figures import group_of
    from rectify.present import tables
    from rectify.present.words import money_unit

    money = money_unit(money)
    by = group_of(by) if by is not None else None
    lib, output, words, day = _opened(ctx, fmt, lang, as_of)
    rows, total, title = lib.status(day, unit, by, tree, supervisor, under)
    kind = by or ("aspect" if unit and not tree else "unit")
    tables.status_table(
        rows, total, kind=kind, fmt=output, lang=words, precision=precision, as_of=day, title=title,
        wide=wide, money=money, units=by not in (None, "unit") and unit is None,
    )  # fmt: skip
    if tables.SINK is not None:  # all it printed, kept for the same command run again unchanged
        lib.keep_answer("".join(tables.SINK))


def overdue(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help=N_("As of this date (default: today)."))
    ] = None,
    within: Annotated[
        int, typer.Option("--within", min=0, metavar="DAYS", help=N_("Also list findings due within DAYS days."))
    ] = 0,
    unit: UnitOption = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help=N_("Only owners (责任人) containing this text."))
    ] = None,
    supervisor: SupervisorOption = None,
    under: UnderOption = None,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Overdue findings (逾期), most overdue first, with who is responsible; --within adds those due soon."""
    from rectify.present import findings

    lib, output, words, day = _opened(ctx, fmt, lang, as_of)
    findings.overdue_list(lib.overdue(day, within, unit, owner, supervisor, under), output, words, day, within)


def trend(
    ctx: typer.Context,
    every: Annotated[str, typer.Option("--every", metavar="PERIOD", help=N_("week or month."))] = "week",
    from_: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help=N_("First point (default: the earliest feedback date).")),
    ] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATE", help=N_("Last point (default: today)."))] = None,
    unit: UnitOption = None,
    precision: PrecisionOption = 1,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """How the rate and counts moved: one point a week or month, from the events, with a chart."""
    from rectify.api import parse_day
    from rectify.present import tables

    lib = library(ctx)
    output, words = output_format(fmt), language(lang, lib)
    start = parse_day(from_, "--from") if from_ is not None else None
    points = lib.trend(every, start, lib.day(to, "--to"), unit)
    tables.trend_table(points, output, words, precision)


def report(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help=N_("Where to write the bulletin."))],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", metavar="FORMAT", help=N_("html, docx or md (default: from FILE)."))
    ] = None,
    as_of: AsOfOption = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help=N_("Show what changed after this date (the last bulletin).")),
    ] = None,
    office: Annotated[
        str | None,
        typer.Option("--office", metavar="NAME", help=N_("Issuing office (default: rectify.yaml's bulletin.office).")),
    ] = None,
    issue: Annotated[
        int | None,
        typer.Option("--issue", metavar="N", min=1, help=N_("Issue number, 第 N 期 (default: bulletin.issue).")),
    ] = None,
    issued: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help=N_("Date of issue (default: the --as-of day)."))
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help=N_("Add the full finding list, from a new page (html, docx)."))
    ] = False,
    precision: PrecisionOption = 1,
    unit: UnitOption = None,
    supervisor: SupervisorOption = None,
    under: UnderOption = None,
    lang: LangOption = None,
) -> None:
    """Write the progress bulletin (巡察整改进展情况通报): HTML for screen and A4 print, a Word
    document in the official layout, or Markdown for pasting."""
    from rectify.api import display, parse_day
    from rectify.present import bulletin

    kinds = {".html": "html", ".htm": "html", ".md": "md", ".docx": "docx"}
    named = kinds.get(output.suffix.lower())
    fmt = fmt or named or "html"
    if fmt not in ("md", "html", "docx"):
        raise UsageError(_("--format must be html, docx or md, not {fmt!r}").format(fmt=fmt))
    if output.suffix and named != fmt:
        raise UsageError(_(
            "{name} does not end in the extension of {fmt} (.{value})"
        ).format(name=output.name, fmt=fmt, value='html' if fmt == 'html' else fmt))
    lib = library(ctx)
    words, day = language(lang, lib), lib.day(as_of, "--as-of")
    data = lib.bulletin(day, parse_day(since, "--since") if since is not None else None, unit, supervisor, under)
    settings = lib.config.bulletin
    who = office if office is not None else settings.office
    number = issue if issue is not None else settings.issue
    on = parse_day(issued, "--date") if issued is not None else None
    if fmt == "html":
        folder = lib.template_folder()
        text = bulletin.html(data, words, precision, who, number, on, details, folder)
        payload = text.encode("utf-8")
    elif fmt == "docx":
        from rectify.present import document

        payload = document.docx_bytes(data, words, precision, who, number, on, details)
    else:
        payload = bulletin.markdown(data, words, precision).encode("utf-8")
    lib.write_output(output, payload)
    typer.echo(_(
        "wrote {output}: {total} as of {day}"
    ).format(output=display(output), total=data.total.rate_text(precision), day=day))


def export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help=N_("The file to write."))],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", metavar="FORMAT", help=N_("xlsx, csv or json (default: from FILE)."))
    ] = None,
    unit: UnitOption = None,
    supervisor: SupervisorOption = None,
    under: UnderOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help=N_("States as of this date (default: today)."))
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper", metavar="SIZE", help=N_("A4 or A3 landscape for xlsx (default: rectify.yaml's sheet.paper, A4).")
        ),
    ] = None,
) -> None:
    """Export the ledgers: an xlsx workbook (汇总 and one 整改销号表 per unit), or csv/json with every field."""
    import json

    from rectify.api import display
    from rectify.present import workbook

    if output.is_dir():
        raise UsageError(_(
            "{output} is a folder; name the file to write, e.g. {value}"
        ).format(output=output, value=output / '台账.xlsx'))
    kind = fmt or output.suffix.lower().lstrip(".")
    if kind not in ("xlsx", "csv", "json"):
        raise UsageError(_("--format must be xlsx, csv or json, not {kind!r}").format(kind=kind))
    lib = library(ctx)
    day = lib.day(as_of, "--as-of")
    ledgers = lib.ledgers(unit, supervisor, under)
    records = workbook.records(ledgers, day)  # those on the ledgers by that day
    if kind == "xlsx":
        sheet = lib.config.sheet
        size = (paper or sheet.paper).upper()
        if size not in ("A4", "A3"):
            raise UsageError(_("--paper must be A4 or A3, not {paper!r}").format(paper=paper))
        data = workbook.xlsx_bytes(ledgers, day, paper=size, signatures=tuple(sheet.signatures))
    elif kind == "csv":
        data = workbook.csv_bytes(records)
    else:
        data = (json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
    lib.write_output(output, data)
    units, found = plural(len(ledgers), "unit"), plural(len(records), "finding")
    counted = _("{units}, {findings}").format(units=units, findings=found)
    typer.echo(_("wrote {output}: {counted} as of {day}").format(output=display(output), counted=counted, day=day))


def list_(
    ctx: typer.Context,
    unit: UnitOption = None,
    status_: Annotated[
        str | None,
        typer.Option("--status", "-s", help=N_("Only this status (open, in_progress, submitted, closed, long_term).")),
    ] = None,
    aspect: Annotated[
        str | None, typer.Option("--aspect", "-a", metavar="ASPECT", help=N_("Only aspects containing this text."))
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help=N_("Only overdue findings."))] = False,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help=N_("Only owners (责任人) containing this text."))
    ] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", metavar="NAME", help=N_("Only departments (责任部门) containing this text.")),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", metavar="TEXT", help=N_("Only titles containing this text (punctuation ignored).")),
    ] = None,
    withdrawn: Annotated[bool, typer.Option("--withdrawn", help=N_("Only withdrawn findings (撤销, 合并)."))] = False,
    supervisor: SupervisorOption = None,
    under: UnderOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="DATE", help=N_("States as of this date (default: today)."))
    ] = None,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """List findings, filtered by unit, status, aspect, title, owner, department, overdue or withdrawn."""
    from rectify.domain.model import Status
    from rectify.present import findings
    from rectify.present.words import STATUS_ZH

    lib, output, words, day = _opened(ctx, fmt, lang, as_of)
    statuses = {s.value: s for s in Status} | {STATUS_ZH[s.value]: s for s in Status}
    if status_ is not None and status_ not in statuses:
        raise UsageError(_(
            "--status must be one of {statuses}, not {status!r}"
        ).format(statuses=listed(statuses), status=status_))
    chosen = statuses[status_] if status_ else None
    found = lib.findings(
        day, unit, supervisor, under, status=chosen, aspect=aspect, overdue=overdue, owner=owner,
        department=department, title=title, withdrawn=withdrawn,
    )  # fmt: skip
    findings.finding_list(found, output, words, day)


def show(
    ctx: typer.Context,
    finding_id: IdArgument,
    lang: LangOption = None,
) -> None:
    """Show one finding with its history."""
    from rectify.domain.states import deadline_on
    from rectify.present import findings

    lib = library(ctx)
    loaded, finding = lib.finding(finding_id)
    findings.finding_detail(finding, loaded.ledger.unit.name, language(lang, lib), deadline_on(finding, None),
                            lib.days_overdue(finding))  # fmt: skip


def log(ctx: typer.Context, finding_id: IdArgument) -> None:
    """Show the git commits that changed a finding (author, date, message), newest first;
    works for a finding removed since, too."""
    from rectify.present import findings

    findings.commits([(c.sha, c.date, c.author, c.subject) for c in library(ctx).log(finding_id)])


def frequent(
    ctx: typer.Context,
    unit: UnitOption = None,
    supervisor: SupervisorOption = None,
    under: UnderOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """High-frequency problems (高频问题): findings across units grouped by category and by
    titles that mean the same, with the units they are in, most frequent first."""
    from rectify.present import findings

    lib, output, words, day = _opened(ctx, fmt, lang, as_of)
    findings.frequent_list(lib.frequent(day, unit, supervisor, under), output, words, day)


def board(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", metavar="HOST", help=N_("Address to listen on (default: this machine only)."))
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, metavar="N", help=N_("Port to listen on (0: any free port)."))
    ] = 8765,
    open_: Annotated[bool, typer.Option("--open", help=N_("Open the board in the default browser."))] = False,
) -> None:
    """Serve a read-only web board (挂图作战) of the ledgers: rates, units, findings, overdue lists, downloads."""
    from rectify import board as web

    lib = library(ctx)
    if host not in web.LOOPBACK:
        typer.echo(
            _(
                "rectify: warning: listening on {host}: anyone who can reach this address can read the "
                "ledgers"
            ).format(host=host),
            err=True,
        )

    def ready(address: str) -> None:
        typer.echo(_("rectify board: {address} (Ctrl+C to stop)").format(address=address))

    try:
        web.serve(lib.folder, host, port, open_, ready)
    except OSError as exc:
        raise UsageError(_("cannot listen on {host}:{port}: {error}").format(
            host=host, port=port, error=os_reason(exc))) from None
