"""Evidence files (佐证材料): their sha256 and their path inside the repository."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from rectify.domain.model import Evidence
from rectify.domain.portable import repository_path
from rectify.errors import UsageError
from rectify.files.paths import what_is
from rectify.i18n import _, os_reason


def file_sha256(path: Path) -> str | None:
    """Return the sha256 hex digest of the file at ``path``, or None when it is not a regular
    file or cannot be read."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or device would block or never end
            return None
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def evidence_for(paths: Iterable[Path], root: Path) -> list[Evidence]:
    """Return an :class:`Evidence` (path relative to ``root`` with ``/`` between folders,
    sha256 hex) per file, whatever the system: ``C:\\Users\\...\\整改台账\\evidence\\a.pdf``
    typed on Windows is recorded as ``evidence/a.pdf`` (see
    :func:`rectify.domain.portable.repository_path`).

    Raises :class:`UsageError` when a file is missing, a folder, unreadable, outside
    ``root``, a ledger itself, or named as Windows cannot hold. A file given twice is
    recorded once.
    """
    out: list[Evidence] = []
    for given in paths:
        try:
            path = given.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise UsageError(_(
                "evidence file {given} cannot be followed: {error}"
            ).format(given=given, error=os_reason(exc) if isinstance(exc, OSError) else exc)) from None
        if path.is_dir():
            raise UsageError(_("evidence {given} is a folder; name the files in it").format(given=given))
        if not path.is_file():
            kind = what_is(path)
            if kind is None and "\\" in str(given) and os.sep == "/":  # typed the Windows way on Linux or macOS
                raise UsageError(
                    _("evidence file not found: {given} (folders are separated by / here)").format(given=given)
                )
            if kind is None:
                raise UsageError(_("evidence file not found: {given}").format(given=given))
            raise UsageError(
                _("evidence {given} is {kind}, not a file; name a file in the repository").format(
                    given=given, kind=_(kind)
                )
            )
        if path.suffix == ".yaml" and path.parent.name == "ledgers":
            raise UsageError(_("{given} is a ledger, not evidence").format(given=given))
        recorded = repository_path(path, root.resolve(), path.parent, typed=given)  # path is absolute
        digest = file_sha256(path)
        if digest is None:
            raise UsageError(_("cannot read evidence file {given}").format(given=given))
        if all(item.path != recorded for item in out):
            out.append(Evidence(path=recorded, sha256=digest))
    return out
