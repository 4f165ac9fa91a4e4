"""Behaving like a well-made terminal program (issue "Speak the user's language
everywhere"): the language found as a user expects, colour with meaning, completion."""

from __future__ import annotations

import os
import re
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


# What a user sees in a window of 80 and 160 columns, in Chinese and in English (issue #16):
# no line wider than the window; columns a narrow window cannot hold dropped in a stated
# order (empty ones first) and named on stderr; dates and ids whole; no lone character.

WINDOWS = [(80, "zh"), (160, "zh"), (80, "en"), (160, "en")]
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_BORDERS = "┏┃┡│└"


def _seen(args: list[str], ledgers: Path, cols: int, lang: str) -> list[str]:
    """The lines rectify shows in a terminal ``cols`` wide (stdout and stderr, colour codes
    taken out), after checking that none is wider than the window."""
    from wcwidth import wcswidth

    env = {**os.environ, "RECTIFY_LEDGERS": str(ledgers), "RECTIFY_PAGER": "cat", "NO_COLOR": "1",
           "LANG": "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8"}  # fmt: skip
    shown = _in_a_terminal([*args, "--lang", lang], env, rows=200, cols=cols)
    lines = [_ESCAPES.sub("", line) for line in shown.replace("\r", "").split("\n")]
    assert lines[-1] == "" and "Traceback" not in shown
    assert [line for line in lines if wcswidth(line) > cols] == []
    return lines[:-1]


def _table(lines: list[str]) -> list[list[str]]:
    """The rows of the boxed table in ``lines``: cells stripped, for the lines with cells;
    every line of the table has both borders."""
    boxed = [line for line in lines if line[:1] in _BORDERS]
    assert boxed and all(line[-1] in "┓┃┩│┘" for line in boxed)  # never cropped: the right border is there
    return [[cell.strip() for cell in line[1:-1].split(line[0])] for line in boxed if line[0] in "┃│"]


def _dropped_notice(lines: list[str]) -> str:
    """The narrow-window notice, its lines joined; empty when there is none."""
    start = next((n for n, line in enumerate(lines) if line.startswith(("窗口太窄", "Window too narrow"))), None)
    if start is None:
        return ""
    end = next(n for n in range(start, len(lines)) if "csv" in lines[n])
    return "".join(lines[start : end + 1]) if lines[start].startswith("窗") else " ".join(lines[start : end + 1])


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), WINDOWS)
def test_overdue_narrows_to_the_window_dropping_the_least_needed_columns_and_saying_so(
    shipped: Path, cols: int, lang: str
) -> None:
    lines = _seen(["overdue", "--within", "30", "--as-of", "2021-12-20"], shipped, cols, lang)
    rows = _table(lines)
    every = {"zh": ["编号", "单位", "问题", "整改时限", "逾期天数", "状态", "责任领导", "责任部门", "责任人"],
             "en": ["ID", "Unit", "Title", "Deadline", "Days late", "Status", "Leader", "Department", "Owner"]}[lang]  # fmt: skip
    notice = _dropped_notice(lines)
    if cols == 80:  # the leader goes first, then the department, then the owner
        assert rows[0] == every[:6]
        assert notice == {
            "zh": "窗口太窄，未显示：责任领导、责任部门、责任人；可加宽窗口或用 --format csv",
            "en": "Window too narrow, not shown: Leader, Department, Owner; widen the window or use --format csv",
        }[lang]
    else:
        assert [" ".join(cell.split()) for cell in rows[0]] == every and notice == ""
    first = rows[1]
    assert first[:2] == ["jinhua-025", "金华市人" if cols == 80 else "金华市人民检察院"]
    assert first[3:5] == ["2021-11-30", "20"]  # the date and the id whole, on the finding's first line
    ids = [row[0] for row in rows[1:] if row[0]]
    assert len(ids) == 28 and all(re.fullmatch(r"[a-z]+-\d{3}", found) for found in ids)


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), WINDOWS)
def test_empty_columns_are_the_first_a_narrow_window_drops_and_go_unmentioned(
    demo: Path, cols: int, lang: str
) -> None:
    lines = _seen(["overdue", "--within", "30", "--as-of", "2021-12-20"], demo.parent, cols, lang)
    header = [" ".join(cell.split()) for cell in _table(lines)[0]]
    empty = {"zh": ["责任领导", "责任部门"], "en": ["Leader", "Department"]}[lang]
    owner = {"zh": "责任人", "en": "Owner"}[lang]
    assert owner in header and _dropped_notice(lines) == ""
    assert all(name not in header for name in empty) if cols == 80 else all(name in header for name in empty)


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), WINDOWS)
def test_unit_list_never_breaks_a_date_or_an_id(shipped: Path, cols: int, lang: str) -> None:
    rows = _table(_seen(["unit", "list"], shipped, cols, lang))
    feedback = [row[5] for row in rows[1:] if row[5]]
    assert feedback[:3] == ["2021-08-02", "2021-07-29", "2021-07-28"] and len(feedback) == 10
    assert [row[0] for row in rows[1:] if row[0]][:3] == ["dongyang", "jindong", "jinhua"]
    names = [row[1] for row in rows[1:4]]
    assert names == (["东阳市人", "民检察院", "金华市金"] if cols == 80 else ["东阳市人民检察院", "金华市金东区人民检察院", "金华市人民检察院"])


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), WINDOWS)
@pytest.mark.parametrize("tree", [False, True])
def test_status_names_wrap_evenly_never_leaving_a_lone_character(
    shipped: Path, cols: int, lang: str, tree: bool
) -> None:
    lines = _seen(["status", "--as-of", "2021-12-31", *(["--tree"] if tree else [])], shipped, cols, lang)
    rows = _table(lines)
    names = [row[0] for row in rows[1:] if row[0]]
    assert [name for name in names if len(name) == 1] == []  # no 院 nor ） alone
    assert rows[-1][-1] == "296/315 94.0%"
    if cols == 80 and lang == "zh":
        assert names[:2] == (["金华市人民", "检察院（含"] if tree else ["东阳市人", "民检察院"])
    if cols == 160:
        if tree and lang == "zh":
            assert names[0] == "金华市人民检察院（含下级单位）"
        assert len(names) == len([row for row in rows[1:] if row[1]])  # one line a unit


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), WINDOWS)
def test_status_wide_names_what_a_narrow_window_leaves_out(shipped: Path, cols: int, lang: str) -> None:
    lines = _seen(["status", "-w", "--money", "wan", "--as-of", "2021-12-31"], shipped, cols, lang)
    header = [" ".join(cell.split()) for cell in _table(lines)[0]]
    notice = _dropped_notice(lines)
    if cols == 160:
        assert notice == "" and len(header) == 13
    elif lang == "zh":
        assert notice == "窗口太窄，未显示：按期完成率、平均整改天数、问责人数、清退资金（万元）、建章立制（项）；可加宽窗口或用 --format csv"  # noqa: E501
        assert header == ["单位", "问题数", "已销号", "整改中", "长期坚持", "逾期", "整改完成率", "延期"]
    else:
        assert notice == ("Window too narrow, not shown: Overdue, Extended, On time, Avg days, People, Funds "
                          "(10k yuan), Rules; widen the window or use --format csv")  # fmt: skip
        assert header == ["Unit", "Findings", "Closed", "In progress", "Long-term", "Rate"]


