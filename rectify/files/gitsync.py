"""``rectify sync``: fetch, merge through rectify's merge driver, check, push.

One office's clone exchanges its commits with the shared repository: what came in is
merged finding by finding (:mod:`rectify.files.merge`), the result must pass ``check``,
and only then is anything pushed. A real conflict stops it with the merge undone and
nothing pushed. Untracked files that the incoming commits add with the very same bytes
(``init --git`` run in a second clone before its first pull leaves ``.gitattributes`` and
``.gitignore`` so) are removed first instead of blocking the merge.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from rectify.errors import RectifyError, UsageError
from rectify.files.gitops import ATTRIBUTES_LINE, GitError, _git, install_merge_driver, toplevel
from rectify.files.paths import display
from rectify.i18n import _


class SyncStopped(RectifyError):
    """sync stopped before pushing: a conflict (merge undone), ledgers failing check, or
    the server refusing the push. Nothing was pushed."""


@dataclass
class Synced:
    """What a sync did: the subjects of the commits that came in and went out, and the
    untracked files removed because the incoming commits bring them unchanged."""

    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _quiet(args: list[str], root: Path) -> str:
    """Run git, returning stdout ("" when it fails)."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    return result.stdout.decode("utf-8", "replace").strip() if result.returncode == 0 else ""


def _subjects(root: Path, span: str) -> list[str]:
    return [line for line in _git(["log", "--reverse", "--format=%s", span], root).decode().splitlines() if line]


def conflict_findings(text: str) -> list[str]:
    """The ids of the findings whose lines hold git conflict markers in a ledger's text."""
    found: list[str] = []
    current, inside, fresh = "", False, False
    for line in text.splitlines():
        match = re.match(r"^\s*-\s+id:\s*(\S+)", line)
        if fresh:  # the first line of a conflict: a finding's own line, or inside the current finding
            fresh = False
            if not match and current:
                found.append(current)
        if match:
            current = match.group(1)
            if inside:
                found.append(current)
        if line.startswith("<<<<<<<"):
            inside = fresh = True
        elif line.startswith(">>>>>>>"):
            inside = False
    return list(dict.fromkeys(found))


def _ensure_driver(folder: Path, root: Path) -> None:
    """Register the merge driver in this clone when ``init --git`` was not run here: the
    driver in the git config, the attribute in ``.git/info/attributes`` (never a file to
    commit, so nothing is left untracked)."""
    if _quiet(["config", "merge.rectify.driver"], root):
        return
    if (folder / ".gitattributes").is_file() and ATTRIBUTES_LINE in (folder / ".gitattributes").read_text("utf-8"):
        install_merge_driver(folder)
        return
    install_merge_driver(folder)  # writes folder/.gitattributes: move that line into info/attributes
    (folder / ".gitattributes").unlink()
    info = Path(_git(["rev-parse", "--git-path", "info/attributes"], root).decode().strip())
    info = info if info.is_absolute() else root / info
    info.parent.mkdir(parents=True, exist_ok=True)
    pattern = f"{folder.resolve().relative_to(root.resolve()).as_posix()}/*.yaml merge=rectify"
    lines = info.read_text(encoding="utf-8").splitlines() if info.exists() else []
    if pattern not in lines:
        info.write_text("\n".join([*lines, pattern]) + "\n", encoding="utf-8", newline="\n")


def _clear_identical_untracked(root: Path, upstream: str) -> list[str]:
    """Remove untracked files that ``upstream`` adds with the same bytes; refuse (naming
    them) when one differs."""
    added = _git(["diff", "--name-only", "--diff-filter=A", "HEAD", upstream], root).decode().splitlines()
    removed, blocking = [], []
    for name in added:
        path = root / name
        if not path.is_file() or _quiet(["ls-files", "--", name], root):
            continue
        if path.read_bytes() == _git(["show", f"{upstream}:{name}"], root):
            path.unlink()
            removed.append(name)
        else:
            blocking.append(name)
    if blocking:
        raise SyncStopped(
            _(
                "these files are not committed here and the incoming commits bring other versions of "
                "them: {blocking}; move them away (or commit them) and sync again. Nothing was pushed."
            ).format(blocking=', '.join(blocking))
        )
    return removed


