"""Two processes writing the same ledger at once lose nothing (the lock and the atomic write)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL

WORKER = """
import sys
from typer.testing import CliRunner
from rectify.cli import app

name = sys.argv[1]
runner = CliRunner()
for i in range(20):
    result = runner.invoke(app, ["add", "--unit", "demo", "--aspect", "并发", "--title", f"{name}-{i}",
                                 "--date", "2021-08-01"])
    if result.exit_code != 0:
        print(result.output, file=sys.stderr)
        sys.exit(1)
"""


@pytest.mark.slow
def test_two_processes_adding_twenty_each(folder: Path) -> None:
    ledger = folder / "demo.yaml"
    ledger.write_text(MINIMAL, encoding="utf-8")
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, name], stderr=subprocess.PIPE, text=True) for name in ("a", "b")
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    from rectify.files.ledgerfile import read_ledger

    findings = read_ledger(ledger).ledger.findings
    titles = sorted(f.title for f in findings if f.aspect == "并发")
    assert titles == sorted(f"{n}-{i}" for n in "ab" for i in range(20))
    ids = [f.id for f in findings]
    assert len(ids) == len(set(ids)) == 42
    assert ids[-1] == "demo-042"
    assert read_ledger(ledger).ledger.last_number == 42
