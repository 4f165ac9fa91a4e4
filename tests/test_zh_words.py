"""The English words a Chinese-locale trial found inside Chinese messages (issue #16):
PyYAML's problems, a full-width colon, the operating system's reasons, a value a field
does not allow, states and steps in sentences, option values in Chinese, a mistyped unit,
the last sign-off, an option that is not there on purpose, ``log`` outside git, a GBK CSV
for ``add --from``. Each is asserted as the user sees it, in Chinese and with --lang en."""

from __future__ import annotations

import errno
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from rectify.i18n import os_reason, speaking
from tests.conftest import MINIMAL, Run


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


@pytest.fixture
def run(run: Run) -> Run:
    """The CLI as the user types it, stdout and stderr apart."""
    from typer.testing import CliRunner

    from rectify.cli import app

    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args), catch_exceptions=False, prog_name="rectify")

    return invoke


@pytest.mark.parametrize(
    ("old", "new", "zh_text", "en_text"),
    [
        ("title: 理论学习不深入", 'title: "法律\\q"', "12:15: YAML 语法错误：有未知的转义字符（读取带引号的文字时）；双引号中的反斜杠"
         "表示转义：请改用单引号，或将每个反斜杠写成 \\\\",
         "12:15: YAML syntax error: found an unknown escape character (while scanning a quoted scalar); in double "
         "quotes a backslash starts an escape: put the text in single quotes, or write \\\\ for each backslash"),
        ("title: 理论学习不深入", "title: !法律", "12:13: YAML 语法错误：此处应为空格或换行（读取以 ! 开头的标记时）；"
         "以 !、* 或 & 开头的内容要加引号",
         "12:13: YAML syntax error: did not find expected whitespace or line break (while scanning a tag); a value "
         "that starts with !, * or & must be put in quotes"),
        ("title: 理论学习不深入", "title: *法律", "12:13: YAML 语法错误：此处应为字母或数字（读取以 * 开头的别名时）；"
         "以 !、* 或 & 开头的内容要加引号",
         "12:13: YAML syntax error: did not find expected alphabetic or numeric character (while scanning an "
         "alias); a value that starts with !, * or & must be put in quotes"),
        ("title: 理论学习不深入", "title: &党建 理论学习", "12:13: YAML 语法错误：此处应为字母或数字（读取以 & 开头的锚点时）；"
         "以 !、* 或 & 开头的内容要加引号",
         "12:13: YAML syntax error: did not find expected alphabetic or numeric character (while scanning an "
         "anchor); a value that starts with !, * or & must be put in quotes"),
        ("", "# 台账\nunit: [\n", "3:1: YAML 语法错误：找不到应有的内容（解析方括号或花括号中的内容时）",
         "3:1: YAML syntax error: did not find expected node content (while parsing a flow node)"),
        ("  id: demo\n", "  id: [\n", "5:11: YAML 语法错误：此处应为 ',' 或 ']'（解析方括号列表时，第 3 行）",
         "5:11: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 3)"),
        ("inspection:\n", "---\ninspection:\n", "5:1: YAML 语法错误：文件中还有第二份文档（一个文件只能有一份文档（多了 ---？），"
         "第 2 行）",
         "5:1: YAML syntax error: but found another document (expected a single document in the stream at line 2)"),
        ("owner: 张某", "owner：张某", "13:10: YAML 语法错误：第 13 行用了全角冒号“：”；键和值之间要用半角冒号 ':' 加空格",
         "13:10: YAML syntax error: line 13 has a full-width colon “：”; a key and its value are separated by a "
         "half-width colon ':' and a space"),
        ("    status: open\n    history:", "    status: 已销号\n    history:",
         "15:13: demo-001.status: 此处不允许'已销号'；应为以下之一：open（未整改）、in_progress（整改中）、"
         "submitted（申请销号）、closed（已销号）、long_term（长期坚持）、withdrawn（已撤销）",
         "15:13: demo-001.status: '已销号' is not allowed here; expected one of open, in_progress, submitted, "
         "closed, long_term, withdrawn"),
    ],
)
def test_check_says_what_is_wrong_in_the_users_language(
    run: Run, folder: Path, zh: None, old: str, new: str, zh_text: str, en_text: str
) -> None:
    assert old in MINIMAL
    (folder / "demo.yaml").write_text(MINIMAL.replace(old, new, 1) if old else new, encoding="utf-8")
    chinese = run("check")
    assert (chinese.exit_code, chinese.stdout) == (1, f"ledgers/demo.yaml:{zh_text}\n")
    english = run("--lang", "en", "check")
    assert (english.exit_code, english.stdout) == (1, f"ledgers/demo.yaml:{en_text}\n")


