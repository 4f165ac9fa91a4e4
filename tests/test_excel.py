"""Excel in and out: the exported workbook opened again with openpyxl, office-style sheets
imported (tests/data/), the round trip on the shipped ledgers, and `rectify schema`."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from tests.conftest import SHIPPED, Run

DATA = Path(__file__).resolve().parent / "data"
HEADERS = [
    "序号",
    "方面",
    "问题",
    "整改措施",
    "责任领导",
    "责任部门",
    "责任人",
    "整改时限",
    "整改进展",
    "状态",
    "销号日期",
    "审签人",
    "佐证材料",
]


@pytest.fixture
def workbook(run: Run, shipped: Path, tmp_path: Path) -> Path:
    out = tmp_path / "台账.xlsx"
    result = run("export", "-o", str(out), "--as-of", "2021-12-31")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote 台账.xlsx: 10 units, 315 findings as of 2021-12-31\n"
    return out


def test_the_summary_sheet(workbook: Path) -> None:
    book = load_workbook(workbook)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 11
    ws = book["汇总"]
    assert ws["A1"].value == "巡察整改进展情况汇总（截至 2021-12-31）"
    assert [c.value for c in ws[2]] == ["排名", "单位", "问题数", "已销号", "整改中", "长期坚持", "逾期", "整改完成率"]
    assert [c.value for c in ws[ws.max_row]] == [None, "合计", 315, 296, 10, 9, 1, 0.94]
    assert ws.cell(row=ws.max_row, column=8).number_format == "0.0%"
    rates = [ws.cell(row=r, column=8).value for r in range(3, ws.max_row)]
    assert rates == sorted(rates, reverse=True) and ws["B3"].value == "金华市人民检察院" and rates[0] == 0.973
    assert ws.auto_filter.ref == "A2:H12" and len(ws._charts) == 1
    assert ws.freeze_panes == "A3"


def test_a_unit_sheet_is_a_printable_rectification_form(workbook: Path) -> None:
    ws = load_workbook(workbook)["金华市人民检察院"]
    assert ws["A1"].value == "金华市人民检察院巡察反馈意见整改销号表"
    assert ws["A2"].value == "填报单位（盖章）：金华市人民检察院"
    assert [c.value for c in ws[3] if c.value] == [h for h in HEADERS if h not in ("方面", "佐证材料")]
    aspects = [r for r in range(4, ws.max_row + 1) if str(ws.cell(row=r, column=1).value or "").endswith("方面")]
    assert len(aspects) == 4 and ws.cell(row=aspects[0], column=1).value.startswith("一、")
    assert ws.max_row == 3 + 4 + 37 + 1  # aspect rows, findings, signatures
    assert str(ws.cell(row=ws.max_row, column=1).value).startswith("整改责任人（签字）：")
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3" and ws.auto_filter.ref == "A3:K44"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.scale == 100 and ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws["B5"].alignment.wrap_text
    deadline = ws["G5"]
    assert isinstance(deadline.value, datetime) and deadline.number_format == "yyyy-mm-dd"
    statuses = [ws.cell(row=r, column=9).value for r in range(4, ws.max_row)]
    assert statuses.count("已销号") == 36 and statuses.count("逾期") == 1
    late = statuses.index("逾期") + 4
    assert ws.cell(row=late, column=2).fill.fgColor.rgb.endswith("F8D0D0")
    measures = ws.cell(row=5, column=3).value
    assert measures.startswith("1. ") and "\n2. " in measures
    assert ws.row_dimensions[5].height >= 3 * 13  # three measures, three lines at least
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=2).value == "干部人事管理制度不到位")
    assert ws.cell(row=row, column=10).value is None  # not closed: no 销号日期


def test_csv_and_json_exports(run: Run, shipped: Path, tmp_path: Path) -> None:
    assert run("export", "-o", str(tmp_path / "a.csv"), "--as-of", "2021-12-31").exit_code == 0
    data = (tmp_path / "a.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,unit,unit_name,aspect,title,")
    assert data.decode("utf-8-sig").count("\r\njinhua-") == 37
    assert run("export", "-o", str(tmp_path / "a.json"), "--unit", "jinhua", "--as-of", "2021-12-31").exit_code == 0
    rows = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert len(rows) == 37 and rows[0]["unit_name"] == "金华市人民检察院"
    assert sum(r["status"] == "closed" for r in rows) == 36


def _fields(record: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("aspect", "title", "measures", "leader", "department", "owner", "deadline_in_force", "status", "closed_on")
    return tuple(record[k] for k in keys) + (record["approver"],)


def test_round_trip_on_the_shipped_ledgers(
    run: Run, workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rectify.files.ledgerfile import read_ledger
    from rectify.present import workbook as excel

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.setenv("RECTIFY_LEDGERS", str(fresh))
    ledgers = sorted((read_ledger(p).ledger for p in SHIPPED.glob("*.yaml")), key=lambda led: led.unit.parent or "")
    for ledger in ledgers:  # parents first
        args = ["unit", "add", ledger.unit.id, "--name", ledger.unit.name]
        if ledger.unit.parent:
            args += ["--parent", ledger.unit.parent]
        if ledger.inspection.feedback_date:
            args += ["--feedback-date", ledger.inspection.feedback_date.isoformat()]
        assert run(*args).exit_code == 0
    for source in sorted(SHIPPED.glob("*.yaml")):
        unit = read_ledger(source).ledger.unit
        result = run("import", str(workbook), "--unit", unit.id, "--sheet", unit.name)
        assert result.exit_code == 0, result.output
    assert run("check").exit_code == 0
    day = date(2021, 12, 31)
    for source in sorted(SHIPPED.glob("*.yaml")):
        original = read_ledger(source).ledger
        again = read_ledger(fresh / source.name).ledger
        assert [_fields(excel.finding_record(original, f, day)) for f in original.findings] == [
            _fields(excel.finding_record(again, f, day)) for f in again.findings
        ]
    rows = json.loads(run("status", "--format", "json").stdout)
    assert rows[-1]["rate_text"] == "296/315 94.0%"


def test_import_an_office_sheet(run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECTIFY_TODAY", "2023-06-30")
    assert (
        run("unit", "add", "wucheng-wlt", "--name", "婺城区文化和旅游体育局", "--feedback-date", "2023-01-17").exit_code
        == 0
    )
    refused = run("import", str(DATA / "office_a.xlsx"), "--unit", "wucheng-wlt")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == (
        "整改台账!I4: '已完成' closes this problem but the sheet gives no 销号日期: add a 销号日期 or 完成时间 column, "
        "or give --closed-on DATE"
    )
    result = run("import", str(DATA / "office_a.xlsx"), "--unit", "wucheng-wlt", "--closed-on", "2023-05-04")
    assert result.exit_code == 0, result.output
    rows = json.loads(run("list", "--format", "json").stdout)
    assert [(r["aspect"], r["title"], r["status"], r["deadline"]) for r in rows] == [
        ("党的领导方面", "理论学习中心组学习不深入", "closed", "2023-03-31"),
        ("党的领导方面", "意识形态工作责任制落实不到位", "closed", "2023-04-30"),
        ("党的领导方面", "文物安全巡查不到位", "in_progress", "2023-06-30"),
        ("全面从严治党方面", "公务接待管理不规范", "long_term", "2023-05-31"),
        ("全面从严治党方面", "专项资金监管不严", "closed", "2023-04-15"),
        ("全面从严治党方面", "体育场馆对外开放不足", "long_term", None),
    ]
    assert rows[0]["measures"] == ["制定年度学习计划", "开展专题研讨"]
    assert rows[1]["measures"] == ["健全意识形态工作责任清单", "定期研判"]
    assert (rows[0]["leader"], rows[0]["department"], rows[0]["owner"]) == ("王某", "办公室", "李某")
    closes = [e for e in rows[0]["history"] if e["action"] == "close"]
    assert closes[0]["approver"] == "局长钟某"
    assert run("check").exit_code == 0


def test_import_aspect_rows_and_a_dry_run(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    result = run("import", str(DATA / "office_b.xlsx"), "--unit", "demo", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["id"], r["aspect"], r["title"], r["deadline"]) for r in rows] == [
        ("demo-003", "贯彻落实党中央决策部署方面", "服务企业举措不多", "2021-11-30"),
        ("demo-004", "贯彻落实党中央决策部署方面", "数字化改革工作不到位", "2021-12-31"),
        ("demo-005", "落实全面从严治党方面", "法律监督质效不高", "2021-12-31"),
    ]
    assert "nothing was written" in result.stderr
    assert demo.read_bytes() == before


def test_every_unreadable_cell_is_reported_and_nothing_written(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    result = run("import", str(DATA / "office_bad.xlsx"), "--unit", "demo")
    assert result.exit_code == 1
    closes = "closes this problem but the sheet gives no 销号日期: add a 销号日期 or 完成时间 column, or give --closed-on DATE"
    assert result.stderr.splitlines() == [
        "台账!D2: '2021-13-01' is not a real date",
        f"台账!E2: '已完成' {closes}",
        "台账!E3: '差不多了' is not a status word (已完成、已整改、已销号、完成、已完成整改、整改完成、已办结、已整改到位、整改到位、"
        "已完成销号、完成整改、正在整改、整改中、推进中、正在推进、基本完成、未完成、持续推进、进行中、逾期、长期坚持、需长期坚持、阶段性完成、"
        "持续整改、持续整改中、长期整改、未整改、未开始、未启动、申请销号、待审签、待销号、是、√、✓、否、整改完毕、已整改完毕、"
        "已完成整改并销号、已销号完成、正在整改中、整改推进中、部分完成; more in rectify.yaml, "
        "sheets: status_words)",
        f"台账!E4: '已销号' {closes}",
        "台账!E4: a closed problem needs its 审签人 (column, or --approver)",
        "台账!C5: no 方面 for this problem (no aspect column or aspect row above)",
        "rectify: 6 problems found; nothing was written",
    ]
    assert demo.read_bytes() == before
    missing = run("import", str(DATA / "office_a.xlsx"), "--unit", "demo", "--sheet", "无此表")
    assert missing.exit_code == 2 and "has no sheet '无此表' (sheets: 整改台账)" in missing.stderr


def test_import_a_csv_sheet(run: Run, demo: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "台账.csv"
    sheet.write_text(
        "\ufeff序号,方面,问题,整改时限,完成情况,审签人,完成时间\n1,作风方面,会风不正,2021年10月31日,已完成,钟某,2021年10月20日\n",
        encoding="utf-8",
    )
    result = run("import", str(sheet), "--unit", "demo")
    assert result.stderr.startswith("read 台账.csv as UTF-8 (BOM)\n")
    assert result.exit_code == 0, result.output
    assert json.loads(run("list", "-s", "closed", "--format", "json").stdout)[0]["title"] == "会风不正"


def _plain(path: Path) -> Any:
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def test_schema_accepts_the_shipped_ledgers_and_rejects_a_broken_one(run: Run, tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for ledger in sorted(SHIPPED.glob("*.yaml")):
        assert list(validator.iter_errors(_plain(ledger))) == [], ledger.name
    broken = tmp_path / "broken.yaml"
    shutil.copy(SHIPPED / "jinhua.yaml", broken)
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("    status: closed\n", "    staus: closed\n", 1),
        encoding="utf-8",
    )
    errors = [e.message for e in validator.iter_errors(_plain(broken))]
    assert any("staus" in message for message in errors)


def test_the_csv_export_imports_back(run: Run, shipped: Path, tmp_path: Path) -> None:
    out = tmp_path / "j.csv"
    assert run("export", "-o", str(out), "--unit", "jinhua", "--as-of", "2021-12-31").exit_code == 0
    assert run("unit", "add", "copy", "--name", "副本", "--feedback-date", "2021-07-28").exit_code == 0
    result = run("import", str(out), "--unit", "copy")
    assert result.exit_code == 0, result.output
    rows = json.loads(run("status", "--unit", "copy", "--format", "json").stdout)
    assert rows[-1]["rate_text"] == "36/37 97.3%"


def test_import_says_which_sheet_it_read(run: Run, workbook: Path) -> None:
    assert run("unit", "add", "copy", "--name", "副本", "--feedback-date", "2021-07-28").exit_code == 0
    result = run("import", str(workbook), "--unit", "copy", "--dry-run")
    assert result.stderr.startswith("reading sheet '东阳市人民检察院' of 11 (汇总, 东阳市人民检察院,")


def _sheet(tmp_path: Path, rows: list[list[Any]], merges: list[str] = (), name: str = "台账") -> Path:  # type: ignore[assignment]
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = name
    for row in rows:
        ws.append(row)
    for span in merges:
        ws.merge_cells(span)
    path = tmp_path / f"{name}-{len(rows)}.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("word", ["尚未完成", "未完成。", "部分完成", "完成率50%", "整改中（已完成80%）"])
def test_a_negated_or_partial_status_word_is_never_closed(run: Run, demo: Path, tmp_path: Path, word: str) -> None:
    path = _sheet(tmp_path, [["方面", "问题", "状态", "审签人"], ["党的领导方面", "学习不深入", word, "钟某"]])
    result = run("import", str(path), "--unit", "demo", "--dry-run", "--format", "json")
    if result.exit_code == 0:
        assert json.loads(result.stdout)[0]["status"] != "closed"
    else:
        assert "台账!C2:" in result.stderr and "is not a status word" in result.stderr


def test_office_layouts_merged_aspect_rows_two_row_headers_and_notes(run: Run, demo: Path, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [
            ["序号", "方面", "问题", "责任人", "整改情况", None, "审签人"],
            [None, None, None, None, "状态", "销号日期", None],
            ["（一）政治建设方面"],
            [1, None, "学习不深入", "李某", "已完成", datetime(2021, 9, 1), "钟某"],
            ["一", "全面从严治党方面"],
            [1, None, "接待不规范", "王某", "整改中", None, None],
            ["注：本表由各单位填报"],
        ],
        ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1", "G1:G2", "A3:G3", "A7:G7"],
    )
    result = run("import", str(path), "--unit", "demo", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["aspect"], r["title"], r["status"]) for r in rows] == [
        ("政治建设方面", "学习不深入", "closed"),
        ("全面从严治党方面", "接待不规范", "in_progress"),
    ]


def test_text_starting_with_equals_stays_text_and_formulas_without_values_are_reported(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    assert run("add", "-u", "demo", "-a", "纪律方面", "-t", "=1+1", "--date", "2021-08-01").exit_code == 0
    out = tmp_path / "eq.xlsx"
    assert run("export", "-o", str(out)).exit_code == 0
    cell = next(c for row in load_workbook(out)["示例单位"].iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"
    path = _sheet(tmp_path, [["方面", "问题", "状态"], ["党的领导方面", '="学习"&"不深入"', "整改中"]], name="公式")
    result = run("import", str(path), "--unit", "demo", "--dry-run")
    assert result.exit_code == 1
    assert "公式!B2: a formula with no saved value; open the file in Excel and save it" in result.stderr


def test_rows_that_contradict_their_dates_are_all_reported(run: Run, demo: Path, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [
            ["方面", "问题", "整改时限", "状态", "销号日期", "审签人"],
            ["党的领导方面", "时限过早", datetime(2020, 1, 1), "整改中", None, None],
            ["党的领导方面", "未销号却有销号日期", datetime(2021, 12, 31), "整改中", datetime(2021, 9, 1), None],
            ["党的领导方面", "未来销号", datetime(2021, 12, 31), "已完成", datetime(2022, 3, 1), "钟某"],
        ],
        name="日期",
    )
    before = demo.read_bytes()
    result = run("import", str(path), "--unit", "demo", "--date", "2021-07-28")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == ["sheets read: 日期", "status words: 整改中 -> in_progress (2), 已完成 -> closed (1)"]
    assert result.stderr.splitlines()[2:5] == [
        "日期!C2: 整改时限 2020-01-01 is before 2021-07-28, the day put on the ledger (--date)",
        "日期!E3: a 销号日期 (2021-09-01) on a problem that is in_progress; one of the two is wrong",
        "日期!E4: 销号日期 2022-03-01 is not between 2021-07-28 (the day put on the ledger; --date) and today (2021-12-31)",
    ]
    assert demo.read_bytes() == before
    future = run("import", str(path), "--unit", "demo", "--date", "2022-05-01", "--dry-run")
    assert future.exit_code == 2 and "--date 2022-05-01 is after today" in future.stderr


def test_a_problem_merged_over_several_rows_is_one_finding(run: Run, demo: Path, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path,
        [
            ["方面", "问题", "整改措施", "状态"],
            ["党的领导方面", "学习不深入", "制定计划", "整改中"],
            [None, None, "开展研讨", "整改中"],
        ],
        ["A2:A3", "B2:B3"],
        name="合并",
    )
    rows = json.loads(run("import", str(path), "--unit", "demo", "--dry-run", "--format", "json").stdout)
    assert [(r["title"], r["measures"], r["status"]) for r in rows] == [
        ("学习不深入", ["制定计划", "开展研讨"], "in_progress")
    ]
    assert run("export", "-o", str(tmp_path)).exit_code == 2
