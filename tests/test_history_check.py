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

def DEADLINE_RULE(old: str) -> str:  # noqa: N802 - reads as the constant it was
    """The end of the message for a deadline moved by hand from ``old``."""
    return (
        f"without an approved extend event; put back {old}, or record the approved extension with `rectify extend` "
        "(until then the figures and the overdue list use the date written in the file)"
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


def line_of(repo: Path, text: str, after: str = "", folder: str = "ledgers") -> int:
    """The 1-based line of the first line equal to ``text`` after the line ``after``."""
    lines = (repo / folder / "demo.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index(after) if after else 0
    return lines.index(text, start) + 1


def test_a_hand_moved_deadline_is_reported_with_its_commit(run: Run, repo: Path) -> None:
    sha = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == (
        f'ledgers/demo.yaml:14:15: demo-001.deadline: commit {sha} "改期": '
        f"deadline changed from 2021-10-31 to 2031-10-31 {DEADLINE_RULE('2021-10-31')}\n"
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
        (
            "extend",
            "demo-001",
            "--to",
            "2021-11-30",
            "--reason",
            "需协调",
            "--approver",
            "钟某",
            "--date",
            "2021-10-20",
        ),
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
        f"deadline changed from 2021-12-31 to 2022-06-30 {DEADLINE_RULE('2021-12-31')}\n"
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
        f"deadline changed from 2021-10-31 to 2031-10-31 {DEADLINE_RULE('2021-10-31')}\n"
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
        (
            "check:\n  history_since: abcdef1\n",
            "rectify.yaml:2:18: check.history_since: no commit abcdef1 in this repository",
        ),
        (
            "check:\n  accept: [abcdef1234]\n",
            "rectify.yaml:2:12: check.accept[1]: no commit abcdef1234 in this repository",
        ),
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
    from rectify.files import history

    def no_reading(self: history._Reader, blob: str) -> bytes:
        raise AssertionError(f"read {blob} again")

    monkeypatch.setattr(history._Reader, "_raw", no_reading)
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
    assert result.exit_code == 1
    assert sorted(result.stdout.splitlines(keepends=True)) == sorted(
        [
            f'ledgers/demo.yaml:1:1: commit {sha} "改期": the ledger {unreadable}',
            f'ledgers/demo.yaml:1:1: commit {start} "start": the ledger {unreadable}',
        ]
    )
    monkeypatch.setattr(history, "MAX_VERSION_BYTES", size)
    assert run("--no-cache", "check").stdout.startswith("ledgers/demo.yaml:14:15: demo-001.deadline: commit ")


def test_outside_git_the_history_note_only_when_the_history_was_asked_for(
    run: Run, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ledgers kept in a plain folder: `check` says nothing of git (the note would come on
    every run and help nobody); once rectify.yaml asks for the history (check.history_since
    or check.accept) it says why the history was not looked at, in the user's language."""
    ok = "ok: 1 ledger, 2 findings in ledgers\n"
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", ok)
    (tmp_path / "rectify.yaml").write_text("check:\n  history_since: 2024-03-01\n", encoding="utf-8")
    result = run("check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "note: the ledgers are not in a git repository, so their history was not checked\n" + ok
    result = run("check", "--lang", "zh")
    assert result.stderr.splitlines()[0] == "提示：台账不在 git 仓库中，未检查其修改历史"
    (tmp_path / "rectify.yaml").write_text("check:\n  accept: [3f2a9c1]\n", encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # no git on the PATH either
    result = run("check")
    assert result.stderr == "note: git is not installed, so the ledgers' history was not checked\n" + ok
    (tmp_path / "rectify.yaml").unlink()
    assert run("check").stderr == ok  # no git, no repository, nothing asked: no note
    monkeypatch.setenv("PATH", os.defpath)


def test_a_hand_edit_is_reported_in_the_language_asked_though_its_verdict_is_kept(run: Run, repo: Path) -> None:
    """The verdicts kept under .git hold their messages: each language keeps its own, so a
    check in Chinese after one in English (and back) speaks the language asked for."""
    sha = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    english = run("check")
    assert english.stdout.startswith(
        f'ledgers/demo.yaml:14:15: demo-001.deadline: commit {sha} "改期": deadline changed from'
    )
    chinese = run("check", "--lang", "zh")
    assert chinese.exit_code == 1
    assert chinese.stdout == (
        f"ledgers/demo.yaml:14:15: demo-001.deadline: 提交 {sha}“改期”：整改时限由 2021-10-31 改为 "
        "2031-10-31，但没有经批准的延期（extend）记录；请改回 2021-10-31，或用 `rectify extend` 登记经批准的延期"
        "（改正之前，完成率和逾期清单按文件中写的日期计算）\n"
    )
    assert run("check").stdout == english.stdout  # both kept: English again from the store
    assert run("check", "--lang", "zh").stdout == chinese.stdout


def short(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", "--short=7", rev).strip()


UNREADABLE = "the next version that reads is compared with the last one before it"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (b"\x00\x01garbage\xff", "(the file holds NUL bytes: "),
        (b"unit: [\n", "(YAML syntax error: did not find expected node content (while parsing a flow node));"),
        (None, "(demo-001.deadline: '2021-02-30' is not a real date);"),
    ],
    ids=["junk bytes", "broken YAML", "invalid date"],
)
def test_a_version_that_does_not_read_does_not_hide_the_next_hand_edit(
    run: Run, repo: Path, bad: bytes | None, reason: str
) -> None:
    ledger = repo / "ledgers" / "demo.yaml"
    good = ledger.read_bytes()
    if bad is None:  # one bad value only: the file still parses
        junk = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2021-02-30", "typo")
        fixed = hand_commit(repo, "deadline: 2021-02-30", "deadline: 2031-10-31", "fix typo")
    else:
        ledger.write_bytes(bad)
        git(repo, "commit", "-qam", "junk")
        junk = short(repo)
        ledger.write_bytes(good)
        fixed = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "restore")
    subject = "typo" if bad is None else "junk"
    result = run("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith(f'ledgers/demo.yaml:1:1: commit {junk} "{subject}": the ledger could not be read (')
    assert reason in lines[0] and lines[0].endswith(f"); {UNREADABLE}")
    assert lines[1] == (
        f'ledgers/demo.yaml:14:15: demo-001.deadline: commit {fixed} "{"fix typo" if bad is None else "restore"}": '
        f"deadline changed from 2021-10-31 to 2031-10-31 {DEADLINE_RULE('2021-10-31')}"
    )


DEMO_001 = """\
  - id: demo-001
    aspect: 政治建设方面
    title: 理论学习不深入
    owner: 张某
    deadline: 2021-10-31
    status: open
    history:
      - date: 2021-07-28
        action: add
"""


def test_a_finding_deleted_and_added_back_is_compared_with_its_version_before(run: Run, repo: Path) -> None:
    dropped = hand_commit(repo, DEMO_001, "", "drop")
    result = run("check")
    assert (result.exit_code, result.stdout) == (
        1,
        f'ledgers/demo.yaml:1:1: commit {dropped} "drop": finding demo-001 was deleted by hand; '
        "withdraw it instead (rectify withdraw keeps its id and history)\n",
    )
    ledger = repo / "ledgers" / "demo.yaml"
    text = ledger.read_text(encoding="utf-8")
    back = DEMO_001.replace("deadline: 2021-10-31", "deadline: 2031-10-31")
    ledger.write_text(text.replace("findings:\n", "findings:\n" + back), encoding="utf-8")
    git(repo, "commit", "-qam", "readd")
    readded = short(repo)
    result = run("check")
    assert (result.exit_code, result.stdout) == (
        1,
        f'ledgers/demo.yaml:14:15: demo-001.deadline: commit {readded} "readd": '
        f"deadline changed from 2021-10-31 to 2031-10-31 {DEADLINE_RULE('2021-10-31')}\n",
    )


def _side_and_main(run: Run, repo: Path) -> None:
    """A branch ``side`` that adds demo-003 and starts demo-001; main starts demo-002."""
    git(repo, "checkout", "-qb", "side")
    added = run("add", "-u", "demo", "-a", "政治建设方面", "-t", "问题三", "--deadline", "2021-12-31",
                "--date", "2021-08-02", "--commit")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert run("start", "demo-001", "--date", "2021-08-03", "--commit").exit_code == 0
    git(repo, "checkout", "-q", "main")
    assert run("start", "demo-002", "--date", "2021-08-03", "--commit").exit_code == 0


def test_a_merge_that_keeps_one_sides_file_is_judged_against_the_other(run: Run, repo: Path) -> None:
    _side_and_main(run, repo)
    git(repo, "merge", "-q", "-s", "ours", "side", "-m", "merge side")
    merge = short(repo)
    result = run("check")
    assert result.exit_code == 1
    history = line_of(repo, "      - date: 2021-07-28")
    assert result.stdout == (
        f'ledgers/demo.yaml:1:1: commit {merge} "merge side": finding demo-003 was deleted by hand; '
        "withdraw it instead (rectify withdraw keeps its id and history)\n"
        f'ledgers/demo.yaml:{history}:7: demo-001.history: commit {merge} "merge side": '
        "the merge dropped or changed history event start of 2021-08-03; the history is append-only\n"
    )


def test_a_conflict_resolved_by_hand_with_one_sides_file_is_judged(run: Run, repo: Path) -> None:
    _side_and_main(run, repo)
    subprocess.run(["git", "-c", "merge.rectify.driver=false", "merge", "-q", "side"], cwd=repo, capture_output=True)
    (repo / "ledgers" / "demo.yaml").write_bytes(git_bytes(repo, "show", "main:ledgers/demo.yaml"))
    git(repo, "add", "ledgers/demo.yaml")
    git(repo, "commit", "-qm", "resolve")
    result = run("check")
    assert result.exit_code == 1
    assert (
        f'ledgers/demo.yaml:1:1: commit {short(repo)} "resolve": finding demo-003 was deleted by hand' in result.stdout
    )
    assert "demo-001.history" in result.stdout


def git_bytes(root: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True).stdout


def test_a_ledger_deleted_by_hand_is_its_findings_deleted(run: Run, repo: Path) -> None:
    (repo / "ledgers" / "other.yaml").write_text(
        MINIMAL_OTHER, encoding="utf-8"
    )  # keeps the folder once demo.yaml is gone
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "other")
    git(repo, "rm", "-q", "ledgers/demo.yaml")
    git(repo, "commit", "-qm", "rm")
    removed = short(repo)
    result = run("check")
    assert (result.exit_code, result.stdout) == (
        1,
        "".join(
            f'ledgers/demo.yaml:1:1: commit {removed} "rm": finding {fid} was deleted by hand; '
            "withdraw it instead (rectify withdraw keeps its id and history)\n"
            for fid in ("demo-001", "demo-002")
        ),
    )


MINIMAL_OTHER = "unit:\n  id: other\n  name: 另一单位\nfindings: []\n"


def test_a_moved_ledger_folder_keeps_its_history_and_an_edit_in_the_move_is_judged(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moved = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    assert run("check").exit_code == 1
    (repo / "office").mkdir()
    git(repo, "mv", "ledgers", "office/ledgers")
    git(repo, "commit", "-qm", "move folder")
    monkeypatch.setenv("RECTIFY_LEDGERS", str(repo / "office" / "ledgers"))
    result = run("check")
    assert (result.exit_code, result.stdout) == (
        1,
        f'office/ledgers/demo.yaml:14:15: demo-001.deadline: commit {moved} "改期": '
        f"deadline changed from 2021-10-31 to 2031-10-31 {DEADLINE_RULE('2021-10-31')}\n",
    )
    # a move with an edit inside it
    (repo / "archive").mkdir()
    git(repo, "mv", "office/ledgers", "archive/ledgers")
    ledger = repo / "archive" / "ledgers" / "demo.yaml"
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("deadline: 2021-12-31", "deadline: 2099-12-31"), encoding="utf-8"
    )
    git(repo, "commit", "-qam", "reorganise")
    monkeypatch.setenv("RECTIFY_LEDGERS", str(repo / "archive" / "ledgers"))
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == (
        f"archive/ledgers/demo.yaml:{line_of(repo, '    deadline: 2099-12-31', folder='archive/ledgers')}:15: "
        f'demo-002.deadline: commit {short(repo)} "reorganise": '
        f"deadline changed from 2021-12-31 to 2099-12-31 {DEADLINE_RULE('2021-12-31')}"
    )


def test_history_since_a_day_is_not_fooled_by_a_backdated_commit(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = repo / "rectify.yaml"
    settings.write_text("check:\n  history_since: 2024-03-01\n", encoding="utf-8")
    git(repo, "add", "rectify.yaml")
    git(repo, "commit", "-qm", "cfg")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2020-01-01T00:00:00")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2020-01-01T00:00:00")
    sha = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    result = run("check")
    assert (result.exit_code, result.stdout) == (
        1,
        f'ledgers/demo.yaml:14:15: demo-001.deadline: commit {sha} "改期": '
        f"deadline changed from 2021-10-31 to 2031-10-31 {DEADLINE_RULE('2021-10-31')}\n",
    )


def test_accept_is_matched_against_commit_ids_never_a_tag(run: Run, repo: Path) -> None:
    legit = hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "legit accepted edit")
    (repo / "rectify.yaml").write_text(f"check:\n  accept: [{legit}]\n", encoding="utf-8")
    git(repo, "add", "rectify.yaml")
    git(repo, "commit", "-qm", "cfg")
    assert (run("check").exit_code, run("check").stdout) == (0, "")
    sneaky = hand_commit(repo, "deadline: 2021-12-31", "deadline: 2099-10-31", "sneaky")
    expected = (
        f"ledgers/demo.yaml:{line_of(repo, '    deadline: 2099-10-31')}:15: "
        f'demo-002.deadline: commit {sneaky} "sneaky": '
        f"deadline changed from 2021-12-31 to 2099-10-31 {DEADLINE_RULE('2021-12-31')}\n"
    )
    assert (run("check").exit_code, run("check").stdout) == (1, expected)
    git(repo, "tag", legit, "HEAD")  # a tag named like the accepted commit's short hash
    assert (run("check").exit_code, run("check").stdout) == (1, expected)


def test_digits_several_commits_start_with_are_a_clear_error(run: Run, repo: Path) -> None:
    from rectify.files import history

    ids = ["abc1234" + "0" * 33, "abc1234" + "f" * 33]
    with pytest.raises(ValueError):
        history._resolve(repo, "abc1234", ids)
    assert history._resolve(repo, "abc1234f", ids) == ids[1]
    assert history._resolve(repo, "HEAD", ids) is None  # never a ref name


def test_a_tampered_or_old_cache_does_not_hide_a_problem(run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from rectify.domain import changes

    hand_commit(repo, "deadline: 2021-10-31", "deadline: 2031-10-31", "改期")
    first = run("check")
    assert first.exit_code == 1
    (store,) = (repo / ".git" / "rectify-cache").rglob("history.json")
    data = json.loads(store.read_text(encoding="utf-8"))
    (key,) = data
    assert f"/{changes.RULES_VERSION}/" in key
    verdicts = [v for v in data[key].values() if isinstance(v, dict) and v["e"]]
    assert len(verdicts) == 1
    verdicts[0]["e"] = [["demo-001", "x", "no such field", None]]  # a shape that is not stored
    store.write_text(json.dumps(data), encoding="utf-8")
    assert (run("check").exit_code, run("check").stdout) == (1, first.stdout)
    # a verdict emptied by hand hides it (the store is trusted like .git) until the rules change
    data = json.loads(store.read_text(encoding="utf-8"))
    for value in data[key].values():
        if isinstance(value, dict):
            value["e"] = []
    store.write_text(json.dumps(data), encoding="utf-8")
    assert run("check").exit_code == 0
    monkeypatch.setattr(changes, "RULES_VERSION", changes.RULES_VERSION + 1)
    assert (run("check").exit_code, run("check").stdout) == (1, first.stdout)


def test_the_history_is_read_one_pair_at_a_time(run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rectify.files import history

    for number in range(12):
        hand_commit(
            repo, "title: 理论学习不深入" if number == 0 else f"title: 第{number}稿", f"title: 第{number + 1}稿", "t"
        )
    held: list[int] = []
    read: list[str] = []
    original = history._Reader._raw

    def counting(self: history._Reader, blob: str) -> bytes:
        held.append(len(self.parsed))
        read.append(blob)
        return original(self, blob)

    monkeypatch.setattr(history._Reader, "_raw", counting)
    assert run("--no-cache", "check").exit_code == 0
    assert len(read) == len(set(read)) == 13  # each version once
    assert max(held) <= history._PARSED_KEPT


def test_a_ledger_deleted_and_not_yet_committed_is_reported(run: Run, repo: Path) -> None:
    (repo / "ledgers" / "other.yaml").write_text(MINIMAL_OTHER, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "other")
    (repo / "ledgers" / "demo.yaml").unlink()
    result = run("check")
    assert (result.exit_code, result.stdout) == (
        1,
        "".join(
            f"ledgers/demo.yaml:1:1: the change not yet committed: finding {fid} was deleted by hand; "
            "withdraw it instead (rectify withdraw keeps its id and history)\n"
            for fid in ("demo-001", "demo-002")
        ),
    )


def test_a_hand_edit_not_yet_committed_that_does_not_read_is_reported_once(run: Run, repo: Path) -> None:
    """A clerk's typo in the working file is one mistake: `check` reports it at its place,
    not again as "the change not yet committed could not be read" (the trial counted 2)."""
    ledger = repo / "ledgers" / "demo.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("deadline: 2021-10-31", "deadline: 2021-02-30", 1),
                      encoding="utf-8")  # fmt: skip
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["ledgers/demo.yaml:14:15: demo-001.deadline: '2021-02-30' is not a real date"]
    assert result.stderr == "1 problem in ledgers\n"
