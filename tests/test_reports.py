"""Reports on the shipped ledgers: every grouping and roll-up, checked against an
independent count made here straight from the YAML files (not through rectify's models)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from wcwidth import wcswidth

from tests.conftest import SHIPPED, Run

AS_OF = date(2021, 12, 31)


def _raw() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(ledger, finding) pairs as plain YAML, every scalar a string (BaseLoader)."""
    out = []
    for path in sorted(SHIPPED.glob("*.yaml")):
        ledger = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        out += [(ledger, finding) for finding in ledger["findings"]]
    return out


def _closed_on(finding: dict[str, Any], day: date) -> date | None:
    closes = [date.fromisoformat(e["date"]) for e in finding["history"] if e["action"] == "close"]
    closes = [d for d in closes if d <= day]
    return max(closes) if closes else None


def _deadline(finding: dict[str, Any], day: date) -> date:
    deadline = date.fromisoformat(finding["deadline"])
    for event in finding["history"]:
        if event["action"] == "extend" and date.fromisoformat(event["date"]) <= day:
            deadline = date.fromisoformat(event["to"])
    return deadline


def _independent(key: Any, day: date = AS_OF) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = defaultdict(lambda: {"findings": 0, "closed": 0, "overdue": 0, "units": set()})
    for ledger, finding in _raw():
        if date.fromisoformat(finding["history"][0]["date"]) > day:
            continue
        group = groups[key(ledger, finding) or ""]
        group["findings"] += 1
        group["units"].add(ledger["unit"]["id"])
        closed = _closed_on(finding, day) is not None
        group["closed"] += closed
        group["overdue"] += not closed and day > _deadline(finding, day)
    return groups


