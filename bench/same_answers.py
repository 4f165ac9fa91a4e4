"""Old code against new: the same commands on the same ledgers, every answer compared.

Run by hand (not a test) after work meant to change no answer (a speed round):
``python bench/same_answers.py REV [--cases N] [--seed S]``. It checks REV (a commit, say
the one before the round) out into a git worktree under ``bench/.same/`` (ignored by
git), writes N seeded ledger folders there (random walks of the state diagram with real
and hostile names, extensions, reopenings, sign chains under a ``rectify.yaml`` chain,
then text variants: CRLF, BOM, document markers, long comments, flow lists, and a share
of plain breakage: values ``~``/``Null``/``true``/``.nan``, empty and duplicate keys,
conflict markers, tabs, dates out of order or after today), and runs on each folder's
copy, in one process per version (``PYTHONPATH``, so remembered dates and names are
shared across folders as in a long-lived process), ``check``, ``status`` (as of several
days, by aspect, wide), ``list``, ``overdue``, ``trend``, ``export`` (csv and json),
``show`` and three steps (close, extend, sign, submit, reopen, ...). Exit code, standard
output and error and every resulting file are compared; the first differences are
printed, and the exit code is 1 when there is one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_Plain: Any = None
WORK = HERE / ".same"
PEOPLE = ["王某", "李某", "张某", "赵某", "钱某", "孙某", "Wang Wei", "ＬＩ", "王\u200b某"]
HOSTILE = [*PEOPLE, "Wаng", "王某\u202e", "\u3164"]
"""Names for the steps: plain ones (and look-alikes of them), and with hostile ones for a
share of the folders (a folder holding one fails ``check``, and shows no figures)."""
ODD = ["~", "Null", "true", ".nan", "''", '""', "[]", "{}", ".5", "x" * 3000, "'a\"\": b'", "2022-02-30", '"\\u202e王"']
STEPS = ["add", "start", "progress", "submit", "sign", "return", "close", "reopen", "extend", "long_term", "withdraw",
         "account"]  # fmt: skip


def _walk(rng: random.Random, fid: str, start: dt.date, chain: bool, people: list[str]) -> dict[str, Any]:
    """A finding whose history is a random walk of steps (most allowed, some not)."""
    from rectify.domain.kinds import Action, Status
    from rectify.domain.states import WorkflowError, allowed_actions, next_status

    owner = rng.choice(people)
    history: list[dict[str, Any]] = [{"date": start, "action": "add", "by": "林某"}]
    status: Status | None = Status.OPEN
    day, deadline = start, start + dt.timedelta(days=rng.choice([30, 90, 180]))
    first = deadline
    for _step in range(rng.randint(0, 9)):
        day += dt.timedelta(days=rng.choice([0, 1, 3, 10, 30, 60]))
        allowed = [a.value for a in allowed_actions(status) if a.value in STEPS[1:]]
        allowed = [a for a in allowed if a != "close" or not chain]
        if "withdraw" in allowed and len(allowed) > 1 and rng.random() < 0.9:
            allowed.remove("withdraw")  # a withdrawn finding counts nowhere: a rare step
        if not allowed:
            break
        action = rng.choice(allowed if rng.random() < 0.97 else STEPS[1:])
        try:
            status = next_status(status, Action(action))
        except WorkflowError:
            pass
        by, approver = rng.sample([p for p in people if p != owner and p != "王\u200b某"], 2)
        event: dict[str, Any] = {"date": day, "action": action, "by": by}
        if action in ("close", "extend", "withdraw"):
            event["approver"] = approver
        if action == "extend":
            deadline += dt.timedelta(days=rng.choice([-5, 10, 40, 40, 40, 40, 40]))
            event.update(to=deadline, note="延期")
        if action == "submit" and chain:
            event["chain"] = ["单位主要负责人", "督导组"]
        if action in ("withdraw", "return"):
            event["note"] = "理由"
        if action == "account":
            event["accountability"] = rng.choice([{"rules": 2}, {"people": {"诫勉谈话": 1}, "funds_yuan": "100.5"}])
        history.append(event)
    if rng.random() < 0.03 and len(history) > 2:  # out of date order
        i, j = rng.sample(range(len(history)), 2)
        history[i]["date"], history[j]["date"] = history[j]["date"], history[i]["date"]
    status = _replayed(history) if rng.random() < 0.9 else rng.choice(["open", "closed", "long_term"])
    finding: dict[str, Any] = {
        "id": fid, "aspect": rng.choice(["作风建设方面", "党的建设方面"]),
        "title": rng.choice(["问题一", "Wаng问题", "标题" * 50]),
        "owner": owner, "deadline": first, "status": status, "history": history,
    }  # fmt: skip
    if rng.random() < 0.3:
        finding["accountability"] = {"rules": 1, "people": {"问责": 2}, "funds_yuan": "3.5"}
    for key in ("leader", "department", "detail"):
        if rng.random() < 0.2:
            finding[key] = rng.choice([None, "", "王\u200b某", "Wаng", "x" * 3000])
    return finding


def _replayed(history: list[dict[str, Any]]) -> str:
    """The status the state diagram gives a history (the stored one of a ledger that checks)."""
    from rectify.domain.kinds import Action
    from rectify.domain.states import WorkflowError, next_status

    status = None
    for event in history:
        try:
            status = next_status(status, Action(event["action"]))
        except WorkflowError:
            break
    return status.value if status is not None else "open"


def _texty(rng: random.Random, text: str) -> str:
    """A variant of a ledger's text: line ends, BOM, markers, comments, or one line broken."""
    lines = text.split("\n")
    i = rng.randrange(1, max(2, len(lines) - 1))
    key = lines[i].split(": ")[0]
    variants = [
        lambda: text.replace("\n", "\r\n"),
        lambda: "\ufeff" + text,
        lambda: "---\n" + text + "...\n",
        lambda: "# " + "注" * 20000 + "\n" + text,
        lambda: "\n".join([*lines[:i], key + ": " + rng.choice(ODD), *lines[i + 1 :]]),
        lambda: "\n".join([*lines[:i], lines[i], *lines[i:]]),  # a key twice
        lambda: "\n".join([*lines[:i], rng.choice(["<<<<<<< HEAD", "...", "%x", "\t"]), *lines[i:]]),
        lambda: "\n".join([*lines[:i], key.replace(key.strip(), "''") + ": x", *lines[i + 1 :]]),
    ]
    return rng.choice(variants)()


