"""Windows, tested from Linux (issue "Speak the user's language everywhere", its Windows
part): the CLI with the POSIX-only parts of Python taken away, the language of a Windows
display language, evidence paths typed the Windows way, CRLF and a BOM from Notepad, a
GBK (cp936) or cp1252 console, and a ledger Excel or another program holds open."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path, PureWindowsPath
from typing import Any

import pytest

from tests.conftest import MINIMAL, REPO, Run

DATA = Path(__file__).resolve().parent / "data"

POSIX_ONLY_MODULES = ("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource")
"""Modules of Python's standard library that do not exist on Windows."""
POSIX_ONLY_OS = (
    "fork", "forkpty", "getuid", "geteuid", "getgid", "getegid", "getgroups", "setsid", "getpgrp", "killpg",
    "uname", "chown", "lchown", "mkfifo", "mknod", "statvfs", "sysconf", "getloadavg", "pipe2", "sync", "openpty",
    "ttyname", "O_NOFOLLOW", "O_DIRECTORY", "O_CLOEXEC", "O_NOCTTY", "O_NONBLOCK",
)  # fmt: skip
"""Names of the ``os`` module that Windows' Python lacks."""
POSIX_ONLY_SIGNALS = (
    "SIGPIPE", "SIGHUP", "SIGQUIT", "SIGKILL", "SIGALRM", "SIGCHLD", "SIGUSR1", "SIGUSR2", "SIGTSTP", "SIGCONT",
    "SIGSTOP", "SIGTTIN", "SIGTTOU", "SIGWINCH",
)  # fmt: skip

WITHOUT_POSIX = f"""
import os, signal, sys, warnings
for name in {POSIX_ONLY_MODULES!r}:
    sys.modules[name] = None  # `import fcntl` now fails as on Windows
for name in {POSIX_ONLY_OS!r}:
    if hasattr(os, name):
        delattr(os, name)
for name in {POSIX_ONLY_SIGNALS!r}:
    if hasattr(signal, name):
        delattr(signal, name)
# without fcntl, filelock falls back to its soft lock and says so; on Windows it locks with msvcrt
warnings.filterwarnings("ignore", "only soft file lock is available")
sys.argv[0] = "rectify"
from rectify.entry import main
main()
"""
"""The ``rectify`` console script with the POSIX-only modules and names removed first."""


