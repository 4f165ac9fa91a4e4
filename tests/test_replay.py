"""One replay of a finding's history gives its status and close day on any date
(rectify/domain/states.py `status_and_close`), the same as `status_on` and `closed_on`
replaying it step by step, for any history, broken ones and signed ones included (a
history without a signature takes the state diagram alone, no track per event)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rectify.domain.model import Action, Event, Finding, Status
from rectify.domain.states import closed_on, status_and_close, status_on

START = date(2021, 7, 28)
EVENTS = st.lists(st.tuples(st.sampled_from(list(Action)), st.integers(0, 20)), min_size=1, max_size=12)


@settings(max_examples=500, deadline=None)
@given(steps=EVENTS, probe=st.integers(-5, 250), signed=st.booleans())
def test_one_replay_is_the_step_by_step_replay(steps: list[tuple[Action, int]], probe: int, signed: bool) -> None:
    day = START
    history = []
    for action, gap in steps:
        day += timedelta(days=gap)
        history.append(Event(date=day, action=action, by="甲", approver="乙", role="科室" if signed else None))
    finding = Finding(
        id="demo-001", aspect="政治建设方面", title="t", deadline=START, status=Status.OPEN, history=history
    )
    as_of = START + timedelta(days=probe)
    assert status_and_close(finding, as_of) == (status_on(finding, as_of), closed_on(finding, as_of))