def _plain_dumper() -> Any:
    import yaml

    class Plain(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # a day or a list used twice is written out twice, as a ledger holds it

    return Plain


def make_cases(folder: Path, count: int, seed: int) -> list[dict[str, Any]]:
    """Write ``count`` ledger folders under ``folder``; return the commands to run on each."""
    import yaml

    global _Plain
    _Plain = _plain_dumper()
    rng = random.Random(seed)
    spec: list[dict[str, Any]] = []
    for n in range(count):
        case = folder / f"c{n:04d}"
        (case / "ledgers").mkdir(parents=True)
        (case / "ev.pdf").write_bytes(b"%PDF-1.4 evidence")
        chain = rng.random() < 0.3
        if chain:
            config = "chain: [单位主要负责人, 督导组]\nchain_since: 2022-01-01\n"
            (case / "rectify.yaml").write_text(config, encoding="utf-8")
        ids: list[str] = []
        for u in range(rng.randint(1, 2)):
            start = dt.date(2022, 3, 1) + dt.timedelta(days=rng.randrange(30))
            people = HOSTILE if rng.random() < 0.2 else PEOPLE
            findings = [_walk(rng, f"u{u}-{i:03d}", start, chain, people) for i in range(1, rng.randint(2, 6))]
            ids += [f["id"] for f in findings]
            ledger = {
                "unit": {"id": f"u{u}", "name": f"单位{u}"},
                "inspection": {"feedback_date": start if rng.random() < 0.7 else None},
                "last_number": len(findings), "findings": findings,
            }  # fmt: skip
            text = yaml.dump(ledger, Dumper=_Plain, allow_unicode=True, sort_keys=False, width=10**6)
            if rng.random() < 0.4:
                text = _texty(rng, text)
            (case / "ledgers" / f"u{u}.yaml").write_bytes(text.encode("utf-8"))

        def day() -> str:
            return str(dt.date(2022, 3, 1) + dt.timedelta(days=rng.randrange(400)))

        fid = rng.choice(ids)
        commands = [
            ["check"], ["status", "-w"], ["status", "--as-of", day(), "-w", "-p", "4"], ["status", "--by", "aspect"],
            ["list", "--as-of", day()], ["overdue", "--as-of", day(), "--within", "20"], ["trend", "--every", "month"],
            ["export", "--format", "json", "-o", "o.json", "--as-of", day()],
            ["export", "--format", "csv", "-o", "o.csv"],
            ["show", fid],
        ]  # fmt: skip
        for _step in range(3):
            commands.append(rng.choice([
                ["close", fid, "--by", "张某", "--approver", rng.choice(PEOPLE), "--date", day()],
                ["extend", fid, "--to", day(), "--approver", "陈某", "--reason", "r", "--by", "周某"],
                ["sign", fid, "--by", rng.choice(PEOPLE)],
                ["submit", fid, "--by", "周某", "-e", "ev.pdf", "--date", day()],
                ["reopen", fid, "--by", "王某", "--reason", "x"], ["start", fid],
                ["return", fid, "--by", "钱某", "--opinion", "x"],
                ["long-term", fid, "--note", "长期"], ["progress", fid, "--by", "王某", "--note", "n", "--date", day()],
            ]))  # fmt: skip
        env = {"LANG": rng.choice(["zh_CN.UTF-8", "C.UTF-8"]),
               "RECTIFY_TODAY": rng.choice(["2022-06-30", "2024-03-01"])}  # fmt: skip
        spec += [{"case": str(case), "args": ["--no-cache", *args], "env": env} for args in commands]
    return spec


def run_all(spec_path: Path, out_path: Path, work: Path) -> None:
    """Run every command of the spec in this process (the code on ``PYTHONPATH``), each on
    a fresh copy of its folder at ``work``; write what each answered to ``out_path``."""
    from click.testing import CliRunner

    import rectify.cli as cli

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    base = dict(os.environ)
    runner = CliRunner()
    answers = []
    for item in spec:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(item["case"], work)
        os.chdir(work)
        os.environ.clear()
        os.environ.update(base, **item["env"])
        result = runner.invoke(cli.command(), item["args"], prog_name="rectify")
        crash = None if result.exception is None or isinstance(result.exception, SystemExit) else repr(result.exception)
        files = {
            str(p.relative_to(work)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(work.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(work).parts)
        }
        answers.append([item["case"], item["args"], result.exit_code, result.stdout, result.stderr, crash, files])
        os.chdir(HERE)
    out_path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")


def main() -> int:
    """Parse the arguments, make the cases, run both versions, print the differences."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the old commit (the reference)")
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20220118)
    parser.add_argument("--run", nargs=3, metavar=("SPEC", "OUT", "WORK"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.run:
        run_all(*(Path(p) for p in options.run))
        return 0
    root = HERE.parent
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir()
    subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", str(WORK / "old"), options.rev], check=True)
    try:
        sys.path.insert(0, str(root))
        spec = make_cases(WORK / "cases", options.cases, options.seed)
        (WORK / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        answers = {}
        for version, code in (("old", WORK / "old"), ("new", root)):
            env = dict(os.environ, PYTHONPATH=str(code), COLUMNS="100", NO_COLOR="1", TERM="dumb",
                       XDG_CACHE_HOME=str(WORK / f"cache-{version}"))  # fmt: skip
            out = WORK / f"{version}.json"
            spec_file, work = str(WORK / "spec.json"), str(WORK / "w")
            command = [sys.executable, __file__, options.rev, "--run", spec_file, str(out), work]
            subprocess.run(command, env=env, check=True)
            answers[version] = json.loads(out.read_text(encoding="utf-8"))
        differ = [(a, b) for a, b in zip(answers["old"], answers["new"], strict=True) if a != b]
        for old, new in differ[:10]:
            print("differs:", old[0], old[1], "\n  old:", repr(old[2:])[:600], "\n  new:", repr(new[2:])[:600])
        print(f"{len(spec)} commands on {options.cases} folders; {len(differ)} answered differently")
        return 1 if differ else 0
    finally:
        subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(WORK / "old")], check=False)


if __name__ == "__main__":
    sys.exit(main())
