"""The ``rectify`` command line: parse options, call the library once, render.

Each command is thin (STYLE.md, pattern 1): it lives in :mod:`.ledgers`, :mod:`.steps`
or :mod:`.views`, calls :class:`rectify.api.Ledgers` and renders with
:mod:`rectify.present`. Errors from the core are :class:`~rectify.errors.RectifyError`;
:class:`RectifyGroup` is the one place that turns them into a message on stderr and an
exit code (pattern 2), with a traceback only under ``--debug``. Heavy modules (pydantic,
yaml, rich, tabulate) are imported inside the commands that need them, so
``rectify --version`` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from rectify import __version__
from rectify.cli import ledgers, steps, sync, views
from rectify.cli.common import LangOption, language
from rectify.errors import LedgerError, RectifyError
from rectify.i18n import N_, _, ngettext, reset_lang, route_libraries, set_lang


class RectifyGroup(TyperGroup):
    """Typer group that reports a :class:`RectifyError` as plain words and an exit code."""

    def main(self, args: Any = None, *rest: Any, standalone_mode: bool = True, **options: Any) -> Any:
        """Run the command line in the user's language: decided from the arguments
        (``--lang``, ``--ledgers``), rectify.yaml and the environment before anything is
        parsed, so help, click's own words and errors all speak it."""
        from rectify.cli.catalog import ClickUsageError, lang_everywhere, show_error, translate
        from rectify.cli.common import early_language

        standalone = standalone_mode
        token = set_lang(early_language(list(sys.argv[1:] if args is None else args)))
        try:
            route_libraries()
            lang_everywhere(self)
            translate(self)
            try:
                result = super().main(args, *rest, standalone_mode=False, **options)  # type: ignore[misc]
            except (ClickUsageError, typer.Abort) as exc:  # typer's click words them in English only
                if not standalone:
                    raise
                if isinstance(exc, typer.Abort):
                    typer.echo(_("Aborted!"), err=True)
                    sys.exit(1)
                show_error(exc)
                sys.exit(exc.exit_code)
        finally:
            reset_lang(token)
        if standalone:
            sys.exit(result if isinstance(result, int) else 0)
        return result

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
                count = len(exc.problems)
                found = ngettext("{count} problem found; nothing was written",
                                 "{count} problems found; nothing was written", count).format(count=count)  # fmt: skip
                message += "\n" + _("rectify: {note}").format(note=found)
            else:
                message = _("rectify: error: {message}").format(message=message)
            from rectify.present.tables import shown

            typer.echo(shown(message), err=True)  # a path or name typed never acts on the terminal
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            if debug or type(exc).__name__ != "ValidationError":
                raise
            # a value given on the command line that a model refuses
            first = exc.errors(include_url=False)[0]  # type: ignore[attr-defined]
            where = ".".join(str(part) for part in first["loc"]) or "value"
            reason = first.get("ctx", {}).get("error") or first["msg"]
            typer.echo(_("rectify: error: {message}").format(message=f"{where}: {reason}"), err=True)
            raise typer.Exit(2) from None


_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    cls=RectifyGroup,
    help=N_("Keep inspection rectification ledgers (巡察整改台账) as YAML files and report completion rates."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    context_settings=_SETTINGS,
)
unit_app = typer.Typer(cls=RectifyGroup, help=N_("Start and list units' ledgers."), no_args_is_help=True,
                       context_settings=_SETTINGS)  # fmt: skip
app.add_typer(unit_app, name="unit")
hook_app = typer.Typer(cls=RectifyGroup, help=N_("The server's git hook that guards a shared ledger repository."),
                       no_args_is_help=True, context_settings=_SETTINGS)  # fmt: skip