def sync(folder: Path, key: str | None = None, sign: bool = False) -> Synced:
    """Fetch the clone's upstream, merge it (ledgers finding by finding), check the
    ledgers in ``folder``, push. ``key``/``sign`` sign the merge commit as
    :func:`rectify.files.gitops.commit` signs. Raises :class:`SyncStopped` (nothing
    pushed) on a conflict, failing ledgers or a refused push; :class:`UsageError` outside
    a clone or with uncommitted ledger changes."""
    from rectify.files.ledgerfile import check_folder

    root = toplevel(folder)
    if root is None:
        raise UsageError(_(
            "{folder} is not in a git repository; clone the shared repository first"
        ).format(folder=display(folder)))
    branch = _quiet(["symbolic-ref", "--short", "HEAD"], root)
    if not branch:
        raise UsageError(_("sync needs a branch checked out (git switch main)"))
    remote = _quiet(["config", f"branch.{branch}.remote"], root) or "origin"
    if remote not in _quiet(["remote"], root).split():
        raise UsageError(_(
            "this clone has no remote {remote!r}; clone the shared repository, or git remote add"
        ).format(remote=remote))
    target = _quiet(["config", f"branch.{branch}.merge"], root).removeprefix("refs/heads/") or branch
    dirty = _quiet(["status", "--porcelain", "--untracked-files=no", "--", str(folder)], root).splitlines()
    if dirty:
        raise UsageError(
            _(
                "{folder} has changes that are not committed ({dirty}); commit them (--commit) first"
            ).format(folder=display(folder), dirty=dirty[0][3:])
        )
    _ensure_driver(folder, root)
    _git(["fetch", "--quiet", remote], root)
    upstream = f"refs/remotes/{remote}/{target}"
    has_upstream = bool(_quiet(["rev-parse", "--verify", "--quiet", upstream], root))
    done = Synced()
    if has_upstream:
        done.incoming = _subjects(root, f"HEAD..{upstream}")
    before = _quiet(["rev-parse", "--verify", "--quiet", "HEAD"], root)
    if done.incoming:
        done.removed = _clear_identical_untracked(root, upstream)
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
        flags = ["-S"] if key or sign else []
        merged = subprocess.run(
            ["git", *signing, "merge", "--no-edit", *flags, upstream], cwd=root, capture_output=True, check=False
        )
        if merged.returncode != 0:
            raise SyncStopped(_conflict_message(root, merged))
    __, problems = check_folder(folder, audit=True)
    if problems:
        listed = "\n".join(str(p) for p in problems)
        raise SyncStopped(
            _(
                "{listed}\nthe ledgers fail check after the merge; fix them and sync again. Nothing was "
                "pushed."
            ).format(listed=listed)
        )
    has_commits = bool(_quiet(["rev-parse", "--verify", "--quiet", "HEAD"], root))
    if has_commits:
        done.outgoing = _subjects(root, f"{upstream}..HEAD" if has_upstream else "HEAD")
    if done.outgoing:
        pushed = subprocess.run(
            ["git", "push", "--quiet", *([] if has_upstream else ["-u"]), remote, f"HEAD:{target}"],
            cwd=root, capture_output=True, check=False,
        )  # fmt: skip
        if pushed.returncode != 0:
            said = pushed.stderr.decode("utf-8", "replace").strip()
            undone = ""
            if done.incoming and before:  # our merge of what came in goes too, so a signed one can replace it
                reset = subprocess.run(["git", "reset", "-q", "--keep", before], cwd=root, capture_output=True)
                undone = _("; the merge was undone") if reset.returncode == 0 else ""
            raise SyncStopped(_(
                "the server refused the push; nothing was pushed{undone}:\n{said}"
            ).format(undone=undone, said=said))
    return done


def _conflict_message(root: Path, merged: subprocess.CompletedProcess[bytes]) -> str:
    """Name each conflicted ledger and finding, undo the merge and say nothing was pushed."""
    names = _quiet(["diff", "--name-only", "--diff-filter=U"], root).splitlines()
    notes = [
        line
        for line in (merged.stdout + merged.stderr).decode("utf-8", "replace").splitlines()
        if "rectify merge-driver" in line
    ]
    parts = []
    for name in names:
        try:
            text = (root / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        named = re.findall(r"conflict in ([a-z0-9-]+-[0-9]{3,})", "\n".join(notes))
        named = [fid for fid in named if fid.rsplit("-", 1)[0] == Path(name).stem]
        findings = list(dict.fromkeys([*named, *conflict_findings(text)])) or [_("(the ledger's head)")]
        parts.append(f"{name}: {', '.join(findings)}")
    try:
        _git(["merge", "--abort"], root)
    except GitError:
        pass
    what = "; ".join(parts) or merged.stderr.decode("utf-8", "replace").strip()
    detail = "".join(f"\n  {line}" for line in notes)
    message = _(
        "conflict in {what}{detail}\nthe merge was undone and nothing was pushed; settle the finding, then sync again"
    )
    return message.format(what=what, detail=detail)
