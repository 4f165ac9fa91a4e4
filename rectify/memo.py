"""What the resident server remembers between commands: ledgers already read, and figures
already counted from them.

Commands run by ``rectify server`` (see :mod:`rectify.server`) run one after the other in
the same worker process, which keeps here what they read. In a plain ``rectify`` process
:data:`active` is False and nothing is remembered.

An entry is never served for a file that changed: it is kept with the file's identity
(device, inode, size, modification and change times in ns) taken before the bytes were
read, and with the sha256 of those bytes. A file whose identity differs is read again. A
file changed within :data:`RACY_NS` of being read could still show the same identity
(coarse file-system clocks), so it is "racily clean": its bytes are read and compared
with the digest each time, until that window has passed (git's rule for its index,
Documentation/technical/racy-git.txt).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

active = False
"""True in a command run by the server: entries are looked up and kept."""

RACY_NS = 2_000_000_000
"""A file changed less than 2 s before it was read is compared by content, not identity."""

MAX_BYTES = 32 * 1024 * 1024
"""Ledger bytes remembered at most, the least recently used going first: twice a
province of 100 units x 200 findings (16 MB of YAML, about 180 MB in memory)."""

Identity = tuple[int, int, int, int, int]


@dataclass
class Entry:
    """One file as read: its absolute ``path``, ``identity`` and ``digest`` (sha256 hex of
    its bytes) when read at ``read_ns`` (ns since the epoch, taken before reading), ``context`` (what else
    the result depends on: display name, settings, today), the ``value`` made from it, and
    ``derived`` results computed from that value (figures as of a date), by key."""

    path: str
    identity: Identity
    read_ns: int
    digest: str
    context: Hashable
    value: Any
    derived: dict[Hashable, Any] = field(default_factory=dict)


entries: dict[str, Entry] = {}
"""By absolute file path."""

results: dict[Hashable, Any] = {}
"""Results over many files (the rules across ledgers), by a key naming every file's
version (see :func:`result`)."""

MAX_RESULTS = 64

_by_value: dict[int, Entry] = {}
_bytes = 0


def identity(stat: os.stat_result) -> Identity:
    """Return what identifies a file's version without reading it: (device, inode, size,
    mtime ns, ctime ns). The change time cannot be set back by any tool."""
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def lookup(
    path: str,
    stat: os.stat_result,
    context: Hashable,
    digest_now: Callable[[], str],
) -> Entry | None:
    """Return the entry for ``path`` when it holds exactly the file's current bytes and
    was made in ``context``; else None (read the file and :func:`keep` the result).

    ``stat`` is the file's stat taken before this call; ``digest_now()`` reads the file
    and returns the sha256 hex of its bytes (called only for a racily clean entry).
    """
    if not active:
        return None
    entry = entries.get(path)
    if entry is None or entry.identity != identity(stat) or entry.context != context:
        return None
    entries[path] = entries.pop(path)  # the most recently used goes last
    if stat.st_ctime_ns >= entry.read_ns - RACY_NS or stat.st_mtime_ns >= entry.read_ns - RACY_NS:
        began = time.time_ns()
        if digest_now() != entry.digest:
            return None
        entry.read_ns = began
    return entry


def keep(path: str, identity_before: Identity, read_ns: int, digest: str, context: Hashable, value: Any) -> None:
    """Remember ``value`` made from the bytes of ``path`` with sha256 ``digest``, read at
    ``read_ns`` after a stat that gave ``identity_before``. Does nothing unless active."""
    if not active:
        return
    _put(path, Entry(path, identity_before, read_ns, digest, context, value))


def derived(value: Any, key: Hashable, compute: Callable[[], Any]) -> Any:
    """Return ``compute()``, remembered under ``key`` with the entry whose value holds
    ``value`` (identity, not equality: a ledger edited in memory is a new object and is
    computed again). Without such an entry, simply ``compute()``."""
    entry = _by_value.get(id(value)) if active else None
    if entry is None:
        return compute()
    if key not in entry.derived:
        entry.derived[key] = compute()
    return entry.derived[key]


_later: list[Callable[[], object]] = []


def later(work: Callable[[], object]) -> None:
    """Do ``work`` once the command has answered (the server runs it before taking the
    next command): preparing what the next command may need, off the user's wait.
    Outside the server, nothing is done."""
    if active:
        _later.append(work)


def run_later() -> None:
    """Do the work :func:`later` put aside; a failure only loses that preparation."""
    while _later:
        try:
            _later.pop(0)()
        except Exception:  # noqa: S110 - it would be done again, or reported, when needed
            pass


def result(key: Hashable, compute: Callable[[], Any]) -> Any:
    """Return ``compute()``, remembered under ``key``, which must name everything the
    result depends on (for rules across ledgers: each file's name and sha256)."""
    if not active:
        return compute()
    if key in results:
        return results[key]
    value = results[key] = compute()
    while len(results) > MAX_RESULTS:
        del results[next(iter(results))]
    return value


def _put(path: str, entry: Entry) -> None:
    global _bytes
    if path in entries:
        _drop(path)
    entries[path] = entry
    _bytes += entry.identity[2]
    for part in _parts(entry.value):
        _by_value[id(part)] = entry
    while _bytes > MAX_BYTES and len(entries) > 1:
        _drop(next(iter(entries)))


def _drop(path: str) -> None:
    global _bytes
    entry = entries.pop(path)
    _bytes -= entry.identity[2]
    for part in _parts(entry.value):
        _by_value.pop(id(part), None)


def _parts(value: Any) -> list[Any]:
    """The objects :func:`derived` may be asked about: the value and, for a read ledger
    (a ``(Loaded, problems)`` pair), its ledger model."""
    parts = [value]
    if isinstance(value, tuple) and value and hasattr(value[0], "ledger"):
        parts.append(value[0].ledger)
    return parts


def clear() -> None:
    """Forget everything (tests)."""
    global _bytes
    _bytes = 0
    entries.clear()
    results.clear()
    _by_value.clear()