def windowsish(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``rectify ARGS`` in a new Python where the POSIX-only modules and calls are missing."""
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_POSIX, *args],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        timeout=300,
    )


def test_the_simulation_really_removes_the_posix_only_parts() -> None:
    probe = WITHOUT_POSIX.replace(
        "from rectify.entry import main\nmain()",
        "import importlib\n"
        "for name in ('fcntl', 'termios', 'pwd'):\n"
        "    try:\n        importlib.import_module(name)\n    except ImportError:\n        print(name, 'missing')\n"
        "print(hasattr(os, 'fork'), hasattr(os, 'getuid'), hasattr(os, 'O_NOFOLLOW'), hasattr(signal, 'SIGPIPE'))",
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out == "fcntl missing\ntermios missing\npwd missing\nFalse False False False\n"


def test_the_main_commands_work_without_posix_only_modules(shipped: Path, tmp_path: Path) -> None:
    def ok(*args: str) -> str:
        done = windowsish(*args)
        assert done.returncode == 0, done.stderr.decode()
        assert b"Traceback" not in done.stderr and b"Warning" not in done.stderr, done.stderr.decode()
        return done.stdout.decode() + done.stderr.decode()

    assert ok("check") == (
        "ok: 10 ledgers, 315 findings in ledgers\n"
    )
    assert ok("status", "--as-of", "2021-12-31", "--lang", "zh").splitlines()[-1].split() == [
        "合计", "315", "296", "10", "9", "1", "296/315", "94.0%",
    ]  # fmt: skip
    overdue = json.loads(ok("list", "--overdue", "--as-of", "2021-12-31", "--format", "json"))
    assert [row["id"] for row in overdue] == ["jinhua-025"]
    assert ok("add", "--unit", "yiwu", "--aspect", "落实全面从严治党战略部署方面", "--title", "测试问题",
              "--owner", "王某", "--deadline", "2021-12-31", "--date", "2021-12-01") == "yiwu-039\n"  # fmt: skip
    ok("close", "yiwu-039", "--by", "王某", "--approver", "钟某", "--date", "2021-12-20")
    closed = json.loads(ok("list", "--unit", "yiwu", "--status", "closed", "--format", "json"))
    assert "yiwu-039" in [row["id"] for row in closed]
    ok("export", "-o", "台账.xlsx", "--as-of", "2021-12-31")
    ok("export", "-o", "台账.csv", "--as-of", "2021-12-31")
    ok("report", "-o", "通报.docx", "--as-of", "2021-12-31")
    ok("report", "-o", "通报.html", "--as-of", "2021-12-31")
    from openpyxl import load_workbook

    summary = load_workbook(tmp_path / "台账.xlsx")["汇总"]
    assert [c.value for c in summary[summary.max_row]] == [None, "合计", 316, 297, 10, 9, 1, 0.94]
    assert (tmp_path / "台账.csv").read_text(encoding="utf-8-sig").count("\nyiwu-039,") == 1
    assert (tmp_path / "通报.docx").read_bytes()[:2] == b"PK"
    assert "297/316" in (tmp_path / "通报.html").read_text(encoding="utf-8")
    assert ok("unit", "add", "x", "--name", "某局", "--feedback-date", "2021-08-20") != ""
    done = windowsish("import", str(DATA / "office_gbk.csv"), "--unit", "x")
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr and "GB18030" in done.stderr.decode()
    assert ok("check").splitlines()[-1] == "ok: 11 ledgers, 319 findings in ledgers"
    assert [row["title"] for row in json.loads(ok("list", "--unit", "x", "--format", "json"))] == [
        "学习贯彻不深入", "“第一议题”制度落实不严", "督查检查考核过多",
    ]  # fmt: skip


def posix_only_uses(source: str) -> list[str]:
    """The POSIX-only things ``source`` uses directly: imports of :data:`POSIX_ONLY_MODULES`,
    ``os.<name>`` of :data:`POSIX_ONLY_OS`, ``signal.<name>`` of :data:`POSIX_ONLY_SIGNALS`,
    ``/dev/`` paths and ``shell=True`` (cmd.exe is not sh). ``getattr(os, "O_NOFOLLOW", 0)``
    is how code that works on both asks, and is not counted."""
    found: list[tuple[int, int, str]] = []

    def add(node: ast.AST, text: str) -> None:
        found.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), text))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in POSIX_ONLY_MODULES:
                    add(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_ONLY_MODULES:
            add(node, f"from {node.module} import")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in {("os", n) for n in POSIX_ONLY_OS} | {
                ("signal", n) for n in POSIX_ONLY_SIGNALS
            }:
                add(node, f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/dev/"):
            add(node, node.value)
        elif (
            isinstance(node, ast.keyword)
            and node.arg == "shell"
            and not (isinstance(node.value, ast.Constant) and node.value.value is False)
        ):
            add(node.value, f"shell={ast.unparse(node.value)}")
    return [text for _, _, text in sorted(found)]


def test_the_audit_finds_posix_only_calls() -> None:
    sample = "import fcntl\nimport os, signal\nos.getuid()\nsignal.SIGPIPE\nopen('/dev/tty')\nrun('x', shell=True)\n"
    assert posix_only_uses(sample) == ["import fcntl", "os.getuid", "signal.SIGPIPE", "/dev/tty", "shell=True"]
    assert posix_only_uses("getattr(os, 'O_NOFOLLOW', 0)\nos.replace(a, b)\n") == []


PAGER_SHELL = "shell=True"
"""The one use of a shell: the user's own pager command (``RECTIFY_PAGER``/``PAGER``), which
git runs through a shell too; on Windows that shell is cmd.exe, as the user expects."""


def test_nothing_in_rectify_uses_posix_only_calls() -> None:
    found = {
        path.relative_to(REPO).as_posix(): uses
        for path in sorted((REPO / "rectify").rglob("*.py"))
        if (uses := posix_only_uses(path.read_text(encoding="utf-8")))
    }
    assert found == {"rectify/present/console.py": [PAGER_SHELL]}


def rectify(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the ``rectify`` console script of this environment, its output in a pipe."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("rectify")), *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def widths(text: str) -> set[int]:
    """The display widths of the lines of ``text`` (colour codes left out)."""
    from wcwidth import wcswidth

    return {wcswidth(ANSI.sub("", line)) for line in text.splitlines()}


RARE = "理论学习不深入😀𠀀"
"""A title with an emoji and 𠀀 (U+20000, in GB18030 but not in GBK): two characters a
cp936 console cannot show."""


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "rich"])
def test_a_gbk_console_shows_chinese_and_a_question_mark_per_cell_it_cannot_show(folder: Path, terminal: bool) -> None:
    (folder / "demo.yaml").write_text(MINIMAL.replace("理论学习不深入", RARE), encoding="utf-8")
    env = {"PYTHONIOENCODING": "gbk", "COLUMNS": "100", **({"FORCE_COLOR": "1"} if terminal else {})}
    if terminal:
        env["NO_COLOR"] = ""
    done = rectify("list", "--lang", "zh", env=env)
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    out = done.stdout.decode("gbk")  # every byte is GBK
    assert "理论学习不深入????" in out and "政治建设方面" in out and "未整改（逾期）" in out
    assert len(widths(out)) == 1  # the columns line up: each missing character is ? per cell
    if terminal:  # rich draws the box in ASCII for an encoding that is not UTF-8
        assert out.splitlines()[0].startswith("+---") and "\x1b[31m" in out
    trend = rectify("trend", "--lang", "zh", "--to", "2021-12-31", env=env)
    assert trend.returncode == 0 and "整改完成率" in trend.stdout.decode("gbk")


def test_a_gbk_console_gets_errors_in_gbk_too(folder: Path) -> None:
    (folder / "demo.yaml").write_text(MINIMAL, encoding="utf-8")
    done = rectify("list", "--unit", "不存在😀", env={"PYTHONIOENCODING": "gbk"})
    assert done.returncode == 2 and done.stdout == b""
    assert "'不存在?'" in done.stderr.decode("gbk") and b"Traceback" not in done.stderr
    broken = MINIMAL.replace("    owner: 张某\n", "    owner: 张某\n    staus: 😀\n")
    (folder / "demo.yaml").write_text(broken, encoding="utf-8")
    done = rectify("check", env={"PYTHONIOENCODING": "gbk"})
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert (done.stdout + done.stderr).decode("gbk").startswith("ledgers/demo.yaml:14:5: ")


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "rich"])
def test_a_legacy_code_page_without_chinese_does_not_crash(shipped: Path, terminal: bool) -> None:
    env = {"PYTHONIOENCODING": "cp1252", **({"FORCE_COLOR": "1", "NO_COLOR": ""} if terminal else {})}
    chinese = rectify("status", "--lang", "zh", "--as-of", "2021-12-31", env=env)
    assert chinese.returncode == 0 and chinese.stderr == b""
    out = chinese.stdout.decode("cp1252")
    assert "296/315 94.0%" in out and len(widths(out.split("\n", 1)[1])) == 1  # the title line aside
    english = rectify("list", "--lang", "en", "--overdue", "--as-of", "2021-12-31", env=env)
    assert english.returncode == 0 and "jinhua-025" in english.stdout.decode("cp1252")


def held(winerror: int | None = 32) -> PermissionError:
    """The PermissionError Windows raises when another program holds a file (winerror 32:
    ERROR_SHARING_VIOLATION, as when Excel has a workbook open); None: a POSIX one."""
    exc = PermissionError(13, "Permission denied")
    if winerror is not None:
        exc.winerror = winerror  # type: ignore[attr-defined]  # set by Python on Windows only
    return exc


@pytest.fixture
def busy(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``os.replace`` refuses files named ``state["name"]`` ``state["times"]`` times with
    ``state["error"]``; pauses between attempts are counted, not slept."""
    from rectify.files import writing

    state: dict[str, Any] = {"name": None, "times": 0, "error": held(), "pauses": 0, "tries": 0}
    real = os.replace

    def replace(source: Any, target: Any) -> None:
        if Path(target).name == state["name"]:
            state["tries"] += 1
            if state["times"] > 0:
                state["times"] -= 1
                raise state["error"]
        real(source, target)

    def pause(seconds: float) -> None:
        state["pauses"] += 1

    monkeypatch.setattr(writing.os, "replace", replace)
    monkeypatch.setattr(writing.time, "sleep", pause)
    return state


def test_a_ledger_held_for_a_moment_is_written_after_a_retry(run: Run, demo: Path, busy: dict[str, Any]) -> None:
    busy.update(name="demo.yaml", times=3)  # a virus scanner looking at the file
    result = run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01")
    assert result.exit_code == 0, result.output
    assert busy["tries"] == 4 and busy["pauses"] == 3
    assert "action: close" in demo.read_text(encoding="utf-8")


def test_a_ledger_held_open_is_named_and_left_unchanged(run: Run, demo: Path, busy: dict[str, Any]) -> None:
    before = demo.read_bytes()
    busy.update(name="demo.yaml", times=1000)
    result = run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01")
    assert result.exit_code == 1
    assert result.stderr == (
        "rectify: error: ledgers/demo.yaml: it is open in another program (Excel, WPS, a viewer) or read-only; "
        "close it and run the command again; the ledger is unchanged\n"
    )
    assert busy["tries"] == 11 and busy["pauses"] == 10  # about a second, then the message
    assert demo.read_bytes() == before and sorted(p.name for p in demo.parent.iterdir()) == [
        ".rectify.lock",
        "demo.yaml",
    ]


def test_an_export_open_in_excel_is_named_and_kept(run: Run, demo: Path, tmp_path: Path, busy: dict[str, Any]) -> None:
    (tmp_path / "台账.xlsx").write_bytes(b"the workbook Excel has open")
    busy.update(name="台账.xlsx", times=1000)
    result = run("export", "-o", "台账.xlsx")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "rectify: error: cannot write 台账.xlsx: it is open in another program (Excel, WPS, a viewer) or read-only; "
        "close it and run the command again\n"
    )
    assert (tmp_path / "台账.xlsx").read_bytes() == b"the workbook Excel has open"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["台账.xlsx"]  # no temporary file left
    busy.update(times=2)  # Excel closed; the indexer still looks for a moment
    assert run("export", "-o", "台账.xlsx").exit_code == 0
    assert (tmp_path / "台账.xlsx").read_bytes()[:2] == b"PK"


