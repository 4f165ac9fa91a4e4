"""Writing a file safely: the ledgers' lock and the atomic replace.

Every write holds the ledgers' lock, goes to a temporary file in the same folder which is
flushed, fsynced and renamed over the ledger, and is refused when the file changed on
disk since it was read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as FileLockTimeout

from rectify.errors import LockTimeout, WriteError
from rectify.files.paths import display
from rectify.i18n import N_, _, os_reason

LOCK_NAME = ".rectify.lock"


LOCK_TIMEOUT_SECONDS = 60.0

BUSY_WINERRORS = frozenset({5, 32, 33})
"""Windows' answers when a file is held by another program: ERROR_ACCESS_DENIED (a file
being replaced that another program has open, or a read-only one), ERROR_SHARING_VIOLATION
(Excel or WPS has the workbook open), ERROR_LOCK_VIOLATION."""
BUSY_RETRIES = 10
BUSY_PAUSE_SECONDS = 0.1
"""How often and how long a replace held up by another program is tried again: Windows
refuses to replace a file while any process has it open, and a virus scanner, the search
indexer, a sync client or another rectify command reading the ledger (``status``, the
board) holds it only for a moment, so about a second of patience lets the write land;
Excel holding a workbook open does not let go, and the user is told to close it."""


def lock_path(folder: Path) -> Path:
    """Return the lock file for writes to ``folder``: inside the repository's ``.git``
    folder when there is one (so it never shows in ``git status``), else
    ``<folder>/.rectify.lock``. Every process computes the same path for one folder."""
    resolved = folder.resolve()
    for candidate in (resolved, *resolved.parents):
        git_dir = candidate / ".git"
        if git_dir.is_dir():
            digest = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:16]
            return git_dir / f"rectify-{digest}.lock"
        if git_dir.exists():
            break
    return folder / LOCK_NAME


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the ledgers' write lock (see :func:`lock_path`) for the block.

    Raises :class:`LockTimeout` after :data:`LOCK_TIMEOUT_SECONDS`, :class:`WriteError`
    when the lock file cannot be made (read-only folder).
    """
    lock = FileLock(str(lock_path(folder)), timeout=LOCK_TIMEOUT_SECONDS)
    try:
        lock.acquire()
    except FileLockTimeout:
        raise LockTimeout(
            _(
                "another rectify command has been writing in {folder} for over "
                "{lock_timeout_seconds:.0f} s; try again"
            ).format(folder=display(folder), lock_timeout_seconds=LOCK_TIMEOUT_SECONDS)
        ) from None
    except OSError as exc:
        raise WriteError(_(
            "cannot lock {folder} for writing: {strerror}; nothing was written"
        ).format(folder=display(folder), strerror=os_reason(exc))) from None
    try:
        yield
    finally:
        lock.release()


def atomic_write(path: Path, data: bytes, expect: str | None) -> None:
    """Replace ``path`` with ``data`` atomically: temporary file in the same folder,
    flushed and fsynced, then renamed over ``path``.

    ``expect`` is the sha256 of the content the caller read (None: the file must not
    exist yet); when the file on disk differs, nothing is written. It is compared when the
    write starts and again right before the rename, so what remains open is the rename
    itself (an editor saving in that instant, a fraction of a millisecond, still loses).
    Raises :class:`WriteError` and leaves the old file as it was on any failure (disk
    full, read-only, changed by someone else).
    """
    if path.is_symlink():  # write the ledger the link points to; the link stays a link
        path = path.resolve()
    _remove_stale_temporaries(path)
    try:
        current: bytes | None = path.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise WriteError(_(
            "{path}: cannot read before writing: {strerror}"
        ).format(path=display(path), strerror=os_reason(exc))) from None
    if current is not None:
        _refuse_read_only(path, path.stat().st_mode)
    if (None if current is None else hashlib.sha256(current).hexdigest()) != expect:
        what = _("was created") if expect is None else _("changed on disk")
        raise WriteError(_(
            "{path} {what} since it was read; nothing was written, run the command again"
        ).format(path=display(path), what=what))
    tmp_name = None
    try:
        tmp_name = _written_beside(path, data)
        # compare again just before the rename (under the lock): an editor that saved the
        # ledger while the temporary file was written is not overwritten
        if _digest_now(path) != expect:
            what = _("was created") if expect is None else _("changed on disk")
            raise WriteError(
                _(
                    "{path} {what} while this command was writing; nothing was written, run the command "
                    "again"
                ).format(path=display(path), what=what)
            )
        os.chmod(tmp_name, path.stat().st_mode & 0o7777 if current is not None else _new_file_mode())
        replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(path.parent)
    except OSError as exc:
        if held_by_another_program(exc):
            message = _("{path}: {held}; the ledger is unchanged").format(path=display(path), held=_(HELD))
            raise WriteError(message) from None
        raise WriteError(_(
            "{path}: could not write ({strerror}); the ledger is unchanged"
        ).format(path=display(path), strerror=os_reason(exc))) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


