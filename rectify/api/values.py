"""Plain functions of the library: dates and names as users give them, a new ledger folder,
feedback lists, the merge driver, the server's push hook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rectify.domain import steps
from rectify.domain.model import (
    Finding,
    typed_id,
    typed_unit_id,
    written_date,
)
from rectify.domain.people import names_someone
from rectify.errors import UsageError
from rectify.files.cache import PLAIN_FOLDER
from rectify.files.paths import display as display
from rectify.i18n import _, os_reason

if TYPE_CHECKING:
    pass


def parse_day(value: str, option: str) -> date:
    """Parse a date a user typed for ``option`` (``--deadline``, ``--date``, ``--to``, ...)
    in any form :func:`rectify.domain.model.written_date` takes, as ``import`` reads one
    (``2026-12-31``, ``2026/12/31``, ``2026.12.31``, ``2026年12月31日``); returns the
    :class:`datetime.date`. Raises :class:`UsageError` naming the option for anything else
    (the message says the forms taken), or a year outside 1900-2999 (a typo, not a
    ledger's date)."""
    try:
        parsed: date = written_date(value)
    except ValueError as exc:
        raise UsageError(_("{option}: {message}").format(option=option, message=exc)) from None
    if not 1900 <= parsed.year <= 2999:
        raise UsageError(_(
            "{option}: {parsed} is too far from our time to be a ledger's date"
        ).format(option=option, parsed=parsed))
    return parsed


def finding_typed(typed: str) -> str:
    """The finding id meant by ``typed`` as given on a command line (capitals, an IME's
    full-width form): :func:`rectify.domain.model.typed_id`."""
    return typed_id(typed)


def unit_typed(typed: str) -> str:
    """The unit id meant by ``typed`` as given on a command line (capitals, an IME's
    full-width form): :func:`rectify.domain.model.typed_unit_id`."""
    return typed_unit_id(typed)


def require_name(value: str | None, option: str, person: bool = True) -> str | None:
    """Return ``value``, refusing one given blank or with no visible letter
    (:func:`rectify.domain.people.names_someone`): raises :class:`UsageError`."""
    if value is None:
        return None
    if person and not names_someone(value):
        raise UsageError(_("{option} must name a person").format(option=option))
    if not person and not value.strip():
        raise UsageError(_("{option} must not be empty").format(option=option))
    return value


def init_folder(directory: Path, git: bool = False) -> tuple[bool, Path | None]:
    """Make a ledger folder (with a ``.gitignore`` for the lock and temporary files).

    Returns ``(created, merge driver attributes file or None)``; with ``git`` installs
    rectify's merge driver for the repository. Raises :class:`UsageError` when the path is
    a file or cannot be made.
    """
    from rectify.files import gitops
    from rectify.files.writing import LOCK_NAME

    try:
        if directory.exists() and not directory.is_dir():
            raise UsageError(_("{directory} exists and is not a folder").format(directory=display(directory)))
        created = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text(f"{LOCK_NAME}\n.*.tmp\n{PLAIN_FOLDER}/\n", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageError(_(
            "cannot create {directory}: {strerror}"
        ).format(directory=display(directory), strerror=os_reason(exc))) from None
    return created, gitops.install_merge_driver(directory) if git else None


@dataclass(frozen=True)
class Recorded:
    """A step recorded on a finding: the finding after it, the date it got, and the
    one-line summary (also the commit message with ``commit``)."""

    finding: Finding
    day: date
    summary: str


StepMaker = Callable[[Finding, date, tuple[str, ...], date], Finding]
"""``make(finding, day, chain, today)`` returns the finding after a step (raising
:class:`~rectify.errors.WorkflowError` when the rules refuse it)."""


def read_feedback(path: Path, seen: Callable[[str], None] | None = None) -> list[steps.NewFinding]:
    """The findings of a feedback list (YAML or CSV) to add; :class:`LedgerError` naming
    every bad row. ``seen`` is told the encoding a CSV not in UTF-8 was read as (GBK from
    Chinese Excel, read as ``import`` reads it)."""
    from rectify.files.feedback import read_feedback as read

    return read(path, seen)


def check_push(root: Path, updates: list[tuple[str, str, str]]) -> list[Any]:
    """The pre-receive hook's judgement of a push into the repository at ``root``:
    ``updates`` are the ``(old, new, ref)`` lines git gives the hook. Returns the
    :class:`rectify.files.hook.Refusal` reasons (empty: accept)."""
    from rectify.files.hook import push_refusals

    return push_refusals(root, updates)


def install_hook(bare: Path) -> Path:
    """Install ``rectify hook pre-receive`` as the bare repository's pre-receive hook;
    return the hook's path. Raises :class:`rectify.files.gitops.GitError` for a folder
    that is not a bare repository."""
    from rectify.files.hook import install_hook as install

    return install(bare)



def configured_lang(option: str | None = None) -> str | None:
    """The ``lang`` of the ``rectify.yaml`` that applies to the ledger folder ``option``
    (else ``$RECTIFY_LEDGERS``, else the nearest ``ledgers/`` upward): ``zh``, ``en``, or
    None when there is none, no folder is found, or the file cannot be read (the command
    itself then reports why, in the language of the environment)."""
    from rectify.errors import RectifyError
    from rectify.files.config import config_for
    from rectify.files.paths import find_ledgers_dir

    try:
        return config_for(find_ledgers_dir(option)).lang
    except (RectifyError, OSError):
        return None
