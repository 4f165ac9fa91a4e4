"""What a county office's clerk met trying rectify on a Chinese locale, each fixed: dates
written as import reads them, ids typed in capitals or full width, dates before the
feedback or after today, two units of one name, one form of the date in the 通报, and a
sentence when ``frequent`` finds nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from rectify.domain.model import written_date
from tests.conftest import Run

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

ZH_FORMS = "日期应写作 2026-12-31、2026/12/31、2026.12.31 或 2026年12月31日（年份在前，写全四位），实际为 "


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clerk's locale."""
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2021-12-30", date(2021, 12, 30)),
        ("2021-1-5", date(2021, 1, 5)),
        ("2021/12/30", date(2021, 12, 30)),
        ("2021.12.30", date(2021, 12, 30)),
        ("2021年12月30日", date(2021, 12, 30)),
        ("2021年1月5号", date(2021, 1, 5)),
        ("２０２１年１２月３０日", date(2021, 12, 30)),
        ("２０２１－１２－３０", date(2021, 12, 30)),
        (" 2021/12/30 ", date(2021, 12, 30)),
        ("20211230", date(2021, 12, 30)),
    ],
)
def test_a_date_is_read_in_each_written_form_import_reads(written: str, day: date) -> None:
    assert written_date(written) == day


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("12/31/2021", "expected a date written 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日 "
         "(the year first, in four digits), got '12/31/2021'"),
        ("31/12/2021", "expected a date written 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日 "
         "(the year first, in four digits), got '31/12/2021'"),
        ("21/12/31", "expected a date written 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日 "
         "(the year first, in four digits), got '21/12/31'"),
        ("2021-2-30", "'2021-2-30' is not a real date"),
        ("2021年12月", "expected a date written 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日 "
         "(the year first, in four digits), got '2021年12月'"),
    ],
)
def test_a_date_that_would_be_a_guess_is_refused_naming_the_forms(written: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        written_date(written)
    assert str(caught.value) == message


@pytest.mark.parametrize("written", ["2021/12/30", "2021年12月30日", "2021.12.30", "２０２１－１２－３０"])
def test_add_takes_a_deadline_and_a_date_written_as_import_reads_them(
    run: Run, demo: Path, zh: None, written: str
) -> None:
    result = run("add", "-u", "demo", "-a", "政治建设方面", "-t", "会风不实", "--deadline", written, "--date", written)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "demo-003\n", "")
    text = demo.read_text(encoding="utf-8")
    added = text[text.index("  - id: demo-003"):]
    assert "    deadline: 2021-12-30\n" in added and "      - date: 2021-12-30\n" in added


@pytest.mark.parametrize(
    "args",
    [
        ("add", "-u", "demo", "-a", "政治建设方面", "-t", "会风不实", "--deadline"),
        ("add", "-u", "demo", "-a", "政治建设方面", "-t", "会风不实", "--date"),
        ("extend", "demo-001", "--approver", "李某", "--reason", "待审计", "--to"),
        ("start", "demo-001", "--date"),
    ],
)
@pytest.mark.parametrize("written", ["12/31/2021", "31/12/2021", "21/12/31"])
def test_every_date_option_refuses_a_guess_and_writes_nothing(
    run: Run, demo: Path, zh: None, args: tuple[str, ...], written: str
) -> None:
    before = demo.read_bytes()
    result = run(*args, written)
    assert result.exit_code == 2
    assert result.stderr == f"rectify：错误：{args[-1]}：{ZH_FORMS}'{written}'\n"
    assert demo.read_bytes() == before


def test_an_impossible_date_is_refused_as_such(run: Run, demo: Path, zh: None) -> None:
    before = demo.read_bytes()
    result = run("add", "-u", "demo", "-a", "政治建设方面", "-t", "会风不实", "--deadline", "2021-2-30")
    assert (result.exit_code, result.stderr) == (2, "rectify：错误：--deadline：'2021-2-30' 不是有效日期\n")
    assert demo.read_bytes() == before


