"""Bad input found by a hostile review: each case gets a plain error and loses nothing."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, Run


@pytest.mark.parametrize("approver", ["张　某", "张 某", "张\u200b某", " 张某 "])
def test_an_approver_who_is_the_closer_in_disguise_is_refused(run: Run, demo: Path, approver: str) -> None:
    result = run("close", "demo-001", "--by", "张某", "--approver", approver)
    assert result.exit_code == 1
    assert "is the person who closed it" in result.stderr


def test_fullwidth_letters_are_the_same_person(run: Run, demo: Path) -> None:
    result = run("close", "demo-001", "--by", "ＷＡＮＧ", "--approver", "wang")
    assert "is the person who closed it" in result.stderr


@pytest.mark.parametrize("unit", ["../outside/demo", "/tmp/demo", "Demo/..", "x" * 300])
def test_a_unit_that_is_not_an_id_is_refused(run: Run, demo: Path, unit: str) -> None:
    result = run("add", "-u", unit, "-a", "a", "-t", "t")
    assert result.exit_code == 2
    assert "is not a unit id: lowercase letters, digits and hyphens" in result.stderr
    assert "Traceback" not in result.output


def test_a_unit_typed_in_capitals_is_its_id_not_another_file(run: Run, demo: Path) -> None:
    """``-u Demo`` is the unit demo (as a finding id typed in capitals is its finding): the
    finding goes into demo.yaml, and no Demo.yaml is made."""
    result = run("add", "-u", "Demo", "-a", "作风建设方面", "-t", "新问题")
    assert result.exit_code == 0 and "Demo read as demo" in result.stderr
    assert "新问题" in demo.read_text(encoding="utf-8")
    assert sorted(path.name for path in demo.parent.glob("*.yaml")) == ["demo.yaml"]


def test_a_parent_that_is_not_an_id_is_a_problem(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_text(
        MINIMAL.replace("  name: 示例单位\n", "  name: 示例单位\n  parent: ../x\n"), encoding="utf-8"
    )
    assert run("check").stdout.splitlines() == [
        "ledgers/demo.yaml:5:11: unit.parent: unit id '../x' must be lowercase letters, digits and hyphens, e.g. jinhua"
    ]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_read_only_ledger_is_not_replaced(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    demo.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        result = run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01")
        assert result.exit_code == 1
        assert (
            result.stderr
            == "rectify: error: ledgers/demo.yaml is read-only; make it writable (chmod u+w) to change it\n"
        )
        assert demo.read_bytes() == before
    finally:
        demo.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_closed_finding_without_history_is_a_problem(run: Run, folder: Path) -> None:
    text = MINIMAL.replace(
        "    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #", "    status: closed\n  #"
    )
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert run("check").stdout.splitlines() == [
        "ledgers/demo.yaml:15:13: demo-001.status: status is closed but the finding has no history; record its steps"
    ]


def test_a_finding_without_history_can_be_closed(run: Run, folder: Path) -> None:
    text = MINIMAL.replace("    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #", "  #")
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    result = run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01")
    assert result.exit_code == 0, result.output
    assert run("check").exit_code == 0
    assert "2021-09-01  add  — history started by rectify" in run("show", "demo-001").stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "aspect,title,owner\n方面,制度不健全,执行不到位,张三\n",
            "bad.csv:2:4: row 2 has 4 cells but the header names 3",
        ),
        ("aspect,title,title\n方面,t1,t2\n", "bad.csv:1:3: column 'title' is title again (as column 2)"),
        (
            'aspect,title\n方面,"关于制度\n方面,二\n',
            "bad.csv:2:1: not valid CSV from here: unexpected end of data (an unclosed quote?)",
        ),
    ],
    ids=["extra-cells", "duplicate-column", "unclosed-quote"],
)
def test_csv_feedback_that_would_lose_data_is_refused(
    run: Run, demo: Path, tmp_path: Path, content: str, expected: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    before = demo.read_bytes()
    result = run("add", "-u", "demo", "--from", str(bad), "--date", "2021-08-01")
    assert result.exit_code == 1
    assert expected in result.stderr
    assert demo.read_bytes() == before


def test_yml_files_are_reported_not_ignored(run: Run, demo: Path) -> None:
    demo.rename(demo.with_suffix(".yml"))
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["ledgers/demo.yml:1:1: ledger files end in .yaml; rename it to demo.yaml"]


def test_bad_environment_and_odd_values_give_plain_errors(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "garbage")
    result = run("status")
    assert result.exit_code == 2
    assert result.stderr == "rectify: error: RECTIFY_TODAY='garbage' is not a date written YYYY-MM-DD\n"
    monkeypatch.setenv("RECTIFY_TODAY", "2021-12-31")
    loop = demo.parent / "loop"
    loop.symlink_to(loop)
    result = run("close", "demo-001", "--by", "甲", "--approver", "乙", "-e", str(loop))
    assert result.exit_code == 2
    assert "cannot be followed" in result.stderr or "evidence file not found" in result.stderr


def test_funds_must_be_written_with_digits(run: Run, folder: Path) -> None:
    text = MINIMAL.replace("    owner: 张某\n", '    owner: 张某\n    accountability:\n      funds_yuan: "１２"\n')
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert run("check").stdout.splitlines() == [
        "ledgers/demo.yaml:15:19: demo-001.accountability.funds_yuan: "
        "expected an amount in 元 written with digits and at most two decimals, such as \"12000.00\" "
        "(under 10 trillion), got '１２'"
    ]


def test_an_empty_findings_key_is_an_empty_ledger(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_text("unit:\n  id: demo\n  name: 示例\nfindings:\n", encoding="utf-8")
    assert run("check").exit_code == 0
    assert run("add", "-u", "demo", "-a", "a", "-t", "t", "--date", "2021-08-01").stdout == "demo-001\n"
    assert (folder / "demo.yaml").read_text(encoding="utf-8").endswith("        action: add\n")


def test_a_finding_without_history_is_counted_from_the_feedback_date(run: Run, folder: Path) -> None:
    text = MINIMAL.replace("    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #", "  #")
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    before = json.loads(run("status", "--format", "json", "--as-of", "2021-07-27").stdout)
    after = json.loads(run("status", "--format", "json", "--as-of", "2021-07-28").stdout)
    assert (before[0]["findings"], after[0]["findings"]) == (0, 2)