def test_a_posix_permission_error_is_not_retried(run: Run, demo: Path, tmp_path: Path, busy: dict[str, Any]) -> None:
    busy.update(name="通报.html", times=1000, error=held(None))
    result = run("report", "-o", "通报.html")
    assert result.exit_code == 1 and busy["tries"] == 1 and busy["pauses"] == 0
    assert result.stderr == "rectify: error: cannot write 通报.html: permission denied, or the file is open in another program\n"


def test_a_read_only_export_is_refused_by_name(run: Run, demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "台账.csv"
    target.write_bytes(b"old")
    target.chmod(0o444)  # on Windows: the Read-only attribute
    result = run("export", "-o", "台账.csv")
    assert result.exit_code == 1
    assert result.stderr == "rectify: error: 台账.csv is read-only; make it writable (chmod u+w) to change it\n"
    assert target.read_bytes() == b"old"


def test_windows_is_told_how_to_clear_the_read_only_attribute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from rectify.errors import WriteError
    from rectify.files import writing

    monkeypatch.setattr(writing.os, "name", "nt")
    with pytest.raises(WriteError) as caught:
        writing._refuse_read_only(tmp_path / "demo.yaml", 0o444)
    assert str(caught.value).endswith(
        "demo.yaml is read-only; make it writable (untick Read-only in its Properties) to change it"
    )


REPO_ON_WINDOWS = PureWindowsPath(r"C:\Users\王某\整改台账")
"""A repository of ledgers as a Windows user keeps it; commands run in its ledgers folder."""


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        (r"C:\Users\王某\整改台账\整改材料\文件.pdf", "整改材料/文件.pdf"),  # absolute, with a drive letter
        (r"c:\users\王某\整改台账\evidence\A.pdf", "evidence/A.pdf"),  # Windows ignores case
        (r".\evidence\a.pdf", "ledgers/evidence/a.pdf"),  # relative to the current folder
        (r"..\evidence\jinhua-037\规程.pdf", "evidence/jinhua-037/规程.pdf"),
        (r"\Users\王某\整改台账\evidence\a.pdf", "evidence/a.pdf"),  # the root of the current drive
        ("../evidence/a.pdf", "evidence/a.pdf"),  # / works on Windows too
        (r"C:\Users\王某\整改台账\ledgers\..\evidence\a.pdf", "evidence/a.pdf"),
    ],
)
def test_a_windows_evidence_path_is_recorded_relative_with_forward_slashes(typed: str, recorded: str) -> None:
    from rectify.domain.portable import repository_path

    assert repository_path(PureWindowsPath(typed), REPO_ON_WINDOWS, REPO_ON_WINDOWS / "ledgers") == recorded


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        (r"\\server\share\x.pdf", r"is outside the repository (C:\Users\王某\整改台账); copy it in first"),
        (r"D:\整改材料\文件.pdf", r"is outside the repository (C:\Users\王某\整改台账); copy it in first"),
        (r"C:\Users\王某\Desktop\文件.pdf", r"is outside the repository (C:\Users\王某\整改台账); copy it in first"),
        (r"..\..\文件.pdf", r"is outside the repository (C:\Users\王某\整改台账); copy it in first"),
        (
            r"..\evidence\con.pdf",
            "cannot be checked out on Windows: 'con.pdf' is a name Windows keeps for a device "
            "(CON, PRN, AUX, NUL, COM1-9, LPT1-9); rename it",
        ),
    ],
)
def test_a_windows_evidence_path_outside_the_repository_is_refused(typed: str, why: str) -> None:
    from rectify.domain.portable import repository_path
    from rectify.errors import UsageError

    with pytest.raises(UsageError) as caught:
        repository_path(PureWindowsPath(typed), REPO_ON_WINDOWS, REPO_ON_WINDOWS / "ledgers")
    assert str(caught.value) == f"evidence file {typed} {why}"


