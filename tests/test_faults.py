"""Faults never lose or corrupt a ledger: a command killed mid-write, a write that fails
(read-only file or folder, disk full), many writers at once, and a file changed behind
rectify's back each leave every ledger whole, either as it was or as intended."""

from __future__ import annotations

import errno
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rectify.files import edit, ledgerfile, paths
from rectify.files import writing as store
from rectify.files.cache import PLAIN_FOLDER
from tests.conftest import MINIMAL, Run

TODAY = "2021-12-31"
ADD = ("add", "-u", "demo", "-a", "政治建设方面", "-t", "新问题", "--date", "2021-08-01")
CLOSE = ("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01")
COMMANDS = [pytest.param(ADD, id="add"), pytest.param(CLOSE, id="close")]
TEMP = re.compile(r"^\.demo\.yaml\..+\.tmp$")
"""The name of rectify's temporary file for demo.yaml (hidden, so never read as a ledger)."""


def _others(folder: Path, keep: tuple[str, ...] = ("demo.yaml",)) -> list[str]:
    """Files of ``folder`` besides the ledgers in ``keep``, the lock and the read cache:
    temporary files left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name not in {*keep, store.LOCK_NAME, PLAIN_FOLDER})


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "RECTIFY_LEDGERS": str(folder), "RECTIFY_TODAY": TODAY}


# ---------------------------------------------------------------- killed with SIGKILL


def _big_ledger(count: int) -> str:
    """MINIMAL with ``count`` more findings, so a command spends real time reading and writing."""
    items = "".join(
        f"  - id: demo-{n:03d}\n"
        "    aspect: 落实全面从严治党战略部署方面\n"
        f"    title: 第{n}个问题\n"
        "    detail: |\n"
        "      问题描述第一行。\n"
        "      第二行：存在薄弱环节。\n"
        "    measures:\n"
        "      - 制定整改方案\n"
        "    owner: 王某\n"
        "    deadline: 2021-11-30\n"
        "    status: open\n"
        "    history:\n"
        "      - date: 2021-07-28\n"
        "        action: add\n"
        for n in range(3, count + 3)
    )
    return MINIMAL + items


@pytest.mark.slow
def test_a_command_killed_at_any_moment_leaves_the_old_or_the_new_ledger(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    """30 rounds: run add or close as a process, SIGKILL it at a moment the process itself
    shows (see :func:`_kill_at_a_moment`), then the ledger is byte for byte the old one or
    the one the command writes when left alone."""
    ledger = folder / "demo.yaml"
    ledger.write_text(_big_ledger(120), encoding="utf-8")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    rng = random.Random(20211231)
    outcomes: Counter[str] = Counter()
    killed = 0
    for number in range(30):
        old = ledger.read_bytes()
        still_open = [f.id for f in ledgerfile.parse_ledger(old, ledger).ledger.findings if f.status.value != "closed"]
        if still_open and rng.random() < 0.5:
            args: tuple[str, ...] = ("close", rng.choice(still_open), "--by", "甲", "--approver", "乙")
            args += ("--date", "2021-09-01")
        else:
            args = ("add", "-u", "demo", "-a", "方面", "-t", f"第{number}轮", "--date", "2021-08-01")
        # what the command writes when nobody kills it
        (scratch / "demo.yaml").write_bytes(old)
        reference = run("--ledgers", str(scratch), *args)
        assert reference.exit_code == 0, reference.output
        new = (scratch / "demo.yaml").read_bytes()
        assert new != old

        process = subprocess.Popen(
            [sys.executable, "-m", "rectify", *args],
            cwd=tmp_path,
            env=_env(folder),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _kill_at_a_moment(process, folder, rng, number)
        _, err = process.communicate(timeout=60)
        if process.returncode == -signal.SIGKILL:
            killed += 1
        else:
            assert process.returncode == 0, err.decode("utf-8", "replace")

        after = ledger.read_bytes()
        assert after in (old, new), f"round {number}: the ledger is neither the old nor the new version"
        outcomes["new" if after == new else "old"] += 1
        if process.returncode == 0:
            assert after == new
        # a temporary file a kill left behind is hidden: never read as a ledger, never reported
        assert all(TEMP.match(name) for name in _others(folder)), _others(folder)
        assert paths.ledger_paths(folder) == [ledger]
        assert paths.stray_files(folder) == []
        # without the read cache: its fresh entries would be flushed by the next command's
        # fsync (ext4 commits all dirty data with it), moving the moments this test aims at
        checked = run("--no-cache", "check")
        assert checked.exit_code == 0, checked.output

    assert killed > 0 and outcomes["old"] > 0 and outcomes["new"] > 0, (killed, outcomes)
    # the lock of a killed process is not left held: the next command goes through at once
    started = time.monotonic()
    assert run(*ADD).exit_code == 0
    assert time.monotonic() - started < 10


def _kill_at_a_moment(process: subprocess.Popen[bytes], folder: Path, rng: random.Random, number: int) -> None:
    """SIGKILL ``process`` at a moment found from the process itself, never from a fixed
    sleep, by round: holding the write lock, before writing (round 0, 3, ...); once its
    temporary file appears, while writing or just before the rename, 0-3 ms later (1, 4,
    ...); once the ledger has been replaced, before the folder's fsync or the exit (2, 5,
    ...). A process that finishes first is left be."""
    lock = store.lock_path(folder)
    ledger = folder / "demo.yaml"
    before = ledger.stat().st_ino, ledger.stat().st_mtime_ns
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        moment = number % 3
        if moment == 0 and _locked(lock):
            break
        if moment == 1 and any(TEMP.match(p.name) for p in folder.iterdir()):
            time.sleep(rng.uniform(0, 0.003))
            break
        if moment == 2:
            now = ledger.stat()
            if (now.st_ino, now.st_mtime_ns) != before:
                break
        time.sleep(0.0002)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)


def _locked(lock: Path) -> bool:
    """True when another process holds the ledgers' lock file (fcntl, as filelock takes it)."""
    import fcntl

    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


