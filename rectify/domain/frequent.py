"""High-frequency problems (高频问题): the same problem found across units.

Titles that mean the same are grouped: punctuation, spaces and numbering are ignored
(:func:`title_key`), and titles whose keys are near-identical by rapidfuzz's normalized
similarity (0-100; ``threshold`` from ``rectify.yaml``'s ``frequent.threshold``, default
:data:`DEFAULT_THRESHOLD`) join one group. Findings with a ``category`` are grouped by it
as well. Pure: ledgers in, groups out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rectify.domain.figures import state_on
from rectify.domain.model import Finding, Ledger
from rectify.domain.titles import title_key

DEFAULT_THRESHOLD = 90
"""How alike two titles' keys must be (rapidfuzz ``ratio``, 0-100) to be one problem."""


@dataclass
class Frequent:
    """One problem found in several places: ``label`` (the category, or the most common
    title), ``kind`` (``category`` or ``title``), the findings and the units they are in."""

    label: str
    kind: str
    findings: list[Finding] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)
    """Unit name -> findings of this problem in it."""

    @property
    def count(self) -> int:
        """How many findings."""
        return len(self.findings)


@dataclass(frozen=True)
class Frequents:
    """What ``frequent`` found: the ``groups`` (:func:`frequent`, most frequent first) and
    what was looked at, so that an empty answer can say why: the ``units`` chosen and the
    ``findings`` on their ledgers on the date (withdrawn ones left out)."""

    groups: list[Frequent]
    units: int
    findings: int


def frequents(
    ledgers: Iterable[Ledger], as_of: date, threshold: int = DEFAULT_THRESHOLD, minimum: int = 2
) -> Frequents:
    """:func:`frequent` of ``ledgers`` with how many units and findings were looked at
    (a :class:`Frequents`)."""
    chosen = list(ledgers)
    looked = sum(1 for ledger in chosen for finding in ledger.findings if state_on(ledger, finding, as_of) is not None)
    return Frequents(frequent(chosen, as_of, threshold, minimum), len(chosen), looked)


def frequent(
    ledgers: Iterable[Ledger], as_of: date, threshold: int = DEFAULT_THRESHOLD, minimum: int = 2
) -> list[Frequent]:
    """Group the findings on the ledgers by ``as_of`` by category and by titles that mean
    the same; return the groups of at least ``minimum`` findings, most frequent first."""
    from rapidfuzz import fuzz

    by_category: dict[str, Frequent] = {}
    by_title: list[tuple[str, Frequent]] = []
    for ledger in ledgers:
        for finding in ledger.findings:
            if state_on(ledger, finding, as_of) is None:
                continue
            if finding.category:
                group = by_category.setdefault(finding.category, Frequent(finding.category, "category"))
                _add(group, finding, ledger)
            key = title_key(finding.title)
            match = next((g for k, g in by_title if k == key or fuzz.ratio(k, key) >= threshold), None)
            if match is None:
                match = Frequent(finding.title, "title")
                by_title.append((key, match))
            _add(match, finding, ledger)
    groups = [g for g in [*by_category.values(), *(g for _, g in by_title)] if g.count >= minimum]
    groups.sort(key=lambda g: (-g.count, -len(g.units), g.kind, g.label))
    return groups


def _add(group: Frequent, finding: Finding, ledger: Ledger) -> None:
    group.findings.append(finding)
    group.units[ledger.unit.name] = group.units.get(ledger.unit.name, 0) + 1
