"""The states of a finding and the actions of its events, as plain enumerations.

They live apart from the models (:mod:`rectify.domain.model`, which names them as ever)
so that what needs only these words (the commands' table of steps, the cache's records)
does not load the models and pydantic.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The state of a finding (DOMAIN.md, "States of a finding")."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    CLOSED = "closed"
    LONG_TERM = "long_term"
    WITHDRAWN = "withdrawn"
    """撤销 (put on the ledger by mistake) or 合并 (a duplicate of another): the finding
    stays in the file with its history and counts in no figure from that day on."""


class Action(StrEnum):
    """What one event in a finding's history did.

    ``add`` puts the finding on the ledger (挂账); ``close`` crosses it off with a named
    approver (销号审签); the others follow DOMAIN.md's state diagram.
    """

    ADD = "add"
    START = "start"
    PROGRESS = "progress"
    SUBMIT = "submit"
    SIGN = "sign"
    RETURN = "return"
    CLOSE = "close"
    REOPEN = "reopen"
    EXTEND = "extend"
    LONG_TERM = "long_term"
    EDIT = "edit"
    WITHDRAW = "withdraw"
    ACCOUNT = "account"
