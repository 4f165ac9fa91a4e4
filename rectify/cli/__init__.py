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
from collections.abc import Callable, Iterator, MutableMapping
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from rectify import __version__
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


# The commands, in the order `rectify --help` lists them: (name, module of rectify.cli,
# the function's name there, or a plain step's index in steps.PLAIN_STEPS). Each is made
# when first asked for (RootGroup), so a command imports its own module and typer builds
# its options alone: `rectify close` neither builds the thirty others nor imports views.
COMMANDS: tuple[tuple[str, str, str | int], ...] = (
    ("init", "ledgers", "init"),
    ("merge-driver", "ledgers", "merge_driver"),
    ("add", "ledgers", "add"),
    ("close", "steps", "close"),
    ("start", "steps", 0),
    ("progress", "steps", "progress"),
    ("submit", "steps", "submit"),
    ("sign", "steps", 1),
    ("return", "steps", 2),
    ("reopen", "steps", 3),
    ("extend", "steps", "extend"),
    ("long-term", "steps", 4),
    ("edit", "steps", "edit"),
    ("withdraw", "steps", "withdraw"),
    ("account", "steps", "account"),
    ("status", "views", "status"),
    ("overdue", "views", "overdue"),
    ("trend", "views", "trend"),
    ("report", "views", "report"),
    ("export", "views", "export"),
    ("frequent", "views", "frequent"),
    ("import", "ledgers", "import_"),
    ("schema", "ledgers", "schema"),
    ("list", "views", "list_"),
    ("board", "views", "board"),
    ("show", "views", "show"),
    ("log", "views", "log"),
    ("check", "ledgers", "check"),
    ("sync", "sync", "sync"),
)
GROUPS: tuple[tuple[str, Any, tuple[tuple[str, str, str], ...]], ...] = (
    ("unit", unit_app, (("list", "ledgers", "unit_list"), ("add", "ledgers", "unit_add"))),
    ("hook", hook_app, (("install", "sync", "hook_install"), ("pre-receive", "sync", "hook_pre_receive"))),
)
"""The groups of commands (after the commands, as typer lists them): name, typer app, its commands."""


def _function(module: str, name: str | int) -> Any:
    """The function of a command: ``name`` in ``rectify.cli.<module>``, or the plain step
    ``steps.PLAIN_STEPS[name]`` made a command."""
    import importlib

    found = importlib.import_module(f"rectify.cli.{module}")
    return found.make_command(found.PLAIN_STEPS[name]) if isinstance(name, int) else getattr(found, name)


def _make_command(name: str, module: str, function: str | int) -> Any:
    from typer.models import CommandInfo

    info = CommandInfo(name=name, callback=_function(module, function))
    return typer.main.get_command_from_info(
        info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
    )


def _make_group(name: str, sub_app: Any, commands: tuple[tuple[str, str, str], ...]) -> Any:
    from typer.models import TyperInfo

    if not sub_app.registered_commands:  # once per process: every root group made shares the typer app
        for command, module, function in commands:
            sub_app.command(command)(_function(module, function))
    return typer.main.get_group_from_info(
        TyperInfo(sub_app, name=name),
        pretty_exceptions_short=app.pretty_exceptions_short,
        suggest_commands=app.suggest_commands,
        rich_markup_mode=app.rich_markup_mode,
    )


class LazyCommands(MutableMapping[str, Any]):
    """The root group's commands by name, each made when first looked up (its module
    imported, typer's click command built) and then made ready by ``ready`` (the help in
    the language in force, the group's ``--lang``). Names, their order and ``in`` never
    make one; :meth:`made` lists those made so far."""

    def __init__(self, makers: dict[str, Callable[[], Any]], ready: Callable[[Any], None]) -> None:
        self._makers = makers
        self._made: dict[str, Any] = {}
        self._ready = ready

    def __getitem__(self, name: str) -> Any:
        if name not in self._made:
            command = self._makers[name]()  # KeyError for a name that is no command
            self._made[name] = command
            self._ready(command)
        return self._made[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._made[name] = command
        self._makers.setdefault(name, lambda: command)

    def __delitem__(self, name: str) -> None:
        del self._makers[name]
        self._made.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)

    def __contains__(self, name: object) -> bool:
        return name in self._makers

    def made(self) -> list[Any]:
        """The commands made so far, in the order they were made."""
        return list(self._made.values())


class RootGroup(RectifyGroup):
    """The ``rectify`` group itself: its commands are :data:`COMMANDS` and :data:`GROUPS`,
    each made only when run, listed or asked for help (:class:`LazyCommands`)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        makers: dict[str, Callable[[], Any]] = {
            name: partial(_make_command, name, module, function) for name, module, function in COMMANDS
        }
        makers.update({name: partial(_make_group, name, sub_app, commands) for name, sub_app, commands in GROUPS})
        self.commands = LazyCommands(makers, self._ready)

    def _ready(self, command: Any) -> None:
        from rectify.cli.catalog import lang_everywhere, translate

        lang_everywhere(self, command)
        translate(self, command)

    def list_commands(self, ctx: Any) -> list[str]:
        """The commands' names in the order of the help, without making any."""
        return list(self.commands)


app.info.cls = RootGroup

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
