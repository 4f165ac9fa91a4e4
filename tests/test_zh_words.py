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
        (errno.EACCES, "没有权限（或文件正被其他程序打开）", "permission denied (or the file is open in another program)"),
        (errno.EPERM, "没有权限（或文件正被其他程序打开）", "permission denied (or the file is open in another program)"),
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
