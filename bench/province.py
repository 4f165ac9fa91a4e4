"""Province-scale benchmark: a generated corpus of 100 units × 200 findings, timed.

Run by hand (not a test): ``python bench/province.py [--runs N] [--units U] [--findings F]``.
It generates the corpus deterministically (seeded) under ``bench/.corpus/`` (ignored by
git), then prints the median (and the spread, min-max) of several runs for each
measurement and each target of the benchmark as a ratio with pass/fail:

* ``status`` with no cache (``--no-cache``) <= 1.25 x parsing the corpus with PyYAML's libyaml loader alone
* ``status`` with the cache warm <= 0.2 x the cold one
* ``status`` after one ledger changed <= 2 x the warm one
* ``--version``   <= 1.3  x ``python -c "import typer"``
* peak memory of ``status`` (cold and warm) <= 200 MB

and, when taskwarrior (``task``) or hledger is installed, the same items loaded into it
and the ratios against ``task summary`` / ``task <id> done`` and ``hledger bal`` (it says
so when they are not installed). Every measurement runs a fresh process, as a user's
command does. ``close`` runs on a fresh copy of the corpus each time, on a finding that
is still open. The cache of the corpus lives under ``.git/rectify-cache/`` of this clone.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus"
PYTHON = sys.executable

ASPECTS = [
    "贯彻落实党的路线方针政策和党中央决策部署方面",
    "落实全面从严治党战略部署方面",
    "落实新时代党的组织路线方面",
    "落实巡视巡察整改和主题教育检视问题整改方面",
]
SUBJECTS = ["理论学习", "意识形态工作", "民主集中制", "选人用人", "财务管理", "公务接待", "项目建设",
            "资金监管", "信访工作", "法律监督", "数字化改革", "作风建设", "基层党建", "干部队伍",
            "制度执行", "风险防控"]  # fmt: skip
FLAWS = ["不够深入", "落实不到位", "执行不严格", "存在薄弱环节", "质效不高", "机制不健全", "监管不严", "推进缓慢"]
VERBS = ["制定", "修订", "健全", "开展", "落实", "建立", "完善", "组织"]
OBJECTS = ["专项整治方案", "工作责任清单", "管理办法", "督查机制", "培训计划", "考核细则", "风险台账", "长效机制"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def generate(folder: Path, units: int, findings: int, seed: int = 20220118) -> None:
    """Write ``units`` ledgers of ``findings`` findings each into ``folder`` (seeded)."""
    sys.path.insert(0, str(HERE.parent))
    from rectify.domain.model import Action, Event, Finding, Inspection, Ledger, Status, Unit
    from rectify.files.yamlwrite import render_ledger

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = date(2022, 3, 1)
    for u in range(units):
        unit_id = f"unit{u:03d}"
        feedback = start + timedelta(days=rng.randrange(0, 60))
        items = []
        for n in range(1, findings + 1):
            person = lambda: rng.choice(SURNAMES) + "某" * rng.randint(1, 2)  # noqa: E731
            owner, approver = person(), person()
            while approver == owner:
                approver = person()
            day = feedback
            history = [Event(date=day, action=Action.ADD, by=person(), note="巡察组反馈，挂账")]
            day += timedelta(days=rng.randint(1, 10))
            history.append(Event(date=day, action=Action.START, by=owner))
            for _ in range(rng.randint(0, 2)):
                day += timedelta(days=rng.randint(3, 30))
                history.append(
                    Event(date=day, action=Action.PROGRESS, by=owner, note=f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}")
                )
            status = Status.IN_PROGRESS
            if rng.random() < 0.85:
                day += timedelta(days=rng.randint(3, 40))
                history.append(Event(date=day, action=Action.CLOSE, by=owner, approver=approver, note="经审签同意销号"))
                status = Status.CLOSED
            subject = rng.choice(SUBJECTS)
            items.append(
                Finding(
                    id=f"{unit_id}-{n:03d}",
                    aspect=rng.choice(ASPECTS),
                    title=f"{subject}{rng.choice(FLAWS)}",
                    detail=f"{subject}方面{rng.choice(FLAWS)}，{rng.choice(SUBJECTS)}{rng.choice(FLAWS)}。",
                    measures=[f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}" for _ in range(rng.randint(1, 3))],
                    leader=person(),
                    department=rng.choice(["办公室", "政治部", "财务科", "业务一科", "业务二科", "机关党委"]),
                    owner=owner,
                    deadline=feedback + timedelta(days=rng.choice([60, 90, 120, 180])),
                    status=status,
                    history=history,
                )
            )
        ledger = Ledger(
            unit=Unit(id=unit_id, name=f"第{u + 1}单位", supervisor=f"督导{u % 8 + 1}组"),
            inspection=Inspection(round="省委巡视整改", group=f"第{u % 12 + 1}巡视组", feedback_date=feedback),
            last_number=findings,
            findings=items,
        )
        (folder / f"{unit_id}.yaml").write_text(render_ledger(ledger, "# generated for the benchmark\n"), "utf-8")


SPREAD: dict[str, tuple[float, float]] = {}
"""Each measurement's fastest and slowest run, by name (printed beside the median)."""


