"""The ``rectify`` console script: answers ``--version`` before loading the CLI.

Everything else goes to :func:`rectify.cli.main`; typer, pydantic and the YAML reader are
imported only then (bench/province.py measures start-up).
"""

from __future__ import annotations

import sys


def main() -> None:
    """Print the version for ``rectify --version``/``-V`` at once; else run the command."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from rectify import __version__

        sys.stdout.write(f"rectify {__version__}\n")
        return
    from rectify.cli import main as run

    run()