def test_a_repository_on_a_unc_share() -> None:
    from rectify.domain.portable import repository_path

    share = PureWindowsPath(r"\\server\share\整改台账")
    assert repository_path(PureWindowsPath(r"\\SERVER\Share\整改台账\evidence\x.pdf"), share, share) == "evidence/x.pdf"
    assert repository_path(PureWindowsPath(r"evidence\x.pdf"), share, share) == "evidence/x.pdf"


def test_evidence_is_recorded_the_same_whatever_the_path_typed(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "评查报告.pdf").write_bytes(b"%PDF-1.4 report")
    (tmp_path / "ledgers" / "x").mkdir()
    os.chdir(tmp_path / "ledgers" / "x")  # restored by the autouse fixture's monkeypatch.chdir
    given = [str(tmp_path / "evidence" / "评查报告.pdf"), "../../evidence/评查报告.pdf"]
    result = run("close", "demo-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01",
                 "-e", given[0], "-e", given[1])  # fmt: skip
    assert result.exit_code == 0, result.output
    text = demo.read_text(encoding="utf-8")
    assert text.count("path: evidence/评查报告.pdf\n") == 2 and "\\" not in text  # finding and event, once each
    outside = tmp_path.parent / f"{tmp_path.name}-outside.pdf"
    outside.write_bytes(b"elsewhere")
    refused = run("submit", "demo-002", "--by", "甲", "-e", str(outside), "--date", "2021-09-01")
    assert refused.exit_code == 2
    assert refused.stderr == shown_error(
        f"evidence file {outside} is outside the repository ({tmp_path}); copy it in first"
    )
    outside.unlink()
    typed = run("submit", "demo-002", "--by", "甲", "-e", r"..\..\evidence\评查报告.pdf", "--date", "2021-09-01")
    assert typed.stderr == shown_error(
        r"evidence file not found: ..\..\evidence\评查报告.pdf (folders are separated by / here)"
    )


def shown_error(message: str) -> str:
    """A usage error as the CLI prints it."""
    return f"rectify: error: {message}\n"


