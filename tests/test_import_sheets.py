"""Importing the sheets offices really keep (issue 14): deadline phrases and status words,
close dates never guessed, 备注, 延期 and the 到位 counters kept, numbering stripped, several
units at once, GBK CSV and .xls, every refusal at its cell, and hostile files refused
before they are loaded. The sheets are made by tests/data/make_sheets.py."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from rectify.domain.steps import Due
from rectify.errors import LedgerError, UsageError
from rectify.files.sheetread import Limits, check_zip
from rectify.files.wording import Deadline, read_deadline
from tests.conftest import Run

DATA = Path(__file__).resolve().parent / "data"


def _rows(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def _status(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("status", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def _notes(row: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(e["date"], e["action"], e["note"]) for e in row["history"] if e["note"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-10-31", Deadline(date(2021, 10, 31))),
        ("2021年10月31日前", Deadline(date(2021, 10, 31))),
        ("2021年12月底前", Deadline(due=Due("2021年12月底前", 2021, 12))),
        ("12月底", Deadline(due=Due("12月底", None, 12))),
        ("十二月底前完成", Deadline(due=Due("十二月底前完成", None, 12))),
        ("年底前", Deadline(due=Due("年底前", None, 12))),
        ("2022年6月", Deadline(due=Due("2022年6月", 2022, 6))),
        ("2022年上半年", Deadline(due=Due("2022年上半年", 2022, 6))),
        ("长期坚持", Deadline(long_term=True)),
        ("2021年底前完成，长期坚持", Deadline(due=Due("2021年底前完成", 2021, 12), long_term=True)),
        ("立行立改", Deadline(due=Due("立行立改", days_after=30))),
        ("２０２１年１２月３１日", Deadline(date(2021, 12, 31))),
        ("20211231", Deadline(date(2021, 12, 31))),
        ("2021/12/31 0:00", Deadline(date(2021, 12, 31))),
        ("/", Deadline()),
    ],
)
def test_deadline_phrases(text: str, expected: Deadline) -> None:
    assert read_deadline(text, 30) == expected


def test_a_phrase_without_a_year_is_the_next_such_day_after_feedback() -> None:
    feedback = date(2021, 8, 20)
    assert Due("12月底", None, 12).on(feedback) == date(2021, 12, 31)
    assert Due("3月底", None, 3).on(feedback) == date(2022, 3, 31)
    assert Due("2月底", 2024, 2).on(feedback) == date(2024, 2, 29)
    assert Due("立行立改", days_after=30).on(feedback) == date(2021, 9, 19)
    with pytest.raises(ValueError, match="'下周' is not a deadline"):
        read_deadline("下周", 30)


def test_a_county_ledger_with_phrases_office_words_notes_and_a_signature_row(
    run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("unit", "add", "jy", "--name", "某县教育局", "--feedback-date", "2021-08-20").exit_code == 0
    early = run("import", str(DATA / "office_county.xlsx"), "--unit", "jy")
    assert early.exit_code == 1  # today is 2021-12-31; the sheet says it was filled in on 2022-01-05
    assert early.stderr.splitlines()[-2:] == [
        "整改台账!J2: 填报时间 2022-01-05 is not between 2021-08-20 (the day put on the ledger; --date) and today "
        "(2021-12-31)",
        "rectify: 1 problem found; nothing was written",
    ]
    monkeypatch.setenv("RECTIFY_TODAY", "2022-01-10")
    result = run("import", str(DATA / "office_county.xlsx"), "--unit", "jy")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "sheets read: 整改台账",
        "status words: 已整改到位 -> closed (1), 已完成整改 -> closed (1), 基本完成 -> in_progress (1), "
        "已完成 -> closed (1), 持续整改 -> long_term (1), 正在推进 -> in_progress (1), 阶段性完成 -> long_term (1)",
        "基本完成、阶段性完成 not closed: a finding is closed only when its 销号 is signed off; to import a word as "
        "closed, map it in rectify.yaml (sheets: status_words) and give the 销号日期 and 审签人",
        "整改台账!J2: 填报时间 2022-01-05; 整改进展 and 备注 are dated that day (a problem closed before it: its 销号日期)",
    ]
    assert result.stdout == "imported 7 findings into jy: jy-001..jy-007\n"
    rows = _rows(run)
    assert [(r["aspect"], r["title"], r["status"], r["deadline"]) for r in rows] == [
        ("党的领导弱化方面", "党组理论学习中心组学习流于形式", "closed", "2021-12-31"),
        ("党的领导弱化方面", "意识形态责任制落实不到位", "closed", "2021-12-31"),
        ("党的领导弱化方面", "“三重一大”决策程序不规范", "in_progress", "2021-12-31"),
        ("全面从严治党不力方面", "公务用车管理不规范", "closed", "2021-09-19"),
        ("全面从严治党不力方面", "校园食堂监管存在薄弱环节", "long_term", None),
        ("全面从严治党不力方面", "教师培训经费使用不规范", "in_progress", "2022-06-30"),
        ("干部队伍建设方面", "年轻干部培养力度不够", "long_term", "2022-06-30"),
    ]
    assert [e["date"] for r in rows for e in r["history"] if e["action"] == "close"] == [
        "2021-11-20",
        "2021-12-28",
        "2021-09-30",
    ]
    # notes of a problem closed before the 填报时间 go on its 销号日期; of one still open, on the 填报时间
    assert _notes(rows[0]) == [("2021-11-20", "progress", "整改时限按台账：2021年12月底前；备注：已报县委巡察办")]
    assert _notes(rows[2]) == [("2022-01-05", "progress", "整改时限按台账：年底前；备注：待党组会审议")]
    assert _notes(rows[3]) == [("2021-09-30", "progress", "整改时限按台账：立行立改（挂账后30日）")]
    assert [(e["date"], e["action"]) for e in rows[4]["history"]] == [
        ("2021-08-20", "add"),
        ("2021-08-20", "start"),
        ("2021-08-20", "long_term"),
        ("2022-01-05", "progress"),
    ]
    assert rows[1]["measures"] == ["健全责任清单", "每季度研判"]
    total = _status(run, "--by", "aspect")[-1]
    assert (total["rate_text"], total["on_time"], total["average_days"], total["overdue"]) == (
        "3/7 42.9%",
        2,
        "87.7",  # (92 + 130 + 41) / 3 days from feedback: the sheet's own close dates
        1,  # 年底前 (2021-12-31), 基本完成 and not closed on 2022-01-10
    )
    assert run("check").exit_code == 0


def test_a_town_ledger_in_a_published_layout_as_a_new_user_meets_it(
    run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2022-02-28")  # after the sheet's 填报时间, 2022-02-10
    assert run("unit", "add", "xz", "--name", "XX镇党委", "--feedback-date", "2021-10-15").exit_code == 0
    first = run("import", str(DATA / "office_town.xlsx"), "--unit", "xz")
    assert first.exit_code == 1  # the 审核人 is only in the signature row under the table
    assert first.stderr.splitlines() == [
        "Sheet1!L6: 2 closed problems (L6 是, L7 是) need a 审签人 and the sheet has no 审签人 column: "
        "give --approver NAME (who signed off their 销号), or add a 审签人 column",
        "rectify: 1 problem found; nothing was written",
    ]
    result = run("import", str(DATA / "office_town.xlsx"), "--unit", "xz", "--approver", "孙七")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "sheets read: Sheet1",
        "status words: 否 -> in_progress (2), 是 -> closed (2)",
        "long_term by the 整改时限, whatever the status word: Sheet1!J8 '长期' (否)",
        "Sheet1!A3: 填报时间 2022-02-10; 整改进展 and 备注 are dated that day (a problem closed before it: its 销号日期)",
    ]
    rows = _rows(run)
    assert [(r["aspect"], r["title"], r["department"], r["owner"], r["status"], r["deadline"]) for r in rows] == [
        ("贯彻落实党的路线方针政策和党中央决策部署方面", "乡村振兴战略推进不力，产业项目带动作用不明显", "农业办", "李四",
         "in_progress", "2022-03-31"),
        ("贯彻落实党的路线方针政策和党中央决策部署方面", "防止返贫动态监测不到位", "乡村振兴办", "赵六", "closed",
         "2021-12-31"),
        ("落实全面从严治党责任方面", "“一岗双责”落实不到位", "党政办", "周八", "closed", "2021-11-14"),
        ("落实全面从严治党责任方面", "村级财务管理不规范", "财政所", "吴九", "long_term", None),
    ]  # fmt: skip
    assert rows[0]["measures"] == ["梳理项目清单", "建立联农带农机制"]
    assert _notes(rows[3]) == [
        ("2022-02-10", "progress", "持续开展"),
        ("2022-02-10", "progress", "整改时限按台账：长期；整改目标：规范管理；配合单位：各村"),
    ]
    assert _notes(rows[1])[0] == ("2021-12-20", "progress", "已完成排查")  # closed before the 填报时间
    total = _status(run)[-1]
    assert (total["rate_text"], total["on_time"], total["average_days"], total["long_term"]) == (
        "2/4 50.0%",
        1,
        "56.0",
        1,
    )


def test_a_two_row_header_with_counters_and_extensions(run: Run, folder: Path) -> None:
    assert run("unit", "add", "cz", "--name", "某县财政局", "--feedback-date", "2021-08-20").exit_code == 0
    result = run("import", str(DATA / "office_counters.xlsx"), "--unit", "cz")
    assert result.exit_code == 0, result.output
    rows = _rows(run)
    assert [(r["aspect"], r["title"], r["status"], r["deadline"], r["deadline_in_force"]) for r in rows] == [
        ("落实中央八项规定精神方面", "违规发放津补贴", "closed", "2021-10-31", "2021-10-31"),
        ("落实中央八项规定精神方面", "公车私用", "closed", "2021-09-30", "2021-12-15"),
        ("制度建设方面", "制度执行打折扣", "in_progress", "2021-11-30", "2022-03-31"),
    ]
    extends = [(e["date"], e["to"], e["approver"]) for r in rows for e in r["history"] if e["action"] == "extend"]
    assert extends == [("2021-09-25", "2021-12-15", "纪检组长陈某"), ("2021-11-25", "2022-03-31", "党组书记王某")]
    assert [r["accountability"] for r in rows] == [
        {"people": {"政务处分": 1, "批评教育": 2}, "funds_yuan": "125000.0", "rules": 2},
        {"people": {"批评教育": 1}, "funds_yuan": "3600.00", "rules": 1},
        {"people": {}, "funds_yuan": "0", "rules": 0},  # not closed: its counters are an account event
    ]
    accounts = [(e["date"], e["accountability"]["rules"]) for e in rows[2]["history"] if e["action"] == "account"]
    assert accounts == [("2021-08-20", 3)]  # no 填报时间: the day put on the ledger, as import says
    total = _status(run)[-1]
    assert (total["rate_text"], total["on_time"], total["overdue"]) == ("2/3 66.7%", 2, 0)
    assert (total["people"], total["funds_yuan"], total["rules"]) == ({"政务处分": 1, "批评教育": 3}, "128600.00", 6)
    assert run("check").exit_code == 0


def test_a_gbk_csv_says_its_encoding(run: Run, folder: Path) -> None:
    assert run("unit", "add", "x", "--name", "某单位", "--feedback-date", "2021-08-20").exit_code == 0
    result = run("import", str(DATA / "office_gbk.csv"), "--unit", "x")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "read office_gbk.csv as GB18030 (detected)"
    assert [(r["aspect"], r["title"], r["status"], r["deadline"]) for r in _rows(run)] == [
        ("政治建设方面", "学习贯彻不深入", "closed", "2021-11-30"),
        ("政治建设方面", "“第一议题”制度落实不严", "in_progress", "2021-12-31"),
        ("作风建设方面", "督查检查考核过多", "long_term", None),
    ]


def test_an_xls_workbook_with_merged_cells(run: Run, folder: Path) -> None:
    assert run("unit", "add", "x", "--name", "某局", "--feedback-date", "2021-08-20").exit_code == 0
    result = run("import", str(DATA / "office_old.xls"), "--unit", "x")
    assert result.exit_code == 0, result.output
    rows = _rows(run)
    assert [(r["aspect"], r["title"], r["owner"], r["status"], r["deadline"]) for r in rows] == [
        ("党的建设方面", "组织生活不规范", "李某", "closed", "2021-10-31"),
        ("党的建设方面", "党费收缴不及时", "王某", "in_progress", "2021-12-31"),
    ]
    assert [e["date"] for e in rows[0]["history"] if e["action"] == "close"] == ["2021-10-08"]


@pytest.mark.parametrize(
    ("original", "saved"), [("office_county.xlsx", "lo_county.xls"), ("office_counters.xlsx", "lo_counters.csv")]
)
def test_the_same_sheets_saved_by_another_program_give_the_same_figures(
    run: Run, folder: Path, original: str, saved: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2022-01-10")  # after the county sheet's 填报时间
    figures = []
    for unit, source in (("a", original), ("b", saved)):
        assert run("unit", "add", unit, "--name", unit, "--feedback-date", "2021-08-20").exit_code == 0
        result = run("import", str(DATA / source), "--unit", unit)
        assert result.exit_code == 0, result.output
        row = _status(run, "--unit", unit, "--wide")[-1]
        figures.append({k: v for k, v in row.items() if k not in ("name", "aspect", "units")})
        listed = [
            (r["aspect"], r["title"], r["status"], r["deadline"], r["accountability"]) for r in _rows(run, "-u", unit)
        ]
        figures.append(listed)  # type: ignore[arg-type]
    assert figures[0] == figures[2] and figures[1] == figures[3]


def _two_units(run: Run) -> None:
    assert run("unit", "add", "jinhua", "--name", "金华市人民检察院", "--feedback-date", "2021-07-28").exit_code == 0
    assert run("unit", "add", "wucheng", "--name", "婺城区人民检察院", "--feedback-date", "2021-07-28").exit_code == 0


def test_a_workbook_with_one_sheet_per_unit(run: Run, folder: Path) -> None:
    _two_units(run)
    before = {p.name: p.read_bytes() for p in folder.glob("*.yaml")}
    dry = run("import", str(DATA / "units.xlsx"), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stderr.splitlines() == [
        "sheets read: 金华市人民检察院, wucheng",
        "left aside: 汇总 (no header row with 问题 in its first 30 rows), 旧表 (hidden)",
        "status words: 已完成 -> closed (2), 整改中 -> in_progress (1)",
        "wucheng: no 填报时间 above the header; 整改进展 and 备注 are dated 2021-07-28, the day the findings are put "
        "on the ledger (the unit's feedback date); give --reported-on DATE for another day",
        "dry run: 3 findings would be added to 2 units; nothing was written",
    ]
    lines = dry.stdout.splitlines()
    assert lines[0] == "this import adds"
    assert [re.split(r"\s{2,}", line.strip()) for line in lines[3:6]] == [
        ["金华市人民检察院", "2", "1", "1", "0", "0", "0", "0"],
        ["婺城区人民检察院", "1", "1", "0", "0", "0", "0", "0"],
        ["Total", "3", "2", "1", "0", "0", "0", "0"],
    ]
    lines = lines[6:]
    assert lines[0] == "after import (as of 2021-12-31)"
    assert [re.split(r"\s{2,}", line.strip())[:7] for line in lines[3:]] == [
        ["金华市人民检察院", "2", "1", "1", "0", "0", "1/2 50.0%"],
        ["婺城区人民检察院", "1", "1", "0", "0", "0", "1/1 100.0%"],
        ["Total", "3", "2", "1", "0", "0", "2/3 66.7%"],
    ]
    assert {p.name: p.read_bytes() for p in folder.glob("*.yaml")} == before
    result = run("import", str(DATA / "units.xlsx"))
    assert result.stdout.splitlines() == [
        "imported 2 findings into jinhua: jinhua-001..jinhua-002",
        "imported 1 finding into wucheng: wucheng-001",
    ]
    assert [r["rate_text"] for r in _status(run)] == ["1/2 50.0%", "1/1 100.0%", "2/3 66.7%"]


def test_a_unit_column_names_the_units_and_unknown_ones_are_reported_or_created(run: Run, folder: Path) -> None:
    _two_units(run)
    refused = run("import", str(DATA / "units_column.xlsx"))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[2:] == [
        "全市!A4: no unit named '兰溪市人民检察院' (units: jinhua (金华市人民检察院), wucheng (婺城区人民检察院)); "
        "name the unit with --unit ID, start it with `rectify unit add`, or import with --create-units",
        "rectify: 1 problem found; nothing was written",
    ]
    assert sorted(p.name for p in folder.glob("*.yaml")) == ["jinhua.yaml", "wucheng.yaml"]
    undated = run("import", str(DATA / "units_column.xlsx"), "--create-units")
    assert undated.exit_code == 2
    assert undated.stderr.splitlines()[-1] == (
        "rectify: error: unit-1 has no feedback date (反馈日期): give --date DATE, the day the findings were handed over"
    )
    result = run("import", str(DATA / "units_column.xlsx"), "--create-units", "--date", "2021-07-28")
    assert result.exit_code == 0, result.output
    assert "created unit unit-1 (兰溪市人民检察院)" in result.stderr
    assert [(r["name"], r["rate_text"]) for r in _status(run)] == [
        ("金华市人民检察院", "1/1 100.0%"),
        ("兰溪市人民检察院", "0/1 0.0%"),
        ("婺城区人民检察院", "0/1 0.0%"),
        ("Total", "1/3 33.3%"),
    ]


def _sheet(tmp_path: Path, rows: list[list[Any]], merges: tuple[str, ...] = (), name: str = "台账") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = name
    for row in rows:
        ws.append(row)
    for span in merges:
        ws.merge_cells(span)
    path = tmp_path / f"{name}.xlsx"
    book.save(path)
    return path


def test_every_refusal_names_its_cell_and_nothing_is_written(run: Run, demo: Path, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [
            [
                "方面",
                "问题",
                "整改时限",
                "完成情况",
                "销号日期",
                "审签人",
                "延期时限",
                "延期批准日期",
                "批评教育",
                "追缴资金",
            ],
            ["党的领导方面", "时限看不懂", "下周", "整改中", None, None, None, None, None, None],
            ["党的领导方面", "用语不认识", "2021-12-31", "差不多了", None, None, None, None, None, None],
            ["党的领导方面", "销号没有日期", "2021-12-31", "已整改到位", None, "钟某", None, None, None, None],
            ["党的领导方面", "延期没有日期", "2021-12-31", "正在推进", None, None, "2022-03-31", None, None, None],
            ["党的领导方面", "计数不是数", "2021-12-31", "正在推进", None, None, None, None, "两人", "很多"],
        ],
    )
    before = demo.read_bytes()
    result = run("import", str(path), "--unit", "demo")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("台账!C2: '下周' is not a deadline (2021-10-31, 2021年10月31日, 2021年12月底前, 12月底,")
    assert lines[1].startswith("台账!D3: '差不多了' is not a status word (已完成、已整改、")
    assert lines[1].endswith("; more in rectify.yaml, sheets: status_words)")
    assert lines[2:] == [
        "台账!E4: '已整改到位' closes this problem but its 销号日期 is empty: fill in the day it was signed off "
        "(or give --closed-on DATE for every closed row with none)",
        "台账!G5: a 延期 needs the day it was approved: add a 延期批准日期 column",
        "台账!G5: a 延期 needs who approved it: add a 延期审批人 column or give --approver",
        "台账!I6: '两人' is not a whole number",
        "台账!J6: '很多' is not an amount of money (12000, 12000.50 or 1.2万元)",
        "rectify: 7 problems found; nothing was written",
    ]
    assert demo.read_bytes() == before


def test_a_two_row_header_with_an_unknown_heading_names_the_heading(run: Run, demo: Path, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [
            ["序号", "方面", "问题", "整改情况", None, None],
            [None, None, None, "整改成果", "整改期限", "状态"],
            [1, "党的领导方面", "学习不深入", "已学习", "2021-12-31", "整改中"],
        ],
        ("A1:A2", "B1:B2", "C1:C2", "D1:F1"),
    )
    result = run("import", str(path), "--unit", "demo", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        "台账!D2: unknown column heading '整改成果'; rename it to one rectify reads (序号、方面、问题、"
    )
    (demo.parent.parent / "rectify.yaml").write_text(
        "sheets:\n  columns: {整改成果: progress}\n  status_words: {差不多了: in_progress}\n  immediate_days: 15\n",
        encoding="utf-8",
    )
    result = run("import", str(path), "--unit", "demo", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert [(r["title"], r["status"], r["deadline"]) for r in made] == [("学习不深入", "in_progress", "2021-12-31")]
    assert [e["note"] for e in made[0]["history"] if e["action"] == "progress"] == ["已学习"]
    quick = _sheet(
        tmp_path,
        [["方面", "问题", "整改时限", "状态"], ["党的领导方面", "会风不正", "立行立改", "差不多了"]],
        name="快",
    )
    result = run("import", str(quick), "--unit", "demo", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [(r["status"], r["deadline"]) for r in json.loads(result.stdout)] == [("in_progress", "2021-08-12")]


def test_closed_on_is_used_only_when_given(run: Run, demo: Path, tmp_path: Path) -> None:
    path = _sheet(tmp_path, [["方面", "问题", "状态", "审签人"], ["党的领导方面", "学习不深入", "已完成", "钟某"]])
    assert run("import", str(path), "--unit", "demo", "--dry-run").exit_code == 1
    result = run("import", str(path), "--unit", "demo", "--closed-on", "2021-09-30", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [e["date"] for e in json.loads(result.stdout)[0]["history"] if e["action"] == "close"] == ["2021-09-30"]


def _patched(source: Path, target: Path, change: Any) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return target


@pytest.mark.parametrize(
    ("change", "cell"),
    [
        (lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d), "XFD1048576"),
        (
            lambda d: d.replace(
                b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="H1:XFD100"/></mergeCells>'
            ),
            "XFD100",
        ),
        (
            lambda d: d.replace(
                b"</sheetData>", b'<row r="900000"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
            ),
            "A900000",
        ),
    ],
)
def test_a_small_file_that_declares_a_huge_sheet_is_refused_before_loading(
    run: Run, demo: Path, tmp_path: Path, change: Any, cell: str
) -> None:
    # Bounded by construction: the check reads the few-KB worksheet part as a stream and
    # stops at the first reference beyond the limits; openpyxl never sees the file.
    good = _sheet(tmp_path, [["方面", "问题"], ["党的领导方面", "学习不深入"]])
    hostile = _patched(good, tmp_path / "hostile.xlsx", change)
    assert hostile.stat().st_size < 6000
    result = run("import", str(hostile), "--unit", "demo", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"台账!{cell}: the sheet reaches {cell} (a cell, a merged range or its declared size); import reads at most "
        "20,000 rows and 100 columns (delete the empty rows and columns beyond the table, or split the file)",
        "rectify: 1 problem found; nothing was written",
    ]


def _no_refs(rows: int, cells: int) -> Any:
    """A change adding ``rows`` rows of ``cells`` cells with no ``r`` attribute (ECMA-376
    makes it optional; a reader places them one after another)."""
    return lambda d: d.replace(b"</sheetData>", (b"<row>" + b"<c><v>1</v></c>" * cells + b"</row>") * rows + b"</sheetData>")


@pytest.mark.parametrize(
    ("rows", "cells", "cell"),
    [(60_000, 90, "A20001"), (1, 150, "CW3")],  # the sheet has 2 rows, so the row added is row 3; CW is column 101
)
def test_rows_and_cells_without_references_count_toward_the_limits(
    run: Run, demo: Path, tmp_path: Path, rows: int, cells: int, cell: str
) -> None:
    # Hostile review #6: 60,000 rows of 90 cells with no `r` took 77 s and 1.9 GB; the
    # rows and cells are now counted as they stream past, and the count stops at the limit.
    good = _sheet(tmp_path, [["方面", "问题"], ["党的领导方面", "学习不深入"]])
    hostile = _patched(good, tmp_path / "hostile.xlsx", _no_refs(rows, cells))
    result = run("import", str(hostile), "--unit", "demo", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"台账!{cell}: the sheet reaches {cell} (a cell, a merged range or its declared size); import reads at most "
        "20,000 rows and 100 columns (delete the empty rows and columns beyond the table, or split the file)",
        "rectify: 1 problem found; nothing was written",
    ]


def test_a_sheet_without_references_is_refused_within_bounded_memory(demo: Path, tmp_path: Path) -> None:
    # The same 251 KB file as the review's, imported by a separate process whose address
    # space is capped at 1 GiB (it took 1.9 GB before): it must end with the limit error.
    good = _sheet(tmp_path, [["方面", "问题"], ["党的领导方面", "学习不深入"]])
    hostile = _patched(good, tmp_path / "hostile.xlsx", _no_refs(60_000, 90))
    assert hostile.stat().st_size < 300_000

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run(
        [sys.executable, "-m", "rectify", "--ledgers", str(demo.parent), "import", str(hostile), "--unit", "demo",
         "--dry-run"],
        env={**os.environ, "PYTHONIOENCODING": "utf-8"}, capture_output=True, encoding="utf-8", timeout=300,
        preexec_fn=cap,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("台账!A20001: the sheet reaches A20001 "), done.stderr


def test_a_worksheet_with_a_document_type_is_refused(run: Run, demo: Path, tmp_path: Path) -> None:
    # A worksheet never declares a document type; one that does could define entities.
    good = _sheet(tmp_path, [["方面", "问题"], ["党的领导方面", "学习不深入"]])
    hostile = _patched(
        good, tmp_path / "dtd.xlsx", lambda d: b'<!DOCTYPE worksheet [<!ENTITY a "aaaa">]>' + d
    )
    result = run("import", str(hostile), "--unit", "demo", "--dry-run")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(
        "rectify: error: cannot read dtd.xlsx as an Excel workbook: xl/worksheets/sheet1.xml: "
        "a document type declaration, which a worksheet never has"
    ), result.stderr


def test_a_cell_with_a_control_character_or_direction_mark_is_refused_at_its_cell(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    # Hostile review #15: ESC, an OSC sequence, a C1 control or a bidi override in a cell
    # never reaches the ledger (the model's rule for every text field, said at the cell);
    # a line break and a tab in a cell are text.
    sheet = tmp_path / "台账.csv"
    sheet.write_text(
        "方面,问题,备注\n"
        "党的领导方面,清屏\x1b[2J问题,\n"
        "党的领导方面,问题二,备注\x1b]0;pwned\x07\n"
        "党的领导方面,问题三\u202e,\n"
        "党的领导方面,问题四\x9b,\n"
        '党的领导方面,"问题五\n第二行\t续",\n',
        encoding="utf-8",
    )
    before = demo.read_bytes()
    result = run("import", str(sheet), "--unit", "demo", "--lang", "en")
    assert result.exit_code == 1
    said = " which could act on a terminal or disguise the text; remove it"
    assert result.stderr.splitlines() == [
        "read 台账.csv as UTF-8",
        f"台账!B2: holds the control character or direction mark U+001B,{said}",
        f"台账!C3: holds the control character or direction mark U+001B,{said}",
        f"台账!B4: holds the control character or direction mark U+202E,{said}",
        f"台账!B5: holds the control character or direction mark U+009B,{said}",
        "rectify: 4 problems found; nothing was written",
    ]
    assert demo.read_bytes() == before


def test_a_small_xls_with_a_far_cell_is_refused_before_loading(run: Run, demo: Path) -> None:
    # Bounded by construction: the check walks the 6 KB file's records once; calamine,
    # which would build a 65536 x 256 grid (about a gigabyte), never opens it.
    hostile = DATA / "hostile_far.xls"
    assert hostile.stat().st_size < 8000
    result = run("import", str(hostile), "--unit", "demo", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("台账!IV65536: the sheet reaches IV65536 (a cell, a merged range")


def test_a_zip_bomb_is_refused_by_its_unpacked_size(tmp_path: Path) -> None:
    # The same check import runs, with limits small enough that the bomb is 2 MB unpacked.
    good = _sheet(tmp_path, [["方面", "问题"], ["党的领导方面", "学习不深入"]])
    bomb = _patched(good, tmp_path / "bomb.xlsx", lambda d: d + b" " * 2_000_000)
    assert bomb.stat().st_size < 12_000
    with pytest.raises(
        UsageError, match=r"bomb.xlsx unpacks to 2,0\d\d,\d{3} bytes; import reads workbooks up to 1,000,000"
    ):
        check_zip(bomb, Limits(unzipped_bytes=1_000_000))
    many = _sheet(tmp_path, [["方面", "问题"], *[["党的领导方面", f"问题{n}"] for n in range(30)]], name="多")
    with pytest.raises(LedgerError) as caught:
        check_zip(many, Limits(rows=20))
    assert [(p.path, p.cell) for p in caught.value.problems] == [("多", "B31")]  # its declared dimension, A1:B31


def test_an_export_imports_back_in_one_command_with_every_figure(
    run: Run, shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rectify.files.ledgerfile import read_ledger

    out = tmp_path / "all.csv"
    assert run("export", "-o", str(out), "--as-of", "2021-12-31").exit_code == 0
    before = _status(run, "--wide")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.setenv("RECTIFY_LEDGERS", str(fresh))
    ledgers = sorted((read_ledger(p).ledger for p in shipped.glob("*.yaml")), key=lambda led: led.unit.parent or "")
    for ledger in ledgers:  # parents first
        args = ["unit", "add", ledger.unit.id, "--name", ledger.unit.name]
        if ledger.unit.parent:
            args += ["--parent", ledger.unit.parent]
        if ledger.inspection.feedback_date:
            args += ["--feedback-date", ledger.inspection.feedback_date.isoformat()]
        assert run(*args).exit_code == 0
    result = run("import", str(out))  # the unit column names each row's unit
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 10
    after = _status(run, "--wide")
    assert after == before  # counts, rates, on-time, days to close, people by kind, funds, rules
    assert after[-1]["rate_text"] == "296/315 94.0%"
    extended = [
        (f.id, [(e.date, e.to) for e in f.history if e.action == "extend"])
        for p in sorted(fresh.glob("*.yaml"))
        for f in read_ledger(p).ledger.findings
        if any(e.action == "extend" for e in f.history)
    ]
    original = [
        (f.id, [(e.date, e.to) for e in f.history if e.action == "extend"])
        for p in sorted(shipped.glob("*.yaml"))
        for f in read_ledger(p).ledger.findings
        if any(e.action == "extend" for e in f.history)
    ]
    assert extended == original and len(extended) == 14
    assert run("check").exit_code == 0


def test_the_progress_bar_shows_only_on_a_terminal_after_its_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rectify.present.tables import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    waiting = Progress("importing", delay=3600.0)
    waiting(1, 2)
    waiting.close()
    assert screen.getvalue() == ""
    shown = Progress("importing", delay=0.0)
    shown(1, 2)
    shown(2, 2)
    shown.close()
    assert "importing" in screen.getvalue()
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal: nothing, whatever the time
    quiet = Progress("importing", delay=0.0)
    quiet(1, 2)
    quiet.close()
    assert quiet._bar is None


def test_a_workbook_as_wps_saves_it(run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # office_wps.xlsx is written part by part as WPS 表格 writes one (make_sheets.office_wps): its
    # dates use Chinese built-in formats openpyxl does not know (31, 57), strings are shared and
    # inline, the dimension says A1, and a drop-down list sits in extLst.
    with zipfile.ZipFile(DATA / "office_wps.xlsx") as book:
        assert b"<Application>WPS \xe8\xa1\xa8\xe6\xa0\xbc</Application>" in book.read("docProps/app.xml")
        assert b"KSOProductBuildVer" in book.read("docProps/custom.xml")
        assert b'numFmtId="31"' in book.read("xl/styles.xml") and b"<numFmt numFmtId=\"31\"" not in book.read(
            "xl/styles.xml"
        )
    monkeypatch.setenv("RECTIFY_TODAY", "2022-03-31")
    assert run("unit", "add", "wj", "--name", "县卫生健康局", "--feedback-date", "2021-10-20").exit_code == 0
    result = run("import", str(DATA / "office_wps.xlsx"), "--unit", "wj")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "sheets read: Sheet1",
        "left aside: Sheet2 (no header row with 问题 in its first 30 rows)",
        "status words: 已完成 -> closed (1), 正在推进 -> in_progress (1), 已整改到位 -> closed (1), "
        "持续推进 -> in_progress (1), 未启动 -> open (1)",
        "long_term by the 整改时限, whatever the status word: Sheet1!H7 '长期坚持' (持续推进)",
        "Sheet1!L2: 填报时间 2022-03-15; 整改进展 and 备注 are dated that day (a problem closed before it: its 销号日期)",
    ]
    assert result.stdout == "imported 5 findings into wj: wj-001..wj-005\n"
    rows = _rows(run)
    assert [(r["aspect"], r["title"], r["department"], r["status"], r["deadline"]) for r in rows] == [
        ("党的政治建设方面", "党委理论学习中心组学习不够深入", "办公室", "closed", "2021-12-31"),  # numFmt 31
        ("党的政治建设方面", "落实意识形态工作责任制不到位", "办公室", "in_progress", "2022-06-30"),  # 57: 2022年6月
        ("全面从严治党方面", "医疗设备采购监管不严", "规划财务科", "closed", "2022-03-31"),  # inline string
        ("全面从严治党方面", "医德医风建设有待加强", "医政科", "long_term", None),
        ("全面从严治党方面", "基层医疗机构药品管理不规范", "药政科", "open", "2022-04-30"),
    ]
    assert [e["date"] for r in rows for e in r["history"] if e["action"] == "close"] == ["2021-12-20", "2022-03-02"]
    assert _notes(rows[1]) == [
        ("2022-03-15", "progress", "台账已建立，正在完善"),
        ("2022-03-15", "progress", "整改时限按台账：2022年6月；备注：按月报送"),
    ]
    total = _status(run)[-1]
    assert (total["findings"], total["closed"], total["long_term"], total["rate_text"], total["overdue"]) == (
        5,
        2,
        1,
        "2/5 40.0%",
        0,
    )


def test_a_workbook_is_known_by_its_bytes_not_its_name(run: Run, demo: Path, tmp_path: Path) -> None:
    et = tmp_path / "台账.et"  # WPS's own name; an OLE file read as Excel 97-2003
    et.write_bytes((DATA / "office_old.xls").read_bytes())
    renamed = tmp_path / "台账.xls"  # an .xlsx saved under an .xls name
    renamed.write_bytes((DATA / "office_b.xlsx").read_bytes())
    for path, count in ((et, 2), (renamed, 3)):
        result = run("import", str(path), "--unit", "demo", "--dry-run", "--format", "json", "--approver", "钟某")
        assert result.exit_code == 0, result.output
        assert len(json.loads(result.stdout)) == count
    page = tmp_path / "导出.xls"
    page.write_text("<html><body><table><tr><td>问题</td></tr></table></body></html>", encoding="utf-8")
    result = run("import", str(page), "--unit", "demo", "--dry-run")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "rectify: error: 导出.xls is a web page or XML saved under a workbook's name, not a workbook; open it in WPS "
        "or Excel and save it as .xlsx"
    )


def test_without_a_report_date_the_notes_day_is_said(run: Run, demo: Path, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [["方面", "问题", "整改进展", "状态"], ["党的领导方面", "学习不深入", "已制定计划", "整改中"]],
    )
    zh = run("import", str(path), "--unit", "demo", "--dry-run", "--lang", "zh")
    assert zh.stderr.splitlines()[-2:] == [
        "台账：表头上方没有填报时间；整改进展和备注按 2021-07-28 记载，即问题挂账之日（单位的反馈日期）；另有日期请用 --reported-on",
        "试运行：将向 1 个单位导入 1 个问题；未写入任何文件",
    ]
    result = run("import", str(path), "--unit", "demo", "--date", "2021-08-02")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        "台账: no 填报时间 above the header; 整改进展 and 备注 are dated 2021-08-02, the day the findings are put on "
        "the ledger (--date); give --reported-on DATE for another day"
    )
    assert result.stdout == "imported 1 finding into demo: demo-003\n"
    assert _notes(_rows(run)[2]) == [("2021-08-02", "progress", "已制定计划")]
    other = _sheet(tmp_path, [["方面", "问题", "整改进展", "状态"], ["党的领导方面", "会风不正", "已整顿", "整改中"]], name="二")
    told = run("import", str(other), "--unit", "demo", "--reported-on", "2021-11-30")
    assert told.exit_code == 0, told.output
    assert told.stderr.splitlines()[-1] == (
        "二: no 填报时间 above the header; 整改进展 and 备注 are dated 2021-11-30, as --reported-on says (a problem "
        "closed before it: its 销号日期)"
    )
    assert _notes(_rows(run)[3]) == [("2021-11-30", "progress", "已整顿")]
    again = run("import", str(path), "--unit", "demo", "--date", "2021-08-02")  # the same sheet once more
    assert again.exit_code == 1
    assert again.stderr.splitlines()[-2:] == [
        "台账!B2: this problem is already on the ledger as demo-003 (same 方面 and 问题); import only adds problems: "
        "change one on the ledger with rectify progress, close or edit, or leave its row out",
        "rectify: 1 problem found; nothing was written",
    ]


@pytest.mark.parametrize(
    ("above", "said"),
    [
        ([["填报单位：某局", None, "填报日期：2021年9月1日"]], "台账!C1: 填报日期 2021-09-01"),
        ([["填报时间：", datetime(2021, 9, 2)]], "台账!B1: 填报时间 2021-09-02"),
        ([["填报日期：2021年12月31日    数据截至：2021年9月3日"]], "台账!A1: 数据截至 2021-09-03"),
        ([["填报时间：    年  月  日"]], None),  # a blank template line: no date
    ],
)
def test_the_report_date_is_read_where_offices_write_it(
    run: Run, demo: Path, tmp_path: Path, above: list[list[Any]], said: str | None
) -> None:
    path = _sheet(tmp_path, [*above, ["方面", "问题", "整改进展", "状态"], ["党的领导方面", "学习不深入", "已学习", "整改中"]])
    result = run("import", str(path), "--unit", "demo", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    notes = [e["date"] for e in json.loads(result.stdout)[0]["history"] if e["action"] == "progress"]
    if said is None:
        assert notes == ["2021-07-28"] and "no 填报时间 above the header" in result.stderr
    else:
        assert notes == [said.rpartition(" ")[2]]
        assert f"{said}; 整改进展 and 备注 are dated that day" in result.stderr


def test_a_report_date_that_is_not_a_day_or_contradicts_the_sheet_is_refused(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    bad = _sheet(tmp_path, [["填报时间：2021年9月"], ["方面", "问题", "状态"], ["党的领导方面", "学习不深入", "整改中"]])
    result = run("import", str(bad), "--unit", "demo", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "台账!A1: 填报时间 '2021年9月' is not a date (2023年5月10日 or 2023-05-10)",
        "rectify: 1 problem found; nothing was written",
    ]
    late = _sheet(
        tmp_path,
        [
            ["填报时间：2021年9月1日"],
            ["方面", "问题", "状态", "销号日期", "审签人"],
            ["党的领导方面", "学习不深入", "已完成", datetime(2021, 9, 20), "钟某"],
        ],
        name="晚",
    )
    result = run("import", str(late), "--unit", "demo", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        "晚!D3: 销号日期 2021-09-20 is after the sheet's 填报时间 2021-09-01; one of the two is wrong",
        "rectify: 1 problem found; nothing was written",
    ]


# --- the new user's sheets (tests/data/newuser: made from a description of real 整改台账 by
# someone who had not read the code; EXPECTED.md holds the figures an office expects) --------

NEWUSER = DATA / "newuser"


def _nu_units(run: Run, *units: tuple[str, str]) -> None:
    for uid, name in units:
        assert run("unit", "add", uid, "--name", name, "--feedback-date", "2023-04-20").exit_code == 0


def _figures(run: Run, as_of: str, *args: str) -> list[tuple[Any, ...]]:
    return [
        (r["name"], r["findings"], r["closed"], r["in_progress"], r["long_term"], r["overdue"], r["rate_text"])
        for r in _status(run, "--as-of", as_of, *args)
    ]


def test_newuser_a_merged_sub_headings_the_unit_from_its_filled_by_line_and_an_empty_close_day(
    run: Run, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    monkeypatch.setenv("RECTIFY_TODAY", "2023-12-10")
    _nu_units(run, ("zrzyj", "青山县自然资源局"))
    sheet = NEWUSER / "A-青山县自然资源局-整改台账.xlsx"
    first = run("import", str(sheet), "--dry-run")  # no --unit: the 填报单位 line names it
    assert first.exit_code == 1
    assert first.stderr.splitlines() == [
        "整改台账!K5: 9 closed problems (K5 已完成, K7 已整改到位, K10 已完成, K13 已完成, K14 已完成, K17 已完成, "
        "K19 已整改到位, K21 已完成, K22 已完成) need a 审签人 and the sheet has no 审签人 column: give --approver NAME "
        "(who signed off their 销号), or add a 审签人 column",
        "整改台账!L22: '已完成' closes this problem but its 销号时间 is empty: fill in the day it was signed off "
        "(or give --closed-on DATE for every closed row with none)",
        "rectify: 2 problems found; nothing was written",
    ]
    book = load_workbook(sheet)  # the office fills in L22, merges kept
    book["整改台账"]["L22"] = "2023-11-20"
    filled = tmp_path / "A-filled.xlsx"
    book.save(filled)
    result = run("import", str(filled), "--approver", "张建国")
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 16 findings into zrzyj: zrzyj-001..zrzyj-016\n"
    from rectify.files.ledgerfile import read_ledger

    rows = _rows(run)
    kept = read_ledger(folder / "zrzyj.yaml").ledger.findings
    assert [(f.aspect[:10], f.problem) for f in kept if f.problem] == [
        ("落实全面从严治党战略", "落实主体责任方面"),
        ("落实全面从严治党战略", "落实主体责任方面"),
        *[("落实全面从严治党战略", "落实“两个责任”和中央八项规定精神方面")] * 4,
    ]
    assert _figures(run, "2023-12-05") == [
        ("青山县自然资源局", 16, 9, 4, 3, 3, "9/16 56.3%"),
        ("Total", 16, 9, 4, 3, 3, "9/16 56.3%"),
    ]
    assert {(r["aspect"] or "")[:6]: r["rate_text"] for r in _status(run, "--as-of", "2023-12-05", "--by", "aspect")} == {
        "贯彻落实党的": "2/4 50.0%", "落实全面从严": "3/6 50.0%", "落实新时代党": "2/3 66.7%",
        "落实巡视巡察": "2/3 66.7%", "": "9/16 56.3%",
    }  # fmt: skip
    progress = [(e["date"], e["note"]) for r in rows for e in r["history"] if e["action"] == "progress"]
    assert ("2023-12-05", "已核查线索3条，处理2人。") in progress  # the sheet's 填报时间, not the feedback day
    again = run("import", str(filled), "--approver", "张建国", "--dry-run")
    assert again.exit_code == 1
    assert again.stderr.splitlines()[-2:] == [
        "整改台账!C5: 16 problems are already on the ledger, with the same 方面 and 问题 (C5 zrzyj-001, C6 zrzyj-002, "
        "C7 zrzyj-003, C8 zrzyj-004, C10 zrzyj-005, C11 zrzyj-006, C13 zrzyj-007, C14 zrzyj-008, C15 zrzyj-009, "
        "C16 zrzyj-010 and 6 more): was this sheet imported before? Import only adds problems: change them on the "
        "ledger with rectify progress, close or edit, or leave their rows out",
        "rectify: 1 problem found; nothing was written",
    ]
    assert len(_rows(run)) == 16


def _newuser_a(tmp_path: Path, a2: str, l22: str = "2023-11-20") -> Path:
    """The office's sheet A with its 填报单位 line (A2) and 销号时间 L22 as given (openpyxl
    cannot save a control character in a cell, so A2 is written into the sheet's XML)."""
    from openpyxl import load_workbook

    book = load_workbook(NEWUSER / "A-青山县自然资源局-整改台账.xlsx")
    book["整改台账"]["L22"] = l22
    book["整改台账"]["A2"] = "填报单位（盖章）：@A2@"
    plain = tmp_path / "A-plain.xlsx"
    book.save(plain)
    return _patched(plain, tmp_path / "A-changed.xlsx", lambda d: d.replace(b"@A2@", a2.encode()))


