"""Signed steps in git: the people file, git's allowed-signers file made from it, commit
signatures, and which commit introduced each event of a ledger.

The people file is ``.rectify/people.yaml`` at the repository root
(:mod:`rectify.domain.signers`). Signatures are git's own SSH signatures
(``gpg.format=ssh``), verified by git with ``gpg.ssh.allowedSignersFile`` pointing at a
temporary file made from the people file; rectify never checks a signature itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rectify.domain.model import Action, Event, Finding
from rectify.domain.signers import People, people_problems, public_key
from rectify.errors import LedgerError, Problem, UsageError
from rectify.files import yamlread
from rectify.files.gitops import GitError, _git, blobs, file_history
from rectify.files.ledgerfile import Loaded
from rectify.i18n import _

PEOPLE_PATH = ".rectify/people.yaml"
"""Where the people file lives, relative to the repository root."""


def parse_people(raw: bytes, name: str = PEOPLE_PATH) -> People:
    """Read the people file's bytes; raise :class:`LedgerError` with every problem at its
    ``name:line:col``."""
    from rectify.files.schema import label, schema_problems

    doc = yamlread.parse(raw, name)
    if not isinstance(doc.data, dict):
        raise LedgerError([Problem(name, 1, 1, _("the people file must be a mapping with 'people:'"))])
    try:
        people = People.model_validate(doc.data)
    except ValidationError as exc:
        raise LedgerError(schema_problems(doc, exc, model=People)) from None
    found = people_problems(people)
    if found:
        raise LedgerError([Problem(name, *doc.where(path), f"{label(path)}: {message}") for path, message in found])
    return people


def load_people(root: Path) -> People | None:
    """The people file of the repository at ``root``, or None when it has none. Raises
    :class:`LedgerError` when it is broken."""
    path = root / PEOPLE_PATH
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    return parse_people(raw, PEOPLE_PATH)


@contextmanager
def allowed_signers(people: People) -> Iterator[Path]:
    """A temporary allowed-signers file (ssh-keygen(1) format) made from ``people``, removed after."""
    handle, name = tempfile.mkstemp(prefix="rectify-signers-", suffix=".txt")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:  # no CR for ssh-keygen, on Windows too
            out.write(people.allowed_signers())
        yield Path(name)
    finally:
        os.unlink(name)


@dataclass(frozen=True)
class Signature:
    """git's verdict on one commit: ``status`` is git's ``%G?`` (G good, N none, U a key not
    in the allowed signers, B bad, E cannot check), ``signer`` the person id (principal)
    of a good signature, ``key`` the key's fingerprint."""

    status: str
    signer: str
    key: str


def signatures(root: Path, shas: list[str], people: People, cache: bool = False) -> dict[str, Signature]:
    """Verify the commits ``shas`` with git (``%G?``, the check ``git verify-commit`` makes)
    against the people's keys; one git process for all of them.

    With ``cache``, verdicts are kept in the repository's git folder
    (``rectify-signatures.json``) by commit and by the allowed-signers text, so a commit
    is verified once for one people file (a commit and its signature never change); a
    verdict of "cannot check" (E) is never kept."""
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    text = people.allowed_signers()
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    store = _cache_path(root) if cache else None
    kept: dict[str, list[str]] = _read_cache(store, digest) if store else {}
    found = {sha: Signature(*kept[sha]) for sha in wanted if sha in kept and len(kept[sha]) == 3}
    missing = [sha for sha in wanted if sha not in found]
    if missing:
        with allowed_signers(people) as signers:
            out = _git(
                ["-c", f"gpg.ssh.allowedSignersFile={signers}", "log", "--no-walk=unsorted", "--stdin",
                 "--format=%H%x1f%G?%x1f%GS%x1f%GK"],
                root,
                "\n".join(missing).encode() + b"\n",
            )  # fmt: skip
        for line in out.decode("utf-8", "replace").splitlines():
            sha, status, signer, key = (line.split("\x1f") + ["", "", ""])[:4]
            found[sha] = Signature(status, signer, key)
        if store is not None:
            fresh = {sha: [v.status, v.signer, v.key] for sha, v in found.items() if v.status != "E"}
            _write_cache(store, digest, {**kept, **fresh})
    return found