@pytest.mark.parametrize(
    ("recorded", "why"),
    [
        (r"evidence\a.pdf", r"is written with \; write it with / so that it reads the same on every machine"),
        ("C:/evidence/a.pdf", "is not a path inside the repository: record it relative to the repository"),
        ("../a.pdf", "lies outside the repository"),
        (".git/config", "lies in .git, git's own folder, which is never evidence"),
        (
            "evidence/a:b.pdf",
            "cannot be checked out on Windows: 'a:b.pdf' holds a character Windows does not allow in a file name "
            '(< > : " | ? * \\ or a control character)',
        ),
    ],
)
def test_check_reports_an_evidence_path_that_reads_differently_on_windows(
    run: Run, folder: Path, recorded: str, why: str
) -> None:
    entry = f"    evidence:\n      - path: '{recorded}'\n        sha256: {'0' * 64}\n"
    (folder / "demo.yaml").write_text(
        MINIMAL.replace("    owner: 张某\n", "    owner: 张某\n" + entry), encoding="utf-8"
    )
    result = run("check")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("ledgers/demo.yaml:15:9: ") and first.endswith(f": evidence path {recorded} {why}")


_EMPTY = "has an empty name (// or a / at its end); name a file, each folder once"
_DOT = "has a . for a folder; write the path from the repository's top folder, as evidence/a.pdf"
_GIT = "lies in .git, git's own folder, which is never evidence"


def _hidden(code: str) -> str:
    return (
        f"holds the invisible character {code} (a direction mark or a zero-width character), which makes the name "
        "read as another; rename the file"
    )


def _device(name: str) -> str:
    return (
        f"cannot be checked out on Windows: {name!r} is a name Windows keeps for a device "
        "(CON, PRN, AUX, NUL, COM1-9, LPT1-9)"
    )


@pytest.mark.parametrize(
    ("recorded", "why"),
    [  # hostile review #11 (and C1: .git/config served by the board)
        (".git/config", _GIT),
        (".GIT/config", _GIT),
        ("vendor/lib/.git/config", _GIT),
        ("evidence//a.pdf", _EMPTY),
        ("evidence/", _EMPTY),
        ("./evidence/a.pdf", _DOT),
        ("evidence/./a.pdf", _DOT),
        ("evidence/\u202egpj.exe", _hidden("U+202E")),
        ("evidence/a\u200b.pdf", _hidden("U+200B")),
        ("evidence/\ufeffa.pdf", _hidden("U+FEFF")),
        ("evidence/COM0", _device("COM0")),
        ("evidence/lpt0.txt", _device("lpt0.txt")),
        ("evidence/a.pdf", None),
        ("evidence/jinhua-037/规程 第2版.pdf", None),
        (".rectify-notes/a.pdf", None),
        ("evidence/.gitignore", None),
        ("evidence/git/a.pdf", None),
        ("evidence/COM10.pdf", None),
        ("evidence/整改\u3000报告.pdf", None),
    ],
)
def test_an_evidence_path_is_written_one_way_and_never_in_git(recorded: str, why: str | None) -> None:
    from rectify.domain.portable import recorded_path_problem

    assert recorded_path_problem(recorded) == why


def test_evidence_in_git_s_own_folder_is_refused_on_entry(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[remote]\n", encoding="utf-8")
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "\u202egpj.exe").write_bytes(b"MZ")
    before = demo.read_bytes()
    for given, said in (
        (tmp_path / ".git" / "config", f"evidence file .git/config {_GIT}"),
        (tmp_path / "evidence" / "\u202egpj.exe", f"evidence file evidence/\\u202egpj.exe {_hidden('U+202E')}"),
    ):
        result = run("submit", "demo-002", "--by", "甲", "-e", str(given), "--date", "2021-09-01", "--lang", "en")
        assert result.exit_code == 2
        assert result.stderr == shown_error(said)
    assert demo.read_bytes() == before


def test_a_unit_id_windows_keeps_for_a_device_is_refused(run: Run, folder: Path) -> None:
    result = run("unit", "add", "con", "--name", "某局")
    assert result.exit_code == 2 and not (folder / "con.yaml").exists()
    assert result.stderr == shown_error(
        "unit id 'con' cannot name a ledger file: 'con.yaml' is a name Windows keeps for a device "
        "(CON, PRN, AUX, NUL, COM1-9, LPT1-9)"
    )
    assert run("unit", "add", "cone", "--name", "某局").exit_code == 0


def notepad(text: str) -> bytes:
    """``text`` as Notepad saves it: a UTF-8 byte-order mark and CRLF line ends."""
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


def test_a_notepad_ledger_with_errors_has_the_same_positions_as_a_plain_one(run: Run, folder: Path) -> None:
    broken = (
        MINIMAL.replace("    owner: 张某\n", "    owner: 张某\n    staus: x\n")
        .replace("deadline: 2021-12-31", "deadline: 2021-02-30")
        .replace("  # a comment between findings", "\t# a tab")
    )
    (folder / "demo.yaml").write_text(broken, encoding="utf-8")
    plain = run("check")
    (folder / "demo.yaml").write_bytes(notepad(broken))
    crlf = run("check")
    assert crlf.exit_code == plain.exit_code == 1
    assert crlf.stdout == plain.stdout and crlf.stdout.startswith("ledgers/demo.yaml:20:1: ")
    (folder / "demo.yaml").write_bytes(notepad(broken.replace("\t# a tab", "  # a comment")))
    lines = run("check").stdout.splitlines()
    assert [line.split(" ")[0] for line in lines] == ["ledgers/demo.yaml:14:5:", "ledgers/demo.yaml:24:15:"]
    assert "'2021-02-30' is not a real date" in lines[1]


