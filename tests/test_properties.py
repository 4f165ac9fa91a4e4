"""Any text in any text field survives add -> load -> a rewrite by another command, unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rectify.domain import steps as workflow
from rectify.domain.model import Ledger, Unit
from rectify.domain.people import control_in_text
from rectify.files.edit import Edit, create_ledger
from rectify.files.ledgerfile import read_ledger

# Text as people type it: Chinese, emoji, quotes, colons, '#', leading zeros, yes/no, new lines,
# conflict-marker look-alikes, YAML indicators; plus anything hypothesis makes up but control
# characters and direction marks, which no text field holds (tests/test_hostile.py).
PIECES = st.sampled_from(
    ["整改", "😀", "'", '"', ": ", "#", "0017", "no", "yes", "\n", "  ", "- ", "3.10", "~", "|", ">", "&a", "*a",
     "!!int", "%", "@", "`", "=======", "<<<<<<< HEAD", "\t", "null", "10:00", "\u3000", "\u200b"]
)  # fmt: skip
MADE_UP = st.text(min_size=1, max_size=5).filter(lambda s: control_in_text(s) is None)
TEXT = st.lists(st.one_of(PIECES, MADE_UP), min_size=1, max_size=8).map("".join)
NONBLANK = TEXT.filter(lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    aspect=NONBLANK,
    title=NONBLANK,
    detail=TEXT,
    owner=TEXT,
    leader=TEXT,
    department=TEXT,
    measure=NONBLANK,
    note=NONBLANK,
)
def test_text_survives_add_and_rewrite(
    tmp_path: Path,
    aspect: str,
    title: str,
    detail: str,
    owner: str,
    leader: str,
    department: str,
    measure: str,
    note: str,
) -> None:
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    path = folder / "demo.yaml"
    path.unlink(missing_ok=True)
    create_ledger(path, Ledger(unit=Unit(id="demo", name="示例")))
    edit = Edit(read_ledger(path))
    new = workflow.NewFinding(
        aspect=aspect,
        title=title,
        detail=detail,
        measures=(measure,),
        owner=owner,
        leader=leader,
        department=department,
    )
    edit.append(workflow.add_findings(edit.ledger, [new, new], date(2021, 8, 1)))
    edit.save()
    edit = Edit(read_ledger(path))
    first = edit.ledger.findings[0]
    edit.replace(workflow.close(first, "甲", "乙", date(2021, 9, 1), note=note))
    edit.save()
    for finding in read_ledger(path).ledger.findings:
        fields = (finding.aspect, finding.title, finding.detail, finding.owner, finding.leader, finding.department)
        # aspect and title are kept without spaces around them (they group the tables:
        # "测 " is no aspect of its own); every other text as typed
        assert fields == (aspect.strip(), title.strip(), detail, owner, leader, department)
        assert finding.measures == [measure]
    assert read_ledger(path).ledger.findings[0].history[-1].note == note


_DAYS = st.dates(min_value=date(2022, 1, 1), max_value=date(2022, 3, 31))
_EVENTS = st.lists(
    st.tuples(
        _DAYS,
        st.sampled_from(["add", "start", "progress", "submit", "sign", "return", "close", "reopen", "extend",
                         "long_term", "withdraw"]),  # fmt: skip
        st.one_of(st.none(), _DAYS),
    ),
    max_size=8,
)


@given(
    events=_EVENTS, deadline=st.one_of(st.none(), _DAYS), as_of=_DAYS, ordered=st.booleans(), allowed=st.booleans()
)
@example(  # extended before its close: the deadline on the close day is the extension's
    events=[(date(2022, 1, 2), "extend", date(2022, 2, 1)), (date(2022, 1, 3), "close", None)],
    deadline=date(2022, 1, 15), as_of=date(2022, 3, 1), ordered=True, allowed=True,
)
@settings(max_examples=500, deadline=None)
def test_one_walk_of_a_history_gives_what_the_three_functions_give(
    events: list[tuple[date, str, date | None]], deadline: date | None, as_of: date, ordered: bool, allowed: bool
) -> None:
    """close_and_deadlines (the figures' one walk) against status_and_close and
    deadline_on asked one by one, on histories in and out of date order, broken ones,
    with signatures and extensions."""
    from rectify.domain.model import Event, Finding
    from rectify.domain.states import close_and_deadlines, deadline_on, status_and_close

    if ordered:
        events = sorted(events, key=lambda item: item[0])
    if allowed:  # keep only the steps the state diagram allows, so most walks go to the end
        from rectify.domain.kinds import Action
        from rectify.domain.states import WorkflowError, next_status

        kept, status = [], None
        for item in [(date(2022, 1, 1), "add", None), *events]:
            try:
                status = next_status(status, Action(item[1]))
            except WorkflowError:
                continue
            kept.append(item)
        events = kept
    history = [
        Event(date=day, action=action, by="王某", approver="李某", to=to if action == "extend" else None)
        for day, action, to in events
    ]
    finding = Finding(id="demo-001", aspect="作风建设方面", title="问题", deadline=deadline, history=history)
    status, closed = status_and_close(finding, as_of)
    at_close = deadline_on(finding, closed) if closed is not None else None
    assert close_and_deadlines(finding, as_of) == (status, closed, at_close, deadline_on(finding, as_of))
