"""Bad input: every kind of broken ledger is reported at its line and column, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MINIMAL, Run


def _sub(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


CASES = [
    pytest.param(
        _sub("    title: 制度执行不严格\n", "    title: [制度执行不严格\n"),
        "ledgers/demo.yaml:23:13: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 22)",
        id="yaml-syntax",
    ),
    pytest.param(
        _sub("    owner: 张某\n", "\towner: 张某\n"),
        "ledgers/demo.yaml:13:1: YAML syntax error: a tab character in the indentation; "
        "YAML indents with spaces only",
        id="tab-indent",
    ),
    pytest.param(
        _sub("    deadline: 2021-12-31\n", "    deadline: 2021-12-31\n    title: 重复\n"),
        "ledgers/demo.yaml:24:5: duplicate key 'title' (first given at line 22); keep one of them",
        id="duplicate-key",
    ),
    pytest.param(
        _sub(
            "    deadline: 2021-12-31\n    status: open\n",
            "    deadline: 2021-12-31\n    staus: open\n",
        ),
        "ledgers/demo.yaml:24:5: demo-002.staus: unknown field 'staus'; did you mean 'status'?",
        id="unknown-field",
    ),
    pytest.param(
        _sub("    owner: 张某\n", "    owner: 张某\n    measures: 制定方案\n"),
        "ledgers/demo.yaml:14:15: demo-001.measures: expected a list, got '制定方案'",
        id="wrong-type",
    ),
    pytest.param(
        _sub("    deadline: 2021-10-31\n", "    deadline: 2024-02-30\n"),
        "ledgers/demo.yaml:14:15: demo-001.deadline: '2024-02-30' is not a real date",
        id="impossible-date",
    ),
    pytest.param(
        _sub(
            "    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #",
            "    status: done\n    history:\n      - date: 2021-07-28\n        action: add\n  #",
        ),
        "ledgers/demo.yaml:15:13: demo-001.status: 'done' is not allowed here; expected one of "
        "open, in_progress, submitted, closed, long_term, withdrawn",
        id="bad-status",
    ),
    pytest.param(
        _sub(
            "  # a comment between findings, written by hand\n",
            "<<<<<<< HEAD\n  - id: demo-003\n=======\n  - id: demo-004\n>>>>>>> branch\n",
        ),
        "ledgers/demo.yaml:19:1: unresolved git merge conflict marker '<<<<<<<'; resolve the conflict and "
        "remove the marker",
        id="conflict-between-items",
    ),
    pytest.param(
        _sub(
            "    owner: 张某\n",
            "    detail: |\n      第一行\n      =======\n      第二行\n    owner: 张某\n",
        ),
        "ledgers/demo.yaml:15:7: unresolved git merge conflict marker '======='; resolve the conflict and "
        "remove the marker",
        id="conflict-inside-text",
    ),
    pytest.param(
        _sub(
            "    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #",
            "    status: closed\n    history:\n      - date: 2021-07-28\n        action: add\n  #",
        ),
        "ledgers/demo.yaml:15:13: demo-001.status: status is closed but its history leads to open",
        id="status-disagrees-with-history",
    ),
    pytest.param(
        _sub("  id: demo\n", "  id: other\n"),
        "ledgers/demo.yaml:3:7: the file is named 'demo' but holds unit 'other'; rename the file to "
        "other.yaml or fix the id",
        id="stem-not-unit-id",
    ),
    pytest.param(
        _sub("  name: 示例单位\n", "  name: 示例单位\n  parent: nowhere\n"),
        "ledgers/demo.yaml:5:11: unit.parent: unknown unit 'nowhere' (no ledger nowhere.yaml)",
        id="unknown-parent",
    ),
    pytest.param(
        _sub("  - id: demo-002\n", "  - id: demo-001\n"),
        "ledgers/demo.yaml:20:9: demo-001.id: duplicate finding id 'demo-001' (also at line 10)",
        id="duplicate-id-in-file",
    ),
    pytest.param(
        _sub("  group: 市委第一巡察组\n", "  group: &g 市委第一巡察组\n  round2: *g\n"),
        "ledgers/demo.yaml:7:10: anchors and aliases (& and *) are not allowed in a ledger; write the value out",
        id="alias",
    ),
    pytest.param(
        "",
        "ledgers/demo.yaml:1:1: the ledger is empty; it needs unit, inspection and findings",
        id="empty",
    ),
    pytest.param(
        "# only a comment\n\n# and another\n",
        "ledgers/demo.yaml:1:1: the ledger is empty; it needs unit, inspection and findings",
        id="only-comments",
    ),
    pytest.param(
        MINIMAL[:300],
        "ledgers/demo.yaml:17:15: demo-001.history[1].date: expected a date written "
        "YYYY-MM-DD, got '2021-07-'",
        id="truncated",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_check_reports_problem_at_its_line(run: Run, folder: Path, text: str, expected: str) -> None:
    ledger = folder / "demo.yaml"
    ledger.write_text(text, encoding="utf-8")
    before = ledger.read_bytes()
    result = run("check")
    assert result.exit_code == 1
    assert expected in result.stdout.splitlines(), result.stdout
    assert "Traceback" not in result.output
    # every other command stops with the same message and writes nothing
    for args in (
        ("status",),
        ("add", "-u", "demo", "-a", "x", "-t", "y"),
        ("close", "demo-001", "--by", "甲", "--approver", "乙"),
    ):
        other = run(*args)
        assert other.exit_code != 0, (args, other.output)
        if args[0] == "status":
            assert expected in other.stderr.splitlines(), other.stderr
        assert ledger.read_bytes() == before, args


def test_every_problem_in_every_file_is_reported(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_text(
        _sub("    deadline: 2021-10-31\n", "    deadline: 2021-02-29\n").replace(
            "    owner: 张某\n", "    ownr: 张某\n"
        ),
        encoding="utf-8",
    )
    (folder / "other.yaml").write_text(
        MINIMAL.replace("demo", "other").replace("    title: 理论学习不深入\n", "").replace("示例单位", "另一单位"),
        encoding="utf-8",
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/demo.yaml:13:5: demo-001.ownr: unknown field 'ownr'; did you mean 'owner'?",
        "ledgers/demo.yaml:14:15: demo-001.deadline: '2021-02-29' is not a real date",
        "ledgers/other.yaml:10:5: other-001: missing required field 'title'",
    ]
    assert result.stderr == "3 problems in ledgers\n"


def test_duplicate_finding_id_across_files(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_text(MINIMAL, encoding="utf-8")
    other = MINIMAL.replace("  id: demo\n", "  id: other\n").replace("demo-001", "other-001")
    (folder / "other.yaml").write_text(other, encoding="utf-8")
    assert run("check").exit_code == 1  # demo-002 stays in other.yaml: wrong unit and a duplicate
    lines = run("check").stdout.splitlines()
    assert (
        "ledgers/other.yaml:20:9: demo-002.id: 'demo-002' does not belong to unit 'other' (expected other-NNN)"
        in lines
    )
    assert "ledgers/other.yaml:20:9: duplicate finding id 'demo-002': also in ledgers/demo.yaml:20" in lines


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            MINIMAL.encode("gbk"),
            "ledgers/demo.yaml:4:10: the file is not UTF-8 text (byte 0xc0 cannot be read; GBK or another encoding?); "
            "save it as UTF-8",
        ),
        (
            MINIMAL.encode("utf-16"),
            "ledgers/demo.yaml:1:1: the file is UTF-16 encoded; save it as UTF-8",
        ),
    ],
    ids=["gbk", "utf-16"],
)
def test_other_encodings_are_a_clear_error(run: Run, folder: Path, data: bytes, expected: str) -> None:
    (folder / "demo.yaml").write_bytes(data)
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == expected.split("\n")


def test_check_json_and_ok(run: Run, demo: Path) -> None:
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "ok: 1 ledger, 2 findings in ledgers\n"
    demo.write_text(_sub("    deadline: 2021-10-31\n", "    deadline: 2021-13-01\n"), encoding="utf-8")
    import json

    result = run("check", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": "ledgers/demo.yaml",
            "line": 14,
            "col": 15,
            "finding": "demo-001",
            "message": "demo-001.deadline: '2021-13-01' is not a real date",
        }
    ]


def test_parent_cycle(run: Run, folder: Path) -> None:
    a = MINIMAL.replace("  name: 示例单位\n", "  name: 示例单位\n  parent: other\n")
    b = MINIMAL.replace("  id: demo\n", "  id: other\n  parent: demo\n").replace("demo-00", "other-00")
    b = b.replace("示例单位", "另一单位")  # one name, one unit
    (folder / "demo.yaml").write_text(a, encoding="utf-8")
    (folder / "other.yaml").write_text(b, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/demo.yaml:5:11: unit.parent: parents form a cycle: demo -> other -> demo",
        "ledgers/other.yaml:4:11: unit.parent: parents form a cycle: other -> demo -> other",
    ]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            "        by: 张某\n",
            "ledgers/demo.yaml:19:9: demo-001.history[2]: a close event needs 'approver': 销号 requires 审签",
        ),
        (
            "        by: 张某\n        approver: 张某\n",
            "ledgers/demo.yaml:19:9: demo-001.history[2]: the approver (张某) is the person who closed it\n"
            "ledgers/demo.yaml:19:9: demo-001.history[2]: 张某 is this finding's owner (责任人) and "
            "cannot sign it off",
        ),
        (
            "        approver: 李某\n",
            "ledgers/demo.yaml:19:9: demo-001.history[2]: a close event needs 'by': who closed the finding",
        ),
    ],
    ids=["no-approver", "self-approved", "no-closer"],
)
def test_a_close_by_hand_needs_a_second_persons_sign_off(run: Run, folder: Path, event: str, expected: str) -> None:
    text = MINIMAL.replace(
        "    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #",
        "    status: closed\n    history:\n      - date: 2021-07-28\n        action: add\n"
        f"      - date: 2021-09-01\n        action: close\n{event}  #",
    )
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == expected.split("\n")


def test_a_duplicate_key_does_not_hide_the_other_problems(run: Run, folder: Path) -> None:
    text = _sub("    deadline: 2021-12-31\n", "    deadline: 2021-12-31\n    title: 重复\n").replace(
        "    deadline: 2021-10-31\n", "    deadline: 2021-10-32\n"
    )
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert run("check").stdout.splitlines() == [
        "ledgers/demo.yaml:14:15: demo-001.deadline: '2021-10-32' is not a real date",
        "ledgers/demo.yaml:24:5: duplicate key 'title' (first given at line 22); keep one of them",
    ]


def test_missing_evidence_is_found_by_check_but_does_not_stop_status(run: Run, demo: Path, tmp_path: Path) -> None:
    proof = tmp_path / "p.pdf"
    proof.write_bytes(b"x")
    assert (
        run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01", "-e", str(proof)).exit_code
        == 0
    )
    proof.unlink()
    assert run("check").exit_code == 1
    assert run("status").exit_code == 0


def _bomb(levels: int) -> str:
    lines = ["    x0: &x0", "      - lol"]
    for level in range(1, levels):
        lines.append(f"    x{level}: &x{level}")
        lines.extend([f"      - *x{level - 1}"] * 6)
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_inside_a_finding_is_refused_at_once(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_text(_sub("    owner: 张某\n", "    owner: 张某\n" + _bomb(14)), encoding="utf-8")
    result = run("check")  # 6**13 copies if expanded: it must not be
    assert result.exit_code == 1
    assert "anchors and aliases (& and *) are not allowed in a ledger; write the value out" in result.stdout


def test_deep_nesting_inside_a_finding_is_a_plain_error(run: Run, folder: Path) -> None:
    deep = "".join("      " + "  " * i + "-\n" for i in range(300)) + "      " + "  " * 300 + "- x\n"
    (folder / "demo.yaml").write_text(_sub("    owner: 张某\n", "    owner: 张某\n    x:\n" + deep), encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "nested more than 64 levels deep" in result.stdout


@pytest.mark.parametrize(
    ("char", "what"),
    [
        ("\u2028", "a LINE SEPARATOR (U+2028)"),
        ("\x85", "a NEXT LINE (U+0085) character"),
        ("\r", "a carriage return (CR) without a line feed"),
    ],
)
def test_characters_yaml_reads_as_line_breaks_are_refused(run: Run, folder: Path, char: str, what: str) -> None:
    (folder / "demo.yaml").write_text(
        _sub("    title: 制度执行不严格\n", f"    title: 制度{char}执行不严格\n"), encoding="utf-8"
    )
    assert run("check").stdout.splitlines() == [
        f"ledgers/demo.yaml:22:14: {what}, which YAML reads as a line break; remove it (in double quotes write an escape)"
    ]


def test_a_control_character_is_reported_at_its_place(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_text(
        _sub("    title: 制度执行不严格\n", "    title: 制度\x07执行不严格\n"), encoding="utf-8"
    )
    assert run("check").stdout.splitlines() == [
        "ledgers/demo.yaml:22:14: the control character U+0007 is not allowed in a ledger; remove it"
    ]


def test_a_schema_error_does_not_hide_the_rules_problems(run: Run, folder: Path) -> None:
    text = (
        _sub("    deadline: 2021-10-31\n", "    deadline: 2021-13-01\n")
        .replace("  - id: demo-002\n", "  - id: other-002\n")
        .replace("    deadline: 2021-12-31\n    status: open\n", "    deadline: 2021-12-31\n    status: closed\n")
    )
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert run("check").stdout.splitlines() == [
        "ledgers/demo.yaml:14:15: demo-001.deadline: '2021-13-01' is not a real date",
        "ledgers/demo.yaml:20:9: other-002.id: 'other-002' does not belong to unit 'demo' (expected demo-NNN)",
        "ledgers/demo.yaml:24:13: other-002.status: status is closed but its history leads to open",
    ]
