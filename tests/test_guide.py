"""The Chinese user's guide (使用说明.md, issue #16) cannot go stale silently.

- README.md links it in its first lines;
- every ``rectify …`` command line in its code blocks (and every inline ``rectify …`` span)
  names a real command and only options that command has, judged on the click command
  tree itself (:func:`rectify.cli.command`);
- the tables it shows for read-only views of the shipped ledgers are what rectify prints;
- it holds no English prose: no run of six or more ASCII words outside code.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from conftest import Run

from rectify.cli import command

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "使用说明.md"
README = REPO / "README.md"

FENCE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)  # indented in lists too
INLINE = re.compile(r"`([^`\n]+)`")
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’.+_-]*(?:[\s,;:()/\"“”-]+[A-Za-z][A-Za-z0-9'’.+_-]*){5,}")
HELP = {"-h", "--help"}


def blocks(text: str) -> list[str]:
    """Return the bodies of the fenced code blocks of a Markdown text, in order."""
    return [match.group(1) for match in FENCE.finditer(text)]


def command_lines(text: str) -> list[str]:
    """Return every rectify command line the guide shows: in a code block with ``$ ``
    prompts, the prompted lines starting with ``rectify``; in a block without prompts,
    every line starting with ``rectify`` (``\\`` continuations joined); and every inline
    code span starting with ``rectify ``. Output lines (``rectify：错误…``) are not
    commands."""
    found: list[str] = []
    for body in blocks(text):
        lines = [line.strip() for line in body.splitlines()]
        prompted = any(line.startswith("$ ") for line in lines)
        joined: list[str] = []
        for line in lines:
            if joined and joined[-1].endswith("\\"):
                joined[-1] = joined[-1][:-1] + " " + line
            else:
                joined.append(line)
        for line in joined:
            if prompted:
                if line.startswith("$ rectify"):
                    found.append(line[2:])
            elif re.match(r"rectify(\s|$)", line):
                found.append(line)
    outside = FENCE.sub("", text)
    found += [span for span in INLINE.findall(outside) if span.startswith("rectify ")]
    return found


def _takes_value(param: Any) -> bool:
    """True when a click option consumes the next word as its value."""
    return not (getattr(param, "is_flag", False) or getattr(param, "count", False))


def _options(cmd: Any) -> dict[str, Any]:
    """Map each option name of a click command (``--unit``, ``-u``) to its parameter."""
    names: dict[str, Any] = {}
    for param in cmd.params:
        if getattr(param, "param_type_name", "") == "option":
            for name in [*param.opts, *param.secondary_opts]:
                names[name] = param
    return names


def problems(line: str) -> list[str]:
    """Judge one ``rectify …`` command line against the click command tree: return what is
    wrong with it (an unknown command, an option its command does not have, a command
    group given no subcommand); an empty list when it is a real command line. Shell
    pipes, redirections and comments end the command."""
    words = shlex.split(line, comments=True)
    for stop, word in enumerate(words):
        if word in {"|", ">", ">>", "&&", ";", "<"}:
            words = words[:stop]
            break
    assert words and words[0] == "rectify", line
    cmd: Any = command()
    path = ["rectify"]
    wrong: list[str] = []
    rest = words[1:]
    i = 0
    while True:
        options = _options(cmd)
        while i < len(rest) and rest[i].startswith("-"):
            name = rest[i].split("=", 1)[0]
            if name in options:
                i += 2 if _takes_value(options[name]) and "=" not in rest[i] else 1
            elif name in HELP:
                i += 1
            else:
                wrong.append(f"{' '.join(path)}: no option {name}")
                i += 1
        subcommands = getattr(cmd, "commands", None)
        if subcommands is None:
            break
        if i >= len(rest):
            if path != ["rectify"]:
                wrong.append(f"{' '.join(path)}: needs a subcommand")
            break
        name = rest[i]
        if name not in subcommands:
            wrong.append(f"{' '.join(path)}: no command {name}")
            break
        cmd = subcommands[name]
        path.append(name)
        i += 1
    if getattr(cmd, "commands", None) is None:  # a leaf command: options may follow its arguments
        options = _options(cmd)
        while i < len(rest):
            word = rest[i]
            name = word.split("=", 1)[0]
            if word.startswith("-") and not re.fullmatch(r"-\d.*", word):
                if name in options:
                    i += 2 if _takes_value(options[name]) and "=" not in word else 1
                    continue
                if name not in HELP:
                    wrong.append(f"{' '.join(path)}: no option {name}")
            i += 1
    return wrong


def prose(text: str) -> str:
    """The guide's text outside code: fenced blocks, inline code spans and link targets removed."""
    text = FENCE.sub("\n", text)
    text = INLINE.sub(" ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)


def test_readme_links_the_guide_in_its_first_lines() -> None:
    head = README.read_text(encoding="utf-8").splitlines()[:5]
    assert "中文使用说明：[使用说明.md](使用说明.md)" in head


def test_every_command_line_of_the_guide_is_real() -> None:
    lines = command_lines(GUIDE.read_text(encoding="utf-8"))
    assert len(lines) >= 60, len(lines)  # the extraction found the guide's commands
    named = {re.split(r"\s+", line)[1] for line in lines}
    # every everyday command the guide is meant to teach is shown at least once
    assert {
        "init", "unit", "add", "import", "progress", "submit", "sign", "return", "close", "reopen",
        "extend", "long-term", "edit", "withdraw", "account", "list", "show", "overdue", "status",
        "trend", "frequent", "export", "report", "board", "check", "sync", "log",
    } <= named  # fmt: skip
    wrong = {line: problems(line) for line in lines if problems(line)}
    assert wrong == {}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("rectify status --unit jinhua -p 0", []),
        ("rectify --lang zh check", []),
        ("rectify unit add yiwu --name 义乌 --feedback-date 2021-07-30 # comment --bogus", []),
        ("rectify list > 清单.txt", []),
        ("rectify status --percent 0", ["rectify status: no option --percent"]),
        ("rectify --colour status", ["rectify: no option --colour"]),
        ("rectify statistics", ["rectify: no command statistics"]),
        ("rectify unit", ["rectify unit: needs a subcommand"]),
        ("rectify unit add yiwu --owner 王某", ["rectify unit add: no option --owner"]),
    ],
)
def test_the_command_judge_tells_real_from_invented(line: str, expected: list[str]) -> None:
    assert problems(line) == expected


