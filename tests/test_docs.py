"""The README's command reference is generated from --help; this test fails when it is stale.

Regenerate with:  python tests/test_docs.py
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from typer.testing import CliRunner

from rectify.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
COMMANDS = [
    [], ["init"], ["unit", "add"], ["unit", "list"], ["add"], ["start"], ["progress"], ["submit"], ["sign"],
    ["return"], ["close"], ["reopen"], ["extend"], ["long-term"], ["edit"], ["withdraw"], ["account"],
    ["status"], ["overdue"], ["trend"], ["frequent"],
    ["report"], ["export"], ["import"], ["schema"], ["list"], ["show"], ["log"], ["check"], ["board"], ["sync"], ["hook", "install"],
    ["hook", "pre-receive"], ["merge-driver"],
]  # fmt: skip
START, END = "<!-- commands: start -->", "<!-- commands: end -->"


def reference() -> str:
    """Return the Markdown of every command's --help, in a fixed width."""
    runner = CliRunner()
    parts = []
    for words in COMMANDS:
        result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "80", "TERM": "dumb"}, prog_name="rectify")
        assert result.exit_code == 0, result.output
        title = " ".join(["rectify", *words])
        parts.append(f"### `{title}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


def _section(text: str) -> str:
    match = re.search(re.escape(START) + r"\n(.*)" + re.escape(END), text, re.S)
    assert match, "README.md lacks the command reference markers"
    return match.group(1)


def test_readme_command_reference_is_current() -> None:
    assert _section(README.read_text(encoding="utf-8")) == reference() + "\n", (
        "README.md command reference is stale: run `python tests/test_docs.py`"
    )


def test_readme_quick_start_is_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", quick, re.S)[0].strip().splitlines()
    assert commands == ['pip install -e ".[test]" && rectify status', "python -m pytest"]


if __name__ == "__main__":
    os.environ["COLUMNS"] = "80"
    text = README.read_text(encoding="utf-8")
    block = f"{START}\n{reference()}\n{END}"
    new = re.sub(re.escape(START) + r"\n.*" + re.escape(END), lambda _: block, text, count=1, flags=re.S)
    README.write_text(new, encoding="utf-8")
    sys.stdout.write("README.md command reference updated\n")
