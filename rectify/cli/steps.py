"""The workflow steps as commands: the plain ones declared as data (:data:`PLAIN_STEPS`),
and the three that take more than text (close, submit, extend).

A plain step records one event with the people and text it names; each row of
:data:`PLAIN_STEPS` becomes a command with those options. Every rule a step must meet is
in :mod:`rectify.domain`; the library records it (:meth:`rectify.api.Ledgers.step`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rectify.cli.common import (
    CommitOption,
    DateOption,
    EvidenceOption,
    IdArgument,
    KeyOption,
    library,
    typed_finding,
)
from rectify.domain.kinds import Action
from rectify.domain.model import Status
from rectify.errors import UsageError
from rectify.i18n import N_, _

if TYPE_CHECKING:
    from rectify.api.values import Recorded
    from rectify.domain.model import Finding


@dataclass(frozen=True)
class Opt:
    """One option of a step: the event field it fills, its flag and help; required or not."""

    field: str
    flag: str
    help: str
    required: bool = True


@dataclass(frozen=True)
class PlainStep:
    """A step that records one event of ``action`` from text options; ``summary`` is the
    line printed (and the commit message), an English msgid formatted in the language in
    force with the id and the options; ``alone`` the same when ``--by`` is not given."""

    name: str
    action: Action
    help: str
    options: tuple[Opt, ...]
    summary: str
    alone: str | None = None


PLAIN_STEPS = (
    PlainStep(
        "start", Action.START, N_("Start work on an open finding (open -> in_progress)."),
        (Opt("by", "--by", N_("Who starts the work."), required=False),), N_("start {id}: {by}"), N_("start {id}"),
    ),
    PlainStep(
        "sign", Action.SIGN,
        N_("Sign a submitted finding at one level of the approval chain; the last level closes it."),
        (Opt("by", "--by", N_("Who signs (审签).")),
         Opt("role", "--role", N_("The level signed at (default: the next level due)."), required=False),
         Opt("note", "--opinion", N_("The signer's opinion."), required=False)),
        N_("sign {id}: 审签 {by} ({role_signed})"),
    ),
    PlainStep(
        "return", Action.RETURN, N_("Send a submitted finding back (退回) with an opinion: it is in_progress again."),
        (Opt("by", "--by", N_("The reviewer sending it back.")),
         Opt("note", "--opinion", N_("Why it goes back (退回意见)."))),
        N_("return {id}: 退回 {by}"),
    ),
    PlainStep(
        "reopen", Action.REOPEN, N_("Reopen a closed finding found not really fixed (回炉): it is in_progress again."),
        (Opt("by", "--by", N_("Who reopens it.")), Opt("note", "--reason", N_("Why it was not really fixed."))),
        N_("reopen {id}: 回炉 {by}"),
    ),
    PlainStep(
        "long-term", Action.LONG_TERM,
        N_("Put a finding on a long-term footing (需长期坚持): measures in place, work continues."),
        (Opt("by", "--by", N_("Who decides it.")), Opt("note", "--note", N_("What stays in place and why."))),
        N_("long-term {id}: 长期坚持 {by}"),
    ),
)  # fmt: skip
"""The plain steps, in the order ``rectify --help`` lists them (start; sign, return,
reopen; long-term)."""


def said(done: Recorded) -> None:
    """Print the line that confirms a step: its summary and the day it is recorded on."""
    typer.echo(_("{summary} ({day})").format(summary=done.summary, day=done.day))


def _metavar(opt: Opt) -> str:
    return "NAME" if opt.field == "by" else "ROLE" if opt.field == "role" else "TEXT"


def make_command(spec: PlainStep) -> Callable[..., None]:
    """Return the typer command function of ``spec``: its parameters are the finding id,
    the step's options, ``--date`` and ``--commit``."""

    def command(
        ctx: typer.Context, finding_id: str, on: str | None, commit: bool, key: str | None, **given: str | None
    ) -> None:
        fields = {opt.field: given[opt.field] for opt in spec.options}

        def summary(changed: Finding) -> str:
            by = fields.get("by")
            template = spec.summary if by or spec.alone is None else spec.alone
            if spec.action is Action.SIGN and changed.status is Status.CLOSED:  # the last level closes it
                template = N_("sign {id}: 审签 {by} ({role_signed}), the last level: closed")
            return _(template).format(id=finding_id, by=by or "", role_signed=changed.history[-1].role)

        flags = {opt.field: opt.flag for opt in spec.options}
        done = library(ctx).step(finding_id, spec.action, on, summary, commit, None, key, flags, **fields)
        said(done)

    params = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        inspect.Parameter("finding_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=IdArgument),
    ]
    for opt in spec.options:
        kind = str if opt.required else str | None
        annotation = Annotated[kind, typer.Option(opt.flag, metavar=_metavar(opt), help=opt.help)]  # type: ignore[valid-type]
        default = inspect.Parameter.empty if opt.required else None
        params.append(
            inspect.Parameter(opt.field, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
        )
    params += [
        inspect.Parameter("on", inspect.Parameter.KEYWORD_ONLY, annotation=DateOption, default=None),
        inspect.Parameter("commit", inspect.Parameter.KEYWORD_ONLY, annotation=CommitOption, default=False),
        inspect.Parameter("key", inspect.Parameter.KEYWORD_ONLY, annotation=KeyOption, default=None),
    ]

    def run(ctx: typer.Context, finding_id: str, **options: Any) -> None:
        command(ctx, finding_id, options.pop("on"), options.pop("commit"), options.pop("key"), **options)

    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__doc__ = spec.help
    run.__name__ = spec.name.replace("-", "_")
    return run


def close(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help=N_("Who closes it (销号)."))],
    approver: Annotated[
        str,
        typer.Option("--approver", metavar="NAME", help=N_("Who signs it off (审签); not the person closing.")),
    ],
    on: DateOption = None,
    evidence: EvidenceOption = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help=N_("A note kept with the event."))] = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Close (销号) a finding with a second person's sign-off (审签), in one step.

    For an approval chain of one level; with more levels use submit and sign.
    """
    lib = library(ctx)
    proof = lib.evidence(evidence or [])
    summary = _("close {id}: 审签 {approver}").format(id=finding_id, approver=approver)
    fields: dict[str, Any] = {"by": by, "approver": approver, "note": note, "evidence": proof}
    done = lib.step(finding_id, Action.CLOSE, on, summary, commit, list(evidence or []), key, **fields)
    said(done)


def submit(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help=N_("Who asks for close (申请销号)."))],
    evidence: Annotated[
        list[Path],
        typer.Option("--evidence", "-e", metavar="PATH", help=N_("Evidence file (佐证材料); repeat for several.")),
    ],
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help=N_("A note for the reviewers."))] = None,
    on: DateOption = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Ask for close with evidence (申请销号): records each file's path and sha256."""
    lib = library(ctx)
    proof = lib.evidence(evidence)
    summary = _("submit {id}: 申请销号 {by}").format(id=finding_id, by=by)
    done = lib.step(
        finding_id, Action.SUBMIT, on, summary, commit, list(evidence), key, by=by, note=note, evidence=proof
    )
    said(done)


