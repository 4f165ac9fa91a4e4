"""Names and paths that mean the same on Windows and on POSIX systems.

Most of rectify's users are on Windows, and one repository of ledgers is shared between
their machines and a Linux server. So a name rectify creates (a unit's ledger file) or
records (an evidence file) must be one Windows can hold, and an evidence path is recorded
relative to the repository with ``/`` between folders: the ledger reads the same on every
machine. Pure: paths here are :class:`~pathlib.PurePath` objects of either flavour
(``PureWindowsPath`` for what a Windows user types), nothing touches the disk.
"""

from __future__ import annotations

import ntpath
import posixpath
import re
from pathlib import PurePath, PurePosixPath, PureWindowsPath

from rectify.errors import UsageError
from rectify.i18n import _

_FORBIDDEN = re.compile(r'[<>:"|?*\\\x00-\x1f]')
"""Characters Windows does not allow in a file or folder name (Microsoft, "Naming Files,
Paths, and Namespaces"); ``\\`` separates folders there."""


def _reserved(name: str) -> bool:
    """True for a name Windows keeps for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9),
    with or without an extension: the standard library's own list."""
    isreserved = getattr(ntpath, "isreserved", None)  # Python 3.13+
    if isreserved is not None:
        return bool(isreserved(name))
    return PureWindowsPath(name).is_reserved()


def windows_name_problem(name: str) -> str | None:
    """Why Windows cannot hold a file or folder called ``name`` (one part of a path), or
    None when it can. Checked: the characters ``< > : " | ? * \\`` and control characters,
    a trailing dot or space (Windows drops it), and the device names (``con.yaml``)."""
    if _FORBIDDEN.search(name):
        return _(
            '{name} holds a character Windows does not allow in a file name (< > : " | ? * \\ or a control character)'
        ).format(name=repr(name))
    if name.endswith((".", " ")) and name not in (".", ".."):
        return _("{name} ends with a dot or a space, which Windows drops").format(name=repr(name))
    if _reserved(name):
        return _("{name} is a name Windows keeps for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9)").format(
            name=repr(name)
        )
    return None


def recorded_path_problem(path: str) -> str | None:
    """Why ``path``, as a ledger records an evidence file, is not a path inside the
    repository that reads the same on every machine, or None when it is one. It must be
    relative, ``/``-separated (``evidence/jinhua-037/规程.pdf``), without ``..``, a drive
    or ``\\``, and every part a name Windows can hold (:func:`windows_name_problem`)."""
    if "\\" in path:
        return _("is written with \\; write it with / so that it reads the same on every machine")
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or PureWindowsPath(path).drive:
        return _("is not a path inside the repository: record it relative to the repository")
    if ".." in parts:
        return _("lies outside the repository")
    for part in parts:
        problem = windows_name_problem(part)
        if problem is not None:
            return _("cannot be checked out on Windows: {problem}").format(problem=problem)
    return None


def repository_path(given: PurePath, root: PurePath, here: PurePath, typed: object = None) -> str:
    """Return the path an evidence file is recorded under: ``given`` as the user typed it
    (absolute, or relative to the current folder ``here``), made relative to the
    repository ``root``, with ``/`` between folders (``evidence/a.pdf``).

    ``root`` decides the flavour: with a :class:`~pathlib.PureWindowsPath` (what Windows
    uses) ``given`` may carry backslashes, a drive letter (``C:\\Users\\...\\文件.pdf``),
    a UNC share (``\\\\server\\share\\x.pdf``) or a leading ``\\`` (the root of the current
    drive); drive letters and names compare without regard to case, as on Windows. ``..``
    is applied as written (the caller follows links first, with ``Path.resolve``).

    ``typed`` is how errors name the file (default ``given``).
    Raises :class:`UsageError` when the file lies outside ``root`` (another drive or share,
    above the repository), is the repository itself, or has a name Windows cannot hold
    (the ledger is shared with Windows machines).
    """
    shown = given if typed is None else typed
    kind = type(root)
    windows = isinstance(root, PureWindowsPath)
    flavour = ntpath if windows else posixpath
    absolute = kind(flavour.normpath(str(kind(here) / kind(given))))
    base = kind(flavour.normpath(str(root)))
    try:
        relative = absolute.relative_to(base)
    except ValueError:
        raise UsageError(
            _("evidence file {path} is outside the repository ({root}); copy it in first").format(path=shown, root=root)
        ) from None
    if not relative.parts:
        raise UsageError(_("evidence {path} is the repository itself; name the files in it").format(path=shown))
    for part in relative.parts:
        problem = windows_name_problem(part)
        if problem is not None:  # the ledger is shared with Windows machines
            raise UsageError(
                _("evidence file {path} cannot be checked out on Windows: {problem}; rename it").format(
                    path=shown, problem=problem
                )
            )
    return relative.as_posix()


def shared_path(text: str) -> str:
    """Return a path written by hand in a file the repository shares (``rectify.yaml``'s
    ``bulletin.templates``) with ``/`` between folders: ``\\`` is read as a separator, as
    Windows reads it, so ``模板\\通报`` typed on Windows names the same folder on the Linux
    server. Absolute paths and ``..`` are kept for the caller to refuse."""
    return PureWindowsPath(text).as_posix() if "\\" in text else text
