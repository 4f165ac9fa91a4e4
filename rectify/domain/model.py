"""Pydantic models of one unit's rectification ledger (整改台账). No I/O here.

A ledger file holds one unit (单位), the inspection that found its problems (巡察), and
its findings (问题), each with a dated history of events. Names follow
``shared/DOMAIN.md`` (glossary and "States of a finding").

Every model forbids unknown keys (``extra="forbid"``), so a typo such as ``staus:`` is
reported instead of silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from rectify.domain.kinds import Action as Action
from rectify.domain.kinds import Status as Status
from rectify.domain.people import CONTROLS_IN_TEXT, control_in_text
from rectify.i18n import _

UNIT_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FINDING_ID_RE = re.compile(r"^(?P<unit>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<number>[0-9]{3,})$")
MAX_UNIT_ID = 64
"""Longest unit id: it is a file name."""
_ISO_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_date(value: Any) -> Any:
    """Turn ``YYYY-MM-DD`` text into a :class:`datetime.date`; pass dates through.

    Raises ``ValueError`` ("expected a date written YYYY-MM-DD" or "... is not a real
    date") for anything else, so 2024-02-30 or 2021/10/31 never slips in as a
    timestamp or a guess. DOMAIN.md, "Dates": calendar dates, not datetimes.
    """
    if isinstance(value, date):
        return value
    if isinstance(value, str) and (known := _DATES.get(value)) is not None:
        return known
    if not isinstance(value, str) or not _ISO_DATE_RE.match(value.strip()):
        raise ValueError(_("expected a date written YYYY-MM-DD, got {value!r}").format(value=value))
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("{value!r} is not a real date").format(value=value.strip())) from None
    if len(_DATES) < _DATES_KEPT:
        _DATES[value] = day
    return day


_DATES: dict[str, date] = {}
"""Dates already read, by their text: a ledger writes the same few hundred days again and
again (tens of thousands of events), and each text is checked once. At most
:data:`_DATES_KEPT` are kept, so the memory stays bounded whatever a file holds."""
_DATES_KEPT = 8192


WRITTEN_DATE = r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*[日号]?"
"""The written forms of a calendar date that say it unambiguously, year first with four
digits: ``2026-12-31``, ``2026-1-5``, ``2026/12/31``, ``2026.12.31``, ``2026年12月31日``
(``31号``); groups year, month, day. ``12/31/2026``, ``31/12/2026`` and ``26/12/31``
do not match: which number is the day would be a guess."""
_WRITTEN_DATE_RE = re.compile(rf"{WRITTEN_DATE}|([0-9]{{4}})([0-9]{{2}})([0-9]{{2}})")
""":data:`WRITTEN_DATE`, or the date typed as one number (``20261231``)."""


def date_text(value: str) -> str:
    """Return a date written in one of :data:`WRITTEN_DATE`'s forms (or ``20261231``), in
    NFKC form (full-width digits as an IME types them), as ``YYYY-MM-DD`` text; any other
    text comes back stripped and unchanged, for :func:`parse_date` to refuse. The month
    and day are not checked here (``2026-2-30`` gives ``2026-02-30``)."""
    text = unicodedata.normalize("NFKC", value).strip()
    match = _WRITTEN_DATE_RE.fullmatch(text)
    if match is None:
        return text
    year, month, day = (part for part in match.groups() if part is not None)
    return f"{year}-{int(month):02d}-{int(day):02d}"


def written_date(value: str) -> date:
    """The calendar date a person wrote: on the command line and in imported sheets and
    feedback lists alike (one rule, so ``add --deadline`` takes what ``import`` reads).

    ``value`` is text in one of :data:`WRITTEN_DATE`'s forms or ``20261231``; returns the
    :class:`datetime.date`. Raises ``ValueError`` naming the forms taken for any other text
    (``12/31/2026``, ``31/12/2026``, a two-digit year: never guessed), or "... is not a
    real date" for an impossible one (``2026-2-30``). DOMAIN.md, "Dates".
    """
    text = date_text(value)
    if not _ISO_DATE_RE.match(text):
        raise ValueError(_(
            "expected a date written 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日 "
            "(the year first, in four digits), got {value!r}"
        ).format(value=value.strip()))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("{value!r} is not a real date").format(value=value.strip())) from None


_SURROGATE_RE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: what Python makes of bytes that are not UTF-8 (``surrogateescape``)."""
_UNSAFE_RE = re.compile("[\ud800-\udfff" + CONTROLS_IN_TEXT + "]")
"""A lone surrogate or a character :func:`~rectify.domain.people.control_in_text` refuses:
one search of every text field, the two told apart only when one is there."""


def _clean(value: str) -> str:
    if _UNSAFE_RE.search(value) is None:
        return value
    if _SURROGATE_RE.search(value):
        raise ValueError(_("holds bytes that are not UTF-8 text (a GBK terminal?); type it again as UTF-8"))
    control = control_in_text(value)
    if control is not None:
        raise ValueError(control_message(control))
    return value


def control_message(control: str) -> str:
    """The words for text holding the control character or direction mark ``control``
    (``U+001B``), said by the model's validators and by import at the cell."""
    return _(
        "holds the control character or direction mark {control}, which could act on a terminal or disguise "
        "the text; remove it"
    ).format(control=control)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_("must not be empty"))
    return value if _UNSAFE_RE.search(value) is None else _clean(value)  # _clean's own first look, inline


