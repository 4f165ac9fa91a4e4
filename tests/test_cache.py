"""The cache beside the ledgers (rectify/files/cache.py): the same answers with and without
it on every bad-input case, every change to a ledger or the settings seen, and a cache that
is corrupt, foreign, unsafe or unwritable ignored without an error."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rectify.errors import LedgerError
from rectify.files import cache
from rectify.files.cache import MAGIC, PLAIN_FOLDER, Cache, settings_key
from rectify.files.config import config_for
from rectify.files.writing import LOCK_NAME
from tests.conftest import MINIMAL, Run
from tests.test_bad_corpus import BAD, CASES, VALID

CHILD = MINIMAL.replace("unit:\n  id: demo\n  name: 示例单位\n", "unit:\n  id: child\n  name: 下级\n  parent: demo\n")
CHILD = CHILD.replace("demo-00", "child-00")


def _answers(run: Run, *args: str) -> tuple[int, str, str]:
    result = run(*args)
    return result.exit_code, result.stdout, result.stderr


def _entries(folder: Path) -> list[str]:
    place = folder / PLAIN_FOLDER
    return sorted(p.name for p in place.iterdir()) if place.exists() else []


def _no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on a ledger read that is not answered by the cache fails the test."""

    def refuse(*args: Any) -> Any:
        raise AssertionError("read without the cache")

    monkeypatch.setattr(cache, "parse_content", refuse)


@pytest.mark.parametrize("case", sorted([*CASES, *VALID]))
@pytest.mark.parametrize("command", [("check",), ("check", "--format", "json"), ("status",)])
def test_the_same_answers_with_and_without_the_cache_on_every_bad_input(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, command: tuple[str, ...]
) -> None:
    folder = tmp_path / case
    shutil.copytree(BAD / case, folder)
    plain = _answers(run, "--ledgers", case, "--no-cache", *command)
    assert not (folder / PLAIN_FOLDER).exists()  # --no-cache neither reads nor writes it
    cold = _answers(run, "--ledgers", case, *command)
    assert cold == plain
    assert _entries(folder) == sorted(f"{p.name}.{kind}" for p in folder.glob("*.yaml") for kind in ("brief", "pickle"))
    _no_parse(monkeypatch)
    warm = _answers(run, "--ledgers", case, *command)
    assert warm == plain


