"""Shared fixtures: every test runs against ledgers in its own tmp_path (STYLE.md, 7)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from rectify.cli import app

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "ledgers"

Run = Callable[..., Result]

MINIMAL = """\
# hand-written ledger used by the tests
unit:
  id: demo
  name: 示例单位
inspection:
  round: 2021年巡察
  group: 市委第一巡察组
  feedback_date: 2021-07-28
findings:
  - id: demo-001
    aspect: 政治建设方面
    title: 理论学习不深入
    owner: 张某
    deadline: 2021-10-31
    status: open
    history:
      - date: 2021-07-28
        action: add
  # a comment between findings, written by hand
  - id: demo-002
    aspect: 政治建设方面
    title: 制度执行不严格
    deadline: 2021-12-31
    status: open
    history:
      - date: 2021-07-28
        action: add
"""


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point rectify at tmp_path/ledgers, fix 'today' and the language, no colour, and
    keep remembered answers (rectify/files/answers.py) in tmp_path, not the user's cache."""
    monkeypatch.setenv("RECTIFY_LEDGERS", str(tmp_path / "ledgers"))
    monkeypatch.setenv("RECTIFY_TODAY", "2021-12-31")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "user-cache"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty ledger folder."""
    path = tmp_path / "ledgers"
    path.mkdir()
    return path


@pytest.fixture
def demo(folder: Path) -> Path:
    """A ledger folder holding the hand-written MINIMAL ledger as demo.yaml."""
    (folder / "demo.yaml").write_text(MINIMAL, encoding="utf-8")
    return folder / "demo.yaml"


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped ledgers (the 2021 Jinhua inspection) in tmp_path/ledgers."""
    target = tmp_path / "ledgers"
    shutil.copytree(SHIPPED, target)
    return target


@pytest.fixture
def run() -> Run:
    """Run the rectify CLI in-process: run("status", "--unit", "jinhua") -> Result."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke
