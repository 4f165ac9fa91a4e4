"""The ledger's verbs and views (issue "The ledger's missing verbs and views"): edit,
withdraw, evidence while working, dated 到位 counters, extensions as a figure, supervision
groups, three levels, categories and high-frequency problems, and a second real inspection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, Run

WUCHENG = REPO / "examples" / "wucheng-culture-2023" / "ledgers"


def _json(run: Run, *args: str) -> list[dict[str, object]]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_edit_records_each_old_and_new_value(run: Run, demo: Path) -> None:
    result = run("edit", "demo-001", "--owner", "李某", "-m", "学习计划", "-m", "专题辅导", "--by", "王某",
                 "--reason", "人事调整", "--date", "2021-08-02")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "edit demo-001: owner, measures (王某) (2021-08-02)\n"
    text = demo.read_text(encoding="utf-8")
    assert "        changes:\n          - field: owner\n            old: 张某\n            new: 李某\n" in text
    shown = run("show", "demo-001", "--lang", "zh").stdout
    assert "修改  王某  — 人事调整  责任人：张某 → 李某  整改措施：— → 学习计划；专题辅导" in shown
    assert run("check").exit_code == 0


def test_the_deadline_is_not_edited_and_nothing_changes_without_a_change(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    assert run("edit", "demo-001", "--deadline", "2031-10-31", "--by", "王某", "--reason", "r").exit_code == 2
    same = run("edit", "demo-001", "--owner", "张某", "--by", "王某", "--reason", "r")
    assert same.exit_code == 2 and "nothing to change" in same.stderr
    none = run("edit", "demo-001", "--by", "王某", "--reason", "r")
    assert none.exit_code == 2 and "name at least one field" in none.stderr
    assert demo.read_bytes() == before


def test_withdraw_takes_a_finding_out_of_every_figure_from_its_date(run: Run, demo: Path) -> None:
    refused = run("withdraw", "demo-002", "--reason", "重复", "--by", "甲", "--approver", "甲")
    assert refused.exit_code == 1 and "cannot approve it too" in refused.stderr
    missing = run("withdraw", "demo-002", "--reason", "重复", "--by", "甲", "--approver", "乙", "--into", "demo-009")
    assert missing.exit_code == 2
    result = run("withdraw", "demo-002", "--reason", "重复", "--by", "甲", "--approver", "乙", "--into", "demo-001",
                 "--date", "2021-09-01")  # fmt: skip
    assert result.stdout == "withdraw demo-002: 合并至 demo-001 乙 (2021-09-01)\n"
    assert _json(run, "status", "--as-of", "2021-08-31")[-1]["findings"] == 2
    assert _json(run, "status", "--as-of", "2021-09-01")[-1]["findings"] == 1
    assert [r["id"] for r in _json(run, "list")] == ["demo-001"]
    assert [r["id"] for r in _json(run, "list", "--withdrawn")] == ["demo-002"]
    assert run("overdue").stdout.count("demo-002") == 0
    assert run("check").exit_code == 0
    again = run("start", "demo-002", "--by", "甲")
    assert again.exit_code == 1 and "cannot start a finding that is withdrawn" in again.stderr
    assert run("add", "-u", "demo", "-a", "方面", "-t", "新问题").stdout == "demo-003\n"  # ids never reused


def test_progress_attaches_evidence_without_changing_the_state(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "会议纪要.pdf").write_bytes(b"%PDF minutes")
    assert run("start", "demo-001", "--by", "张某", "--date", "2021-08-01").exit_code == 0
    result = run("progress", "demo-001", "--by", "张某", "--note", "召开专题会", "-e", str(tmp_path / "会议纪要.pdf"),
                 "--date", "2021-08-02")  # fmt: skip
    assert result.exit_code == 0, result.output
    record = _json(run, "list")[0]
    assert record["status"] == "in_progress"
    assert [e["path"] for e in record["evidence"]] == ["会议纪要.pdf"]  # type: ignore[index]


def test_rectify_yaml_may_require_evidence_before_close(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text("evidence_required: [close]\n", encoding="utf-8")
    refused = run("close", "demo-002", "--by", "张三", "--approver", "李四", "--date", "2021-09-01")
    assert refused.exit_code == 1 and "a close needs evidence (佐证材料)" in refused.stderr
    (tmp_path / "e.pdf").write_bytes(b"%PDF")
    ok = run("close", "demo-002", "--by", "张三", "--approver", "李四", "-e", str(tmp_path / "e.pdf"),
             "--date", "2021-09-01")  # fmt: skip
    assert ok.exit_code == 0, ok.output


def test_account_records_the_three_counters_as_dated_events(run: Run, demo: Path) -> None:
    result = run("account", "demo-001", "--people", "批评教育=2", "--people", "诫勉=1", "--funds", "12000.00",
                 "--rules", "1", "--by", "王某", "--date", "2021-09-01")  # fmt: skip
    assert result.exit_code == 0, result.output
    before, after = _json(run, "status", "--as-of", "2021-08-31")[-1], _json(run, "status")[-1]
    assert (before["people_total"], before["funds_yuan"], before["rules"]) == (0, "0.00", 0)
    assert after["people"] == {"批评教育": 2, "诫勉": 1}
    assert (after["funds_yuan"], after["rules"]) == ("12000.00", 1)
    assert run("check").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--people", "批评教育"), "--people takes KIND=N"),
        (("--funds", "1.234"), "at most two decimals"),
        (("--funds", "-5"), "at most two decimals"),
        ((), "give --people, --funds or --rules"),
    ],
)
def test_account_refuses_bad_counters_and_writes_nothing(run: Run, demo: Path, args: tuple[str, ...], message: str) -> None:
    before = demo.read_bytes()
    result = run("account", "demo-001", "--by", "王某", *args)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert demo.read_bytes() == before


def test_extensions_in_force_are_a_figure(run: Run, demo: Path) -> None:
    assert run("extend", "demo-001", "--to", "2021-12-31", "--approver", "钟某", "--reason", "需征求意见",
               "--date", "2021-10-20").exit_code == 0  # fmt: skip
    assert _json(run, "status", "--as-of", "2021-10-19")[-1]["extended"] == 0
    assert _json(run, "status", "--as-of", "2021-10-20")[-1]["extended"] == 1
    assert "延期" in run("status", "--wide", "--lang", "zh").stdout


def test_supervision_groups_and_units_below(run: Run, shipped: Path) -> None:
    groups = {r["supervisor"] for r in _json(run, "unit", "list")}  # type: ignore[misc]
    group = sorted(g for g in groups if g)[0]
    rows = _json(run, "status", "--supervisor", str(group), "--as-of", "2021-12-31")
    listed = {r["unit"] for r in _json(run, "unit", "list") if r["supervisor"] == group}
    assert {r["unit"] for r in rows if r["row"] != "total"} == listed
    bad = run("status", "--supervisor", "没有这个组")
    assert bad.exit_code == 2 and "no unit is followed by" in bad.stderr
    tree = _json(run, "status", "--tree", "--unit", "jinhua", "--as-of", "2021-12-31")
    assert tree[0]["rate_text"] == "296/315 94.0%" and tree[1]["rate_text"] == "36/37 97.3%"
    under = _json(run, "list", "--under", "jinhua", "--as-of", "2021-12-31")
    assert len(under) == 315
    assert [r["id"] for r in _json(run, "overdue", "--owner", "陈", "--as-of", "2021-12-31")] == [
        r["id"] for r in _json(run, "overdue", "--as-of", "2021-12-31") if "陈" in str(r["owner"])
    ]


def test_titles_that_mean_the_same_are_one_high_frequency_problem(run: Run, shipped: Path) -> None:
    assert run("add", "-u", "jinhua", "-a", "方面", "-t", "3. 数字化改革工作不到位。", "--date", "2021-12-01").exit_code == 0
    same = _json(run, "list", "--title", "数字化改革工作不到位", "--as-of", "2021-12-31")
    assert "jinhua-038" in {r["id"] for r in same} and len(same) == 9
    groups = _json(run, "frequent", "--as-of", "2021-12-31")
    digital = next(g for g in groups if g["label"] == "数字化改革工作不到位")
    assert digital["findings"] == 9 and "金华市人民检察院" in digital["units"]  # type: ignore[operator]
    assert groups[0]["findings"] >= digital["findings"]  # type: ignore[operator]


def test_categories_come_from_rectify_yaml(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text("categories: [财务管理, 作风建设]\n", encoding="utf-8")
    bad = run("add", "-u", "demo", "-a", "方面", "-t", "问题", "--category", "其他")
    assert bad.exit_code == 2 and "is not one of the categories: 财务管理、作风建设" in bad.stderr
    assert run("add", "-u", "demo", "-a", "方面", "-t", "问题", "--category", "财务管理").exit_code == 0
    rows = _json(run, "status", "--by", "category")
    assert [(r["name"], r["findings"]) for r in rows] == [("", 2), ("财务管理", 1), ("Total", 3)]
    text = demo.read_text(encoding="utf-8").replace("category: 财务管理", "category: 其它")
    demo.write_text(text, encoding="utf-8")
    assert "'其它' is not one of the categories: 财务管理、作风建设" in run("check").stdout


def test_the_wucheng_culture_bureau_inspection_reproduces_its_bulletin(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2023-05-04")
    shutil.copytree(WUCHENG, tmp_path / "ledgers")
    assert run("check").exit_code == 0
    total = _json(run, "status", "--precision", "0", "--as-of", "2023-05-04")[-1]
    assert total["rate_text"] == "19/25 76%"
    assert (total["findings"], total["closed"], total["in_progress"]) == (25, 19, 6)
    assert total["rules"] == 12 and total["funds_yuan"] == "71320.00"
    assert total["people"] == {"批评帮助": 5, "责令检查": 1, "交由纪委调查": 1, "批评教育": 6}
    wide = run("status", "--wide", "--money", "wan", "--precision", "0", "--as-of", "2023-05-04").stdout
    assert "7.132" in wide
    problems = {r["problem"] for r in _json(run, "list", "--as-of", "2023-05-04")}
    assert len(problems) == 10


def test_a_withdrawn_finding_is_left_out_of_the_printed_lists_as_out_of_the_figures(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    """The printed 整改销号表, the 通报 and `status --unit` list what the figures count: a
    withdrawn finding (撤销) counts in none, so none shows it (the trial saw 6 rows under 5)."""
    from openpyxl import load_workbook

    assert run("add", "-u", "demo", "-a", "组织建设方面", "-t", "误挂的问题", "--date", "2021-08-01").stdout == "demo-003\n"
    done = run("withdraw", "demo-003", "--reason", "误挂账", "--by", "甲", "--approver", "乙", "--date", "2021-09-01")
    assert done.exit_code == 0, done.output
    rows = _json(run, "status", "--unit", "demo", "--as-of", "2021-12-31")
    assert [(r["aspect"], r["findings"]) for r in rows] == [("政治建设方面", 2), (None, 2)]  # no 0-finding row
    before = _json(run, "status", "--unit", "demo", "--as-of", "2021-08-31")
    assert [r["findings"] for r in before] == [2, 1, 3]  # the aspect is there while the finding counted
    assert run("export", "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2021-12-31").exit_code == 0
    sheet = load_workbook(tmp_path / "台账.xlsx").worksheets[1]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any("误挂的问题" in c or "组织建设方面" in c for c in cells)
    assert any("理论学习不深入" in c for c in cells)
    assert run("report", "--details", "-o", str(tmp_path / "通报.md"), "--as-of", "2021-12-31").exit_code == 0
    bulletin = (tmp_path / "通报.md").read_text(encoding="utf-8")
    assert "误挂的问题" not in bulletin and "理论学习不深入" in bulletin
