"""The last English words a user on a Chinese locale met (issue "Speak the user's language
everywhere"): the line that confirms each step (also its commit message), what `add`
prints, and YAML indentation errors; each asserted in Chinese and under ``--lang en``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rectify.cli import app
from tests.conftest import MINIMAL, Run
from tests.test_git import git

STEPS = [
    (("start", "demo-001", "--by", "王某", "--date", "2021-08-02"),
     "已开始整改 demo-001：整改人 王某（2021-08-02）", "start demo-001: 王某 (2021-08-02)"),
    (("start", "demo-002", "--date", "2021-08-02"),
     "已开始整改 demo-002（2021-08-02）", "start demo-002 (2021-08-02)"),
    (("progress", "demo-001", "--by", "王某", "--note", "制定方案", "--date", "2021-08-03"),
     "已记录整改进展 demo-001：王某（2021-08-03）", "progress demo-001: 王某 (2021-08-03)"),
    (("submit", "demo-001", "--by", "王某", "-e", "proof.txt", "--date", "2021-08-04"),
     "已提交销号申请 demo-001：申请人 王某（2021-08-04）", "submit demo-001: 申请销号 王某 (2021-08-04)"),
    (("return", "demo-001", "--by", "钟某", "--opinion", "材料不全", "--date", "2021-08-05"),
     "已退回 demo-001：审核人 钟某（2021-08-05）", "return demo-001: 退回 钟某 (2021-08-05)"),
    (("submit", "demo-001", "--by", "王某", "-e", "proof.txt", "--date", "2021-08-06"),
     "已提交销号申请 demo-001：申请人 王某（2021-08-06）", "submit demo-001: 申请销号 王某 (2021-08-06)"),
    (("sign", "demo-001", "--by", "钟某", "--date", "2021-08-07"),
     "已审签 demo-001：钟某（审签），末级审签，已销号（2021-08-07）",
     "sign demo-001: 审签 钟某 (审签), the last level: closed (2021-08-07)"),
    (("reopen", "demo-001", "--by", "钟某", "--reason", "整改不到位", "--date", "2021-08-08"),
     "已回炉重新整改 demo-001：决定人 钟某（2021-08-08）", "reopen demo-001: 回炉 钟某 (2021-08-08)"),
    (("extend", "demo-001", "--to", "2021-11-30", "--approver", "钟某", "--reason", "跨年度", "--date", "2021-08-09"),
     "已延期 demo-001：整改时限延至 2021-11-30，批准人 钟某（2021-08-09）",
     "extend demo-001: 延期至 2021-11-30 钟某 (2021-08-09)"),
    (("close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-08-10"),
     "已销号 demo-001：审签人 钟某（2021-08-10）", "close demo-001: 审签 钟某 (2021-08-10)"),
    (("long-term", "demo-002", "--by", "钟某", "--note", "长期推进", "--date", "2021-08-11"),
     "已转为需长期坚持 demo-002：决定人 钟某（2021-08-11）", "long-term demo-002: 长期坚持 钟某 (2021-08-11)"),
    (("edit", "demo-002", "--by", "钟某", "--reason", "调整分工", "--owner", "李某", "--date", "2021-08-12"),
     "已修改 demo-002：责任人（修改人 钟某）（2021-08-12）", "edit demo-002: owner (钟某) (2021-08-12)"),
    (("account", "demo-002", "--by", "钟某", "--people", "批评教育=2", "--date", "2021-08-13"),
     "已记录 demo-002 的“三个到位”：记录人 钟某（2021-08-13）", "account demo-002: 三个到位 钟某 (2021-08-13)"),
    (("withdraw", "demo-002", "--by", "王某", "--approver", "钟某", "--reason", "误挂账", "--date", "2021-08-14"),
     "已撤销 demo-002：批准人 钟某（2021-08-14）", "withdraw demo-002: 撤销 钟某 (2021-08-14)"),
]  # fmt: skip
"""Each step, the line it confirms in Chinese, and in English."""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo: Path) -> Path:
    """tmp_path as a git repository holding ledgers/demo.yaml and an evidence file, committed."""
    for key, value in {
        "GIT_AUTHOR_NAME": "王某", "GIT_AUTHOR_EMAIL": "wang@example.org", "GIT_COMMITTER_NAME": "王某",
        "GIT_COMMITTER_EMAIL": "wang@example.org", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path / "home"),
    }.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    (tmp_path / "proof.txt").write_text("会议纪要\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    return tmp_path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_step_confirms_itself_and_commits_in_the_users_language(
    run: Run, repo: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8")
    for args, chinese, english in STEPS:
        result = run(*args, "--commit")
        assert result.exit_code == 0, result.output
        said = chinese if lang == "zh" else english
        assert result.stdout == said + "\n"
        # the commit message is the same line without its day: `rectify log`, `sync` and
        # `check`'s history findings show it; nothing reads a step out of it
        subject = said.rsplit("（" if lang == "zh" else " (", 1)[0]
        assert git(repo, "log", "-1", "--format=%s").strip() == subject


def test_a_commit_subject_in_chinese_is_shown_by_log(run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert run("close", "demo-001", "--by", "王某", "--approver", "钟某", "--date", "2021-09-01", "--commit").exit_code == 0
    assert run("log", "demo-001").stdout.splitlines()[0].endswith("  已销号 demo-001：审签人 钟某")


def test_add_prints_bare_ids_to_a_script() -> None:
    runner = CliRunner()  # output captured: not a terminal
    (Path("ledgers")).mkdir()
    (Path("ledgers") / "demo.yaml").write_text(MINIMAL, encoding="utf-8")
    for lang in ("zh", "en"):
        result = runner.invoke(app, ["--lang", lang, "add", "-u", "demo", "-a", "作风建设方面", "-t", f"问题{lang}"])
        assert result.exit_code == 0, result.output
        assert result.stdout in ("demo-003\n", "demo-004\n")


needs_pty = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")


@needs_pty
def test_add_says_a_sentence_on_a_terminal(demo: Path) -> None:
    from tests.test_terminal import _in_a_terminal

    env = {**os.environ, "RECTIFY_PAGER": "cat", "NO_COLOR": "1"}
    shown = _in_a_terminal(["--lang", "zh", "add", "-u", "demo", "-a", "作风建设方面", "-t", "会风不实"], env)
    assert shown.replace("\r", "") == "已添加 demo-003：会风不实\n"
    shown = _in_a_terminal(["--lang", "en", "add", "-u", "demo", "-a", "作风建设方面", "-t", "文风不正"], env)
    assert shown.replace("\r", "") == "added demo-004: 文风不正\n"
    piped = subprocess.run(
        [str(Path(sys.executable).with_name("rectify")), "add", "-u", "demo", "-a", "作风建设方面", "-t", "三"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert piped.stdout == "demo-005\n"


def _sub(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


INDENTATION = [
    pytest.param(
        _sub("    owner: 张某\n", "     owner: 张某\n"),
        "ledgers/demo.yaml:13:6: YAML 语法错误：缩进不对：本行缩进 5 个空格，与上方任何一层（0、2 或 4 个空格）都对不齐",
        "ledgers/demo.yaml:13:6: YAML syntax error: wrong indentation: this line is indented 5 spaces, which lines up "
        "with no level above it (0, 2 or 4 spaces)",
        id="a key indented deeper than its neighbours",
    ),
    pytest.param(
        _sub("    title: 制度执行不严格\n", "   title: 制度执行不严格\n"),
        "ledgers/demo.yaml:22:4: YAML 语法错误：缩进不对：本行缩进 3 个空格，与上方任何一层（0、2 或 4 个空格）都对不齐",
        "ledgers/demo.yaml:22:4: YAML syntax error: wrong indentation: this line is indented 3 spaces, which lines up "
        "with no level above it (0, 2 or 4 spaces)",
        id="a key indented less than its neighbours",
    ),
    pytest.param(
        _sub("  - id: demo-002\n", "   - id: demo-002\n"),
        "ledgers/demo.yaml:20:4: YAML 语法错误：缩进不对：本行缩进 3 个空格，与上方任何一层（0、2、4、6 或 8 个空格）都对不齐",
        "ledgers/demo.yaml:20:4: YAML syntax error: wrong indentation: this line is indented 3 spaces, which lines up "
        "with no level above it (0, 2, 4, 6 or 8 spaces)",
        id="a list item after a comment, out of line with the items",
    ),
    pytest.param(
        _sub("    owner: 张某\n", "\towner: 张某\n"),
        "ledgers/demo.yaml:13:1: YAML 语法错误：缩进中有制表符（Tab），YAML 只能用空格缩进",
        "ledgers/demo.yaml:13:1: YAML syntax error: a tab character in the indentation; YAML indents with spaces only",
        id="a tab, told once",
    ),
    pytest.param(
        _sub("    owner: 张某\n", "  \t  owner: 张某\n"),
        "ledgers/demo.yaml:13:3: YAML 语法错误：缩进中有制表符（Tab），YAML 只能用空格缩进",
        "ledgers/demo.yaml:13:3: YAML syntax error: a tab character in the indentation; YAML indents with spaces only",
        id="a tab after spaces, at its column",
    ),
    pytest.param(
        _sub("  name: 示例单位\n", "  name: 示例单位: 二\n"),
        "ledgers/demo.yaml:4:13: YAML 语法错误：此处不能有“键: 值”（冒号后的值）",
        "ledgers/demo.yaml:4:13: YAML syntax error: mapping values are not allowed here",
        id="a colon in a value is not called indentation",
    ),
]


@pytest.mark.parametrize(("text", "chinese", "english"), INDENTATION)
def test_indentation_errors_point_at_the_line_and_say_indentation(
    run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch, text: str, chinese: str, english: str
) -> None:
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == chinese
    assert run("--lang", "en", "check").stdout.splitlines()[0] == english


COMMANDS = [
    ["init"], ["merge-driver"], ["unit", "list"], ["unit", "add"], ["add"], ["close"], ["start"], ["progress"],
    ["submit"], ["sign"], ["return"], ["reopen"], ["extend"], ["long-term"], ["edit"], ["withdraw"], ["account"],
    ["status"], ["overdue"], ["trend"], ["report"], ["export"], ["frequent"], ["import"], ["schema"], ["list"],
    ["board"], ["show"], ["log"], ["check"], ["sync"], ["hook", "install"], ["hook", "pre-receive"],
]  # fmt: skip
"""Every command of `rectify --help`."""

PLACEHOLDERS = (
    r"\b(ASPECT|BASE|DATE|DAYS|DIR|FILE|FORMAT|GROUP|HOST|ID|KIND|LANG|N|NAME|OURS|PATH|PERIOD|ROLE|ROUND|SIZE|TEXT"
    r"|THEIRS|UNIT|YUAN)\b|<(str|path|int)>|<=x|x>="
)


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_placeholder_of_the_help_is_chinese(run: Run, words: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("COLUMNS", "80")
    shown = run(*words, "--help").stdout
    rows = [line for line in shown.splitlines() if line.lstrip().startswith(("-", "用法")) or "<" in line]
    assert [row for row in rows if re.search(PLACEHOLDERS, row.split("  ")[0] if "--" in row else row)] == []


def test_placeholders_types_and_ranges_in_the_help(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    status = run("status", "--help").stdout.splitlines()
    assert "  -p, --precision 位数  完成率的小数位数（0-4）。  [默认：1；范围 0～4]" in status
    assert any(row.startswith("  --by 分组             按单位、方面、问题、督导组") for row in status)
    assert "  --within 天数      同时列出此天数内到期的问题。  [默认：0；不小于 0]" in run("overdue", "--help").stdout
    close = run("close", "--help").stdout.splitlines()
    assert close[0].endswith(" close [选项] {编号}")
    assert "  编号 <文本>  问题编号，如 jinhua-012。  [必填]" in close
    assert "  --by 姓名            销号人。  [必填]" in close
    init = run("init", "--help").stdout  # an optional argument: [文件夹] in the usage line, once
    assert "  文件夹 <路径>  台账文件夹（默认：--ledgers、$RECTIFY_LEDGERS，否则" in init and " init [选项] [文件夹]\n" in init
    assert "  --port 端口号  监听端口（0：任一空闲端口）。  [默认：8765；范围 0～65535]" in run("board", "--help").stdout
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # English keeps typer's own
    status = run("status", "--help").stdout.splitlines()
    assert "  -p, --precision N    Decimals of the rate (0-4).  [default: 1; 0<=x<=4]" in status
    assert "  ID <str>  Finding id, e.g. jinhua-012.  [required]" in run("close", "--help").stdout.splitlines()


def test_an_unknown_option_suggests_the_one_that_fills_its_field(run: Run, demo: Path) -> None:
    said = run("--lang", "zh", "return", "demo-001", "--note", "材料不全")
    assert said.exit_code == 2
    assert said.stderr.splitlines()[-1] == "错误：没有选项：--note（可用选项：--opinion、--date）"
    said = run("--lang", "en", "return", "demo-001", "--note", "材料不全")
    assert said.stderr.splitlines()[-1] == "Error: No such option: --note (Possible options: --opinion, --date)"
    said = run("--lang", "zh", "reopen", "demo-001", "--note", "x")
    assert said.stderr.splitlines()[-1] == "错误：没有选项：--note（可用选项：--reason、--date）"
    said = run("--lang", "zh", "close", "demo-001", "--aprover", "钟某")
    assert said.stderr.splitlines()[-1] == "错误：没有选项：--aprover（可用选项：--approver）"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "rectify merge-driver：冲突：demo-001：deadline：我方为 '2021-11-30'，对方为 '2021-11-15'"),
        ("en", "rectify merge-driver: conflict in demo-001: deadline: ours '2021-11-30', theirs '2021-11-15'"),
    ],
)
def test_the_merge_driver_speaks_the_users_language(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    from tests.test_git import _branches

    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8")  # git passes it to the driver
    _branches(repo, run)
    ledger = repo / "ledgers" / "demo.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("deadline: 2021-10-31", "deadline: 2021-11-15"),
                      encoding="utf-8")  # fmt: skip
    git(repo, "commit", "-qam", "theirs: deadline")
    assert run("add", "-u", "demo", "-a", "a", "-t", "theirs new", "--date", "2021-08-01", "--commit").exit_code == 0
    git(repo, "checkout", "-q", "main")
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("deadline: 2021-10-31", "deadline: 2021-11-30"),
                      encoding="utf-8")  # fmt: skip
    git(repo, "commit", "-qam", "ours: deadline")
    assert run("add", "-u", "demo", "-a", "a", "-t", "ours new", "--date", "2021-08-01", "--commit").exit_code == 0
    merged = subprocess.run(["git", "merge", "--no-edit", "theirs"], cwd=repo, capture_output=True, text=True)
    assert merged.returncode != 0
    notes = [line for line in (merged.stderr + merged.stdout).splitlines() if "merge-driver" in line]
    renumbered = {
        "zh": "rectify merge-driver：双方都添加了 demo-003：对方的保留此编号，我方的改为 demo-004",
        "en": "rectify merge-driver: demo-003 was added on both sides: theirs keeps it, ours is now demo-004",
    }
    assert notes == [renumbered[lang], said]


def test_lists_in_messages_and_marks_in_tables_are_written_as_chinese_is(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert run("start", "demo-001", "--date", "2021-08-02").exit_code == 0
    assert run("start", "demo-001").stderr == (
        "rectify：错误：不能对状态为 整改中 的问题执行 start（启动整改）；整改中 状态下可执行：progress（整改进展）、"
        "submit（申请销号）、close（销号）、extend（延期）、long-term（转长期坚持）、edit（修改）、"
        "account（记录三个到位）、withdraw（撤销）\n"
    )
    assert run("status", "--by", "x").stderr.splitlines()[-1].endswith(
        "--by 须为 unit（单位）、aspect（方面）、problem（所属问题）、title（问题）、category（类别）、supervisor（督导组）、"
        "department（责任部门）、owner（责任人）、round（巡察轮次） 之一，不能是 'x'"
    )
    shown = run("list", "-f", "plain", "--as-of", "2021-12-31").stdout
    assert "demo-001  整改中（逾期）  2021-10-31" in shown and "(" not in shown
    assert run("status", "-u", "demo", "-f", "markdown", "--as-of", "2021-12-31").stdout.startswith(
        "**示例单位（截至 2021-12-31）**"
    )
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run("start", "demo-001").stderr.splitlines()[-1].endswith(
        "allowed from in_progress: progress, submit, close, extend, long-term, edit, account, withdraw"
    )
    assert "demo-001  in_progress (Overdue)  2021-10-31" in run("list", "-f", "plain", "--as-of", "2021-12-31").stdout


def test_import_lists_its_words_with_the_languages_comma(run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = Path(__file__).resolve().parent / "data" / "office_gbk.csv"
    args = ("import", str(sheet), "--create-units", "--approver", "钟某", "--date", "2021-07-28", "-n")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    said = run(*args)
    assert said.exit_code == 0, said.output
    assert "状态用语：已完成→已销号（1条）、正在推进→整改中（1条）" in said.output.splitlines()
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    said = run(*args).output
    assert ", " in next(line for line in said.splitlines() if "已完成" in line and "正在推进" in line)


def test_an_option_and_its_problem_are_joined_by_the_languages_colon(run: Run, demo: Path) -> None:
    args = ("add", "-u", "demo", "-a", "作风建设方面", "-t", "会风不实", "--deadline", "2021-02-30")
    assert run("--lang", "zh", *args).stderr == "rectify：错误：--deadline：'2021-02-30' 不是有效日期\n"
    assert run("--lang", "en", *args).stderr == "rectify: error: --deadline: '2021-02-30' is not a real date\n"


def test_installing_completion_says_so_in_the_users_language(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("SHELL", "/bin/bash")
    # typer asks the process tree which shell runs it; the test runner's parent may be any
    monkeypatch.setattr("typer._completion_shared._get_shell_name", lambda: "bash")
    script = home / ".bash_completions" / "root.sh"  # the test runner's program name
    said = run("--lang", "zh", "--install-completion", "bash")
    assert said.exit_code == 0, said.output
    assert said.stdout == f"已为 bash 安装命令补全：{script}\n重新打开终端后命令补全生效\n"
    assert f"source '{script}'" in (home / ".bashrc").read_text(encoding="utf-8")
    said = run("--lang", "en", "--install-completion", "bash")
    assert said.stdout == f"bash completion installed in {script}\nCompletion will take effect once you restart the terminal\n"
