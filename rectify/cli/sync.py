"""Commands for many offices sharing one repository: the server's pre-receive hook and
``rectify sync``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rectify.cli.common import KeyOption, LangOption, language, library
from rectify.i18n import N_, _, listed


def hook_install(
    bare: Annotated[Path, typer.Option("--bare", metavar="PATH", help=N_("The server's bare repository."))],
) -> None:
    """Install rectify's pre-receive hook into a bare repository (the server's copy)."""
    from rectify.api import install_hook

    typer.echo(_("installed {install_hook}").format(install_hook=install_hook(bare)))


def hook_pre_receive() -> None:
    """Judge a push (git runs this on the server with `old new ref` lines on stdin):
    refuse commits changing a ledger their signer may not change, approvals not signed by
    their approver, ledgers failing check, people-file changes not signed by an administrator."""
    from rectify.api import check_push
    from rectify.present.findings import push_refusals

    updates = []
    for line in sys.stdin.read().splitlines():
        parts = line.split()
        if len(parts) == 3:
            updates.append((parts[0], parts[1], parts[2]))
    refusals = check_push(Path.cwd(), updates)
    if refusals:
        typer.echo(push_refusals(refusals), err=True)
        raise typer.Exit(1)


def sync(ctx: typer.Context, key: KeyOption = None, lang: LangOption = None) -> None:
    """Fetch, merge (ledgers finding by finding), check, push; print what came in and went
    out. A conflict undoes the merge; a conflict, failing ledgers or a refused push stop it
    with nothing pushed."""
    from rectify.present.words import SYNC, word

    lib = library(ctx)
    done = lib.sync(key)
    lang = language(lang, lib)
    if done.removed:
        typer.echo(word(SYNC, "removed", lang, files=listed(done.removed)))
    for kind, items in (("came_in", done.incoming), ("went_out", done.outgoing)):
        if not items:
            typer.echo(word(SYNC, "nothing_in" if kind == "came_in" else "nothing_out", lang))
            continue
        typer.echo(word(SYNC, kind, lang, count=len(items)))
        for subject in items:
            typer.echo(f"  {subject}")
