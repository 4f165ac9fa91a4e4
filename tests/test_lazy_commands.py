"""Each command is made when it runs (rectify/cli/__init__.py, RootGroup): `close` builds
no other command and imports none of the views; help and completion still see them all,
in the help's order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from rectify.cli import COMMANDS, GROUPS, LazyCommands, app

ROOT = Path(__file__).resolve().parent.parent


def _fresh() -> typer.core.TyperGroup:
    return typer.main.get_command(app)  # type: ignore[return-value]


def _help(group: typer.core.TyperGroup, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The help ``rectify *args`` prints, run on ``group`` itself."""
    capsys.readouterr()
    assert group.main([*args], prog_name="rectify", standalone_mode=False) == 0
    return capsys.readouterr().out


def test_the_root_lists_every_command_in_the_help_order_without_making_one() -> None:
    group = _fresh()
    assert isinstance(group.commands, LazyCommands)
    names = group.list_commands(typer.Context(group))
    assert names == [name for name, *_rest in COMMANDS] + [name for name, *_rest in GROUPS]
    assert names[:4] == ["init", "merge-driver", "add", "close"] and names[-2:] == ["unit", "hook"]
    assert "status" in group.commands and "stauts" not in group.commands
    assert group.commands.made() == []


def test_running_one_command_makes_that_command_alone(capsys: pytest.CaptureFixture[str]) -> None:
    group = _fresh()
    assert "--approver" in _help(group, capsys, "close", "--help")
    assert [command.name for command in group.commands.made()] == ["close"]


def test_the_help_of_the_root_makes_them_all_with_their_first_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    group = _fresh()
    shown = _help(group, capsys, "--lang", "zh", "--help")
    assert len(group.commands.made()) == len(COMMANDS) + len(GROUPS)
    assert "close" in shown and "pre-receive" not in shown
    assert "销号" in shown  # the short help, translated as each was made


def test_a_command_made_later_speaks_the_language_in_force_and_takes_lang(capsys: pytest.CaptureFixture[str]) -> None:
    group = _fresh()
    zh = _help(group, capsys, "--lang", "zh", "unit", "add", "--help")
    assert "用法" in zh and "--lang" in zh
    en = _help(group, capsys, "--lang", "en", "status", "--help")
    assert "Usage:" in en and "--lang" in en and "用法" not in en


def test_close_in_a_fresh_process_imports_no_view_and_builds_no_other_command(demo: Path) -> None:
    code = (
        "import sys\n"
        "from rectify.cli import main, command\n"
        f"sys.argv = ['rectify', '--ledgers', {str(demo.parent)!r}, 'close', 'demo-001', '--by', '王某',"
        " '--approver', '李某', '--date', '2021-09-01']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print([c.name for c in command().commands.made()])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('rectify.cli.', 'rectify.present.bulletin'))))\n"
    )
    env = {**os.environ, "RECTIFY_TODAY": "2021-12-31", "LANG": "C.UTF-8", "RECTIFY_CACHE": "off"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    made, modules = result.stdout.strip().splitlines()[-2:]
    assert made == "['close']"
    assert "rectify.cli.views" not in modules and "rectify.cli.ledgers" not in modules
    assert "rectify.cli.steps" in modules
    assert "closed" in demo.read_text(encoding="utf-8")
