"""Writing a file safely: the ledgers' lock and the atomic replace.

Every write holds the ledgers' lock, goes to a temporary file in the same folder which is
flushed, fsynced and renamed over the ledger, and is refused when the file changed on
disk since it was read.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as FileLockTimeout

from rectify.errors import LockTimeout, WriteError
from rectify.files.paths import display
from rectify.i18n import _

LOCK_NAME = ".rectify.lock"


LOCK_TIMEOUT_SECONDS = 60.0


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
        ).format(folder=display(folder), strerror=exc.strerror)) from None
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
        ).format(path=display(path), strerror=exc.strerror)) from None
    if current is not None and not path.stat().st_mode & stat.S_IWUSR:
        raise WriteError(_("{path} is read-only; make it writable (chmod u+w) to change it").format(path=display(path)))
    if (None if current is None else hashlib.sha256(current).hexdigest()) != expect:
        what = _("was created") if expect is None else _("changed on disk")
        raise WriteError(_(
            "{path} {what} since it was read; nothing was written, run the command again"
        ).format(path=display(path), what=what))
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
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
        if current is not None:
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise WriteError(_(
            "{path}: could not write ({strerror}); the ledger is unchanged"
        ).format(path=display(path), strerror=exc.strerror)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


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
