"""Remembered answers (rectify/files/answers.py): ``rectify status`` run again with nothing
changed prints what it printed, without loading the CLI; any change to what it read, to
the command line, the environment, the terminal, rectify's code or the day means a fresh
run; a corrupt or foreign answer file is ignored; a command that failed or said anything
besides its output keeps nothing.

The runs go through the console script's own entry (rectify.entry.main) in-process, with
git's racy window made empty (a file is trusted by its identity at once), so no test waits.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from rectify import entry
from rectify.files import answers

STATUS_TOTAL = "296/315 94.0%"
"""The shipped ledgers' rate on 2021-12-31 (tests/test_shipped.py has its source)."""


@pytest.fixture
def here(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped ledgers, found by RECTIFY_LEDGERS, answers trusted by identity at once."""
    monkeypatch.setattr(answers, "RACY_NS", 0)
    return shipped


def _main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``rectify ARGS`` as the console script does; (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["rectify", *args])
    code = 0
    try:
        entry.main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        answers.drop()
    out = capsys.readouterr()
    return code, out.out, out.err


def _served(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run ``rectify ARGS`` and require that it is answered without the CLI."""
    import rectify.cli

    def refuse(**_: Any) -> None:
        raise AssertionError("the command ran; it should have been answered")

    with monkeypatch.context() as patch:
        patch.setattr(rectify.cli, "main", refuse)
        code, out, err = _main(monkeypatch, capsys, *args)
    assert (code, err) == (0, "")
    return out


def _answer_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "user-cache" / "rectify" / "answers").glob("*.answer"))