KILLED_AT = r"""
import os, signal, sys
from rectify.files import writing as store

point, args = sys.argv[1], sys.argv[2:]
calls = []

def die(*_):
    os.kill(os.getpid(), signal.SIGKILL)

class HalfWritten:
    def __init__(self, handle):
        self.handle = handle
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.handle.close()
    def write(self, data):
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        die()

class Os:
    def __getattr__(self, name):
        return getattr(os, name)
    def fdopen(self, fd, *a, **k):
        handle = os.fdopen(fd, *a, **k)
        return HalfWritten(handle) if point == "mid-write" else handle
    def fsync(self, fd):
        calls.append(fd)
        if (point, len(calls)) in (("before-fsync", 1), ("after-rename", 2)):
            die()
        os.fsync(fd)
    def replace(self, *a):
        if point == "before-rename":
            die()
        os.replace(*a)

store.os = Os()
from rectify.cli import main
sys.argv = ["rectify", *args]
main()
"""
"""Runs rectify and kills it with SIGKILL at one point of its write (the first fsync is the
temporary file's, the second the folder's, after the rename)."""


@pytest.mark.parametrize(
    ("point", "lands"),
    [("mid-write", False), ("before-fsync", False), ("before-rename", False), ("after-rename", True)],
)
@pytest.mark.parametrize("args", COMMANDS)
def test_a_command_killed_at_each_point_of_its_write(
    run: Run, demo: Path, tmp_path: Path, point: str, lands: bool, args: tuple[str, ...]
) -> None:
    """The same as above, at the moments a random kill rarely hits."""
    old = demo.read_bytes()
    process = subprocess.run(
        [sys.executable, "-c", KILLED_AT, point, *args], cwd=tmp_path, env=_env(demo.parent), timeout=60
    )
    assert process.returncode == -signal.SIGKILL
    after = demo.read_bytes()
    if lands:
        assert after != old and _others(demo.parent) == []
    else:
        assert after == old
        # the temporary file stays behind (nothing can remove it after a SIGKILL); it is
        # hidden, so no command reads it as a ledger and check does not report it
        assert [TEMP.match(name) is not None for name in _others(demo.parent)] == [True]
    assert paths.ledger_paths(demo.parent) == [demo]
    assert run("check").exit_code == 0
    assert run(*ADD).exit_code == 0  # the lock was not left held
    assert run("check").exit_code == 0


