"""Behaving like a well-made terminal program (issue "Speak the user's language
everywhere"): the language found as a user expects, colour with meaning, completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rectify import i18n
from tests.conftest import Run


def test_the_language_comes_from_the_locale_then_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGUAGE", "zh_CN:en")
    assert i18n.default_lang() == "zh"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")  # LANG comes before LANGUAGE
    assert i18n.default_lang() == "en"
    monkeypatch.delenv("LANG")
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.setattr(i18n, "system_lang", lambda: "zh")
    assert i18n.default_lang() == "zh"


def test_windows_ui_language_is_read_through_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    class Kernel32:
        @staticmethod
        def GetUserDefaultUILanguage() -> int:  # noqa: N802 - the Windows API's name
            return 0x0804  # zh_CN

    class WinDLL:
        kernel32 = Kernel32()

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", WinDLL(), raising=False)
    assert i18n.system_lang() == "zh"
    Kernel32.GetUserDefaultUILanguage = staticmethod(lambda: 0x0409)  # type: ignore[method-assign]
    assert i18n.system_lang() == "en"


def test_rectify_yaml_comes_before_the_environment_and_lang_before_both(
    run: Run, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    (tmp_path / "rectify.yaml").write_text("lang: zh\n", encoding="utf-8")
    assert "整改完成率" in run("status").stdout
    assert "Rate" in run("status", "--lang", "en").stdout


def test_overdue_rows_are_red_and_closed_ones_dim_on_a_terminal(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("close", "demo-002", "--by", "甲", "--approver", "乙", "--date", "2021-09-01").exit_code == 0
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR")
    painted = run("list", "--as-of", "2021-11-05").stdout
    late = next(line for line in painted.splitlines() if "demo-001" in line)
    done = next(line for line in painted.splitlines() if "demo-002" in line)
    assert "\x1b[31m" in late and "\x1b[2m" in done
    soon = next(line for line in run("list", "--as-of", "2021-10-28").stdout.splitlines() if "demo-001" in line)
    assert "\x1b[33m" in soon
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[31m" not in run("list", "--as-of", "2021-11-05").stdout
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" not in run("list", "--as-of", "2021-11-05", "--format", "plain").stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_unit_and_finding_ids(demo: Path, tmp_path: Path) -> None:
    rectify = Path(sys.executable).with_name("rectify")
    env = {**os.environ, "RECTIFY_LEDGERS": str(demo.parent)}
    # started by bash, as a user's shell starts it: typer asks the process tree which shell to write for
    script = subprocess.run(
        ["bash", "-c", f"'{rectify}' --show-completion; exit $?"], env=env, capture_output=True, text=True
    )
    assert script.returncode == 0 and "_rectify_completion" in script.stdout
    (tmp_path / "complete.bash").write_text(script.stdout, encoding="utf-8")

    def complete(*words: str) -> list[str]:
        line = " ".join(f"'{w}'" for w in words)
        program = (
            f"PATH={rectify.parent}:$PATH; source {tmp_path / 'complete.bash'}; COMP_WORDS=({line}); "
            f"COMP_CWORD={len(words) - 1}; _rectify_completion rectify; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        )
        done = subprocess.run(["bash", "-c", program], env=env, capture_output=True, text=True, timeout=60)
        return done.stdout.split()

    assert complete("rectify", "status", "--unit", "de") == ["demo"]
    assert complete("rectify", "show", "demo-00") == ["demo-001", "demo-002"]


def _in_a_terminal(args: list[str], env: dict[str, str], rows: int = 24, cols: int = 80) -> str:
    """Run rectify in a pseudo-terminal of ``rows`` × ``cols`` and return what it shows."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    rectify = Path(sys.executable).with_name("rectify")
    process = subprocess.Popen(
        [str(rectify), *args], stdin=slave, stdout=slave, stderr=slave, env={**env, "COLUMNS": str(cols),
        "LINES": str(rows)}, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the program has ended
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


needs_pty = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")


@needs_pty
def test_long_output_goes_through_the_pager_and_short_does_not(shipped: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env = {**os.environ, "RECTIFY_LEDGERS": str(shipped), "RECTIFY_PAGER": f"cat > {paged}"}
    env.pop("NO_COLOR", None)
    _in_a_terminal(["list", "--as-of", "2021-12-31"], env)
    assert paged.exists() and paged.read_text(encoding="utf-8").count("jinhua-0") == 37
    paged.unlink()
    shown = _in_a_terminal(["status", "--unit", "jinhua", "--as-of", "2021-12-31"], env, rows=40, cols=160)
    assert not paged.exists() and "36/37 97.3%" in shown
    _in_a_terminal(["--no-pager", "list", "--as-of", "2021-12-31"], env)
    assert not paged.exists()


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), [(80, "zh"), (160, "zh"), (80, "en"), (160, "en")])
def test_no_line_is_wider_than_the_window(shipped: Path, cols: int, lang: str) -> None:
    from wcwidth import wcswidth

    env = {**os.environ, "RECTIFY_LEDGERS": str(shipped), "RECTIFY_PAGER": "cat", "NO_COLOR": "1"}
    shown = _in_a_terminal(["status", "--as-of", "2021-12-31", "--lang", lang], env, rows=60, cols=cols)
    lines = [line for line in shown.replace("\r", "").split("\n") if line]
    assert "296/315 94.0%" in shown
    assert max(wcswidth(line) for line in lines) <= cols


@needs_pty
def test_progress_shows_on_a_slow_read_in_a_terminal_and_never_in_a_pipe(shipped: Path) -> None:
    env = {**os.environ, "RECTIFY_LEDGERS": str(shipped), "RECTIFY_PAGER": "cat", "RECTIFY_PROGRESS_AFTER": "0"}
    shown = _in_a_terminal(["status", "--as-of", "2021-12-31"], env, rows=60, cols=160)
    assert "reading ledgers" in shown or "读取台账" in shown
    piped = subprocess.run([str(Path(sys.executable).with_name("rectify")), "status", "--as-of", "2021-12-31"],
                           env=env, capture_output=True, text=True)  # fmt: skip
    assert "reading ledgers" not in piped.stderr and "读取台账" not in piped.stderr


@pytest.mark.parametrize(("lang", "mark"), [("zh", "逾期60天"), ("en", "60 d late")])
def test_show_marks_an_overdue_finding_in_red_on_a_terminal_and_plainly_in_a_pipe(
    shipped: Path, run: Run, lang: str, mark: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    status = "整改中" if lang == "zh" else "in_progress"
    monkeypatch.setenv("RECTIFY_TODAY", "2022-03-01")  # dongyang-033: deadline 2021-12-31, still in progress
    env = {**os.environ, "RECTIFY_LEDGERS": str(shipped), "RECTIFY_PAGER": "cat", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    if os.name == "posix":
        shown = _in_a_terminal(["show", "dongyang-033", "--lang", lang], env, rows=60, cols=120)
        line = next(line for line in shown.splitlines() if status in line)
        assert f"{status}  \x1b[31m{mark}\x1b[0m" in line
    piped = run("show", "dongyang-033", "--lang", lang).stdout.splitlines()
    assert piped[3].split() == [piped[3].split()[0], status, *mark.split()] and "\x1b" not in "".join(piped)
    closed = run("show", "dongyang-001", "--lang", lang).stdout
    assert ("逾期" if lang == "zh" else "late") not in closed.splitlines()[3]
    monkeypatch.setenv("RECTIFY_TODAY", "2021-12-31")  # the deadline itself: not yet overdue
    assert mark not in run("show", "dongyang-033", "--lang", lang).stdout