def test_the_as_of_date_of_a_view_takes_the_written_forms(run: Run, demo: Path) -> None:
    iso = run("status", "--as-of", "2021-11-01", "--format", "csv")
    assert iso.exit_code == 0
    for written in ("2021/11/1", "2021年11月1日", "2021.11.01"):
        assert run("status", "--as-of", written, "--format", "csv").stdout == iso.stdout
    refused = run("status", "--as-of", "11/01/2021")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "rectify: error: --as-of: expected a date written 2026-12-31, 2026/12/31, 2026.12.31 or "
        "2026年12月31日 (the year first, in four digits), got '11/01/2021'\n"
    )


def test_unit_add_takes_a_feedback_date_written_in_chinese(run: Run, folder: Path) -> None:
    result = run("unit", "add", "qingshan", "--name", "青山县人民检察院", "--feedback-date", "2021年7月28日")
    assert result.exit_code == 0, result.output
    assert "  feedback_date: 2021-07-28\n" in (folder / "qingshan.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("typed", ["DEMO-001", "Demo-001", "ｄｅｍｏ－００１", "ＤＥＭＯ－００１"])
def test_a_finding_id_typed_in_capitals_or_full_width_finds_the_finding(
    run: Run, demo: Path, zh: None, typed: str
) -> None:
    exact = run("show", "demo-001")
    assert (exact.exit_code, exact.stderr) == (0, "")
    shown = run("show", typed)
    assert shown.exit_code == 0
    assert shown.stdout == exact.stdout
    assert shown.stderr == f"rectify：{typed} 按 demo-001 查找\n"


def test_a_step_on_an_id_typed_in_capitals_is_recorded_on_the_finding(run: Run, demo: Path, zh: None) -> None:
    done = run("start", "ＤＥＭＯ－００２", "--date", "2021-08-01")
    assert (done.exit_code, done.stdout) == (0, "已开始整改 demo-002（2021-08-01）\n")
    assert done.stderr == "rectify：ＤＥＭＯ－００２ 按 demo-002 查找\n"
    text = demo.read_text(encoding="utf-8")
    assert "      - date: 2021-08-01\n        action: start\n" in text[text.index("  - id: demo-002"):]


def test_merging_into_an_id_typed_in_capitals(run: Run, demo: Path) -> None:
    done = run("withdraw", "demo-002", "--into", "DEMO-001", "--approver", "钟某", "--by", "王某", "--reason", "重复", "--date", "2021-08-01")
    assert done.exit_code == 0, done.output
    assert done.stderr == "rectify: DEMO-001 read as demo-001\n"
    assert "        into: demo-001\n" in demo.read_text(encoding="utf-8")


def test_an_id_that_is_none_in_any_form_is_refused_as_typed(run: Run, demo: Path, zh: None) -> None:
    before = demo.read_bytes()
    missing = run("start", "DEMO-009")
    assert (missing.exit_code, missing.stdout) == (2, "")
    assert missing.stderr == "rectify：DEMO-009 按 demo-009 查找\nrectify：错误：没有问题 demo-009（ledgers/demo.yaml）\n"
    wrong = run("start", "DEMO 001")
    assert wrong.stderr == "rectify：错误：'DEMO 001' 不是问题编号（应为 <单位编号>-NNN，如 jinhua-007）\n"
    assert demo.read_bytes() == before


def test_a_finding_dated_before_the_feedback_is_refused(run: Run, demo: Path, zh: None) -> None:
    before = demo.read_bytes()
    result = run("add", "-u", "demo", "-a", "政治建设方面", "-t", "会风不实", "--date", "2021-07-27")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "rectify：错误：挂账日期 2021-07-27 早于本单位的反馈日期（2021-07-28）；问题反馈后才能挂账\n"
    )
    assert demo.read_bytes() == before
    on_the_day = run("add", "-u", "demo", "-a", "政治建设方面", "-t", "会风不实", "--date", "2021-07-28")
    assert (on_the_day.exit_code, on_the_day.stdout) == (0, "demo-003\n")


