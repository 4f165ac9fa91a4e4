"""Any text in any text field survives add -> load -> a rewrite by another command, unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
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
        assert fields == (aspect, title, detail, owner, leader, department)
        assert finding.measures == [measure]
    assert read_ledger(path).ledger.findings[0].history[-1].note == note
