"""A hostile review's findings (issue "Hardening, second round"): each test fails without its fix."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from rectify.domain.people import mixed_scripts, names_someone, same_person
from tests.conftest import MINIMAL, Run

CLOSE = ("close", "demo-001", "--date", "2021-09-01")


@pytest.mark.parametrize("disguise", ["王某\ufe0f", "王某\u034f", "王\ufe0f某", "王\u200d某", "王某\U000e0041"])
def test_an_invisible_variant_of_a_name_is_the_same_person(disguise: str) -> None:
    assert same_person("王某", disguise)


@pytest.mark.parametrize("blank", ["\u3164", "\u2800", "\u115f", "\u200b", " \ufe0f "])
def test_a_name_with_no_visible_letter_names_nobody(run: Run, demo: Path, blank: str) -> None:
    assert not names_someone(blank)
    before = demo.read_bytes()
    result = run(*CLOSE, "--by", "王某", "--approver", blank)
    assert result.exit_code == 2 and "--approver must name a person" in result.stderr
    assert demo.read_bytes() == before


def test_a_disguised_approver_is_refused(run: Run, demo: Path) -> None:
    result = run(*CLOSE, "--by", "王某", "--approver", "王某\ufe0f")
    assert result.exit_code == 1 and "is the person who closed it" in result.stderr


def test_a_look_alike_letter_from_another_script_is_refused(run: Run, demo: Path) -> None:
    assert mixed_scripts("Wаng")  # a Cyrillic а
    assert not mixed_scripts("Wang Li") and not mixed_scripts("王某")
    result = run(*CLOSE, "--by", "Wang", "--approver", "Wаng")
    assert result.exit_code == 1 and "mixes letters of different scripts" in result.stderr


def test_the_submitter_cannot_sign_two_levels_under_a_disguise(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text("chain: [科室负责人, 分管领导]\n", encoding="utf-8")
    evidence = tmp_path / "e.pdf"
    evidence.write_bytes(b"%PDF")
    assert run("submit", "demo-001", "--by", "李四", "-e", str(evidence), "--date", "2021-09-01").exit_code == 0
    signed = run("sign", "demo-001", "--by", "李四\u034f", "--date", "2021-09-02")
    assert signed.exit_code == 1 and "submitted this finding and cannot sign it off" in signed.stderr


def _closed_by_hand(event: str) -> str:
    return MINIMAL.replace(
        "    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #",
        "    status: closed\n    history:\n      - date: 2021-07-28\n        action: add\n"
        f"      - date: 2021-09-01\n        action: close\n{event}  #",
    )


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("        by: 李某\n        approver: 张某\n", "张某 is this finding's owner (责任人) and cannot sign it off"),
        ("        by: 李某\n        approver: \"\\u3164\"\n", "'approver' must name a person (it has no visible letter or digit)"),
        ("        by: 李某\n        approver: 王某\n      - date: 2022-01-05\n        action: reopen\n        by: 王某\n",
         "dated 2022-01-05, after today (2021-12-31)"),
    ],
    ids=["owner-approves", "blank-approver", "future-event"],
)  # fmt: skip
def test_check_applies_the_rules_the_commands_apply(run: Run, folder: Path, event: str, message: str) -> None:
    (folder / "demo.yaml").write_text(_closed_by_hand(event), encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert any(line.endswith(message) for line in result.stdout.splitlines()), result.stdout


def test_check_reports_a_submitter_approving_the_close(run: Run, folder: Path) -> None:
    text = _closed_by_hand("        by: 李某\n        approver: 赵某\n").replace(
        "      - date: 2021-09-01\n        action: close\n",
        "      - date: 2021-08-20\n        action: submit\n        by: 赵某\n        chain: [审签]\n"
        "      - date: 2021-09-01\n        action: close\n",
    )
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    lines = run("check").stdout.splitlines()
    assert any(line.endswith("赵某 submitted this finding and cannot approve its close (审签 is another's check)")
               for line in lines), lines  # fmt: skip


def test_evidence_without_a_digest_is_a_problem(run: Run, folder: Path, tmp_path: Path) -> None:
    (tmp_path / "e.pdf").write_bytes(b"%PDF")
    text = MINIMAL.replace("    title: 理论学习不深入\n", "    title: 理论学习不深入\n    evidence:\n      - path: e.pdf\n")
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert "evidence file e.pdf has no sha256 recorded" in run("check").stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_given_as_evidence_does_not_hang_check(run: Run, folder: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")
    text = MINIMAL.replace(
        "    title: 理论学习不深入\n",
        "    title: 理论学习不深入\n    evidence:\n      - path: pipe.pdf\n        sha256: " + "0" * 64 + "\n",
    )
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert "evidence file pipe.pdf is missing" in run("check").stdout


HOSTILE_TITLE = "清屏[/bold] oops [link=http://evil.example]点我[/link]"


def test_typed_text_never_reaches_the_terminal_as_markup(run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws its table as on a terminal
    monkeypatch.delenv("NO_COLOR")
    assert run("add", "-u", "demo", "-a", "方面", "-t", HOSTILE_TITLE).exit_code == 0
    for args in (("list",), ("show", "demo-003"), ("status", "--by", "aspect"), ("list", "-f", "plain")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b]8" not in result.stdout  # no hyperlink made of the [link] text
    shown = run("show", "demo-003").stdout
    assert "[/bold] oops [link=http://evil.example]点我[/link]" in shown


@pytest.mark.parametrize(
    ("aspect", "title", "control"),
    [
        ("方面\x1b]8;;http://x\x1b\\", "问题", "U+001B"),  # OSC 8: a hyperlink
        ("方面", "清屏\x1b[2J问题", "U+001B"),
        ("方面", "问题\u202e", "U+202E"),  # right-to-left override
        ("方面", "问题\x9b2J", "U+009B"),  # C1 control sequence introducer
        ("方面", "问题\x07", "U+0007"),
    ],
)
def test_typed_text_with_a_control_character_or_direction_mark_is_refused(
    run: Run, demo: Path, aspect: str, title: str, control: str
) -> None:
    # Hostile review #15: a CSV export or a 通报 would carry the raw bytes to whoever opens
    # it, so the ledger never holds them (the same rule as import's, rectify.domain.people).
    before = demo.read_bytes()
    result = run("add", "-u", "demo", "-a", aspect, "-t", title, "--lang", "en")
    assert result.exit_code != 0
    assert f"holds the control character or direction mark {control}, which could act on a terminal" in result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\x9b" not in result.output
    assert demo.read_bytes() == before


def test_a_line_break_and_a_tab_are_text(run: Run, demo: Path) -> None:
    assert run("add", "-u", "demo", "-a", "方面", "-t", "问题\n第二行\t续").exit_code == 0


def test_exported_csv_cells_never_start_a_formula(run: Run, demo: Path, tmp_path: Path) -> None:
    assert run("add", "-u", "demo", "-a", "@SUM(A1)", "-t", "=HYPERLINK(\"http://x\")").exit_code == 0
    assert run("export", "-o", str(tmp_path / "x.csv")).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text(encoding="utf-8-sig"))))
    assert rows[-1]["title"] == "'=HYPERLINK(\"http://x\")" and rows[-1]["aspect"] == "'@SUM(A1)"
    table = run("list", "-f", "csv").stdout
    assert "'=HYPERLINK" in table


def test_markdown_headings_are_escaped(run: Run, folder: Path, tmp_path: Path) -> None:
    text = MINIMAL.replace("  name: 示例单位", "  name: \"<img src=x onerror=alert(1)>\"").replace(
        "aspect: 政治建设方面", "aspect: \"# [x](javascript:alert(1))\""
    )
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert run("report", "-f", "md", "-o", str(tmp_path / "r.md")).exit_code == 0
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "<img" not in report and "&lt;img src=x onerror=alert\\(1\\)&gt;" in report
    assert "#### \\# \\[x\\]\\(javascript:alert\\(1\\)\\)" in report


def test_exports_and_reports_never_overwrite_a_ledger(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    for args in (("export", "-f", "csv", "-o", str(demo)), ("report", "-o", str(demo.parent / "r.html"))):
        result = run(*args)
        assert result.exit_code == 2 and "is in the ledger folder" in result.stderr
    assert demo.read_bytes() == before and not (demo.parent / "r.html").exists()


def test_a_folder_or_broken_link_named_like_a_ledger_is_reported(run: Run, demo: Path) -> None:
    (demo.parent / "yiwu.yaml").mkdir()
    (demo.parent / "lanxi.yaml").symlink_to(demo.parent / "gone.yaml")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/lanxi.yaml:1:1: lanxi.yaml is a broken link, not a ledger file; its unit is left out until it is fixed",
        "ledgers/yiwu.yaml:1:1: yiwu.yaml is a folder, not a ledger file; its unit is left out until it is fixed",
    ]
    assert run("status").exit_code == 1  # totals without a unit would mislead


@pytest.mark.parametrize(
    ("counters", "message"),
    [
        ("      rules: 1_000\n", "expected a whole number written with digits, such as 2 (at most 9999999), got '1_000'"),
        ("      rules: +5\n", "expected a whole number written with digits, such as 2 (at most 9999999), got '+5'"),
        ("      people: {诫勉: 007}\n", "expected a whole number written with digits, such as 2 (at most 9999999), got '007'"),
        ("      people: {诫勉: 1.0}\n", "expected a whole number written with digits, such as 2 (at most 9999999), got '1.0'"),
        ('      funds_yuan: "1.20000099"\n', "at most two decimals"),
    ],
)
def test_counters_are_digits_and_money_has_two_decimals(run: Run, folder: Path, counters: str, message: str) -> None:
    text = MINIMAL.replace("    owner: 张某\n", "    owner: 张某\n    accountability:\n" + counters)
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1 and message in result.stdout, result.stdout


def test_a_yaml_tag_is_reported_not_dropped(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_text(MINIMAL.replace("title: 理论学习不深入", "title: !!binary 55CG6K66"), "utf-8")
    assert run("check").stdout.splitlines() == [
        "ledgers/demo.yaml:12:12: the tag !!binary is not allowed in a ledger; write the value as plain text"
    ]


def test_a_utf32_ledger_is_named_as_such(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_bytes(MINIMAL.encode("utf-32"))
    assert "the file is UTF-32 encoded; save it as UTF-8" in run("check").stdout


CHAIN3 = "chain: [单位主要负责人, 督导组, 巡察办]\nchain_since: 2021-08-01\n"


def test_check_holds_a_step_to_the_chain_in_force_when_it_was_taken(run: Run, folder: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text(CHAIN3, encoding="utf-8")
    (folder / "demo.yaml").write_text(_closed_by_hand("        by: 李某\n        approver: 王某\n"), encoding="utf-8")
    lines = run("check").stdout.splitlines()
    assert any("the approval chain has 3 levels (单位主要负责人 -> 督导组 -> 巡察办): close is the one-step form" in line
               for line in lines), lines  # fmt: skip
    earlier = CHAIN3.replace("2021-08-01", "2021-09-02")  # the chain came after the close: it stands
    (tmp_path / "rectify.yaml").write_text(earlier, encoding="utf-8")
    assert run("check").exit_code == 0


def test_check_reports_a_shortened_chain_recorded_with_a_submission(run: Run, folder: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text(CHAIN3, encoding="utf-8")
    text = MINIMAL.replace(
        "    status: open\n    history:\n      - date: 2021-07-28\n        action: add\n  #",
        "    status: submitted\n    history:\n      - date: 2021-07-28\n        action: add\n"
        "      - date: 2021-09-01\n        action: submit\n        by: 李某\n        chain: [巡察办]\n  #",
    )
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert "the submission records the chain 巡察办, shorter than 单位主要负责人 -> 督导组 -> 巡察办" in run("check").stdout


@pytest.mark.parametrize("name", ["\u202e某钟", "钟某\u200f", "\x1b[2J钟某"])
def test_a_name_with_a_direction_mark_or_control_character_is_refused(run: Run, demo: Path, name: str) -> None:
    before = demo.read_bytes()
    result = run(*CLOSE, "--by", "张某", "--approver", name)
    marks = "\u202e\u200f\x1b"
    code = f"U+{ord(next(ch for ch in name if ch in marks)):04X}"
    assert result.exit_code == 2, result.output  # the model's rule for any text, before the rules of sign-off
    assert f"holds the control character or direction mark {code}, which" in result.stderr
    assert "\u202e" not in result.stderr and "\x1b" not in result.stderr
    assert demo.read_bytes() == before


def test_office_templates_run_in_a_sandbox_inside_the_repository(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "bulletin.html.j2").write_text(
        "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch pwned') }}", encoding="utf-8"
    )
    (tmp_path / "rectify.yaml").write_text("bulletin:\n  templates: tpl\n", encoding="utf-8")
    result = run("report", "-o", str(tmp_path / "r.html"))
    assert result.exit_code != 0 and not (tmp_path / "pwned").exists()
    (tmp_path / "rectify.yaml").write_text("bulletin:\n  templates: /etc\n", encoding="utf-8")
    outside = run("report", "-o", str(tmp_path / "r.html"))
    assert outside.exit_code == 2 and "lies outside the repository" in outside.stderr


def test_the_control_characters_text_may_hold_do_not_break_the_word_bulletin(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    # U+0001 and its kind are refused on entry (above); a tab and line breaks are text.
    assert run("add", "-u", "demo", "-a", "方面", "-t", "a\tb\r\nc\nd").exit_code == 0
    result = run("report", "-f", "docx", "--details", "-o", str(tmp_path / "r.docx"))
    assert result.exit_code == 0, result.output and (tmp_path / "r.docx").stat().st_size > 0


def test_amounts_and_counts_are_bounded(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    huge = run("account", "demo-001", "--funds", "100000000000000000000000000.00", "--by", "王某")
    assert huge.exit_code == 2 and "under 10 trillion" in huge.stderr
    many = run("account", "demo-001", "--people", "批评教育=99999999999999", "--by", "王某")
    assert many.exit_code == 2 and "at most 9999999" in many.stderr
    assert demo.read_bytes() == before


def test_report_takes_its_format_from_the_file_name(run: Run, demo: Path, tmp_path: Path) -> None:
    assert run("report", "-o", str(tmp_path / "r.md")).exit_code == 0
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# ")
    wrong = run("report", "-f", "html", "-o", str(tmp_path / "r.docx"))
    assert wrong.exit_code == 2 and not (tmp_path / "r.docx").exists()


def test_a_link_loop_and_a_fifo_settings_file_are_reported_not_raised(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    (demo.parent / "a.yaml").symlink_to("b.yaml")
    (demo.parent / "b.yaml").symlink_to("a.yaml")
    result = run("status")
    assert result.exit_code == 1 and "a.yaml is a broken link" in result.stdout + result.stderr
    (demo.parent / "a.yaml").unlink()
    (demo.parent / "b.yaml").unlink()
    os.mkfifo(tmp_path / "rectify.yaml")
    fifo = run("status")
    assert fifo.exit_code == 1 and "rectify.yaml is not a regular file" in fifo.stdout + fifo.stderr


@pytest.mark.parametrize(
    ("name", "fault"),
    [("王某", None), ("\u3164", "nobody"), ("王\u202e某", "controls"), ("Wаng", "mixed"), ("\u200b\u202e", "nobody")],
)
def test_a_name_has_the_first_fault_of_the_three_checks(name: str, fault: str | None) -> None:
    """name_fault (signoff's one remembered check) is names_someone, then the controls,
    then the scripts, in that order, as the three were asked one by one."""
    from rectify.domain.people import NameFault, name_fault

    assert name_fault(name) == (None if fault is None else NameFault(fault))


def test_every_text_field_refuses_every_control_and_a_lone_surrogate_with_its_own_words() -> None:
    """The model searches a text once for both (rectify/domain/model.py _clean); each
    refused character still gets its own message, and plain text passes unchanged."""
    from pydantic import ValidationError

    from rectify.domain.model import Event, Finding
    from rectify.domain.people import _BREAKS, _CONTROLS

    for point in sorted(_CONTROLS - _BREAKS):
        with pytest.raises(ValidationError, match=f"U\\+{point:04X}"):
            Event(date="2021-09-01", action="progress", by="王某", note=f"好{chr(point)}")
    with pytest.raises(ValidationError, match="not UTF-8"):
        Event(date="2021-09-01", action="progress", by="王某", note="好\udcb0")
    for bad in ("\u202e", "\x1b", "\udcb0"):  # a field that must not be empty says the same
        with pytest.raises(ValidationError, match="U\\+202E|U\\+001B|not UTF-8"):
            Finding(id="demo-001", aspect=f"作风{bad}建设方面", title="问题")
    for allowed in ("第一行\n第二行\t", "加强\r\n整改", ""):
        assert Event(date="2021-09-01", action="progress", by="王某", note=allowed).note == allowed


def test_a_date_read_again_is_the_same_day_and_the_memory_of_dates_is_bounded() -> None:
    from datetime import date

    from rectify.domain import model

    assert model.parse_date("2021-09-01") == date(2021, 9, 1) == model.parse_date("2021-09-01")
    for bad in ("2021-02-30", " 2021-9-1", "2021/09/01"):
        with pytest.raises(ValueError):
            model.parse_date(bad)
        assert bad not in model._DATES
    start = date(2000, 1, 1).toordinal()
    for day in range(model._DATES_KEPT + 10):
        assert model.parse_date(date.fromordinal(start + day).isoformat()) == date.fromordinal(start + day)
    assert len(model._DATES) <= model._DATES_KEPT
