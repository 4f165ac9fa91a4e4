"""Driving the CLI as a user does: init, unit add, add, close, status, list, show."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Run


def _status_json(run: Run, *args: str) -> list[dict[str, object]]:
    result = run("status", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_init_unit_add_add_close_status(run: Run, tmp_path: Path) -> None:
    assert run("init").exit_code == 0
    assert (tmp_path / "ledgers" / ".gitignore").read_text(encoding="utf-8").startswith(".rectify.lock")
    result = run(
        "unit",
        "add",
        "jinhua",
        "--name",
        "金华市人民检察院",
        "--group",
        "市委第三巡察组",
        "--feedback-date",
        "2021-07-28",
    )
    assert result.exit_code == 0, result.output
    result = run(
        "add",
        "--unit",
        "jinhua",
        "--aspect",
        "政治建设方面",
        "--title",
        "数字检察理念不强、基础薄弱",
        "--measure",
        "制定数字检察工作方案",
        "--measure",
        "开展培训",
        "--deadline",
        "2021-10-31",
        "--date",
        "2021-07-28",
        "--owner",
        "王某",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "jinhua-001\n"
    assert (
        run(
            "add",
            "-u",
            "jinhua",
            "-a",
            "组织建设方面",
            "-t",
            "干部人事管理制度不到位",
            "--date",
            "2021-07-28",
            "--deadline",
            "2021-11-30",
        ).stdout
        == "jinhua-002\n"
    )

    [row, total] = _status_json(run)
    assert (row["findings"], row["closed"], row["in_progress"], row["overdue"]) == (2, 0, 2, 2)
    assert total["rate_text"] == "0/2 0.0%"

    result = run(
        "close",
        "jinhua-001",
        "--by",
        "王某",
        "--approver",
        "钟某",
        "--date",
        "2021-09-30",
        "--note",
        "方案已印发",
    )
    assert result.exit_code == 0, result.output
    [row, total] = _status_json(run)
    assert (row["findings"], row["closed"], row["in_progress"], row["overdue"]) == (2, 1, 1, 1)
    assert row["rate_text"] == "1/2 50.0%"
    # as of a date before the close, the finding was still open
    [row, _] = _status_json(run, "--as-of", "2021-09-29")
    assert (row["closed"], row["overdue"]) == (0, 0)
    # before anything was added, the unit had no findings
    [row, _] = _status_json(run, "--as-of", "2021-07-27")
    assert row["findings"] == 0 and row["rate"] is None

    shown = run("show", "jinhua-001").stdout
    assert "2021-09-30  close  by 王某  approved by 钟某  — 方案已印发" in shown


def test_close_requires_a_different_approver(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    missing = run("close", "demo-001", "--by", "张某")
    assert missing.exit_code == 2
    assert "--approver" in missing.output
    same = run("close", "demo-001", "--by", "张某", "--approver", " 张某 ")
    assert same.exit_code == 1
    assert "is the person who closed it" in same.stderr
    assert demo.read_bytes() == before


def test_close_twice_is_refused_with_allowed_steps(run: Run, demo: Path) -> None:
    assert run("close", "demo-001", "--by", "张某", "--approver", "李某", "--date", "2021-10-01").exit_code == 0
    before = demo.read_bytes()
    again = run("close", "demo-001", "--by", "张某", "--approver", "李某", "--date", "2021-10-02")
    assert again.exit_code == 1
    assert "cannot close a finding that is closed; allowed from closed: reopen" in again.stderr
    assert demo.read_bytes() == before


def test_close_before_last_event_is_refused(run: Run, demo: Path) -> None:
    result = run("close", "demo-001", "--by", "张某", "--approver", "李某", "--date", "2021-07-01")
    assert result.exit_code == 1
    assert "before the finding's last event (2021-07-28)" in result.stderr


def test_close_records_evidence_with_sha256(run: Run, demo: Path, tmp_path: Path) -> None:
    proof = tmp_path / "evidence" / "方案.pdf"
    proof.parent.mkdir()
    proof.write_bytes(b"%PDF-1.4 demo")
    result = run(
        "close",
        "demo-001",
        "--by",
        "张某",
        "--approver",
        "李某",
        "--date",
        "2021-10-01",
        "--evidence",
        str(proof),
    )
    assert result.exit_code == 0, result.output
    text = demo.read_text(encoding="utf-8")
    assert "path: evidence/方案.pdf" in text
    assert "sha256: 4d1c6c8bbe1df3fd5a7bb0b9836c0ca5a1cd8d0c1d6e1fd8fa93d2b4f0e5a1f7" not in text
    import hashlib

    assert f"sha256: {hashlib.sha256(b'%PDF-1.4 demo').hexdigest()}" in text
    missing = run("close", "demo-002", "--by", "张某", "--approver", "李某", "--evidence", "nope.pdf")
    assert missing.exit_code == 2
    assert "evidence file not found: nope.pdf" in missing.stderr


def test_unknown_finding_and_unit(run: Run, demo: Path) -> None:
    result = run("close", "demo-009", "--by", "a", "--approver", "b")
    assert result.exit_code == 2
    assert "no finding demo-009 in ledgers/demo.yaml" in result.stderr
    result = run("add", "--unit", "nope", "--aspect", "a", "--title", "t")
    assert result.exit_code == 2
    assert "no unit 'nope'" in result.stderr
    result = run("status", "--unit", "nope")
    assert result.exit_code == 2
    assert "no unit 'nope' (units: demo)" in result.stderr


def test_ids_are_never_reused_after_a_deletion(run: Run, demo: Path) -> None:
    assert run("add", "-u", "demo", "-a", "a", "-t", "third").stdout == "demo-003\n"
    text = demo.read_text(encoding="utf-8")
    start = text.index("  - id: demo-003")
    demo.write_text(text[:start], encoding="utf-8")  # deleted by hand
    assert run("check").exit_code == 0
    assert run("add", "-u", "demo", "-a", "a", "-t", "fourth").stdout == "demo-004\n"


def test_add_with_invalid_dates(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    result = run("add", "-u", "demo", "-a", "a", "-t", "t", "--deadline", "2024-02-30")
    assert result.exit_code == 2
    assert "--deadline: '2024-02-30' is not a real date" in result.stderr
    result = run("add", "-u", "demo", "-a", "a", "-t", "t", "--deadline", "10/31/2021")
    assert "expected a date written 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日" in result.stderr
    result = run(
        "add",
        "-u",
        "demo",
        "-a",
        "a",
        "-t",
        "t",
        "--date",
        "2021-08-01",
        "--deadline",
        "2021-07-01",
    )
    assert "deadline 2021-07-01 is before the date the finding is added (2021-08-01)" in result.stderr
    assert demo.read_bytes() == before


def test_add_from_yaml_feedback_list(run: Run, demo: Path, tmp_path: Path) -> None:
    source = tmp_path / "feedback.yaml"
    source.write_text(
        "- aspect: 作风建设方面\n  title: 服务企业举措不多\n  measures: [走访企业]\n  deadline: 2021-11-30\n"
        "- aspect: 作风建设方面\n  title: 法律监督质效不高\n",
        encoding="utf-8",
    )
    result = run("add", "--unit", "demo", "--from", str(source), "--date", "2021-08-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "demo-003\ndemo-004\n"
    [row, _] = _status_json(run)
    assert row["findings"] == 4


def test_add_from_file_reports_every_problem_and_adds_nothing(run: Run, demo: Path, tmp_path: Path) -> None:
    source = tmp_path / "feedback.yaml"
    source.write_text(
        "- aspect: 作风建设方面\n  title: 服务企业举措不多\n  deadline: 2021-11-31\n"
        "- aspect: 作风建设方面\n  titel: 法律监督质效不高\n",
        encoding="utf-8",
    )
    before = demo.read_bytes()
    result = run("add", "--unit", "demo", "--from", str(source))
    assert result.exit_code == 1
    assert "feedback.yaml:3:13: [1].deadline: '2021-11-31' is not a real date" in result.stderr
    assert "feedback.yaml:4:3: [2]: missing required field 'title'" in result.stderr
    assert "feedback.yaml:5:3: [2].titel: unknown field 'titel'" in result.stderr
    assert demo.read_bytes() == before


def test_add_from_csv_with_chinese_headers(run: Run, demo: Path, tmp_path: Path) -> None:
    source = tmp_path / "反馈.csv"
    source.write_text(
        "\ufeff方面,问题,整改措施,责任人,整改时限\n"
        "作风建设方面,服务企业举措不多,走访企业；建立联系制度,李某,2021-11-30\n"
        "作风建设方面,数字化改革工作不到位,,,2021-12-31\n",
        encoding="utf-8",
    )
    result = run("add", "--unit", "demo", "--from", str(source), "--date", "2021-08-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "demo-003\ndemo-004\n"
    shown = run("show", "demo-003").stdout
    assert "1. 走访企业" in shown and "2. 建立联系制度" in shown
    bad = tmp_path / "bad.csv"
    bad.write_text("方面,问题,整改时限\n作风建设方面,,2021-13-01\n", encoding="utf-8")
    result = run("add", "--unit", "demo", "--from", str(bad))
    assert result.exit_code == 1
    assert "bad.csv:2:2: row 2: title: is missing" in result.stderr
    assert "bad.csv:2:3: row 2: deadline: '2021-13-01' is not a real date" in result.stderr


def test_list_filters(run: Run, demo: Path) -> None:
    run("close", "demo-001", "--by", "张某", "--approver", "李某", "--date", "2021-10-01")
    assert run("list", "--status", "closed", "--format", "csv").stdout.splitlines() == [
        "id,unit,aspect,title,status,overdue,deadline,deadline_in_force,leader,department,owner,measures",
        "demo-001,demo,政治建设方面,理论学习不深入,closed,False,2021-10-31,2021-10-31,,,张某,",
    ]
    overdue = run("list", "--overdue", "--as-of", "2022-01-01", "--format", "json")
    assert [f["id"] for f in json.loads(overdue.stdout)] == ["demo-002"]
    assert run("list", "--overdue").stdout.count("demo-") == 0
    assert run("list", "--status", "bogus").exit_code == 2


def test_unit_add_refuses_unknown_parent_and_bad_id(run: Run, folder: Path) -> None:
    result = run("unit", "add", "wucheng", "--name", "婺城区院", "--parent", "jinhua")
    assert result.exit_code == 2
    assert "unknown parent unit 'jinhua'" in result.stderr
    result = run("unit", "add", "Bad_ID", "--name", "x")
    assert result.exit_code == 2
    assert not list(folder.iterdir())
    assert run("unit", "add", "jinhua", "--name", "金华").exit_code == 0
    again = run("unit", "add", "jinhua", "--name", "金华")
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_version_and_no_traceback_without_debug(run: Run, demo: Path) -> None:
    assert run("--version").stdout.startswith("rectify ")
    demo.write_text("unit: [\n", encoding="utf-8")
    result = run("status")
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_list_shows_the_deadline_in_force_after_an_extension(run: Run, demo: Path) -> None:
    text = demo.read_text(encoding="utf-8").replace(
        "    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #",
        "    status: in_progress\n    history:\n      - date: 2021-07-28\n        action: add\n"
        "      - date: 2021-08-02\n        action: start\n"
        "      - date: 2021-10-20\n        action: extend\n        to: 2022-03-31\n        approver: 钟某\n  #",
    )
    demo.write_text(text, encoding="utf-8")
    rows = json.loads(run("list", "--format", "json", "--as-of", "2021-12-31").stdout)
    assert (rows[0]["deadline"], rows[0]["deadline_in_force"], rows[0]["overdue"]) == (
        "2021-10-31",
        "2022-03-31",
        False,
    )
    assert rows[1]["overdue"] is False  # due 2021-12-31: not yet late on that day
    # before the extension was approved the original deadline was in force
    rows = json.loads(run("list", "--format", "json", "--as-of", "2021-10-19").stdout)
    assert rows[0]["deadline_in_force"] == "2021-10-31"
    assert "2022-03-31" in run("list", "--as-of", "2021-12-31").stdout
    overdue_csv = run("list", "--overdue", "--as-of", "2022-01-01", "--format", "csv").stdout
    assert overdue_csv.splitlines()[1:] == [
        "demo-002,demo,政治建设方面,制度执行不严格,open,True,2021-12-31,2021-12-31,,,,"
    ]


def test_tree_marks_rolled_up_rows(run: Run, shipped: Path) -> None:
    zh = run("status", "--tree", "--lang", "zh").stdout.splitlines()
    assert zh[3].startswith("金华市人民检察院（含下级单位）  315")
    assert zh[4].startswith("  金华市人民检察院（本级）      37        36")
    assert zh[5].startswith("  东阳市人民检察院")


def test_a_future_date_is_refused(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    result = run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2022-01-01")
    assert result.exit_code == 2
    assert result.stderr == (
        "rectify: error: --date 2022-01-01 is after today (2021-12-31 in Asia/Shanghai); "
        "record a step once it has happened\n"
    )
    assert run("add", "-u", "demo", "-a", "a", "-t", "t", "--date", "2022-01-01").exit_code == 2
    assert demo.read_bytes() == before


def test_short_help_and_version(run: Run) -> None:
    assert "[OPTIONS] COMMAND [ARGS]..." in run("-h").stdout.splitlines()[0]
    assert "status [OPTIONS]" in run("status", "-h").stdout.splitlines()[0]
    assert run("-V").stdout == run("--version").stdout


def test_init_uses_the_ledgers_option_and_can_run_twice(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "ledgers"
    result = run("--ledgers", str(target), "init")
    assert result.exit_code == 0, result.output
    assert (target / ".gitignore").exists()
    again = run("--ledgers", str(target), "init")
    assert again.exit_code == 0
    assert again.stdout.startswith("using ")


def test_unit_add_explains_a_bad_id(run: Run, folder: Path) -> None:
    result = run("unit", "add", "Yiwu2", "--name", "义乌")
    assert result.exit_code == 2
    assert result.stderr == (
        "rectify: error: unit id 'Yiwu2' must be lowercase letters, digits and hyphens, e.g. jinhua or wucheng-wlt\n"
    )


def test_list_takes_chinese_status_words_and_part_of_an_aspect(run: Run, demo: Path) -> None:
    rows = json.loads(run("list", "-s", "未整改", "-a", "政治建设", "--format", "json").stdout)
    assert [r["id"] for r in rows] == ["demo-001", "demo-002"]
    assert json.loads(run("list", "-a", "组织", "--format", "json").stdout) == []


def test_list_by_owner_and_department_with_units(run: Run, shipped: Path) -> None:
    rows = json.loads(run("list", "--owner", "李某", "--department", "政治部", "--format", "json").stdout)
    assert rows and all("李某" in r["owner"] and "政治部" in r["department"] for r in rows)
    assert all(r["unit"] == r["id"].rsplit("-", 1)[0] for r in rows)


def test_csv_feedback_with_office_columns_and_date_forms(run: Run, demo: Path, tmp_path: Path) -> None:
    source = tmp_path / "反馈.csv"
    source.write_text(
        "序号,方面,问题,整改时限,备注\n1,作风建设方面,服务企业举措不多,2021/11/30,无\n2,作风建设方面,法律监督质效不高,2021年12月1日,\n",
        encoding="utf-8",
    )
    result = run("add", "--unit", "demo", "--from", str(source), "--date", "2021-08-01")
    assert result.exit_code == 0, result.output
    rows = json.loads(run("list", "--format", "json").stdout)
    assert [(r["id"], r["deadline"]) for r in rows[2:]] == [("demo-003", "2021-11-30"), ("demo-004", "2021-12-01")]


def test_markdown_keeps_the_title_and_the_tree(run: Run, shipped: Path) -> None:
    lines = run("status", "--tree", "--format", "markdown", "--lang", "zh").stdout.splitlines()
    assert lines[0] == "**截至 2021-12-31**"
    assert lines[5].startswith("| 　金华市人民检察院（本级）")


def test_the_console_script_answers_version_without_loading_the_cli() -> None:
    import subprocess
    import sys

    probe = "import sys; sys.argv = ['rectify', '--version']; from rectify.entry import main; main(); print(sorted(m for m in sys.modules if m in ('typer', 'pydantic', 'yaml')))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["rectify 0.1.0", "[]"]
    module = subprocess.run([sys.executable, "-m", "rectify", "-V"], capture_output=True, text=True, check=True)
    assert module.stdout == "rectify 0.1.0\n"
