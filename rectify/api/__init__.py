"""The library every front end calls: one :class:`Ledgers` object opened on a ledger folder.

It offers every operation a user can do (read, check, add, each workflow step, figures,
import, merge, writing an output file), taking plain values (ids, dates, names, paths)
and returning data; it never prints or exits. It owns the policies: which date a step
gets (today in the ledgers' time zone; never a future one), when a step is committed
to git (``--commit`` or ``git.autocommit`` in rectify.yaml), and the lock every write
holds. The CLI, the merge driver and later front ends (a web board, git hooks) call this
module and nothing beneath it (STYLE.md, pattern 9; the import contract in
``pyproject.toml`` keeps it so).

Errors are :class:`~rectify.errors.RectifyError` subclasses: :class:`UsageError` for a
value the user gave wrong (exit 2), :class:`LedgerError` with every problem of a broken
ledger, :class:`WorkflowError` for a step the rules refuse, :class:`WriteError` when a
file cannot be written. Nothing is written when one is raised.
"""

from __future__ import annotations

from typing import Any

from rectify.api.base import LedgersBase
from rectify.api.values import (
    Recorded,
    StepMaker,
    check_push,
    configured_lang,
    finding_typed,
    init_folder,
    install_hook,
    parse_day,
    read_feedback,
    require_name,
    unit_typed,
)
from rectify.api.views import FiguresMixin
from rectify.api.writing import WritingMixin
from rectify.files.paths import display as display


def __getattr__(name: str) -> Any:
    """``merge_versions`` (git's merge driver, :func:`rectify.files.merge.merge_versions`),
    loaded when first asked for: the other commands do without the modules it needs."""
    if name == "merge_versions":
        from rectify.files.merge import merge_versions

        return merge_versions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Ledgers(WritingMixin, FiguresMixin, LedgersBase):
    """The ledgers of one folder and every operation on them.

    ``Ledgers.open(option)`` finds the folder as the CLI does (``option``, else
    ``$RECTIFY_LEDGERS``, else the nearest ``ledgers/`` upward). Reads return models and
    figures from :mod:`rectify.domain`; writes hold the lock, write atomically and commit
    when asked.
    """


__all__ = [
    "Ledgers",
    "Recorded",
    "StepMaker",
    "check_push",
    "configured_lang",
    "display",
    "finding_typed",
    "unit_typed",
    "init_folder",
    "install_hook",
    "merge_versions",
    "parse_day",
    "read_feedback",
    "require_name",
]
