"""The ``rectify`` console script: answers ``--version`` before loading the CLI.

Everything else goes to :func:`rectify.cli.main`; typer, pydantic and the YAML reader are
imported only then (bench/province.py measures start-up).
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
    gc.disable()
    try:
        from rectify.cli import main as run

        run()
    finally:
        gc.freeze()
