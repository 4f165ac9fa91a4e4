"""The corpus of bad ledgers in tests/data/bad (one folder per kind, listed in its README):
`rectify check` names each problem as path:line:col in plain words and exits 1, no command
writes anything, and nothing hangs (every process runs with a timeout)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rectify.files.cache import PLAIN_FOLDER
from rectify.files.writing import LOCK_NAME
from tests.conftest import MINIMAL, Run

BAD = Path(__file__).resolve().parent / "data" / "bad"

CASES = {
    "yaml-syntax": "yaml-syntax/demo.yaml:23:13: YAML syntax error: did not find expected ',' or ']' "
    "(while parsing a flow sequence at line 22)",
    "tab-indent": "tab-indent/demo.yaml:13:1: YAML syntax error: a tab character in the indentation; "
    "YAML indents with spaces only",
    "duplicate-key": "duplicate-key/demo.yaml:24:5: duplicate key 'deadline' (first given at line 23); keep one of them",
    "duplicate-id-across-files": "duplicate-id-across-files/other.yaml:20:9: demo-002.id: 'demo-002' does not belong to "
    "unit 'other' (expected other-NNN)",
    "unknown-field": "unknown-field/demo.yaml:15:5: demo-001.staus: unknown field 'staus'; "
    "did you mean 'status'?",
    "wrong-type": "wrong-type/demo.yaml:14:15: demo-001.measures: expected a list, got '制定方案'",
    "impossible-date": "impossible-date/demo.yaml:14:15: demo-001.deadline: '2024-02-30' is not a real date",
    "conflict-between-items": "conflict-between-items/demo.yaml:19:1: unresolved git merge conflict marker '<<<<<<<'; "
    "resolve the conflict and remove the marker",
    "conflict-inside-text": "conflict-inside-text/demo.yaml:15:1: unresolved git merge conflict marker '<<<<<<<'; "
    "resolve the conflict and remove the marker",
    "gbk": "gbk/demo.yaml:4:10: the file is not UTF-8 text (byte 0xc0 cannot be read; GBK or another encoding?); "
    "save it as UTF-8",
    "utf-16": "utf-16/demo.yaml:1:1: the file is UTF-16 encoded; save it as UTF-8",
    "utf-16-no-bom": "utf-16-no-bom/demo.yaml:1:1: the file holds NUL bytes: UTF-16 or UTF-32 without a byte-order mark, "
    "or not text; save it as UTF-8",
    "empty": "empty/demo.yaml:1:1: the ledger is empty; it needs unit, inspection and findings",
    "only-comments": "only-comments/demo.yaml:1:1: the ledger is empty; it needs unit, inspection and findings",
    "truncated": "truncated/demo.yaml:17:9: demo-001.history[1]: missing required field 'action'",
    "truncated-mid-character": "truncated-mid-character/demo.yaml:22:12: the file ends in the middle of a character: "
    "it was cut short",
    "alias-bomb": "alias-bomb/demo.yaml:1:1: a: unknown field 'a'",
    "deep-nesting": "deep-nesting/demo.yaml:14:1012: YAML syntax error: exceeded maximum nesting depth "
    "(while increasing flow level)",
}
"""Each folder of tests/data/bad and the first line `rectify --ledgers FOLDER check` prints."""

ALSO = {
    "conflict-between-items": [
        "conflict-between-items/demo.yaml:24:1: unresolved git merge conflict marker '======='; "
        "resolve the conflict and remove the marker",
        "conflict-between-items/demo.yaml:29:1: unresolved git merge conflict marker '>>>>>>>'; "
        "resolve the conflict and remove the marker",
    ],
    "conflict-inside-text": [
        "conflict-inside-text/demo.yaml:17:1: unresolved git merge conflict marker '======='; "
        "resolve the conflict and remove the marker",
        "conflict-inside-text/demo.yaml:19:1: unresolved git merge conflict marker '>>>>>>>'; "
        "resolve the conflict and remove the marker",
    ],
    "duplicate-id-across-files": [
        "duplicate-id-across-files/other.yaml:20:9: duplicate finding id 'demo-002': "
        "also in duplicate-id-across-files/demo.yaml:20"
    ],
    "truncated": [
        "truncated/demo.yaml:17:15: demo-001.history[1].date: expected a date written YYYY-MM-DD, "
        "got '2021-07-'"
    ],
    "alias-bomb": [
        "alias-bomb/demo.yaml:1:4: anchors and aliases (& and *) are not allowed in a ledger; write the value out",
        "alias-bomb/demo.yaml:8:4: anchors and aliases (& and *) are not allowed in a ledger; write the value out",
    ],
}
"""Other lines of the same output that matter for the case."""

VALID = {
    "bom": "ok: 1 ledger, 2 findings in bom",
    "crlf": "ok: 1 ledger, 2 findings in crlf",
}
"""Folders that are good ledgers, and what `rectify check` says on stderr."""


def _writes(unit: str) -> list[tuple[str, ...]]:
    """Commands that would write to ``unit``'s ledger (and ``status``, which reads them all)."""
    return [
        ("add", "-u", unit, "-a", "政治建设方面", "-t", "新问题", "--date", "2021-08-01"),
        ("close", f"{unit}-001", "--by", "甲", "--approver", "乙", "--date", "2021-09-01"),
        ("start", f"{unit}-002", "--by", "甲", "--date", "2021-08-02"),
        ("status",),
    ]