@pytest.mark.parametrize("args", COMMANDS)
def test_a_ledger_that_is_a_symbolic_link_stays_one(
    run: Run, folder: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """ledgers/demo.yaml -> ../shared/demo.yaml: a write goes through the link, or is refused."""
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "demo.yaml"
    target.write_text(MINIMAL, encoding="utf-8")
    link = folder / "demo.yaml"
    link.symlink_to(os.path.join("..", "shared", "demo.yaml"))
    result = run(*args)
    assert link.is_symlink(), "the link was replaced by a plain file"
    if result.exit_code == 0:
        assert target.read_text(encoding="utf-8") != MINIMAL  # the write went to the ledger linked to
    else:
        assert result.stderr.startswith("rectify: error: ledgers/demo.yaml ")
        assert target.read_text(encoding="utf-8") == MINIMAL


# ---------------------------------------------------------------- a write that fails


@pytest.mark.parametrize("args", COMMANDS)
def test_a_read_only_ledger_file_is_refused(run: Run, demo: Path, args: tuple[str, ...]) -> None:
    """chmod 0o444: the tests run as root, who may write anyway, so this is rectify's own refusal."""
    before = demo.read_bytes()
    demo.chmod(0o444)
    try:
        result = run(*args)
    finally:
        demo.chmod(0o644)
    assert result.exit_code == 1
    assert result.stderr == (
        "rectify: error: ledgers/demo.yaml is read-only; make it writable (chmod u+w) to change it\n"
    )
    assert demo.read_bytes() == before
    assert _others(demo.parent) == []


@pytest.mark.parametrize("args", COMMANDS)
def test_a_write_keeps_the_ledgers_permissions(run: Run, demo: Path, args: tuple[str, ...]) -> None:
    """The temporary file renamed over the ledger takes its mode (mkstemp makes it 0o600)."""
    demo.chmod(0o664)  # a ledger the office group shares
    assert run(*args).exit_code == 0
    assert demo.stat().st_mode & 0o7777 == 0o664


def _read_only_mount(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in a mount namespace where ``folder`` is bind-mounted read-only."""
    script = 'set -e; mount --bind "$1" "$1"; mount -o remount,bind,ro "$1"; shift; exec "$@"'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(folder), *command],
        cwd=folder.parent,
        env=_env(folder),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("args", COMMANDS)
def test_a_read_only_folder_is_refused(demo: Path, args: tuple[str, ...]) -> None:
    """A real read-only file system (a read-only bind mount): the lock cannot be made."""
    folder = demo.parent
    try:
        probe = _read_only_mount(folder, "true")
    except FileNotFoundError:
        pytest.skip("needs unshare(1)")
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only bind mount here: {probe.stderr.strip()}")
    before = demo.read_bytes()
    result = _read_only_mount(folder, sys.executable, "-m", "rectify", *args)
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "rectify: error: cannot lock ledgers for writing: the disk is read-only; nothing was written\n"
    )
    assert result.stdout == ""
    assert demo.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["demo.yaml"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes in a read-only folder anyway")
@pytest.mark.parametrize("args", COMMANDS)
def test_a_folder_without_write_permission_is_refused(run: Run, demo: Path, args: tuple[str, ...]) -> None:
    before = demo.read_bytes()
    demo.parent.chmod(0o555)
    try:
        result = run(*args)
    finally:
        demo.parent.chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr == (
        "rectify: error: cannot lock ledgers for writing: permission denied, or the file is open in another program; nothing was written\n"
    )
    assert demo.read_bytes() == before
    assert _others(demo.parent) == []


class _Proxy:
    """Stands for a module inside rectify.store with some functions replaced, so a fault
    hits rectify's write and nothing else in the process."""

    def __init__(self, module: Any, **replaced: Any) -> None:
        self._module = module
        self.__dict__.update(replaced)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def _fails(code: int) -> OSError:
    return OSError(code, os.strerror(code))


@pytest.mark.parametrize("args", COMMANDS)
def test_a_lock_that_cannot_be_made_is_a_clear_error(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """The read-only folder as a non-root user meets it (simulated: root may always create the lock)."""

    class Refused:
        def __init__(self, path: str, timeout: float) -> None:
            self.path = path

        def acquire(self) -> None:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), self.path)

        def release(self) -> None:  # pragma: no cover - never acquired
            raise AssertionError("released a lock never held")

    monkeypatch.setattr(store, "FileLock", Refused)
    before = demo.read_bytes()
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == "rectify: error: cannot lock ledgers for writing: permission denied, or the file is open in another program; nothing was written\n"
    assert demo.read_bytes() == before
    assert _others(demo.parent) == []


class _FullDisk:
    """A file whose write stores half the data, then fails as a full disk does."""

    def __init__(self, handle: Any, seen: list[list[str]]) -> None:
        self._handle = handle
        self._seen = seen

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        self._seen.append(_others(Path.cwd() / "ledgers"))  # the half-written temporary file is there now
        raise _fails(errno.ENOSPC)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _fault(kind: str, seen: list[list[str]]) -> tuple[str, Any]:
    """Return the module of rectify.store to replace and its stand-in failing as ``kind``."""

    def fail(code: int) -> Any:
        def failing(*args: Any, **kwargs: Any) -> Any:
            seen.append(_others(Path.cwd() / "ledgers"))
            raise _fails(code)

        return failing

    if kind == "fsync-disk-full":
        return "os", _Proxy(os, fsync=fail(errno.ENOSPC))
    if kind == "write-disk-full":
        return "os", _Proxy(os, fdopen=lambda fd, *a, **k: _FullDisk(os.fdopen(fd, *a, **k), seen))
    if kind == "rename-io-error":
        return "os", _Proxy(os, replace=fail(errno.EIO))
    if kind == "temp-file-refused":  # the lock file exists but the folder is not writable (non-root)
        return "tempfile", _Proxy(store.tempfile, mkstemp=fail(errno.EACCES))
    raise AssertionError(kind)


REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EACCES: "permission denied, or the file is open in another program",
    errno.EIO: os.strerror(errno.EIO),  # a rare one: the system's own words
}
"""The reason a user reads for each fault (rectify.i18n.os_reason)."""

