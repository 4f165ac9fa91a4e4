"""Answers remembered: a read-only command run again with nothing changed prints what it
printed last time, without reading or computing anything (issue 12, "status with the
cache warm").

What ``rectify status`` prints depends on: the command line, the current folder, the
environment (language, ``RECTIFY_TODAY``, ``NO_COLOR``, ``COLUMNS``, ...), whether its
output is a terminal and how wide, rectify's own code and Python, today's date in the
ledgers' time zone, and the files it read: the ledger folder and each ledger, the folders
searched for ``ledgers/``, ``rectify.yaml`` and ``.git``, and ``rectify.yaml`` itself. An
*answer* keeps all of these beside the text that was printed; :func:`lookup` gives the text
back only when every one of them is the same now. Files are compared by identity (device,
inode, size, mtime_ns, ctime_ns: any write changes the ctime), taken *before* the command
read them, with git's racy rule as the ledger cache applies it (:mod:`rectify.files.cache`):
a file changed within :data:`RACY_NS` of the command starting (before it read anything) is
trusted only when its sha256 is the one of the bytes the command used (a ledger), and
never otherwise.

Only a command that succeeded and said nothing besides its output is kept (no note, no
warning, no problem). Commands that change ledgers keep nothing and are never answered
from here; ``--no-cache`` or ``RECTIFY_CACHE=off`` turn answers off both ways.

Where: the user's cache folder (``%LOCALAPPDATA%\\rectify\\answers`` on Windows,
``~/Library/Caches/rectify/answers`` on macOS, else ``$XDG_CACHE_HOME/rectify/answers`` or
``~/.cache/rectify/answers``), one file per command line and folder, at most
:data:`KEEP` files (the oldest go). The place is found with ``os`` alone: platformdirs,
which says the same, takes ~15 ms to import, more than a replayed answer takes in all.
An answer file is used only when it is the user's own and no one else may write to it;
a corrupt, foreign or truncated one is ignored. Deleting the folder loses nothing.

This module imports only the standard library's built-in modules at load: it runs before
anything else at start-up (:mod:`rectify.entry`).
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
import time
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing takes ~8 ms to import: this module runs before anything else
    from typing import Any

FORMAT = 3
"""The layout of an answer file; raise it when what is stored changes."""

MAGIC = b"rectify-answer\n"
RACY_NS = 2_000_000_000
"""As :data:`rectify.files.cache.RACY_NS`: a file changed within 2 s of the command
starting is not trusted by its identity alone."""
KEEP = 64
"""At most this many answer files are kept; writing one more removes the oldest."""
OFF = frozenset({"off", "0", "no", "false"})
COMMANDS = frozenset({"status"})
"""The commands whose answers are kept: they only read, and their inputs are the ones the
module's text lists."""

Identity = tuple[int, ...]
"""(device, inode, size, mtime_ns, ctime_ns) of a file or folder; ``()`` for "a folder is
there" (:func:`note_stat` with ``presence``); ``("names", ...)`` for a folder's entries
that are not hidden, sorted (:func:`note_names`)."""
Seen = tuple[int, ...] | tuple[str, ...] | None
"""What was seen of a path: an :data:`Identity`, ``()``, ``("names", ...)``, or None
when nothing was there."""
Input = tuple[str, Seen, "str | None"]
"""One thing read: (path, its identity before it was read or None when it was absent, the
sha256 of the bytes used or None)."""

_state: dict[str, object] = {}
"""The run being recorded (:func:`begin`): its key, and the inputs noted so far."""


