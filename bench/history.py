"""How much `rectify check`'s look at the git history costs.

Run by hand (not a test): ``python bench/history.py [--units U] [--findings F] [--runs N]``.
It makes a repository under ``bench/.history/`` (ignored by git) with U ledgers of F
findings and closes every finding in a commit of its own (through the library, as
``rectify close --commit`` does), so the history has U x F commits that changed a ledger.
It then times, each as a fresh process: ``check`` outside git (no history looked at; the
ledger cache warm), ``check`` the first time in git (every pair of versions judged), and
again (the verdicts kept in the git folder). Prints the medians.
git's configuration of this machine is not used (GIT_CONFIG_GLOBAL points into the folder).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".history"


def build(units: int, findings: int) -> dict[str, str]:
    """Make the repository; return the environment the measurements run in."""
    sys.path.insert(0, str(HERE.parent))
    shutil.rmtree(WORK, ignore_errors=True)
    repo = WORK / "repo"
    (repo / "ledgers").mkdir(parents=True)
    env = {
        **os.environ,
        "HOME": str(WORK),
        "GIT_CONFIG_GLOBAL": str(WORK / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "王某",
        "GIT_AUTHOR_EMAIL": "wang@example.org",
        "GIT_COMMITTER_NAME": "王某",
        "GIT_COMMITTER_EMAIL": "wang@example.org",
        "RECTIFY_TODAY": "2022-12-31",
        "RECTIFY_LEDGERS": str(repo / "ledgers"),
    }
    os.environ.update(env)
    from datetime import date

    from rectify.api import Ledgers
    from rectify.domain.model import Action
    from rectify.domain.steps import NewFinding

    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    lib = Ledgers(repo / "ledgers")
    for u in range(units):
        unit = f"unit{u:03d}"
        lib.add_unit(unit, f"第{u}单位")
        items = [NewFinding("作风建设方面", f"问题{n}", None, ("整改",), None, None, "张某", date(2022, 10, 31))
                 for n in range(findings)]  # fmt: skip
        lib.add(unit, items, date(2022, 3, 1))
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "start"], cwd=repo, check=True)
    for u in range(units):
        for n in range(1, findings + 1):
            finding = f"unit{u:03d}-{n:03d}"
            lib.step(finding, Action.CLOSE, "2022-06-01", f"close {finding}: 审签 钟某", True, None, None,
                     by="王某", approver="钟某")  # fmt: skip
    return env


def timed(args: list[str], env: dict[str, str], runs: int) -> float:
    """Median seconds of ``rectify ARGS`` over ``runs`` fresh processes (exit 0 required)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "rectify", *args], env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"rectify {' '.join(args)} failed:\n{result.stdout.decode()}{result.stderr.decode()}")
    return statistics.median(times)


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--findings", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    started = time.perf_counter()
    env = build(options.units, options.findings)
    print(f"built {options.units} x {options.findings} findings, each closed in a commit of its own, "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    repo = WORK / "repo"
    timed(["check"], env, 1)  # the ledger cache made
    git_dir = repo / ".git"
    hidden = repo / ".git-hidden"
    git_dir.rename(hidden)
    try:
        outside = timed(["check"], {**env, "GIT_CEILING_DIRECTORIES": str(WORK)}, options.runs)
    finally:
        hidden.rename(git_dir)
    cold = []
    for _ in range(options.runs):
        for kept in git_dir.glob("rectify-cache/*/history.json"):
            kept.unlink()
        cold.append(timed(["check"], env, 1))
    warm = timed(["check"], env, options.runs)
    print(f"check, no history           {outside:7.2f} s")
    print(f"check, history judged       {statistics.median(cold):7.2f} s")
    print(f"check, verdicts kept        {warm:7.2f} s")


if __name__ == "__main__":
    main()
