"""Every word in zh and en (issue "Speak the user's language everywhere"): the catalog
holds every message of the source, translated; no message escapes it; the CLI and the
board speak Chinese to a Chinese user and English with ``--lang en``."""

from __future__ import annotations

import ast
import gettext
import os
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from rectify import i18n
from rectify.cli import command
from rectify.cli.catalog import WORDS
from tests.conftest import MINIMAL, REPO, Run

PO = REPO / "rectify" / "locale" / "zh_CN" / "LC_MESSAGES" / "rectify.po"
MO = PO.with_suffix(".mo")

CJK = re.compile(r"[\u4e00-\u9fff]")


def _source_messages() -> dict[str | tuple[str, ...], list[str]]:
    """The msgids ``pybabel extract -F babel.cfg`` finds, with where each is."""
    with open(REPO / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def _catalog() -> Any:
    with open(PO, "rb") as handle:
        return read_po(handle)


def _fields(text: str) -> list[str]:
    return sorted(name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None)


def test_every_message_of_the_source_has_a_chinese_translation_and_none_is_stale() -> None:
    source = _source_messages()
    catalog = _catalog()
    held = {message.id: message for message in catalog if message.id}
    missing = sorted(str(msgid) for msgid in source if msgid not in held)
    stale = sorted(str(msgid) for msgid in held if msgid not in source)
    assert not missing, f"not in the catalog (run the update in README, Languages): {missing[:10]}"
    assert not stale, f"in the catalog but no longer in the source: {stale[:10]}"
    for msgid, message in held.items():
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(form.strip() for form in forms), f"no Chinese for {msgid!r}"
        assert not message.fuzzy, f"fuzzy: {msgid!r}"
        singular = msgid[0] if isinstance(msgid, tuple) else msgid
        if "python-brace-format" in message.flags:
            for form in forms:
                assert _fields(form) == _fields(singular), f"placeholders differ: {msgid!r} -> {form!r}"


def test_the_shipped_compiled_catalog_is_the_po_compiled() -> None:
    with open(MO, "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    shipped = {key: value for key, value in compiled._catalog.items() if key}  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for message in _catalog():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for index, form in enumerate(message.string):
                expected[(message.id[0], index)] = form
        else:  # a message with a context (pgettext) is keyed "context\x04id" in a .mo
            expected[f"{message.context}\x04{message.id}" if message.context else message.id] = message.string
    assert shipped == expected, "rectify.mo is out of date: pybabel compile -d rectify/locale -D rectify"


def test_typer_words_marked_for_gettext_are_all_in_the_catalog() -> None:
    """typer's words that go through gettext (route_libraries) are listed in WORDS, so a
    typer upgrade that adds one fails here."""
    folder = Path(typer.__file__).parent
    found = {
        message
        for _name, _line, message, _comments, _context in extract_from_dir(
            str(folder),
            [("rich_utils.py", "ignore"), ("**.py", "python")],  # rich help is off (rich_markup_mode=None)
            directory_filter=lambda path: not os.path.basename(path).startswith("__"),
        )
    }
    assert found, "typer marks no word for gettext any more: check route_libraries"
    assert sorted(str(word) for word in found if word not in WORDS) == []


# ---------------------------------------------------------------- no message escapes the catalog


def _english(text: str) -> bool:
    """True when ``text`` (a literal's text) holds an English word outside its placeholders."""
    return bool(re.search(r"[A-Za-z]{2,}", re.sub(r"\{[^{}]*\}", "", text)))


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return None


def _error_names() -> set[str]:
    import rectify.api  # noqa: F401 - loads every error class
    import rectify.files.gitsync  # noqa: F401
    from rectify.errors import RectifyError

    names: set[str] = set()
    todo = [RectifyError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _bare_messages() -> Iterator[str]:
    errors = _error_names()
    for path in sorted((REPO / "rectify").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(REPO).as_posix()
        for node in ast.walk(tree):
            checked: list[ast.expr] = []
            call = node.exc if isinstance(node, ast.Raise) else node.value if isinstance(node, ast.Return) else None
            if isinstance(call, ast.Call):  # raise XError(...), return XError(...)
                func = call.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in errors and call.args:
                    checked.append(call.args[0])
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                checked += [kw.value for kw in node.keywords if kw.arg == "help"]
                if name == "Problem":
                    checked += node.args[3:4] + [kw.value for kw in node.keywords if kw.arg == "message"]
                if name == "problem" and isinstance(func, ast.Attribute):  # Loaded.problem(path, message)
                    checked += node.args[1:2]
            for value in checked:
                parts = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                for part in parts:
                    text = _literal(part)
                    if text is not None and _english(text):
                        yield f"{where}:{part.lineno}: {text!r}"


def test_no_error_help_or_problem_is_a_bare_english_literal() -> None:
    """A RectifyError raised, a typer help= and a check Problem's message are wrapped in
    _() (or N_() for help built at import), so each reaches the catalog."""
    assert list(_bare_messages()) == []


# ---------------------------------------------------------------- what a Chinese user sees


def _english_left(text: str) -> list[str]:
    """English sentences left in ``text``: three lowercase English words in a row,
    after taking out what stays untranslated (commands in backquotes, options, paths,
    ids, YAML values)."""
    lines = [line for line in text.splitlines() if not line.startswith(("用法：", "Usage:"))]
    cleaned = re.sub(r"`[^`]*`|'[^']*'", " ", "\n".join(lines))
    cleaned = re.sub(r"(?<!\S)(--?[\w-]+|\S*[/\\]\S*|\S+\.(yaml|yml|csv|xlsx|docx|html|md)\b)", " ", cleaned)
    return re.findall(r"\b[a-z][a-z']+(?:[ ]+[a-z][a-z']+){2,}\b", cleaned)


def _all_commands() -> list[list[str]]:
    out: list[list[str]] = []

    def walk(group: Any, path: list[str]) -> None:
        for name, sub in getattr(group, "commands", {}).items():
            out.append([*path, name])
            walk(sub, [*path, name])

    walk(command(), [])
    return out


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


@pytest.fixture
def run(run: Run) -> Run:
    """The CLI as the user types it (``rectify``, not click's ``root``), with stdout and
    stderr apart."""
    from typer.testing import CliRunner

    from rectify.cli import app

    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args), catch_exceptions=False, prog_name="rectify")

    return invoke


def test_help_of_every_command_is_chinese(run: Run, zh: None) -> None:
    for words in [[], *_all_commands()]:
        result = run(*words, "--help")
        assert result.exit_code == 0, words
        assert CJK.search(result.output), words
        assert result.output.startswith("用法："), (words, result.output[:40])
        assert "显示本帮助并退出。" in result.output
        assert _english_left(result.output) == [], (words, result.output)


def test_no_help_line_is_wider_than_the_window(run: Run) -> None:
    """Help text is wrapped by display width: a Chinese character takes two columns
    (typer's test runner fixes the width at 80)."""
    from wcwidth import wcswidth

    for lang in ("zh", "en"):
        for words in [[], *_all_commands()]:
            output = run("--lang", lang, *words, "--help").output
            wide = [line for line in output.splitlines() if wcswidth(line) > 80]
            assert wide == [], (lang, words, wide)


@pytest.mark.parametrize("words", [[], ["status"], ["import"], ["close"]])
def test_no_help_line_is_wider_than_a_narrow_terminal(words: list[str]) -> None:
    import subprocess
    import sys

    from wcwidth import wcswidth

    for lang in ("zh_CN.UTF-8", "en_US.UTF-8"):
        env = {**os.environ, "COLUMNS": "60", "LANG": lang}
        output = subprocess.run(
            [sys.executable, "-m", "rectify", *words, "--help"], env=env, capture_output=True, text=True, check=True
        ).stdout
        assert [line for line in output.splitlines() if wcswidth(line) > 60] == []
        assert ("选项：" if lang.startswith("zh") else "Options:") in output


def test_help_in_english_with_lang_en(run: Run, zh: None) -> None:
    for words in [[], ["close"], ["unit", "add"], ["check"]]:
        result = run("--lang", "en", *words, "--help")
        assert result.exit_code == 0
        assert result.output.startswith("Usage: ")
        assert "Show this message and exit." in result.output


def test_the_help_follows_the_language_in_one_process(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "经另一人审签，一步完成问题销号。" in run("close", "--help").output
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert (
        "Close (销号) a finding with a second person's sign-off (审签), in one step." in run("close", "--help").output
    )
    assert i18n.current() == "en"  # the run's language does not outlive it


BROKEN = MINIMAL.replace("    deadline: 2021-10-31\n", "    deadline: 2021-13-31\n    staus: open\n")


def test_check_on_a_broken_ledger_speaks_chinese(run: Run, folder: Path, zh: None) -> None:
    (folder / "demo.yaml").write_text(BROKEN, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/demo.yaml:14:15: demo-001.deadline: '2021-13-31' 不是有效日期",
        "ledgers/demo.yaml:15:5: demo-001.staus: 未知字段 'staus'；是否应为 'status'？",
    ]
    assert result.stderr == "ledgers 中有 2 处错误\n"
    english = run("--lang", "en", "check")
    assert english.stdout.splitlines() == [
        "ledgers/demo.yaml:14:15: demo-001.deadline: '2021-13-31' is not a real date",
        "ledgers/demo.yaml:15:5: demo-001.staus: unknown field 'staus'; did you mean 'status'?",
    ]
    assert english.stderr == "2 problems in ledgers\n"


def test_errors_name_a_finding_by_its_id_never_by_its_place(run: Run, folder: Path) -> None:
    (folder / "demo.yaml").write_text(BROKEN.replace("  - id: demo-002\n    aspect:", "  - aspect:"), encoding="utf-8")
    output = run("check").stdout
    assert "findings[" not in output
    assert "demo-001.deadline: '2021-13-31' is not a real date" in output
    assert "finding 2 (no id): missing required field 'id'" in output


def test_a_refused_close_and_an_unknown_id_speak_chinese(run: Run, demo: Path, zh: None) -> None:
    refused = run("close", "demo-001", "--by", "张三", "--approver", "张三")
    assert refused.exit_code == 1
    assert refused.output == "rectify：错误：审签人（张三）与销号人是同一人\n"
    unknown = run("show", "demo-999")
    assert unknown.exit_code == 2
    assert unknown.output == "rectify：错误：没有问题 demo-999（ledgers/demo.yaml）\n"
    wrong_step = run("sign", "demo-001", "--by", "王五")
    assert "不能对状态为 未整改 的问题执行 sign（审签）；未整改 状态下可执行：" in wrong_step.output  # state and step named in Chinese
    assert _english_left(wrong_step.output) == []
    assert (
        run("--lang", "en", "show", "demo-999").output == "rectify: error: no finding demo-999 in ledgers/demo.yaml\n"
    )
    assert run("--lang", "en", "close", "demo-001", "--by", "张三", "--approver", "张三").output == (
        "rectify: error: the approver (张三) is the person who closed it\n"
    )


def test_typers_own_errors_speak_chinese(run: Run, zh: None) -> None:
    missing = run("close")
    assert missing.exit_code == 2
    assert missing.output.splitlines() == [
        "用法： rectify close [选项] {编号}",
        "运行 'rectify close -h' 查看帮助。",
        "",
        "错误：缺少参数 '编号'。",
    ]
    helped = run("close", "--help").output.splitlines()
    assert "参数：" in helped and "选项：" in helped and "参数:" not in helped
    assert "Options:" in run("--lang", "en", "close", "--help").output.splitlines()
    assert run("close", "x", "--bogus").output.splitlines()[-1] == "错误：没有选项：--bogus"
    assert run("nothing").output.splitlines()[-1] == "错误：没有命令 'nothing'。"
    # typer's suggestion, appended to the translated message, is said in Chinese too
    assert run("lsit").output.splitlines()[-1] == "错误：没有命令 'lsit'。是否应为 'list'、'submit'？"
    assert run("--lang", "en", "lsit").output.splitlines()[-1] == (
        "Error: No such command 'lsit'. Did you mean 'list', 'submit'?"
    )
    assert run("--lang", "en", "close").output.splitlines()[-1] == "Error: Missing argument 'ID'."


def test_rectify_yaml_sets_the_language_of_the_help(run: Run, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "rectify.yaml").write_text("lang: zh\n", encoding="utf-8")
    assert run("close", "--help").output.startswith("用法：")
    assert run("--lang", "en", "close", "--help").output.startswith("Usage:")


# ---------------------------------------------------------------- the board


class _Client:
    """GET pages of an ASGI application in-process (one request, the whole body)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def get(self, target: str) -> Any:
        import asyncio
        from types import SimpleNamespace
        from urllib.parse import quote

        path, _sep, query = target.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": quote(path).encode(), "root_path": "",
                 "query_string": quote(query, safe="=&").encode(), "headers": [(b"host", b"board")],
                 "client": ("127.0.0.1", 1), "server": ("board", 80)}  # fmt: skip
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        asyncio.run(self.app(scope, receive, send))
        status = next(m["status"] for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return SimpleNamespace(status_code=status, text=body.decode("utf-8"))


def test_the_board_in_chinese_shows_no_english_text(shipped: Path) -> None:
    from rectify.board.app import create_app

    client = _Client(create_app(shipped))
    for page in ("/", "/late", "/problems", "/unit/jinhua", "/finding/jinhua-001", "/finding/nowhere-001",
                 "/search?q=学习"):  # fmt: skip
        response = client.get(page + ("&" if "?" in page else "?") + "lang=zh")
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        assert CJK.search(text), page
        assert _english_left(text) == [], (page, _english_left(text))
    for lang, said in (("zh", "没有这个问题。"), ("en", "There is no such finding.")):  # the board's plain 404
        response = client.get(f"/finding/nowhere-001?lang={lang}")
        assert response.status_code == 404 and said in response.text
        assert "nowhere" not in response.text  # the value asked for is never shown back


def test_yaml_syntax_errors_and_an_empty_rectify_yaml_in_chinese(
    run: Run, folder: Path, tmp_path: Path, zh: None
) -> None:
    (folder / "demo.yaml").write_text(MINIMAL.replace("  name: 示例单位\n", "  name: 示例单位: 二\n"), encoding="utf-8")
    (tmp_path / "rectify.yaml").write_text("# settings to come\n", encoding="utf-8")  # comments only: the defaults
    result = run("check")
    assert result.stdout == "ledgers/demo.yaml:4:13: YAML 语法错误：此处不能有“键: 值”（冒号后的值）\n"
    assert run("--lang", "en", "check").stdout == (
        "ledgers/demo.yaml:4:13: YAML syntax error: mapping values are not allowed here\n"
    )


def test_rectify_alone_shows_the_chinese_help_and_every_command_a_sentence(run: Run, zh: None) -> None:
    result = run()
    assert result.exit_code == 2
    assert result.output.startswith("用法： rectify [选项] 命令 [参数]...\n\n  以 YAML 文件管理巡察整改台账")
    assert "错误" not in result.output
    commands = result.output.split("命令：\n")[1].splitlines()
    assert any(line.startswith("  withdraw      撤销误挂账的问题，或将重复问题合并到另一问题") for line in commands)
    assert not [line for line in commands if line.rstrip().endswith(" ...")]


def test_every_command_takes_lang(run: Run, demo: Path, zh: None) -> None:
    """``--lang`` after any command, as `status --lang en` always could; a language rectify
    does not speak is refused."""
    assert run("check", "--lang", "en").stderr == "ok: 1 ledger, 2 findings in ledgers\n"
    assert (
        run("show", "demo-999", "--lang", "en").output == "rectify: error: no finding demo-999 in ledgers/demo.yaml\n"
    )
    closed = run("close", "demo-001", "--by", "张三", "--approver", "张三", "--lang", "en")
    assert closed.output == "rectify: error: the approver (张三) is the person who closed it\n"
    assert run("close", "--help", "--lang", "en").output.startswith("Usage: rectify close")
    for args in (["check", "--lang", "fr"], ["--lang", "fr", "check"]):
        refused = run(*args)
        assert (refused.exit_code, refused.output) == (2, "rectify：错误：--lang 须为 zh 或 en，不能是 'fr'\n")