FAULTS = {
    "fsync-disk-full": errno.ENOSPC,
    "write-disk-full": errno.ENOSPC,
    "rename-io-error": errno.EIO,
    "temp-file-refused": errno.EACCES,
}


@pytest.mark.parametrize("kind", sorted(FAULTS))
@pytest.mark.parametrize("args", COMMANDS)
def test_a_failed_write_leaves_the_old_ledger_and_no_temporary_file(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch, kind: str, args: tuple[str, ...]
) -> None:
    before = demo.read_bytes()
    seen: list[list[str]] = []
    name, stand_in = _fault(kind, seen)
    with monkeypatch.context() as patch:
        patch.setattr(store, name, stand_in)
        result = run(*args)
    assert seen, "the fault was never hit"
    if kind != "temp-file-refused":
        assert any(TEMP.match(name) for name in seen[0]), seen  # the temporary file existed when it failed
    assert result.exit_code == 1
    assert result.stderr == (
        f"rectify: error: ledgers/demo.yaml: could not write ({REASONS[FAULTS[kind]]}); the ledger is unchanged\n"
    )
    assert result.stdout == ""
    assert demo.read_bytes() == before
    assert _others(demo.parent) == []
    assert run("check").exit_code == 0
    assert run(*args).exit_code == 0  # the same command goes through once the fault is gone