def test_a_pipe_gets_every_column_and_no_notice(shipped: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("rectify")), "status", "-w", "--as-of", "2021-12-31", "--lang", "zh"],
        env={**os.environ, "RECTIFY_LEDGERS": str(shipped), "COLUMNS": "80"}, capture_output=True, text=True,
    )  # fmt: skip
    assert done.stderr == "" and "建章立制（项）" in done.stdout.splitlines()[1]


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), WINDOWS)
def test_trend_drops_its_bar_before_any_figure(shipped: Path, cols: int, lang: str) -> None:
    lines = _seen(["trend"], shipped, cols, lang)
    header = [" ".join(cell.split()) for cell in _table(lines)[0]]
    assert header[5] == {"zh": "逾期", "en": "Overdue"}[lang] and _dropped_notice(lines) == ""
    assert ("█" in "".join(lines)) is (cols == 160) and (header[-1] == "") is (cols == 160)


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), WINDOWS)
def test_show_wraps_to_the_window_with_a_hanging_indent(shipped: Path, cols: int, lang: str) -> None:
    lines = _seen(["show", "jinhua-025"], shipped, cols, lang)
    start = next(n for n, line in enumerate(lines) if line.startswith("    2021-11-15  "))
    history = "在整改工作专班第6次周例会上汇报：干部选拔任用、交流轮岗制度修订稿已形成，正在征求意见"
    if cols == 160:
        assert lines[start].endswith("— " + history) and lines[start + 1].startswith("    2021-12-27  ")
    else:
        assert lines[start + 1].startswith(" " * 16) and not lines[start + 1].startswith(" " * 17)
        joined = lines[start] + lines[start + 1].strip()
        assert joined.endswith("— " + history)


HELPS = [["unit", "add"], ["status"], ["overdue"], ["trend"], ["list"], ["import"], ["init"]]


@needs_pty
@pytest.mark.parametrize(("cols", "lang"), WINDOWS)
def test_help_keeps_brackets_with_their_words(shipped: Path, cols: int, lang: str) -> None:
    for words in HELPS:
        lines = _seen([*words, "--help"], shipped, cols, lang)
        assert [line for line in lines if line.rstrip().endswith(("[", "（", "("))] == [], words
        assert [line for line in lines if line.strip()[:1] in ("]", "）", ")", "；", "，", "、", "。")] == [], words
        usage = lines[0]
        assert "[[" not in usage and "]]" not in usage
        if words == ["init"]:
            assert usage.endswith({"zh": "rectify init [选项] [文件夹]", "en": "rectify init [OPTIONS] [DIR]"}[lang])
