"""The shipped ledgers reproduce the published figures of the 2021 Jinhua inspection.

Source: 金华市纪委市监委, "深化政治巡察助力检察工作高质量发展" (2022-01-18), kept in the
project's shared reference notes: 10 units, 315 problems, 296 closed by the end of 2021;
the city unit 4 aspects, 37 problems, 36 closed, "整改率达到97%".
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SHIPPED, Run

UNITS = [
    "jinhua",
    "wucheng",
    "jindong",
    "lanxi",
    "dongyang",
    "yiwu",
    "yongkang",
    "pujiang",
    "wuyi",
    "panan",
]


def _last_line(text: str) -> list[str]:
    return text.strip().splitlines()[-1].split()


def test_city_unit_is_36_of_37_at_97_percent(run: Run, shipped: Path) -> None:
    result = run("status", "--unit", "jinhua", "--precision", "0", "--as-of", "2021-12-31")
    assert result.exit_code == 0, result.output
    assert _last_line(result.stdout) == ["Total", "37", "36", "1", "0", "1", "36/37", "97%"]
    rows = json.loads(run("status", "--unit", "jinhua", "--format", "json", "--as-of", "2021-12-31").stdout)
    assert len(rows) == 5  # 4 aspects and the total
    assert sum(r["findings"] for r in rows[:4]) == 37
    assert rows[-1]["rate"] == "97.3"


def test_city_wide_total_is_296_of_315(run: Run, shipped: Path) -> None:
    result = run("status", "--as-of", "2021-12-31", "--lang", "zh")
    assert result.exit_code == 0, result.output
    last = _last_line(result.stdout)
    assert last[0] == "合计"
    assert last[1:3] == ["315", "296"]
    assert last[-2:] == ["296/315", "94.0%"]
    rows = json.loads(run("status", "--format", "json", "--as-of", "2021-12-31").stdout)
    assert [r["unit"] for r in rows[:-1]] == sorted(UNITS)
    assert (rows[-1]["findings"], rows[-1]["closed"], rows[-1]["rate"]) == (315, 296, "94.0")
    assert rows[-1]["closed"] + rows[-1]["in_progress"] + rows[-1]["long_term"] == 315


def test_tree_rolls_the_city_up_over_its_nine_units(run: Run, shipped: Path) -> None:
    rows = json.loads(run("status", "--tree", "--format", "json", "--as-of", "2021-12-31").stdout)
    assert rows[0]["unit"] == "jinhua" and rows[0]["depth"] == 0
    assert (rows[0]["findings"], rows[0]["closed"], rows[0]["rate_text"]) == (
        315,
        296,
        "296/315 94.0%",
    )
    assert rows[0]["row"] == "rollup"
    assert (rows[1]["unit"], rows[1]["row"], rows[1]["rate_text"]) == ("jinhua", "own", "36/37 97.3%")
    assert [r["depth"] for r in rows[1:-1]] == [1] * 10
    assert rows[-1]["findings"] == 315  # the total counts each finding once


def test_the_open_city_finding_is_the_cadre_management_one(run: Run, shipped: Path) -> None:
    result = run(
        "list",
        "--unit",
        "jinhua",
        "--status",
        "in_progress",
        "--format",
        "json",
        "--as-of",
        "2021-12-31",
    )
    [finding] = json.loads(result.stdout)
    assert finding["title"] == "干部人事管理制度不到位"
    closed = json.loads(run("list", "--unit", "jinhua", "--status", "closed", "--format", "json").stdout)
    titles = {f["title"] for f in closed}
    assert {"数字检察理念不强、基础薄弱", "刑事检察体量大质量不优", "信访化解成效不明显"} <= titles


def test_figures_before_feedback_and_during_rectification(run: Run, shipped: Path) -> None:
    rows = json.loads(run("status", "--format", "json", "--as-of", "2021-07-27").stdout)
    assert rows[-1]["findings"] == 0
    rows = json.loads(run("status", "--format", "json", "--as-of", "2021-09-30").stdout)
    assert 0 < rows[-1]["closed"] < 296


def test_shipped_ledgers_pass_check_and_say_what_is_illustrative(run: Run, shipped: Path) -> None:
    result = run("check")
    assert result.exit_code == 0, result.stdout
    assert result.stderr == "ok: 10 ledgers, 315 findings in ledgers\n"
    for unit in UNITS:
        head = (SHIPPED / f"{unit}.yaml").read_text(encoding="utf-8").split("\nunit:", 1)[0]
        assert "illustrative" in head, unit


def test_status_csv_is_for_programs(run: Run, shipped: Path) -> None:
    lines = run("status", "--format", "csv", "--as-of", "2021-12-31", "--lang", "zh").stdout.splitlines()
    assert lines[0] == (
        "unit,name,depth,row,findings,closed,in_progress,long_term,overdue,rate,rate_text,units,"
        "on_time,on_time_rate,average_days,people,people_total,funds_yuan,rules,extended,as_of"
    )
    assert lines[-1].startswith(",合计,0,total,315,296,10,9,1,94.0,296/315 94.0%,10,")


def test_unit_list(run: Run, shipped: Path) -> None:
    rows = json.loads(run("unit", "list", "--format", "json").stdout)
    assert len(rows) == 10
    assert sum(r["findings"] for r in rows) == 315
    jinhua = next(r for r in rows if r["unit"] == "jinhua")
    assert (jinhua["name"], jinhua["parent"], jinhua["group"], jinhua["findings"]) == (
        "金华市人民检察院",
        "",
        "市委第三巡察组",
        37,
    )
    assert {r["parent"] for r in rows if r["unit"] != "jinhua"} == {"jinhua"}


def test_show_in_chinese(run: Run, shipped: Path) -> None:
    shown = run("show", "jinhua-025", "--lang", "zh").stdout
    assert shown.startswith("jinhua-025  干部人事管理制度不到位\n  单位        金华市人民检察院\n")
    assert "  状态        整改中  逾期31天\n" in shown  # overdue on 2021-12-31 (deadline 2021-11-30)
    assert "  整改过程\n    2021-07-28  挂账" in shown
