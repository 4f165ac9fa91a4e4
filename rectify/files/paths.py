"""Where ledgers are: the ledger folder, its files, a unit's file, names as users see them.

The folder comes from ``--ledgers DIR``, else ``$RECTIFY_LEDGERS``, else the nearest
``ledgers/`` folder upward from the current directory (STYLE.md, pattern 7).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from rectify.domain.model import MAX_UNIT_ID, UNIT_ID_RE
from rectify.errors import UsageError
from rectify.i18n import N_, _

LEDGER_SUFFIX = ".yaml"


def find_ledgers_dir(option: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """Return the ledger folder: ``option``, else ``$RECTIFY_LEDGERS``, else the nearest
    ``ledgers/`` at or above ``start`` (default: the current directory).

    Raises :class:`UsageError` when none is found or the named one is not a folder.
    """
    chosen = option or os.environ.get("RECTIFY_LEDGERS")
    if chosen:
        path = Path(chosen)
        if not path.is_dir():
            kind = what_is(path)
            if kind is None:
                raise UsageError(_("ledger folder not found: {path}").format(path=path))
            named = "--ledgers" if option else "RECTIFY_LEDGERS"
            raise UsageError(
                _("{path} is {kind}, not a folder; {named} names the folder holding the ledgers").format(
                    path=path, kind=_(kind), named=named
                )
            )
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "ledgers"
        if candidate.is_dir():
            return candidate
    raise UsageError(_(
        "no ledgers/ folder here or above; run `rectify init`, or give --ledgers DIR or RECTIFY_LEDGERS"
    ))


def what_is(path: Path) -> str | None:
    """Say in plain words what ``path`` is when it is not what a command wants: ``a
    folder``, ``a file``, ``a device``, ``a named pipe (FIFO)``, ``a socket``, ``a link
    that leads nowhere`` (or in a loop), ``not readable``; None when nothing is there.
    Never opens the path (a FIFO or device would block or never end)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return N_("a link that leads nowhere") if path.is_symlink() else None
    except RuntimeError:
        return N_("a link that leads nowhere")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return N_("a link that leads nowhere")
        return N_("not readable") if exc.errno in (errno.EACCES, errno.EPERM) else None
    if stat.S_ISDIR(mode):
        return N_("a folder")
    if stat.S_ISREG(mode):
        return N_("a file")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("a device")
    if stat.S_ISFIFO(mode):
        return N_("a named pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return N_("a socket")
    return N_("not a file or folder")


def stray_files(folder: Path) -> list[Path]:
    """Return files of ``folder`` that look like ledgers but are not read as ones
    (``.yml``, ``.YAML``): ``check`` reports them so no unit silently drops out."""
    with os.scandir(folder) as found:
        return sorted(
            folder / entry.name
            for entry in found
            if os.path.splitext(entry.name)[1].lower() in {".yml", ".yaml"}
            and not entry.name.endswith(LEDGER_SUFFIX)
            and _is_file(entry)
        )


def _is_file(entry: os.DirEntry[str]) -> bool:
    """``entry.is_file()``, False for a link that cannot be followed (a loop, say)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def unreadable_entries(folder: Path) -> list[Path]:
    """Return names of ``folder`` ending in ``.yaml`` that are not files a ledger can be
    read from (a folder, a broken symbolic link): ``check`` and every command that reads
    all ledgers report them, so no unit silently drops out of the totals."""
    with os.scandir(folder) as found:
        return sorted(
            folder / entry.name
            for entry in found
            if entry.name.endswith(LEDGER_SUFFIX) and not entry.name.startswith(".") and not _is_file(entry)
        )


def ledger_paths(folder: Path) -> list[Path]:
    """Return the ledger files of ``folder`` (``*.yaml``, hidden files left out), sorted."""
    with os.scandir(folder) as found:  # one directory read; no stat but for symlinks
        names = [
            entry.name
            for entry in found
            if entry.name.endswith(LEDGER_SUFFIX) and not entry.name.startswith(".") and _is_file(entry)
        ]
    return [folder / name for name in sorted(names)]


def display(path: Path) -> str:
    """Return ``path`` as the user should see it: relative to the current directory when below it."""
    try:
        here = os.getcwd()
    except OSError:  # a working folder that is gone
        return str(path)
    key = (here, str(path))
    shown = _DISPLAYED.get(key)
    if shown is None:
        if len(_DISPLAYED) > 4096:
            _DISPLAYED.clear()
        try:
            relative = os.path.relpath(path, here)
        except ValueError:  # another drive on Windows
            relative = ".."
        shown = _DISPLAYED[key] = relative if not relative.startswith("..") else str(path)
    return shown


_DISPLAYED: dict[tuple[str, str], str] = {}
"""display() by working folder and path: a pure function of the two, asked for each
ledger by every command (a province's 100 names took 2 ms)."""


def repository_root(folder: Path) -> Path:
    """Return the repository the ledgers belong to: the nearest folder above ``folder``
    holding ``.git``, else ``folder``'s parent. Evidence paths are relative to it."""
    resolved = folder.resolve()
    for candidate in (resolved, *resolved.parents):
        if (candidate / ".git").exists():
            return candidate
    return resolved.parent


def ledger_path(folder: Path, unit_id: str) -> Path:
    """Return the file of unit ``unit_id`` in ``folder`` (``<unit-id>.yaml``).

    Raises :class:`UsageError` when ``unit_id`` is not a unit id (so no path can lead
    outside the folder).
    """
    if not UNIT_ID_RE.match(unit_id) or len(unit_id) > MAX_UNIT_ID:
        raise UsageError(
            _(
                "{unit_id!r} is not a unit id: lowercase letters, digits and hyphens, at most "
                "{max_unit_id} characters (e.g. jinhua)"
            ).format(unit_id=unit_id[:80], max_unit_id=MAX_UNIT_ID)
        )
    return folder / f"{unit_id}{LEDGER_SUFFIX}"