def test_a_disk_full_while_starting_a_ledger_leaves_no_file(
    run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    name, stand_in = _fault("fsync-disk-full", seen)
    monkeypatch.setattr(store, name, stand_in)
    result = run("unit", "add", "solo", "--name", "单位")
    assert result.exit_code == 1
    assert result.stderr == (
        "rectify: error: ledgers/solo.yaml: could not write (the disk is full); the ledger is unchanged\n"
    )
    assert seen and _others(folder, keep=()) == []


# ---------------------------------------------------------------- many writers at once

WORKER = r"""
import json, random, sys
from typer.testing import CliRunner
from rectify.cli import app

name, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
runner = CliRunner()
done = []

def cli(*args):
    result = runner.invoke(app, list(args))
    if result.exit_code != 0:
        sys.exit(f"{name}: {args}: exit {result.exit_code}: {result.output} {result.exception!r}")
    return result.stdout

pending = {}  # finding id -> the steps still to do
adds = 0
while adds < 14 or any(pending.values()):
    ready = [i for i, steps in pending.items() if steps]
    if adds < 14 and (not ready or rng.random() < 0.3):
        out = cli("add", "-u", "demo", "-a", "并发", "-t", f"{name}-{adds}", "--owner", f"{name}责任人",
                  "--date", "2021-08-01")
        finding = out.strip()
        pending[finding] = ["start", "progress", "close"] if adds < 12 else []
        adds += 1
        done.append(["add", finding, None])
        continue
    finding = rng.choice(ready)
    step = pending[finding].pop(0)
    if step == "start":
        cli("start", finding, "--by", f"{name}责任人", "--date", "2021-08-02")
        done.append(["start", finding, f"{name}责任人"])
    elif step == "progress":
        cli("progress", finding, "--by", f"{name}责任人", "--note", f"{name} 已完成一半", "--date", "2021-08-03")
        done.append(["progress", finding, f"{name}责任人"])
    else:
        cli("close", finding, "--by", f"{name}销号人", "--approver", f"{name}审签人", "--date", "2021-08-04")
        done.append(["close", finding, f"{name}销号人"])
print(json.dumps(done))
"""


@pytest.mark.slow
def test_four_processes_fifty_mixed_operations_each(run: Run, demo: Path) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, name, str(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed, name in enumerate(("甲", "乙", "丙", "丁"))
    ]
    logs = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        logs.append(json.loads(out))
    assert [len(log) for log in logs] == [50, 50, 50, 50]

    findings = ledgerfile.read_ledger(demo).ledger.findings
    by_id = {f.id: f for f in findings}
    ids = [f.id for f in findings]
    assert len(ids) == len(set(ids)) == 2 + 4 * 14
    assert ledgerfile.read_ledger(demo).ledger.last_number == 58
    # every operation is there, once, in the order its worker made it
    expected: dict[str, list[tuple[str, str | None]]] = {}
    for log in logs:
        for action, finding_id, by in log:
            expected.setdefault(finding_id, []).append((action, by))
    assert len(expected) == 56
    for finding_id, events in expected.items():
        assert [(e.action.value, e.by) for e in by_id[finding_id].history] == events, finding_id
    assert sum(len(f.history) for f in findings) == 2 + 4 * 50
    closed = [f for f in findings if f.status.value == "closed"]
    assert len(closed) == 48
    assert {(f.history[-1].by, f.history[-1].approver) for f in closed} == {
        (f"{n}销号人", f"{n}审签人") for n in ("甲", "乙", "丙", "丁")
    }
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.stderr == "ok: 1 ledger, 58 findings in ledgers\n"
    assert _others(demo.parent) == []


# ---------------------------------------------------------------- changed behind rectify's back


@pytest.mark.parametrize("args", COMMANDS)
def test_a_ledger_changed_on_disk_after_it_was_read_is_not_overwritten(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Someone else (an editor, a git checkout) writes the file right after each read."""
    real = ledgerfile.read_ledger
    written: list[bytes] = []

    def read_then_someone_writes(path: Path) -> ledgerfile.Loaded:
        loaded = real(path)
        other = path.read_bytes() + f"# 另一人的修改 {len(written) + 1}\n".encode()
        path.write_bytes(other)
        written.append(other)
        return loaded

    with monkeypatch.context() as patch:
        patch.setattr(edit, "read_ledger", read_then_someone_writes)
        result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == (
        "rectify: error: ledgers/demo.yaml changed on disk since it was read; nothing was written, "
        "run the command again\n"
    )
    assert written and demo.read_bytes() == written[-1]  # the other writer's bytes stay
    assert _others(demo.parent) == []
    assert run("check").exit_code == 0
    assert run(*args).exit_code == 0  # run again, it goes through


@pytest.mark.parametrize("args", COMMANDS)
def test_a_ledger_removed_after_it_was_read_is_not_brought_back(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    real = edit.Edit.save
    moved = demo.parent.parent / "moved.yaml"

    def someone_moves_it_then_save(self: edit.Edit) -> None:
        shutil.move(demo, moved)
        real(self)

    monkeypatch.setattr(edit.Edit, "save", someone_moves_it_then_save)
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == (
        "rectify: error: ledgers/demo.yaml changed on disk since it was read; nothing was written, "
        "run the command again\n"
    )
    assert not demo.exists()
    assert _others(demo.parent, keep=()) == []
    assert moved.read_text(encoding="utf-8") == MINIMAL
