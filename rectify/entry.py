"""The ``rectify`` console script: answers ``--version`` before loading the CLI.

A read-only command run again with nothing changed is answered from what it printed last
time (:mod:`rectify.files.answers`) before anything else is loaded. Everything else goes to
:func:`rectify.cli.main`; typer, pydantic and the YAML reader are imported only then
(bench/province.py measures start-up).
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """Print the version for ``rectify --version``/``-V`` at once; else run the command.

    A command runs once and exits, and what it builds (ledgers, models, rows) holds no
    reference cycles: the cyclic garbage collector is off for it (it would walk the
    million objects of a province's ledgers again and again, a third of a cold
    ``status``), and what is left is frozen before the interpreter's final collection.
    ``rectify board``, which runs for long, turns the collector back on
    (:func:`rectify.board.serve`)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from rectify import __version__

        sys.stdout.write(f"rectify {__version__}\n")
        return
    from rectify.files import answers

    argv = sys.argv[1:]
    text = answers.lookup(argv)
    if text is not None:
        replay(text)
        return
    answers.begin(argv)
    gc.disable()
    try:
        from rectify.cli import main as run

        run(collect=answers.recording())
    finally:
        gc.freeze()


def replay(text: str) -> None:
    """Print a remembered answer as the command printed it: through the pager on a
    terminal when it is longer than the window (:func:`rectify.present.console.page`), with
    a Windows console set to show its colours; a closed pipe ends quietly."""
    from rectify.present import console

    if sys.stdout is None:  # started with stdout closed (`rectify status >&-`): as the CLI, output goes nowhere
        return
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # a console that cannot show a character gets a replacement, as in the CLI
        reconfigure(errors="replace")
    try:
        if sys.stdout.isatty():
            console.prepare_console()
            console.page(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
