"""The cache's records of a ledger (rectify/domain/summary.py) give the same figures as
the ledger itself, on any as-of date: on the shipped ledgers, on every ledger of the
bad-input corpus that can be read, and on property-test histories (any order of events,
extensions, 到位 counters, withdrawn and hand-written findings); and `status` read from
the records builds no ledger model."""

from __future__ import annotations

import pickle
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rectify.domain import figures
from rectify.domain.model import Accountability, Action, Event, Finding, Inspection, Ledger, Status, Unit
from rectify.domain.summary import LedgerSummary, summarize, summary_counts
from rectify.errors import LedgerError
from rectify.files.cache import PLAIN_FOLDER, Cache
from rectify.files.config import config_for
from rectify.files.ledgerfile import Loaded, read_content, scan_folder, scan_summaries
from tests.conftest import SHIPPED, Run
from tests.test_bad_corpus import BAD, CASES, VALID


def _days(ledger: Ledger) -> list[date]:
    """Every day an event happens, the days either side, and a few far ones."""
    days = {date(2000, 1, 1), date(2100, 1, 1)}
    if ledger.inspection.feedback_date:
        day = ledger.inspection.feedback_date
        days |= {day - timedelta(days=1), day, day + timedelta(days=1)}
    for finding in ledger.findings:
        for day in [*(event.date for event in finding.history), *filter(None, [finding.deadline])]:
            days |= {day - timedelta(days=1), day, day + timedelta(days=1)}
    return sorted(days)


def _same(ledger: Ledger, days: list[date] | None = None) -> None:
    summary = pickle.loads(pickle.dumps(summarize(ledger)))  # as the cache keeps it
    assert isinstance(summary, LedgerSummary)
    assert summary.finding_ids == [finding.id for finding in ledger.findings]
    for day in days or _days(ledger):
        assert summary_counts(summary, day) == figures.unit_counts(ledger, day)[1], day


def test_the_shipped_ledgers_count_the_same_from_their_records() -> None:
    paths = sorted(SHIPPED.glob("*.yaml"))
    assert paths
    for path in paths:
        loaded, __ = read_content(path, config_for(path.parent))
        _same(loaded.ledger)


@pytest.mark.parametrize("case", sorted([*CASES, *VALID]))
def test_every_readable_bad_input_ledger_counts_the_same(case: str) -> None:
    for path in sorted((BAD / case).glob("*.yaml")):
        try:
            loaded, __ = read_content(path, config_for(path.parent))
        except LedgerError:
            continue
        _same(loaded.ledger)


START = date(2021, 7, 28)
EVENT = st.tuples(
    st.sampled_from(list(Action)),
    st.integers(-3, 20),  # a negative gap: an event dated before the one above it
    st.integers(-5, 40),  # where an extension moves the deadline to
    st.one_of(st.none(), st.tuples(st.integers(0, 3), st.sampled_from(["0", "0.00", "12.50", "3"]), st.integers(0, 2))),
)
FINDING = st.tuples(
    st.lists(EVENT, max_size=8),
    st.sampled_from(list(Status)),
    st.one_of(st.none(), st.integers(-10, 60)),
    st.one_of(st.none(), st.tuples(st.integers(0, 2), st.sampled_from(["0", "5.00"]), st.integers(0, 1))),
)


def _counter(value: tuple[int, str, int]) -> Accountability:
    people, funds, rules = value
    return Accountability.model_construct(
        people={"批评教育": people} if people else {}, funds_yuan=Decimal(funds), rules=rules
    )


@settings(max_examples=300, deadline=None)
@given(
    findings=st.lists(FINDING, max_size=6),
    feedback=st.one_of(st.none(), st.integers(-5, 10)),
    probes=st.lists(st.integers(-10, 200), min_size=1, max_size=12),
)
def test_records_count_the_same_for_any_history(
    findings: list[tuple[list[tuple[Action, int, int, tuple[int, str, int] | None]], Status, int | None, tuple[int, str, int] | None]],
    feedback: int | None,
    probes: list[int],
) -> None:
    made = []
    for number, (events, status, deadline, closing) in enumerate(findings, start=1):
        day = START
        history = []
        for action, gap, moved, counters in events:
            day += timedelta(days=gap)
            history.append(
                Event.model_construct(
                    date=day,
                    action=action,
                    by="甲",
                    approver="乙",
                    to=day + timedelta(days=moved) if action is Action.EXTEND else None,
                    accountability=None if counters is None else _counter(counters),
                )
            )
        made.append(
            Finding.model_construct(
                id=f"demo-{number:03d}",
                aspect="政治建设方面",
                title="t",
                deadline=None if deadline is None else START + timedelta(days=deadline),
                status=status,
                history=history,
                accountability=Accountability() if closing is None else _counter(closing),
            )
        )
    ledger = Ledger.model_construct(
        unit=Unit(id="demo", name="示例"),
        inspection=Inspection(feedback_date=None if feedback is None else START + timedelta(days=feedback)),
        findings=made,
    )
    _same(ledger, [START + timedelta(days=probe) for probe in probes] + _days(ledger))


@pytest.mark.parametrize("case", sorted([*CASES, *VALID]))
def test_a_scan_of_the_records_finds_the_problems_a_scan_of_the_ledgers_finds(tmp_path: Path, case: str) -> None:
    folder = tmp_path / case
    shutil.copytree(BAD / case, folder)
    seen: list[Loaded] = []
    expected = scan_folder(folder, seen.append)
    for _ in range(3):  # cold (both entries written), warm (the records), records only
        summaries: list[LedgerSummary] = []
        assert scan_summaries(folder, summaries.append, None, Cache(folder).summary) == expected
        assert [s.finding_ids for s in summaries] == [[f.id for f in item.ledger.findings] for item in seen]
        for entry in (folder / PLAIN_FOLDER).glob("*.pickle"):
            entry.unlink()  # the records stand alone


def test_a_warm_status_reads_the_records_and_builds_no_ledger(
    run: Run, shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run("status", "--as-of", "2021-11-30")
    assert first.exit_code == 0 and "Total" in first.stdout

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a ledger was built on a warm cache")

    monkeypatch.setattr(Ledger, "model_validate", refuse)
    monkeypatch.setattr(Cache, "read", refuse)
    days = ("2021-11-30", "2021-09-01", "2022-06-30")
    warm = [run("status", "--as-of", day) for day in days]
    monkeypatch.undo()
    for day, answer in zip(days, warm, strict=True):
        plain = run("--no-cache", "status", "--as-of", day)
        assert (answer.exit_code, answer.stdout) == (plain.exit_code, plain.stdout) and answer.exit_code == 0


def test_the_records_follow_an_edit(run: Run, shipped: Path) -> None:
    assert run("status", "--as-of", "2021-11-30").exit_code == 0
    before = run("--no-cache", "status", "--as-of", "2021-11-30").stdout
    target = sorted(shipped.glob("*.yaml"))[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("status: closed", "status: in_progress", 1), encoding="utf-8")
    plain = run("--no-cache", "status", "--as-of", "2021-11-30")
    cached = run("status", "--as-of", "2021-11-30")
    assert (cached.exit_code, cached.stdout, cached.stderr) == (plain.exit_code, plain.stdout, plain.stderr)
    assert plain.stdout != before or plain.exit_code != 0