def test_a_notepad_rectify_yaml_is_read_and_its_errors_placed(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_bytes(notepad("# 设置\nlang: zh\nprecision: 2\n"))
    result = run("status")
    assert result.exit_code == 1
    assert result.stderr.startswith("rectify.yaml:3:1: ") and "precision" in result.stderr
    (tmp_path / "rectify.yaml").write_bytes(notepad("# 设置\nlang: zh\n"))
    result = run("status", "--as-of", "2021-12-31")
    assert result.exit_code == 0 and result.stdout.splitlines()[-1].split()[0] == "合计"


def test_writes_keep_a_notepad_ledger_crlf_and_its_bom(run: Run, demo: Path, tmp_path: Path) -> None:
    demo.write_bytes(notepad(MINIMAL))
    feedback = tmp_path / "反馈.csv"
    feedback.write_bytes(
        notepad(
            "方面,问题,整改措施,责任人,整改时限\n"
            '作风建设方面,会议过多,"精简会议\n压缩文件",李某,2021-11-30\n'
            "作风建设方面,督查过多,精简督查,王某,2021-12-15\n"
        )
    )
    steps = [
        ("add", "--unit", "demo", "--from", str(feedback), "--date", "2021-08-01"),
        ("add", "--unit", "demo", "--aspect", "作风建设方面", "--title", "文山会海", "--date", "2021-08-02"),
        ("start", "demo-001", "--by", "张某", "--date", "2021-08-03"),
        ("edit", "demo-003", "--owner", "赵某", "--reason", "人事调整", "--by", "王某", "--date", "2021-08-04"),
        ("close", "demo-001", "--by", "张某", "--approver", "钟某", "--date", "2021-09-01"),
        ("withdraw", "demo-005", "--reason", "重复", "--by", "王某", "--approver", "钟某", "--date", "2021-09-02"),
    ]
    for args in steps:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    data = demo.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\n") == data.count(b"\r\n") == data.count(b"\r")
    assert b"# a comment between findings, written by hand\r\n" in data
    assert run("check").exit_code == 0
    found = {row["id"]: row for row in json.loads(run("list", "--format", "json").stdout)}
    assert found["demo-003"]["title"] == "会议过多" and found["demo-004"]["owner"] == "王某"
    shown = run("show", "demo-003").stdout
    assert "1. 精简会议\n" in shown and "2. 压缩文件\n" in shown and "\r" not in shown


def test_a_crlf_csv_is_imported_and_its_errors_are_on_the_right_line(run: Run, folder: Path, tmp_path: Path) -> None:
    assert run("unit", "add", "x", "--name", "某局", "--feedback-date", "2021-08-20").exit_code == 0
    sheet = tmp_path / "台账.csv"
    rows = (
        "序号,方面,具体问题,整改措施,责任人,整改时限,整改状态,销号日期,审签人\n"
        '1,政治建设方面,学习贯彻不深入,"制定学习计划\n开展专题学习",李某,2021-11-30,已完成,2021-11-15,钟某\n'
        "2,作风建设方面,督查检查考核过多,精简会议文件,赵某,2021-13-01,正在推进,,\n"
    )
    sheet.write_bytes(notepad(rows))
    bad = run("import", str(sheet), "--unit", "x")
    assert bad.exit_code == 1 and bad.stderr.splitlines()[1].startswith("台账!F3: "), bad.stderr  # row 3 as Excel shows it
    sheet.write_bytes(notepad(rows.replace("2021-13-01", "2021-12-31")))
    done = run("import", str(sheet), "--unit", "x")
    assert done.exit_code == 0, done.output
    found = json.loads(run("list", "--unit", "x", "--format", "json").stdout)
    assert [(r["title"], r["status"], r["deadline"]) for r in found] == [
        ("学习贯彻不深入", "closed", "2021-11-30"),
        ("督查检查考核过多", "in_progress", "2021-12-31"),
    ]
    assert "\r" not in (folder / "x.yaml").read_text(encoding="utf-8").replace("\r\n", "")
    assert "1. 制定学习计划\n  " in run("show", found[0]["id"]).stdout


def pretend_windows_with_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, git: str) -> Path:
    """Pretend to be Windows with Git for Windows installed under ``tmp_path/Git``, its
    git.exe at ``git`` (a path below it); return its less.exe."""
    import shutil

    top = tmp_path / "Git"
    (top / git).parent.mkdir(parents=True)
    (top / git).write_bytes(b"MZ")
    less = top / "usr" / "bin" / "less.exe"
    less.parent.mkdir(parents=True)
    less.write_bytes(b"MZ")
    monkeypatch.setattr(sys, "platform", "win32")
    found = {"git": str(top / git), "less": None}
    monkeypatch.setattr(shutil, "which", lambda name: found.get(name))
    return less