def test_a_full_width_colon_inside_a_value_is_no_typo(run: Run, folder: Path, zh: None) -> None:
    """``title: 关于：……`` is a value; the colon typo is told only where a key's ``:`` belongs."""
    text = MINIMAL.replace("title: 理论学习不深入", "title: 关于：理论学习不深入").replace("owner: 张某", "owner：张某")
    (folder / "demo.yaml").write_text(text, encoding="utf-8")
    assert run("check").stdout == (
        "ledgers/demo.yaml:13:10: YAML 语法错误：第 13 行用了全角冒号“：”；键和值之间要用半角冒号 ':' 加空格\n"
    )


def test_every_pyyaml_problem_and_context_has_words() -> None:
    """Every problem and context text in libyaml (the C parser rectify uses) and in
    PyYAML's own scanner, parser, reader and composer is in the table, so none reaches a
    Chinese user in English."""
    import re

    import yaml

    from rectify.files.yamlread import yaml_words

    folder = Path(yaml.__file__).parent
    texts = set()
    for name in ("scanner.py", "parser.py", "composer.py", "reader.py"):
        source = (folder / name).read_text(encoding="utf-8")
        for text in re.findall(r'"((?:while|found|did not|could not|mapping|block|expected|but found)[^"]*)"', source):
            if "%s" in text:  # the kind PyYAML fills in: of node, of token, of where a URI is
                kinds = ("block", "flow") if text.endswith(" node") else ("alias", "anchor") if " an " in text else (
                    "tag", "directive")
                texts |= {text.replace("%s", kind) for kind in kinds}
            else:
                texts.add(text.replace("%r", "'x'").replace("%d", "2"))
    texts.discard("found duplicate key")  # said by rectify itself, at the key
    libyaml = [
        "did not find expected <document start>", "did not find expected alphabetic or numeric character",
        "did not find expected whitespace or line break", "found unknown escape character",
        "did not find expected hexdecimal number", "found unexpected document indicator",
        "mapping keys are not allowed in this context", "while scanning an anchor", "while scanning an alias",
        "while parsing a flow node", "while parsing a block node", "while increasing block level",
        "control characters are not allowed", "found an indentation indicator equal to 0",
        "found a tab character where an indentation space is expected", "but found another document",
    ]
    with speaking("zh"):
        left = sorted(text for text in {*texts, *libyaml} if yaml_words(text) == text)
    assert left == []


@pytest.mark.parametrize(
    ("code", "zh_text", "en_text"),
    [
        (errno.ENOENT, "文件或文件夹不存在", "no such file or folder"),
        (errno.EISDIR, "这是文件夹，不是文件", "it is a folder, not a file"),
        (errno.ENOTDIR, "路径中有一级是文件而不是文件夹", "a part of the path is a file, not a folder"),
        (errno.EACCES, "没有权限，或文件正被其他程序打开", "permission denied, or the file is open in another program"),
        (errno.EPERM, "没有权限，或文件正被其他程序打开", "permission denied, or the file is open in another program"),
        (errno.ENOSPC, "磁盘已满", "the disk is full"),
        (errno.EROFS, "磁盘为只读", "the disk is read-only"),
        (errno.EEXIST, "已经存在", "it already exists"),
        (errno.EBUSY, "正被其他程序占用", "it is in use by another program"),
        (errno.ENAMETOOLONG, "名称过长", "the name is too long"),
        (errno.EINVAL, "名称或路径无效", "the name or the path is not valid"),
        (errno.EIO, "Input/output error", "Input/output error"),  # a rare one: the system's words
    ],
)
def test_operating_system_reasons_in_the_users_language(code: int, zh_text: str, en_text: str) -> None:
    exc = OSError(code, "Input/output error" if code == errno.EIO else "the system's words")
    with speaking("zh"):
        assert os_reason(exc) == zh_text
    with speaking("en"):
        assert os_reason(exc) == en_text