def _json(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


KEYS = {
    "aspect": lambda ledger, finding: finding["aspect"],
    "title": lambda ledger, finding: finding["title"],
    "supervisor": lambda ledger, finding: ledger["unit"].get("supervisor"),
    "department": lambda ledger, finding: finding.get("department"),
    "owner": lambda ledger, finding: finding.get("owner"),
    "round": lambda ledger, finding: ledger["inspection"].get("round"),
    "unit": lambda ledger, finding: ledger["unit"]["id"],
}


@pytest.mark.parametrize("by", list(KEYS))
def test_every_grouping_agrees_with_an_independent_count(run: Run, shipped: Path, by: str) -> None:
    rows = _json(run, "status", "--by", by, "--as-of", "2021-12-31")
    expected = _independent(KEYS[by])
    body, total = rows[:-1], rows[-1]
    assert {r[by] or "": (r["findings"], r["closed"], r["overdue"], r["units"]) for r in body} == {
        key: (g["findings"], g["closed"], g["overdue"], len(g["units"])) for key, g in expected.items()
    }
    assert (total["findings"], total["closed"], total["rate_text"]) == (315, 296, "296/315 94.0%")


def test_supervision_groups(run: Run, shipped: Path) -> None:
    rows = {
        r["supervisor"]: r["rate_text"] for r in _json(run, "status", "--by", "supervisor", "--as-of", "2021-12-31")
    }
    assert rows == {
        "督导一组": "89/95 93.7%",  # wucheng 34/36, jindong 28/30, lanxi 27/29
        "督导二组": "65/71 91.5%",  # dongyang 30/33, yiwu 35/38
        "督导三组": "54/58 93.1%",  # yongkang 29/31, wuyi 25/27
        "督导四组": "52/54 96.3%",  # pujiang 27/28, panan 25/26
        "": "36/37 97.3%",  # the city unit has no supervision group
        None: "296/315 94.0%",
    }


def test_high_frequency_problems_come_first(run: Run, shipped: Path) -> None:
    rows = _json(run, "status", "--by", "title", "--as-of", "2021-12-31")
    published = {"四大检察职能发挥不平衡不充分", "法律监督质效不高", "数字化改革工作不到位", "服务企业举措不多"}
    units = {r["title"]: r["units"] for r in rows[:-1]}
    assert all(units[title] >= 6 for title in published)
    assert rows[0]["units"] == max(r["units"] for r in rows[:-1])
    assert [r["units"] for r in rows[:-1]] == sorted((r["units"] for r in rows[:-1]), reverse=True)


def test_aspect_view_across_units(run: Run, shipped: Path) -> None:
    rows = _json(run, "status", "--by", "aspect", "--as-of", "2021-12-31")
    assert rows[0]["units"] == 10
    assert sum(r["findings"] for r in rows[:-1]) == 315
    table = run("status", "--by", "aspect", "--as-of", "2021-12-31", "--lang", "zh").stdout.splitlines()
    assert table[1].split()[:3] == ["方面", "涉及单位", "问题数"]


def test_wide_columns_agree_with_an_independent_count(run: Run, shipped: Path) -> None:
    people: dict[str, int] = defaultdict(int)
    funds, rules, on_time, closed, days = Decimal("0"), 0, 0, 0, 0
    for ledger, finding in _raw():
        counters = finding.get("accountability", {})
        if _closed_on(finding, AS_OF) is not None:  # counters count from the close
            for kind, number in counters.get("people", {}).items():
                people[kind] += int(number)
            funds += Decimal(counters.get("funds_yuan", "0"))
            rules += int(counters.get("rules", "0"))
        day = _closed_on(finding, AS_OF)
        if day is not None:
            closed += 1
            on_time += day <= _deadline(finding, day)
            days += (day - date.fromisoformat(ledger["inspection"]["feedback_date"])).days
    total = _json(run, "status", "--as-of", "2021-12-31")[-1]
    assert total["people"] == dict(people) and total["people_total"] == sum(people.values())
    assert Decimal(total["funds_yuan"]) == funds
    assert total["rules"] == rules
    assert total["on_time"] == on_time
    assert Decimal(total["average_days"]) == (Decimal(days) / closed).quantize(Decimal("0.1"), "ROUND_HALF_UP")
    wide = run("status", "-w", "--money", "wan", "--as-of", "2021-12-31").stdout.splitlines()[-1]
    assert str(funds / 10000).rstrip("0").rstrip(".") in wide.split()


def test_money_is_exact_in_yuan_and_wan() -> None:
    from rectify.present.tables import money_text

    assert money_text(Decimal("71320.00"), "wan") == "7.132"
    assert money_text(Decimal("71320"), "yuan") == "71320.00"
    assert money_text(Decimal("3179800.00"), "wan") == "317.98"
    assert money_text(Decimal("0.015"), "yuan") == "0.015"
    assert money_text(Decimal("0"), "wan") == "0"


def test_overdue_list(run: Run, shipped: Path) -> None:
    rows = _json(run, "overdue", "--as-of", "2021-12-31")
    assert [(r["id"], r["days_overdue"], r["owner"]) for r in rows] == [("jinhua-025", 31, rows[0]["owner"])]
    assert rows[0]["deadline"] == "2021-11-30" and rows[0]["owner"]
    soon = _json(run, "overdue", "--as-of", "2021-12-31", "--within", "31")
    assert soon[0]["id"] == "jinhua-025"
    assert all(r["days_overdue"] >= -31 for r in soon)
    assert [r["days_overdue"] for r in soon] == sorted((r["days_overdue"] for r in soon), reverse=True)
    expected = sum(1 for _, f in _raw() if _closed_on(f, AS_OF) is None and -31 <= (AS_OF - _deadline(f, AS_OF)).days)
    assert len(soon) == expected


def test_trend_points_agree_with_an_independent_count(run: Run, shipped: Path) -> None:
    rows = _json(run, "trend", "--every", "month", "--to", "2021-12-31")
    assert [r["date"] for r in rows] == [
        "2021-07-28",
        "2021-07-31",
        "2021-08-31",
        "2021-09-30",
        "2021-10-31",
        "2021-11-30",
        "2021-12-31",
    ]
    for row in rows:
        day = date.fromisoformat(row["date"])
        groups = _independent(KEYS["unit"], day).values()
        assert (row["findings"], row["closed"]) == (
            sum(g["findings"] for g in groups),
            sum(g["closed"] for g in groups),
        )
    assert rows[-1]["rate"] == "94.0"
    weekly = _json(run, "trend", "--from", "2021-07-28", "--to", "2021-08-18")
    assert [r["date"] for r in weekly] == ["2021-07-28", "2021-08-04", "2021-08-11", "2021-08-18"]
    chart = run("trend", "--every", "month", "--to", "2021-12-31").stdout.splitlines()[-1]
    assert chart.rstrip().endswith("█" * 28 + "▎")  # 94.0% of 30 cells


@pytest.mark.parametrize("fmt", ["plain", "simple", "github", "grid", "markdown", "table"])
def test_text_tables_line_up_with_chinese(run: Run, shipped: Path, fmt: str) -> None:
    for args in (
        ("status",),
        ("status", "--by", "aspect", "-w"),
        ("list", "--unit", "jinhua"),
        ("overdue", "--within", "60"),
    ):
        out = run(*args, "--format", fmt, "--lang", "zh", "--as-of", "2021-12-31").stdout.splitlines()
        skip = {"table": 1, "markdown": 2}.get(fmt, 0)  # the "截至" title is not part of the table
        lines = out[skip:]
        assert len({wcswidth(line) for line in lines}) == 1, (args, fmt)


def test_program_formats_keep_english_keys(run: Run, shipped: Path) -> None:
    tsv = run("status", "--format", "tsv", "--lang", "zh", "--as-of", "2021-12-31").stdout.splitlines()
    assert tsv[0].split("\t")[:3] == ["unit", "name", "depth"]
    rows = _json(run, "status", "--lang", "zh", "--as-of", "2021-12-31")
    assert rows[-1]["name"] == "合计" and "findings" in rows[-1]


def test_no_color_and_forced_terminal(run: Run, shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR")
    coloured = run("status", "--as-of", "2021-12-31").stdout
    assert "┃" in coloured and "\x1b[" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run("status", "--as-of", "2021-12-31").stdout
    assert "┃" in plain
    assert not re.search(r"\x1b\[[0-9;]*(3[0-8]|9[0-7])[;m]", plain)  # no colour codes


def _rectify(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "rectify", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def test_a_closed_pipe_ends_quietly(shipped: Path) -> None:
    process = _rectify("list")
    assert process.stdout is not None and process.stderr is not None
    first = [process.stdout.readline() for _ in range(2)]
    process.stdout.close()  # like `rectify list | head -2`
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""
    assert first[0].startswith(b"ID")


def test_a_gbk_console_gets_a_replacement_not_a_traceback(folder: Path) -> None:
    from tests.conftest import MINIMAL

    (folder / "demo.yaml").write_text(MINIMAL.replace("理论学习不深入", "理论学习不深入😀"), encoding="utf-8")
    process = _rectify("list", env={"PYTHONIOENCODING": "gbk"})
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "理论学习不深入?".encode("gbk") in out


def test_review_fixes_for_reports(run: Run, shipped: Path, tmp_path: Path) -> None:
    # a unit's aspects keep their feedback order (一、二、三、四)
    rows = _json(run, "status", "--unit", "lanxi", "--as-of", "2021-12-31")
    ledger = yaml.load((SHIPPED / "lanxi.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert [r["aspect"] for r in rows[:-1]] == list(dict.fromkeys(f["aspect"] for f in ledger["findings"]))
    # the same text with stray spaces is one group
    assert run("add", "-u", "lanxi", "-a", " 落实新时代党的组织路线方面 ", "-t", "服务企业举措不多 ").exit_code == 0
    titles = [r["title"] for r in _json(run, "status", "--by", "title")[:-1]]
    assert titles.count("服务企业举措不多") == 1
    # the trend counts long-term findings in a column of their own
    point = _json(run, "trend", "--every", "month", "--to", "2021-12-31")[-1]
    assert point["closed"] + point["in_progress"] + point["long_term"] == point["findings"]
    header = run("trend", "--every", "month", "--to", "2021-12-31", "--lang", "zh").stdout.splitlines()[0]
    assert "长期坚持" in header
    # no row: programs still get the header
    assert run("overdue", "--as-of", "2021-07-01", "-f", "csv").stdout.startswith("id,unit,unit_name,title,")
    # a date of another millennium is a usage error, not a traceback
    far = run("trend", "--to", "9999-12-31")
    assert far.exit_code == 2 and "too far from our time" in far.stderr


def test_the_bulletin_lists_only_findings_on_the_ledger_by_its_date(run: Run, shipped: Path, tmp_path: Path) -> None:
    assert run("add", "-u", "jinhua", "-a", "新方面", "-t", "含|竖线的*问题*", "--date", "2021-12-31").exit_code == 0
    out = tmp_path / "b.md"
    assert run("report", "-f", "md", "-o", str(out), "--as-of", "2021-12-30").exit_code == 0
    assert "含" not in out.read_text(encoding="utf-8")
    assert run("report", "-f", "md", "-o", str(out), "--as-of", "2021-12-31").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert r"含\|竖线的\*问题\*" in text
    table = run("status", "--by", "title", "-f", "markdown").stdout
    assert r"含\|竖线的\*问题\*" in table


def test_a_pipe_closed_before_the_first_line_ends_quietly(shipped: Path) -> None:
    process = _rectify("status")
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""
