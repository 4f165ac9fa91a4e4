"""A finding's versions in git history (``rectify log``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rectify.errors import LedgerError
from rectify.files import yamlread
from rectify.files.gitops import Commit
from rectify.files.paths import display


def finding_versions(path: Path, finding_id: str) -> list[Commit]:
    """Return the commits (newest first) in which the finding ``finding_id`` of the ledger
    at ``path`` changed: added, edited or removed, compared with the commit before.

    Each commit is compared with its parents; a merge counts only when its version
    differs from every parent's. Raises :class:`~rectify.gitops.GitError` outside a git
    repository. Versions of the file that cannot be read as a ledger are skipped.
    """
    from rectify.files.gitops import blob_at, file_history

    def version(sha: str) -> Any:
        raw = blob_at(path, sha)
        if raw is None:
            return None
        try:
            data = yamlread.parse(raw, display(path)).data
        except LedgerError:
            return _UNKNOWN
        findings = data.get("findings") if isinstance(data, dict) else None
        for item in findings if isinstance(findings, list) else []:
            if isinstance(item, dict) and item.get("id") == finding_id:
                return item
        return None

    cache: dict[str, Any] = {}

    def cached(sha: str) -> Any:
        if sha not in cache:
            cache[sha] = version(sha)
        return cache[sha]

    found = []
    for item in file_history(path):
        current = cached(item.sha)
        before = [cached(parent) for parent in item.parents] or [None]
        if current is _UNKNOWN or any(old is _UNKNOWN for old in before):
            continue
        if all(current != old for old in before):  # a merge that took one side's version changed nothing
            found.append(item)
    return found


_UNKNOWN = object()