def test_status_run_again_unchanged_is_answered_with_the_same_text(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, first, err = _main(monkeypatch, capsys, "status")
    assert (code, err) == (0, "")
    assert first.splitlines()[-1].startswith("Total") and first.splitlines()[-1].rstrip().endswith(STATUS_TOTAL)
    assert len(_answer_files(tmp_path)) == 1
    assert answers.lookup(["status"]) == first
    assert _served(monkeypatch, capsys, "status") == first
    assert answers.lookup(["status", "--unit", "jinhua"]) is None  # another command line: not answered
    code, unit, _ = _main(monkeypatch, capsys, "status", "--unit", "jinhua")
    assert code == 0 and unit.startswith("金华市人民检察院 (as of 2021-12-31)")
    assert _served(monkeypatch, capsys, "status", "--unit", "jinhua") == unit
    assert len(_answer_files(tmp_path)) == 2


def test_the_answer_file_is_the_users_alone(here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _main(monkeypatch, capsys, "status")
    [kept] = _answer_files(tmp_path)
    if os.name == "posix":
        assert kept.stat().st_mode & 0o777 == 0o600
        assert kept.parent.stat().st_mode & 0o777 == 0o700


def _edit_keeping_size_and_mtime(path: Path) -> None:
    """Change one character of ``path`` for another of the same size, putting its mtime back."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "status: closed" in text
    path.write_text(text.replace("status: closed", "status: closeD", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


@pytest.mark.parametrize(
    "change",
    [
        "ledger edited, same size, mtime put back",
        "ledger added",
        "ledger removed",
        "rectify.yaml added above the ledgers",
        "rectify.yaml edited",
        "a nearer ledgers/ folder",
        "language changed",
        "terminal width changed",
        "a new day",
        "rectify's code changed",
    ],
)
def test_any_change_to_what_it_depends_on_means_a_fresh_run(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    (tmp_path / "rectify.yaml").write_text("lang: en\n", encoding="utf-8")
    _main(monkeypatch, capsys, "status")
    assert answers.lookup(["status"]) is not None
    jinhua = here / "jinhua.yaml"
    if change == "ledger edited, same size, mtime put back":
        _edit_keeping_size_and_mtime(jinhua)
    elif change == "ledger added":
        (here / "zz.yaml").write_text("", encoding="utf-8")
    elif change == "ledger removed":
        shutil.move(jinhua, tmp_path / "jinhua.yaml")
    elif change == "rectify.yaml added above the ledgers":
        (tmp_path / "rectify.yaml").unlink()
        _main(monkeypatch, capsys, "status")
        assert answers.lookup(["status"]) is not None
        (tmp_path / "rectify.yaml").write_text("lang: zh\n", encoding="utf-8")
    elif change == "rectify.yaml edited":
        (tmp_path / "rectify.yaml").write_text("lang: zh\n", encoding="utf-8")
    elif change == "a nearer ledgers/ folder":
        monkeypatch.delenv("RECTIFY_LEDGERS")
        inner = tmp_path / "office"
        inner.mkdir()
        monkeypatch.chdir(inner)
        _main(monkeypatch, capsys, "status")
        assert answers.lookup(["status"]) is not None
        (inner / "ledgers").mkdir()
    elif change == "language changed":
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    elif change == "terminal width changed":
        monkeypatch.setenv("COLUMNS", "80")
    elif change == "a new day":
        monkeypatch.delenv("RECTIFY_TODAY")
        _main(monkeypatch, capsys, "status")
        assert answers.lookup(["status"]) is not None
        now = answers.time.time_ns()
        monkeypatch.setattr(answers.time, "time_ns", lambda: now + 86_400 * 10**9)
    elif change == "rectify's code changed":
        stamp = answers.code_stamp()
        monkeypatch.setattr(answers, "code_stamp", lambda: (stamp[0], stamp[1] + 1, stamp[2]))
    assert answers.lookup(["status"]) is None


def test_after_a_change_the_fresh_run_shows_it_and_is_kept_again(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, before, _ = _main(monkeypatch, capsys, "status", "--unit", "jinhua")
    jinhua = here / "jinhua.yaml"
    text = jinhua.read_text(encoding="utf-8")
    jinhua.write_text(text.replace("name: 金华市人民检察院", "name: 金华市检察院", 1), encoding="utf-8")
    code, after, err = _main(monkeypatch, capsys, "status", "--unit", "jinhua")
    assert (code, err) == (0, "") and after.startswith("金华市检察院 (as of") and before.startswith("金华市人民检察院")
    assert _served(monkeypatch, capsys, "status", "--unit", "jinhua") == after


def test_a_file_changed_within_the_racy_window_is_trusted_only_by_its_digest(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(answers, "RACY_NS", 10**18)  # every file is "just changed"
    _, out, _ = _main(monkeypatch, capsys, "status")
    assert answers.lookup(["status"]) == out  # each ledger "just changed": trusted by the digest of the bytes used
    (here.parent / "rectify.yaml").write_text("lang: en\n", encoding="utf-8")
    _, out, _ = _main(monkeypatch, capsys, "status")
    assert answers.lookup(["status"]) is None  # the settings just changed and have no digest: nothing kept
    key = answers._key(["status"])
    inputs = [(str(here / "jinhua.yaml"), answers.identity((here / "jinhua.yaml").stat()), "0" * 64)]
    answers._state.update(key=key, inputs={i[0]: i for i in inputs})
    answers.keep("text\n", 0, 2**63 - 1)
    assert answers.lookup(["status"]) is None  # same identity, other bytes than those used
    import hashlib

    digest = hashlib.sha256((here / "jinhua.yaml").read_bytes()).hexdigest()
    answers._state.update(key=key, inputs={inputs[0][0]: (*inputs[0][:2], digest)})
    answers.keep("text\n", 0, 2**63 - 1)
    assert answers.lookup(["status"]) == "text\n"


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_no_cache_neither_keeps_nor_uses_answers(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    args = ("--no-cache", "status") if how == "flag" else ("status",)
    if how == "environment":
        monkeypatch.setenv("RECTIFY_CACHE", "off")
    code, out, _ = _main(monkeypatch, capsys, *args)
    assert code == 0 and STATUS_TOTAL in out
    assert _answer_files(tmp_path) == []
    monkeypatch.delenv("RECTIFY_CACHE", raising=False)
    _main(monkeypatch, capsys, "status")
    if how == "environment":
        monkeypatch.setenv("RECTIFY_CACHE", "off")
        assert answers.lookup(["status"]) is None


def test_a_failed_command_or_a_note_keeps_nothing(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "broken.yaml").write_text("unit: [\n", encoding="utf-8")
    code, _, err = _main(monkeypatch, capsys, "status")
    assert code == 1 and "broken.yaml:" in err
    assert _answer_files(tmp_path) == []
    (here / "broken.yaml").unlink()
    code, _, err = _main(monkeypatch, capsys, "status", "--by", "nonsense")
    assert code != 0 and _answer_files(tmp_path) == []
    code, _, _ = _main(monkeypatch, capsys, "status", "--help")
    assert code == 0 and _answer_files(tmp_path) == []


def test_commands_that_change_ledgers_are_never_answered(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = _main(monkeypatch, capsys, "list", "--status", "in_progress")
    assert code == 0 and _answer_files(tmp_path) == []
    code, _, _ = _main(monkeypatch, capsys, "add", "--unit", "jinhua", "--aspect", "status", "--title", "status",
                       "--owner", "王某", "--deadline", "2022-03-31")  # fmt: skip
    assert code == 0 and _answer_files(tmp_path) == []


@pytest.mark.parametrize("spoil", ["truncated", "a byte flipped", "not marshal", "empty"])
def test_a_spoilt_answer_is_ignored_and_written_anew(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spoil: str
) -> None:
    _, first, _ = _main(monkeypatch, capsys, "status")
    [kept] = _answer_files(tmp_path)
    data = kept.read_bytes()
    spoilt = {
        "truncated": data[: len(data) // 2],
        "a byte flipped": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
        "not marshal": answers.MAGIC + b"\0\0\0\0" + b"x" * 40,
        "empty": b"",
    }[spoil]
    kept.write_bytes(spoilt)
    assert answers.lookup(["status"]) is None
    code, again, _ = _main(monkeypatch, capsys, "status")
    assert (code, again) == (0, first)
    assert answers.lookup(["status"]) == first


@pytest.mark.skipif(os.name != "posix", reason="owners and modes are POSIX")
def test_an_answer_others_may_write_is_not_used(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _main(monkeypatch, capsys, "status")
    [kept] = _answer_files(tmp_path)
    kept.chmod(0o666)
    assert answers.lookup(["status"]) is None
    kept.chmod(0o600)
    kept.parent.chmod(0o777)
    assert answers.lookup(["status"]) is None


def test_only_so_many_answers_are_kept(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(answers, "KEEP", 3)
    for precision in range(5):
        _main(monkeypatch, capsys, "status", "--precision", str(precision))
    assert len(_answer_files(tmp_path)) == 3
    assert answers.lookup(["status", "--precision", "4"]) is not None


def test_the_answer_goes_through_the_pager_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from rectify.present import console

    shown: list[str] = []
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(console, "page", shown.append)
    entry.replay("一行\n" * 3)
    assert shown == ["一行\n" * 3]


def test_the_user_cache_folder_follows_the_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\王某\AppData\Local")
    assert answers.home() == os.path.join(r"C:\Users\王某\AppData\Local", "rectify", "answers")
    monkeypatch.delenv("LOCALAPPDATA")
    assert answers.home() is None
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert answers.home() == str(tmp_path / ".cache" / "rectify" / "answers")


# ---------------------------------------------------------------- found by a hostile review


def test_a_working_folder_that_is_gone_does_not_break_status(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``cd`` into a folder another shell then removes: the command runs as with answers off
    (RECTIFY_LEDGERS names the ledgers absolutely) instead of a traceback from the key."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    code, out, err = _main(monkeypatch, capsys, "status")
    assert code == 0 and STATUS_TOTAL in out, err


def test_figures_made_for_yesterday_are_not_kept_for_today(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A status started a moment before midnight (in the ledgers' time zone) computes
    yesterday's figures (overdue counts, the "as of" date); it ends after midnight, and the
    window of the answer it keeps must not be today's, or today's status replays
    yesterday's figures all day."""
    import time
    import types
    from datetime import timedelta

    from rectify.files import clock

    monkeypatch.delenv("RECTIFY_TODAY")
    real = clock.today
    start, _ = clock.today_lasts()
    midnight = {"passed": False}

    def before_midnight(time_zone: str = clock.DEFAULT_TIME_ZONE) -> Any:
        midnight["passed"] = True  # the run has read its day, yesterday's; midnight passes now
        return real(time_zone) - timedelta(days=1)

    def now_ns() -> int:
        return time.time_ns() if midnight["passed"] else start - 100_000_000

    with monkeypatch.context() as patch:
        patch.setattr(clock, "today", before_midnight)
        patch.setattr(answers, "time", types.SimpleNamespace(time_ns=now_ns))
        code, late, _ = _main(monkeypatch, capsys, "status", "--unit", "jinhua")
    assert code == 0 and f"(as of {real() - timedelta(days=1)})" in late.splitlines()[0]
    assert answers.lookup(["status", "--unit", "jinhua"]) is None


def test_committing_rectify_yaml_in_the_past_is_seen(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``chain_since`` the chain is in force from the day rectify.yaml was last
    committed (else last saved): a commit changes that day without touching any file the
    answer notes (rectify.yaml, the ledgers, the presence of .git), and steps taken since
    then now break the chain. A fresh run fails with the problems; the answer must not be
    replayed. (The ledger cache, rectify/files/cache.py, keeps the same stale problems.)"""
    import subprocess

    people = {"GIT_AUTHOR_NAME": "王某", "GIT_AUTHOR_EMAIL": "w@example.org",
              "GIT_COMMITTER_NAME": "王某", "GIT_COMMITTER_EMAIL": "w@example.org"}  # fmt: skip

    def git(*args: str, **extra: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, env={**os.environ, **people, **extra}, check=True,
                       capture_output=True)  # fmt: skip

    git("init", "-q")
    git("add", "ledgers")
    git("commit", "-qm", "ledgers")
    settings = tmp_path / "rectify.yaml"
    settings.write_text("chain: [单位主要负责人, 巡察办]\n", encoding="utf-8")
    saved = 1_641_000_000  # 2022-01-01 09:20 in Shanghai: no step of the shipped ledgers is held to the chain
    os.utime(settings, (saved, saved))
    code, first, err = _main(monkeypatch, capsys, "status")
    assert (code, err) == (0, "") and STATUS_TOTAL in first
    assert answers.lookup(["status"]) is None  # the chain's day hangs on git's history: nothing kept
    git("add", "rectify.yaml")
    git("commit", "-qm", "chain", GIT_COMMITTER_DATE="2021-01-01T12:00:00+08:00")
    code, _, err = _main(monkeypatch, capsys, "--no-cache", "status")
    assert code == 1 and "approval chain has 2 levels" in err  # what a fresh run says now
    assert answers.lookup(["status"]) is None
    code, _, err = _main(monkeypatch, capsys, "status")  # through the ledger cache: the same, not its old problems
    assert code == 1 and "approval chain has 2 levels" in err
    settings.write_text("chain: [单位主要负责人, 巡察办]\nchain_since: 2022-01-01\n", encoding="utf-8")
    code, kept, _ = _main(monkeypatch, capsys, "status")  # a day written down: answers again
    assert code == 0 and answers.lookup(["status"]) == kept


def test_status_with_its_output_closed_twice_ends_quietly(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rectify status >&-`` (Python's stdout is None): the CLI writes to nowhere and
    exits 0; run again, its answer (kept with no stdout) is replayed to nowhere too, not
    an AttributeError traceback and exit 1."""
    codes = []
    for _ in range(2):
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdout", None)
            patch.setattr(sys, "argv", ["rectify", "status"])
            try:
                entry.main()
                codes.append(0)
            except SystemExit as exc:
                codes.append(int(exc.code or 0))
            finally:
                answers.drop()
    assert codes == [0, 0]


def test_the_racy_window_runs_from_the_read_not_from_the_end_of_a_long_run(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger written a moment before it was read may be written again in the same tick
    of the file system's clock (same size, same identity, other bytes): that is why a file
    changed within RACY_NS is trusted only by its digest. The window must be measured from
    the read: a province's cold status reads its first ledger seconds before it ends, and
    measured from the end the just-written ledger is trusted by its identity alone."""
    monkeypatch.setattr(answers, "RACY_NS", 2_000_000_000)
    jinhua = here / "jinhua.yaml"  # copied a moment ago: written just before this run reads it
    answers.begin(["status"])
    key = answers._state["key"]
    answers._state["inputs"] = {str(jinhua): (str(jinhua), answers.identity(jinhua.stat()), "0" * 64)}
    later = answers.time.time_ns() + 3_000_000_000  # the run ends 3 s after it read jinhua.yaml
    with monkeypatch.context() as patch:
        patch.setattr(answers, "time", __import__("types").SimpleNamespace(time_ns=lambda: later))
        answers.keep("figures of other bytes\n", 0, 2**63 - 1)
    assert answers._key(["status"]) == key
    assert answers.lookup(["status"]) is None  # same identity, but not the bytes used: only the digest may tell


def test_a_ledger_folder_link_pointed_elsewhere_is_seen(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ledgers are reached through a link (``current -> 2021/ledgers``) and the link
    is pointed at another office's folder whose ledgers are links to the same files (a
    view of the same units) under another rectify.yaml: the files read have the same
    names and identities, but the settings in force are the other folder's. The answer
    notes the settings above the old folder only, and replays its English table."""
    if os.name != "posix":
        pytest.skip("symbolic links")
    first, second = tmp_path / "2021", tmp_path / "view"
    first.mkdir()
    shutil.move(here, first / "ledgers")
    (first / "rectify.yaml").write_text("lang: en\n", encoding="utf-8")
    (second / "ledgers").mkdir(parents=True)
    (second / "rectify.yaml").write_text("lang: zh\n", encoding="utf-8")
    for ledger in (first / "ledgers").glob("*.yaml"):
        (second / "ledgers" / ledger.name).symlink_to(ledger)
    current = tmp_path / "current"
    current.symlink_to(first / "ledgers")
    monkeypatch.setenv("RECTIFY_LEDGERS", str(current))
    code, english, _ = _main(monkeypatch, capsys, "status")
    assert code == 0 and english.splitlines()[-1].startswith("Total")
    current.unlink()
    current.symlink_to(second / "ledgers")
    code, chinese, _ = _main(monkeypatch, capsys, "--no-cache", "status")
    assert code == 0 and chinese.splitlines()[-1].startswith("合计")  # what a fresh run says now
    assert answers.lookup(["status"]) is None


def test_the_systems_display_language_is_part_of_the_answer(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no locale variable (the usual Windows desktop), the language comes from the
    operating system (GetUserDefaultUILanguage, rectify.i18n.system_lang), which is not
    in the environment: switching Windows to Chinese must not replay the English table."""
    from rectify import i18n

    for name in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")  # elsewhere the system's locale comes from those variables
    monkeypatch.setattr(i18n, "system_lang", lambda: "en")
    code, english, _ = _main(monkeypatch, capsys, "status")
    assert code == 0 and english.splitlines()[-1].startswith("Total")
    monkeypatch.setattr(i18n, "system_lang", lambda: "zh")
    code, chinese, _ = _main(monkeypatch, capsys, "--no-cache", "status")
    assert code == 0 and chinese.splitlines()[-1].startswith("合计")  # what a fresh run says now
    assert answers.lookup(["status"]) is None  # none was kept: the display language decided
    (here.parent / "rectify.yaml").write_text("lang: zh\n", encoding="utf-8")  # the office's setting decides
    code, kept, _ = _main(monkeypatch, capsys, "status")
    assert code == 0 and answers.lookup(["status"]) == kept


def test_an_answer_does_not_keep_the_environments_secrets(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The environment is part of what an answer depends on, but it holds tokens and
    passwords (a CI's, a proxy's): the answer file must keep what tells it apart (a
    digest), not the values, or every secret in the environment of a status run lands in
    plain text in the cache folder (synced, backed up, copied with the profile)."""
    monkeypatch.setenv("HTTPS_PROXY", "http://wang:s3cret-pass@proxy.example.org:8080")
    code, out, _ = _main(monkeypatch, capsys, "status")
    assert code == 0 and answers.lookup(["status"]) == out
    [kept] = _answer_files(tmp_path)
    assert b"s3cret-pass" not in kept.read_bytes()


def test_a_forced_colour_table_through_a_pipe_follows_the_terminals_width(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``FORCE_COLOR=1 rectify status --wide | less -R`` (colour kept through a pager):
    stdout is a pipe, yet rich draws the terminal's table, as wide as the terminal on
    stdin or stderr, dropping columns when it is narrow. The answer keeps the terminal
    size only when stdout is one: after the window is made narrower, the wide table of
    before is replayed."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr(os, "get_terminal_size", lambda fd=1: os.terminal_size((220, 50)))
    code, wide, _ = _main(monkeypatch, capsys, "status", "--wide")
    assert code == 0 and answers.lookup(["status", "--wide"]) == wide
    monkeypatch.setattr(os, "get_terminal_size", lambda fd=1: os.terminal_size((70, 50)))
    code, narrow, _ = _main(monkeypatch, capsys, "--no-cache", "status", "--wide")
    assert code == 0 and narrow != wide  # what a fresh run draws now
    assert answers.lookup(["status", "--wide"]) is None


def test_a_library_upgraded_means_a_fresh_run(here: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # fmt: skip
    """rich and tabulate draw the table: `pip install -U` changes the site-packages folder
    (a new *.dist-info), and the answer drawn by the old versions is not replayed."""
    site = tmp_path / "lib" / "site-packages"
    site.mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    _main(monkeypatch, capsys, "status")
    assert answers.lookup(["status"]) is not None
    (site / "rich-99.0.dist-info").mkdir()
    assert answers.lookup(["status"]) is None


@pytest.mark.skipif(os.name != "posix", reason="links need privileges on Windows")
def test_answers_are_never_written_through_a_linked_folder(
    here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    (tmp_path / "user-cache" / "rectify").mkdir(parents=True)
    (tmp_path / "user-cache" / "rectify" / "answers").symlink_to(target)
    code, _, _ = _main(monkeypatch, capsys, "status")
    assert code == 0 and list(target.iterdir()) == []
    assert answers.lookup(["status"]) is None