def test_a_missing_or_folder_file_is_told_in_chinese(run: Run, demo: Path, tmp_path: Path, zh: None) -> None:
    missing = run("add", "-u", "demo", "--from", "无此文件.csv")
    assert (missing.exit_code, missing.stderr) == (2, "rectify：错误：无法读取 无此文件.csv：文件或文件夹不存在\n")
    (tmp_path / "反馈清单.csv").mkdir()
    folder = run("add", "-u", "demo", "--from", "反馈清单.csv")
    assert folder.stderr == "rectify：错误：无法读取 反馈清单.csv：这是文件夹，不是文件\n"
    english = run("--lang", "en", "add", "-u", "demo", "--from", "无此文件.csv")
    assert english.stderr == "rectify: error: cannot read 无此文件.csv: no such file or folder\n"


def test_the_history_review_names_states_and_steps_in_chinese(tmp_path: Path) -> None:
    from rectify.domain.changes import _describe, _status_change
    from rectify.domain.model import Event, Finding, Status

    before = Finding.model_validate({"id": "demo-001", "aspect": "方面", "title": "问题", "status": "closed",
                                     "history": [{"date": "2021-07-28", "action": "add"}]})  # fmt: skip
    after = before.model_copy(update={"status": Status.IN_PROGRESS})
    event = Event.model_validate({"date": "2021-09-01", "action": "extend", "to": "2021-12-31"})
    with speaking("zh"):
        change = _status_change([before], after)
        assert change is not None
        assert change.message == "状态由 已销号 改为 整改中，但没有记录相应的步骤"
        assert _describe(event) == "2021-09-01 的 extend（延期）"
    with speaking("en"):
        change = _status_change([before], after)
        assert change is not None
        assert change.message == "status changed from closed to in_progress without the events that lead to it"


def test_help_names_states_and_values_in_chinese(run: Run, zh: None) -> None:
    def flat(*args: str) -> str:  # the help's lines joined again (a Chinese line breaks anywhere)
        return "".join(run(*args).stdout.split())

    assert "开始整改一个未整改的问题（未整改→整改中）。" in flat("start", "--help")
    assert "只看此状态：未整改、整改中、申请销号、已销号、长期坚持（可写中文或英文，如open、in_progress）。" in flat(
        "list", "--help"
    )
    assert "周（week）或月（month），可写中文或英文。" in flat("trend", "--help")
    assert "资金单位：元（yuan）或万元（wan），可写中文或英文。" in flat("status", "--help")
    assert "Onlythisstatus(open,in_progress,submitted,closed,long_term)." in flat("list", "--help", "--lang", "en")


def test_options_take_the_chinese_words_the_help_shows(run: Run, shipped: Path, zh: None) -> None:
    def out(*args: str) -> Any:
        result = run(*args)
        assert result.exit_code == 0, result.output
        return result.stdout

    assert out("trend", "--every", "月", "--to", "2021-12-31") == out("trend", "--every", "month", "--to", "2021-12-31")
    assert out("trend", "--every", "周", "--to", "2021-09-30") == out("trend", "--every", "week", "--to", "2021-09-30")
    for chinese, english in (("督导组", "supervisor"), ("方面", "aspect"), ("责任人", "owner"), ("单位", "unit")):
        assert out("status", "--by", chinese, "--as-of", "2021-12-31") == out(
            "status", "--by", english, "--as-of", "2021-12-31"
        )
    assert out("status", "--money", "万元", "--wide", "--as-of", "2021-12-31") == out(
        "status", "--money", "wan", "--wide", "--as-of", "2021-12-31"
    )
    assert out("status", "--format", "表格", "--as-of", "2021-12-31") == out(
        "status", "--format", "table", "--as-of", "2021-12-31"
    )


