"""Sign-off workflow (销号审签): each transition, each refusal, chains of one and three levels,
as-of replay, and the evidence tamper check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run

CHAIN3 = "chain: [单位主要负责人, 督导组, 巡察办]\n"


def _status(run: Run, finding_id: str, as_of: str = "2021-12-31") -> str:
    unit = finding_id.rsplit("-", 1)[0]
    rows = json.loads(run("list", "--unit", unit, "--format", "json", "--as-of", as_of).stdout)
    return next(r["status"] for r in rows if r["id"] == finding_id)


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    path = tmp_path / "evidence" / "制度文件.pdf"
    path.parent.mkdir()
    path.write_bytes(b"%PDF-1.4 rules")
    return path


def test_the_whole_path_with_one_level(run: Run, demo: Path, evidence: Path) -> None:
    assert _status(run, "demo-001") == "open"
    _ok(run, "start", "demo-001", "--by", "王某", "--date", "2021-08-02")
    assert _status(run, "demo-001") == "in_progress"
    _ok(run, "progress", "demo-001", "--by", "王某", "--note", "起草制度", "--date", "2021-08-10")
    _ok(
        run,
        "submit",
        "demo-001",
        "--by",
        "王某",
        "--evidence",
        str(evidence),
        "--date",
        "2021-09-01",
    )
    assert _status(run, "demo-001") == "submitted"
    _ok(run, "return", "demo-001", "--by", "钟某", "--opinion", "佐证不足", "--date", "2021-09-02")
    assert _status(run, "demo-001") == "in_progress"
    _ok(
        run,
        "extend",
        "demo-001",
        "--to",
        "2021-11-30",
        "--approver",
        "钟某",
        "--reason",
        "需征求意见",
        "--date",
        "2021-09-03",
    )
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-10-01")
    out = _ok(run, "sign", "demo-001", "--by", "钟某", "--opinion", "同意销号", "--date", "2021-10-02")
    assert out == "sign demo-001: 审签 钟某 (审签), the last level: closed (2021-10-02)\n"
    assert _status(run, "demo-001") == "closed"
    _ok(
        run,
        "reopen",
        "demo-001",
        "--by",
        "巡察办",
        "--reason",
        "复查发现制度未执行",
        "--date",
        "2021-11-01",
    )
    assert _status(run, "demo-001") == "in_progress"
    _ok(
        run,
        "long-term",
        "demo-001",
        "--by",
        "钟某",
        "--note",
        "制度已建立，需长期坚持",
        "--date",
        "2021-11-05",
    )
    assert _status(run, "demo-001") == "long_term"
    _ok(run, "close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-11-20")
    assert _status(run, "demo-001") == "closed"
    assert run("check").exit_code == 0

    shown = _ok(run, "show", "demo-001")
    assert "  deadline    2021-11-30 (extended; original 2021-10-31)" in shown
    assert "2021-09-02  return  by 钟某  — 佐证不足" in shown
    assert "2021-10-02  sign  [审签]  by 钟某  — 同意销号" in shown
    assert "2021-09-01  submit  by 王某  evidence: evidence/制度文件.pdf" in shown


def test_as_of_follows_close_reopen_close(run: Run, demo: Path, evidence: Path) -> None:
    _ok(run, "close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-10-02")
    _ok(run, "reopen", "demo-001", "--by", "巡察办", "--reason", "回炉", "--date", "2021-11-01")
    _ok(run, "close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-11-20")
    expected = {
        "2021-10-01": ("open", 0),
        "2021-10-02": ("closed", 1),
        "2021-10-31": ("closed", 1),
        "2021-11-01": ("in_progress", 0),
        "2021-11-19": ("in_progress", 0),
        "2021-11-20": ("closed", 1),
    }
    for day, (state, closed) in expected.items():
        assert _status(run, "demo-001", day) == state, day
        [row, _] = json.loads(_ok(run, "status", "--format", "json", "--as-of", day))
        assert row["closed"] == closed, day
    # overdue follows the same dates: due 2021-10-31, open again from 2021-11-01
    [row, _] = json.loads(_ok(run, "status", "--format", "json", "--as-of", "2021-11-10"))
    assert row["overdue"] == 1
    [row, _] = json.loads(_ok(run, "status", "--format", "json", "--as-of", "2021-11-25"))
    assert row["overdue"] == 0


REFUSALS = [
    (
        ["sign", "demo-001", "--by", "钟某"],
        "cannot sign a finding that is open; allowed from open: start, progress, submit, close, extend, long-term, edit, account, withdraw",
    ),
    (
        ["return", "demo-001", "--by", "钟某", "--opinion", "x"],
        "cannot return a finding that is open; allowed from open: start, progress, submit, close, extend, long-term, edit, account, withdraw",
    ),
    (
        ["reopen", "demo-001", "--by", "钟某", "--reason", "x"],
        "cannot reopen a finding that is open; allowed from open: start, progress, submit, close, extend, long-term, edit, account, withdraw",
    ),
    (
        ["extend", "demo-001", "--to", "2021-10-01", "--approver", "钟某", "--reason", "x"],
        "the new deadline 2021-10-01 is not after the deadline in force (2021-10-31)",
    ),
    (
        ["start", "demo-001", "--date", "2021-07-01"],
        "start date 2021-07-01 is before the finding's last event (2021-07-28)",
    ),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=lambda v: v[0] if isinstance(v, list) else "")
def test_illegal_steps_are_refused_and_nothing_is_written(run: Run, demo: Path, args: list[str], message: str) -> None:
    before = demo.read_bytes()
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == f"rectify: error: {message}\n"
    assert demo.read_bytes() == before


def test_refusals_after_submit_and_close(run: Run, demo: Path, evidence: Path) -> None:
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-09-01")
    before = demo.read_bytes()
    result = run("sign", "demo-001", "--by", " 王某 ", "--date", "2021-09-02")
    assert result.stderr == (
        "rectify: error:  王某  submitted this finding and cannot sign it off (审签 is another's check)\n"
    )
    result = run("start", "demo-001")
    assert "cannot start a finding that is submitted" in result.stderr
    assert demo.read_bytes() == before
    _ok(run, "sign", "demo-001", "--by", "钟某", "--date", "2021-09-02")
    before = demo.read_bytes()
    result = run("extend", "demo-001", "--to", "2022-01-01", "--approver", "钟某", "--reason", "x")
    assert result.stderr == "rectify: error: cannot extend a finding that is closed; allowed from closed: reopen, edit, account, withdraw\n"
    result = run("sign", "demo-001", "--by", "李某")
    assert "cannot sign a finding that is closed; allowed from closed: reopen, edit, account, withdraw" in result.stderr
    assert demo.read_bytes() == before


def test_a_three_level_chain(run: Run, demo: Path, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text(CHAIN3, encoding="utf-8")
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-09-01")
    refused = run("close", "demo-002", "--by", "王某", "--approver", "钟某")
    assert (
        "the approval chain has 3 levels (单位主要负责人 -> 督导组 -> 巡察办): close is the one-step form"
        in refused.stderr
    )
    wrong = run("sign", "demo-001", "--by", "督导组长", "--role", "督导组", "--date", "2021-09-02")
    assert (
        "the next signature due is '单位主要负责人' (chain: 单位主要负责人 -> 督导组 -> 巡察办), not '督导组'"
        in wrong.stderr
    )
    _ok(run, "sign", "demo-001", "--by", "钟某", "--date", "2021-09-02")
    assert _status(run, "demo-001") == "submitted"
    twice = run("sign", "demo-001", "--by", "钟某", "--date", "2021-09-03")
    assert twice.stderr == (
        "rectify: error: 钟某 already signed this submission at level '单位主要负责人'; each level needs another person\n"
    )
    again = run("sign", "demo-001", "--by", "另一人", "--role", "单位主要负责人", "--date", "2021-09-03")
    assert "level '单位主要负责人' has already signed this submission" in again.stderr
    _ok(run, "sign", "demo-001", "--by", "督导组长", "--role", "督导组", "--date", "2021-09-03")
    assert _status(run, "demo-001") == "submitted"
    _ok(run, "sign", "demo-001", "--by", "巡察办主任", "--date", "2021-09-04")
    assert _status(run, "demo-001") == "closed"
    text = demo.read_text(encoding="utf-8")
    assert "        chain:\n          - 单位主要负责人\n          - 督导组\n          - 巡察办\n" in text
    assert text.count("        role: ") == 3  # the level signed is recorded even when not given
    assert run("check").exit_code == 0
    # a return clears the signatures: the chain starts again after the next submit
    _ok(run, "reopen", "demo-001", "--by", "巡察办", "--reason", "回炉", "--date", "2021-10-01")
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-10-02")
    _ok(run, "sign", "demo-001", "--by", "钟某", "--date", "2021-10-03")
    _ok(run, "return", "demo-001", "--by", "督导组长", "--opinion", "不充分", "--date", "2021-10-04")
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-10-05")
    wrong = run("sign", "demo-001", "--by", "督导组长", "--role", "督导组", "--date", "2021-10-06")
    assert "the next signature due is '单位主要负责人'" in wrong.stderr


def test_a_chain_adopted_later_keeps_earlier_closes_valid(run: Run, demo: Path, tmp_path: Path) -> None:
    _ok(run, "close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-10-02")
    (tmp_path / "rectify.yaml").write_text(CHAIN3, encoding="utf-8")
    assert run("check").exit_code == 0
    assert run("status").exit_code == 0


def test_check_reports_a_close_without_the_chains_signatures(
    run: Run, demo: Path, evidence: Path, tmp_path: Path
) -> None:
    (tmp_path / "rectify.yaml").write_text(CHAIN3, encoding="utf-8")
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-09-01")
    _ok(run, "sign", "demo-001", "--by", "钟某", "--date", "2021-09-02")
    demo.write_text(
        demo.read_text(encoding="utf-8").replace("    status: submitted\n", "    status: closed\n"), encoding="utf-8"
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/demo.yaml:15:13: demo-001.status: closed without the approval chain's signatures "
        "(missing: 督导组, 巡察办)"
    ]


def test_separation_of_duties(run: Run, demo: Path, evidence: Path) -> None:
    refused = run("close", "demo-001", "--by", "王某", "--approver", "张某")  # 张某 is demo-001's owner
    assert refused.stderr == "rectify: error: 张某 is this finding's owner (责任人) and cannot sign it off\n"
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-09-01")
    refused = run("sign", "demo-001", "--by", "张某", "--date", "2021-09-02")
    assert "张某 is this finding's owner (责任人) and cannot sign it off" in refused.stderr
    late = run(
        "extend", "demo-002", "--to", "2021-12-31", "--approver", "钟某", "--reason", "x", "--date", "2021-12-31"
    )
    assert late.exit_code == 1  # the deadline in force is 2021-12-31 already
    past = run(
        "extend", "demo-001", "--to", "2021-11-30", "--approver", "钟某", "--reason", "x", "--date", "2021-12-01"
    )
    assert past.stderr == (
        "rectify: error: the new deadline 2021-11-30 has already passed on the day of the extension (2021-12-01)\n"
    )


def test_evidence_tampering_shows(run: Run, demo: Path, evidence: Path) -> None:
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-09-01")
    _ok(run, "sign", "demo-001", "--by", "钟某", "--date", "2021-09-02")
    assert run("check").exit_code == 0
    evidence.write_bytes(b"%PDF-1.4 rules, edited after sign-off")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/demo.yaml:32:9: demo-001.evidence[1]: evidence file evidence/制度文件.pdf has changed "
        "since it was recorded (sha256 2f78330d6b43…, recorded 6023683875cb…)"
    ]
    evidence.unlink()
    lines = run("check").stdout.splitlines()
    assert lines[0] == (
        "ledgers/demo.yaml:25:13: demo-001.history[2].evidence[1]: "
        "evidence file evidence/制度文件.pdf is missing"
    )


def test_evidence_revised_after_a_return_is_recorded_again(run: Run, demo: Path, evidence: Path) -> None:
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "-e", str(evidence), "--date", "2021-09-01")
    _ok(run, "return", "demo-001", "--by", "钟某", "--opinion", "佐证材料不足", "--date", "2021-09-02")
    evidence.write_bytes(b"%PDF-1.4 rules, revised as asked")
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-09-03")
    _ok(run, "sign", "demo-001", "--by", "钟某", "--date", "2021-09-04")
    assert run("check").exit_code == 0
    text = demo.read_text(encoding="utf-8")
    assert text.count("path: evidence/制度文件.pdf") == 3  # two submits and the finding's own list


def test_blank_names_and_self_approval_through_close_are_refused(run: Run, demo: Path, evidence: Path) -> None:
    _ok(run, "submit", "demo-001", "--by", "李四", "-e", str(evidence), "--date", "2021-09-01")
    blank = run("sign", "demo-001", "--by", " ", "--date", "2021-09-02")
    assert blank.exit_code == 2 and "--by must name a person" in blank.stderr
    own = run("close", "demo-001", "--by", "赵五", "--approver", "李四", "--date", "2021-09-02")
    assert (
        own.stderr
        == "rectify: error: 李四 submitted this finding and cannot approve its close (审签 is another's check)\n"
    )


def test_rectify_yaml_is_validated_like_a_ledger(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text("chian: [a]\ntime_zone: Mars/Base\nlang: fr\n", encoding="utf-8")
    result = run("status")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "rectify.yaml:1:1: chian: unknown field 'chian'; did you mean 'chain'?",
        "rectify.yaml:2:12: time_zone: unknown time zone 'Mars/Base' (use an IANA name such as Asia/Shanghai)",
        "rectify.yaml:3:7: lang: 'fr' is not allowed here; expected one of zh, en",
    ]


def test_config_sets_language(run: Run, shipped: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text("lang: zh\n", encoding="utf-8")
    assert _ok(run, "status").splitlines()[-1].startswith("合计")


def test_today_is_the_ledger_time_zones_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rectify.files.clock import today

    monkeypatch.delenv("RECTIFY_TODAY")
    assert today() == datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert today("America/Los_Angeles") == datetime.now(ZoneInfo("America/Los_Angeles")).date()


def test_the_owner_approves_neither_an_extension_nor_a_withdrawal_and_returns_nothing(
    run: Run, demo: Path, evidence: Path
) -> None:
    """DOMAIN.md: 延期 is an approved new deadline, 撤销 approved by another, 退回 a reviewer's
    opinion: the finding's owner (责任人) approves none of them for their own finding, and the
    submitter does not return their own submission (the trial found all four accepted)."""
    before = demo.read_text(encoding="utf-8")
    extend = run("extend", "demo-001", "--to", "2022-03-31", "--approver", "张某", "--reason", "x", "--date", "2021-09-01")
    assert extend.stderr == "rectify: error: 张某 is this finding's owner (责任人) and cannot approve its extend\n"
    withdraw = run("withdraw", "demo-001", "--by", "王某", "--approver", "张某", "--reason", "误挂账")
    assert withdraw.stderr == "rectify: error: 张某 is this finding's owner (责任人) and cannot approve its withdraw\n"
    assert demo.read_text(encoding="utf-8") == before  # nothing written
    _ok(run, "submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-09-01")
    own = run("return", "demo-001", "--by", "王某", "--opinion", "自己退回", "--date", "2021-09-02")
    assert own.stderr == "rectify: error: 王某 submitted this finding and cannot return it (退回 is a reviewer's)\n"
    owner = run("--lang", "zh", "return", "demo-001", "--by", "张某", "--opinion", "责任人退回", "--date", "2021-09-02")
    assert owner.stderr == "rectify：错误：张某 是该问题的责任人，不能退回（退回由审核人提出）\n"
    _ok(run, "return", "demo-001", "--by", "钟某", "--opinion", "佐证不足", "--date", "2021-09-02")
