"""Writes change only the lines of the touched findings, keep comments, and keep text as text."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, Run


def _changed_lines(before: str, after: str) -> list[tuple[str, int, str]]:
    """Return (sign, 1-based line in the old or new text, line) for each line a diff marks."""
    out = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out += [("-", i + 1, before.splitlines()[i]) for i in range(a1, a2)]
        out += [("+", j + 1, after.splitlines()[j]) for j in range(b1, b2)]
    return out


def test_close_changes_only_that_findings_lines(run: Run, demo: Path) -> None:
    before = demo.read_text(encoding="utf-8")
    assert run("close", "demo-002", "--by", "王某", "--approver", "钟某", "--date", "2021-12-20").exit_code == 0
    after = demo.read_text(encoding="utf-8")
    changes = _changed_lines(before, after)
    assert changes == [
        ("-", 24, "    status: open"),
        ("+", 24, "    status: closed"),
        ("+", 28, "      - date: 2021-12-20"),
        ("+", 29, "        action: close"),
        ("+", 30, "        by: 王某"),
        ("+", 31, "        approver: 钟某"),
    ]
    assert "  # a comment between findings, written by hand" in after
    assert after.startswith("# hand-written ledger used by the tests\n")


def test_git_diff_shows_only_the_closed_finding(run: Run, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "ledgers"
    folder.mkdir()
    ledger = folder / "demo.yaml"
    ledger.write_text(MINIMAL, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    assert run("close", "demo-001", "--by", "张某", "--approver", "李某", "--date", "2021-10-01").exit_code == 0
    diff = subprocess.run([*git, "diff", "-U0", "--no-color"], check=True, capture_output=True, text=True).stdout
    body = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert body == [
        "-    status: open",
        "+    status: closed",
        "+      - date: 2021-10-01",
        "+        action: close",
        "+        by: 张某",
        "+        approver: 李某",
    ]


def test_add_appends_and_bumps_last_number_only(run: Run, demo: Path) -> None:
    before = demo.read_text(encoding="utf-8")
    assert (
        run(
            "add",
            "-u",
            "demo",
            "-a",
            "作风建设方面",
            "-t",
            "服务企业举措不多",
            "--date",
            "2021-08-01",
        ).exit_code
        == 0
    )
    changes = _changed_lines(before, demo.read_text(encoding="utf-8"))
    assert changes[0] == ("+", 9, "last_number: 3")
    assert [line for _, _, line in changes[1:]] == [
        "  - id: demo-003",
        "    aspect: 作风建设方面",
        "    title: 服务企业举措不多",
        "    status: open",
        "    history:",
        "      - date: 2021-08-01",
        "        action: add",
    ]
    assert run("add", "-u", "demo", "-a", "作风建设方面", "-t", "第四个问题", "--date", "2021-08-01").exit_code == 0
    changes = _changed_lines(before, demo.read_text(encoding="utf-8"))
    assert changes[0] == ("+", 9, "last_number: 4")


HAND_TYPED = """\
unit:
  id: demo
  name: 示例单位
inspection:
  round: no
  group: 0017
findings:
  - id: demo-001
    aspect: off
    title: 3.10
    detail: 10:00
    owner: yes
    leader: 0x1F
    department: ~
    measures: [1e3, true, "#tag", 'a: b']
    status: open
    history:
      - {date: 2021-07-28, action: add, note: 007}
  - id: demo-002
    aspect: 作风建设方面
    title: 其他
    status: open
    history:
      - date: 2021-07-28
        action: add
