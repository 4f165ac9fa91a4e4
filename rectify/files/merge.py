"""A git merge driver for ledgers: merge two versions finding by finding.

Installed by ``rectify init --git`` as ``merge=rectify`` for ``ledgers/*.yaml``; git runs
``rectify merge-driver %O %A %B`` (base, ours, theirs) and takes what it leaves in ``%A``.

* A finding changed on one side only takes that side's version; different findings
  changed on both sides merge cleanly; a finding added on both sides under the same id
  with different content: theirs (in a ``git pull``, the one already pushed) keeps the
  id and ours gets the next free number.
* Events added on both sides to the same finding are united in date order, and the
  status is what the united history leads to.
* Only a real conflict (the same field set to two different values, a finding deleted on
  one side and changed on the other, or united events the state diagram does not allow)
  is left as a conflict: the finding is written between git's conflict markers, ours
  then theirs, and a message names the finding and the field.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rectify.domain import states
from rectify.domain.model import Action, Event, Finding, Inspection, Ledger, Unit
from rectify.errors import LedgerError, UsageError, WorkflowError, WriteError
from rectify.files import yamlread, yamlwrite
from rectify.files.edit import Edit
from rectify.files.gitops import merge_file
from rectify.files.ledgerfile import Loaded, _validate
from rectify.files.paths import display
from rectify.i18n import _, os_reason


@dataclass
class MergeResult:
    """What a merge gives: the ``text`` to write, the ``conflicts`` (one message each)
    and ``notes`` (e.g. a renumbered finding)."""

    text: str
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _load(raw: bytes, path: Path) -> Loaded:
    doc = yamlread.parse(raw, display(path))
    return Loaded(path=path, name=display(path), digest=hashlib.sha256(raw).hexdigest(), doc=doc, ledger=_validate(doc))


def _data(finding: Finding | None) -> dict[str, Any] | None:
    return None if finding is None else yamlwrite.finding_data(finding)


def _shown(value: Any) -> str:
    """A value as it reads in YAML: dates and text quoted, nothing as null."""
    if value is None:
        return "null"
    if isinstance(value, date | str):
        return repr(str(value))
    return str(value)


def _three_way(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """Return (merged value, conflict?) for one value."""
    if ours == theirs:
        return ours, False
    if base == ours:
        return theirs, False
    if base == theirs:
        return ours, False
    return ours, True


def _union(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    out = list(base)
    for item in [*ours, *theirs]:
        if item not in out:
            out.append(item)
    return out


def _latest_evidence(evidence: list[Any], history: list[Any]) -> list[Any]:
    """One entry per evidence path, with the digest the latest event recorded for it (one
    side re-submitted a file while the other added a note: both lists hold the path, with
    the old and the new digest)."""
    latest: dict[str, Any] = {}
    for event in history:  # in date order: a later submission's digest wins
        for item in event.get("evidence") or []:
            if isinstance(item, dict) and "path" in item:
                latest[item["path"]] = item
    out: dict[str, Any] = {}
    for item in evidence:
        path = item.get("path") if isinstance(item, dict) else None
        if path is None:
            continue
        out[path] = latest.get(path, item)
    return list(out.values())


def _clash(key: str, ours: Any, theirs: Any) -> str:
    """The conflict of field ``key`` set to ``ours`` and ``theirs``, in the language in force."""
    return _("{field}: ours {ours}, theirs {theirs}").format(field=key, ours=_shown(ours), theirs=_shown(theirs))


def _merge_finding(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Merge one finding field by field; return the merged data and the conflicting fields."""
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    retitled = [side for side in (ours, theirs) if side.get("title") != base.get("title")]
    if len(retitled) == 1 and ours != base and theirs != base:
        # the title is a problem's identity: renamed (or renumbered) on one side while the
        # other side worked on it, the events may belong to another problem
        conflicts.append(
            _("title: ours {ours}, theirs {theirs}; one side renamed it while the other changed it").format(
                ours=_shown(ours.get("title")), theirs=_shown(theirs.get("title"))
            )
        )
    keys = list(dict.fromkeys([*ours, *theirs, *base]))
    for key in keys:
        if key in ("history", "evidence", "status"):
            continue
        value, clash = _three_way(base.get(key), ours.get(key), theirs.get(key))
        if clash:
            conflicts.append(_clash(key, ours.get(key), theirs.get(key)))
        if value is not None:
            merged[key] = value
    history = _union(base.get("history", []), ours.get("history", []), theirs.get("history", []))
    history.sort(key=lambda event: str(event["date"]))  # stable: base, ours, theirs on a day
    merged["history"] = history
    evidence = _latest_evidence(
        _union(base.get("evidence", []), ours.get("evidence", []), theirs.get("evidence", [])), history
    )
    if evidence:
        merged["evidence"] = evidence
    events = [Event.model_validate(e) for e in history]
    try:
        track = states.replay(events)
        merged["status"] = track.status.value if track.status else ours.get("status")
    except WorkflowError as exc:
        conflicts.append(_("history: the events of both sides together are not allowed ({error})").format(error=exc))
        merged["status"] = ours.get("status")
    deadline = merged.get("deadline")
    for event in events:
        if event.action is Action.EXTEND and event.to is not None:
            if deadline is not None and event.to <= deadline:
                conflicts.append(
                    _("history: the extensions of both sides together would move the deadline back to {day}").format(
                        day=event.to
                    )
                )
                break
            deadline = event.to
    ordered = {key: merged[key] for key in [*ours, *merged] if key in merged}
    return ordered, conflicts