@pytest.mark.parametrize("git", ["cmd/git.exe", "bin/git.exe", "mingw64/bin/git.exe"])
def test_windows_pages_with_the_less_git_for_windows_brings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, git: str
) -> None:
    import subprocess as subprocess_module

    from rectify.present import tables

    less = pretend_windows_with_git(monkeypatch, tmp_path, git)
    assert tables.git_for_windows_less() == str(less)
    for name in ("RECTIFY_PAGER", "PAGER", "LESSCHARSET"):
        monkeypatch.delenv(name, raising=False)
    started: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(subprocess_module, "run", lambda argv, **kw: started.append((argv, kw)))
    tables.page("一行\n" * 500)
    assert [argv for argv, _ in started] == [[str(less), "-FRX"]]
    assert started[0][1]["input"] == ("一行\n" * 500).encode(sys.stdout.encoding or "utf-8")
    assert started[0][1]["env"]["LESSCHARSET"] == "utf-8" and "shell" not in started[0][1]


@pytest.mark.parametrize(("platform", "theirs"), [("linux", None), ("darwin", None), ("linux", "latin1")])
def test_the_less_rectify_starts_is_told_it_reads_utf8_on_every_system(
    monkeypatch: pytest.MonkeyPatch, platform: str, theirs: str | None
) -> None:
    import io
    import shutil
    import subprocess as subprocess_module

    from rectify.present import tables

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/less" if name == "less" else None)
    for name in ("RECTIFY_PAGER", "PAGER", "LESSCHARSET"):
        monkeypatch.delenv(name, raising=False)
    if theirs:
        monkeypatch.setenv("LESSCHARSET", theirs)
    monkeypatch.setenv("LANG", "C")  # no locale: less alone would show <E2><94><8F> for ┏
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    started: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(subprocess_module, "run", lambda argv, **kw: started.append((argv, kw)))
    tables.page("┏━┓ 一行\n" * 500)
    assert [argv for argv, _ in started] == [["/usr/bin/less", "-FRX"]]
    assert started[0][1]["input"] == ("┏━┓ 一行\n" * 500).encode("utf-8")
    assert started[0][1]["env"]["LESSCHARSET"] == (theirs or "utf-8")
    assert started[0][1]["env"]["LANG"] == "C" and "shell" not in started[0][1]


