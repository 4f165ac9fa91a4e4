"""`status` over many units in bounded memory (rectify/files/ledgerfile.py `scan_folder`,
`Ledgers.unit_counts`): each ledger is read, counted and let go, and only a `Kept` of it
stays for the rules across files. The figures and the problems are those of the read that
keeps every ledger, on the shipped ledgers, on every bad-input case, with and without the
cache."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from rectify.api import Ledgers
from rectify.domain import figures
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files.cache import Cache
from rectify.files.ledgerfile import Kept, Loaded, check_folder, scan_folder
from tests.conftest import MINIMAL, Run
from tests.test_bad_corpus import BAD, CASES, VALID

AS_OF = date(2021, 11, 30)


@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize("case", sorted([*CASES, *VALID]))
def test_scan_finds_the_problems_check_finds_on_every_bad_input(tmp_path: Path, case: str, cached: bool) -> None:
    folder = tmp_path / case
    shutil.copytree(BAD / case, folder)
    for _ in range(2):  # the second time from the cache's entries
        read = Cache(folder).read if cached else None
        loaded, expected = check_folder(folder, read=read)
        seen: list[Loaded] = []
        assert scan_folder(folder, seen.append, read=read) == expected
        assert [item.ledger for item in seen] == [item.ledger for item in loaded]


def test_the_unit_table_is_the_same_read_either_way(shipped: Path, run: Run) -> None:
    api = Ledgers(shipped)
    ledgers = api.ledgers()
    assert len(ledgers) == 10
    for tree in (False, True):
        assert api.status(AS_OF, tree=tree) == (*figures.unit_rows(ledgers, AS_OF, tree=tree), None)
    kept = [(unit.id, unit.name, unit.parent, unit.supervisor, counts) for unit, counts in api.unit_counts(AS_OF)]
    assert kept == [
        (ledger.unit.id, ledger.unit.name, ledger.unit.parent, ledger.unit.supervisor, figures.unit_rows([ledger], AS_OF)[1])
        for ledger in ledgers
    ]  # the units as the cache's records hold them (plain text, no model)
    assert [unit.id for unit, _ in api.unit_counts(AS_OF, under="jinhua")] == [
        ledger.unit.id for ledger in figures.within(ledgers, "jinhua")
    ]
    rows, total, title = api.status(AS_OF, unit="jinhua", tree=True)
    assert (rows, total) == figures.unit_rows(figures.within(ledgers, "jinhua"), AS_OF, tree=True)
    assert title == "金华市人民检察院"
    plain = Ledgers(shipped, cache=False).unit_counts(AS_OF)
    assert [(unit.id, unit.name, unit.parent, unit.supervisor, counts) for unit, counts in plain] == kept
    with pytest.raises(UsageError, match="no unit is followed by 'nobody'"):
        api.unit_counts(AS_OF, supervisor="nobody")
    with pytest.raises(UsageError, match="no unit 'nowhere' among the units chosen"):
        api.unit_counts(AS_OF, under="nowhere")
    # what the command prints is the same with and without the cache
    assert run("status", "--as-of", "2021-11-30").stdout == run("--no-cache", "status", "--as-of", "2021-11-30").stdout


def test_a_broken_ledger_stops_the_table_with_every_problem(demo: Path) -> None:
    (demo.parent / "other.yaml").write_text(MINIMAL.replace("id: demo\n", "id: other\n"), encoding="utf-8")
    with pytest.raises(LedgerError) as raised:
        Ledgers(demo.parent, cache=False).unit_counts(AS_OF)
    _, expected = check_folder(demo.parent)
    assert raised.value.problems == expected
    assert "duplicate finding id 'demo-001': also in ledgers/demo.yaml:10" in [p.message for p in expected]


def _ledger(unit: str, ids: list[str]) -> str:
    return MINIMAL.replace("id: demo\n", f"id: {unit}\n").replace("demo-001", ids[0]).replace("demo-002", ids[1])


def test_ids_across_files_compared_a_prefix_at_a_time(folder: Path) -> None:
    # a.yaml holds an id of unit b (reported by its own rule, and as a duplicate in b.yaml,
    # where the first one is a's); c.yaml is a second file of unit a, all its ids collide
    (folder / "a.yaml").write_text(_ledger("a", ["a-001", "b-001"]), encoding="utf-8")
    (folder / "b.yaml").write_text(_ledger("b", ["b-001", "b-002"]), encoding="utf-8")
    (folder / "c.yaml").write_text(_ledger("a", ["a-001", "a-002"]), encoding="utf-8")
    seen: list[Loaded] = []
    problems = scan_folder(folder, seen.append)
    assert [item.ledger.unit.id for item in seen] == ["a", "b", "a"]
    duplicates = [p for p in problems if p.message.startswith("duplicate finding id")]
    assert duplicates == [
        Problem("ledgers/b.yaml", 10, 9, "duplicate finding id 'b-001': also in ledgers/a.yaml:20", "b-001"),
        Problem("ledgers/c.yaml", 10, 9, "duplicate finding id 'a-001': also in ledgers/a.yaml:10", "a-001"),
    ]
    assert duplicates == [p for p in check_folder(folder)[1] if p.message.startswith("duplicate finding id")]


def test_kept_is_small_and_finds_positions_again(demo: Path) -> None:
    loaded, _ = check_folder(demo.parent)
    kept = Kept(loaded[0])
    assert kept.finding_ids == ["demo-001", "demo-002"]
    assert kept.unit.id == "demo" and kept.name == "ledgers/demo.yaml"
    assert not hasattr(kept, "ledger") and not hasattr(kept, "__dict__")
    assert kept.at(("findings", 1, "id")) == (20, 9)  # read again from the file
    problem = kept.problem(("findings", 1, "id"), "something")
    assert problem == Problem("ledgers/demo.yaml", 20, 9, "demo-002.id: something", "demo-002")