HELD = N_("it is open in another program (Excel, WPS, a viewer) or read-only; close it and run the command again")
"""Why a file could not be replaced on Windows (see :func:`held_by_another_program`); an
English msgid, translated where it is shown (``_(HELD)``)."""


def _refuse_read_only(path: Path, mode: int) -> None:
    """Raise :class:`WriteError` when ``mode`` (of ``path``) says the file is read-only (on
    Windows: its Read-only attribute), with how to make it writable there."""
    if not mode & stat.S_IWUSR:
        how = _("untick Read-only in its Properties") if os.name == "nt" else "chmod u+w"
        raise WriteError(
            _("{path} is read-only; make it writable ({how}) to change it").format(path=display(path), how=how)
        )


def held_by_another_program(exc: OSError) -> bool:
    """True when ``exc`` is Windows refusing to replace or open a file that another program
    holds (:data:`BUSY_WINERRORS`); False on every other system and for other errors."""
    return isinstance(exc, PermissionError) and getattr(exc, "winerror", None) in BUSY_WINERRORS


def replace(source: str | Path, target: Path) -> None:
    """``os.replace(source, target)``, tried again for about a second while Windows says
    another program holds ``target`` (:func:`held_by_another_program`); a virus scanner or
    the search indexer lets go in that time. Raises the last :class:`OSError` otherwise."""
    for attempt in range(BUSY_RETRIES + 1):
        try:
            os.replace(source, target)
            return
        except OSError as exc:
            if attempt == BUSY_RETRIES or not held_by_another_program(exc):
                raise
            time.sleep(BUSY_PAUSE_SECONDS)


def write_file(path: Path, data: bytes) -> None:
    """Write an export or a report to ``path`` atomically: a temporary file beside it,
    flushed, then renamed over it (:func:`replace`), so a reader never sees half a
    workbook and a failed write leaves the old file. No lock: these files are the user's,
    not the ledgers. Raises :class:`WriteError` naming the file, saying so when another
    program (Excel holding the workbook open, on Windows) keeps it from being replaced."""
    if path.is_symlink():  # write the file the link points to; the link stays a link
        path = path.resolve()
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except OSError:
        mode = None
    if mode is not None:
        _refuse_read_only(path, mode)
    else:
        mode = _new_file_mode()
    tmp_name = None
    try:
        tmp_name = _written_beside(path, data)
        os.chmod(tmp_name, mode)
        replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        if held_by_another_program(exc):
            raise WriteError(_("cannot write {path}: {why}").format(path=display(path), why=_(HELD))) from None
        raise WriteError(_("cannot write {path}: {why}").format(path=display(path), why=os_reason(exc))) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _written_beside(path: Path, data: bytes) -> str:
    """Write ``data`` to a new temporary file in ``path``'s folder, flushed to the disk,
    and return its name (the caller renames it over ``path`` or removes it). Raises OSError,
    having removed the temporary file (a full disk leaves nothing behind)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return name


def _new_file_mode() -> int:
    """The permission bits a new file gets here (0o666 less the process's umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _digest_now(path: Path) -> str | None:
    """The sha256 of ``path`` as it is now (None: it does not exist)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _remove_stale_temporaries(path: Path) -> None:
    """Remove temporary files a killed writer left beside ``path`` (called under the lock,
    so none of them belongs to a running command)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
