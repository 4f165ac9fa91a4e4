"""The ``rectify`` console script: answers ``--version`` before loading the CLI.

Everything else goes to the resident server when one runs (:mod:`rectify.client`), else
to :func:`rectify.cli.main`; typer, pydantic and the YAML reader are imported only then
(bench/province.py measures start-up).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Print the version for ``rectify --version``/``-V`` at once; else run the command,
    in the resident server if one runs, else here."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from rectify import __version__

        sys.stdout.write(f"rectify {__version__}\n")
        return
    from rectify.client import run_remote

    code = run_remote(sys.argv[1:])
    if code is not None:  # the server ran it: nothing of this process is left to clean up
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)  # not sys.exit: tearing down the interpreter took longer than the command
    from rectify.cli import main as run

    run()
