"""How much `rectify check --verify` costs over plain `rectify check`.

Run by hand (not a test): ``python bench/verify.py [--units U] [--findings F] [--runs N]``.
It makes a repository under ``bench/.verify/`` (ignored by git) with U ledgers of F
findings, the people file and an SSH key made by ssh-keygen, and closes every finding in
a commit of its own signed with the approver's key (through the library, as
``rectify close --commit --key`` does). It then times, each as a fresh process: plain
``check``; ``check --verify`` the first time (every signature verified by git), and again
(the verdicts kept in the git folder). Prints the medians and the ratios to ``check``.
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
WORK = HERE / ".verify"


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
    key = WORK / "zhong"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    public = Path(f"{key}.pub").read_text(encoding="utf-8").strip()
    (repo / ".rectify").mkdir()
    (repo / ".rectify" / "people.yaml").write_text(
        f"administrators: [zhong]\npeople:\n  - id: zhong\n    name: 钟某\n    keys: [\"{public}\"]\n"
        f"    signs: {{审签: ['*']}}\n",
        encoding="utf-8",
    )
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
            lib.step(finding, Action.CLOSE, "2022-06-01", f"close {finding}: 审签 钟某", True, None, str(key),
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
    print(f"built {options.units} x {options.findings} findings, each closed in a signed commit, "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    plain = timed(["check"], env, options.runs)
    cache = WORK / "repo" / ".git" / "rectify-signatures.json"
    cold = []
    for _ in range(options.runs):
        cache.unlink(missing_ok=True)
        cold.append(timed(["check", "--verify"], env, 1))
    warm = timed(["check", "--verify"], env, options.runs)
    print(f"check                  {plain:7.2f} s")
    print(f"check --verify (cold)  {statistics.median(cold):7.2f} s  = {statistics.median(cold) / plain:5.1f} x check")
    print(f"check --verify (kept)  {warm:7.2f} s  = {warm / plain:5.1f} x check")


if __name__ == "__main__":
    main()
