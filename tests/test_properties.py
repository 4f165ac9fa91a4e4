"""Any text in a text field survives add -> load -> a rewrite by another command, unchanged."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify import workflow
from rectify.model import Ledger, Unit
from rectify.store import Edit, create_ledger, read_ledger

# Text as people type it: Chinese, emoji, quotes, colons, '#', leading zeros, yes/no, new lines.
PIECES = st.sampled_from(["整改", "😀", "'", '"', ": ", "#", "0017", "no", "yes", "\n", "  ", "- ", "3.10", "~", "|"])
TEXT = st.lists(st.one_of(PIECES, st.text(min_size=1, max_size=5)), min_size=1, max_size=8).map("".join)
NONBLANK = TEXT.filter(lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=NONBLANK, detail=TEXT, owner=TEXT, measure=NONBLANK)
def test_text_survives_add_and_rewrite(tmp_path: Path, title: str, detail: str, owner: str, measure: str) -> None:
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    path = folder / "demo.yaml"
    path.unlink(missing_ok=True)
    create_ledger(path, Ledger(unit=Unit(id="demo", name="示例")))
    from datetime import date

    edit = Edit(read_ledger(path))
    new = workflow.NewFinding(aspect="方面", title=title, detail=detail, measures=(measure,), owner=owner)
    edit.append(workflow.add_findings(edit.ledger, [new, new], date(2021, 8, 1)))
    edit.save()
    edit = Edit(read_ledger(path))
    first = edit.ledger.findings[0]
    edit.replace(workflow.close(first, "甲", "乙", date(2021, 9, 1), note=detail or None))
    edit.save()
    for finding in read_ledger(path).ledger.findings:
        assert (finding.title, finding.detail, finding.owner, finding.measures) == (
            title,
            detail,
            owner,
            [measure],
        )
    assert read_ledger(path).ledger.findings[0].history[-1].note == (detail or None)