"""


def test_hand_typed_values_stay_text_after_a_rewrite(run: Run, folder: Path) -> None:
    ledger = folder / "demo.yaml"
    ledger.write_text(HAND_TYPED, encoding="utf-8")
    assert run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01").exit_code == 0
    assert run("add", "-u", "demo", "-a", "x", "-t", "y").exit_code == 0
    from rectify.files.ledgerfile import read_ledger

    ledger_model = read_ledger(ledger).ledger
    assert ledger_model.inspection.round == "no"
    assert ledger_model.inspection.group == "0017"
    first = ledger_model.findings[0]
    assert (first.aspect, first.title, first.detail, first.owner, first.leader) == (
        "off",
        "3.10",
        "10:00",
        "yes",
        "0x1F",
    )
    assert first.department is None
    assert first.measures == ["1e3", "true", "#tag", "a: b"]
    assert first.history[0].note == "007"
    text = ledger.read_text(encoding="utf-8")
    assert "    title: '3.10'\n" in text and "    detail: '10:00'\n" in text
    assert "  round: no\n" in text  # untouched lines stay exactly as typed


def test_crlf_and_bom_are_kept(run: Run, folder: Path) -> None:
    ledger = folder / "demo.yaml"
    ledger.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode("utf-8"))
    assert run("check").exit_code == 0
    assert run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01").exit_code == 0
    data = ledger.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfunit:") is False
    assert data.startswith(b"\xef\xbb\xbf# hand-written")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert "        approver: 乙\r\n" in data.decode("utf-8")


def test_multiline_text_round_trips(run: Run, folder: Path) -> None:
    ledger = folder / "demo.yaml"
    ledger.write_text(
        MINIMAL.replace(
            "    owner: 张某\n",
            "    detail: |\n      第一行\n      # 不是注释\n\n      第三行\n    owner: 张某\n",
        ),
        encoding="utf-8",
    )
    assert run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01").exit_code == 0
    from rectify.files.ledgerfile import read_ledger

    assert read_ledger(ledger).ledger.findings[0].detail == "第一行\n# 不是注释\n\n第三行\n"
    assert "  # a comment between findings, written by hand" in ledger.read_text(encoding="utf-8")


def test_no_temporary_files_are_left(run: Run, demo: Path) -> None:
    run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01")
    run("add", "-u", "demo", "-a", "x", "-t", "y")
    assert sorted(p.name for p in demo.parent.iterdir() if p.name != ".rectify.lock") == ["demo.yaml"]


def test_findings_written_empty_get_a_block(run: Run, folder: Path) -> None:
    assert run("unit", "add", "solo", "--name", "单位").exit_code == 0
    ledger = folder / "solo.yaml"
    assert ledger.read_text(encoding="utf-8").endswith("findings: []\n")
    assert run("add", "-u", "solo", "-a", "方面", "-t", "问题", "--date", "2021-08-01").stdout == "solo-001\n"
    text = ledger.read_text(encoding="utf-8")
    assert "last_number: 1\nfindings:\n  - id: solo-001\n" in text
    assert run("check").exit_code == 0


def test_shared_values_are_written_out_not_aliased(tmp_path: Path) -> None:
    from datetime import date

    from rectify.domain.model import Accountability, Event, Finding, Ledger, Unit
    from rectify.files import yamlwrite as yamldoc

    day = date(2021, 7, 28)
    finding = Finding(
        id="demo-001",
        aspect="a",
        title="t",
        deadline=day,
        history=[Event(date=day, action="add")],
        accountability=Accountability(people={"批评教育": 2}),
    )
    text = yamldoc.render_ledger(Ledger(unit=Unit(id="demo", name="n"), findings=[finding, finding]))
    assert "&" not in text and "*" not in text
    assert "    accountability:\n      people:\n        批评教育: 2\n" in text
    assert "funds_yuan" not in text and "rules:" not in text


def test_flow_style_findings_are_written_out_anew(run: Run, folder: Path) -> None:
    ledger = folder / "demo.yaml"
    ledger.write_text(
        "# top comment\nunit: {id: demo, name: 示例}\nfindings: [{id: demo-001, aspect: a, title: t, "
        "history: [{date: 2021-07-28, action: add}]}]\n",
        encoding="utf-8",
    )
    assert run("check").exit_code == 0
    assert run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01").exit_code == 0
    text = ledger.read_text(encoding="utf-8")
    assert text.startswith("# top comment\nunit:\n  id: demo\n")
    assert "    status: closed\n" in text
    assert run("check").exit_code == 0


def test_mixed_line_ends_are_kept_line_by_line(run: Run, folder: Path) -> None:
    ledger = folder / "demo.yaml"
    lines = MINIMAL.split("\n")
    mixed = "\r\n".join(lines[:9]) + "\r\n" + "\n".join(lines[9:])  # header CRLF, findings LF
    ledger.write_bytes(mixed.encode("utf-8"))
    assert run("close", "demo-002", "--by", "甲", "--approver", "乙", "--date", "2021-09-01").exit_code == 0
    data = ledger.read_bytes().decode("utf-8")
    assert data.count("\r\n") == 9
    assert data.startswith("\r\n".join(lines[:9]) + "\r\n")


def test_text_that_looks_like_a_conflict_marker_is_stored(run: Run, demo: Path) -> None:
    detail = "一、总体情况\n=======\n二、具体问题"
    result = run("add", "-u", "demo", "-a", "a", "-t", "t", "--detail", detail, "--date", "2021-08-01")
    assert result.exit_code == 0, result.output
    assert run("check").exit_code == 0
    from rectify.files.ledgerfile import read_ledger

    assert read_ledger(demo).ledger.findings[-1].detail == detail
