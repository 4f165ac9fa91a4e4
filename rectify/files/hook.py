"""The server's side: what a push may bring (``rectify hook pre-receive``), and installing
the hook in a bare repository.

git runs the pre-receive hook in the receiving repository with one line per updated ref
on stdin (``old new ref``); the new objects are readable while it runs and the push is
refused when the hook exits non-zero (githooks(5)). Every commit the push brings is
judged against the people file already on the server (an administrator may change it;
later commits of the same push are then judged by the new one), and the pushed tip's
ledgers must pass ``check``.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rectify.domain.model import DEFAULT_CHAIN, Event
from rectify.domain.signers import APPROVAL_ACTIONS, People, approval_problem
from rectify.errors import LedgerError
from rectify.files import yamlread
from rectify.files.gitops import GitError, _git, blobs
from rectify.files.signing import (
    PEOPLE_PATH,
    FindingVersion,
    Signature,
    Version,
    parse_people,
    read_version,
    signatures,
)
from rectify.i18n import _

ZERO = "0" * 40
LEDGERS = "ledgers"
"""The folder of the ledgers in the repository the hook guards."""


@dataclass(frozen=True)
class Refusal:
    """Why a push is refused: the ``commit`` (full sha; empty for the pushed tip's check),
    a ``code`` (a key of :data:`rectify.present.words.REFUSALS`) and the ``values`` its
    message is filled with."""

    commit: str
    code: str
    values: dict[str, str] = field(default_factory=dict)


def _rev_exists(root: Path, rev: str) -> bool:
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    except GitError:
        return False
    return True


def _people_at(root: Path, rev: str | None) -> People | None:
    if rev is None:
        return None
    raw = blobs(root, [f"{rev}:{PEOPLE_PATH}"])[0]
    return None if raw is None else parse_people(raw)


def _chain_at(root: Path, rev: str) -> tuple[str, ...]:
    from rectify.files.config import load_config

    raw = blobs(root, [f"{rev}:rectify.yaml"])[0]
    try:
        return tuple(load_config(root, raw).chain) if raw is not None else DEFAULT_CHAIN
    except LedgerError:
        return DEFAULT_CHAIN


def _head_of(raw: bytes | None) -> str:
    """The ledger without its findings, as comparable text."""
    if raw is None:
        return "null"
    try:
        data = yamlread.parse(raw, "ledger").data
    except LedgerError:
        return "unreadable"
    rest = {k: v for k, v in data.items() if k != "findings"} if isinstance(data, dict) else data
    return json.dumps(rest, sort_keys=True, ensure_ascii=False, default=str)


def _commit_refusals(root: Path, sha: str, parents: list[str], sig: Signature, people: People) -> list[Refusal]:
    """What is wrong with one pushed commit's ledger changes, judged by ``people``."""
    out: list[Refusal] = []
    base = ["--root"] if not parents else []
    changed = _git(["diff-tree", "-r", "--name-only", "--no-commit-id", *base, *(parents[:1] or []), sha], root)
    names = [n for n in changed.decode("utf-8", "replace").splitlines() if n.startswith(f"{LEDGERS}/")]
    signer = people.by_id(sig.signer) if sig.status == "G" else None
    chain = _chain_at(root, sha) if names else DEFAULT_CHAIN
    for name in names:
        unit = Path(name).stem
        if not name.endswith(".yaml") or "/" in name[len(LEDGERS) + 1 :]:
            continue
        raws = blobs(root, [f"{rev}:{name}" for rev in [sha, *parents]])
        now, before = read_version(raws[0], name), [read_version(r, name) for r in raws[1:]] or [{}]
        readable = now is not None and all(b is not None for b in before)
        olds: list[Version] = [b for b in before if b is not None]
        heads = [_head_of(r) for r in raws]
        authored = (
            len(parents) <= 1  # a commit of its own: whatever it changed, its signer changed
            or not readable
            or heads[0] not in heads[1:]
            or any(
                all(old.get(fid) is None or old[fid].whole != item.whole for old in olds)
                for fid, item in (now or {}).items()
            )
        )
        if authored and signer is None:
            why = "unsigned" if sig.status == "N" else "unknown_key"
            out.append(Refusal(sha, why, {"ledger": name, "fingerprint": sig.key}))
        if authored and signer is not None and not signer.may_change(unit):
            out.append(Refusal(sha, "not_your_ledger", {"ledger": name, "person": signer.name, "unit": unit}))
        if now is None or not readable:
            continue  # unreadable: the tip's check says why
        added = [
            (fid, key, action)
            for fid, item in now.items()
            for key, action in zip(item.events, item.actions, strict=True)
            if all(key not in old.get(fid, _EMPTY).events for old in olds)
        ]
        for fid, item in now.items():
            old = olds[0].get(fid)
            if len(parents) <= 1 and old is not None and any(k not in set(item.events) for k in old.events):
                out.append(Refusal(sha, "rewritten", {"ledger": name, "finding": fid}))
        for fid, key, action in added:
            if action not in APPROVAL_ACTIONS:
                continue
            event = Event.model_validate(json.loads(key))
            if len(added) > 1 or len(parents) > 1:
                out.append(Refusal(sha, "not_own_commit", {"ledger": name, "finding": fid}))
            elif signer is None:
                out.append(Refusal(sha, "approval_unsigned", {"ledger": name, "finding": fid}))
            else:
                wrong = approval_problem(people, event, unit, chain, signer.id)
                if wrong:
                    out.append(Refusal(sha, "approval_signer", {"ledger": name, "finding": fid, "why": wrong}))
    return out


_EMPTY = FindingVersion([], [], "null", "null")


def _tip_refusals(root: Path, tip: str) -> list[Refusal]:
    """The ledgers of ``tip`` checked as ``rectify check`` does (in a temporary folder)."""
    from rectify.files.ledgerfile import check_folder

    archive = _git(["archive", "--format=tar", tip], root)
    with tempfile.TemporaryDirectory(prefix="rectify-hook-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        folder = Path(tmp) / LEDGERS
        if not folder.is_dir():
            return []
        __, problems = check_folder(folder, audit=True)
        prefix = str(Path(tmp).resolve()) + os.sep  # the temporary folder is not the pusher's business
        return [
            Refusal("", "check", {"problem": str(p).replace(prefix, "").replace(tmp + os.sep, "")}) for p in problems
        ]


def push_refusals(root: Path, updates: list[tuple[str, str, str]]) -> list[Refusal]:
    """Judge a push: ``updates`` are the hook's ``(old, new, ref)`` lines, ``root`` the
    receiving repository. Returns every reason to refuse it (empty: accept)."""
    out: list[Refusal] = []
    for old, new, _ref in updates:
        if new == ZERO:
            continue
        start = old if old != ZERO else ("HEAD" if _rev_exists(root, "HEAD") else None)
        try:
            people = _people_at(root, start)
        except LedgerError:
            people = None
        listed = _git(["rev-list", "--reverse", "--parents", new, "--not", "--all"], root).decode().split("\n")
        commits = [line.split() for line in listed if line.strip()]
        for sha, *parents in commits:
            sig = _signature(root, sha, people)
            touched = _git(
                ["diff-tree", "-r", "--name-only", "--no-commit-id", *(["--root"] if not parents else []),
                 *parents[:1], sha], root,
            ).decode("utf-8", "replace").splitlines()  # fmt: skip
            if PEOPLE_PATH in touched:
                try:
                    proposed = _people_at(root, sha)
                except LedgerError as exc:
                    out.append(Refusal(sha, "people_broken", {"problem": str(exc.problems[0])}))
                    continue
                judge = people or proposed
                sig = _signature(root, sha, judge)
                if judge is None or sig.status != "G" or not judge.is_admin(sig.signer):
                    out.append(Refusal(sha, "people_not_admin", {"signer": sig.signer or sig.key or "-"}))
                    continue
                people = proposed
            if any(name.startswith(f"{LEDGERS}/") for name in touched):
                if people is None:
                    out.append(Refusal(sha, "no_people", {}))
                    continue
                out += _commit_refusals(root, sha, parents, sig, people)
        out += _tip_refusals(root, new)
    return out


def _signature(root: Path, sha: str, people: People | None) -> Signature:
    if people is None:
        return Signature("N", "", "")
    return signatures(root, [sha], people).get(sha, Signature("N", "", ""))


def install_hook(bare: Path) -> Path:
    """Write ``hooks/pre-receive`` into the bare repository ``bare``, running this rectify
    (``python -m rectify`` by the Python's full path, so the hook works without the
    virtual environment active and never finds another rectify on the server's PATH). Returns the
    hook's path. Raises :class:`GitError` when ``bare`` is not a bare repository."""
    try:
        is_bare = _git(["rev-parse", "--is-bare-repository"], bare).decode().strip() == "true"
    except (GitError, OSError):
        is_bare = False
    if not is_bare:
        raise GitError(_(
            "{bare} is not a bare git repository (the server's copy, made by git init --bare)"
        ).format(bare=bare))
    # the Python that has this rectify, whatever PATH holds; / between folders, for sh on Windows too
    program = f'"{Path(sys.executable).as_posix()}" -m rectify'
    hook = bare / "hooks" / "pre-receive"
    hook.parent.mkdir(exist_ok=True)
    script = f"#!/bin/sh\n# installed by rectify hook install\nexec {program} hook pre-receive\n"
    hook.write_text(script, encoding="utf-8", newline="\n")  # sh stumbles on a CR, which Windows would add
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return hook
