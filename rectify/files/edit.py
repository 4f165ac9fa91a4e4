"""Line-preserving edits of one ledger: only the lines of the findings a command touched change.

Comments and hand formatting elsewhere survive and ``git diff`` shows just that change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rectify.domain.model import Finding, Inspection, Ledger, Unit
from rectify.domain.rules import CONTENT_RULES, run_rules
from rectify.errors import LedgerError, UsageError, WriteError
from rectify.files import yamlread, yamlwrite
from rectify.files.ledgerfile import MAX_LEDGER_BYTES, Loaded, parse_ledger, read_ledger
from rectify.files.paths import display
from rectify.files.writing import atomic_write, locked
from rectify.i18n import _


class Edit:
    """Changes to one ledger, spliced into its text line by line.

    ``replace`` swaps a finding's lines for its new rendering; ``append`` adds findings
    after the last one. Nothing is written until :meth:`save`.
    """

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.ledger = loaded.ledger
        self._replaced: dict[str, Finding] = {}
        self._appended: list[Finding] = []
        self._removed: set[str] = set()
        self._head: dict[str, Any] = {}
        self._last_number = False
        self._blocks: dict[tuple[str, int], list[str]] = {}
        self.then: Callable[[], None] | None = None
        """Run after the ledger is saved, still under the lock (a git commit)."""
        self.before_write: Callable[[bytes], None] | None = None
        """Run with the new bytes just before they are written (a commit's intent record)."""

    def replace(self, finding: Finding) -> None:
        """Put ``finding`` in place of the finding with the same id."""
        if self.ledger.finding(finding.id) is None:
            raise UsageError(_("no finding {id} in {name}").format(id=finding.id, name=self.loaded.name))
        self._replaced[finding.id] = finding
        self.ledger = self.ledger.model_copy(
            update={"findings": [finding if f.id == finding.id else f for f in self.ledger.findings]}
        )

    def set_head(self, unit: Unit, inspection: Inspection) -> None:
        """Put ``unit`` and ``inspection`` in place of the ledger's (their blocks are rewritten)."""
        if unit != self.ledger.unit:
            self._head["unit"] = unit.model_dump(mode="python")
        if inspection != self.ledger.inspection:
            self._head["inspection"] = inspection.model_dump(mode="python")
        self.ledger = self.ledger.model_copy(update={"unit": unit, "inspection": inspection})

    def raise_last_number(self, number: int) -> None:
        """Make sure ``last_number`` is at least ``number`` (ids are never reused)."""
        if number > self.ledger.last_number:
            self.ledger = self.ledger.model_copy(update={"last_number": number})
            self._last_number = True

    def remove(self, finding_id: str) -> None:
        """Take the finding ``finding_id`` out of the ledger (its number stays used)."""
        if self.ledger.finding(finding_id) is None:
            raise UsageError(_(
                "no finding {finding_id} in {name}"
            ).format(finding_id=finding_id, name=self.loaded.name))
        self._removed.add(finding_id)
        self._replaced.pop(finding_id, None)
        last = max([self.ledger.last_number, *(f.number for f in self.ledger.findings)])
        self.ledger = self.ledger.model_copy(
            update={
                "findings": [f for f in self.ledger.findings if f.id != finding_id],
                "last_number": last,
            }
        )

    def append(self, findings: list[Finding]) -> None:
        """Add ``findings`` at the end of the ledger and raise ``last_number`` past them."""
        self._appended.extend(findings)
        all_findings = [*self.ledger.findings, *findings]
        last = max([self.ledger.last_number, *(f.number for f in all_findings)])
        self.ledger = self.ledger.model_copy(update={"findings": all_findings, "last_number": last})

    def text(self) -> str:
        """Return the new file text. Untouched lines keep their own line ends (LF or
        CRLF); new lines take the file's usual one. A ledger whose findings are not a
        block list (``findings: [{...}]``) is written out anew in rectify's layout."""
        doc = self.loaded.doc
        if self.loaded.ledger.findings and len(doc.spans) != len(self.loaded.ledger.findings):
            return yamlwrite.render_ledger(self.ledger, yamlwrite.leading_comments(doc.lines))
        edits: list[tuple[int, int, list[str]]] = []  # (start, end exclusive, new lines)
        by_id = {f.id: i for i, f in enumerate(self.loaded.ledger.findings)}
        for finding_id in self._replaced:
            span = doc.spans[by_id[finding_id]]
            edits.append((span.start, span.end + 1, self._block(finding_id, span.indent)))
        for finding_id in self._removed:
            span = doc.spans[by_id[finding_id]]
            edits.append((span.start, span.end + 1, []))
        if self._appended or self._removed or self._last_number:
            edits.append(self._last_number_edit())
        for key, value in self._head.items():
            if key in doc.top_spans:
                start, end = doc.top_spans[key]
                edits.append((start, end + 1, yamlwrite.render_block(key, value)))
            else:
                edits.append((0, 0, yamlwrite.render_block(key, value)))
        if self._appended:
            indent = doc.spans[-1].indent if doc.spans else 2
            new_lines = [line for finding in self._appended for line in yamlwrite.render_finding(finding, indent)]
            if doc.spans:
                end = doc.spans[-1].end + 1
                edits.append((end, end, new_lines))
            elif doc.findings_key_line is not None:
                key_line = doc.findings_key_line
                edits.append((key_line, key_line + 1, ["findings:", *new_lines]))
            else:
                end = len(doc.lines) - 1 if doc.lines and doc.lines[-1] == "" else len(doc.lines)
                edits.append((end, end, ["findings:", *new_lines]))
        edits.sort(key=lambda e: (e[0], e[1]), reverse=True)
        if not doc.endings:  # every line ends in LF, the usual case: splice plain lines
            plain = list(doc.lines)
            for start, end, new in edits:
                plain[start:end] = new
            text = "\n".join(plain)
            return text if text.endswith("\n") else text + "\n"
        lines = list(zip(doc.lines, [*doc.endings, ""], strict=True))
        for start, end, new in edits:
            lines[start:end] = [(line, doc.newline) for line in new]
        text = "".join(line + ending for line, ending in lines)
        return text if text.endswith("\n") else text + doc.newline

    def _block(self, finding_id: str, indent: int) -> list[str]:
        """The new lines of replaced finding ``finding_id`` with its ``-`` at ``indent`` (made once)."""
        key = (finding_id, indent)
        if key not in self._blocks:
            self._blocks[key] = yamlwrite.render_finding(self._replaced[finding_id], indent)
        return self._blocks[key]

    def _last_number_edit(self) -> tuple[int, int, list[str]]:
        doc = self.loaded.doc
        number = self.ledger.last_number
        if doc.last_number_span is not None:
            line, start, end = doc.last_number_span
            old = doc.lines[line]
            return (line, line + 1, [old[:start] + str(number) + old[end:]])
        at = doc.findings_key_line if doc.findings_key_line is not None else len(doc.lines)
        return (at, at, [f"last_number: {number}"])

    def save(self) -> None:
        """Write the ledger if anything changed, after checking that the new text reads
        back as exactly the intended ledger (block by block when that is sure, see
        :meth:`_reads_back_in_place`; else the whole text). Raises :class:`WriteError`
        otherwise."""
        data = self.prepared()
        if data is None:
            return
        if self.before_write is not None:
            self.before_write(data)
        atomic_write(self.loaded.path, data, expect=self.loaded.digest)

    def prepared(self) -> bytes | None:
        """Return the bytes :meth:`save` would write (None when nothing changed), checked
        to read back as the intended ledger. Raises :class:`WriteError` otherwise."""
        if not (self._replaced or self._appended or self._removed or self._head or self._last_number):
            return None
        text = self.text()
        doc = self.loaded.doc
        data = text.encode("utf-8")
        if doc.bom:
            data = b"\xef\xbb\xbf" + data
        _within_limit(self.loaded.name, data)
        if self._reads_back_in_place():
            again = None
        else:
            try:
                again = parse_ledger(data, self.loaded.path)
            except LedgerError as exc:
                raise WriteError(
                    _(
                        "{name}: the edited ledger would not read back ({error}); nothing was written"
                    ).format(name=self.loaded.name, error=exc)
                ) from None
            if again.ledger != self.ledger:
                raise WriteError(
                    _(
                        "{name}: the edited ledger would not read back as intended; nothing was written"
                    ).format(name=self.loaded.name)
                )
        return data

    def _reads_back_in_place(self) -> bool:
        """True when the edit is sure to read back as intended without parsing the whole
        new text again: only findings were replaced, each new block reads back on its own
        as exactly its finding, no line after a replaced block could be taken into it (a
        block scalar at its end would swallow a deeper-indented comment that follows), and
        the file rules find nothing in the new findings (each rule looks at one finding at
        a time, and the ids are the ones the file had). Otherwise (False) :meth:`save`
        parses the whole new text, as it always may: this only spares a province's
        ``close`` from reading its whole ledger twice (bench/province.py)."""
        doc = self.loaded.doc
        if self._appended or self._removed or self._head or self._last_number or not self._replaced:
            return False
        if len(doc.spans) != len(self.loaded.ledger.findings):
            return False
        lines = doc.lines
        by_id = {f.id: i for i, f in enumerate(self.loaded.ledger.findings)}
        for finding_id, finding in self._replaced.items():
            span = doc.spans[by_id[finding_id]]
            for line in lines[span.end + 1 :]:
                if not line.strip():
                    continue
                if len(line) - len(line.lstrip(" ")) > span.indent:
                    return False
                break
            block = "\n".join(self._block(finding_id, span.indent)) + "\n"
            try:
                alone = yamlread.parse(block.encode("utf-8"), self.loaded.name)
                if not isinstance(alone.data, list) or len(alone.data) != 1:
                    return False
                if Finding.model_validate(alone.data[0]) != finding:
                    return False
            except (LedgerError, ValidationError):
                return False
        # the rules look at each finding alone (ids stay the same): the new findings suffice
        changed = self.ledger.model_copy(update={"findings": list(self._replaced.values())})
        candidate = Loaded(self.loaded.path, self.loaded.name, "", doc, changed, self.loaded.config)
        return not run_rules(CONTENT_RULES, candidate)  # the head, which the parent is in, is unchanged


def _within_limit(name: str, data: bytes) -> None:
    """Refuse a ledger that every command would then refuse to read (over
    :data:`~rectify.files.ledgerfile.MAX_LEDGER_BYTES`), before anything is written."""
    if len(data) > MAX_LEDGER_BYTES:
        raise WriteError(
            _(
                "{name}: the ledger would be {value:.1f} MB, over the {value2} MB a ledger may hold (one "
                "file per unit); nothing was written"
            ).format(name=name, value=len(data) / 1024 / 1024, value2=MAX_LEDGER_BYTES // 1024 // 1024)
        )


@contextmanager
def editing(path: Path) -> Iterator[Edit]:
    """Lock the ledgers, read ``path`` and yield an :class:`Edit`; save it when the block
    ends without an exception (nothing is written when it raises), then run its ``then``
    (a git commit) while the lock is still held, so commits never mix."""
    with locked(path.parent):
        edit = Edit(read_ledger(path))
        yield edit
        edit.save()
        if edit.then is not None:
            edit.then()


def edit_together(
    folder: Path, new: list[Ledger], change: dict[Path, Callable[[Edit], None]], path_of: Callable[[str], Path]
) -> None:
    """Create a ledger file for each of ``new`` (at ``path_of(unit id)``) and apply each
    ``change`` to an :class:`Edit` of its file, all under one lock and all or nothing:
    every file's new bytes are made and checked to read back before any is written, and
    when a write fails (disk full, a file changed meanwhile) the files already written are
    put back as they were and the new ones removed. Raises :class:`UsageError` when a new
    file exists, :class:`WriteError` when anything cannot be written (nothing then is)."""
    with locked(folder):
        plans: list[tuple[Path, bytes, str | None]] = []  # path, new bytes, digest of the bytes read (None: new)
        for ledger in new:
            path = path_of(ledger.unit.id)
            if path.exists():
                raise UsageError(_("{path} already exists").format(path=display(path)))
            data = yamlwrite.render_ledger(ledger, "").encode("utf-8")
            _within_limit(display(path), data)
            parse_ledger(data, path)
            plans.append((path, data, None))
        for path, make in change.items():
            edit = Edit(read_ledger(path))
            make(edit)
            data = edit.prepared() or b""
            if data:
                plans.append((path, data, edit.loaded.digest))
        done: list[tuple[Path, bytes, bytes | None]] = []
        try:
            for path, data, digest in plans:
                before = path.read_bytes() if digest is not None else None
                atomic_write(path, data, expect=digest)
                done.append((path, data, before))
        except (WriteError, OSError):
            for path, data, before in reversed(done):  # back as they were
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write(path, before, expect=hashlib.sha256(data).hexdigest())
            raise


def create_ledger(path: Path, ledger: Ledger, header: str = "") -> None:
    """Write a new ledger file for ``ledger`` (refused when the file exists).

    Raises :class:`UsageError` when it exists, :class:`WriteError` when it cannot be written.
    """
    with locked(path.parent):
        if path.exists():
            raise UsageError(_("{path} already exists").format(path=display(path)))
        data = yamlwrite.render_ledger(ledger, header).encode("utf-8")
        _within_limit(display(path), data)
        parse_ledger(data, path)  # what we write must read back
        atomic_write(path, data, expect=None)