def test_a_unit_name_with_a_full_width_space_is_the_unit_not_a_new_one(
    run: Run, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hostile review #10: 青山县　自然资源局 was cut at the ideographic space (青山县) and
    # made a second unit holding every finding again.
    monkeypatch.setenv("RECTIFY_TODAY", "2023-12-10")
    _nu_units(run, ("zrzyj", "青山县自然资源局"))
    sheet = _newuser_a(tmp_path, "青山县\u3000自然资源局")
    result = run("import", str(sheet), "--approver", "张建国", "--create-units", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 16 findings into zrzyj: zrzyj-001..zrzyj-016\n"
    assert sorted(p.name for p in folder.glob("*.yaml")) == ["zrzyj.yaml"]


def test_a_unit_name_with_a_direction_mark_is_refused_at_its_cell(
    run: Run, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2023-12-10")
    _nu_units(run, ("zrzyj", "青山县自然资源局"))
    before = (folder / "zrzyj.yaml").read_bytes()
    sheet = _newuser_a(tmp_path, "青山县自然资源局\u202e")
    result = run("import", str(sheet), "--approver", "张建国", "--create-units", "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "整改台账!A2: holds the control character or direction mark U+202E, which could act on a terminal or "
        "disguise the text; remove it",
        "rectify: 1 problem found; nothing was written",
    ]
    assert "\u202e" not in result.output
    assert sorted(p.name for p in folder.glob("*.yaml")) == ["zrzyj.yaml"]
    assert (folder / "zrzyj.yaml").read_bytes() == before


def test_labels_that_differ_only_by_invisible_characters_name_one_unit() -> None:
    from rectify.domain.model import Unit
    from rectify.domain.steps import NewFinding, assign_units, unit_for

    units = [("zrzyj", "青山县自然资源局")]
    assert unit_for("青山县\u3000自然资源局", units) == "zrzyj"
    assert unit_for("青山县自然资源局\u200b\ufeff", units) == "zrzyj"
    assert unit_for("ｚｒｚｙｊ", units) is None  # an id is matched as written
    assert unit_for("青山县林业局", units) is None
    items = [
        NewFinding(aspect="方面", title=f"问题{n}", unit=label, where=f"表!A{n}")
        for n, label in enumerate(["青山县林业局", "青山县\u3000林业局", "青山县林业局\u200b"], start=2)
    ]
    groups, made, problems = assign_units(items, None, [Unit(id="zrzyj", name="青山县自然资源局")], True)
    assert [(u.id, u.name) for u in made] == [("unit-1", "青山县林业局")] and problems == []
    assert {uid: len(found) for uid, found in groups.items()} == {"unit-1": 3}


def test_a_filled_but_impossible_close_day_and_deadline_are_said_as_typed(
    run: Run, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hostile review #14: L22 = 2023年2月30日 was called "empty" as well as not a date, and a
    # deadline 2023年2月30日前 was echoed as '2023-02-30'.
    from openpyxl import load_workbook

    monkeypatch.setenv("RECTIFY_TODAY", "2023-12-10")
    _nu_units(run, ("zrzyj", "青山县自然资源局"))
    book = load_workbook(NEWUSER / "A-青山县自然资源局-整改台账.xlsx")
    book["整改台账"]["L22"] = "2023年2月30日"
    book["整改台账"]["I5"] = "2023年2月30日前"
    sheet = tmp_path / "A-typo.xlsx"
    book.save(sheet)
    result = run("import", str(sheet), "--approver", "张建国", "--dry-run", "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "整改台账!I5: '2023年2月30日前' is not a real date",
        "整改台账!L22: '2023年2月30日' is not a date (2021-10-31, 2021/10/31 or 2021年10月31日)",
        "rectify: 2 problems found; nothing was written",
    ]
    with pytest.raises(ValueError, match=r"^'２０２３年２月３０日' is not a real date$"):
        read_deadline(" ２０２３年２月３０日 ", 30)


def test_newuser_b_three_units_each_by_its_filled_by_line(
    run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2023-12-10")
    _nu_units(run, ("jyj", "青山县教育局"), ("wjj", "青山县卫生健康局"), ("zjj", "青山县住房和城乡建设局"))
    result = run("import", str(NEWUSER / "B-三个单位整改台账.xlsx"), "--approver", "县委巡察办")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:2] == [
        "sheets read: 青山县教育局, 青山县卫生健康局, 青山县住房和城乡建设局",
        "left aside: 汇总 (no header row with 问题 in its first 30 rows)",
    ]
    assert _figures(run, "2023-11-30") == [
        ("青山县教育局", 8, 4, 3, 1, 0, "4/8 50.0%"),
        ("青山县卫生健康局", 6, 4, 1, 1, 0, "4/6 66.7%"),
        ("青山县住房和城乡建设局", 7, 4, 2, 1, 1, "4/7 57.1%"),
        ("Total", 21, 12, 6, 3, 1, "12/21 57.1%"),
    ]


def test_newuser_c_a_gbk_csv_with_no_aspect(run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2023-12-10")
    _nu_units(run, ("lyj", "青山县林业局"))
    sheet = NEWUSER / "C-青山县林业局-简易台账.csv"
    refused = run("import", str(sheet), "--dry-run")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "read C-青山县林业局-简易台账.csv as GB18030 (detected)",  # said though the run fails
        "C-青山县林业局-简易台账!B2: the sheet gives no 方面 for its 10 problems (no 方面 column, no row such as "
        "一、…方面 above them): add a 方面 column, or give --aspect TEXT",
        "C-青山县林业局-简易台账!F2: 5 closed problems (F2 已完成, F3 已完成, F4 已完成, F7 已整改到位, F8 已完成) "
        "need a 审签人 and the sheet has no 审签人 column: give --approver NAME (who signed off their 销号), or add a "
        "审签人 column",
        "rectify: 2 problems found; nothing was written",
    ]
    named = run("import", str(sheet), "--aspect", "巡察反馈问题", "--approver", "县委巡察办", "--dry-run")
    assert named.stderr.splitlines()[-2] == (
        "C-青山县林业局-简易台账!B2: no unit named 'C-青山县林业局-简易台账' (units: lyj (青山县林业局)); did you mean "
        "lyj (青山县林业局)? Name the unit with --unit ID, start it with `rectify unit add`, or import with --create-units"
    )
    result = run("import", str(sheet), "--unit", "lyj", "--aspect", "巡察反馈问题", "--approver", "县委巡察办")
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in _rows(run)].count("open") == 1
    assert _figures(run, "2023-12-05") == [
        ("青山县林业局", 10, 5, 3, 2, 1, "5/10 50.0%"),  # 2 in progress + 1 未启动 (open): 3 not closed nor long-term
        ("Total", 10, 5, 3, 2, 1, "5/10 50.0%"),
    ]


def test_newuser_d_counters_and_extensions_as_the_office_writes_them(
    run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2023-12-10")
    _nu_units(run, ("nyj", "青山县农业农村局"))
    sheet = NEWUSER / "D-青山县农业农村局-整改台账.xlsx"
    refused = run("import", str(sheet), "--approver", "县委巡察办", "--dry-run")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-4:] == [
        "台账!J6: a 延期 needs the day it was approved: add a 延期批准日期 column or give --extended-on DATE",
        "台账!J7: a 延期 needs the day it was approved: add a 延期批准日期 column or give --extended-on DATE",
        "台账!J13: a 延期 needs the day it was approved: add a 延期批准日期 column or give --extended-on DATE",
        "rectify: 3 problems found; nothing was written",
    ]
    dry = run("import", str(sheet), "--approver", "县委巡察办", "--extended-on", "2023-09-01", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert (
        "the 三个到位 counters of problems not yet closed (3 people, 86250.50 yuan, 3 rules) are recorded as "
        "account events dated like their 整改进展, and count in status and reports from that day"
    ) in dry.stderr.splitlines()
    lines = dry.stdout.splitlines()
    assert lines[0] == "this import adds"
    assert re.split(r"\s{2,}", lines[3].strip()) == ["青山县农业农村局", "11", "6", "4", "1", "0", "0", "3"]
    result = run("import", str(sheet), "--approver", "县委巡察办", "--extended-on", "2023-09-01")
    assert result.exit_code == 0, result.output
    rows = _rows(run)
    assert [(r["id"], r["deadline"], r["deadline_in_force"]) for r in rows if r["deadline"] != r["deadline_in_force"]] == [
        ("nyj-003", "2023-09-30", "2023-12-31"),
        ("nyj-004", "2023-10-31", "2024-03-31"),  # 2024年3月底前
        ("nyj-010", "2023-06-30", "2023-09-30"),
    ]
    total = _status(run)[-1]
    people, funds, rules = sum(total["people"].values()), Decimal(total["funds_yuan"]), total["rules"]
    assert (people, funds, rules) == (10, Decimal("290230.50"), 8)  # the sheet's own 合计 row, in the figures
    assert _figures(run, "2023-12-05") == [
        ("青山县农业农村局", 11, 6, 4, 1, 1, "6/11 54.5%"),
        ("Total", 11, 6, 4, 1, 1, "6/11 54.5%"),
    ]


def test_newuser_every_problem_in_one_run_cells_units_and_dates(
    run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2023-12-10")
    assert run("unit", "add", "zrzyj", "--name", "青山县自然资源局").exit_code == 0  # no feedback date
    result = run("import", str(NEWUSER / "A-青山县自然资源局-整改台账.xlsx"), "--dry-run")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "ledgers/zrzyj.yaml:1:1: zrzyj has no feedback date (反馈日期): give --date DATE, the day the findings were "
        "handed over"
    )
    assert [line.partition(":")[0] for line in lines[1:]] == ["整改台账!K5", "整改台账!L22", "rectify"]
    many = run("import", str(NEWUSER / "B-三个单位整改台账.xlsx"), "--dry-run")  # units unknown, 审签人 missing
    assert [line.partition(":")[0] for line in many.stderr.splitlines()] == [
        "青山县住房和城乡建设局!A2", "青山县住房和城乡建设局!J4", "青山县卫生健康局!A2", "青山县卫生健康局!J4",
        "青山县教育局!A2", "青山县教育局!I4", "rectify",
    ]  # fmt: skip
    assert sorted(p.name for p in folder.glob("*.yaml")) == ["zrzyj.yaml"]


def test_a_write_that_fails_for_one_unit_leaves_every_unit_as_it_was(run: Run, folder: Path) -> None:
    _two_units(run)
    before = {p.name: p.read_bytes() for p in folder.glob("*.yaml")}
    (folder / "wucheng.yaml").chmod(0o444)  # the second unit's file cannot be written
    result = run("import", str(DATA / "units.xlsx"))
    assert result.exit_code != 0
    assert result.stderr.splitlines()[-1] == (
        "rectify: error: ledgers/wucheng.yaml is read-only; make it writable (chmod u+w) to change it"
    )
    assert {p.name: p.read_bytes() for p in folder.glob("*.yaml")} == before  # jinhua's was put back
    (folder / "wucheng.yaml").chmod(0o644)
    created = run("import", str(DATA / "units_column.xlsx"), "--create-units", "--date", "2021-07-28")
    assert created.exit_code == 0, created.output
    assert sorted(p.name for p in folder.glob("*.yaml")) == ["jinhua.yaml", "unit-1.yaml", "wucheng.yaml"]
    assert [r["rate_text"] for r in _status(run)] == ["1/1 100.0%", "0/1 0.0%", "0/1 0.0%", "1/3 33.3%"]