def _cache_path(root: Path) -> Path | None:
    try:
        name = _git(["rev-parse", "--git-path", "rectify-signatures.json"], root).decode().strip()
    except GitError:
        return None
    path = Path(name)
    return path if path.is_absolute() else root / path


def _read_cache(path: Path, digest: str) -> dict[str, list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    kept = data.get(digest) if isinstance(data, dict) else None
    return kept if isinstance(kept, dict) else {}


def _write_cache(path: Path, digest: str, verdicts: dict[str, list[str]]) -> None:
    """Keep the verdicts for one allowed-signers text (others are dropped); a cache that
    cannot be written is no error."""
    try:
        handle, name = tempfile.mkstemp(prefix=".rectify-signatures-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            json.dump({digest: verdicts}, out)
        os.replace(name, path)
    except OSError:
        pass


def event_key(raw: Any) -> str:
    """One event as comparable text: the event as the model reads it (so formatting does
    not count), else its raw value."""
    try:
        value: Any = Event.model_validate(raw).model_dump(mode="json", exclude_defaults=True)
    except (ValidationError, TypeError):
        value = raw
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@dataclass
class FindingVersion:
    """One finding in one version of a ledger: its events (as :func:`event_key` text), their
    actions, and its evidence list and the rest of it as comparable text."""

    events: list[str]
    actions: list[str]
    evidence: str
    whole: str


Version = dict[str, FindingVersion]


def read_version(raw: bytes | None, name: str) -> Version | None:
    """The findings of one version of a ledger file by id; {} when the file did not exist,
    None when it cannot be read as YAML.

    A ledger in rectify's layout is cut into its findings' blocks of lines and each block
    is parsed once per process, whatever number of versions hold it (a history walk
    parses only what changed); any other layout is parsed whole."""
    if raw is None:
        return {}
    quick = _read_blocks(raw, name)
    if quick is not None:
        return quick
    try:
        data = yamlread.parse(raw, name).data
    except LedgerError:
        return None
    out: Version = {}
    findings = data.get("findings") if isinstance(data, dict) else None
    for item in findings if isinstance(findings, list) else []:
        made = _finding_version(item)
        if made is not None:
            out[made[0]] = made[1]
    return out


def _finding_version(item: Any) -> tuple[str, FindingVersion] | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return None
    given = item.get("history")
    history: list[Any] = given if isinstance(given, list) else []
    return item["id"], FindingVersion(
        [event_key(e) for e in history],
        [str(e.get("action")) if isinstance(e, dict) else "" for e in history],
        json.dumps(item.get("evidence"), sort_keys=True, ensure_ascii=False, default=str),
        json.dumps(item, sort_keys=True, ensure_ascii=False, default=str),
    )


_FINDING_LINE = re.compile(rb"^( *)- id:", re.MULTILINE)
_TOP_FINDINGS = re.compile(rb"^findings:[ \t]*(#.*)?\r?$", re.MULTILINE)
_BLOCKS: dict[bytes, tuple[str, FindingVersion] | None] = {}
"""Parsed finding blocks by the digest of their bytes (kept for the process's life, cleared past 500,000)."""


def _read_blocks(raw: bytes, name: str) -> Version | None:
    """A version read block by block (see :func:`read_version`); None when the file is not
    in rectify's layout or a block does not read."""
    found = list(_FINDING_LINE.finditer(raw))
    if not found or b"\n<<<<<<<" in raw or raw.startswith(b"<<<<<<<"):
        return None
    indent = found[0].group(1)
    starts = [m.start() for m in found if m.group(1) == indent]
    if not _TOP_FINDINGS.search(raw, 0, starts[0]):
        return None
    if len(_BLOCKS) > 500_000:
        _BLOCKS.clear()
    out: Version = {}
    for start, end in zip(starts, [*starts[1:], len(raw)], strict=True):
        block = raw[start:end]
        digest = hashlib.blake2b(block, digest_size=20).digest()
        if digest not in _BLOCKS:
            try:
                data = yamlread.parse(block, name).data
            except LedgerError:
                data = None
            _BLOCKS[digest] = _finding_version(data[0]) if isinstance(data, list) and len(data) == 1 else None
        made = _BLOCKS[digest]
        if made is None or made[0] in out:
            return None
        out[made[0]] = made[1]
    return out


@dataclass(frozen=True)
class Intro:
    """The commit that introduced an event: ``sha``; ``merge`` when it is a merge commit;
    ``added``: how many events that commit added to the ledger; ``replaced``: the events of
    the same finding it removed (an event rewritten)."""

    sha: str
    merge: bool
    added: int
    replaced: int


@dataclass
class Trail:
    """What the history of one ledger file says: which commit introduced each event
    (``(finding id, event key)`` -> :class:`Intro`, the latest), which removed events of a
    finding without adding one, and the commit that last changed each finding's evidence
    list (with whether that commit added a submit or close recording evidence)."""

    introduced: dict[tuple[str, str], Intro] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, tuple[str, bool]] = field(default_factory=dict)


def trail(path: Path, root: Path) -> Trail:
    """Walk the history of the ledger at ``path`` (oldest first), comparing each commit's
    version with its parents' as :mod:`rectify.files.history` does per finding. Raises
    :class:`GitError` outside a repository."""
    commits = list(reversed(file_history(path)))
    name = path.resolve().relative_to(root.resolve()).as_posix()
    shas = list(dict.fromkeys([c.sha for c in commits] + [p for c in commits for p in c.parents]))
    raws = blobs(root, [f"{sha}:{name}" for sha in shas])
    versions = {sha: read_version(raw, name) for sha, raw in zip(shas, raws, strict=True)}
    out = Trail()
    for item in commits:
        current = versions[item.sha]
        parents = [versions[p] for p in item.parents] or [{}]
        if current is None or any(p is None for p in parents):
            continue
        readable: list[Version] = [p for p in parents if p is not None]
        merge = len(item.parents) > 1
        added: list[tuple[str, str]] = []
        replaced: dict[str, int] = {}
        for fid, now in current.items():
            known = {k for p in readable if fid in p for k in p[fid].events}
            new = [k for k in now.events if k not in known]
            added += [(fid, k) for k in new]
            before = readable[0].get(fid)
            if not merge and before is not None:
                gone = len([k for k in before.events if k not in set(now.events)])
                if gone and new:
                    replaced[fid] = gone
                elif gone:
                    out.removed[fid] = item.sha
            if all(p.get(fid) is None or p[fid].evidence != now.evidence for p in readable) and (
                before is not None or now.evidence != "null"
            ):
                actions = [a for k, a in zip(now.events, now.actions, strict=True) if k in new]
                submitted = any(a in (Action.SUBMIT, Action.CLOSE) for a in actions) and fid not in replaced
                out.evidence[fid] = (item.sha, submitted)
        for fid, key in added:
            out.introduced[(fid, key)] = Intro(item.sha, merge, len(added), replaced.get(fid, 0))
    return out


def own_public_key(key: str) -> str | None:
    """The public key (``type blob``) of a signing key given as git's ``user.signingkey``
    takes it: a path to a private key (its ``.pub`` beside it), a ``.pub`` path, or
    ``key::ssh-...`` literal; None when it cannot be found without a passphrase."""
    try:
        if key.startswith("key::"):
            return public_key(key[5:])
        path = Path(key).expanduser()
        for candidate in (path, Path(f"{path}.pub")):
            if candidate.is_file():
                text = candidate.read_text(encoding="utf-8", errors="replace").strip()
                if text.split(" ", 1)[0].startswith(("ssh-", "ecdsa-", "sk-")):
                    return public_key(text)
        return None
    except (OSError, ValueError):
        return None


def verify_ledgers(loaded: list[Loaded], root: Path, people: People) -> list[Problem]:
    """Every approval event of ``loaded`` checked against the history: the commit that
    introduced it must be its own (one event, not a merge, rewriting nothing), signed
    (git verifies it) by a key of the person the event names, who may sign at its level
    for the unit. Rewritten and removed events and evidence lists changed without a submit
    are reported too. Each problem is at the event's (or finding's) line and names the commit."""
    from rectify.domain.signers import APPROVAL_ACTIONS, approval_problem, signer_name

    problems: list[Problem] = []
    pending: list[tuple[Loaded, tuple[str | int, ...], Event, str]] = []
    for item in loaded:
        walked = trail(item.path, root)
        for index, finding in enumerate(item.ledger.findings):
            where: tuple[str | int, ...] = ("findings", index)
            if finding.id in walked.removed:
                sha = walked.removed[finding.id]
                problems.append(item.problem((*where, "history"), _(
                    "commit {sha} removed events from the history"
                ).format(sha=sha[:10])))
            changed = walked.evidence.get(finding.id)
            if changed is not None and not changed[1] and finding.evidence:
                message = _(
                    "evidence digest changed in commit {changed} without a submit"
                ).format(changed=changed[0][:10])
                problems.append(item.problem((*where, "evidence"), message))
            for number, event in enumerate(finding.history):
                path = (*where, "history", number)
                intro = walked.introduced.get((finding.id, event_key(event.model_dump(mode="json"))))
                if intro is not None and intro.replaced and not intro.merge:
                    what = _("evidence digest changed") if event.evidence else _("event rewritten")
                    message = _(
                        "{what} in commit {sha}: it replaced an earlier event (never rewrite events)"
                    ).format(what=what, sha=intro.sha[:10])
                    problems.append(item.problem(path, message))
                    continue  # what the rewriting commit did is the problem, whoever signed it
                if event.action not in APPROVAL_ACTIONS:
                    continue
                if intro is None:
                    problems.append(item.problem(path, _(
                        "this approval is in no commit (written after the last one?)"
                    )))
                elif intro.merge:
                    message = _(
                        "this approval came in merge commit {sha}, not in a commit of its own"
                    ).format(sha=intro.sha[:10])
                    problems.append(item.problem(path, message))
                elif intro.added > 1:
                    message = _(
                        "commit {sha} adds {added} events; an approval needs its own commit"
                    ).format(sha=intro.sha[:10], added=intro.added)
                    problems.append(item.problem(path, message))
                else:
                    pending.append((item, path, event, intro.sha))
    verdicts = signatures(root, [sha for *__, sha in pending], people, cache=True)
    for item, path, event, sha in pending:
        seen = verdicts.get(sha, Signature("N", "", ""))
        named = signer_name(event) or "?"
        if seen.status == "N":
            message = _(
                "commit {sha} is not signed (the approval needs {named}'s signature)"
            ).format(sha=sha[:10], named=named)
        elif seen.status == "B":
            message = _("commit {sha} has a bad signature").format(sha=sha[:10])
        elif seen.status != "G" or not seen.signer:
            message = _(
                "commit {sha} is signed by a key not in {people_path} ({key}), not by {named}"
            ).format(sha=sha[:10], people_path=PEOPLE_PATH, key=seen.key, named=named)
        else:
            wrong = approval_problem(people, event, item.ledger.unit.id, item.chain, seen.signer)
            message = _("commit {sha}: {wrong}").format(sha=sha[:10], wrong=wrong) if wrong else ""
        if message:
            problems.append(item.problem(path, message))
    return problems


def people_history_problems(root: Path) -> list[Problem]:
    """Every commit that changed the people file must be signed by an administrator named
    in the version before it (the first version: by one it names itself); and the file
    in the work tree must be the committed one. Problems are at ``.rectify/people.yaml:1:1``
    and name the commit. A version that cannot be read is reported and judged by none."""
    path = root / PEOPLE_PATH
    problems: list[Problem] = []
    try:
        history = list(reversed(file_history(path)))
    except GitError:
        return problems
    shas = list(dict.fromkeys([c.sha for c in history] + [p for c in history for p in c.parents]))
    raws = dict(zip(shas, blobs(root, [f"{sha}:{PEOPLE_PATH}" for sha in shas]), strict=True))

    def version(sha: str) -> People | None:
        raw = raws.get(sha)
        try:
            return parse_people(raw) if raw is not None else None
        except LedgerError:
            return None

    for item in history:
        if raws.get(item.sha) is None:
            continue  # removed: the work tree then has no people file and --verify says so
        judge = version(item.parents[0]) if item.parents else None
        judge = judge if judge is not None else version(item.sha)
        seen = signatures(root, [item.sha], judge, cache=True).get(item.sha) if judge is not None else None
        if seen is None or seen.status != "G" or not judge or not judge.is_admin(seen.signer):
            signed = _("signed by {signer}").format(signer=seen.signer) if seen and seen.signer else ""
            who = signed or _("not signed by a key of an administrator")
            message = _(
                "commit {sha} changed the people file, {who}; only an administrator may change it"
            ).format(sha=item.sha[:10], who=who)
            problems.append(Problem(PEOPLE_PATH, 1, 1, message))
    committed = raws.get(history[-1].sha) if history else None
    if path.is_file() and path.read_bytes() != committed:
        problems.append(Problem(PEOPLE_PATH, 1, 1, _("the people file has changes that are not committed")))
    return problems


def signing_for(folder: Path, wants: bool, key: str | None, require: bool) -> tuple[str | None, bool]:
    """How a step's commit is signed: ``(key, sign)`` for :func:`rectify.files.gitops.commit`.
    ``key`` is ``--key`` (a path to an SSH private key, or ``key::ssh-...``); without it,
    git's own ``user.signingkey`` with ``gpg.format=ssh`` signs. ``wants``: the step is
    committed; ``require``: rectify.yaml's ``git.require_signatures``. Raises
    :class:`UsageError`, before anything is written, for a key file that does not exist,
    ``--key`` without a commit, or no key where signatures are required."""
    from rectify.files.gitops import configured_key

    if key is not None and not key.startswith("key::") and not Path(key).expanduser().is_file():
        raise UsageError(_("--key: no key file {key}").format(key=key))
    if not wants:
        if key is not None:
            raise UsageError(_("--key signs the step's commit; it goes with --commit"))
        return None, False
    sign = key is not None or configured_key(folder) is not None
    if not sign and require:
        raise UsageError(
            _(
                "--commit: rectify.yaml requires signed steps (git.require_signatures); give --key PATH "
                "(your SSH private key) or set git's user.signingkey with gpg.format=ssh"
            )
        )
    return key, sign


def refuse_wrong_key(folder: Path, key: str | None, sign: bool, finding: Finding) -> None:
    """Refuse (:class:`UsageError`) the approval just made on ``finding`` (its last event)
    when its commit would be signed with a key the people file gives to nobody or to
    someone other than the person the event names. Nothing is said when there is no
    people file or the key's public half cannot be read (git then signs, and
    ``check --verify`` and the server judge it)."""
    from rectify.domain.people import same_person
    from rectify.domain.signers import signer_name
    from rectify.files.gitops import configured_key
    from rectify.files.paths import repository_root

    named = signer_name(finding.history[-1]) if finding.history else None
    given = key or (configured_key(folder) if sign else None)
    people = load_people(repository_root(folder)) if named and given else None
    public = own_public_key(given) if people is not None and given else None
    if people is None or public is None or named is None:
        return
    holder = people.owner_of(public)
    if holder is None:
        raise UsageError(_(
            "the signing key is nobody's in {people_path}; {named} must sign this step"
        ).format(people_path=PEOPLE_PATH, named=named))
    if not same_person(holder.name, named):
        raise UsageError(_(
            "the signing key is {name}'s, but this step names {named}, who must sign it"
        ).format(name=holder.name, named=named))
