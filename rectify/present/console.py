"""The terminal itself, with nothing but the standard library: the pager long output goes
through, and a Windows console's colours.

Kept apart from :mod:`rectify.present.tables` so that an answer replayed at start-up
(:mod:`rectify.entry`, :mod:`rectify.files.answers`) shows its text as the command did,
without loading rich or tabulate.
"""

from __future__ import annotations

import os
import sys


def page(text: str) -> None:
    """Show ``text`` (already made safe) on the terminal: through a pager when it is longer
    than the window, as git does (``RECTIFY_PAGER``, else ``PAGER``, run by the shell;
    else ``less -FRX`` where it is on the PATH or, on Windows, the less that Git for
    Windows brings, :func:`git_for_windows_less`), else written out directly. The text
    goes in stdout's encoding; when that is UTF-8 (as Python's is where the locale is
    missing, and on a Windows console), the less rectify starts itself is told so
    (``LESSCHARSET=utf-8`` unless the user set ``LESSCHARSET``), on every system."""
    import codecs
    import shutil
    import subprocess

    rows = shutil.get_terminal_size((80, 24)).lines
    command = os.environ.get("RECTIFY_PAGER") or os.environ.get("PAGER")
    argv: list[str] | None = None
    if command is None:
        less = shutil.which("less") or git_for_windows_less()
        argv = [less, "-FRX"] if less else None
    if text.count("\n") < rows or not (command or argv) or command == "cat":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    encoding = sys.stdout.encoding or "utf-8"
    data = text.encode(encoding, "replace")
    try:
        if argv is not None:
            env = None
            if codecs.lookup(encoding).name == "utf-8":
                # less told what it is given: where the locale is missing (LANG=C, no zh_CN
                # locale installed, Windows) it would show the bytes of ┏ as <E2><94><8F>
                env = {**os.environ, "LESSCHARSET": os.environ.get("LESSCHARSET", "utf-8")}
            subprocess.run(argv, input=data, env=env, check=False)
        elif command:
            subprocess.run(command, shell=True, input=data, check=False)  # noqa: S602 - the user's own pager command, as git runs it
    except OSError:
        sys.stdout.write(text)


def git_for_windows_less() -> str | None:
    """The ``less.exe`` that Git for Windows installs beside git (``<Git>\\usr\\bin``, with
    git in ``<Git>\\cmd``, ``<Git>\\bin`` or ``<Git>\\mingw64\\bin``) and uses as its own
    pager; None on other systems, without Git, or when it is not there. Windows has no
    pager of its own that shows UTF-8 Chinese text (``more`` does not)."""
    import shutil
    from pathlib import Path

    if sys.platform != "win32":
        return None
    git = shutil.which("git")
    if git is None:
        return None
    folder = Path(git).resolve().parent
    for top in (folder.parent, folder.parent.parent):
        less = top / "usr" / "bin" / "less.exe"
        if less.is_file():
            return str(less)
    return None


def prepare_console() -> None:
    """Let a Windows console show the colours rich writes: colorama turns on the console's
    handling of colour codes (Windows 10 and later; older ones get them translated), which a
    console window started by cmd.exe or PowerShell leaves off. Nothing elsewhere."""
    if sys.platform == "win32":
        try:
            from colorama import just_fix_windows_console
        except ImportError:  # installed without its dependencies
            return
        just_fix_windows_console()