def test_windows_without_git_has_no_pager(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import subprocess as subprocess_module

    from rectify.present import tables

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    for name in ("RECTIFY_PAGER", "PAGER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(subprocess_module, "run", lambda *a, **k: pytest.fail("no pager should start"))
    tables.page("一行\n" * 500)
    assert capsys.readouterr().out == "一行\n" * 500


def test_a_windows_console_is_set_to_show_colours(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from rectify.present import tables

    calls: list[str] = []
    fake = types.ModuleType("colorama")
    fake.just_fix_windows_console = lambda: calls.append("fixed")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "colorama", fake)
    tables.prepare_console()
    assert calls == []  # nothing to do on Linux
    monkeypatch.setattr(sys, "platform", "win32")
    tables.prepare_console()
    assert calls == ["fixed"]
    monkeypatch.setitem(sys.modules, "colorama", None)  # missing: no error
    tables.prepare_console()
    monkeypatch.setitem(sys.modules, "colorama", fake)
    monkeypatch.setattr(sys, "argv", ["rectify", "--version"])
    from rectify.cli import main

    with pytest.raises(SystemExit) as ended:
        main()  # the console script's entry sets the console up first
    assert ended.value.code == 0 and calls == ["fixed", "fixed"]


def test_pyproject_brings_colorama_on_windows_only() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "colorama>=0.4.6; sys_platform == 'win32'" in project["dependencies"]


class _Kernel32:
    """The one call of Windows' kernel32 that the language is read from."""

    language = 0x0804

    def GetUserDefaultUILanguage(self) -> int:  # noqa: N802 - the Windows API's name
        return self.language


class _WinDLL:
    kernel32 = _Kernel32()


@pytest.mark.parametrize(
    ("language", "lang"),
    [(0x0804, "zh"), (0x0404, "zh"), (0x0C04, "zh"), (0x1004, "zh"), (0x0409, "en"), (0x0809, "en"), (0x0411, "en")],
    ids=["zh_CN", "zh_TW", "zh_HK", "zh_SG", "en_US", "en_GB", "ja_JP"],
)
def test_a_windows_display_language_chooses_the_labels(
    run: Run, shipped: Path, monkeypatch: pytest.MonkeyPatch, language: int, lang: str
) -> None:
    import ctypes
    import locale

    assert locale.windows_locale[0x0804] == "zh_CN"  # the standard library's table
    assert run("status", "--as-of", "2021-12-31").exit_code == 0  # modules that look at the platform are loaded
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):  # Windows sets none of them
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", _WinDLL(), raising=False)
    monkeypatch.setattr(_Kernel32, "language", language)
    last = run("status", "--as-of", "2021-12-31").stdout.splitlines()[-1].split()
    assert last[0] == {"zh": "合计", "en": "Total"}[lang]
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # Git Bash sets LANG: the environment comes first
    assert run("status", "--as-of", "2021-12-31").stdout.splitlines()[-1].split()[0] == "Total"


def test_windows_without_the_ui_language_falls_back_to_pythons_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    import locale

    from rectify import i18n

    class Broken:
        @property
        def kernel32(self) -> Any:
            raise OSError("no kernel32")

    import ctypes

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", Broken(), raising=False)
    monkeypatch.setattr(locale, "getlocale", lambda *a: ("Chinese (Simplified)_China", "936"))  # as Windows names it
    assert i18n.system_lang() == "zh"
    monkeypatch.setattr(locale, "getlocale", lambda *a: ("English_United States", "1252"))
    assert i18n.system_lang() == "en"


def test_powershell_completes_commands_unit_ids_and_finding_ids(demo: Path) -> None:
    script = rectify(env={"_RECTIFY_COMPLETE": "source_powershell"}).stdout.decode()
    assert "Register-ArgumentCompleter -Native -CommandName rectify -ScriptBlock $scriptblock" in script
    assert '$Env:_RECTIFY_COMPLETE = "complete_powershell"' in script

    def complete(line: str) -> list[str]:
        """What PowerShell's completer gets for ``line`` (the words before the cursor)."""
        word = "" if line.endswith(" ") else line.split()[-1]
        done = rectify(
            env={
                "_RECTIFY_COMPLETE": "complete_powershell",
                "_TYPER_COMPLETE_ARGS": line,
                "_TYPER_COMPLETE_WORD_TO_COMPLETE": word,
            }  # fmt: skip
        )
        assert done.returncode == 0, done.stderr
        return [entry.split(":::")[0] for entry in done.stdout.decode().splitlines()]

    assert complete("rectify sta") == ["start", "status"]
    assert complete("rectify list --unit ") == ["demo"]
    assert complete("rectify close demo-") == ["demo-001", "demo-002"]


def text_writes_without_newline(source: str) -> list[int]:
    """Lines of ``source`` that write a file in text mode (``write_text``, ``open``/``fdopen``
    with ``"w"`` or ``"a"``) without ``newline=``: on Windows such a write turns every
    ``\\n`` into CRLF, and a file git, sh or ssh-keygen reads then differs by machine."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or any(k.arg == "newline" for k in node.keywords):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
        modes += [k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
        if name == "write_text" or (
            name in ("open", "fdopen") and any(isinstance(m, str) and m[:1] in "wa" and "b" not in m for m in modes)
        ):
            if "devnull" not in ast.unparse(node):  # nothing is written there
                found.append(node.lineno)
    return sorted(found)


def test_every_text_file_rectify_writes_has_lf_line_ends_on_windows_too() -> None:
    assert text_writes_without_newline("p.write_text(s)\nos.fdopen(h, 'w')\nopen(p, 'wb')\nopen(p, mode='a')\n") == [
        1, 2, 4,
    ]  # fmt: skip
    found = {
        path.relative_to(REPO).as_posix(): lines
        for path in sorted((REPO / "rectify").rglob("*.py"))
        if (lines := text_writes_without_newline(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_a_templates_folder_written_with_backslashes_is_found_on_linux(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "模板" / "通报").mkdir(parents=True)
    (tmp_path / "模板" / "通报" / "bulletin.html.j2").write_text("<p>本单位模板 {{ 1 + 1 }}</p>", encoding="utf-8")
    (tmp_path / "rectify.yaml").write_bytes(notepad("bulletin:\n  templates: 模板\\通报\n"))
    result = run("report", "-o", "通报.html")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "通报.html").read_text(encoding="utf-8") == "<p>本单位模板 2</p>"
    (tmp_path / "rectify.yaml").write_text("bulletin:\n  templates: ..\\..\\etc\n", encoding="utf-8")
    outside = run("report", "-o", "通报.html")
    assert outside.exit_code == 2 and "lies outside the repository" in outside.stderr


def on_a_terminal(*args: str, env: dict[str, str], columns: int = 80) -> bytes:
    """Run ``rectify ARGS`` with stdout and stderr on a pseudo-terminal ``columns`` wide;
    return every byte it wrote there."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("rectify")), *args],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
        env={k: v for k, v in {**os.environ, "TERM": "xterm-256color", **env}.items() if k not in ("COLUMNS", "NO_COLOR")},
    )  # fmt: skip
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, out
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX; this is how Linux CI sees a console")
def test_a_gbk_terminal_at_80_columns(folder: Path) -> None:
    (folder / "demo.yaml").write_text(MINIMAL.replace("理论学习不深入", RARE), encoding="utf-8")
    out = on_a_terminal("list", "--lang", "zh", env={"PYTHONIOENCODING": "gbk", "RECTIFY_PAGER": "cat"})
    text = out.decode("gbk").replace("\r\n", "\n")  # the terminal turns \n into \r\n
    lines = [ANSI.sub("", line) for line in text.splitlines()]
    from wcwidth import wcswidth

    assert lines[0].startswith("+--") and max(wcswidth(line) for line in lines) <= 80
    assert "\x1b[31m" in text and any("demo-001" in line for line in lines)  # overdue, red
    assert "理论学习" in text and "????" in text


def test_the_board_serves_without_posix_only_modules(shipped: Path) -> None:
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-c", WITHOUT_POSIX, "board", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()  # printed once the server listens
        assert first.startswith("rectify board: http://127.0.0.1:"), process.stderr.read() if process.stderr else b""
        address = first.split()[2]
        page = urllib.request.urlopen(f"{address}?lang=zh", timeout=120).read().decode("utf-8")
        assert "金华市人民检察院" in page and "296/315" in page
    finally:
        process.terminate()
        process.communicate(timeout=60)