_AMOUNT_RE = re.compile(r"^[0-9]{1,13}(?:\.[0-9]{1,2})?$")
"""An amount in 元: at most 13 digits before the point (under 10 trillion 元) and two after,
so sums over any province stay exact within Decimal's 28 digits."""
_COUNT_RE = re.compile(r"^(?:0|[1-9][0-9]{0,6})$")
"""A count of people or rules: at most 9,999,999."""


def _amount(value: Any) -> Any:
    """An amount in 元 as text: digits, at most two decimals (分), e.g. ``"12000.00"``; a
    :class:`Decimal` made by rectify itself (a sum) is taken as it is."""
    if isinstance(value, Decimal):
        if value.is_finite() and value.adjusted() < 16:  # a sum made by rectify itself
            return value
        raise ValueError(_("an amount of {value} 元 is out of range").format(value=value))
    if not isinstance(value, str | int) or isinstance(value, bool) or not _AMOUNT_RE.match(str(value).strip()):
        raise ValueError(
            _(
                "expected an amount in 元 written with digits and at most two decimals, such as "
                '"12000.00" (under 10 trillion), got {value!r}'
            ).format(value=str(value)[:40])
        )
    return str(value).strip()


def _count(value: Any) -> Any:
    """A count (people, rules) as digits only: no sign, no ``_``, no decimals, no leading zero."""
    if isinstance(value, bool) or not isinstance(value, str | int) or not _COUNT_RE.match(str(value).strip()):
        shown = str(value)[:40]
        raise ValueError(_(
            "expected a whole number written with digits, such as 2 (at most 9999999), got {shown!r}"
        ).format(shown=shown))
    return int(str(value).strip())


Count = Annotated[int, BeforeValidator(_count), Field(ge=0)]
"""A number of people or rules (项): digits only."""


def _none_is_empty(value: Any) -> Any:
    return [] if value is None else value


CalendarDate = Annotated[date, BeforeValidator(parse_date)]
"""A calendar date, read only from ``YYYY-MM-DD``."""

Text = Annotated[str, AfterValidator(_not_blank)]
"""Free text that must not be empty or only spaces."""

Note = Annotated[str, AfterValidator(_clean)]
"""Free text that may be empty."""


