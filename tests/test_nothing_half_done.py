"""Nothing half-done (issue "Hardening, second round", items 8-10): a ledger too large to
read back is never written, a command killed between its write and its commit is finished
by the next one, and an editor saving during a write is not overwritten."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rectify.files import writing
from tests.conftest import MINIMAL, Run
from tests.test_git import _subjects, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

KILLED_BEFORE_COMMIT = r"""
import os, signal, sys
from rectify.files import gitops

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

gitops.commit = die  # the ledger is written, then the process dies before `git commit`
from rectify.cli import main
sys.argv = ["rectify", *sys.argv[1:]]
main()
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo: Path) -> Path:
    """tmp_path as a git repository holding ledgers/demo.yaml, committed."""
    for key, value in {
        "GIT_AUTHOR_NAME": "王某", "GIT_AUTHOR_EMAIL": "wang@example.org", "GIT_COMMITTER_NAME": "王某",
        "GIT_COMMITTER_EMAIL": "wang@example.org", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path / "home"),
    }.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    return tmp_path


def test_a_step_killed_before_its_commit_is_committed_by_the_next_command(run: Run, repo: Path) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_COMMIT, "start", "demo-001", "--by", "王某", "--date", "2021-08-02",
         "--commit"],
        cwd=repo, env=os.environ, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert git(repo, "status", "--porcelain").splitlines() == [" M ledgers/demo.yaml"]
    assert (repo / ".git" / "rectify-pending-commit.json").exists()
    result = run("progress", "demo-001", "--by", "王某", "--note", "推进", "--date", "2021-08-03", "--commit")
    assert result.exit_code == 0, result.output
    assert (
        "rectify: finished the commit of a command that stopped after writing ledgers/demo.yaml: start demo-001: 王某"
        in result.stderr
    )
    assert _subjects(repo) == ["progress demo-001: 王某", "start demo-001: 王某", "start"]
    assert git(repo, "status", "--porcelain") == ""
    assert not (repo / ".git" / "rectify-pending-commit.json").exists()


def test_a_step_killed_before_its_write_leaves_nothing_to_commit(run: Run, repo: Path, demo: Path) -> None:
    record = repo / ".git" / "rectify-pending-commit.json"
    record.write_text(
        json.dumps({"paths": [str(demo.resolve())], "message": "start demo-001", "sha256": "0" * 64}),
        encoding="utf-8",
    )
    result = run("start", "demo-001", "--date", "2021-08-02", "--commit")
    assert result.exit_code == 0, result.output
    assert "stopped before writing ledgers/demo.yaml; nothing of it was kept" in result.stderr
    assert _subjects(repo) == ["start demo-001", "start"] and not record.exists()


def test_a_ledger_too_large_to_read_is_never_written(run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rectify.files import edit

    monkeypatch.setattr(edit, "MAX_LEDGER_BYTES", len(MINIMAL.encode()) + 50)
    before = demo.read_bytes()
    result = run("add", "-u", "demo", "-a", "方面", "-t", "一个很长的问题" * 20)
    assert result.exit_code == 1
    assert "over the" in result.stderr and "nothing was written" in result.stderr
    assert demo.read_bytes() == before


def test_an_editor_saving_while_the_temporary_file_is_written_is_not_overwritten(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race window of the write, made to happen every time: the editor saves right
    after the first comparison, while rectify writes its temporary file."""
    real_fsync = os.fsync
    saved = MINIMAL.replace("理论学习不深入", "理论学习不深入（编辑器保存）").encode("utf-8")

    class Os:
        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

        def fsync(self, fd: int) -> None:
            if demo.read_bytes() != saved:
                demo.write_bytes(saved)  # the editor saves now
            real_fsync(fd)

    monkeypatch.setattr(writing, "os", Os())
    result = run("start", "demo-001", "--by", "王某", "--date", "2021-08-02")
    assert result.exit_code == 1
    assert "changed on disk while this command was writing; nothing was written" in result.stderr
    assert demo.read_bytes() == saved
    assert [p.name for p in demo.parent.iterdir() if p.name.endswith(".tmp")] == []