def _copy(case: str, tmp_path: Path) -> Path:
    target = tmp_path / case
    shutil.copytree(BAD / case, target)
    return target


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` and its bytes (the write lock and the read cache aside: they
    hold no ledger)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name not in {LOCK_NAME, PLAIN_FOLDER}}


def _check(cwd: Path, folder: str, timeout: float = 30, memory: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run `rectify --ledgers FOLDER check` as a process in ``cwd``; ``memory`` caps its address space."""

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "rectify", "--ledgers", folder, "check"],
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        preexec_fn=limit,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def test_every_folder_is_a_case_and_listed_in_the_readme() -> None:
    folders = sorted(p.name for p in BAD.iterdir() if p.is_dir())
    assert folders == sorted([*CASES, *VALID])
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    for case, expected in CASES.items():
        assert f"`{case}/" in readme and f"`{expected}`" in readme, case
    for case, expected in VALID.items():
        assert f"`{case}/demo.yaml` — " in readme and f"`{expected}`" in readme, case


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_names_the_problem_and_no_command_writes(run: Run, tmp_path: Path, case: str) -> None:
    folder = _copy(case, tmp_path)
    before = _files(folder)
    result = _check(tmp_path, case)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == CASES[case]
    assert set(ALSO.get(case, [])) <= set(lines)
    assert all(line.startswith(f"{case}/") for line in lines), lines  # every line is path:line:col: message
    assert result.stderr == f"{_plural(len(lines), 'problem')} in {case}\n"
    assert _files(folder) == before

    unit = "other" if case == "duplicate-id-across-files" else "demo"
    for args in _writes(unit):
        other = run("--ledgers", case, *args)
        assert other.exit_code == 1, (args, other.output)
        assert "Traceback" not in other.output
        *problems, last = other.stderr.splitlines()
        assert last == f"rectify: {_plural(len(problems), 'problem')} found; nothing was written", args
        if args[0] == "status":  # reads every ledger: the very problems check reports
            assert problems == lines
        else:  # reads the one ledger: its own problems
            assert problems and set(problems) <= set(lines), args
        assert other.stdout == ""
        assert _files(folder) == before, args


@pytest.mark.parametrize("case", sorted(VALID))
def test_a_bom_or_crlf_ledger_is_accepted_and_kept(run: Run, tmp_path: Path, case: str) -> None:
    folder = _copy(case, tmp_path)
    data = (folder / "demo.yaml").read_bytes()
    # the stored file is what the case is about (a checkout converting line ends would spoil it)
    if case == "bom":
        assert data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    else:
        assert not data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == data.count(b"\n") == 27
    result = _check(tmp_path, case)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", VALID[case] + "\n")
    assert run("--ledgers", case, "close", "demo-001", "--by", "甲", "--approver", "乙").exit_code == 0
    after = (folder / "demo.yaml").read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == (case == "bom")
    assert (after.count(b"\r\n") == after.count(b"\n")) == (case == "crlf")
    assert _check(tmp_path, case).returncode == 0


# ---------------------------------------------------------------- 50 MB, generated at test time

SIZE = 50 * 1024 * 1024
FINDING = """\
  - id: demo-{n:06d}
    aspect: 落实全面从严治党战略部署方面
    title: 第{n}个问题
    owner: 王某
    deadline: 2021-11-30
    status: open
    history:
      - date: 2021-07-28
        action: add
"""


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """tmp/big/demo.yaml: MINIMAL with findings appended until it holds 50 MB; and how many findings."""
    folder = tmp_path_factory.mktemp("generated") / "big"
    folder.mkdir()
    parts, size, count = [MINIMAL], len(MINIMAL.encode("utf-8")), 2
    while size < SIZE:
        count += 1
        item = FINDING.format(n=count)
        parts.append(item)
        size += len(item.encode("utf-8"))
    (folder / "demo.yaml").write_text("".join(parts), encoding="utf-8")
    return folder, count


def _too_big(name: str, path: Path) -> str:
    size = path.stat().st_size / 1024 / 1024
    return (
        f"{name}/demo.yaml:1:1: the file is {size:.1f} MB; a ledger holds one unit and may be at most 16 MB "
        "(split it, one file per unit)"
    )


def test_a_50_mb_ledger_of_findings_is_refused_at_once(big: tuple[Path, int]) -> None:
    folder, _ = big
    assert (folder / "demo.yaml").stat().st_size >= SIZE
    started = time.monotonic()
    result = _check(folder.parent, "big", timeout=60)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [_too_big("big", folder / "demo.yaml")]
    assert time.monotonic() - started < 10


def test_a_50_mb_ledger_under_a_1_gb_memory_limit_gets_a_plain_answer(big: tuple[Path, int]) -> None:
    folder, _ = big
    result = _check(folder.parent, "big", timeout=60, memory=1024 * 1024 * 1024)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 1
    assert result.stdout.splitlines() == [_too_big("big", folder / "demo.yaml")]


def test_a_50_mb_text_is_refused_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "huge-text"
    folder.mkdir()
    text = "整改措施落实情况。" * (SIZE // 27 + 1)
    (folder / "demo.yaml").write_text(
        MINIMAL.replace("    owner: 张某\n", f"    detail: {text}\n    owner: 张某\n", 1), encoding="utf-8"
    )
    assert (folder / "demo.yaml").stat().st_size >= SIZE
    result = _check(tmp_path, "huge-text", timeout=60)
    assert (result.returncode, result.stdout.splitlines()) == (1, [_too_big("huge-text", folder / "demo.yaml")])
