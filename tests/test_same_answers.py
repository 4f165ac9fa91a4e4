"""The cold-read speed work answers as the code before it did.

Each fast path of that round is compared here with a plain reference written in this file:
the code it replaced, as it was (the text field check ``_clean``, the search for controls
in a name, the sign-off rules asked of every event, the track of a step, the counters of a
finding, the fast reader's "twisted" search, shape test and JSON reading, dates read once,
the conflict-marker search). The inputs are generated (hypothesis, a few hundred cases in
all) from the pieces hostile ledgers are made of: control characters, direction marks,
zero-width and look-alike letters, lone surrogates, YAML's ``~``, ``Null``, ``true``,
``.nan``, empty and duplicate keys, document markers, flow collections, long lines.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rectify.domain import figures, model, people, signoff, states
from rectify.domain.kinds import Action, Status
from rectify.domain.model import Accountability, Event, Finding, Inspection, Ledger, Unit
from rectify.files import text as textfile
from rectify.files import yamlbulk
from rectify.files.yamlread import MAX_DEPTH
from rectify.i18n import _

_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- references: the code before the speed work, as it was ---------------------------------


def _old_clean(value: str) -> str:
    if model._SURROGATE_RE.search(value):
        raise ValueError(_("holds bytes that are not UTF-8 text (a GBK terminal?); type it again as UTF-8"))
    control = people.control_in_text(value)
    if control is not None:
        raise ValueError(model.control_message(control))
    return value


def _old_not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_("must not be empty"))
    return _old_clean(value)


def _old_hidden_controls(name: str) -> bool:
    return any(ord(ch) in people._CONTROLS for ch in name)


def _old_parse_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not model._ISO_DATE_RE.match(value.strip()):
        raise ValueError(_("expected a date written YYYY-MM-DD, got {value!r}").format(value=value))
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("{value!r} is not a real date").format(value=value.strip())) from None


def _old_event_problems(
    track: states.Track,
    finding: Finding,
    event: Event,
    deadline: date | None,
    today: date,
    chain: tuple[str, ...] | None = None,
    evidence_required: tuple[str, ...] = (),
) -> list[str]:
    """rectify.domain.signoff.event_problems before the speed work (every rule for every
    event, the three name checks asked one by one)."""
    from rectify.domain.people import mixed_scripts, names_someone, same_person
    from rectify.domain.states import action_name

    out: list[str] = []
    action = event.action
    if action.value in evidence_required and not event.evidence:
        out.append(_(
            "a {value} needs evidence (佐证材料): rectify.yaml's evidence_required says so"
        ).format(value=action_name(action)))
    if event.date > today:
        out.append(_("dated {date}, after today ({today})").format(date=event.date, today=today))
    for field in ("by", "approver"):
        value = getattr(event, field)
        if value is not None and not names_someone(value):
            out.append(_("'{field}' must name a person (it has no visible letter or digit)").format(field=field))
        elif value is not None and _old_hidden_controls(value):
            out.append(_(
                "'{field}' holds a control character or a direction mark; write the name plainly"
            ).format(field=field))
        elif value is not None and mixed_scripts(value):
            out.append(_(
                "'{field}' {value!r} mixes letters of different scripts (a look-alike letter?)"
            ).format(field=field, value=value))
    by, approver = (event.by or "").strip(), (event.approver or "").strip()
    if action in (Action.SUBMIT, Action.SIGN, Action.CLOSE, Action.WITHDRAW, Action.EDIT, Action.ACCOUNT) and not by:
        what = _("who closed the finding") if action is Action.CLOSE else _("who did it")
        out.append(_("a {value} event needs 'by': {what}").format(value=action_name(action), what=what))
    if action is Action.CLOSE:
        if not approver:
            out.append(_("a close event needs 'approver': 销号 requires 审签"))
        elif by and same_person(by, approver):
            out.append(_("the approver ({approver}) is the person who closed it").format(approver=approver))
        if chain is not None and len(chain) > 1:
            out.append(
                _(
                    "the approval chain has {count} levels ({chain}): close is the one-step form for one "
                    "level; use submit, then sign at each level"
                ).format(count=len(chain), chain=' -> '.join(chain))
            )
    if action is Action.SUBMIT and chain is not None and event.chain and len(event.chain) < len(chain):
        out.append(_(
            "the submission records the chain {chain}, shorter than {chain2}"
        ).format(chain=' -> '.join(event.chain), chain2=' -> '.join(chain)))
    checker = by if action is Action.SIGN else approver if action is Action.CLOSE else ""
    if checker and finding.owner and same_person(checker, finding.owner):
        out.append(_("{checker} is this finding's owner (责任人) and cannot sign it off").format(checker=checker))
    if action is Action.CLOSE and checker and track.submitter and same_person(checker, track.submitter):
        out.append(_(
            "{checker} submitted this finding and cannot approve its close (审签 is another's check)"
        ).format(checker=checker))
    owner = finding.owner or ""
    if action in (Action.EXTEND, Action.WITHDRAW) and approver and owner and same_person(approver, owner):
        out.append(_(
            "{approver} is this finding's owner (责任人) and cannot approve its {step}"
        ).format(approver=approver, step=action_name(action)))
    if action is Action.RETURN and by:
        if owner and same_person(by, owner):
            out.append(_(
                "{by} is this finding's owner (责任人) and cannot return it (退回 is a reviewer's)"
            ).format(by=by))
        elif track.submitter and same_person(by, track.submitter):
            out.append(_("{by} submitted this finding and cannot return it (退回 is a reviewer's)").format(by=by))
    if action is Action.WITHDRAW:
        if not approver:
            out.append(_("a withdraw event needs 'approver': 撤销 is approved by another person"))
        elif by and same_person(by, approver):
            out.append(_("{by} asked for the withdrawal and cannot approve it too").format(by=by))
        if not (event.note or "").strip():
            out.append(_("a withdraw event needs 'note': the reason"))
        if event.into == finding.id:
            out.append(_("a finding cannot be merged into itself"))
    if action is Action.EDIT:
        if not event.changes:
            out.append(_("an edit event needs 'changes': the fields it changed"))
        if not (event.note or "").strip():
            out.append(_("an edit event needs 'note': the reason"))
    if action is Action.ACCOUNT and (event.accountability is None or event.accountability.is_empty()):
        out.append(_("an account event needs 'accountability': people, funds or rules"))
    if action is Action.EXTEND:
        if not approver:
            out.append(_("an extension needs 'approver': who approved it"))
        elif by and same_person(by, approver):
            out.append(_("{by} asked for the extension and cannot approve it too").format(by=by))
        if event.to is None:
            out.append(_("an extension needs 'to': the new deadline"))
        elif deadline is not None and event.to <= deadline:
            out.append(_(
                "the new deadline {to} is not after the deadline in force ({deadline})"
            ).format(to=event.to, deadline=deadline))
    return out


def _old_step(track: states.Track, event: Event, submit_chain: tuple[str, ...] | None = None) -> states.Track:
    """rectify.domain.states.step before the speed work, for replayed history (no chain in
    force): a new Track for every step that changes the state."""
    new = states.step(track, event, submit_chain=submit_chain)  # submit and sign: unchanged code
    if event.action in (Action.SUBMIT, Action.SIGN):
        return new
    status = states.next_status(track.status, event.action)
    if event.action in (Action.RETURN, Action.REOPEN, Action.CLOSE, Action.WITHDRAW):
        return states.Track(status)
    if status is track.status:
        return track
    return states.Track(status, track.submitter, track.chain, track.signed, track.signers)


def _old_counters_on(finding: Finding, status: Status | None, as_of: date) -> Accountability:
    found: dict[str, int] = {}
    funds, rules = Decimal("0"), 0
    parts = [e.accountability for e in finding.history if e.date <= as_of and e.accountability is not None]
    if status is Status.CLOSED:
        parts.append(finding.accountability)
    for part in parts:
        for kind, number in part.people.items():
            found[kind] = found.get(kind, 0) + number
        funds += part.funds_yuan
        rules += part.rules
    return Accountability.model_construct(people=found, funds_yuan=funds, rules=rules)


def _old_facts(finding: Finding, as_of: date) -> figures.Facts:
    status, closed = (
        states.status_and_close(finding, as_of) if finding.history else (states.status_on(finding, as_of), None)
    )
    on_time = False
    if closed is not None:
        deadline = states.deadline_on(finding, closed)
        on_time = deadline is None or closed <= deadline
    return status, closed, states.deadline_on(finding, as_of), on_time


_OLD_TWISTED = (b'"~"', b'"Null"', b'"NULL"', b'".nan"', b'".inf"', b'"-.inf"', b"true", b"false", b'"":')


def _old_avoid(text: str) -> bool:
    if (
        "\t" in text
        or "\\" in text
        or "\ufeff" in text
        or text.startswith(("---", "...", "%", *yamlbulk._MARKS))
        or "\n---" in text
        or "\n..." in text
        or "\n%" in text
    ):
        return True
    checks = [yamlbulk._NODE_START] if any(mark in text for mark in yamlbulk._MARKS) else []
    if "[" in text or "{" in text:
        checks.append(yamlbulk._FLOW_START)
    if "|" in text or ">" in text:
        checks.append(yamlbulk._BLOCK_HEADER)
    return any(
        not yamlbulk._in_comment(text, match.end() - 1) for check in checks for match in check.finditer(text)
    )


def _old_plain_shape(text: str) -> bool:
    flat = text.replace("[]", "").replace("{}", "")
    deep = text.startswith(yamlbulk._DEEP) or "\n" + yamlbulk._DEEP in text
    return not ("[" in flat or "{" in flat or "?" in flat or yamlbulk._NESTED_SEQUENCE.search(text) or deep)


def _old_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise yamlbulk._Twisted
    return mapping


def _old_from_json(emitted: bytes) -> Any:
    if any(token in emitted for token in _OLD_TWISTED):
        return yamlbulk._WALK
    try:
        return json.loads(
            emitted,
            parse_int=str,
            parse_float=yamlbulk._float,
            parse_constant=yamlbulk._constant,
            object_pairs_hook=_old_pairs,
        )
    except (ValueError, yamlbulk._Twisted, RecursionError):
        return yamlbulk._WALK


def _old_values(text: str, max_depth: int) -> Any:
    """yamlbulk.values before the speed work (the text encoded again, the JSON's length
    computed first, every twisted token searched for, an empty key found by ``"":``)."""
    if not yamlbulk.AVAILABLE or not yamlbulk.enabled() or _old_avoid(text):
        return yamlbulk.SLOW
    tree = yamlbulk._Tree()
    try:
        with yamlbulk._quiet():
            yamlbulk._parse(text.encode("utf-8"), tree)
    except Exception:  # noqa: BLE001 - as the code it copies
        return yamlbulk.SLOW
    root_type = yamlbulk._type(tree, 0)
    if root_type & yamlbulk._STREAM or not root_type & yamlbulk._MAP:
        return yamlbulk.SLOW
    if _old_plain_shape(text):
        lib = yamlbulk._lib
        buffer = bytearray(lib._compute_json_length(tree, 0))
        failed, size = lib.emit_json_to_substr(tree, 0, buffer)
        assert not failed
        found = _old_from_json(bytes(buffer[:size]))
        if found is not yamlbulk._WALK:
            return found
    try:
        return yamlbulk._map(tree, 0, 1, max_depth)
    except (yamlbulk._Slow, RecursionError):
        return yamlbulk.SLOW


def _old_has_markers(text: str) -> bool:
    return any(marker in text for marker in textfile._MARKERS)


# --- generated inputs -------------------------------------------------------------------

_ODD = [
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\t", "\n", "\r", "\u061c", "\u200b", "\u200d", "\u200e",
    "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\u2028", "\u3164", "\u2800", "\ufeff", "\ufe0f", "\u00ad",
    "\ud800", "\udcb9", "\udfff", "\U000e0001",
]  # fmt: skip
"""Controls, breaks, direction marks, zero-width and invisible characters, lone surrogates."""
_LETTERS = ["王", "某", "李", "W", "a", "а", "ο", "o", "Ω", "Ⅱ", "ｗ", "1", "١", " ", "\u3000", "-", "·", "'"]
"""Chinese, Latin and its Cyrillic and Greek look-alikes, full-width and other digits, spaces."""
PIECE = st.sampled_from(_ODD + _LETTERS) | st.characters(codec="utf-8") | st.characters()
TEXTS = st.lists(PIECE, max_size=12).map("".join) | st.builds(lambda s, n: s * n, st.sampled_from(_LETTERS), st.integers(60, 70))
"""Texts of those pieces, and names either side of the 64 characters names are remembered up to."""


@given(value=TEXTS)
@example(value="")
@example(value="王某\u202e")
@example(value="a\ud800")
@_SETTINGS
def test_a_text_field_is_refused_as_before(value: str) -> None:
    """The model's text checks (one search for surrogates and controls, inline in
    _not_blank) refuse what the two searches refused, with the same words."""
    for new, old in ((model._clean, _old_clean), (model._not_blank, _old_not_blank)):
        try:
            expected: Any = old(value)
        except ValueError as exc:
            expected = str(exc)
        try:
            got: Any = new(value)
        except ValueError as exc:
            got = str(exc)
        assert got == expected


def test_every_code_point_is_unsafe_exactly_when_the_old_checks_refused_it() -> None:
    every = range(sys.maxunicode + 1)
    unsafe = {c for c in every if model._UNSAFE_RE.search(chr(c))}
    refused = {c for c in every if 0xD800 <= c <= 0xDFFF or people.control_in_text(chr(c)) is not None}
    assert unsafe == refused
    in_name = {c for c in every if people.hidden_controls(chr(c))}
    assert in_name == {c for c in every if _old_hidden_controls(chr(c))} == set(people._CONTROLS)


@given(name=TEXTS)
@example(name="Wаng")  # a Cyrillic а among Latin letters
@example(name="王某" * 40)  # longer than the names remembered
@_SETTINGS
def test_a_name_is_faulted_as_the_three_checks_one_by_one_did(name: str) -> None:
    expected = (
        people.NameFault.NOBODY
        if not people.names_someone(name)
        else people.NameFault.CONTROLS
        if _old_hidden_controls(name)
        else people.NameFault.MIXED
        if people.mixed_scripts(name)
        else None
    )
    assert people.name_fault(name) is expected
    assert people.name_fault(name) is expected  # remembered: the same again
    assert people.hidden_controls(name) == _old_hidden_controls(name)


_TODAY = date(2022, 3, 1)
_DAYS = st.dates(min_value=date(2022, 1, 1), max_value=date(2022, 3, 10))  # some after today
_NAMES = st.one_of(
    st.none(), st.sampled_from(["王某", "李某", "王 某", "赵某", "Wang", "Wаng", "王某\u202e", "\u200b", " ", "钱某\x1b"])
)
_EVENT = st.fixed_dictionaries(
    {
        "date": _DAYS,
        "action": st.sampled_from(list(Action)),
        "by": _NAMES,
        "approver": _NAMES,
        "to": st.one_of(st.none(), _DAYS),
        "note": st.sampled_from([None, "理由"]),
        "chain": st.sampled_from([[], ["a"], ["a", "b", "c"]]),
        "evidence": st.sampled_from([[], ["docs/a.pdf"]]),
        "into": st.sampled_from([None, "demo-001", "demo-002"]),
        "role": st.sampled_from([None, "a", "b"]),
        "accountability": st.sampled_from([None, {"rules": 1}, {"people": {"诫勉": 2}, "funds_yuan": "12.50"}]),
    }
)


def _events(raw: list[dict[str, Any]]) -> list[Event]:
    made = []
    for fields in raw:
        try:
            made.append(Event.model_validate({k: v for k, v in fields.items() if v is not None}))
        except ValidationError:
            continue
    return made


@given(
    raw=st.lists(_EVENT, min_size=1, max_size=8),
    owner=_NAMES,
    deadline=st.one_of(st.none(), _DAYS),
    chain=st.sampled_from([None, ("a",), ("a", "b", "c")]),
    required=st.sampled_from([(), ("submit",), ("add", "progress", "close")]),
)
@_SETTINGS
def test_the_sign_off_rules_and_the_track_answer_as_before(
    raw: list[dict[str, Any]],
    owner: str | None,
    deadline: date | None,
    chain: tuple[str, ...] | None,
    required: tuple[str, ...],
) -> None:
    """Every event of a generated history (any step, any order, names with controls,
    direction marks and look-alikes, dates after today): the sign-off rules say what the
    old rules said, and each step leads to a track equal to the one the old step made."""
    history = _events(raw)
    finding = Finding.model_construct(id="demo-001", owner=owner, deadline=deadline, history=history)
    track, old_track = states.Track(), states.Track()
    for event in history:
        got = signoff.event_problems(track, finding, event, deadline, _TODAY, chain, required)
        assert got == _old_event_problems(old_track, finding, event, deadline, _TODAY, chain, required)
        try:
            new_next = states.step(track, event, submit_chain=chain)
        except states.WorkflowError as exc:
            with pytest.raises(states.WorkflowError) as old_exc:
                _old_step(old_track, event, submit_chain=chain)
            assert str(old_exc.value) == str(exc)
            break
        old_next = _old_step(old_track, event, submit_chain=chain)
        assert new_next == old_next
        track, old_track = new_next, old_next


_STEP = st.tuples(
    _DAYS,
    st.sampled_from(["start", "progress", "submit", "sign", "sign", "return", "close", "close", "reopen", "extend",
                     "extend", "long_term", "withdraw", "account"]),  # fmt: skip
    st.one_of(st.none(), _DAYS),
    st.sampled_from([[], ["a"], ["a", "b"]]),
)
"""A step of a history meant to be walked: its day, action, new deadline and chain."""


def _history(steps: list[tuple[date, str, date | None, list[str]]]) -> list[Event]:
    made = []
    for number, (day, action, to, chain) in enumerate(steps):
        made.append(Event(
            date=day, action=Action(action), by=f"审{number}某" if action == "sign" else "王某", approver="李某",
            to=to if action == "extend" else None, chain=chain if action == "submit" else [],
            note="理由" if action in ("withdraw", "edit") else None,
            accountability={"rules": 1, "people": {"诫勉": number}} if action == "account" else None,
        ))  # fmt: skip
    return made


@given(
    steps=st.lists(_STEP, max_size=10),
    raw=st.lists(_EVENT, max_size=4),
    ordered=st.booleans(),
    allowed=st.booleans(),
    deadline=st.one_of(st.none(), _DAYS),
    as_of=_DAYS,
    status=st.sampled_from(list(Status)),
    feedback=st.one_of(st.none(), _DAYS),
)
@example(  # closed on its deadline: on time
    steps=[(date(2022, 1, 15), "close", None, [])], raw=[], ordered=True, allowed=True, deadline=date(2022, 1, 15),
    as_of=date(2022, 3, 1), status=Status.CLOSED, feedback=None,
)
@example(  # closed after the original deadline, within an extension's: on time
    steps=[(date(2022, 1, 5), "extend", date(2022, 2, 1), []), (date(2022, 1, 20), "close", None, [])], raw=[],
    ordered=True, allowed=True, deadline=date(2022, 1, 15), as_of=date(2022, 3, 1), status=Status.CLOSED,
    feedback=date(2022, 1, 1),
)
@example(  # signed off at two levels, the last after the deadline; reopened, extended, closed again
    steps=[(date(2022, 1, 5), "submit", None, ["a", "b"]), (date(2022, 1, 6), "sign", None, []),
           (date(2022, 1, 9), "sign", None, []), (date(2022, 1, 12), "reopen", None, []),
           (date(2022, 1, 13), "extend", date(2022, 2, 20), []), (date(2022, 2, 1), "close", None, [])],
    raw=[], ordered=True, allowed=True, deadline=date(2022, 1, 8), as_of=date(2022, 1, 10), status=Status.CLOSED,
    feedback=None,
)  # fmt: skip
@example(  # an extension dated before the close, written after it (out of date order)
    steps=[(date(2022, 1, 20), "close", None, []), (date(2022, 1, 5), "extend", date(2022, 2, 1), [])], raw=[],
    ordered=False, allowed=False, deadline=date(2022, 1, 15), as_of=date(2022, 3, 1), status=Status.CLOSED,
    feedback=None,
)
@_SETTINGS
def test_a_findings_figures_are_counted_as_before(
    steps: list[tuple[date, str, date | None, list[str]]],
    raw: list[dict[str, Any]],
    ordered: bool,
    allowed: bool,
    deadline: date | None,
    as_of: date,
    status: Status,
    feedback: date | None,
) -> None:
    """facts (one walk for status, close day and deadlines) and count (counters without a
    model per finding) against the old functions, on histories in and out of date order,
    broken ones, with signatures, extensions, reopenings and accountability."""
    history = _history(steps) + _events(raw)
    if ordered:
        history.sort(key=lambda event: event.date)
    if allowed:  # the steps the state diagram allows, after an add: most walks go to the end
        kept, track = [Event(date=date(2022, 1, 1), action=Action.ADD)], states.Track(Status.OPEN)
        for event in history:
            try:
                track = _old_step(track, event)
            except states.WorkflowError:
                continue
            kept.append(event)
        history = kept
    own = Accountability(rules=3, funds_yuan=Decimal("1.5"), people={"问责": 1})
    finding = Finding(
        id="demo-001", aspect="作风建设方面", title="问题", deadline=deadline, status=status, history=history,
        accountability=own,
    )  # fmt: skip
    days = {as_of, date(2021, 12, 31)} | {event.date + timedelta(days=k) for event in history for k in (-1, 0, 1)}
    for day in sorted(days):
        assert figures.facts(finding, day) == _old_facts(finding, day)
    for day in (as_of, as_of - timedelta(days=20), date(2023, 1, 1)):
        facts = _old_facts(finding, day)
        assert figures.counters_on(finding, facts[0], day) == _old_counters_on(finding, facts[0], day)
    ledger = Ledger(
        unit=Unit(id="demo", name="示例"), inspection=Inspection(feedback_date=feedback), findings=[finding]
    )
    got = figures.count([(ledger, finding), (ledger, finding)], as_of)
    expected = figures.count([(ledger, finding), (ledger, finding)], as_of, known=_old_facts)
    assert got == expected
    facts = _old_facts(finding, as_of)
    if facts[0] is not None and facts[0] is not Status.WITHDRAWN and (finding.history or not feedback or as_of >= feedback):
        counters = _old_counters_on(finding, facts[0], as_of)
        assert got.rules == 2 * counters.rules and got.funds_yuan == 2 * counters.funds_yuan
        assert got.people == {kind: 2 * number for kind, number in counters.people.items()}


_DATE_TEXTS = st.one_of(
    st.dates().map(date.isoformat),
    st.builds(lambda d, pad: pad + d.isoformat() + pad, st.dates(), st.sampled_from(["", " ", "\t", "\n"])),
    st.sampled_from(["2022-02-30", "2022-2-3", "20220203", "", " ", "2022-02-03T00:00", "２０２２-０２-０３", "0000-01-01"]),
    st.text(max_size=12),
)


@given(values=st.lists(_DATE_TEXTS, min_size=1, max_size=6))
@_SETTINGS
def test_dates_read_once_read_as_before(values: list[str]) -> None:
    """parse_date remembers a date by its text: asked twice, the same date or the same
    words of refusal as a reading from scratch."""
    for value in values * 2:
        try:
            expected: Any = _old_parse_date(value)
        except ValueError as exc:
            expected = str(exc)
        try:
            got: Any = model.parse_date(value)
        except ValueError as exc:
            got = str(exc)
        assert got == expected and type(got) is type(expected)


# YAML made of the pieces the fast reader looks out for
_SCALARS = [
    "x", "王某", "~", "Null", "NULL", "null", "true", "True", "false", "yes", ".nan", ".NaN", ".inf", "-.inf",
    "''", '""', "'~'", '"true"', "1", "0.5", ".5", "1.", "1.0", "1e3", "0x1f", "012", "2022-01-01", "a\"b",
    '"a\\"b"', "'a\"\": b'", "[]", "{}", "[a, b]", "{a: b}", "a: b", "...", "---", "%x", "<<<<<<< HEAD", "=======",
    "# c", "x # c", "|", ">-", "&a x", "*a", "!!str x", "?", "- x", "\u3000", "\u200b", "'\ud800'", "x" * 300,
]  # fmt: skip
_KEYS = ["a", "b", "title", "''", '""', "", "a\"", "'\"'", "1", "true", "~", "? x", "a b", "王"]


@st.composite
def _yaml(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _number in range(draw(st.integers(1, 6))):
        indent = "  " * draw(st.integers(0, 2))
        kind = draw(st.sampled_from(["pair", "pair", "open", "item", "raw"]))
        key, value = draw(st.sampled_from(_KEYS)), draw(st.sampled_from(_SCALARS))
        if kind == "pair":
            lines.append(f"{indent}{key}: {value}")
        elif kind == "open":
            lines.append(f"{indent}{key}:")
        elif kind == "item":
            lines.append(f"{indent}- {value}")
        else:
            lines.append(indent + value)
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


_SURROGATE = re.compile("[\ud800-\udfff]")


@given(text=_yaml())
@example(text="a: '\ud800'\n")  # not text a file gives, but values raises nothing: SLOW, as before
@example(text='"": x\nb: c\n')
@example(text='k: \'a", "": "y\'\n')
@example(text="a\": x\n")
@example(text="a:\n  : x\n")
@example(text="k: x\n" + "".join(f"  k{i}: '\"'\n" for i in range(3)))
@settings(max_examples=300, deadline=None)
def test_the_fast_reader_takes_every_text_as_before(text: str) -> None:
    """values (grouped twisted search, empty keys in the object hook, a buffer sized from
    the text, the file's bytes) gives what it gave: the same values, or the text left to
    PyYAML both times."""
    assert yamlbulk._avoid(text) == _old_avoid(text)
    assert yamlbulk._plain_shape(text) == _old_plain_shape(text)
    expected = _old_values(text, MAX_DEPTH)
    assert yamlbulk.values(text, MAX_DEPTH) == expected
    if not _SURROGATE.search(text):  # the file's bytes, as the reader passes them
        assert yamlbulk.values(text, MAX_DEPTH, text.encode("utf-8")) == expected
    if yamlbulk.AVAILABLE and not _old_avoid(text) and _old_plain_shape(text):
        tree = yamlbulk._Tree()
        try:
            with yamlbulk._quiet():
                yamlbulk._parse(text.encode("utf-8"), tree)
        except Exception:  # noqa: BLE001 - rapidyaml refused it: nothing more to compare
            return
        # a buffer too small is written again at the length rapidyaml asks for
        assert yamlbulk._emit_json(tree, 1) == yamlbulk._emit_json(tree, 8 * len(text) + 64)


@given(parts=st.lists(st.sampled_from(["<<<<<<<", "=======", ">>>>>>>", "|||||||", "<", "=", ">", "|", "\n", " ", "x"])))
@_SETTINGS
def test_conflict_markers_are_found_as_before(parts: list[str]) -> None:
    """The search for markers behind a search for their first character finds a marker
    exactly when the plain search did; each marker line is reported at its line."""
    text = "".join(parts)
    got = textfile.conflict_markers(text, "demo.yaml")
    if not _old_has_markers(text):
        assert got == []
    lines = [text.count("\n", 0, m.start()) + 1 for m in textfile._CONFLICT_LINE_RE.finditer(text)]
    assert [problem.line for problem in got] == lines