def _version(value: bool) -> None:
    if value:
        typer.echo(_("rectify {version}").format(version=__version__))
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    ledgers: Annotated[
        Path | None,
        typer.Option(
            "--ledgers",
            metavar="DIR",
            help=N_("Ledger folder (default: $RECTIFY_LEDGERS, else the nearest ledgers/ upward)."),
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help=N_("Show a traceback on errors."))] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help=N_("Never page long output (default: a pager on a terminal)."))
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help=N_("Read every ledger anew, not through the cache beside them (also RECTIFY_CACHE=off)."),
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help=N_("Show the version and exit.")),
    ] = False,
    lang: LangOption = None,
) -> None:
    """rectify: inspection rectification ledgers (巡察整改台账) in plain YAML."""
    ctx.obj = {"ledgers": ledgers, "debug": debug, "cache": not no_cache}
    if lang is not None:
        language(lang)  # refuses a language rectify does not speak
    if no_pager:
        from rectify.present import tables

        if tables.SINK is not None:  # what was collected so far is written out as it comes
            sys.stdout.write("".join(tables.SINK))
        tables.SINK = None


# The commands, in the order `rectify --help` lists them.
app.command()(ledgers.init)
app.command("merge-driver")(ledgers.merge_driver)
unit_app.command("list")(ledgers.unit_list)
unit_app.command("add")(ledgers.unit_add)
app.command()(ledgers.add)
app.command()(steps.close)
app.command(steps.PLAIN_STEPS[0].name)(steps.make_command(steps.PLAIN_STEPS[0]))  # start
app.command()(steps.progress)
app.command()(steps.submit)
for _plain in steps.PLAIN_STEPS[1:4]:  # sign, return, reopen
    app.command(_plain.name)(steps.make_command(_plain))
app.command()(steps.extend)
app.command(steps.PLAIN_STEPS[4].name)(steps.make_command(steps.PLAIN_STEPS[4]))  # long-term
app.command()(steps.edit)
app.command()(steps.withdraw)
app.command()(steps.account)
for _view in (views.status, views.overdue, views.trend, views.report, views.export, views.frequent):
    app.command()(_view)
app.command("import")(ledgers.import_)
app.command()(ledgers.schema)
app.command("list")(views.list_)
app.command()(views.board)
app.command()(views.show)
app.command()(views.log)
app.command()(ledgers.check)
app.command()(sync.sync)
app.add_typer(hook_app, name="hook")
hook_app.command("install")(sync.hook_install)
hook_app.command("pre-receive")(sync.hook_pre_receive)

_command: Any = None


def extract_messages(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Any:
    """Babel's extraction method for ``rectify/cli`` (``babel.cfg``): the messages marked
    with ``_``/``N_``/``ngettext`` and the help (docstring) of each command defined in the
    file (:func:`rectify.cli.catalog.extract`)."""
    from rectify.cli.catalog import extract

    return extract(fileobj, keywords, comment_tags, options, typer.main.get_command(app))


def command() -> Any:
    """Return the click command typer makes of :data:`app`, made once per process
    (typer would make it anew on each call)."""
    global _command
    if _command is None:
        _command = typer.main.get_command(app)
    return _command


def main(collect: bool = False) -> None:
    """Console-script entry point: run the app.

    A console that cannot show a character (a GBK terminal and an emoji) gets a
    replacement character, never a traceback; a closed pipe (``rectify list | head``)
    ends quietly with exit 0. On a terminal the output is collected and shown through
    the pager when long; with ``collect`` (this run's answer is being recorded:
    :mod:`rectify.files.answers`) it is collected elsewhere too, and written at the end.
    """
    if sys.stdout is None:  # started with stdout closed (`rectify status >&-`): output goes nowhere
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    if sys.platform == "win32":  # colours on a Windows console (the tables module is not loaded for it elsewhere)
        from rectify.present.tables import prepare_console

        prepare_console()
    completing = any(name.endswith("_COMPLETE") for name in os.environ)  # shell completion: no pager
    paged = sys.stdout.isatty() and not completing
    collecting = paged or collect
    if collecting:
        from rectify.present import tables

        tables.SINK = []
    try:
        command()(prog_name="rectify")
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)
    finally:
        if collecting:
            collected, tables.SINK = tables.SINK, None
            if collected and paged:
                tables.page("".join(collected))
            elif collected:
                try:
                    sys.stdout.write("".join(collected))
                    sys.stdout.flush()
                except BrokenPipeError:
                    _quiet_stdout()


def _quiet_stdout() -> None:
    """Point stdout at /dev/null after the reader closed the pipe, so that the final
    flush does not fail again (Python's advice for SIGPIPE); no descriptor is left open."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