def merge_ledgers(base_raw: bytes, ours_raw: bytes, theirs_raw: bytes, path: Path) -> MergeResult:
    """Merge three versions of one ledger (see the module's rules).

    ``path`` is where ours lives (its text is the starting point, so its comments and
    layout are kept). Raises :class:`LedgerError` when a version (the base included, when
    there is one) is not a valid ledger, so the caller can fall back to a text merge.
    """
    ours = _load(ours_raw, path)
    theirs = _load(theirs_raw, path).ledger
    base = _load(base_raw, path).ledger if base_raw.strip() else None
    result = MergeResult(text="")
    base_map = {f.id: f for f in base.findings} if base else {}
    ours_map = {f.id: f for f in ours.ledger.findings}
    theirs_map = {f.id: f for f in theirs.findings}
    edit = Edit(ours)
    clashes: dict[str, tuple[Finding | None, Finding | None]] = {}
    next_number = max(ours.ledger.next_number(), theirs.next_number(), base.next_number() if base else 1)
    for finding_id in dict.fromkeys([*ours_map, *theirs_map]):
        b, o, t = base_map.get(finding_id), ours_map.get(finding_id), theirs_map.get(finding_id)
        bd, od, td = _data(b), _data(o), _data(t)
        if od == td or bd == td:
            continue  # ours already holds the result
        if bd == od:
            if t is None:
                edit.remove(finding_id)
            elif o is None:
                edit.append([t])
            else:
                edit.replace(t)
            continue
        if o is None or t is None:
            result.conflicts.append(
                _("{id}: deleted in ours but changed in the other").format(id=finding_id)
                if o is None
                else _("{id}: deleted in theirs but changed in the other").format(id=finding_id)
            )
            if o is None and t is not None:
                edit.append([t])
            clashes[finding_id] = (o, t)
            continue
        if b is None:  # added on both sides under one id: theirs (already shared) keeps it
            renumbered = o.model_copy(update={"id": f"{ours.ledger.unit.id}-{next_number:03d}"})
            next_number += 1
            edit.replace(t)
            edit.append([renumbered])
            result.notes.append(
                _("{id} was added on both sides: theirs keeps it, ours is now {new}").format(
                    id=finding_id, new=renumbered.id
                )
            )
            continue
        assert bd is not None and od is not None and td is not None
        data, conflicts = _merge_finding(bd, od, td)
        if conflicts:
            result.conflicts.extend(_("{id}: {conflict}").format(id=finding_id, conflict=c) for c in conflicts)
            clashes[finding_id] = (o, t)
            continue
        edit.replace(Finding.model_validate(data))
    edit.raise_last_number(max(ours.ledger.last_number, theirs.last_number, base.last_number if base else 0))
    head_clash = _merge_head(base, ours.ledger, theirs, result, edit)
    text = edit.text()
    if clashes or head_clash:
        text = _mark_conflicts(text, path, clashes, theirs, head_clash)
    result.text = text
    return result


