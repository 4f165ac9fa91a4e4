"""The layers point down and hold no loops: lint-imports keeps the contract in pyproject.toml,
and it fails when an upward import is added."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), str(project / "pyproject.toml"), "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contract_holds() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rectify", tmp_path / "rectify", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    model = tmp_path / "rectify" / "domain" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport rectify.api  # noqa\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "Layers point down BROKEN" in result.stdout
    assert "rectify.domain.model -> rectify.api" in result.stdout


def test_no_module_imports_itself_round_a_loop() -> None:
    graph = grimp.build_graph("rectify")
    loops = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                loops.append((module, imported))
    assert loops == []
