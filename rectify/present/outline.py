"""The three levels of a feedback list as published bulletins number them: 方面 （一） →
问题 1. → 具体问题 （1）.

A finding may carry the middle level (``problem``, issue 13). The 通报 (HTML, Markdown,
Word), the 整改销号表 workbook and the CSV export group a ledger's findings under it with
these numbers when any finding of the ledger has one; a ledger without ``problem`` keeps
its two levels (方面 → 问题) as before. Figures always count the specific findings.

The numbering follows the bulletin of the 婺城区文化和旅游体育局 (2023-05-04; see
``examples/wucheng-culture-2023``): aspects （一）（二）…, problems 1. 2. … numbered on
through the whole list, specific problems （1）（2）… again from one under each problem.
A problem whose text already starts with its number (``1. 文旅融合发展推进不力``, as
feedback lists write them) is shown as written, never numbered twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rectify.domain.model import Finding

_DIGITS = "零一二三四五六七八九"
_NUMBERED = re.compile(r"^\s*(?:[0-9０-９]+\s*[.．、]|[（(][0-9０-９]+[）)])")
"""A text that starts with its own number: ``1.``, ``1、``, ``１．``, ``（1）``."""


def chinese_number(number: int) -> str:
    """``number`` (1 to 99) in Chinese numerals as lists write them: 一 … 十, 十一, 二十一;
    from 100 on, digits."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[units] if units else "")


def aspect_mark(index: int) -> str:
    """The mark of the ``index``-th aspect (0-based): ``（一）``."""
    return f"（{chinese_number(index + 1)}）"


def item_mark(index: int) -> str:
    """The mark of the ``index``-th specific problem under a problem (0-based): ``（1）``."""
    return f"（{index + 1}）"


def problem_label(number: int, text: str) -> str:
    """The problem's line: ``text`` as written when it starts with its own number, else
    ``"{number}. {text}"``."""
    return text if _NUMBERED.match(text) else f"{number}. {text}"


@dataclass
class Middle:
    """One problem (问题) of an aspect: its ``label`` (numbered; None for the findings of the
    aspect that name no problem) and its specific findings with their marks (``（1）``)."""

    label: str | None
    items: list[tuple[str, Finding]] = field(default_factory=list)


@dataclass
class Top:
    """One aspect (方面): its ``mark`` (``（一）``), ``name`` and problems in list order."""

    mark: str
    name: str
    middles: list[Middle] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """The aspect's specific findings in the outline's order."""
        return [finding for middle in self.middles for _, finding in middle.items]


def three_levels(findings: Iterable[Finding]) -> bool:
    """True when any of ``findings`` names its problem (the middle level)."""
    return any(finding.problem for finding in findings)


def by_aspect(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` grouped under their aspect (方面), the aspects in the order each first
    appears and the findings of one aspect in their own order (a stable grouping): a
    finding added later under an aspect listed earlier joins that aspect, so a printed
    list never shows one aspect twice. The order of every grouped view (the 整改销号表,
    the 通报, the CSV and JSON exports); :func:`outline` groups the same way."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.aspect, []).append(finding)
    return [finding for group in groups.values() for finding in group]


def outline(findings: Iterable[Finding]) -> list[Top]:
    """``findings`` (a ledger's, in feedback order) grouped by aspect, then by problem, each
    in the order of its first finding; the problems numbered on through the list, the
    findings from （1） under each problem (and under an aspect's findings naming none)."""
    tops: dict[str, Top] = {}
    middles: dict[tuple[str, str | None], Middle] = {}
    for finding in findings:
        top = tops.get(finding.aspect)
        if top is None:
            top = tops[finding.aspect] = Top(aspect_mark(len(tops)), finding.aspect)
        name = finding.problem.strip() if finding.problem and finding.problem.strip() else None
        middle = middles.get((finding.aspect, name))
        if middle is None:
            middle = middles[(finding.aspect, name)] = Middle(name)
            top.middles.append(middle)
        middle.items.append((item_mark(len(middle.items)), finding))
    problems = 0
    for top in tops.values():  # numbered in the order they are shown
        for middle in top.middles:
            if middle.label is not None:
                problems += 1
                middle.label = problem_label(problems, middle.label)
    return list(tops.values())


def numbers(findings: Iterable[Finding]) -> dict[str, tuple[str, str, str]]:
    """For each finding id: (aspect mark, problem label or "", item mark), from :func:`outline`."""
    out: dict[str, tuple[str, str, str]] = {}
    for top in outline(findings):
        for middle in top.middles:
            for mark, finding in middle.items:
                out[finding.id] = (top.mark, middle.label or "", mark)
    return out