def _merge_head(base: Ledger | None, ours: Ledger, theirs: Ledger, result: MergeResult, edit: Edit) -> list[str]:
    """Merge unit and inspection field by field into ``edit``; return the sections with a
    conflict (they are then written between conflict markers)."""
    parts: dict[str, Any] = {}
    clash: list[str] = []
    for name in ("unit", "inspection"):
        mine: dict[str, Any] = getattr(ours, name).model_dump()
        other: dict[str, Any] = getattr(theirs, name).model_dump()
        old: dict[str, Any] = getattr(base, name).model_dump() if base else {}
        merged: dict[str, Any] = {}
        for key in mine:
            value, conflict = _three_way(old.get(key), mine[key], other[key])
            if conflict:
                clash.append(name)
                result.conflicts.append(_clash(f"{name}.{key}", mine[key], other[key]))
            merged[key] = value
        parts[name] = merged
    edit.set_head(Unit.model_validate(parts["unit"]), Inspection.model_validate(parts["inspection"]))
    return clash


def _mark_conflicts(
    text: str,
    path: Path,
    clashes: dict[str, tuple[Finding | None, Finding | None]],
    theirs_ledger: Ledger,
    sections: list[str],
) -> str:
    """Put git conflict markers around each clash, ours then theirs: a finding changed on
    both sides (or deleted on one), and each of ``sections`` (unit, inspection)."""
    doc = yamlread.parse(text.encode("utf-8"), display(path))
    lines = doc.lines
    ledger = _validate(doc)
    order = [f.id for f in ledger.findings]
    blocks: list[tuple[int, int, list[str], list[str], str]] = []
    for finding_id, (mine, theirs) in clashes.items():
        span = doc.spans[order.index(finding_id)]
        present = lines[span.start : span.end + 1]  # ours, or theirs when ours deleted it
        if mine is None:
            blocks.append((span.start, span.end, [], present, finding_id))
        elif theirs is None:
            blocks.append((span.start, span.end, present, [], finding_id))
        else:
            blocks.append((span.start, span.end, present, yamlwrite.render_finding(theirs, span.indent), finding_id))
    for key in dict.fromkeys(sections):
        if key in doc.top_spans:
            start, end = doc.top_spans[key]
            value = getattr(theirs_ledger, key).model_dump(mode="python")
            blocks.append((start, end, lines[start : end + 1], yamlwrite.render_block(key, value), key))
    for start, end, ours_lines, theirs_lines, what in sorted(blocks, key=lambda block: -block[0]):
        lines[start : end + 1] = ["<<<<<<< ours", *ours_lines, "=======", *theirs_lines, f">>>>>>> theirs ({what})"]
    return doc.newline.join(lines)


def merge_versions(base: Path, ours: Path, theirs: Path) -> tuple[int, list[str]]:
    """Git's merge driver: merge three versions of a ledger finding by finding into
    ``ours``. Returns ``(exit code, messages for stderr)``: 0 for a clean merge, 1 when a
    conflict is left marked in the file. A version that is not a ledger is merged as
    text, and a text merge that is not a ledger is left as a conflict."""
    try:
        data = [p.read_bytes() for p in (base, ours, theirs)]
    except OSError as exc:
        raise UsageError(_(
            "merge-driver: cannot read {filename}: {strerror}"
        ).format(filename=exc.filename, strerror=os_reason(exc))) from None
    try:
        result = merge_ledgers(data[0], data[1], data[2], ours)
    except LedgerError as exc:
        notes = [_("a version is not a valid ledger ({error}); merging as text").format(error=exc)]
        code = merge_file(ours, base, theirs)
        if code == 0:  # a clean text merge still has to be a ledger, or git must not commit it
            try:
                yamlread.parse(ours.read_bytes(), str(ours))
            except LedgerError:
                notes.append(_("the text merge is not a valid ledger; left as a conflict"))
                code = 1
        return code, notes
    notes = [*result.notes, *(_("conflict in {what}").format(what=c) for c in result.conflicts)]
    text = result.text if result.text.endswith("\n") else result.text + "\n"
    bom = b"\xef\xbb\xbf" if data[1].startswith(b"\xef\xbb\xbf") else b""  # ours keeps its BOM
    try:
        ours.write_bytes(bom + text.encode("utf-8"))
    except OSError as exc:
        raise WriteError(_("cannot write {ours}: {strerror}").format(ours=ours, strerror=os_reason(exc))) from None
    return (1 if result.conflicts else 0), notes