def test_a_feedback_list_dated_before_the_feedback_is_refused(run: Run, demo: Path, tmp_path: Path) -> None:
    listing = tmp_path / "feedback.csv"
    listing.write_text("方面,问题\n作风建设方面,会风不实\n", encoding="utf-8")
    before = demo.read_bytes()
    result = run("add", "-u", "demo", "--from", str(listing), "--date", "2021-07-01")
    assert result.exit_code == 2
    assert result.stderr == (
        "rectify: error: put on the ledger on 2021-07-01, before the unit's feedback date (2021-07-28): "
        "the problems are handed over at the feedback (反馈)\n"
    )
    assert demo.read_bytes() == before


def test_a_feedback_date_after_today_is_refused(run: Run, folder: Path, zh: None) -> None:
    result = run("unit", "add", "qingshan", "--name", "青山县人民检察院", "--feedback-date", "2022-01-01")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "rectify：错误：--feedback-date：反馈日期 2022-01-01 晚于今天（2021-12-31）；"
        "反馈日期是问题交办的日期，不能是将来的日子\n"
    )
    assert list(folder.iterdir()) == []
    today = run("unit", "add", "qingshan", "--name", "青山县人民检察院", "--feedback-date", "2021-12-31")
    assert today.exit_code == 0


EARLY = """\
unit:
  id: early
  name: 青山县人民检察院
inspection:
  feedback_date: 2022-01-05
findings:
  - id: early-001
    aspect: 政治建设方面
    title: 理论学习不深入
    status: open
    history:
      - date: 2021-12-01
        action: add
"""


def test_check_reports_a_feedback_date_after_today_and_a_finding_added_before_it(
    run: Run, folder: Path, zh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "early.yaml").write_text(EARLY, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/early.yaml:5:18: inspection.feedback_date: 反馈日期 2022-01-05 晚于今天（2021-12-31）；"
        "反馈日期是问题交办的日期，不能是将来的日子",
        "ledgers/early.yaml:12:15: early-001.history[1].date: 挂账日期 2021-12-01 早于本单位的反馈日期（2022-01-05）；"
        "问题反馈后才能挂账",
    ]
    monkeypatch.setenv("RECTIFY_TODAY", "2022-01-05")  # the cache's entry of yesterday no longer holds
    again = run("check").stdout.splitlines()
    assert again == [line for line in result.stdout.splitlines() if "反馈日期 2022-01-05 晚于今天" not in line]


def test_an_import_dated_before_the_feedback_is_refused(run: Run, demo: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("方面,问题,整改时限\n作风建设方面,会风不实,2021/12/31\n", encoding="utf-8")
    before = demo.read_bytes()
    result = run("import", str(sheet), "-u", "demo", "--date", "2021-07-01")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "rectify: error: put on the ledger on 2021-07-01, before the unit's feedback date (2021-07-28): "
        "the problems are handed over at the feedback (反馈)"
    )
    assert demo.read_bytes() == before


def _unit(unit_id: str, name: str) -> str:
    return f"unit:\n  id: {unit_id}\n  name: {name}\ninspection:\n  feedback_date: 2021-07-28\nfindings: []\n"


def test_check_reports_two_units_of_one_name_at_both_files(run: Run, folder: Path, zh: None) -> None:
    (folder / "qingshan.yaml").write_text(_unit("qingshan", "青山县人民检察院"), encoding="utf-8")
    (folder / "other.yaml").write_text("# 另一个院\n" + _unit("other", "别的院"), encoding="utf-8")
    (folder / "qs.yaml").write_text("# 抄错了\n\n" + _unit("qs", "青山县　人民 检察院"), encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/qingshan.yaml:3:9: unit.name: 单位名称 '青山县人民检察院' 与 ledgers/qs.yaml:5 中单位 qs 的名称相同",
        "ledgers/qs.yaml:5:9: unit.name: 单位名称 '青山县\\u3000人民 检察院' 与 ledgers/qingshan.yaml:3 中单位 "
        "qingshan 的名称相同",
    ]
    assert result.stderr == "ledgers 中有 2 处错误\n"