def extend(
    ctx: typer.Context,
    finding_id: IdArgument,
    to: Annotated[str, typer.Option("--to", metavar="DATE", help=N_("The new deadline."))],
    approver: Annotated[str, typer.Option("--approver", metavar="NAME", help=N_("Who approved the extension."))],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=N_("Why more time is needed."))],
    by: Annotated[str | None, typer.Option("--by", metavar="NAME", help=N_("Who asked for it."))] = None,
    on: DateOption = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Extend a deadline with approval (延期); the original deadline is kept."""
    from rectify.api import parse_day, require_name
    from rectify.domain.steps import extend as extend_finding

    require_name(approver, "--approver")
    require_name(reason, "--reason", person=False)
    require_name(by, "--by")
    new_deadline = parse_day(to, "--to")

    def make(finding: Finding, day: Any, chain: tuple[str, ...], now: Any) -> Finding:
        return extend_finding(finding, new_deadline, approver, reason, day, by, chain, now)

    summary = _("extend {id}: 延期至 {deadline} {approver}").format(
        id=finding_id, deadline=new_deadline, approver=approver
    )
    done = library(ctx).record(finding_id, on, make, summary, commit, key=key)
    said(done)


def progress(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help=N_("Who reports the progress."))],
    note: Annotated[str, typer.Option("--note", metavar="TEXT", help=N_("What was done (整改进展)."))],
    evidence: EvidenceOption = None,
    on: DateOption = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Record progress (整改进展) on a finding, with evidence files if any (their sha256
    recorded; the state does not change); an open finding becomes in_progress."""
    lib = library(ctx)
    proof = lib.evidence(evidence or [])
    summary = _("progress {id}: {by}").format(id=finding_id, by=by)
    fields: dict[str, Any] = {"by": by, "note": note, "evidence": proof}
    done = lib.step(finding_id, Action.PROGRESS, on, summary, commit, list(evidence or []), key, **fields)
    said(done)


