"""The resident server (rectify server): the same answers as without it, never stale.

A server is started once for this module in a private runtime folder of its own; each
command runs as a user's does, ``python -m rectify ...`` in a fresh process, once through
the server and once with ``RECTIFY_SERVER=off``, and the two must agree byte for byte.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rectify import client, memo, store
from tests.conftest import MINIMAL, SHIPPED

RUNTIME = ""


@pytest.fixture(scope="module", autouse=True)
def server() -> Iterator[str]:
    """Start a server for this module's tests in a short private folder (a Unix socket's
    path is at most 107 bytes); stop it after them."""
    global RUNTIME
    RUNTIME = tempfile.mkdtemp(prefix="rectify-test-")
    os.chmod(RUNTIME, 0o700)
    started = _rectify("server", "start", "--idle", "10", server=False)
    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("rectify server: started (pid ")
    yield RUNTIME
    _rectify("server", "stop", server=False)
    shutil.rmtree(RUNTIME, ignore_errors=True)


def _rectify(
    *args: str, server: bool = True, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m rectify args`` as a user would, through the server or not."""
    environment = {**os.environ, "RECTIFY_RUNTIME_DIR": RUNTIME, **(env or {})}
    if not server:
        environment["RECTIFY_SERVER"] = "off"
    return subprocess.run(
        [sys.executable, "-m", "rectify", *args],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _same(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a read-only command three times (without the server, then twice with it: read,
    then remembered) and check that all three agree; return the answer."""
    alone = _rectify(*args, server=False, cwd=cwd)
    for _ in range(2):
        served = _rectify(*args, cwd=cwd)
        assert (served.returncode, served.stdout, served.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    return alone


def _replay(steps: list[list[str]], with_server: Path, without: Path) -> None:
    """Run each step on two copies of a ledger folder, through the server and without it,
    and check after each that answers, exit codes and every ledger's bytes agree."""
    for args in steps:
        served = _rectify("--ledgers", str(with_server), *args)
        alone = _rectify("--ledgers", str(without), *args, server=False)
        assert (served.returncode, served.stdout) == (alone.returncode, alone.stdout), args
        assert served.stderr.replace(str(with_server), "X") == alone.stderr.replace(str(without), "X"), args
        for path in sorted(without.glob("*.yaml")):
            assert (with_server / path.name).read_bytes() == path.read_bytes(), (args, path.name)


def _holding() -> str:
    answer = _rectify("server", "status")
    assert answer.returncode == 0, answer.stderr
    return answer.stdout


def test_reports_agree_with_and_without_the_server(shipped: Path) -> None:
    for args in (
        ["status"],
        ["status", "--unit", "jinhua", "--precision", "0"],
        ["status", "--by", "aspect", "--format", "json"],
        ["status", "--tree", "--wide", "--format", "csv"],
        ["status", "--as-of", "2021-09-30", "--lang", "zh"],
        ["list", "--status", "in_progress"],
        ["overdue"],
        ["trend", "--every", "month"],
        ["show", "jinhua-025"],
        ["check"],
        ["unit", "list"],
        ["--help"],
        ["status", "--unit", "nosuch"],
        ["status", "--by", "colour"],
    ):
        _same(*args)
    jinhua = _same("status", "--unit", "jinhua", "--precision", "0").stdout
    assert "36/37 97%" in jinhua
    assert "holding 10 ledgers with 315 findings" in _holding()


def test_a_hand_edit_is_seen_at_once_even_with_the_same_size_and_time(demo: Path) -> None:
    assert "理论学习不深入" in _rectify("list", "--format", "csv").stdout
    before = demo.stat()
    text = demo.read_text(encoding="utf-8")
    demo.write_text(text.replace("理论学习不深入", "理论学习不深化"), encoding="utf-8")
    os.utime(demo, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime
    assert demo.stat().st_size == before.st_size
    assert "理论学习不深化" in _rectify("list", "--format", "csv").stdout


def test_a_hand_edit_is_seen_after_the_racy_window_too(demo: Path) -> None:
    assert "理论学习不深入" in _rectify("list", "--format", "csv").stdout
    time.sleep(memo.RACY_NS / 1e9 + 0.2)
    assert "理论学习不深入" in _rectify("list", "--format", "csv").stdout  # now remembered as clean
    before = demo.stat()
    demo.write_text(demo.read_text(encoding="utf-8").replace("理论学习不深入", "理论学习不深化"), encoding="utf-8")
    os.utime(demo, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "理论学习不深化" in _rectify("list", "--format", "csv").stdout


def test_a_settings_edit_is_seen_at_once(demo: Path, tmp_path: Path) -> None:
    settings = tmp_path / "rectify.yaml"
    settings.write_text("lang: zh\n", encoding="utf-8")
    assert "完成率" in _rectify("status").stdout
    before = settings.stat()
    settings.write_text("lang: en\n", encoding="utf-8")  # same size
    os.utime(settings, ns=(before.st_atime_ns, before.st_mtime_ns))  # same time
    answer = _rectify("status")
    assert "Rate" in answer.stdout
    assert answer.stdout == _rectify("status", server=False).stdout


def test_check_reports_the_same_problems_with_and_without_the_server(demo: Path) -> None:
    folder = demo.parent
    (folder / "broken.yaml").write_text("unit: [\n", encoding="utf-8")
    bad = MINIMAL.replace("demo-002", "demo-001").replace("2021-07-28\n        action: add\n", "2022-07-28\n        action: add\n", 1)  # fmt: skip
    (folder / "twice.yaml").write_text(bad.replace("id: demo\n", "id: twice\n"), encoding="utf-8")
    answer = _same("check")
    assert answer.returncode == 1
    assert "broken.yaml:2:1: YAML syntax error" in answer.stdout
    assert "duplicate finding id 'demo-001'" in answer.stdout
    answer = _same("status")
    assert answer.returncode == 1
    assert "nothing was written" in answer.stderr


def test_steps_write_the_same_bytes_with_and_without_the_server(tmp_path: Path) -> None:
    with_server, without = tmp_path / "a" / "ledgers", tmp_path / "b" / "ledgers"
    shutil.copytree(SHIPPED, with_server)
    shutil.copytree(SHIPPED, without)
    steps = [
        ["status"],
        ["close", "jinhua-025", "--by", "王某", "--approver", "李某", "--date", "2021-12-30"],
        ["close", "jinhua-025", "--by", "王某", "--approver", "李某"],  # refused: closed already
        ["reopen", "jinhua-025", "--by", "李某", "--note", "复查发现反弹", "--date", "2021-12-31"],
        ["add", "--unit", "jinhua", "--aspect", "新方面", "--title", "新问题", "--date", "2021-12-31"],
        ["start", "jinhua-038", "--by", "张某", "--date", "2021-12-31"],
        ["progress", "jinhua-038", "--by", "张某", "--note", "第一行\n第二行: 含冒号 # 井号", "--date", "2021-12-31"],
        ["status", "--unit", "jinhua", "--precision", "0"],
        ["list", "--unit", "jinhua", "--format", "csv"],
    ]
    _replay(steps, with_server, without)
    assert _rectify("--ledgers", str(with_server), "check").returncode == 0


@pytest.mark.parametrize("through_the_server", [True, False], ids=["served", "off"])
def test_close_reads_no_other_units_file(demo: Path, through_the_server: bool) -> None:
    other = demo.parent / "other.yaml"
    other.write_text("unit: [\n", encoding="utf-8")  # would stop any command that read it
    answer = _rectify("close", "demo-001", "--by", "王某", "--approver", "李某", server=through_the_server)
    assert answer.returncode == 0, answer.stderr
    assert _rectify("status", server=through_the_server).returncode == 1  # status reads them all


def test_commands_at_once_through_the_server_lose_nothing(demo: Path) -> None:
    env = {**os.environ, "RECTIFY_RUNTIME_DIR": RUNTIME}
    script = "import subprocess, sys\nfor i in range(8):\n    subprocess.run([sys.executable, '-m', 'rectify', 'add', '--unit', 'demo', '--aspect', '并发', '--title', f'{sys.argv[1]}-{i}', '--date', '2021-08-01'], check=True, capture_output=True)\n"  # noqa: E501
    workers = [subprocess.Popen([sys.executable, "-c", script, name], env=env) for name in "abcd"]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    findings = store.read_ledger(demo).ledger.findings
    assert sorted(f.title for f in findings if f.aspect == "并发") == sorted(
        f"{n}-{i}" for n in "abcd" for i in range(8)
    )
    assert len({f.id for f in findings}) == 34


def test_exit_codes_and_streams_come_back(demo: Path) -> None:
    refused = _rectify("close", "demo-009", "--by", "a", "--approver", "b")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == "rectify: error: no finding demo-009 in ledgers/demo.yaml\n"
    assert _rectify("close", "demo-009", "--by", "a", "--approver", "b", server=False).stderr == refused.stderr
    piped = subprocess.run(
        f"{sys.executable} -m rectify list --format csv | head -1",
        shell=True,
        env={**os.environ, "RECTIFY_RUNTIME_DIR": RUNTIME},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert piped.stdout.startswith("id,unit,")
    assert piped.stderr == ""


def test_the_environment_of_each_command_is_its_own(demo: Path) -> None:
    chinese = _rectify("status", env={"LANG": "zh_CN.UTF-8"})
    english = _rectify("status", env={"LANG": "en_US.UTF-8"})
    assert "完成率" in chinese.stdout
    assert "Rate" in english.stdout
    assert _rectify("status", "--as-of", "2021-07-01", env={"RECTIFY_TODAY": "2021-07-01"}).stdout != english.stdout


def _worker_of(server_pid: int) -> int:
    children = []
    for task in Path(f"/proc/{server_pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    assert len(children) == 1, children
    return children[0]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_worker_that_dies_is_replaced_and_nothing_is_lost(demo: Path) -> None:
    server_pid = int(_holding().split("pid ")[1].split(")")[0])
    assert _rectify("list", "--format", "csv").returncode == 0
    os.kill(_worker_of(server_pid), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            _worker_of(server_pid)
            break
        except (AssertionError, FileNotFoundError):
            time.sleep(0.05)
    answer = _rectify("close", "demo-001", "--by", "王某", "--approver", "李某", "--date", "2021-12-30")
    assert answer.returncode == 0, answer.stderr
    assert _holding().startswith(f"rectify server: running (pid {server_pid}), holding 1 ledger")
    assert "demo-001,demo,政治建设方面,理论学习不深入,closed" in _rectify("list", "--format", "csv").stdout


def test_status_through_the_command_and_without_the_server() -> None:
    assert _holding().startswith("rectify server: running (pid ")
    pid = _holding().split("pid ")[1].split(")")[0]
    assert _rectify("server", "start").stdout == f"rectify server: running (pid {pid})\n"
    assert _rectify("server", "status", server=False).stdout == f"rectify server: running (pid {pid})\n"


@pytest.mark.parametrize("through_the_server", [True, False], ids=["served", "off"])
def test_stop_stops_the_server(through_the_server: bool) -> None:
    runtime = tempfile.mkdtemp(prefix="rectify-stop-")
    try:
        env = {**os.environ, "RECTIFY_RUNTIME_DIR": runtime}
        command = [sys.executable, "-m", "rectify", "server"]
        started = subprocess.run([*command, "start"], env=env, capture_output=True, text=True, check=True)
        pid = int(started.stdout.split("pid ")[1].split(")")[0])
        if not through_the_server:
            env["RECTIFY_SERVER"] = "off"
        stopped = subprocess.run([*command, "stop"], env=env, capture_output=True, text=True, check=True)
        assert stopped.stdout == f"rectify server: stopped (pid {pid})\n"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.05)
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        assert subprocess.run([*command, "status"], env=env, capture_output=True, text=True).returncode == 1
        assert not [name for name in os.listdir(runtime) if name.endswith((".sock", ".pid"))]
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def test_output_and_errors_interleave_as_without_the_server(demo: Path) -> None:
    (demo.parent / "broken.yaml").write_text("unit: [\n", encoding="utf-8")
    (demo.parent / "other.yaml").write_text(MINIMAL.replace("status: open", "staus: open"), encoding="utf-8")
    answers = []
    for switch in ("on", "off"):
        for unbuffered in ("1", ""):
            env = {**os.environ, "RECTIFY_RUNTIME_DIR": RUNTIME, "RECTIFY_SERVER": switch}
            env["PYTHONUNBUFFERED"] = unbuffered
            done = subprocess.run(
                f"{sys.executable} -m rectify check 2>&1 | cat", shell=True, env=env, capture_output=True, text=True
            )
            answers.append(done.stdout)
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert answers[0].splitlines()[-1] == "4 problems in ledgers"


def _socket_in(runtime: Path) -> str:
    """The socket a command would look for in ``runtime`` (same installation as here)."""
    return str(runtime / os.path.basename(client.socket_path()))


def test_a_socket_nobody_answers_on_is_passed_over(demo: Path, tmp_path: Path) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="rectify-dead-"))
    try:
        os.chmod(runtime, 0o700)
        environment = {**os.environ, "RECTIFY_RUNTIME_DIR": str(runtime)}
        dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        path = _socket_in(runtime)
        dead.bind(path)
        dead.close()  # the file stays; nothing listens
        answer = subprocess.run(
            [sys.executable, "-m", "rectify", "status", "--format", "csv"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert answer.returncode == 0, answer.stderr
        assert answer.stdout.splitlines()[1].startswith("demo,")
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def test_a_command_from_a_folder_that_is_gone_gets_the_usual_answer(demo: Path, tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f"import os, runpy, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); sys.argv = ['rectify', 'status', '--format', 'csv']; runpy.run_module('rectify', run_name='__main__')"  # noqa: E501
    answers = []
    for switch in ("on", "off"):
        env = {**os.environ, "RECTIFY_RUNTIME_DIR": RUNTIME, "RECTIFY_SERVER": switch}
        gone.mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
        answers.append((done.returncode, done.stdout))
    assert answers[0] == answers[1]
    assert answers[0][1].splitlines()[1].startswith("demo,")


def test_a_change_of_code_names_another_server(tmp_path: Path) -> None:
    module = Path(client.__file__)
    before = module.stat()
    name = client.fingerprint()
    try:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert client.fingerprint() != name
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert client.fingerprint() == name


def test_the_runtime_folder_must_be_private(tmp_path: Path) -> None:
    from rectify.server import _private_dir

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)
    with pytest.raises(OSError, match="not a private folder"):
        _private_dir(str(shared))
    _private_dir(str(tmp_path / "mine"))
    assert (tmp_path / "mine").stat().st_mode & 0o777 == 0o700


# ---------------------------------------------------------------- the memo itself


def _stat(path: Path) -> os.stat_result:
    return os.stat(path)


def test_memo_serves_only_the_same_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "active", True)
    memo.clear()
    path = tmp_path / "x.yaml"
    path.write_text("one\n", encoding="utf-8")
    began = time.time_ns()
    first = _stat(path)
    memo.keep(str(path), memo.identity(first), began, "d1", "ctx", ("value",))
    reads: list[int] = []

    def digest() -> str:
        reads.append(1)
        return "d1" if path.read_text(encoding="utf-8") == "one\n" else "d2"

    assert memo.lookup(str(path), _stat(path), "ctx", digest) is not None
    assert reads == [1]  # just written: racily clean, so compared by content
    assert memo.lookup(str(path), _stat(path), "other context", digest) is None
    path.write_text("two\n", encoding="utf-8")
    assert memo.lookup(str(path), _stat(path), "ctx", digest) is None
    entry = memo.entries[str(path)]
    entry.identity = memo.identity(_stat(path))  # as if the change left the identity alone
    assert memo.lookup(str(path), _stat(path), "ctx", digest) is None  # the content says no
    memo.clear()


def test_memo_trusts_identity_once_the_racy_window_has_passed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "active", True)
    memo.clear()
    path = tmp_path / "x.yaml"
    path.write_text("one\n", encoding="utf-8")
    info = _stat(path)
    later = max(info.st_ctime_ns, info.st_mtime_ns) + memo.RACY_NS + 1
    memo.keep(str(path), memo.identity(info), later, "d1", "ctx", ("value",))
    assert memo.lookup(str(path), info, "ctx", lambda: pytest.fail("read although clean")) is not None
    memo.clear()


def test_memo_forgets_the_least_recently_used_beyond_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "active", True)
    monkeypatch.setattr(memo, "MAX_BYTES", 10)
    memo.clear()
    paths = []
    for name in "abc":
        path = tmp_path / name
        path.write_text("four", encoding="utf-8")  # 4 bytes each: two fit
        paths.append(path)
    old = time.time_ns() + memo.RACY_NS * 2  # taken as read long after the files were written
    a, b, c = (str(p) for p in paths)
    memo.keep(a, memo.identity(_stat(paths[0])), old, "d", "ctx", ("a",))
    memo.keep(b, memo.identity(_stat(paths[1])), old, "d", "ctx", ("b",))
    assert memo.lookup(a, _stat(paths[0]), "ctx", lambda: "d") is not None  # a is now the most recent
    memo.keep(c, memo.identity(_stat(paths[2])), old, "d", "ctx", ("c",))
    assert list(memo.entries) == [a, c]
    memo.clear()


def test_memo_is_off_outside_the_server(tmp_path: Path) -> None:
    assert memo.active is False
    path = tmp_path / "x.yaml"
    path.write_text("one\n", encoding="utf-8")
    memo.keep(str(path), memo.identity(_stat(path)), 0, "d1", "ctx", ("value",))
    assert memo.entries == {}
    assert memo.derived(object(), "k", lambda: 42) == 42


# ---------------------------------------------------------------- edits in place


DEEP_COMMENT = MINIMAL.replace(
    "        action: add\n  # a comment between findings",
    "        action: add\n        # a comment indented as deep as the events\n  # a comment between findings",
)


@pytest.mark.parametrize(
    ("text", "newline"),
    [(MINIMAL, "\n"), (MINIMAL, "\r\n"), (MINIMAL + "# the end\n", "\n"), (DEEP_COMMENT, "\n")],
    ids=["plain", "crlf", "trailing-comment", "deep-comment"],
)
def test_an_edit_kept_in_memory_is_what_reading_the_file_gives(
    folder: Path, monkeypatch: pytest.MonkeyPatch, text: str, newline: str
) -> None:
    monkeypatch.setattr(memo, "active", True)
    memo.clear()
    path = folder / "demo.yaml"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    for finding_id, detail in (("demo-001", "第一行\n第二行\n第三行"), ("demo-002", "一行"), ("demo-001", "")):
        with store.editing(path) as edit:
            finding = edit.ledger.finding(finding_id)
            assert finding is not None
            edit.replace(finding.model_copy(update={"detail": detail or None}))
            in_place = edit._reads_back_in_place()
        assert in_place is (text is not DEEP_COMMENT or finding_id == "demo-002")
        kept = memo.entries[os.path.abspath(path)].value[0]
        fresh = store.parse_ledger(path.read_bytes(), path)
        assert kept.ledger == fresh.ledger
        assert kept.digest == fresh.digest
        for name in ("spans", "findings_key_line", "top_keys", "top_spans", "last_number_span", "lines", "endings"):
            assert getattr(kept.doc, name) == getattr(fresh.doc, name), name
    memo.clear()


# ---------------------------------------------------------------- hostile cases


def test_a_socket_in_a_folder_others_may_write_in_is_never_used(demo: Path) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="rectify-open-"))
    try:
        os.chmod(runtime, 0o755)  # not private: someone else could have put the socket there
        environment = {**os.environ, "RECTIFY_RUNTIME_DIR": str(runtime)}
        path = _socket_in(runtime)
        impostor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        impostor.bind(path)
        impostor.listen(4)
        impostor.settimeout(0.2)
        answer = subprocess.run(
            [sys.executable, "-m", "rectify", "status", "--format", "csv"],
            env={**environment, "SECRET": "not for the impostor"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert answer.returncode == 0, answer.stderr
        with pytest.raises(TimeoutError):
            impostor.accept()  # nobody connected
        impostor.close()
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def test_a_busy_server_is_passed_over_and_a_killed_client_harms_nothing(shipped: Path) -> None:
    env = {**os.environ, "RECTIFY_RUNTIME_DIR": RUNTIME}
    server_pid = int(_holding().split("pid ")[1].split(")")[0])
    # a command whose output nobody reads: it blocks the worker once the pipe is full
    stalled = subprocess.Popen(
        [sys.executable, "-m", "rectify", "list", "--format", "json"], env=env, stdout=subprocess.PIPE
    )
    time.sleep(1.5)
    worker = _worker_of(server_pid)
    fds_before = len(os.listdir(f"/proc/{worker}/fd"))
    began = time.monotonic()
    answer = _rectify("status", "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout == _rectify("status", "--format", "csv", server=False).stdout
    assert time.monotonic() - began < 30
    stalled.kill()  # the client dies; the worker's writes now fail
    stalled.wait(timeout=30)
    assert stalled.stdout is not None
    stalled.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "holding" not in _rectify("server", "status").stdout:
        time.sleep(0.1)
    assert _worker_of(server_pid) == worker  # the same worker serves on
    for _ in range(5):
        subprocess.run(f"{sys.executable} -m rectify list | head -c 1", shell=True, env=env, capture_output=True)
    assert len(os.listdir(f"/proc/{worker}/fd")) <= fds_before  # no descriptor left behind


def test_arguments_naming_this_process_s_descriptors_work(demo: Path) -> None:
    feedback = "- aspect: 作风建设方面\n  title: 服务企业举措不多\n"
    script = f"{sys.executable} -m rectify add --unit demo --from <(printf '%s' \"$FEEDBACK\") --date 2021-08-01"
    env = {**os.environ, "RECTIFY_RUNTIME_DIR": RUNTIME, "FEEDBACK": feedback}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "demo-003\n"


def test_a_parent_ledger_added_or_removed_is_seen(shipped: Path, tmp_path: Path) -> None:
    assert _rectify("check").returncode == 0
    parent = shipped / "jinhua.yaml"
    parent.rename(tmp_path / "jinhua.yaml")
    gone = _same("check")
    assert gone.returncode == 1
    assert "unknown unit 'jinhua'" in gone.stdout
    (tmp_path / "jinhua.yaml").rename(parent)
    assert _same("check").returncode == 0
    assert _rectify("close", "yiwu-037", "--by", "甲某", "--approver", "乙某").returncode == 0


def test_blank_lines_between_findings_are_written_alike(tmp_path: Path) -> None:
    with_server, without = tmp_path / "a" / "ledgers", tmp_path / "b" / "ledgers"
    for folder in (with_server, without):
        folder.mkdir(parents=True)
        (folder / "demo.yaml").write_text(MINIMAL.replace("\n  - id:", "\n\n  - id:"), encoding="utf-8")
    steps = [
        ["progress", "demo-001", "--by", "甲某", "--note", "第一行\n第二行", "--date", "2021-08-01"],
        ["progress", "demo-001", "--by", "甲某", "--note", "一行", "--date", "2021-08-02"],
        ["progress", "demo-002", "--by", "甲某", "--note", "甲\n乙", "--date", "2021-08-02"],
        ["progress", "demo-001", "--by", "甲某", "--note", "再一行", "--date", "2021-08-03"],
    ]
    _replay(steps, with_server, without)


def test_a_full_queue_of_waiting_commands_never_hangs_one(demo: Path) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="rectify-full-"))
    try:
        os.chmod(runtime, 0o700)
        stuck = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stuck.bind(_socket_in(runtime))
        stuck.listen(0)  # never accepts; fill its queue
        waiting = []
        for _ in range(4):
            extra = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            extra.setblocking(False)
            try:
                extra.connect(_socket_in(runtime))
            except BlockingIOError:
                pass
            waiting.append(extra)
        env = {**os.environ, "RECTIFY_RUNTIME_DIR": str(runtime)}
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "rectify", "status", "--format", "csv"], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert time.monotonic() - began < 20
        assert subprocess.run(
            [sys.executable, "-m", "rectify", "server", "status"], env={**env, "RECTIFY_SERVER": "off"}, timeout=20
        ).returncode in (0, 1)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_worker_whose_server_was_killed_stops_and_cleans_up(demo: Path) -> None:
    runtime = tempfile.mkdtemp(prefix="rectify-orphan-")
    try:
        env = {**os.environ, "RECTIFY_RUNTIME_DIR": runtime}
        command = [sys.executable, "-m", "rectify", "server"]
        started = subprocess.run([*command, "start"], env=env, capture_output=True, text=True, check=True)
        pid = int(started.stdout.split("pid ")[1].split(")")[0])
        worker = _worker_of(pid)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and Path(f"/proc/{worker}").exists():
            if "zombie" in Path(f"/proc/{worker}/status").read_text():
                break
            time.sleep(0.1)
        assert not Path(f"/proc/{worker}").exists() or "zombie" in Path(f"/proc/{worker}/status").read_text()
        assert not [name for name in os.listdir(runtime) if name.endswith((".sock", ".pid"))]
        answer = subprocess.run([sys.executable, "-m", "rectify", "status"], env=env, capture_output=True, text=True)
        assert answer.returncode == 0, answer.stderr
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def test_mixed_line_ends_are_written_alike(tmp_path: Path) -> None:
    with_server, without = tmp_path / "a" / "ledgers", tmp_path / "b" / "ledgers"
    lines = MINIMAL.split("\n")
    mixed = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines[:-1]))
    for folder in (with_server, without):
        folder.mkdir(parents=True)
        (folder / "demo.yaml").write_bytes(mixed.encode("utf-8"))
    steps = [
        ["start", "demo-001", "--by", "甲某", "--date", "2021-08-01"],
        ["add", "--unit", "demo", "--aspect", "新方面", "--title", "新问题", "--date", "2021-08-02"],
        ["progress", "demo-002", "--by", "甲某", "--note", "甲\n乙", "--date", "2021-08-02"],
    ]
    _replay(steps, with_server, without)