@pytest.mark.parametrize("name", ["青山县人民检察院", "青山县 人民检察院", "青山县人民检察院\u200b", "青山县人民检察院 "])
def test_unit_add_refuses_a_name_another_unit_has(run: Run, folder: Path, zh: None, name: str) -> None:
    assert run("unit", "add", "qingshan", "--name", "青山县人民检察院").exit_code == 0
    before = sorted(path.name for path in folder.glob("*.yaml"))
    result = run("unit", "add", "qs", "--name", name)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "rectify：错误：--name：单位 qingshan（ledgers/qingshan.yaml）已使用名称 '青山县人民检察院'；请为本单位另取名称\n"
    )
    assert sorted(path.name for path in folder.glob("*.yaml")) == before
    assert run("unit", "add", "qs", "--name", "青山县人民法院").exit_code == 0


ISO_DAY = re.compile(r"\b20\d\d-\d\d-\d\d\b|\b\d\d-\d\d\b")
"""A date written the ISO way, whole or as month and day (the chart's short labels)."""


def test_the_chinese_bulletin_writes_every_date_one_way(run: Run, shipped: Path, tmp_path: Path) -> None:
    args = ("report", "--as-of", "2021-12-03", "--since", "2021-11-01", "--details", "--lang", "zh")
    assert run(*args, "-o", "b.md").exit_code == 0
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert ISO_DAY.findall(text) == []
    assert text.startswith("# 巡察整改进展情况通报（截至2021年12月3日）\n")
    assert "## 本期变化（自2021年11月1日）\n" in text
    assert "| jinhua-025 | 金华市人民检察院 | 干部人事管理制度不到位 | 2021年11月30日 | 3 " in text
    assert "| 2021年7月28日  | 73 " in text  # the trend's first week
    assert "- **dongyang-001 案件流程监控和质量评查不严格**（已销号，整改时限2021年10月31日）\n" in text
    assert run(*args, "-o", "b.html").exit_code == 0
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert ISO_DAY.findall(page) == []
    assert "<title>巡察整改进展情况通报（截至2021年12月3日）</title>" in page
    assert "<span>2021年12月3日</span>" in page  # the header block
    assert "本期（2021年11月1日以来）新完成销号80个" in page
    labels = re.findall(r'<text x="[0-9.]+" y="212"[^>]*>([^<]*)</text>', page)
    assert labels[0] == "2021年7月28日" and labels[-1] == "12月3日" and all("月" in label for label in labels)


def test_the_english_bulletin_keeps_the_iso_dates(run: Run, shipped: Path, tmp_path: Path) -> None:
    assert run("report", "--as-of", "2021-12-03", "--lang", "en", "-o", "b.md").exit_code == 0
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert text.startswith("# Rectification progress bulletin (as of 2021-12-03)\n")
    assert "2021年" not in text and "2021-11-30" in text


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed")
def test_the_word_bulletin_prints_every_date_in_chinese(run: Run, shipped: Path, tmp_path: Path) -> None:
    from tests.test_print import _text, to_pdf

    made = run("report", "--as-of", "2022-03-01", "--since", "2022-02-01", "--unit", "dongyang", "--lang", "zh",
               "-o", "bulletin.docx")  # fmt: skip
    assert made.exit_code == 0, made.output
    text = _text(to_pdf(tmp_path / "bulletin.docx", tmp_path), layout=True)
    assert ISO_DAY.findall(text) == []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[:3] == ["2022 年 3 月 1 日", "巡察整改进展情况通报", "（截至 2022 年 3 月 1 日）"]  # pdftotext spaces the scripts
    assert any(line.startswith("本期（2022 年 2 月 1 日以来）新完成销号") for line in lines)
    assert any(re.match(r"dongyang-033 .* 2021 年 12 月 31 日 +60 彭某$", line) for line in lines)  # its deadline whole
    trend = [line.split()[:7] for line in lines if re.match(r"20\d\d 年 \d+ 月 \d+ 日 +\d+ +\d+/\d+", line)]
    assert len(trend) == 8 and trend[-1] == ["2022", "年", "3", "月", "1", "日", trend[-1][6]]