SHOWN = [
    "rectify status --as-of 2021-12-31",
    "rectify status --unit jinhua --precision 0 --as-of 2021-12-31",
    "rectify status --supervisor 督导二组",
    "rectify trend --every month",
    "rectify list --unit jinhua --status in_progress",
]


def shown_output(text: str, line: str) -> list[str]:
    """Return the output the guide prints under ``$ line`` (up to the next prompt or the
    end of its block), each line without trailing spaces."""
    for body in blocks(text):
        lines = body.splitlines()
        if f"$ {line}" in lines:
            start = lines.index(f"$ {line}") + 1
            end = next((k for k in range(start, len(lines)) if lines[k].startswith("$ ")), len(lines))
            return [out.rstrip() for out in lines[start:end]]
    raise AssertionError(f"the guide does not show `{line}`")


@pytest.mark.parametrize("line", SHOWN)
def test_the_tables_the_guide_shows_are_what_rectify_prints(shipped: Path, run: Run, line: str) -> None:
    expected = shown_output(GUIDE.read_text(encoding="utf-8"), line)
    result = run(*shlex.split(line)[1:], "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert [out.rstrip() for out in result.stdout.splitlines()] == expected


def test_the_guide_holds_no_english_prose() -> None:
    runs = ENGLISH_RUN.findall(prose(GUIDE.read_text(encoding="utf-8")))
    assert runs == []


def test_the_prose_check_finds_english_prose() -> None:
    text = "说明\n\nThe README is entirely in English, so this clerk cannot follow it.\n\n`rectify status --as-of 2021-12-31 --unit jinhua --precision 0`\n"
    assert ENGLISH_RUN.findall(prose(text)) == ["The README is entirely in English, so this clerk cannot follow it."]
    assert ENGLISH_RUN.findall(prose("安装 Git for Windows 后使用 PowerShell 5.1。")) == []