def test_a_bad_rectify_today_is_the_same_usage_error_with_and_without_the_server(demo: Path) -> None:
    for command in (["status"], ["check"], ["show", "demo-001"]):
        served = _rectify(*command, env={"RECTIFY_TODAY": "bad"})
        alone = _rectify(*command, server=False, env={"RECTIFY_TODAY": "bad"})
        assert (served.returncode, served.stdout, served.stderr) == (alone.returncode, alone.stdout, alone.stderr)
        assert served.returncode == 2
        assert served.stderr == "rectify: error: RECTIFY_TODAY='bad' is not a date written YYYY-MM-DD\n"


def test_a_command_in_another_context_runs_on_its_own(demo: Path) -> None:
    env = {**os.environ, "RECTIFY_RUNTIME_DIR": RUNTIME}
    served = subprocess.run(
        [sys.executable, "-m", "rectify", "server", "status"], env=env, capture_output=True, text=True
    )
    assert "holding" in served.stdout  # answered by the server
    limited = subprocess.run(  # a lower file-size limit than the server's: the server must not write for it
        ["bash", "-c", f"ulimit -f 100000; exec {sys.executable} -m rectify server status"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert limited.stdout.startswith("rectify server: running (pid ")
    assert "holding" not in limited.stdout  # answered by the command itself
    assert (
        _rectify("status", "--format", "csv").stdout
        == subprocess.run(
            ["bash", "-c", f"ulimit -f 100000; exec {sys.executable} -m rectify status --format csv"],
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
