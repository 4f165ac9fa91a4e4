"""Evidence files (佐证材料): their sha256 and their path inside the repository."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterable
from pathlib import Path

from rectify.domain.model import Evidence
from rectify.errors import UsageError
from rectify.files.paths import what_is


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
    """Return an :class:`Evidence` (path relative to ``root``, sha256 hex) per file.

    Raises :class:`UsageError` when a file is missing, a folder, unreadable, outside
    ``root``, or a ledger itself. A file given twice is recorded once.
    """
    out: list[Evidence] = []
    for given in paths:
        try:
            path = given.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise UsageError(f"evidence file {given} cannot be followed: {exc}") from None
        if path.is_dir():
            raise UsageError(f"evidence {given} is a folder; name the files in it")
        if not path.is_file():
            kind = what_is(path)
            if kind is None:
                raise UsageError(f"evidence file not found: {given}")
            raise UsageError(f"evidence {given} is {kind}, not a file; name a file in the repository")
        if path.suffix == ".yaml" and path.parent.name == "ledgers":
            raise UsageError(f"{given} is a ledger, not evidence")
        try:
            relative = path.relative_to(root.resolve())
        except ValueError:
            raise UsageError(f"evidence file {given} is outside the repository ({root}); copy it in first") from None
        digest = file_sha256(path)
        if digest is None:
            raise UsageError(f"cannot read evidence file {given}")
        if all(item.path != relative.as_posix() for item in out):
            out.append(Evidence(path=relative.as_posix(), sha256=digest))
    return out