def edit(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help=N_("Who makes the change."))],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=N_("Why it changes."))],
    owner: Annotated[str | None, typer.Option("--owner", metavar="NAME",
        help=N_("Responsible person (责任人)."))] = None,
    leader: Annotated[
        str | None, typer.Option("--leader", metavar="NAME", help=N_("Responsible leader (责任领导)."))
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", metavar="NAME", help=N_("Responsible department (责任部门)."))
    ] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help=N_("The problem, one line."))] = None,
    detail: Annotated[str | None, typer.Option("--detail", metavar="TEXT", help=N_("Longer description."))] = None,
    measure: Annotated[
        list[str] | None, typer.Option("--measure", "-m", metavar="TEXT", help=N_("The measures, all of them; repeat."))
    ] = None,
    aspect: Annotated[str | None, typer.Option("--aspect", metavar="ASPECT", help=N_("Aspect (方面)."))] = None,
    problem: Annotated[str | None, typer.Option("--problem", metavar="TEXT", help=N_("Middle level (问题)."))] = None,
    category: Annotated[str | None, typer.Option("--category", metavar="NAME", help=N_("Category (类别)."))] = None,
    on: DateOption = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Change a finding's fields with a recorded edit (old and new value of each, who and
    why). The deadline is not edited: only an approved extension moves it."""
    given = {"owner": owner, "leader": leader, "department": department, "title": title, "detail": detail,
             "aspect": aspect, "problem": problem, "category": category}  # fmt: skip
    values: dict[str, str | list[str] | None] = {key: value for key, value in given.items() if value is not None}
    if measure:
        values["measures"] = list(measure)
    if not values:
        raise UsageError(_("name at least one field to change (--owner, --title, --measure, ...)"))
    done = library(ctx).edit(finding_id, values, by, reason, on, commit, key)
    said(done)


def withdraw(
    ctx: typer.Context,
    finding_id: IdArgument,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT",
        help=N_("Why (put on the ledger by mistake, ...)."))],
    by: Annotated[str, typer.Option("--by", metavar="NAME", help=N_("Who asks for it."))],
    approver: Annotated[str, typer.Option("--approver", metavar="NAME", help=N_("Who approves it; not --by."))],
    into: Annotated[
        str | None,
        typer.Option(
            "--into", metavar="ID", help=N_("Merge into this finding (合并): a duplicate."), callback=typed_finding
        ),
    ] = None,
    on: DateOption = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Withdraw a finding put on the ledger by mistake (撤销), or merge a duplicate into
    another (合并, --into): it stays in the file with its history and counts in no figure
    from that day on; its id is never reused. `list --withdrawn` lists them."""
    done = library(ctx).withdraw(finding_id, by, approver, reason, into, on, commit, key)
    said(done)


def account(
    ctx: typer.Context,
    finding_id: IdArgument,
    by: Annotated[str, typer.Option("--by", metavar="NAME", help=N_("Who records it."))],
    people: Annotated[
        list[str] | None,
        typer.Option("--people", metavar="KIND=N",
            help=N_("People held accountable by kind, e.g. 批评教育=2; repeat.")),
    ] = None,
    funds: Annotated[
        str | None, typer.Option("--funds", metavar="YUAN",
            help=N_("Funds recovered (追缴/清退), in 元, e.g. 12000.00."))
    ] = None,
    rules: Annotated[
        int | None, typer.Option("--rules", min=0, metavar="N", help=N_("Rules made or revised (建章立制), 项."))
    ] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help=N_("A note kept with the event."))] = None,
    on: DateOption = None,
    commit: CommitOption = False,
    key: KeyOption = None,
) -> None:
    """Record the three 到位 (追责问责, 追缴资金, 建章立制) as a dated event; figures count
    them from that day on."""
    kinds: dict[str, int] = {}
    for given in people or []:
        kind, sep, number = given.partition("=")
        if not sep or not kind.strip() or not number.strip().isdigit():
            raise UsageError(_("--people takes KIND=N, e.g. 批评教育=2, not {given!r}").format(given=given))
        kinds[kind.strip()] = kinds.get(kind.strip(), 0) + int(number)
    if not kinds and funds is None and rules is None:
        raise UsageError(_("give --people, --funds or --rules"))
    done = library(ctx).account(finding_id, kinds, funds, rules, by, on, note, commit, key)
    said(done)
