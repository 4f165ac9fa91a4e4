"""`rectify check` and the git history: a recorded field changed in a commit without the
event that changes it, a history rewritten, a finding deleted by hand, each named by its
commit at the finding's place in today's file; commits made by rectify pass; merges;
rectify.yaml's check.history_since and check.accept; no git, no repository, a shallow
clone. Every repository here is a real one made with git in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

DEADLINE_RULE = (
    "without an approved extend event (the original deadline stays; only `rectify extend` moves the deadline in force)"
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo: Path) -> Path:
    """tmp_path as a git repository holding ledgers/demo.yaml (MINIMAL), committed."""
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


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(result.stderr + result.stdout)
    return result.stdout


def hand_commit(repo: Path, old: str, new: str, subject: str, count: int = 1) -> str:
    """Replace ``old`` by ``new`` in ledgers/demo.yaml as a text editor would, commit it
    with ``subject``; return the commit's short hash."""
    ledger = repo / "ledgers" / "demo.yaml"
    text = ledger.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    ledger.write_text(text.replace(old, new, count), encoding="utf-8")
    git(repo, "commit", "-qam", subject)
    return git(repo, "rev-parse", "--short=7", "HEAD").strip()


def line_of(repo: Path, text: str, after: str = "") -> int:
    """The 1-based line of the first line equal to ``text`` after the line ``after``."""
    lines = (repo / "ledgers" / "demo.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index(after) if after else 0
    return lines.index(text, start) + 1


def test_a_hand_moved_deadline_is_reported_with_its_commit(run: Run, repo: Path) -> None:
    sha = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == (
        f'ledgers/demo.yaml:14:15: demo-001.deadline: commit {sha} "改期": '
        f"deadline changed from 2021-10-31 to 2031-10-31 {DEADLINE_RULE}\n"
    )
    assert result.stderr == "1 problem in ledgers\n"


def test_a_hand_closed_finding_is_reported_even_once_its_events_are_added(run: Run, repo: Path) -> None:
    closed = hand_commit(repo, "    status: open\n", "    status: closed\n", "销号")  # demo-001, the first
    added = "      - date: 2021-07-28\n        action: add\n"
    event = "      - date: 2021-09-01\n        action: close\n        by: 王某\n        approver: 钟某\n"
    hand_commit(repo, added, added + event, "补记销号")  # the first finding's history
    result = run("check")
    assert result.exit_code == 1
    line = line_of(repo, "    status: closed")
    assert result.stdout == (
        f'ledgers/demo.yaml:{line}:13: demo-001.status: commit {closed} "销号": '
        "status changed from open to closed without the events that lead to it (close, or submit and the sign-off)\n"
    )


def test_an_edited_history_event_is_reported_at_the_event(run: Run, repo: Path) -> None:
    done = run("close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-09-01", "--commit")
    assert done.exit_code == 0, done.output
    assert run("check").exit_code == 0
    sha = hand_commit(repo, "date: 2021-09-01", "date: 2021-08-15", "backdate the close")
    result = run("check")
    assert result.exit_code == 1
    line = line_of(repo, "      - date: 2021-08-15")
    assert result.stdout == (
        f'ledgers/demo.yaml:{line}:9: demo-001.history[2]: commit {sha} "backdate the close": '
        "history event 2 (close of 2021-09-01) was changed; the history is append-only\n"
    )


def test_removed_events_are_reported(run: Run, repo: Path) -> None:
    run("start", "demo-002", "--date", "2021-08-02", "--commit")
    ledger = repo / "ledgers" / "demo.yaml"
    text = ledger.read_text(encoding="utf-8")
    start = "      - date: 2021-08-02\n        action: start\n"
    assert start in text
    ledger.write_text(text.replace(start, "").replace("status: in_progress", "status: open"), encoding="utf-8")
    git(repo, "commit", "-qam", "undo start")
    sha = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    result = run("check")
    assert result.exit_code == 1
    history = line_of(repo, "    history:", after="  - id: demo-002")
    status = line_of(repo, "    status: open", after="  - id: demo-002")
    assert result.stdout == (
        f'ledgers/demo.yaml:{status}:13: demo-002.status: commit {sha} "undo start": '
        "status changed from in_progress to open without the events that lead to it\n"
        f'ledgers/demo.yaml:{history + 1}:7: demo-002.history: commit {sha} "undo start": '
        "1 history event removed (from event 2, start of 2021-08-02); the history is append-only\n"
    )


def test_a_deleted_finding_is_reported_at_the_file_and_withdrawing_is_not(run: Run, repo: Path) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    text = ledger.read_text(encoding="utf-8")
    block = text[text.index("  # a comment between findings") :]
    ledger.write_text(text.replace(block, ""), encoding="utf-8")
    git(repo, "commit", "-qam", "drop a duplicate")
    sha = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == (
        f'ledgers/demo.yaml:1:1: commit {sha} "drop a duplicate": finding demo-002 was deleted by hand; '
        "withdraw it instead (rectify withdraw keeps its id and history)\n"
    )
    ledger.write_text(text, encoding="utf-8")  # put back: the deletion is no longer reported
    git(repo, "commit", "-qam", "restore demo-002")
    assert run("check").exit_code == 0
    done = run(
        "withdraw", "demo-002", "--reason", "重复", "--by", "王某", "--approver", "钟某", "--date", "2021-09-01",
        "--commit",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert run("check").exit_code == 0


def test_steps_committed_by_rectify_pass(run: Run, repo: Path) -> None:
    (repo / "纪要.txt").write_text("会议纪要\n", encoding="utf-8")
    git(repo, "add", "纪要.txt")
    git(repo, "commit", "-qm", "evidence")
    steps = [
        ("start", "demo-001", "--date", "2021-08-02"),
        ("extend", "demo-001", "--to", "2021-11-30", "--reason", "需协调", "--approver", "钟某", "--date", "2021-10-20"),
        ("edit", "demo-001", "--owner", "李某", "--by", "王某", "--reason", "分工调整", "--date", "2021-10-21"),
        ("account", "demo-001", "--rules", "1", "--by", "王某", "--date", "2021-10-22"),
        ("close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-11-01"),
        ("reopen", "demo-001", "--by", "钟某", "--reason", "复查未到位", "--date", "2021-11-05"),
        ("submit", "demo-002", "--by", "王某", "-e", "纪要.txt", "--date", "2021-11-06"),
        ("return", "demo-002", "--by", "钟某", "--opinion", "材料不全", "--date", "2021-11-07"),
        ("add", "-u", "demo", "-a", "作风建设方面", "-t", "会议过多", "--date", "2021-11-08"),
    ]
    for args in steps:
        done = run(*args, "--commit")
        assert done.exit_code == 0, (args, done.output)
    assert len(git(repo, "log", "--format=%s").splitlines()) == len(steps) + 2
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "ok: 1 ledger, 3 findings in ledgers\n")


def test_a_merge_is_judged_by_what_it_made(run: Run, repo: Path) -> None:
    assert run("init", "--git").exit_code == 0
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "merge driver")
    git(repo, "checkout", "-qb", "theirs")
    run("start", "demo-001", "--by", "李某", "--date", "2021-08-05", "--commit")
    run("progress", "demo-002", "--by", "李某", "--note", "theirs", "--date", "2021-08-06", "--commit")
    git(repo, "checkout", "-q", "main")
    run("progress", "demo-001", "--by", "王某", "--note", "ours", "--date", "2021-08-06", "--commit")
    git(repo, "merge", "-q", "--no-edit", "theirs")  # the merge driver interleaves both sides' events
    assert len(git(repo, "log", "-1", "--format=%P").split()) == 2
    clean = run("check")
    assert (clean.exit_code, clean.stdout) == (0, ""), clean.output
    # a merge whose result is edited by hand before it is committed
    git(repo, "checkout", "-qb", "side", "HEAD~1")
    run("progress", "demo-002", "--by", "李某", "--note", "side", "--date", "2021-08-09", "--commit")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-commit", "side")
    ledger = repo / "ledgers" / "demo.yaml"
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("deadline: 2021-12-31", "deadline: 2022-06-30"), encoding="utf-8"
    )
    git(repo, "commit", "-qam", "Merge branch side")
    sha = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    result = run("check")
    assert result.exit_code == 1
    line = line_of(repo, "    deadline: 2022-06-30")
    assert result.stdout == (
        f'ledgers/demo.yaml:{line}:15: demo-002.deadline: commit {sha} "Merge branch side": '
        f"deadline changed from 2021-12-31 to 2022-06-30 {DEADLINE_RULE}\n"
    )


