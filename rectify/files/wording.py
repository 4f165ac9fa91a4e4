"""The words offices write in their sheets: deadlines as phrases and status words.

Deadlines: a date (``2021-10-31``, ``2021/10/31``, ``2021.10.31``, ``2021年10月31日``), a
month-end or year-end phrase (``2021年12月底前``, ``12月底``, ``年底前``, ``2022年上半年``),
a month alone (``2022年6月``: its last day), ``长期坚持`` (long-term, no date) and
``立行立改`` (a number of days after the findings are put on the ledger, ``sheets:
immediate_days`` in rectify.yaml). These are a handful of fixed forms, read with small
regular expressions: the Chinese date parsers on PyPI either leave month-end and
year-end phrases unread (dateparser) or fill what a phrase leaves unsaid from today's
date (dateparser, jionlp's time parser), which would date a ledger by the day it was
imported — a guess this tool must not make.

Status words: :data:`STATUS_WORDS`, extended or overridden by ``sheets: status_words``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from rectify.domain.model import WRITTEN_DATE, Status, parse_date
from rectify.domain.steps import Due
from rectify.i18n import _

STATUS_WORDS: dict[str, Status] = {
    "已完成": Status.CLOSED, "已整改": Status.CLOSED, "已销号": Status.CLOSED, "完成": Status.CLOSED,
    "已完成整改": Status.CLOSED, "整改完成": Status.CLOSED, "已办结": Status.CLOSED, "closed": Status.CLOSED,
    "已整改到位": Status.CLOSED, "整改到位": Status.CLOSED, "已完成销号": Status.CLOSED, "完成整改": Status.CLOSED,
    "正在整改": Status.IN_PROGRESS, "整改中": Status.IN_PROGRESS, "推进中": Status.IN_PROGRESS,
    "正在推进": Status.IN_PROGRESS, "基本完成": Status.IN_PROGRESS, "未完成": Status.IN_PROGRESS,
    "持续推进": Status.IN_PROGRESS, "进行中": Status.IN_PROGRESS, "in_progress": Status.IN_PROGRESS,
    "逾期": Status.IN_PROGRESS,  # the 整改销号表 writes an overdue, unclosed problem so
    "长期坚持": Status.LONG_TERM, "需长期坚持": Status.LONG_TERM, "阶段性完成": Status.LONG_TERM,
    "持续整改": Status.LONG_TERM, "持续整改中": Status.LONG_TERM, "长期整改": Status.LONG_TERM,
    "long_term": Status.LONG_TERM,
    "未整改": Status.OPEN, "未开始": Status.OPEN, "未启动": Status.OPEN, "open": Status.OPEN,
    "申请销号": Status.SUBMITTED, "待审签": Status.SUBMITTED, "待销号": Status.SUBMITTED, "submitted": Status.SUBMITTED,
    "是": Status.CLOSED, "√": Status.CLOSED, "✓": Status.CLOSED, "否": Status.IN_PROGRESS,
    "整改完毕": Status.CLOSED, "已整改完毕": Status.CLOSED, "已完成整改并销号": Status.CLOSED,
    "已销号完成": Status.CLOSED,
    "正在整改中": Status.IN_PROGRESS, "整改推进中": Status.IN_PROGRESS, "部分完成": Status.IN_PROGRESS,
}  # fmt: skip
"""Status words found in office sheets, mapped to DOMAIN.md's states (whole words only:
``未完成`` is not ``完成``; ``基本完成`` is not closed: only 销号 closes a finding)."""

_CN_MONTH = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_MONTH = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_TAIL = r"(?:底|末)?(?:之前|以前|前)?(?:完成|整改到位|完成整改)?"
_FULL = re.compile(rf"{WRITTEN_DATE}(?:之前|以前|前)?(?:完成)?")
"""A date in the forms the command line takes too (:data:`WRITTEN_DATE`), then ``前``."""
_YEAR_MONTH = re.compile(rf"([0-9]{{4}})\s*[-/.年]\s*{_MONTH}\s*月?{_TAIL}")
_MONTH_ONLY = re.compile(rf"(?:今年|当年|本年)?{_MONTH}\s*月{_TAIL}")
_YEAR_END = re.compile(
    rf"([0-9]{{4}})?\s*年?\s*(?:年底|年末|底|末|内|度){_TAIL}|(?:今年|本年|当年)(?:年底|年末|底|内){_TAIL}"
)
_DATED_YEAR_END = re.compile(rf"[0-9]{{4}}\s*年\s*(?:底|末){_TAIL}")
_DIGITS = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
"""A date typed as one number, 20211231."""
_NONE = {"/", "-", "—", "——", "无", "暂无"}
"""What offices write in a deadline cell for "none given": no deadline, as an empty cell."""
_HALF = re.compile(rf"([0-9]{{4}})?\s*年?\s*(上|下)半年{_TAIL}")
_LONG = re.compile(r"长期坚持|长期整改|长期推进|持续推进|长期|常态化")
_NOW = re.compile(r"立行立改|立即整改|即知即改|立查立改|立即")


@dataclass(frozen=True)
class Deadline:
    """A deadline cell read: a ``day``, or a phrase to resolve (``due``), and whether it
    makes the finding long-term (``长期坚持``)."""

    day: date | None = None
    due: Due | None = None
    long_term: bool = False


def _month(text: str) -> int:
    return _CN_MONTH[text] if text in _CN_MONTH else int(text)


_TIME = re.compile(r"\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
"""A time after a date, as a CSV saved by Excel or LibreOffice writes a date cell
(``2021/10/31 0:00``): the day is the date."""


def without_time(text: str) -> str:
    """Return ``text`` in NFKC form (full-width digits ``２０２１`` as ``2021``) without a time
    of day after a date (``2021-10-31 0:00:00``)."""
    return _TIME.sub("", unicodedata.normalize("NFKC", text).strip())


def read_deadline(text: str, immediate_days: int) -> Deadline:
    """Read a deadline cell as an office writes it (see the module's list). Raises
    :class:`ValueError` with a message for anything else (or an impossible date)."""
    cleaned = re.sub(r"\s+", "", without_time(text)).strip("。.，,；;")
    if cleaned in _NONE:
        return Deadline()
    if m := _FULL.fullmatch(cleaned) or _DIGITS.fullmatch(cleaned):
        try:
            return Deadline(parse_date(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"))
        except ValueError:  # 2023年2月30日前: said as typed, not as the date it would be
            raise ValueError(_("{value!r} is not a real date").format(value=text.strip())) from None
    if m := _YEAR_MONTH.fullmatch(cleaned):
        return Deadline(due=Due(text, int(m[1]), _month(m[2])))
    if m := _MONTH_ONLY.fullmatch(cleaned):
        return Deadline(due=Due(text, None, _month(m[1])))
    if m := _HALF.fullmatch(cleaned):
        return Deadline(due=Due(text, int(m[1]) if m[1] else None, 6 if m[2] == "上" else 12))
    if m := _YEAR_END.fullmatch(cleaned):
        return Deadline(due=Due(text, int(m[1]) if m[1] else None, 12))
    if _NOW.fullmatch(cleaned):
        return Deadline(due=Due(text, days_after=immediate_days))
    if _LONG.search(cleaned):
        dated = _FULL.search(cleaned) or _YEAR_MONTH.search(cleaned) or _DATED_YEAR_END.search(cleaned)
        if dated is not None:  # 2021年底前完成，长期坚持: the date stands and the work goes on
            inner = read_deadline(dated[0], immediate_days)
            return Deadline(inner.day, inner.due, True)
        return Deadline(long_term=True)
    raise ValueError(
        _(
            "{text!r} is not a deadline (2021-10-31, 2021年10月31日, 2021年12月底前, 12月底, "
            "年底前, 2022年6月, 长期坚持, 立行立改)"
        ).format(text=text)
    )


def status_word(text: str) -> str:
    """Return a status cell's text as looked up: without spaces and punctuation, and
    without the ``（已延期）`` the 整改销号表 writes after the state of an extended finding."""
    word = re.sub(r"[\s。．.，,；;！!、]+", "", text)
    return re.sub(r"^(\S+?)[（(](已延期|延期)[）)]$", r"\1", word)


def sounds_done(word: str) -> bool:
    """Whether a status word sounds finished (``基本完成``, ``阶段性完成``, ``基本整改到位``)
    though the table maps it to another state: import then says it is not closed, since
    a finding is closed only when its 销号 is signed off (DOMAIN.md, "States")."""
    return any(part in word for part in ("完成", "到位", "销号", "办结")) and not word.startswith(("未", "待", "申请"))


_PERCENT = re.compile(r"(?:已?完成|整改进度|进度)(?:约)?([0-9]{1,2}(?:\.[0-9]+)?)[%％]")


def status_of(word: str, words: dict[str, Status]) -> Status | None:
    """Return the state a status word (as :func:`status_word` gives it) maps to in
    ``words`` (whole words only), or None. A share below 100 (``完成80%``) is in progress:
    a finding is closed only when signed off, so ``完成100%`` is not read and must be named
    in rectify.yaml if an office uses it."""
    found = words.get(word) or words.get(word.lower())
    if found is None and _PERCENT.fullmatch(unicodedata.normalize("NFKC", word)):
        return Status.IN_PROGRESS
    return found
