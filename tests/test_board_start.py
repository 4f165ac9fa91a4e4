"""Starting `rectify board`: `--open` opens the printed address (the browser call is
recorded, no browser starts), and a ledger folder or evidence path that is a device, a
named pipe, a file or a folder is named for what it is, not "not found"."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import Run


def test_open_opens_the_printed_address(shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    servers: list[uvicorn.Server] = []
    opened: list[tuple[str, int, str]] = []
    original = uvicorn.Server.__init__

    def keep(self: uvicorn.Server, config: uvicorn.Config) -> None:
        servers.append(self)
        original(self, config)

    def browser(address: str) -> bool:  # what webbrowser.open gets; then the board is stopped
        with urllib.request.urlopen(address + "?lang=en", timeout=60) as answer:
            opened.append((address, answer.status, answer.read().decode()))
        servers[0].should_exit = True
        return True

    monkeypatch.setattr(uvicorn.Server, "__init__", keep)
    monkeypatch.setattr("webbrowser.open", browser)
    monkeypatch.setenv("RECTIFY_TODAY", "2021-12-31")
    result = run("--ledgers", str(shipped), "board", "--open", "--port", "0")
    assert result.exit_code == 0, result.output
    printed = result.output.split()[2]
    assert result.output == f"rectify board: {printed} (Ctrl+C to stop)\n"
    assert len(opened) == 1
    address, status, page = opened[0]
    assert address == printed and address.startswith("http://127.0.0.1:") and address.endswith("/")
    assert status == 200 and "<h1>Board</h1>" in page and 'id="total-rate">296/315 94.0%' in page


def test_without_open_no_browser_is_opened(shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    import uvicorn

    servers: list[uvicorn.Server] = []
    original, echo = uvicorn.Server.__init__, typer.echo
    opened: list[str] = []

    def keep(self: uvicorn.Server, config: uvicorn.Config) -> None:
        servers.append(self)
        original(self, config)

    def said(message: str, **kwargs: object) -> None:  # the address is printed: stop the board
        echo(message, **kwargs)  # type: ignore[arg-type]
        if message.startswith("rectify board: "):
            servers[0].should_exit = True

    monkeypatch.setattr(uvicorn.Server, "__init__", keep)
    monkeypatch.setattr(typer, "echo", said)
    monkeypatch.setattr("webbrowser.open", opened.append)
    result = run("--ledgers", str(shipped), "board", "--port", "0")
    assert result.exit_code == 0 and result.output.startswith("rectify board: http://127.0.0.1:")
    assert opened == []


def test_the_address_is_said_in_the_users_language(shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The address is printed from the thread that waits for the server: it speaks the
    command's language too (a new thread starts with no language of its own)."""
    import typer
    import uvicorn

    servers: list[uvicorn.Server] = []
    original, echo = uvicorn.Server.__init__, typer.echo

    def keep(self: uvicorn.Server, config: uvicorn.Config) -> None:
        servers.append(self)
        original(self, config)

    def said(message: str, **kwargs: object) -> None:
        echo(message, **kwargs)  # type: ignore[arg-type]
        if message.startswith("rectify board"):
            servers[0].should_exit = True

    monkeypatch.setattr(uvicorn.Server, "__init__", keep)
    monkeypatch.setattr(typer, "echo", said)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    result = run("--ledgers", str(shipped), "board", "--port", "0")
    printed = result.output.removeprefix("rectify board：").partition("（")[0]
    assert result.exit_code == 0 and printed.startswith("http://127.0.0.1:")
    assert result.output == f"rectify board：{printed}（按 Ctrl+C 停止）\n"


@pytest.mark.parametrize("kind", ["device", "fifo", "file", "missing"])
def test_a_ledger_folder_that_is_not_a_folder_is_named(tmp_path: Path, run: Run, kind: str) -> None:
    path = {"device": Path(os.devnull), "fifo": tmp_path / "pipe", "file": tmp_path / "ledgers.txt",
            "missing": tmp_path / "nowhere"}[kind]  # fmt: skip
    if kind == "fifo":
        os.mkfifo(path)
    if kind == "file":
        path.write_text("x", encoding="utf-8")
    result = run("--ledgers", str(path), "board", "--port", "0")
    said = {
        "device": f"rectify: error: {path} is a device, not a folder; --ledgers names the folder holding the ledgers\n",
        "fifo": f"rectify: error: {path} is a named pipe (FIFO), not a folder; --ledgers names the folder holding "
        "the ledgers\n",
        "file": f"rectify: error: {path} is a file, not a folder; --ledgers names the folder holding the ledgers\n",
        "missing": f"rectify: error: ledger folder not found: {path}\n",
    }[kind]
    assert (result.exit_code, result.output) == (2, said)


def test_the_environment_variable_is_named_when_it_is_wrong(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECTIFY_LEDGERS", os.devnull)
    result = run("board", "--port", "0")
    assert result.exit_code == 2
    assert (
        result.output
        == f"rectify: error: {os.devnull} is a device, not a folder; RECTIFY_LEDGERS names the folder holding the ledgers\n"
    )


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "missing"])
def test_evidence_that_is_not_a_file_is_named(
    shipped: Path, run: Run, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = shipped.parent
    given = {"device": os.devnull, "fifo": "pipe", "folder": "scans", "missing": "nothing.pdf"}[kind]
    if kind == "fifo":
        os.mkfifo(repo / "pipe")
    if kind == "folder":
        (repo / "scans").mkdir()
    monkeypatch.chdir(repo)
    monkeypatch.setenv("RECTIFY_TODAY", "2021-12-31")
    before = (shipped / "jinhua.yaml").read_bytes()
    result = run("--ledgers", str(shipped), "progress", "jinhua-025", "--by", "李某", "--note", "x", "-e", given)
    said = {
        "device": f"evidence {given} is a device, not a file; name a file in the repository",
        "fifo": "evidence pipe is a named pipe (FIFO), not a file; name a file in the repository",
        "folder": "evidence scans is a folder; name the files in it",
        "missing": "evidence file not found: nothing.pdf",
    }[kind]
    assert (result.exit_code, result.output) == (2, f"rectify: error: {said}\n")
    assert (shipped / "jinhua.yaml").read_bytes() == before  # nothing written