def test_a_hand_edit_not_yet_committed_is_reported(run: Run, repo: Path) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("deadline: 2021-10-31", "deadline: 2031-10-31"), encoding="utf-8"
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == (
        "ledgers/demo.yaml:14:15: demo-001.deadline: the change not yet committed: "
        f"deadline changed from 2021-10-31 to 2031-10-31 {DEADLINE_RULE}\n"
    )
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("deadline: 2031-10-31", "deadline: 2021-10-31"), encoding="utf-8"
    )
    assert run("check").exit_code == 0


def test_history_since_and_accept_acknowledge_old_hand_edits(run: Run, repo: Path) -> None:
    first = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2021-11-30", "old edit")
    second = hand_commit(repo, "deadline: 2021-12-31", "deadline: 2022-01-31", "another old edit")
    assert run("check").stdout.count("\n") == 2
    settings = repo / "rectify.yaml"
    settings.write_text(f"check:\n  accept: [{first}]\n", encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert [line.split(": ", 2)[1] for line in result.stdout.splitlines()] == ["demo-002.deadline"]
    settings.write_text(f"check:\n  history_since: {second}\n", encoding="utf-8")
    assert (run("check").exit_code, run("check").stdout) == (0, "")
    later = hand_commit(repo, "title: 理论学习不深入", "title: 理论学习不够深入", "title only")  # no rule broken
    assert later
    hand_commit(repo, "deadline: 2021-11-30", "deadline: 2021-12-15", "new edit")
    assert run("check").stdout.count("\n") == 1
    # a date: commits made before that day (in the ledgers' time zone) are not judged
    settings.write_text("check:\n  history_since: 2999-01-01\n", encoding="utf-8")
    assert run("check").exit_code == 0
    settings.write_text("check:\n  history_since: 2000-01-01\n", encoding="utf-8")
    assert run("check").stdout.count("\n") == 3


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            "check:\n  history_since: last week\n",
            "rectify.yaml:2:18: check.history_since: expected a date written YYYY-MM-DD or a commit hash "
            "(7 to 40 hex digits), got 'last week'",
        ),
        (
            "check:\n  history_since: 2024-02-30\n",
            "rectify.yaml:2:18: check.history_since: '2024-02-30' is not a real date",
        ),
        ("check:\n  history_since: abcdef1\n", "rectify.yaml:2:18: check.history_since: no commit abcdef1 in this repository"),
        ("check:\n  accept: [abcdef1234]\n", "rectify.yaml:2:12: check.accept[1]: no commit abcdef1234 in this repository"),
        (
            "check:\n  accept: [xyz]\n",
            "rectify.yaml:2:12: check.accept[1]: expected a commit hash (7 to 40 hex digits), got 'xyz'",
        ),
        ("check:\n  since: 2024-01-01\n", "rectify.yaml:2:3: check.since: unknown field 'since'"),
    ],
)
def test_bad_check_settings_are_clear_errors(run: Run, repo: Path, settings: str, expected: str) -> None:
    (repo / "rectify.yaml").write_text(settings, encoding="utf-8")
    cache = repo / ".git" / "rectify-cache"
    before = sorted(p.name for p in cache.rglob("*")) if cache.exists() else []
    result = run("check")
    assert result.exit_code != 0
    assert expected in result.output, result.output
    assert (sorted(p.name for p in cache.rglob("*")) if cache.exists() else []) == before


def test_a_repeated_check_reads_no_history(run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    first = run("check")
    assert first.exit_code == 1
    from rectify.files import gitops

    def no_reading(root: Path, specs: list[str]) -> list[bytes | None]:
        raise AssertionError(f"read {specs} again")

    monkeypatch.setattr(gitops, "blobs", no_reading)
    again = run("check")
    assert (again.exit_code, again.stdout) == (first.exit_code, first.stdout)
    assert list((repo / ".git" / "rectify-cache").rglob("history.json"))


def test_without_git_outside_a_repository_and_in_a_shallow_clone(
    run: Run, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    git(repo, "commit", "-q", "--allow-empty", "-m", "later")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    monkeypatch.setenv("RECTIFY_LEDGERS", str(shallow / "ledgers"))
    result = run("check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "note: the repository is a shallow clone, so the ledgers' history was not checked (git fetch --unshallow)\n"
        "ok: 1 ledger, 2 findings in " + str(Path("shallow") / "ledgers") + "\n"
    )
    monkeypatch.setenv("RECTIFY_LEDGERS", str(repo / "ledgers"))
    bare = tmp_path / "bin"
    bare.mkdir()
    monkeypatch.setenv("PATH", str(bare))  # no git on the PATH
    result = run("check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "note: git is not installed, so the ledgers' history was not checked\nok: 1 ledger, 2 findings in ledgers\n"
    )
    monkeypatch.setenv("PATH", os.defpath)


def test_a_version_too_large_to_be_a_ledger_is_reported_not_read(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rectify.files import history

    start = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    sha = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    size = len((repo / "ledgers" / "demo.yaml").read_bytes())
    monkeypatch.setattr(history, "MAX_VERSION_BYTES", size - 1)  # both versions of the commit are larger
    result = run("--no-cache", "check")
    unreadable = (
        f"could not be read (larger than {size - 1} bytes); "
        "the next version that reads is compared with the last one before it\n"
    )
    assert (result.exit_code, result.stdout) == (
        1,
        f'ledgers/demo.yaml:1:1: commit {sha} "改期": the ledger {unreadable}'
        f'ledgers/demo.yaml:1:1: commit {start} "start": the ledger {unreadable}',
    )
    monkeypatch.setattr(history, "MAX_VERSION_BYTES", size)
    assert run("--no-cache", "check").stdout.startswith("ledgers/demo.yaml:14:15: demo-001.deadline: commit ")