@pytest.mark.parametrize(
    ("args", "zh_text", "en_text"),
    [
        (("trend", "--every", "年"), "--every 须为 week（周）、month（月） 之一，不能是 '年'",
         "--every must be one of week, month, not '年'"),
        (("status", "--money", "千元"), "--money 须为 yuan（元）、wan（万元） 之一，不能是 '千元'",
         "--money must be one of yuan, wan, not '千元'"),
        (("status", "--by", "科室"), "--by 须为 unit（单位）、aspect（方面）、problem（所属问题）、title（问题）、category（类别）、"
         "supervisor（督导组）、department（责任部门）、owner（责任人）、round（巡察轮次） 之一，不能是 '科室'",
         "--by must be one of unit, aspect, problem, title, category, supervisor, department, owner, round, not "
         "'科室'"),
        (("list", "--format", "图表"), "--format 须为 table（表格）、plain（纯文本）、simple、github、grid、markdown、csv、tsv、json 之一，"
         "不能是 '图表'",
         "--format must be one of table, plain, simple, github, grid, markdown, csv, tsv, json, not '图表'"),
    ],
)
def test_a_wrong_option_value_lists_the_values_in_the_users_language(
    run: Run, demo: Path, zh: None, args: tuple[str, ...], zh_text: str, en_text: str
) -> None:
    chinese = run(*args)
    assert (chinese.exit_code, chinese.stderr) == (2, f"rectify：错误：{zh_text}\n")
    for english in (run(*args, "--lang", "en"), run("--lang", "en", *args)):
        assert (english.exit_code, english.stderr) == (2, f"rectify: error: {en_text}\n")


def test_a_mistyped_unit_is_asked_about_before_a_new_one_is_suggested(run: Run, shipped: Path, zh: None) -> None:
    added = run("add", "-u", "jinhau", "--aspect", "作风建设方面", "--title", "服务企业举措不多")
    assert (added.exit_code, added.stderr) == (2, (
        "rectify：错误：没有单位 'jinhau'；是否应为 'jinhua'？（如确是新单位，先用 `rectify unit add jinhau --name 名称` "
        "建立其台账。）\n"
    ))
    english = run("--lang", "en", "add", "-u", "jinhau", "--aspect", "作风建设方面", "--title", "服务企业举措不多")
    assert english.stderr == (
        "rectify: error: no unit 'jinhau'; did you mean 'jinhua'? (A new unit's ledger is started with "
        "`rectify unit add jinhau --name NAME`.)\n"
    )
    status = run("status", "--unit", "jinhau")
    assert (status.exit_code, status.stderr) == (2, "rectify：错误：没有单位 'jinhau'；是否应为 'jinhua'？\n")
    far = run("add", "-u", "taizhou", "--aspect", "作风建设方面", "--title", "服务企业举措不多")
    assert far.stderr == "rectify：错误：没有单位 'taizhou'：先用 `rectify unit add taizhou --name 名称` 建立其台账\n"