def test_frequent_with_nothing_found_says_so_and_why(run: Run, demo: Path, zh: None) -> None:
    found = run("frequent")
    assert (found.exit_code, found.stderr) == (0, "")
    assert found.stdout == (
        "截至 2021-12-31 没有高频问题：1 个单位的 2 个问题中，没有两个问题类别相同或问题描述含义相同。\n"
    )
    early = run("frequent", "--as-of", "2021-07-01")
    assert (early.exit_code, early.stdout) == (
        0, "截至 2021-07-01 没有高频问题：1 个单位在台账上共有 0 个问题，高频问题是至少出现两次的问题。\n"
    )
    english = run("--lang", "en", "frequent", "--unit", "demo")
    assert english.stdout == (
        "No high-frequency problem as of 2021-12-31: no two of the 2 findings of 1 unit share a category or a "
        "problem (titles that mean the same).\n"
    )
    assert run("frequent", "--format", "json").stdout == "[]\n"  # a program gets an empty list, no sentence


def test_frequent_still_lists_what_it_finds(run: Run, shipped: Path) -> None:
    listed = run("frequent", "--format", "json")
    assert listed.exit_code == 0
    groups = json.loads(listed.stdout)
    assert groups[0]["label"] == "四大检察职能发挥不平衡不充分" and groups[0]["findings"] == 9
    assert "No high-frequency problem" not in run("frequent").stdout


def test_three_units_of_one_name_give_one_problem_each(run: Run, folder: Path) -> None:
    for unit in ("aa", "bb", "cc"):
        (folder / f"{unit}.yaml").write_text(_unit(unit, "青山县人民检察院"), encoding="utf-8")
    assert run("check").stdout.splitlines() == [
        "ledgers/aa.yaml:3:9: unit.name: unit name '青山县人民检察院' is also the name of unit bb in ledgers/bb.yaml:3",
        "ledgers/bb.yaml:3:9: unit.name: unit name '青山县人民检察院' is also the name of unit aa in ledgers/aa.yaml:3",
        "ledgers/cc.yaml:3:9: unit.name: unit name '青山县人民检察院' is also the name of unit aa in ledgers/aa.yaml:3",
    ]


def test_overdue_and_list_with_nothing_found_say_so(run: Run, shipped: Path, zh: None) -> None:
    """A clerk who filters everything away reads a sentence, not an empty table; a program
    still gets an empty answer (JSON ``[]``, CSV's header line)."""
    assert run("overdue", "--unit", "dongyang", "--as-of", "2021-12-01").stdout == "截至 2021-12-01，没有逾期的问题。\n"
    soon = run("overdue", "--unit", "yongkang", "--within", "3", "--as-of", "2021-10-01")
    assert (soon.exit_code, soon.stdout) == (0, "截至 2021-10-01，没有逾期或 3 天内到期的问题。\n")
    english = run("--lang", "en", "overdue", "--unit", "yongkang", "--within", "1", "--as-of", "2021-10-01")
    assert english.stdout == "No finding is overdue or due within 1 day as of 2021-10-01.\n"
    nobody = run("list", "--owner", "不存在的人")
    assert (nobody.exit_code, nobody.stdout) == (0, "截至 2021-12-31，没有符合条件的问题。\n")
    assert run("list", "--owner", "不存在的人", "--format", "json").stdout == "[]\n"
    assert run("overdue", "--unit", "yongkang", "--as-of", "2021-10-01", "--format", "csv").stdout.startswith("id,unit,")
    assert "jinhua-025" in run("overdue").stdout  # one is overdue on the shipped ledgers: the table as before


