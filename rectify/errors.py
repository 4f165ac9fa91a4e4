"""The exceptions rectify's core raises, and the Problem record that ``check`` reports.

The core never prints and never exits; ``rectify.cli`` is the one place that turns a
:class:`RectifyError` into a message on stderr and an exit code (STYLE.md, pattern 2).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a ledger, located in its file.

    Fields: ``path`` (the file as the user named it, str), ``line`` and ``col`` (1-based
    ints; 1:1 when a problem concerns the whole file), ``message`` (plain words, no
    pydantic text) and ``finding`` (the finding id the problem belongs to, or ``""``).
    Rendered as ``path:line:col: message`` so editors can jump to it (STYLE.md, pattern 3).
    """

    path: str
    line: int
    col: int
    message: str
    finding: str = ""
    cell: str = ""
    """For a problem in a spreadsheet: the cell (``C7``); ``path`` is then the sheet."""

    def __str__(self) -> str:
        """Return ``path:line:col: message``, naming the finding when there is one; a
        problem in a spreadsheet cell reads ``sheet!C7: message``."""
        where = f"{self.path}!{self.cell}" if self.cell else f"{self.path}:{self.line}:{self.col}"
        if self.finding and self.finding not in self.message:
            return f"{where}: {self.finding}: {self.message}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        """Return the problem as a JSON-ready mapping with keys path, line, col, finding, message."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "finding": self.finding,
            "message": self.message,
        }


class RectifyError(Exception):
    """Base of every error rectify's core raises; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class UsageError(RectifyError):
    """A command was asked for something it cannot do (bad option value, unknown id, ...)."""

    exit_code = 2


class LedgerError(RectifyError):
    """One or more ledgers are broken; ``problems`` lists every problem found.

    Raised by the store when a command meets a ledger it cannot trust. Nothing has been
    written when it is raised.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class WorkflowError(RectifyError):
    """A step that the finding's current state does not allow (e.g. closing a closed finding)."""


class WriteError(RectifyError):
    """A ledger could not be written (disk full, read-only, changed by someone else).

    The old file is left as it was.
    """


class LockTimeout(RectifyError):
    """Another rectify process held the ledgers' lock for too long."""