EDITABLE = ("owner", "leader", "department", "title", "detail", "measures", "aspect", "problem", "category")
"""The fields ``rectify edit`` may change; the deadline moves only by an approved extension."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Evidence(_Strict):
    """One piece of evidence (佐证材料): a file path relative to the repository and its sha256 hex digest."""

    path: Text
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None


class FieldChange(_Strict):
    """One field an ``edit`` event changed: its name and the old and new values (text, or
    a list of text for ``measures``; None for a field that was empty)."""

    field: Literal["owner", "leader", "department", "title", "detail", "measures", "aspect", "problem", "category"]
    old: str | list[str] | None = None
    new: str | list[str] | None = None


class Event(_Strict):
    """One dated step in a finding's history.

    ``date`` is a calendar date in the ledger's time zone; ``by`` is who acted;
    ``role`` the sign-off level they signed at (``sign``); ``approver`` who signed off
    (``close``) or approved (``extend``); ``note`` the progress note, opinion or reason;
    ``to`` the new deadline (``extend``); ``chain`` the sign-off levels a ``submit``
    needs, in order; ``evidence`` the files it rests on; ``changes`` what an ``edit``
    changed; ``into`` the finding a ``withdraw`` merged this one into (合并);
    ``accountability`` the 到位 counters an ``account`` event records (added to the
    finding's from its date on).
    """

    date: CalendarDate
    action: Action
    by: Note | None = None
    role: Note | None = None
    approver: Note | None = None
    note: Note | None = None
    to: CalendarDate | None = None
    chain: list[Text] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    changes: list[FieldChange] = Field(default_factory=list)
    into: Annotated[str, Field(pattern=FINDING_ID_RE.pattern)] | None = None
    accountability: Accountability | None = None


class Accountability(_Strict):
    """The "three 到位" counters of one finding (DOMAIN.md, glossary).

    ``people``: persons held accountable by kind (e.g. ``{"批评教育": 2}``), counts >= 0;
    ``funds_yuan``: funds recovered, in 元, an exact ``Decimal`` written as text;
    ``rules``: rules made or revised (项).
    """

    people: dict[str, Count] = Field(default_factory=dict)
    funds_yuan: Annotated[Decimal, BeforeValidator(_amount), Field(ge=0, allow_inf_nan=False)] = Decimal("0")
    rules: Count = 0

    def is_empty(self) -> bool:
        """Return True when nobody, no money and no rule is recorded."""
        return not self.people and self.funds_yuan == 0 and self.rules == 0


class Finding(_Strict):
    """One concrete problem (具体问题) handed over by the inspection group.

    ``id`` is ``<unit-id>-NNN``; ``measures`` is a list of text (整改措施); ``deadline`` the
    original 整改时限 (extensions live in ``history`` as ``extend`` events, so the original
    is kept); ``status`` must agree with the last event of ``history``.
    """

    id: Annotated[str, Field(pattern=FINDING_ID_RE.pattern)]
    aspect: Text
    problem: Note | None = None
    """The middle level of a three-level list (方面 → 问题 → 具体问题): the problem this
    specific finding belongs to; figures count the specific findings."""
    category: Note | None = None
    """A category from ``rectify.yaml``'s list, for high-frequency problems (高频问题)."""
    title: Text
    detail: Note | None = None
    measures: list[Text] = Field(default_factory=list)
    leader: Note | None = None
    department: Note | None = None
    owner: Note | None = None
    deadline: CalendarDate | None = None
    status: Status = Status.OPEN
    history: list[Event] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    accountability: Accountability = Field(default_factory=Accountability)

    @property
    def number(self) -> int:
        """The NNN part of the id, as an int."""
        match = FINDING_ID_RE.match(self.id)
        return int(match.group("number")) if match else 0


class Unit(_Strict):
    """The inspected unit (单位): slug ``id`` (= the file's stem), display ``name``,
    optional ``parent`` unit id and ``supervisor`` (督导组)."""

    id: Annotated[str, Field(pattern=UNIT_ID_RE.pattern, max_length=MAX_UNIT_ID)]
    name: Text
    parent: Annotated[str, Field(pattern=UNIT_ID_RE.pattern, max_length=MAX_UNIT_ID)] | None = None
    supervisor: Note | None = None


class Inspection(_Strict):
    """The inspection that produced the findings: ``round`` (巡察轮次), ``group`` (巡察组),
    ``feedback_date`` (反馈日期)."""

    round: Note | None = None
    group: Note | None = None
    feedback_date: CalendarDate | None = None


class Ledger(_Strict):
    """One unit's ledger file: the unit, its inspection, and its findings.

    ``last_number`` is the highest finding number ever issued in this ledger, so a number
    is never reused after a finding is deleted.
    """

    unit: Unit
    inspection: Inspection = Field(default_factory=Inspection)
    last_number: Annotated[int, Field(ge=0)] = 0
    findings: Annotated[list[Finding], BeforeValidator(_none_is_empty)] = Field(default_factory=list)

    def next_number(self) -> int:
        """Return the number the next added finding gets: one past every number issued."""
        highest = max((f.number for f in self.findings), default=0)
        return max(highest, self.last_number) + 1

    def finding(self, finding_id: str) -> Finding | None:
        """Return the finding with this id, or None."""
        for f in self.findings:
            if f.id == finding_id:
                return f
        return None


def unit_of(finding_id: str) -> str | None:
    """Return the unit id a finding id belongs to (``jinhua-012`` -> ``jinhua``), or None."""
    match = FINDING_ID_RE.match(finding_id)
    return match.group("unit") if match else None


def typed_id(typed: str) -> str:
    """A finding id as a person types it, in the ledger's form: ``QINGSHAN-001`` (caps
    lock) and ``ｑｉｎｇｓｈａｎ－００１`` (an IME's full-width letters, digits and hyphen)
    are ``qingshan-001``, by NFKC and lower case. Returns ``typed`` unchanged when that
    does not give a finding id (``<unit-id>-NNN``), so a message names what was typed."""
    folded = unicodedata.normalize("NFKC", typed).lower()
    return folded if FINDING_ID_RE.fullmatch(folded) else typed


def typed_unit_id(typed: str) -> str:
    """A unit id as a person types it, in the ledger's form: ``QINGSHAN`` and
    ``ｑｉｎｇｓｈａｎ`` are ``qingshan`` (NFKC, lower case), as :func:`typed_id` reads a
    finding id. Returns ``typed`` unchanged when that does not give a unit id (a name
    typed in Chinese stays as typed, for the message that names it)."""
    folded = unicodedata.normalize("NFKC", typed).lower()
    return folded if UNIT_ID_RE.fullmatch(folded) else typed


def finding_id(unit_id: str, number: int) -> str:
    """Return the id of finding ``number`` of unit ``unit_id``: ``jinhua-007`` (at least
    three digits; the one place the id form is written)."""
    return f"{unit_id}-{number:03d}"


DEFAULT_CHAIN: tuple[str, ...] = ("审签",)
"""The approval chain when ``rectify.yaml`` names none: one level, 审签 (DOMAIN.md)."""

DEFAULT_TIME_ZONE = "Asia/Shanghai"
"""The ledger's time zone unless configured otherwise (DOMAIN.md, "Dates")."""


Event.model_rebuild()