def test_the_same_answers_from_another_working_folder(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "work" / "bad"
    shutil.copytree(BAD / "duplicate-id-across-files", folder)
    monkeypatch.chdir(folder.parent)
    first = _answers(run, "--ledgers", "bad", "check")
    monkeypatch.chdir(folder)
    plain = _answers(run, "--ledgers", ".", "--no-cache", "check")
    _no_parse(monkeypatch)
    assert _answers(run, "--ledgers", ".", "check") == plain
    assert plain != first and "bad/demo.yaml" in first[1] and "bad/" not in plain[1]


def _read(folder: Path) -> tuple[Cache, list[str]]:
    """Read demo.yaml through a fresh Cache: the cache and the finding titles (or the problems)."""
    reader = Cache(folder)
    try:
        loaded, problems = reader.read(folder / "demo.yaml", config_for(folder))
    except LedgerError as exc:
        return reader, [str(p) for p in exc.problems]
    return reader, [f.title for f in loaded.ledger.findings] + [str(p) for p in problems]


def _same_size_edit(path: Path) -> os.stat_result:
    """Change a title keeping the file's size, and put its mtime back; return the stat before."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("理论学习不深入", "理论学习不扎实"), encoding="utf-8")
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    return before


def test_a_same_size_edit_with_its_mtime_put_back_inside_the_racy_window(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a file system whose times do not move within a tick: the edit keeps the whole identity
    real = cache.identity
    monkeypatch.setattr(cache, "identity", lambda info: (*real(info)[:3], 7, 7))
    monkeypatch.setattr(cache, "time", _Clock(8))  # read just after the file changed: racy
    first, titles = _read(demo.parent)
    assert (first.misses, titles[0]) == (1, "理论学习不深入")
    second, _ = _read(demo.parent)
    assert (second.hits, second.misses) == (1, 0)  # same bytes: trusted after hashing them
    _same_size_edit(demo)
    reader, titles = _read(demo.parent)
    assert (reader.misses, titles[0]) == (1, "理论学习不扎实")  # the identity matched, the sha256 did not


class _Clock:
    """Stands in for the time module in rectify.files.cache: ``time_ns`` gives ``now``."""

    def __init__(self, now: int) -> None:
        self.now = now

    def time_ns(self) -> int:
        return self.now


def test_a_same_size_edit_with_its_mtime_put_back_after_the_racy_window(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = demo.stat()
    # read 10 s after the file's last change: the entry is trusted by the file's identity alone
    monkeypatch.setattr(cache, "time", _Clock(max(before.st_mtime_ns, before.st_ctime_ns) + 10_000_000_000))
    _read(demo.parent)
    monkeypatch.setattr(cache, "read_bytes", _refuse)
    reader, titles = _read(demo.parent)
    assert (reader.hits, titles[0]) == (1, "理论学习不深入")  # not even the bytes were read
    monkeypatch.undo()
    monkeypatch.setattr(cache, "time", _Clock(max(before.st_mtime_ns, before.st_ctime_ns) + 10_000_000_000))
    _same_size_edit(demo)
    while demo.stat().st_ctime_ns == before.st_ctime_ns:  # a coarse clock: wait for its next tick
        os.utime(demo, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = demo.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reader, titles = _read(demo.parent)
    assert (reader.misses, titles[0]) == (1, "理论学习不扎实")


def _refuse(*args: Any) -> Any:
    raise AssertionError("the file was read")


def test_settings_and_versions_are_part_of_the_key(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _read(demo.parent)
    assert _read(demo.parent)[0].hits == 1
    (tmp_path / "rectify.yaml").write_text("chain: [单位主要负责人, 督导组]\n", encoding="utf-8")
    assert _read(demo.parent)[0].misses == 1
    assert _read(demo.parent)[0].hits == 1
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert _read(demo.parent)[0].misses == 1


def test_a_settings_edit_changes_what_check_says(run: Run, demo: Path, tmp_path: Path) -> None:
    text = demo.read_text(encoding="utf-8")
    demo.write_text(text.replace("      - date: 2021-07-28\n        action: add\n", "      - date: 2021-07-28\n"
                                 "        action: add\n      - date: 2021-08-01\n        action: submit\n"
                                 "        by: 王某\n        evidence: []\n", 1).replace(
        "    status: open\n", "    status: submitted\n", 1), encoding="utf-8")  # fmt: skip
    plain = _answers(run, "--no-cache", "check")
    assert _answers(run, "check") == plain
    (tmp_path / "rectify.yaml").write_text("chain: [单位主要负责人, 督导组]\n", encoding="utf-8")
    assert _answers(run, "check") == _answers(run, "--no-cache", "check")


def test_a_parent_ledger_removed_or_restored_is_seen(run: Run, demo: Path) -> None:
    (demo.parent / "child.yaml").write_text(CHILD, encoding="utf-8")
    assert run("check").exit_code == 0
    kept = demo.read_bytes()
    demo.unlink()
    missing = run("check")
    assert missing.exit_code == 1
    assert "unit.parent: unknown unit 'demo' (no ledger demo.yaml)" in missing.stdout
    demo.write_bytes(kept)
    assert _answers(run, "check") == (0, "", "ok: 2 ledgers, 4 findings in ledgers\n")


def test_an_event_after_today_is_judged_by_the_day_of_the_read(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.write_text(MINIMAL.replace("2021-07-28\n        action: add", "2021-09-01\n        action: add", 1), "utf-8")
    monkeypatch.setenv("RECTIFY_TODAY", "2021-08-15")
    before = _answers(run, "check")
    assert before[0] == 1 and "after today (2021-08-15)" in before[1]
    monkeypatch.setenv("RECTIFY_TODAY", "2021-12-31")
    assert _answers(run, "check")[0] == 0
    monkeypatch.setenv("RECTIFY_TODAY", "2021-08-15")
    assert _answers(run, "check") == before


def test_entry_fits_today() -> None:
    entry = cache.Entry("x", (0, 0, 0, 0, 0), 0, "", None, None, "\n", False, [], date(2021, 5, 1), date(2021, 4, 1))
    assert entry.fits(date(2021, 5, 1)) and entry.fits(date(2030, 1, 1)) and entry.fits(date(2021, 4, 1))
    assert not entry.fits(date(2021, 3, 31))


def _entry_file(folder: Path) -> Path:
    return folder / PLAIN_FOLDER / "demo.yaml.pickle"


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda data: data[:-20], id="truncated"),
        pytest.param(lambda data: data[:-5] + b"xxxxx", id="corrupt"),
        pytest.param(lambda data: b"not a cache at all", id="foreign"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: MAGIC + b"\0" * 32 + data[len(MAGIC) + 32 :], id="other-key"),
    ],
)
def test_a_spoilt_entry_is_ignored_and_written_anew(run: Run, demo: Path, spoil: Any) -> None:
    plain = _answers(run, "--no-cache", "status")
    assert _answers(run, "status") == plain
    entry = _entry_file(demo.parent)
    good = entry.read_bytes()
    entry.write_bytes(spoil(good))
    reader, titles = _read(demo.parent)
    assert reader.misses == 1 and titles[:2] == ["理论学习不深入", "制度执行不严格"]
    assert _read(demo.parent)[0].hits == 1  # written anew
    assert _answers(run, "status") == plain


def test_an_entry_that_would_run_code_is_refused(demo: Path, tmp_path: Path) -> None:
    _read(demo.parent)
    marker = tmp_path / "ran"
    body = pickle.dumps(_Evil(str(marker)))
    key = settings_key(config_for(demo.parent))
    _entry_file(demo.parent).write_bytes(MAGIC + key + zlib.crc32(body).to_bytes(4, "big") + body)
    reader, titles = _read(demo.parent)
    assert reader.misses == 1 and titles[0] == "理论学习不深入"
    assert not marker.exists()
    brief = demo.parent / PLAIN_FOLDER / "demo.yaml.brief"  # the records status reads
    brief.write_bytes(MAGIC + key + zlib.crc32(body).to_bytes(4, "big") + body)
    assert Cache(demo.parent).summary(demo, config_for(demo.parent))[0].finding_ids[0] == "demo-001"
    assert not marker.exists()


class _Evil:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (subprocess.call, (["touch", self.path],))


@pytest.mark.skipif(os.name != "posix", reason="owners and modes are POSIX")
def test_an_entry_or_folder_others_may_write_is_not_trusted(demo: Path) -> None:
    _read(demo.parent)
    entry = _entry_file(demo.parent)
    entry.chmod(0o666)
    assert _read(demo.parent)[0].misses == 1
    entry.chmod(0o600)
    assert _read(demo.parent)[0].hits == 1
    (demo.parent / PLAIN_FOLDER).chmod(0o777)
    reader, titles = _read(demo.parent)
    assert reader.misses == 1 and titles[0] == "理论学习不深入"
    assert _read(demo.parent)[0].misses == 1  # and nothing is written there either
    (demo.parent / PLAIN_FOLDER).chmod(0o700)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes in a read-only folder anyway")
def test_a_read_only_place_means_no_cache_not_an_error(run: Run, demo: Path) -> None:
    plain = _answers(run, "--no-cache", "status")
    demo.parent.chmod(0o555)
    try:
        assert _answers(run, "status") == plain
        assert _answers(run, "check")[0] == 0
        assert not (demo.parent / PLAIN_FOLDER).exists()
    finally:
        demo.parent.chmod(0o755)


def test_rectify_cache_off_bypasses_it(run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECTIFY_CACHE", "off")
    assert run("status").exit_code == 0
    assert not (demo.parent / PLAIN_FOLDER).exists()
    monkeypatch.delenv("RECTIFY_CACHE")
    assert run("status").exit_code == 0
    assert _entries(demo.parent) == ["demo.yaml.brief", "demo.yaml.pickle"]


def test_deleting_it_loses_nothing_and_a_write_reads_afresh(run: Run, demo: Path) -> None:
    assert run("status").exit_code == 0
    shutil.rmtree(demo.parent / PLAIN_FOLDER)
    assert run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01").exit_code == 0
    shown = _answers(run, "list", "--format", "csv")
    assert shown == _answers(run, "--no-cache", "list", "--format", "csv")
    assert _answers(run, "status") == _answers(run, "--no-cache", "status")


def test_in_a_git_repository_it_lives_under_dot_git(run: Run, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert run("init").exit_code == 0
    assert (tmp_path / "ledgers" / ".gitignore").read_text(encoding="utf-8").splitlines() == [
        LOCK_NAME,
        ".*.tmp",
        ".rectify-cache/",
    ]
    (tmp_path / "ledgers" / "demo.yaml").write_text(MINIMAL, encoding="utf-8")
    assert run("status").exit_code == 0
    assert not (tmp_path / "ledgers" / PLAIN_FOLDER).exists()
    found = list((tmp_path / ".git" / "rectify-cache").glob("*/demo.yaml.pickle"))
    assert len(found) == 1
    status = subprocess.run(["git", "status", "--porcelain"], cwd=tmp_path, capture_output=True, text=True)
    assert ".git" not in status.stdout and "rectify-cache" not in status.stdout


def test_a_place_where_the_cache_cannot_be_made_means_no_cache(run: Run, demo: Path) -> None:
    plain = _answers(run, "--no-cache", "status")
    (demo.parent / PLAIN_FOLDER).write_text("a file where the cache folder would be\n", encoding="utf-8")
    assert _answers(run, "status") == plain
    assert _answers(run, "check") == (0, "", "ok: 1 ledger, 2 findings in ledgers\n")
    assert (demo.parent / PLAIN_FOLDER).is_file()


def test_a_worktree_keeps_it_in_its_own_git_folder(tmp_path: Path) -> None:
    real = tmp_path / "main" / ".git" / "worktrees" / "wt"
    real.mkdir(parents=True)
    (tmp_path / "wt" / "ledgers").mkdir(parents=True)
    (tmp_path / "wt" / ".git").write_text(f"gitdir: {real}\n", encoding="utf-8")
    place = cache.cache_dir(tmp_path / "wt" / "ledgers")
    assert place.parent == real / "rectify-cache"
    assert place == cache.cache_dir(tmp_path / "wt" / "ledgers" / ".." / "ledgers")  # one folder, one place
    (tmp_path / "plain").mkdir()
    assert cache.cache_dir(tmp_path / "plain") == tmp_path / "plain" / PLAIN_FOLDER  # no .git above: beside


def test_a_command_that_writes_never_reads_through_the_cache(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("status").exit_code == 0
    monkeypatch.setattr(Cache, "read", _refuse)  # a stale entry could not reach a write
    assert run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01").exit_code == 0
    assert run("add", "-u", "demo", "-a", "政治建设方面", "-t", "新问题", "--date", "2021-09-01").exit_code == 0
    monkeypatch.undo()
    assert _answers(run, "list", "--format", "csv") == _answers(run, "--no-cache", "list", "--format", "csv")
