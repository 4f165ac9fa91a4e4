"""Province-scale benchmark: a generated corpus of 100 units × 200 findings, timed.

Run by hand (not a test): ``python bench/province.py [--runs N] [--units U] [--findings F]
[--scale 10,100,500]``. It generates the corpora deterministically (seeded) under
``bench/.corpus/`` (ignored by git). Every measurement runs a fresh process, as a user's
command does, and the runs are interleaved (round after round, each measurement once per
round, the peers' too) so that a machine whose load changes shifts them all alike. It
prints the median (and the spread, min-max) of each measurement, the targets of issue 12
as ratios with pass/fail, and a scaling table (10, 100 and 500 units by default: status
with no cache, with the cache warm, close, peak memory):

* ``status`` with the cache warm <= 0.2 x ``task summary`` and <= 1.0 x its peak memory
  ("cache warm": the same command run again with nothing changed, answered from what it
  printed, rectify/files/answers.py)
* ``status`` after one ledger of 100 changed <= 2 x ``status`` from the ledgers' records
  alone ("records warm": every ledger's records cached, the remembered answer removed
  before each run, so the table is computed). Against the replayed answer this ratio
  could not pass: one changed ledger must be read, which no replay avoids; the bench
  prints that ratio too, for the record
* ``status`` with no cache <= 2.0 x ``hledger bal`` and <= 0.3 x parsing the corpus with
  PyYAML's libyaml loader alone
* ``close`` on one unit <= 1.0 x ``task <id> done``, and flat from 10 to 500 units
  (the close at 500 units <= 1.2 x the close at 10)
* peak memory of ``status`` at 500 units <= 1.2 x at 100 units
* ``--version`` <= 1.3 x ``python -c "import typer"``

taskwarrior (``task``) and hledger get the same items (one task, one transaction per
finding); the bench says so when either is not installed and leaves its targets out.
``close`` runs on a fresh copy of the corpus each time, on a finding that is still open.
The cache of a corpus lives under ``.git/rectify-cache/`` of this clone, the remembered
answers under ``bench/.corpus/user-cache/`` (``XDG_CACHE_HOME`` of every run).
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


Measure = tuple[str, Callable[[], float]]


def interleaved(measures: list[Measure], runs: int) -> dict[str, float]:
    """Run each measurement ``runs`` times, round after round (each once per round);
    return the medians by name and keep the spreads in :data:`SPREAD`."""
    times: dict[str, list[float]] = {name: [] for name, _ in measures}
    for round_ in range(runs):
        print(f"  round {round_ + 1} of {runs}", flush=True)
        for name, measure in measures:
            times[name].append(measure())
    for name, values in times.items():
        SPREAD[name] = (min(values), max(values))
    return {name: statistics.median(values) for name, values in times.items()}


def corpus(units: int, findings: int, regenerate: bool = False) -> Path:
    """The ledger folder of the corpus of ``units`` x ``findings`` (generated if needed)."""
    folder = CORPUS / f"{units}x{findings}" / "ledgers"
    if regenerate and folder.exists():
        shutil.rmtree(folder)
    if not folder.exists():
        print(f"generating {units} units x {findings} findings in {folder} ...", flush=True)
        generate(folder, units, findings)
    return folder


def main() -> None:
    """Generate the corpora if needed, measure, print figures, targets and the scaling table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (median), default 3")
    parser.add_argument("--units", type=int, default=100, help="units in the main corpus, default 100")
    parser.add_argument("--findings", type=int, default=200, help="findings per unit, default 200")
    parser.add_argument("--scale", default="10,100,500", help="unit counts of the scaling table ('' for none)")
    parser.add_argument("--regenerate", action="store_true", help="make the corpora again")
    args = parser.parse_args()
    folder = corpus(args.units, args.findings, args.regenerate)
    files = sorted(folder.glob("*.yaml"))
    size = sum(f.stat().st_size for f in files) / 1e6
    events = sum(f.read_text(encoding="utf-8").count("action:") for f in files)
    print(f"corpus: {len(files)} ledgers, {args.units * args.findings} findings, {events} events, {size:.1f} MB")
    scale = [int(n) for n in args.scale.split(",") if n.strip()]
    scaled = {units: corpus(units, args.findings, args.regenerate) for units in scale}

    # byte-compile rectify as pip does for a regular install: with an editable install and
    # PYTHONDONTWRITEBYTECODE set, every command would otherwise compile its modules anew
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(HERE.parent / "rectify")], check=True)
    base_env = {**os.environ, "RECTIFY_TODAY": "2023-06-30", "LANG": "C.UTF-8"}
    base_env.pop("RECTIFY_CACHE", None)
    answers = CORPUS / "user-cache"
    base_env["XDG_CACHE_HOME"] = str(answers)  # remembered answers (rectify/files/answers.py)
    env = {**base_env, "RECTIFY_LEDGERS": str(folder)}
    script = Path(PYTHON).with_name("rectify")
    rectify = [str(script)] if script.exists() else [PYTHON, "-m", "rectify"]
    parse = (
        "import sys, yaml; [yaml.load(open(p, encoding='utf-8').read(), Loader=yaml.CSafeLoader) for p in sys.argv[1:]]"
    )
    cold = [*rectify, "--no-cache", "status"]
    warm = [*rectify, "status"]
    victim = files[len(files) // 2]

    def closing(source: Path, label: str) -> Callable[[], float]:
        """One timed ``close`` of a still-open finding on a fresh copy of ``source``."""
        work = CORPUS / f"close-work-{label}"
        middle = sorted(source.glob("*.yaml"))[len(list(source.glob("*.yaml"))) // 2]
        todo = open_findings(middle, 1000)
        count = iter(range(len(todo)))

        def run() -> float:
            if work.exists():
                shutil.rmtree(work)
            shutil.copytree(source, work / "ledgers")
            os.sync()  # the copy is setup: its writing back must not land in the close's fsync
            finding = todo[next(count)]
            people = ["--by", "王某", "--approver", "审签员甲", "--date", "2023-06-30"]  # no generated name
            return cpu([*rectify, "--ledgers", str(work / "ledgers"), "close", finding, *people], env)

        return run

    def timing(
        command: Command, environment: dict[str, str], before: Callable[[], object] | None = None
    ) -> Callable[[], float]:
        def run() -> float:
            if before is not None:
                before()
            return cpu(command() if callable(command) else command, environment)

        return run

    for ledgers in (folder, *scaled.values()):
        subprocess.run(warm, env={**base_env, "RECTIFY_LEDGERS": str(ledgers)}, check=True, capture_output=True)
    forgotten = CORPUS / "user-cache-forgotten"  # "records warm": its answers removed before each run
    records_env = {**env, "XDG_CACHE_HOME": str(forgotten)}
    peers = prepare_peers(folder, env)
    measures: list[Measure] = [
        ("import typer", timing([PYTHON, "-c", "import typer"], env)),
        ("rectify --version", timing([*rectify, "--version"], env)),
        ("libyaml parse", timing([PYTHON, "-c", parse, *map(str, files)], env)),
        ("status, no cache", timing(cold, env)),
        ("status, cache warm", timing(warm, env)),
        ("status, records warm", timing(warm, records_env, before=lambda: shutil.rmtree(forgotten, True))),
        ("status, one changed", timing(warm, env, before=lambda: touch_one(victim))),
        ("close", closing(folder, "main")),
        *[(name, timing(command, peer_env)) for name, command, peer_env in peers],
    ]
    for units, ledgers in scaled.items():
        if units == args.units:
            continue
        scale_env = {**base_env, "RECTIFY_LEDGERS": str(ledgers)}
        measures += [
            (f"{units}: status, no cache", timing(cold, scale_env)),
            (f"{units}: status, cache warm", timing(warm, scale_env)),
            (f"{units}: close", closing(ledgers, str(units))),
        ]
    print(f"measuring: {len(measures)} measurements x {args.runs} interleaved rounds", flush=True)
    figures = interleaved(measures, args.runs)
    memory = {"no cache": peak_mb(cold, env), "cache warm": peak_mb(warm, env)}
    for name, command, peer_env in peers:
        if name == "task summary" and not callable(command):
            memory["task summary"] = peak_mb(command, peer_env)
    scaled_memory = {}
    for units, ledgers in scaled.items():
        scale_env = {**base_env, "RECTIFY_LEDGERS": str(ledgers)}
        scaled_memory[units] = (peak_mb(cold, scale_env), peak_mb(warm, scale_env))
        if units == args.units:
            for what in ("status, no cache", "status, cache warm", "close"):
                figures[f"{units}: {what}"] = figures[what]
                SPREAD[f"{units}: {what}"] = SPREAD[what]
    for work in CORPUS.glob("close-work-*"):
        shutil.rmtree(work)

    print(f"\nmedian of {args.runs} interleaved run{'s' if args.runs != 1 else ''} (CPU seconds; fastest-slowest)")
    for name, value in figures.items():
        if ":" in name:
            continue
        low, high = SPREAD.get(name, (value, value))
        print(f"  {name:<26} {value:8.3f}   ({low:.3f}-{high:.3f})")
    for name, value in memory.items():
        print(f"  {'peak memory, ' + name:<26} {value:8.1f} MB")

    warm_time = figures["status, cache warm"]
    records_time = figures["status, records warm"]
    targets = [
        ("status, one changed <= 2 x records warm", figures["status, one changed"] / records_time, 2.0),
        ("(status, one changed / cache warm)", figures["status, one changed"] / warm_time, float("inf")),
        ("status, no cache <= 0.3 x libyaml parse", figures["status, no cache"] / figures["libyaml parse"], 0.3),
        ("--version <= 1.3 x import typer", figures["rectify --version"] / figures["import typer"], 1.3),
    ]
    if "task summary" in figures:
        targets += [
            ("status, cache warm <= 0.2 x task summary", warm_time / figures["task summary"], 0.2),
            ("peak memory, warm <= 1.0 x task summary's", memory["cache warm"] / memory["task summary"], 1.0),
            ("close <= 1.0 x task <id> done", figures["close"] / figures["task <id> done"], 1.0),
        ]
    if "hledger bal" in figures:
        targets.append(
            ("status, no cache <= 2.0 x hledger bal", figures["status, no cache"] / figures["hledger bal"], 2.0)
        )
    if 100 in scaled_memory and 500 in scaled_memory:
        targets.append(("peak memory at 500 <= 1.2 x at 100 units", scaled_memory[500][0] / scaled_memory[100][0], 1.2))
    if f"{min(scale, default=0)}: close" in figures and f"{max(scale, default=0)}: close" in figures:
        ratio = figures[f"{max(scale)}: close"] / figures[f"{min(scale)}: close"]
        targets.append((f"close at {max(scale)} <= 1.2 x at {min(scale)} units", ratio, 1.2))
    print("\ntargets")
    for name, ratio, limit in targets:
        verdict = "" if limit == float("inf") else "pass" if ratio <= limit else "FAIL"
        print(f"  {name:<44} {ratio:6.2f} {verdict}")

    if scaled:
        print(
            f"\nscaling ({args.findings} findings per unit; CPU seconds, median of {args.runs}, "
            "fastest-slowest; peak MB)"
        )
        print(
            f"  {'units':>5}  {'status, no cache':<22} {'status, cache warm':<22} {'close':<22} "
            f"{'memory cold / warm':>18}"
        )
        for units in scale:
            cells = []
            for what in ("status, no cache", "status, cache warm", "close"):
                value = figures[f"{units}: {what}"]
                low, high = SPREAD[f"{units}: {what}"]
                cells.append(f"{value:.3f} ({low:.3f}-{high:.3f})")
            cold_mb, warm_mb = scaled_memory[units]
            print(f"  {units:>5}  {cells[0]:<22} {cells[1]:<22} {cells[2]:<22} {cold_mb:8.1f} / {warm_mb:6.1f}")


Command = list[str] | Callable[[], list[str]]
"""A command to time, or a function giving the command of each run."""


def prepare_peers(folder: Path, env: dict[str, str]) -> list[tuple[str, Command, dict[str, str]]]:
    """Load the corpus's findings into taskwarrior and hledger, for those installed (says
    so for those that are not); return the peer commands to time: ``task summary``,
    ``task <id> done`` (each time on another pending task), ``hledger bal``."""
    found: list[tuple[str, Command, dict[str, str]]] = []
    for tool in ("task", "hledger"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: no comparison with it (apt-get install taskwarrior hledger)")
    if shutil.which("task") is not None:
        found += _taskwarrior(folder, env)
    if shutil.which("hledger") is not None:
        found += _hledger(folder, env)
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


def _taskwarrior(folder: Path, env: dict[str, str]) -> list[tuple[str, Command, dict[str, str]]]:
    """The corpus's findings imported into a fresh taskwarrior data folder; the commands
    ``task summary`` and ``task <id> done`` (each run on the next pending task, by its uuid)."""
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
    print(f"loading {len(tasks)} tasks into taskwarrior ...", flush=True)
    subprocess.run(["task", "import"], input=json.dumps(tasks), text=True, env=tenv, check=True, capture_output=True)
    subprocess.run(["task", "summary"], env=tenv, check=True, capture_output=True)  # its first run tidies the data
    # each timed `done` closes the next pending task, by its uuid
    uuids = subprocess.run(
        ["task", "status:pending", "_uuids"], env=tenv, check=True, capture_output=True, text=True
    ).stdout.split()
    pending = iter(uuids)
    return [
        ("task summary", ["task", "summary"], tenv),
        ("task <id> done", lambda: ["task", next(pending), "done"], tenv),
    ]


def _hledger(folder: Path, env: dict[str, str]) -> list[tuple[str, Command, dict[str, str]]]:
    """The corpus's findings as a journal (one transaction per finding, posted to
    unit:status); the command ``hledger bal``."""
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
    return [("hledger bal", ["hledger", "-f", str(journal), "bal"], env)]


if __name__ == "__main__":
    main()