def home() -> str | None:
    """The folder of answer files for this user (see the module's text), or None when the
    system names no home for them."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return os.path.join(base, "rectify", "answers") if base else None
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches/rectify/answers")
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.expanduser("~/.cache")
    return None if base.startswith("~") else os.path.join(base, "rectify", "answers")


def enabled(argv: list[str]) -> bool:
    """False when answers are off: ``RECTIFY_CACHE=off`` or ``--no-cache`` on the command line."""
    if os.environ.get("RECTIFY_CACHE", "").strip().lower() in OFF:
        return False
    return "--no-cache" not in argv


def identity(info: os.stat_result) -> Identity:
    """The identity of a file or folder as its ``stat`` gives it."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def code_stamp() -> tuple[int, int, int]:
    """What changes when rectify's own files change (an upgrade, an edit of an editable
    install) or the libraries it draws with do (rich, tabulate, wcwidth: a change to the
    site-packages folders): (number of files, total size, latest mtime or ctime in ns) of
    the package's modules and message catalogs and of those folders."""
    count = size = latest = 0
    folders = [os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.name.endswith((".py", ".mo", ".html", ".css")):
                    info = entry.stat()
                    count += 1
                    size += info.st_size
                    latest = max(latest, info.st_mtime_ns, info.st_ctime_ns)
    for place in sys.path:  # an installed library upgraded or removed (pip renames its *.dist-info)
        if place.endswith("site-packages"):
            try:
                info = os.stat(place)
            except OSError:
                continue
            latest = max(latest, info.st_mtime_ns, info.st_ctime_ns)
    return count, size, latest


def _key(argv: list[str]) -> tuple[Any, ...]:
    """Everything besides files and the date that the output depends on."""
    streams = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            streams.append(bool(stream is not None and stream.isatty()))
        except (OSError, ValueError):
            streams.append(False)
    # rich takes the window's size from descriptors 0, 1 or 2, even for a pipe (FORCE_COLOR)
    sizes: list[tuple[int, ...] | None] = []
    for descriptor in (0, 1, 2):
        try:
            sizes.append(tuple(os.get_terminal_size(descriptor)))
        except (OSError, ValueError):
            sizes.append(None)
    size = tuple(sizes)
    return (
        FORMAT,
        tuple(argv),
        os.getcwd(),
        tuple(sorted(os.environ.items())),
        tuple(streams),
        size,
        sys.version,
        sys.executable,
        getattr(sys.stdout, "encoding", None),
        code_stamp(),
    )


def _digest(key: tuple[Any, ...]) -> str:
    """What an answer keeps of its key: a digest (BLAKE2b, 256 bits), not the environment's
    values (tokens, passwords) in plain text. hashlib's own BLAKE2 is taken from the module
    that holds it, without hashlib loading OpenSSL first: 2 ms of a 20 ms replay."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b

    return blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()


def _file_name(key: tuple[Any, ...]) -> str:
    """The answer file of a command line, folder and environment (the whole key is
    stored inside and compared; the name only spreads them)."""
    parts = [*key[1], key[2], *(f"{name}={value}" for name, value in key[3])]
    head = "\0".join(parts).encode("utf-8", "surrogatepass")  # marshal's bytes vary with sharing
    return f"{zlib.crc32(head):08x}-{zlib.adler32(head):08x}.answer"


def _place(folder: str) -> bool:
    """True when ``folder`` is a real folder (not a link: answers are never written through
    one into another folder) that is the user's and no one else may write to."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _owned(info)


def _owned(info: os.stat_result) -> bool:
    """True when a file or folder is the user's and no one else may write to it (always
    True where files have no owner, as on Windows)."""
    getuid = getattr(os, "geteuid", None)
    if getuid is None:
        return True
    return info.st_uid == getuid() and not info.st_mode & 0o022


def lookup(argv: list[str]) -> str | None:
    """The text a former run of ``argv`` printed, when that run's answer was kept and
    everything it depended on is the same now (see the module's text); else None. Never
    raises: whatever goes wrong is a miss."""
    try:
        if not argv or not enabled(argv) or not COMMANDS.intersection(argv):
            return None
        folder = home()
        if folder is None:
            return None
        key = _key(argv)
        path = os.path.join(folder, _file_name(key))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        try:
            if not _owned(os.fstat(fd)) or not _place(folder):
                return None
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read()
        finally:
            os.close(fd)
        head = len(MAGIC)
        if data[:head] != MAGIC or zlib.crc32(data[head + 4 :]).to_bytes(4, "big") != data[head : head + 4]:
            return None
        stored_key, made_ns, start_ns, end_ns, inputs, text = marshal.loads(data[head + 4 :])
        if stored_key != _digest(key) or not start_ns <= time.time_ns() < end_ns:
            return None
        if not all(_same(item, made_ns) for item in inputs):
            return None
        return text if isinstance(text, str) else None
    except Exception:  # noqa: BLE001 - an answer that cannot be used is a miss, whatever the reason
        return None


def _same(item: Input, made_ns: int) -> bool:
    """True when the file or folder of ``item`` is as it was when it was read."""
    path, seen, digest = item
    if seen and isinstance(seen[0], str):
        try:
            return seen == _names(path)
        except OSError:
            return False
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return seen is None
    if seen == ():
        return stat.S_ISDIR(info.st_mode)
    now = identity(info)
    if seen != now:
        return False
    if max(now[3], now[4]) < made_ns - RACY_NS:
        return True
    if digest is None:
        return False
    import hashlib

    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest() == digest


def begin(argv: list[str]) -> None:
    """Start recording this run's answer (called at start-up, before anything is read,
    for a command listed in :data:`COMMANDS`); the key is taken now."""
    if argv and enabled(argv) and COMMANDS.intersection(argv):
        _state.clear()
        try:
            key = _key(argv)
        except OSError:  # a working folder that is gone, say: this run keeps nothing
            return
        _state["key"] = key
        _state["inputs"] = {}
        _state["begun_ns"] = time.time_ns()


def recording() -> bool:
    """True when this run's answer is being recorded (:func:`begin`)."""
    return "key" in _state


def note(path: str, seen: Seen, digest: str | None = None) -> None:
    """Note that the run read ``path`` (absolute), whose identity was ``seen`` before it
    was read (None: it was not there), and used bytes whose sha256 is ``digest``. The first
    note of a path stands (taken before the read)."""
    if recording():
        inputs = _state["inputs"]
        assert isinstance(inputs, dict)
        if path not in inputs:
            inputs[path] = (path, seen, digest)


def note_stat(path: str, presence: bool = False) -> None:
    """Note what ``path`` is now, before it is read: its identity, or that it is absent;
    with ``presence``, only that a folder is there when it is one (what is in it does not
    matter: ``.git``, a ``ledgers`` folder found by its name)."""
    if recording() and path not in _state["inputs"]:  # type: ignore[operator]
        try:
            info = os.stat(path)
        except FileNotFoundError:
            note(path, None)
        except OSError:
            drop()
        else:
            note(path, () if presence and stat.S_ISDIR(info.st_mode) else identity(info))


def _names(folder: str) -> tuple[str, ...]:
    """``("names", real path, ...)``: where ``folder`` leads (a link pointed elsewhere
    changes the settings in force, found from there) and its entries that are not hidden,
    sorted."""
    entries = sorted(name for name in os.listdir(folder) if not name.startswith("."))
    return ("names", os.path.realpath(folder), *entries)


def note_names(folder: str) -> None:
    """Note the entries of ``folder`` (not hidden ones: rectify's own lock and cache live
    there) before they are listed; what each ledger holds is noted when it is read."""
    if recording() and folder + os.sep not in _state["inputs"]:  # type: ignore[operator]
        try:
            _state["inputs"][folder + os.sep] = (folder, _names(folder), None)  # type: ignore[index]
        except OSError:
            drop()


def drop() -> None:
    """Keep no answer for this run (it said something besides its output, or read
    something that cannot be checked)."""
    _state.clear()


def keep(text: str, start_ns: int, end_ns: int) -> None:
    """Keep ``text`` as this run's answer, valid while ``time.time_ns()`` lies in
    [``start_ns``, ``end_ns``) (the day in the ledgers' time zone) and the inputs noted are
    unchanged. Does nothing when not recording or when an input without a digest changed
    within :data:`RACY_NS` (it could never be trusted); a failure to write is no error."""
    if not recording():
        return
    key: Any = _state["key"]
    inputs: list[Any] = list(_state["inputs"].values())  # type: ignore[attr-defined]
    begun_ns = _state.get("begun_ns")
    drop()
    # the racy window runs from before the first read (the start of the run), not from now:
    # a long run reads its first ledger seconds before it ends
    made_ns = begun_ns if isinstance(begun_ns, int) else time.time_ns()
    if not start_ns <= made_ns:
        return  # the run began before the day it would be kept for: its figures may be the day before's
    for _path, seen, digest in inputs:
        if seen and isinstance(seen[0], int) and digest is None and max(seen[3:5]) >= made_ns - RACY_NS:
            return
    folder = home()
    if folder is None:
        return
    body = marshal.dumps((_digest(key), made_ns, start_ns, end_ns, inputs, text))
    target = os.path.join(folder, _file_name(key))
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _place(folder):
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(temporary, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + zlib.crc32(body).to_bytes(4, "big") + body)
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        _prune(folder)
    except OSError:
        return


def _prune(folder: str) -> None:
    """Remove the oldest answer files beyond :data:`KEEP`, and temporary files a killed
    run left (older than an hour)."""
    with os.scandir(folder) as entries:
        found = [(entry.stat().st_mtime_ns, entry.path, entry.name) for entry in entries]
    answers = sorted((mtime, path) for mtime, path, name in found if name.endswith(".answer"))
    stale = time.time_ns() - 3600 * 10**9
    leftovers = [path for mtime, path, name in found if name.endswith(".tmp") and mtime < stale]
    for path in [path for _mtime, path in answers[: max(0, len(answers) - KEEP)]] + leftovers:
        try:
            os.unlink(path)
        except OSError:
            pass
