"""What every command shares: the options they take alike, and how they reach the library.

Commands parse, call :class:`rectify.api.Ledgers` once, render with
:mod:`rectify.present`, and let :class:`rectify.cli.RectifyGroup` turn an error into a
message and an exit code (STYLE.md, patterns 1 and 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rectify.errors import UsageError

if TYPE_CHECKING:
    from rectify.api import Ledgers

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
CommitOption = Annotated[
    bool,
    typer.Option("--commit", help="Make one git commit of the ledger this command changes."),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        metavar="PATH",
        help="Sign the commit with this SSH private key (default: git's user.signingkey when gpg.format=ssh).",
    ),
]
DateOption = Annotated[str | None, typer.Option("--date", metavar="DATE", help="Date of the step (default: today).")]


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


IdArgument = Annotated[
    str, typer.Argument(metavar="ID", help="Finding id, e.g. jinhua-012.", autocompletion=complete_finding)
]
EvidenceOption = Annotated[
    list[Path] | None,
    typer.Option("--evidence", "-e", metavar="PATH", help="Evidence file (佐证材料); repeat for several."),
]
UnitOption = Annotated[
    str | None, typer.Option("--unit", "-u", metavar="ID", help="Only this unit.", autocompletion=complete_unit)
]
PrecisionOption = Annotated[
    int, typer.Option("--precision", "-p", min=0, max=4, metavar="N", help="Decimals of the rate (0-4).")
]


def library(ctx: typer.Context) -> Ledgers:
    """The ledgers named by ``--ledgers`` (else ``$RECTIFY_LEDGERS``, else found upward),
    read through the cache unless ``--no-cache`` was given."""
    from rectify.api import Ledgers
    from rectify.present.tables import ReadProgress

    options = ctx.obj or {}
    progress = ReadProgress("读取台账" if language(None) == "zh" else "reading ledgers")
    notify = lambda note: typer.echo(f"rectify: {note}", err=True)  # noqa: E731
    return Ledgers.open(options.get("ledgers"), notify, progress, cache=options.get("cache", True))


def output_format(value: str) -> str:
    """``--format`` checked against the formats the tables know."""
    from rectify.present.tables import FORMATS

    if value not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


def language(value: str | None, lib: Ledgers | None = None) -> str:
    """The language of the output: ``--lang``, else rectify.yaml's ``lang``, else the locale."""
    from rectify.present.tables import default_lang
    from rectify.present.words import LANGS

    if value is None:
        configured = lib.config.lang if lib is not None else None
        return configured or default_lang()
    if value not in LANGS:
        raise UsageError(f"--lang must be zh or en, not {value!r}")
    return value


def plural(count: int, word: str) -> str:
    """``1 finding``, ``2 findings``."""
    return f"{count} {word}{'' if count == 1 else 's'}"