def test_a_unit_id_typed_in_capitals_or_full_width_finds_the_unit(run: Run, shipped: Path, zh: None) -> None:
    """As finding ids: -u JINHUA and an IME's ｊｉｎｈｕａ are jinhua, said once on stderr;
    a name typed in Chinese is named as typed in the error."""
    plain = run("status", "--unit", "jinhua")
    for typed in ("JINHUA", "ｊｉｎｈｕａ"):
        result = run("status", "--unit", typed)
        assert (result.exit_code, result.stdout) == (0, plain.stdout)
        assert result.stderr == f"rectify：{typed} 按 jinhua 查找\n"
    assert run("overdue", "-u", "Jinhua").stdout == run("overdue", "-u", "jinhua").stdout
    assert plain.stderr == ""
    named = run("list", "-u", "金华")
    assert named.exit_code == 2 and "没有单位 '金华'" in named.stderr


def test_refusals_name_the_option_typed_in_plain_chinese(run: Run, demo: Path, zh: None) -> None:
    """From a second trial: a blank or controlled unit name is refused in rectify's words
    (no pydantic "value error,"), a supervision group that follows nobody lists 无, and a
    blank opinion or reason names --opinion / --reason, the option typed."""
    blank = run("unit", "add", "b", "--name", "   ")
    assert (blank.exit_code, blank.stderr) == (2, "rectify：错误：--name：不能为空\n")
    controlled = run("unit", "add", "b", "--name", "乙\x1b单位")
    assert controlled.exit_code == 2 and controlled.stderr.startswith("rectify：错误：--name：含有控制字符")
    nobody = run("status", "--supervisor", "无此组")
    assert nobody.stderr == "rectify：错误：没有单位由 '无此组' 督导（督导组：无）\n"
    assert run("start", "demo-001", "--by", "王某").exit_code == 0
    reopened = run("reopen", "demo-001", "--by", "巡察办", "--reason", "")
    assert reopened.exit_code == 2 and "--reason" in reopened.stderr and "--note" not in reopened.stderr
    before = demo.read_bytes()
    returned = run("return", "demo-001", "--by", "钟某", "--opinion", " ")
    assert returned.exit_code == 2 and returned.stderr == "rectify：错误：--opinion 不能为空\n"
    assert demo.read_bytes() == before


def test_a_feedback_list_added_twice_is_refused_and_spaces_make_no_aspect(
    run: Run, demo: Path, tmp_path: Path, zh: None
) -> None:
    """From a second trial: `add --from` run again doubled every problem and cut the rate;
    now it is refused, as import refuses a sheet imported again, and nothing is written. An
    aspect typed with a space after it ("作风建设方面 ") is the aspect, not a second row."""
    source = tmp_path / "feedback.yaml"
    source.write_text(
        "- aspect: 作风建设方面\n  title: 服务企业举措不多\n- aspect: '作风建设方面 '\n  title: ' 法律监督质效不高'\n",
        encoding="utf-8",
    )
    first = run("add", "--unit", "demo", "--from", str(source), "--date", "2021-08-01")
    assert (first.exit_code, first.stdout) == (0, "demo-003\ndemo-004\n")
    before = demo.read_bytes()
    again = run("add", "--unit", "demo", "--from", str(source), "--date", "2021-08-01")
    assert again.exit_code == 2 and demo.read_bytes() == before
    assert "'作风建设方面' 下的 '服务企业举措不多' 已在台账上（demo-003），未添加" in again.stderr
    text = demo.read_text(encoding="utf-8")
    assert "aspect: 作风建设方面\n    title: 法律监督质效不高\n" in text
    rows = json.loads(run("status", "--unit", "demo", "--format", "json").stdout)
    aspects = [row["aspect"] for row in rows if row["row"] == "group"]
    assert aspects.count("作风建设方面") == 1 and "作风建设方面 " not in aspects
    single = run("add", "-u", "demo", "-a", "作风建设方面", "-t", "服务企业举措不多", "--date", "2021-08-02")
    assert single.exit_code == 0  # one finding typed by hand may share a title (a person chose to)
