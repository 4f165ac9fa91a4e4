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
import unicodedata
from pathlib import PurePath, PurePosixPath, PureWindowsPath

from rectify.errors import UsageError
from rectify.i18n import _

_FORBIDDEN = re.compile(r'[<>:"|?*\\\x00-\x1f]')
"""Characters Windows does not allow in a file or folder name (Microsoft, "Naming Files,
Paths, and Namespaces"); ``\\`` separates folders there."""


def _reserved(name: str) -> bool:
    """True for a name Windows keeps for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9),
    with or without an extension: the standard library's own list."""
    if _ZERO_DEVICE.fullmatch(name.partition(".")[0].rstrip(" ")):
        return True
    isreserved = getattr(ntpath, "isreserved", None)  # Python 3.13+
    if isreserved is not None:
        return bool(isreserved(name))
    return PureWindowsPath(name).is_reserved()


_ZERO_DEVICE = re.compile(r"(?i)(com|lpt)0")
"""COM0 and LPT0: Microsoft's current list of reserved names has them ("Naming Files,
Paths, and Namespaces"); Python's own lists (3.11's and 3.13's) do not."""


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
    or ``\\``, and every part a name Windows can hold (:func:`windows_name_problem`); written
    one way only (no ``//``, no ``.`` part, no ``/`` at the end: two spellings of one file
    would be two records); never in ``.git`` (git's own folder, its ``config`` holding the
    remote's address and credentials, served by the board were it evidence); without a
    format character (category Cf: direction marks, zero-width characters), which would
    show the name as another."""
    if "\\" in path:
        return _("is written with \\; write it with / so that it reads the same on every machine")
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or PureWindowsPath(path).drive:
        return _("is not a path inside the repository: record it relative to the repository")
    if ".." in parts:
        return _("lies outside the repository")
    written = path.split("/")
    if "" in written:
        return _("has an empty name (// or a / at its end); name a file, each folder once")
    if "." in written:
        return _("has a . for a folder; write the path from the repository's top folder, as evidence/a.pdf")
    if any(part.rstrip(". ").casefold() == ".git" for part in written):
        return _("lies in .git, git's own folder, which is never evidence")
    for part in parts:
        problem = windows_name_problem(part)
        if problem is not None:
            return _("cannot be checked out on Windows: {problem}").format(problem=problem)
    hidden = next((ch for ch in path if unicodedata.category(ch) == "Cf"), None)
    if hidden is not None:  # a direction mark shows evidence/\u202egpj.exe as evidence/exe.jpg
        return _(
            "holds the invisible character U+{code:04X} (a direction mark or a zero-width character), which "
            "makes the name read as another; rename the file"
        ).format(code=ord(hidden))
    return None


def _visible(text: str) -> str:
    """``text`` with each control and format character written as its escape (``\\u202e``)."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


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
    recorded = relative.as_posix()
    problem = recorded_path_problem(recorded)
    if problem is not None:  # .git/config, a name with a direction mark
        raise UsageError(_("evidence file {path} {problem}").format(path=_visible(recorded), problem=problem))
    return recorded


def shared_path(text: str) -> str:
    """Return a path written by hand in a file the repository shares (``rectify.yaml``'s
    ``bulletin.templates``) with ``/`` between folders: ``\\`` is read as a separator, as
    Windows reads it, so ``模板\\通报`` typed on Windows names the same folder on the Linux
    server. Absolute paths and ``..`` are kept for the caller to refuse."""
    return PureWindowsPath(text).as_posix() if "\\" in text else text