def timed(
    command: list[str], env: dict[str, str], runs: int, before: Callable[[], object] | None = None, name: str = ""
) -> float:
    """Median CPU time (s, user + system) of ``runs`` fresh runs of ``command``: on a
    shared machine the wall time mostly measures the other users. ``before`` runs first
    each time, untimed. The spread is kept in :data:`SPREAD` under ``name``."""
    times = []
    for _ in range(runs):
        if before:
            before()
        times.append(cpu(command, env))
    SPREAD[name] = (min(times), max(times))
    return statistics.median(times)


def cpu(command: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) one run of ``command`` takes."""
    began = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, check=True, capture_output=True)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (ended.ru_utime - began.ru_utime) + (ended.ru_stime - began.ru_stime)


def touch_one(path: Path) -> None:
    """Change one ledger as a clerk's edit would (a comment line added), so the cache
    entry of that file is stale and every other one is still good."""
    text = path.read_text(encoding="utf-8")
    marker = "# touched by the benchmark\n"
    path.write_text(text[len(marker) :] if text.startswith(marker) else marker + text, encoding="utf-8")


def peak_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory (MB) of one run of ``command``."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([PYTHON, "-c", probe, *command], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def open_findings(path: Path, limit: int) -> list[str]:
    """Ids of up to ``limit`` findings of ledger ``path`` that are not closed (so ``close`` succeeds)."""
    import yaml

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return [str(f["id"]) for f in data["findings"] if f["status"] != "closed"][:limit]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def main() -> None:
    """Generate the corpus if needed, measure, print figures and targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (median), default 5")
    parser.add_argument("--units", type=int, default=100, help="units in the corpus, default 100")
    parser.add_argument("--findings", type=int, default=200, help="findings per unit, default 200")
    parser.add_argument("--regenerate", action="store_true", help="make the corpus again")
    args = parser.parse_args()
    folder = CORPUS / f"{args.units}x{args.findings}" / "ledgers"
    if args.regenerate and folder.exists():
        shutil.rmtree(folder)
    if not folder.exists():
        print(f"generating {args.units} units x {args.findings} findings in {folder} ...", flush=True)
        generate(folder, args.units, args.findings)
    files = sorted(folder.glob("*.yaml"))
    size = sum(f.stat().st_size for f in files) / 1e6
    events = sum(f.read_text(encoding="utf-8").count("action:") for f in files)
    print(f"corpus: {len(files)} ledgers, {args.units * args.findings} findings, {events} events, {size:.1f} MB")

    # byte-compile rectify as pip does for a regular install: with an editable install and
    # PYTHONDONTWRITEBYTECODE set, every command would otherwise compile its modules anew
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(HERE.parent / "rectify")], check=True)
    env = {**os.environ, "RECTIFY_LEDGERS": str(folder), "RECTIFY_TODAY": "2023-06-30", "LANG": "C.UTF-8"}
    script = Path(PYTHON).with_name("rectify")
    rectify = [str(script)] if script.exists() else [PYTHON, "-m", "rectify"]
    parse = (
        "import sys, yaml; [yaml.load(open(p, encoding='utf-8').read(), Loader=yaml.CSafeLoader) for p in sys.argv[1:]]"
    )
    victim = files[len(files) // 2]
    targets_open = open_findings(victim, args.runs)
    work = CORPUS / "close-work"

    def close_times(environment: dict[str, str]) -> float:
        """Median time of ``close`` on a fresh copy of the corpus, after one (untimed)
        ``status`` over it (the copy is in the page cache when the close comes)."""
        times = []
        for finding in targets_open:
            if work.exists():
                shutil.rmtree(work)
            shutil.copytree(folder, work / "ledgers")
            os.sync()  # the copy is setup: its writing back must not land in the close's fsync
            ledgers = ["--ledgers", str(work / "ledgers")]
            # --no-cache: the status only brings the copy into the page cache; cache entries it
            # wrote would be flushed by the close's fsync (ext4 commits all dirty data with it)
            subprocess.run(
                [*rectify, *ledgers, "--no-cache", "status"], env=environment, check=True, capture_output=True
            )
            people = ["--by", "王某", "--approver", "李某", "--date", "2023-06-30"]
            command = [*rectify, *ledgers, "close", finding, *people]
            times.append(cpu(command, environment))
        SPREAD["close"] = (min(times), max(times))
        return statistics.median(times)

    cold = [*rectify, "--no-cache", "status"]
    warm = [*rectify, "status"]
    subprocess.run(warm, env=env, check=True, capture_output=True)  # the cache is made
    figures: dict[str, float] = {}
    figures["import typer"] = timed([PYTHON, "-c", "import typer"], env, args.runs, name="import typer")
    figures["rectify --version"] = timed([*rectify, "--version"], env, args.runs, name="rectify --version")
    figures["libyaml parse"] = timed([PYTHON, "-c", parse, *map(str, files)], env, args.runs, name="libyaml parse")
    figures["status, no cache"] = timed(cold, env, args.runs, name="status, no cache")
    figures["status, cache warm"] = timed(warm, env, args.runs, name="status, cache warm")
    figures["status, one changed"] = timed(
        warm, env, args.runs, before=lambda: touch_one(victim), name="status, one changed"
    )
    figures["close"] = close_times(env)
    memory_cold = peak_mb(cold, env)
    memory_warm = peak_mb(warm, env)
    if work.exists():
        shutil.rmtree(work)
    peers = compare_peers(folder, env, args.runs)

    print(f"\nmedian of {args.runs} run{'s' if args.runs != 1 else ''} (CPU seconds; fastest-slowest)")
    for name, value in figures.items():
        low, high = SPREAD.get(name, (value, value))
        print(f"  {name:<26} {value:8.3f}   ({low:.3f}-{high:.3f})")
    print(f"  {'peak memory, no cache':<26} {memory_cold:8.1f} MB")
    print(f"  {'peak memory, cache warm':<26} {memory_warm:8.1f} MB")
    version = figures["rectify --version"]
    warm_time = figures["status, cache warm"]
    targets = [
        ("status, no cache <= 1.25 x libyaml parse", figures["status, no cache"] / figures["libyaml parse"], 1.25),
        ("status, cache warm <= 0.2 x no cache", warm_time / figures["status, no cache"], 0.2),
        ("status, one changed <= 2 x cache warm", figures["status, one changed"] / warm_time, 2.0),
        ("--version <= 1.3 x import typer", version / figures["import typer"], 1.3),
        ("peak memory, no cache <= 200 MB", memory_cold / 200, 1.0),
        ("peak memory, cache warm <= 200 MB", memory_warm / 200, 1.0),
    ]
    for peer, seconds in peers.items():
        mine = figures["close"] if "done" in peer else warm_time
        targets.append((f"{'close' if 'done' in peer else 'status, warm'} / {peer}", mine / seconds, 1.0))
    print("\ntargets")
    for name, ratio, limit in targets:
        print(f"  {name:<42} {ratio:6.2f} {'pass' if ratio <= limit else 'FAIL'}")


def compare_peers(folder: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """Times of taskwarrior and hledger on the same items, for those installed (says so
    for those that are not): ``task summary``, ``task <id> done``, ``hledger bal``."""
    found: dict[str, float] = {}
    for tool in ("task", "hledger"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: no comparison with it")
    if shutil.which("task") is not None:
        found.update(_taskwarrior(folder, env, runs))
    if shutil.which("hledger") is not None:
        found.update(_hledger(folder, env, runs))
    return found


def _items(folder: Path) -> list[dict[str, str]]:
    """Every finding of the corpus as plain fields (id, unit, aspect, title, status, deadline)."""
    import yaml

    out = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for f in data["findings"]:
            out.append(
                {
                    "id": str(f["id"]),
                    "unit": str(data["unit"]["id"]),
                    "aspect": str(f["aspect"]),
                    "title": str(f["title"]),
                    "status": str(f["status"]),
                    "deadline": str(f["deadline"]),
                }
            )
    return out


def _taskwarrior(folder: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """The corpus's findings imported into a fresh taskwarrior data folder; times of
    ``task summary`` and of ``task <id> done`` on a pending one."""
    import json

    data = CORPUS / "taskwarrior"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    rc = data / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\n", encoding="utf-8")
    tenv = {**env, "TASKRC": str(rc)}
    tasks = [
        {
            "description": item["title"],
            "project": item["unit"],
            "status": "completed" if item["status"] == "closed" else "pending",
            "due": item["deadline"].replace("-", "") + "T000000Z",
            "entry": "20220301T000000Z",
            **({"end": "20230601T000000Z"} if item["status"] == "closed" else {}),
        }
        for item in _items(folder)
    ]
    subprocess.run(["task", "import"], input=json.dumps(tasks), text=True, env=tenv, check=True, capture_output=True)
    summary = timed(["task", "summary"], tenv, runs, name="task summary")
    pending = subprocess.run(["task", "ids"], env=tenv, check=True, capture_output=True, text=True).stdout.split()
    first = pending[0].split("-")[0] if pending else "1"
    done = timed(["task", first, "done"], tenv, 1, name="task <id> done")
    return {"task summary": summary, "task <id> done": done}


def _hledger(folder: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """The corpus's findings as a journal (one transaction per finding, posted to
    unit:status); time of ``hledger bal``."""
    journal = CORPUS / "findings.journal"
    lines = []
    for item in _items(folder):
        lines += [
            f"{item['deadline']} {item['id']} {item['title']}",
            f"    {item['unit']}:{item['status']}    1 finding",
            "    total",
            "",
        ]
    journal.write_text("\n".join(lines), encoding="utf-8")
    return {"hledger bal": timed(["hledger", "-f", str(journal), "bal"], env, runs, name="hledger bal")}


if __name__ == "__main__":
    main()
