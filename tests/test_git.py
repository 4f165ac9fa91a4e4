"""Git: one commit per command with --commit / autocommit, `rectify log`, and the merge
driver tried with real `git merge` runs of two branches."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo: Path) -> Path:
    """tmp_path as a git repository holding ledgers/demo.yaml, committed."""
    for key, value in {
        "GIT_AUTHOR_NAME": "王某",
        "GIT_AUTHOR_EMAIL": "wang@example.org",
        "GIT_COMMITTER_NAME": "王某",
        "GIT_COMMITTER_EMAIL": "wang@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(tmp_path / "home"),
    }.items():
        monkeypatch.setenv(key, value)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    return tmp_path


def git(root: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(result.stderr + result.stdout)
    return result.stdout


def _subjects(root: Path) -> list[str]:
    return git(root, "log", "--format=%s").splitlines()


def test_commit_makes_one_commit_of_the_changed_ledger_only(run: Run, repo: Path) -> None:
    (repo / "notes.txt").write_text("unrelated\n", encoding="utf-8")
    git(repo, "add", "notes.txt")  # staged but not ours to commit
    result = run("start", "demo-001", "--by", "王某", "--date", "2021-08-02", "--commit")
    assert result.exit_code == 0, result.output
    assert _subjects(repo) == ["start demo-001: 王某", "start"]
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["ledgers/demo.yaml"]
    assert git(repo, "status", "--porcelain").splitlines() == ["A  notes.txt"]


def test_autocommit_from_rectify_yaml(run: Run, repo: Path) -> None:
    (repo / "rectify.yaml").write_text("git:\n  autocommit: true\n", encoding="utf-8")
    run("start", "demo-001", "--date", "2021-08-02")
    run("progress", "demo-001", "--by", "王某", "--note", "推进", "--date", "2021-08-03")
    run("close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-09-01")
    refused = run("close", "demo-001", "--by", "王某", "--approver", "钟某")
    assert refused.exit_code == 1
    assert _subjects(repo) == [
        "close demo-001: 审签 钟某",
        "progress demo-001: 王某",
        "start demo-001",
        "start",
    ]
    assert git(repo, "status", "--porcelain").splitlines() == ["?? rectify.yaml"]


def test_commit_outside_git_is_refused_before_writing(run: Run, demo: Path) -> None:
    before = demo.read_bytes()
    result = run("start", "demo-001", "--commit")
    assert result.exit_code == 2
    assert "is not in a git repository" in result.stderr
    assert demo.read_bytes() == before


def test_log_lists_the_commits_that_touched_the_finding(run: Run, repo: Path) -> None:
    run("start", "demo-001", "--date", "2021-08-02", "--commit")
    run("start", "demo-002", "--date", "2021-08-03", "--commit")
    run(
        "close",
        "demo-001",
        "--by",
        "王某",
        "--approver",
        "钟某",
        "--date",
        "2021-09-01",
        "--commit",
    )
    lines = run("log", "demo-001").stdout.splitlines()
    assert [line.rsplit("  ", 1)[-1] for line in lines] == [
        "close demo-001: 审签 钟某",
        "start demo-001",
        "start",
    ]
    assert "王某" in lines[0]
    lines = run("log", "demo-002").stdout.splitlines()
    assert [line.rsplit("  ", 1)[-1] for line in lines] == ["start demo-002", "start"]


def _branches(repo: Path, run: Run) -> None:
    result = run("init", "--git")
    assert result.exit_code == 0, result.output
    assert (repo / "ledgers" / ".gitattributes").read_text(encoding="utf-8") == "*.yaml merge=rectify\n"
    assert "merge-driver %O %A %B" in git(repo, "config", "merge.rectify.driver")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "merge driver")
    git(repo, "checkout", "-qb", "theirs")


def test_merge_of_different_findings_and_events_on_both_sides(run: Run, repo: Path) -> None:
    _branches(repo, run)
    run("start", "demo-001", "--by", "李某", "--date", "2021-08-05", "--commit")
    run(
        "progress",
        "demo-001",
        "--by",
        "李某",
        "--note",
        "theirs",
        "--date",
        "2021-08-07",
        "--commit",
    )
    run(
        "progress",
        "demo-002",
        "--by",
        "李某",
        "--note",
        "theirs",
        "--date",
        "2021-08-06",
        "--commit",
    )
    git(repo, "checkout", "-q", "main")
    run("start", "demo-001", "--by", "李某", "--date", "2021-08-05", "--commit")  # the same event on both sides
    run("progress", "demo-001", "--by", "王某", "--note", "ours", "--date", "2021-08-06", "--commit")
    run(
        "add",
        "-u",
        "demo",
        "-a",
        "作风建设方面",
        "-t",
        "ours new",
        "--date",
        "2021-08-07",
        "--commit",
    )
    merged = subprocess.run(["git", "merge", "-q", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr + merged.stdout
    assert run("check").exit_code == 0
    from rectify.files.ledgerfile import read_ledger

    ledger = read_ledger(repo / "ledgers" / "demo.yaml").ledger
    first, second, third = ledger.findings
    assert [(e.date.isoformat(), e.action.value, e.note) for e in first.history] == [
        ("2021-07-28", "add", None),
        ("2021-08-05", "start", None),
        ("2021-08-06", "progress", "ours"),
        ("2021-08-07", "progress", "theirs"),
    ]
    assert first.status.value == "in_progress"
    assert [e.note for e in second.history] == [None, "theirs"]
    assert third.title == "ours new"
    text = (repo / "ledgers" / "demo.yaml").read_text(encoding="utf-8")
    assert "  # a comment between findings, written by hand\n" in text


def test_merge_with_a_real_conflict_names_the_finding_and_field(run: Run, repo: Path) -> None:
    _branches(repo, run)
    ledger = repo / "ledgers" / "demo.yaml"
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("deadline: 2021-10-31", "deadline: 2021-11-15"),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "theirs: deadline")
    git(repo, "checkout", "-q", "main")
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("deadline: 2021-10-31", "deadline: 2021-11-30"),
        encoding="utf-8",
    )
    run("start", "demo-002", "--date", "2021-08-02")
    git(repo, "commit", "-qam", "ours: deadline")
    merged = subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode != 0
    assert (
        "rectify merge-driver: conflict in demo-001: deadline: ours '2021-11-30', theirs '2021-11-15'"
        in merged.stderr + merged.stdout
    )
    text = ledger.read_text(encoding="utf-8")
    assert "<<<<<<< ours\n  - id: demo-001\n" in text
    assert ">>>>>>> theirs (demo-001)\n" in text
    result = run("check")
    assert result.exit_code == 1
    assert "unresolved git merge conflict marker" in result.stdout


def test_merge_renumbers_a_finding_added_on_both_sides(run: Run, repo: Path) -> None:
    _branches(repo, run)
    assert (
        run("add", "-u", "demo", "-a", "a", "-t", "theirs new", "--date", "2021-08-01", "--commit").stdout
        == "demo-003\n"
    )
    git(repo, "checkout", "-q", "main")
    assert (
        run("add", "-u", "demo", "-a", "a", "-t", "ours new", "--date", "2021-08-01", "--commit").stdout == "demo-003\n"
    )
    merged = subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    assert "demo-003 was added on both sides: theirs keeps it, ours is now demo-004" in merged.stderr + merged.stdout
    from rectify.files.ledgerfile import read_ledger

    ledger = read_ledger(repo / "ledgers" / "demo.yaml").ledger
    assert [(f.id, f.title) for f in ledger.findings[2:]] == [("demo-003", "theirs new"), ("demo-004", "ours new")]
    assert ledger.last_number == 4
    assert run("check").exit_code == 0


def test_commit_refuses_a_ledger_with_uncommitted_changes(run: Run, repo: Path) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("owner: 张某", "owner: 李某"), encoding="utf-8")
    before = ledger.read_bytes()
    result = run("start", "demo-002", "--date", "2021-08-02", "--commit")
    assert result.exit_code == 2
    assert "ledgers/demo.yaml has changes that are not committed; commit them first" in result.stderr
    assert ledger.read_bytes() == before


def test_commit_takes_the_evidence_along(run: Run, repo: Path) -> None:
    proof = repo / "evidence" / "方案.pdf"
    proof.parent.mkdir()
    proof.write_bytes(b"%PDF")
    result = run("submit", "demo-001", "--by", "王某", "-e", str(proof), "--date", "2021-09-01", "--commit")
    assert result.exit_code == 0, result.output
    assert len(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == 2
    assert git(repo, "status", "--porcelain").strip() == ""
    run("sign", "demo-001", "--by", "钟某", "--date", "2021-09-02", "--commit")
    assert git(repo, "log", "-1", "--format=%s").strip() == "sign demo-001: 审签 钟某 (审签), the last level: closed"


def test_a_renamed_finding_worked_on_elsewhere_is_a_conflict(run: Run, repo: Path) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    _branches(repo, run)
    run("start", "demo-001", "--date", "2021-08-02")
    git(repo, "commit", "-qam", "theirs: work on demo-001")
    git(repo, "checkout", "-q", "main")
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("理论学习不深入", "别的问题"), encoding="utf-8")
    git(repo, "commit", "-qam", "ours: retitle")
    merged = subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode != 0
    assert "conflict in demo-001: title: ours '别的问题', theirs '理论学习不深入'; one side renamed it" in merged.stderr


def test_head_conflicts_and_deletions_leave_markers(run: Run, repo: Path) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    _branches(repo, run)
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(
        text.replace("name: 示例单位", "name: 他方名称").replace("    owner: 张某\n", "    owner: 李某\n"),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "theirs")
    git(repo, "checkout", "-q", "main")
    start = text.index("  - id: demo-001")
    end = text.index("  # a comment between findings")
    ledger.write_text((text[:start] + text[end:]).replace("name: 示例单位", "name: 我方名称"), encoding="utf-8")
    git(repo, "commit", "-qam", "ours")
    merged = subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode != 0
    assert "conflict in unit.name: ours '我方名称', theirs '他方名称'" in merged.stderr
    assert "conflict in demo-001: deleted in ours but changed in the other" in merged.stderr
    result = ledger.read_text(encoding="utf-8")
    assert result.count("<<<<<<< ours") == 2
    assert ">>>>>>> theirs (unit)" in result and ">>>>>>> theirs (demo-001)" in result


def test_a_head_change_keeps_comments_and_line_ends(run: Run, repo: Path) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    _branches(repo, run)
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("  group: 市委第一巡察组", "  group: 市委第二巡察组"),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "theirs: group")
    git(repo, "checkout", "-q", "main")
    run("start", "demo-002", "--date", "2021-08-02")
    git(repo, "commit", "-qam", "ours: start")
    merged = subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    text = ledger.read_text(encoding="utf-8")
    assert text.startswith("# hand-written ledger used by the tests\n")
    assert "  # a comment between findings, written by hand\n" in text
    assert "  group: 市委第二巡察组\n" in text
    assert run("check").exit_code == 0


def test_merging_never_lowers_last_number(run: Run, repo: Path) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    _branches(repo, run)
    run("add", "-u", "demo", "-a", "a", "-t", "short-lived", "--date", "2021-08-01")
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(text[: text.index("  - id: demo-003")], encoding="utf-8")  # removed again
    git(repo, "commit", "-qam", "theirs: add and remove demo-003")
    git(repo, "checkout", "-q", "main")
    run("start", "demo-001", "--date", "2021-08-02")
    git(repo, "commit", "-qam", "ours")
    assert subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=repo, capture_output=True).returncode == 0
    assert run("add", "-u", "demo", "-a", "a", "-t", "next", "--date", "2021-08-03").stdout == "demo-004\n"


def test_an_unreadable_base_falls_back_to_a_conflict(run: Run, repo: Path) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    good = ledger.read_text(encoding="utf-8")
    ledger.write_text(good.replace("title: 理论学习不深入", "title: [broken"), encoding="utf-8")
    git(repo, "commit", "-qam", "broken")
    _branches(repo, run)
    ledger.write_text(good.replace("owner: 张某", "owner: 李某"), encoding="utf-8")
    git(repo, "commit", "-qam", "theirs fixes")
    git(repo, "checkout", "-q", "main")
    ledger.write_text(good.replace("deadline: 2021-12-31", "deadline: 2022-01-31"), encoding="utf-8")
    git(repo, "commit", "-qam", "ours fixes")
    merged = subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert "not a valid ledger" in merged.stderr
    from rectify.files.ledgerfile import read_ledger

    if merged.returncode == 0:  # a clean text merge must be a valid ledger with nothing doubled
        assert len(read_ledger(ledger).ledger.findings) == 2
    else:
        assert run("check").exit_code == 1


def test_log_follows_merges_and_removed_findings(run: Run, repo: Path) -> None:
    _branches(repo, run)
    run("start", "demo-001", "--date", "2021-08-02", "--commit")
    git(repo, "checkout", "-q", "main")
    run("start", "demo-002", "--date", "2021-08-03", "--commit")
    git(repo, "merge", "-q", "--no-edit", "theirs")
    subjects = [line.rsplit("  ", 1)[-1] for line in run("log", "demo-001").stdout.splitlines()]
    assert subjects == ["start demo-001", "start"]  # not ours' start of demo-002, nor the merge
    ledger = repo / "ledgers" / "demo.yaml"
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(text[: text.index("  # a comment between findings")] + "\n", encoding="utf-8")
    git(repo, "commit", "-qam", "remove demo-002")
    subjects = [line.rsplit("  ", 1)[-1] for line in run("log", "demo-002").stdout.splitlines()]
    assert subjects[0] == "remove demo-002"


def test_unit_add_commits_and_config_next_to_the_ledgers(run: Run, repo: Path) -> None:
    assert run("unit", "add", "other", "--name", "另一单位", "--commit").exit_code == 0
    assert git(repo, "log", "-1", "--format=%s").strip() == "unit add other: 另一单位"


def test_no_git_identity_is_refused_before_writing(run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(repo / "no-such-config"))
    monkeypatch.setenv("EMAIL", "")
    ledger = repo / "ledgers" / "demo.yaml"
    before = ledger.read_bytes()
    result = run("start", "demo-001", "--date", "2021-08-02", "--commit")
    if result.exit_code == 0:  # git found a name on this machine after all (e.g. from the host name)
        pytest.skip("git could make up an identity here")
    assert result.exit_code == 2
    assert "git does not know who you are" in result.stderr
    assert ledger.read_bytes() == before


def test_rectify_yaml_next_to_ledgers_in_a_subfolder_of_the_repository(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = repo / "sub"
    (sub / "ledgers").mkdir(parents=True)
    (sub / "ledgers" / "demo.yaml").write_bytes((repo / "ledgers" / "demo.yaml").read_bytes())
    (sub / "rectify.yaml").write_text("chain: [一级, 二级, 三级]\n", encoding="utf-8")
    monkeypatch.setenv("RECTIFY_LEDGERS", str(sub / "ledgers"))
    result = run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01")
    assert result.exit_code == 1
    assert "the approval chain has 3 levels (一级 -> 二级 -> 三级)" in result.stderr


def test_merge_keeps_one_evidence_entry_with_the_latest_digest(run: Run, repo: Path) -> None:
    evidence = repo / "e.pdf"
    evidence.write_bytes(b"%PDF first")
    git(repo, "add", "e.pdf")
    git(repo, "commit", "-qm", "evidence")
    assert run("submit", "demo-001", "--by", "李某", "-e", str(evidence), "--date", "2021-08-05", "--commit").exit_code == 0
    assert run("return", "demo-001", "--by", "钟某", "--opinion", "不充分", "--date", "2021-08-06", "--commit").exit_code == 0
    _branches(repo, run)
    evidence.write_bytes(b"%PDF second")  # theirs: the file revised and submitted again
    assert run("submit", "demo-001", "--by", "李某", "-e", str(evidence), "--date", "2021-08-12", "--commit").exit_code == 0
    git(repo, "checkout", "-q", "main")
    assert run("progress", "demo-001", "--by", "王某", "--note", "补充", "--date", "2021-08-10", "--commit").exit_code == 0
    merged = subprocess.run(["git", "merge", "-q", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr + merged.stdout
    from rectify.files.ledgerfile import read_ledger

    finding = read_ledger(repo / "ledgers" / "demo.yaml").ledger.findings[0]
    assert [e.path for e in finding.evidence] == ["e.pdf"]
    assert run("check").exit_code == 0, run("check").output


def test_merge_keeps_a_bom_and_crlf(tmp_path: Path) -> None:
    from rectify.api import merge_versions
    from tests.conftest import MINIMAL

    crlf = MINIMAL.replace("\n", "\r\n").encode("utf-8")
    base, ours, theirs = (tmp_path / name for name in ("base", "ours", "theirs"))
    base.write_bytes(b"\xef\xbb\xbf" + crlf)
    ours.write_bytes(b"\xef\xbb\xbf" + crlf.replace("理论学习不深入".encode(), "理论学习不深入（改）".encode()))
    theirs.write_bytes(b"\xef\xbb\xbf" + crlf.replace("制度执行不严格".encode(), "制度执行不严格（改）".encode()))
    code, notes = merge_versions(base, ours, theirs)
    assert (code, notes) == (0, [])
    data = ours.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert "理论学习不深入（改）" in data.decode("utf-8-sig") and "制度执行不严格（改）" in data.decode("utf-8-sig")
