"""What every command shares: the options they take alike, and how they reach the library.

Commands parse, call :class:`rectify.api.Ledgers` once, render with
:mod:`rectify.present`, and let :class:`rectify.cli.RectifyGroup` turn an error into a
message and an exit code (STYLE.md, patterns 1 and 2).
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rectify.errors import UsageError
from rectify.i18n import LANGS, N_, _, choose, ngettext, set_lang

if TYPE_CHECKING:
    from rectify.api import Ledgers

FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=N_("table, plain, simple, github, grid, markdown (for people); csv, tsv, json (for programs)."),
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="LANG",
        help=N_("Language of labels and messages, zh or en (default: rectify.yaml's lang, else the locale)."),
    ),
]
CommitOption = Annotated[
    bool,
    typer.Option("--commit", help=N_("Make one git commit of the ledger this command changes.")),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        metavar="PATH",
        help=N_("Sign the commit with this SSH private key (default: git's user.signingkey when gpg.format=ssh)."),
    ),
]
DateOption = Annotated[
    str | None, typer.Option("--date", metavar="DATE", help=N_("Date of the step (default: today)."))
]

def complete_unit(ctx: typer.Context, incomplete: str) -> list[str]:
    """Unit ids for shell completion (bash, zsh, fish, PowerShell)."""
    try:
        return [unit for unit in library(ctx).unit_ids() if unit.startswith(incomplete)]
    except Exception:  # noqa: BLE001 - completion never shows an error
        return []


def complete_finding(ctx: typer.Context, incomplete: str) -> list[str]:
    """Finding ids for shell completion."""
    try:
        lib = library(ctx)
        if "-" not in incomplete or not any(incomplete.startswith(u + "-") for u in lib.unit_ids()):
            return [f"{unit}-" for unit in lib.unit_ids() if unit.startswith(incomplete)] or lib.finding_ids(incomplete)
        return lib.finding_ids(incomplete)
    except Exception:  # noqa: BLE001 - completion never shows an error
        return []


def typed_finding(typed: str | None) -> str | None:
    """The finding id ``typed`` means (``QINGSHAN-001``, ``ｑｉｎｇｓｈａｎ－００１``:
    :func:`rectify.api.finding_typed`), said as :func:`_read_as` says it."""
    from rectify.api import finding_typed

    return None if typed is None else _read_as(typed, finding_typed(typed))


def typed_unit(typed: str | None) -> str | None:
    """The unit id ``typed`` means (``QINGSHAN``, ``ｑｉｎｇｓｈａｎ``:
    :func:`rectify.api.unit_typed`), said as :func:`_read_as` says it."""
    from rectify.api import unit_typed

    return None if typed is None else _read_as(typed, unit_typed(typed))


def _read_as(typed: str, meant: str) -> str:
    """``meant``, with a line on stderr saying how ``typed`` was read when it was not typed
    as the ledger writes it (nothing more when it was)."""
    if meant != typed:
        note = _("{typed} read as {id}").format(typed=typed, id=meant)
        typer.echo(_("rectify: {note}").format(note=note), err=True)
    return meant


IdArgument = Annotated[
    str,
    typer.Argument(
        metavar="ID", help=N_("Finding id, e.g. jinhua-012."), autocompletion=complete_finding, callback=typed_finding
    ),
]
EvidenceOption = Annotated[
    list[Path] | None,
    typer.Option("--evidence", "-e", metavar="PATH", help=N_("Evidence file (佐证材料); repeat for several.")),
]
UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit", "-u", metavar="ID", help=N_("Only this unit."), autocompletion=complete_unit, callback=typed_unit
    ),
]
PrecisionOption = Annotated[
    int, typer.Option("--precision", "-p", min=0, max=4, metavar="N", help=N_("Decimals of the rate (0-4)."))
]


def library(ctx: typer.Context) -> Ledgers:
    """The ledgers named by ``--ledgers`` (else ``$RECTIFY_LEDGERS``, else found upward),
    read through the cache unless ``--no-cache`` was given."""
    from rectify.api import Ledgers
    from rectify.present.tables import ReadProgress

    options = ctx.obj or {}
    progress = ReadProgress(_("reading ledgers"))
    notify = lambda note: typer.echo(_("rectify: {note}").format(note=note), err=True)  # noqa: E731
    return Ledgers.open(options.get("ledgers"), notify, progress, cache=options.get("cache", True))


def output_format(value: str) -> str:
    """``--format`` checked against the formats the tables know."""
    from rectify.present import words
    from rectify.present.tables import FORMATS

    return words.output_format(value, FORMATS)


_GIVEN_LANG: ContextVar[str | None] = ContextVar("rectify_given_lang", default=None)
"""The ``--lang`` of this run's command line, wherever it stood (``rectify --lang en trend``)."""


def language(value: str | None, lib: Ledgers | None = None) -> str:
    """The language of the output, and of every message from now on in this run:
    ``--lang``, else rectify.yaml's ``lang``, else the locale (:func:`rectify.i18n.choose`,
    the one place that decides it); ``rectify --lang en trend`` holds for the command too."""
    if value is None:
        value = _GIVEN_LANG.get()
    if value is not None and value not in LANGS:
        raise UsageError(_("--lang must be zh or en, not {value!r}").format(value=value))
    lang = choose(value, lib.config.lang if lib is not None else None)
    set_lang(lang)
    return lang


def early_language(args: list[str]) -> str:
    """The language of a run decided from its command line before it is parsed (so help
    and click's own words speak it): the ``--lang`` given, else the ``lang`` of the
    rectify.yaml of the ledger folder (``--ledgers``, ``$RECTIFY_LEDGERS`` or found upward),
    else the environment and the operating system."""
    flag = _option_value(args, "--lang")
    if flag not in LANGS:
        flag = None
    _GIVEN_LANG.set(flag)
    configured = None
    if flag is None:
        from rectify.api import configured_lang

        configured = configured_lang(_option_value(args, "--ledgers"))
    return choose(flag, configured)


def _option_value(args: list[str], name: str) -> str | None:
    """The value given to option ``name`` in ``args`` (``--name X`` or ``--name=X``), before any ``--``."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1 :]
    return None


def plural(count: int, word: str) -> str:
    """``1 finding``, ``2 findings`` (``word``: finding, ledger, problem or unit), in the
    language in force."""
    forms = {
        "finding": ngettext("{count} finding", "{count} findings", count),
        "ledger": ngettext("{count} ledger", "{count} ledgers", count),
        "problem": ngettext("{count} problem", "{count} problems", count),
        "unit": ngettext("{count} unit", "{count} units", count),
    }
    return forms[word].format(count=count)