def test_the_last_sign_off_says_the_finding_is_closed(run: Run, demo: Path, tmp_path: Path, zh: None) -> None:
    evidence = tmp_path / "制度文件.pdf"
    evidence.write_bytes(b"%PDF-1.4 rules")
    submitted = run("submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-10-01")
    assert submitted.exit_code == 0, submitted.output
    signed = run("sign", "demo-001", "--by", "钟某", "--date", "2021-10-02")
    assert (signed.exit_code, signed.stdout) == (0, "已审签 demo-001：钟某（审签），末级审签，已销号（2021-10-02）\n")
    again = run("--lang", "en", "reopen", "demo-001", "--by", "巡察办", "--reason", "复查", "--date", "2021-10-05")
    assert again.exit_code == 0, again.output
    run("submit", "demo-001", "--by", "王某", "-e", str(evidence), "--date", "2021-10-06")
    english = run("--lang", "en", "sign", "demo-001", "--by", "钟某", "--date", "2021-10-07")
    assert english.stdout == "sign demo-001: 审签 钟某 (审签), the last level: closed (2021-10-07)\n"


def test_edit_deadline_points_to_extend(run: Run, demo: Path, zh: None) -> None:
    result = run("edit", "demo-001", "--deadline", "2022-01-31")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "错误：没有选项：--deadline；整改时限只能经批准延期后变更：请用 `rectify extend`（延期）"
    )
    english = run("--lang", "en", "edit", "demo-001", "--deadline", "2022-01-31")
    assert english.stderr.splitlines()[-1] == (
        "Error: No such option: --deadline; the deadline moves only by an approved extension: `rectify extend` (延期)"
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_log_outside_git_says_what_to_do(run: Run, demo: Path, tmp_path: Path, zh: None, monkeypatch: Any) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert subprocess.run(["git", "rev-parse"], cwd=tmp_path, capture_output=True, check=False).returncode != 0
    result = run("log", "demo-001")
    assert (result.exit_code, result.stderr) == (1, (
        f"rectify：错误：{tmp_path / 'ledgers'} 不在 git 仓库中；请先在台账所在文件夹运行 git init 并提交，或在共享仓库中使用\n"
    ))


def test_add_from_reads_a_gbk_csv_as_import_does(run: Run, demo: Path, tmp_path: Path, zh: None) -> None:
    source = tmp_path / "反馈清单gbk.csv"
    source.write_bytes("方面,问题\n作风建设方面,服务企业举措不多\n作风建设方面,法律监督质效不高\n".encode("gbk"))
    result = run("add", "-u", "demo", "--from", str(source), "--date", "2021-08-01")
    assert (result.exit_code, result.stdout) == (0, "demo-003\ndemo-004\n")
    assert result.stderr == "按 GB18030（自动识别） 编码读取 反馈清单gbk.csv\n"
    titles = run("--lang", "en", "list", "--format", "json").stdout
    assert "服务企业举措不多" in titles and "法律监督质效不高" in titles


def test_a_step_dated_before_the_last_event_names_the_step_in_chinese(run: Run, demo: Path, zh: None) -> None:
    args = ("extend", "demo-001", "--to", "2021-12-31", "--approver", "钟某", "--reason", "跨年", "--date", "2021-07-01")
    result = run(*args)
    assert (result.exit_code, result.stderr) == (
        1, "rectify：错误：extend（延期） 的日期 2021-07-01 早于该问题最后一个事件的日期（2021-07-28）\n"
    )
    assert run(*args, "--lang", "en").stderr == (
        "rectify: error: extend date 2021-07-01 is before the finding's last event (2021-07-28)\n"
    )


def test_a_global_option_after_the_command_says_where_it_goes(run: Run, shipped: Path) -> None:
    """`rectify status --no-pager` (the trial's) names the option's place, in the user's language."""
    english = run("status", "--no-pager")
    assert english.exit_code == 2
    assert english.stderr.splitlines()[-1] == (
        "Error: --no-pager is an option of rectify itself: put it before the command (rectify --no-pager status …)"
    )
    chinese = run("--lang", "zh", "status", "--no-cache")
    assert chinese.stderr.splitlines()[-1] == "错误：--no-cache 是 rectify 本身的选项，请放在命令之前（rectify --no-cache status …）"
    assert run("status", "--no-such").stderr.splitlines()[-1] == "Error: No such option: --no-such"
