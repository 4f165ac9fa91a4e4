"""Find, read, check and write ledger files: YAML in, models out, edits back out.

* Where the ledgers are: ``--ledgers DIR``, else ``$RECTIFY_LEDGERS``, else the nearest
  ``ledgers/`` folder upward from the current directory (STYLE.md, pattern 7).
* Reading turns every problem into a :class:`~rectify.errors.Problem` at ``file:line:col``.
* Writing splices only the lines of the findings a command touched into the file, so
  comments and hand formatting elsewhere survive and ``git diff`` shows just that change.
  Every write holds the ledgers' lock, goes to a temporary file in the same folder which
  is flushed, fsynced and renamed over the ledger, and is refused when the file changed
  on disk since it was read.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock
from filelock import Timeout as FileLockTimeout
from pydantic import BaseModel, ValidationError

from rectify import memo, workflow, yamldoc
from rectify.config import CONFIG_NAME, Config, load_config
from rectify.errors import LedgerError, LockTimeout, Problem, UsageError, WorkflowError, WriteError
from rectify.gitops import Commit
from rectify.model import (
    MAX_UNIT_ID,
    UNIT_ID_RE,
    Action,
    Evidence,
    Finding,
    Inspection,
    Ledger,
    Status,
    Unit,
    unit_of,
)

LEDGER_SUFFIX = ".yaml"
LOCK_NAME = ".rectify.lock"
LOCK_TIMEOUT_SECONDS = 60.0


# ---------------------------------------------------------------- where


def find_ledgers_dir(option: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """Return the ledger folder: ``option``, else ``$RECTIFY_LEDGERS``, else the nearest
    ``ledgers/`` at or above ``start`` (default: the current directory).

    Raises :class:`UsageError` when none is found or the named one is not a folder.
    """
    chosen = option or os.environ.get("RECTIFY_LEDGERS")
    if chosen:
        path = Path(chosen)
        if not path.is_dir():
            raise UsageError(f"ledger folder not found: {path}")
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "ledgers"
        if candidate.is_dir():
            return candidate
    raise UsageError("no ledgers/ folder here or above; run `rectify init`, or give --ledgers DIR or RECTIFY_LEDGERS")


def stray_files(folder: Path) -> list[Path]:
    """Return files of ``folder`` that look like ledgers but are not read as ones
    (``.yml``, ``.YAML``): ``check`` reports them so no unit silently drops out."""
    with os.scandir(folder) as found:
        return sorted(
            folder / entry.name
            for entry in found
            if os.path.splitext(entry.name)[1].lower() in {".yml", ".yaml"}
            and not entry.name.endswith(LEDGER_SUFFIX)
            and entry.is_file()
        )


def ledger_paths(folder: Path) -> list[Path]:
    """Return the ledger files of ``folder`` (``*.yaml``, hidden files left out), sorted."""
    with os.scandir(folder) as found:  # one directory read; no stat but for symlinks
        names = [
            entry.name
            for entry in found
            if entry.name.endswith(LEDGER_SUFFIX) and not entry.name.startswith(".") and entry.is_file()
        ]
    return [folder / name for name in sorted(names)]


def display(path: Path) -> str:
    """Return ``path`` as the user should see it: relative to the current directory when below it."""
    try:
        here = os.getcwd()
    except OSError:  # a working folder that is gone
        return str(path)
    key = (here, str(path))
    shown = _DISPLAYED.get(key)
    if shown is None:
        if len(_DISPLAYED) > 4096:
            _DISPLAYED.clear()
        try:
            relative = os.path.relpath(path, here)
        except ValueError:  # another drive on Windows
            relative = ".."
        shown = _DISPLAYED[key] = relative if not relative.startswith("..") else str(path)
    return shown


_DISPLAYED: dict[tuple[str, str], str] = {}
"""display() by working folder and path: a pure function of the two, asked for each
ledger by every command (a province's 100 names took 2 ms)."""


def repository_root(folder: Path) -> Path:
    """Return the repository the ledgers belong to: the nearest folder above ``folder``
    holding ``.git``, else ``folder``'s parent. Evidence paths are relative to it."""
    resolved = folder.resolve()
    for candidate in (resolved, *resolved.parents):
        if (candidate / ".git").exists():
            return candidate
    return resolved.parent


# ---------------------------------------------------------------- reading


@dataclass
class Loaded:
    """One ledger file read and validated: where it is, the sha256 of its bytes, the parsed
    :class:`~rectify.yamldoc.Doc` (text and positions) and the :class:`Ledger` model."""

    path: Path
    name: str
    digest: str
    doc: yamldoc.Doc
    ledger: Ledger
    config: Config = field(default_factory=Config)
    positions: list[int] | None = None
    """For a ledger read in part (``check`` after schema errors): the place in the file of
    each finding in ``ledger.findings``; None when every finding was read."""

    @property
    def root(self) -> Path:
        """The repository the ledger belongs to (evidence paths are relative to it)."""
        return repository_root(self.path.parent)

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        """Return a Problem at the value at ``path`` (e.g. ``("findings", 2, "status")``).

        A path into a finding is prefixed as ``findings[3].status (jinhua-003): `` and
        the Problem carries the finding id.
        """
        line, col = self.at(path)
        finding = ""
        if len(path) >= 2 and path[0] == "findings" and isinstance(path[1], int):
            finding = self.ledger.findings[path[1]].id
            message = f"{label(self._in_file(path))} ({finding}): {message}"
        elif path:
            message = f"{label(path)}: {message}"
        return Problem(self.name, line, col, message, finding)

    def _in_file(self, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
        """Translate a path into ``ledger.findings`` to the same place in the file."""
        if self.positions is not None and len(path) >= 2 and path[0] == "findings" and isinstance(path[1], int):
            return ("findings", self.positions[path[1]], *path[2:])
        return path

    def at(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """Return the 1-based (line, col) in the file of the value at ``path`` of the model."""
        return self.doc.where(self._in_file(path))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _fields_of(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Return the field names of the model at ``loc`` (for "did you mean" hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", ())
        inner = next(
            (a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        if inner is None:
            return []
        current = inner
    return list(getattr(current, "model_fields", {}))


def label(loc: tuple[str | int, ...]) -> str:
    """Return a model location as people read it: ``findings[3].deadline`` (1-based)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_PATTERN_HINTS = {
    "id": "must look like <unit-id>-NNN, e.g. jinhua-007",
    "sha256": "must be a sha256 of 64 hex digits",
}


def _message(err: Any, loc: tuple[str | int, ...], model: type[BaseModel] = Ledger, skip: int = 0) -> str:
    kind = err["type"]
    value = err.get("input")
    name = str(loc[-1]) if loc else "value"
    if kind == "missing":
        return f"missing required field {name!r}"
    if kind == "extra_forbidden":
        hint = difflib.get_close_matches(name, _fields_of(model, loc[skip:-1]), n=1)
        return f"unknown field {name!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if kind == "string_type":
        return f"expected text, got {_describe(value)}"
    if kind == "list_type":
        return f"expected a list, got {_describe(value)}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"expected a mapping of fields (key: value), got {_describe(value)}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"expected true or false, got {_describe(value)}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"expected a whole number, got {_describe(value)}"
    if kind in {"decimal_parsing", "decimal_type", "finite_number"}:
        return f'expected an amount in 元 written as text such as "12000.00", got {_describe(value)}'
    if kind in {"greater_than_equal", "greater_than"}:
        return f"must not be negative, got {_describe(value)}"
    if kind in {"enum", "literal_error"}:
        expected = err.get("ctx", {}).get("expected", "")
        return f"{_describe(value)} is not allowed here; expected one of {expected}"
    if kind == "string_pattern_mismatch":
        if len(loc) == 2 and loc[0] == "unit":
            return f"unit id {value!r} must be lowercase letters, digits and hyphens, e.g. jinhua"
        return f"{value!r} " + _PATTERN_HINTS.get(name, "is not in the expected form")
    return f"{err['msg']} (got {_describe(value)})"


def schema_problems(
    doc: yamldoc.Doc,
    exc: ValidationError,
    base: tuple[str | int, ...] = (),
    model: type[BaseModel] = Ledger,
) -> list[Problem]:
    """Turn a pydantic error into plain-word problems at the offending line and column,
    each naming the 1-based location and the finding id (never raw pydantic text).

    ``base`` is the path in ``doc`` of the value that was validated (default: the root);
    ``model`` the model validated there, for "did you mean" hints.
    """
    problems = []
    findings = doc.data.get("findings") if isinstance(doc.data, dict) else None
    for err in exc.errors(include_url=False):
        loc = (*base, *err["loc"])
        if err["type"] == "extra_forbidden":
            line, col = doc.where(loc, key=True)
        elif err["type"] == "missing":
            line, col = doc.where(loc[:-1])
        else:
            line, col = doc.where(loc)
        finding = ""
        if len(loc) >= 2 and loc[0] == "findings" and isinstance(loc[1], int):
            if isinstance(findings, list) and isinstance(findings[loc[1]], dict):
                finding_id = findings[loc[1]].get("id")
                finding = finding_id if isinstance(finding_id, str) else ""
        where = label(loc[:-1] if err["type"] == "missing" else loc) or "ledger"
        ident = f" ({finding})" if finding else ""
        problems.append(
            Problem(
                doc.path,
                line,
                col,
                f"{where}{ident}: {_message(err, loc, model, len(base))}",
                finding,
            )
        )
    return problems


def _validate(doc: yamldoc.Doc) -> Ledger:
    if not isinstance(doc.data, dict):
        raise LedgerError(
            [
                Problem(
                    doc.path,
                    1,
                    1,
                    f"a ledger is a mapping with unit, inspection and findings, not {_describe(doc.data)}",
                )
            ]
        )
    try:
        return Ledger.model_validate(doc.data)
    except ValidationError as exc:
        raise LedgerError(schema_problems(doc, exc)) from None


def parse_ledger(raw: bytes, path: Path) -> Loaded:
    """Parse and validate one ledger's bytes; raise :class:`LedgerError` with every
    problem of the file (syntax, schema, and the per-file rules of :data:`FILE_RULES`)."""
    loaded, problems = _parse_with_rules(raw, path)
    problems += run_rules(NEIGHBOUR_RULES, loaded)
    if problems:
        raise LedgerError(problems)
    return loaded


def _context(path: Path, config: Config) -> tuple[str, str, Any]:
    """What a ledger's problems depend on besides its bytes: the name it is shown by,
    the settings, and today's date (no event may be dated after it)."""
    return (display(path), _settings_key(config), workflow.today(config.time_zone))


def _spans_now(doc: yamldoc.Doc) -> None:
    """Find ``doc``'s findings' lines (see :meth:`yamldoc.Doc.spans`) with the collector paused."""
    with _bulk():
        doc.spans  # noqa: B018 - computed and kept on first use


def _remember(path: Path, began: int, loaded: Loaded) -> None:
    """Keep ``loaded``, the ledger just written to ``path`` (writing began at ``began``,
    ns), for the next command of the server (:mod:`rectify.memo`)."""
    try:
        after = os.stat(path)
    except OSError:
        return
    context = _context(path, loaded.config)
    memo.keep(os.path.abspath(path), memo.identity(after), began, loaded.digest, context, (loaded, ()))


def _settings_key(config: Config) -> str:
    """The settings as text, to compare (remembered per settings object: it is made once
    per process and version of ``rectify.yaml``)."""
    key = _SETTINGS_KEYS.get(id(config))
    if key is None or key[0] is not config:
        if len(_SETTINGS_KEYS) > 64:
            _SETTINGS_KEYS.clear()
        key = _SETTINGS_KEYS[id(config)] = (config, config.model_dump_json())
    return key[1]


_SETTINGS_KEYS: dict[int, tuple[Config, str]] = {}


def _parse_with_rules(raw: bytes, path: Path, config: Config | None = None) -> tuple[Loaded, list[Problem]]:
    """Parse and validate; return the ledger and the problems of :data:`CONTENT_RULES`.
    ``config`` is the settings of ``path``'s folder (looked up when None).

    Raises :class:`LedgerError` when the file cannot be read as a ledger at all.
    """
    config = config or config_for(path.parent)
    name = display(path)
    doc = yamldoc.parse(raw, name, strict=False, spans=memo.active)
    positions = None
    schema: list[Problem] = []
    try:
        ledger = _validate(doc)
    except LedgerError as exc:
        partial = _validate_partial(doc)
        if partial is None:
            raise LedgerError([*doc.problems, *exc.problems]) from None
        ledger, positions = partial
        schema = exc.problems
    digest = hashlib.sha256(raw).hexdigest()
    loaded = Loaded(path=path, name=name, digest=digest, doc=doc, ledger=ledger, config=config, positions=positions)
    found = [*doc.problems, *schema, *run_rules(CONTENT_RULES, loaded)]
    doc.data = None  # the model holds the values now; the plain copy would only take memory
    doc.source = path
    return loaded, found


def _validate_partial(doc: yamldoc.Doc) -> tuple[Ledger, list[int]] | None:
    """Validate a ledger leaving out the findings that have schema errors, so the rules
    can still look at the rest (``check`` reports every problem). Returns the ledger and
    the file position of each finding kept, or None when the errors are not only inside
    findings."""
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("findings"), list):
        return None
    try:
        Ledger.model_validate({**doc.data, "findings": []})
    except ValidationError:
        return None
    keep = []
    for index, item in enumerate(doc.data["findings"]):
        try:
            Finding.model_validate(item)
        except ValidationError:
            continue
        keep.append(index)
    ledger = Ledger.model_validate({**doc.data, "findings": [doc.data["findings"][i] for i in keep]})
    return ledger, keep


_CONFIGS: dict[tuple[Path, bytes | None], Config] = {}


def config_root(folder: Path) -> Path:
    """Return the folder whose ``rectify.yaml`` applies to the ledgers in ``folder``: the
    nearest one holding it from the ledgers' parent up to the repository root, else the
    repository root."""
    top = repository_root(folder)
    start = folder.resolve().parent
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
        if candidate == top:
            break
    return top


def config_for(folder: Path) -> Config:
    """Return the settings (``rectify.yaml``) of the repository holding ``folder``.

    Parsed once per process and content of the file (it is read each time: a small file,
    and the server runs many commands in one process). Raises :class:`LedgerError` when
    it is broken.
    """
    root = config_root(folder)
    raw: bytes | None
    try:
        raw = (root / CONFIG_NAME).read_bytes()
    except FileNotFoundError:
        raw = None  # the defaults
    except OSError:
        return load_config(root)  # raises, saying why it cannot be read
    key = (root, raw)
    if key not in _CONFIGS:
        if len(_CONFIGS) > 32:
            _CONFIGS.clear()
        _CONFIGS[key] = load_config(root, raw)
    return _CONFIGS[key]


MAX_LEDGER_BYTES = 16 * 1024 * 1024
"""A ledger holds one unit: 200 findings take about 160 KB, so 16 MB is far beyond any."""


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_LEDGER_BYTES:
            message = (
                f"the file is {size / 1024 / 1024:.1f} MB; a ledger holds one unit and may be at most "
                f"{MAX_LEDGER_BYTES // 1024 // 1024} MB (split it, one file per unit)"
            )
            raise LedgerError([Problem(display(path), 1, 1, message)])
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no ledger file {display(path)}") from None
    except OSError as exc:
        raise LedgerError([Problem(display(path), 1, 1, f"cannot read the file: {exc.strerror}")]) from None


def read_ledger(path: Path) -> Loaded:
    """Read, parse and validate one ledger file. Raises :class:`LedgerError`."""
    loaded, problems = _read_parsed(path)
    if problems:
        raise LedgerError(problems)
    return loaded


def _read_parsed(path: Path, config: Config | None = None) -> tuple[Loaded, list[Problem]]:
    """Read and parse ``path``: the ledger and the problems of :data:`FILE_RULES`
    (those of :data:`NEIGHBOUR_RULES` found anew each time).

    In a command run by the resident server (:mod:`rectify.memo`), a file read before
    and unchanged since (same identity, and same bytes when racily clean) is not parsed
    again, provided it would be named and checked the same way (display name, settings,
    today's date: the rules look at it). ``config`` is the settings of ``path``'s folder
    when the caller has them already. Raises :class:`LedgerError` or
    :class:`UsageError` as reading does; a file that cannot be parsed is never
    remembered (one the rules find problems in is, with its problems).
    """
    config = config or config_for(path.parent)
    workflow.today(config.time_zone)  # a bad RECTIFY_TODAY is a usage error, not a broken rule
    loaded, problems = _read_remembered(path, config)
    return loaded, [*problems, *run_rules(NEIGHBOUR_RULES, loaded)]


def _read_remembered(path: Path, config: Config | None) -> tuple[Loaded, list[Problem]]:
    """:func:`_read_parsed` but the rules that look beside the file."""
    if not memo.active:
        with _bulk():
            return _parse_with_rules(_read_bytes(path), path, config)
    try:
        before = os.stat(path)
    except OSError:
        with _bulk():
            return _parse_with_rules(_read_bytes(path), path, config)  # raises the usual error
    key = os.path.abspath(path)
    config = config or config_for(path.parent)
    context = _context(path, config)
    entry = memo.lookup(key, before, context, lambda: hashlib.sha256(_read_bytes(path)).hexdigest())
    if entry is not None:
        loaded, problems = entry.value
        return loaded, list(problems)
    began = time.time_ns()
    raw = _read_bytes(path)
    with _bulk():
        loaded, problems = _parse_with_rules(raw, path, config)
    memo.keep(key, memo.identity(before), began, loaded.digest, context, (loaded, tuple(problems)))
    return loaded, problems


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small objects are built.

    Reading a ledger makes hundreds of thousands of nodes and values and no cycles; the
    collector would walk them again and again (measured: a third of a province's status
    time, bench/province.py). It runs once at the end instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_folder(folder: Path, audit: bool = False) -> tuple[list[Loaded], list[Problem]]:
    """Read every ledger of ``folder`` and run every rule, per file and across files.

    Returns ``(the ledgers that could be read, every problem found)``; never raises for
    a problem in a ledger. Rules: :data:`FILE_RULES` and :data:`FOLDER_RULES`, and with
    ``audit`` (``rectify check``) also :data:`AUDIT_RULES`.
    """
    loaded: list[Loaded] = []
    problems: list[Problem] = []
    config = config_for(folder)
    for path in ledger_paths(folder):
        try:
            item, found = _read_parsed(path, config)
        except LedgerError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append(item)  # a file whose rules failed still takes part in the cross-file rules
        problems.extend(found)
        if audit:
            problems.extend(run_rules(AUDIT_RULES, item))
        if not memo.active:  # the server keeps the text: an edit needs it (read again: 1 ms)
            item.doc.release()  # read again from the file should a position be needed
    versions = ("folder rules", tuple((item.name, item.digest) for item in loaded))
    problems.extend(memo.result(versions, lambda: _folder_rules(loaded)))
    for stray in stray_files(folder):
        name = display(stray)
        problems.append(
            Problem(name, 1, 1, f"ledger files end in {LEDGER_SUFFIX}; rename it to {stray.stem}{LEDGER_SUFFIX}")
        )
    return loaded, sorted(set(problems))


def _folder_rules(loaded: list[Loaded]) -> list[Problem]:
    """Run :data:`FOLDER_RULES` over ``loaded``; what they find depends only on each
    file's name and bytes (remembered by the server under those)."""
    return [problem for rule in FOLDER_RULES for problem in _safe(rule, loaded, rule.__name__)]


def read_folder(folder: Path) -> list[Loaded]:
    """Read every ledger of ``folder``; raise :class:`LedgerError` listing every problem
    when any ledger is broken (the same problems ``rectify check`` reports)."""
    loaded, problems = check_folder(folder)
    if problems:
        raise LedgerError(problems)
    return loaded


def ledger_path(folder: Path, unit_id: str) -> Path:
    """Return the file of unit ``unit_id`` in ``folder`` (``<unit-id>.yaml``).

    Raises :class:`UsageError` when ``unit_id`` is not a unit id (so no path can lead
    outside the folder).
    """
    if not UNIT_ID_RE.match(unit_id) or len(unit_id) > MAX_UNIT_ID:
        raise UsageError(
            f"{unit_id[:80]!r} is not a unit id: lowercase letters, digits and hyphens, "
            f"at most {MAX_UNIT_ID} characters (e.g. jinhua)"
        )
    return folder / f"{unit_id}{LEDGER_SUFFIX}"


def find_finding(folder: Path, finding_id: str) -> tuple[Loaded, Finding]:
    """Return the ledger holding ``finding_id`` and the finding, reading only its unit's
    file (the unit is the id's prefix). Raises :class:`UsageError` when there is none."""
    unit_id = unit_of(finding_id)
    if unit_id is None:
        raise UsageError(f"{finding_id!r} is not a finding id (expected <unit-id>-NNN, e.g. jinhua-007)")
    path = ledger_path(folder, unit_id)
    if not path.exists():
        raise UsageError(f"no finding {finding_id}: there is no ledger {display(path)}")
    loaded = read_ledger(path)
    finding = loaded.ledger.finding(finding_id)
    if finding is None:
        raise UsageError(f"no finding {finding_id} in {loaded.name}")
    return loaded, finding


def finding_versions(path: Path, finding_id: str) -> list[Commit]:
    """Return the commits (newest first) in which the finding ``finding_id`` of the ledger
    at ``path`` changed: added, edited or removed, compared with the commit before.

    Each commit is compared with its parents; a merge counts only when its version
    differs from every parent's. Raises :class:`~rectify.gitops.GitError` outside a git
    repository. Versions of the file that cannot be read as a ledger are skipped.
    """
    from rectify.gitops import blob_at, file_history

    def version(sha: str) -> Any:
        raw = blob_at(path, sha)
        if raw is None:
            return None
        try:
            data = yamldoc.parse(raw, display(path)).data
        except LedgerError:
            return _UNKNOWN
        findings = data.get("findings") if isinstance(data, dict) else None
        for item in findings if isinstance(findings, list) else []:
            if isinstance(item, dict) and item.get("id") == finding_id:
                return item
        return None

    cache: dict[str, Any] = {}

    def cached(sha: str) -> Any:
        if sha not in cache:
            cache[sha] = version(sha)
        return cache[sha]

    found = []
    for item in file_history(path):
        current = cached(item.sha)
        before = [cached(parent) for parent in item.parents] or [None]
        if current is _UNKNOWN or any(old is _UNKNOWN for old in before):
            continue
        if all(current != old for old in before):  # a merge that took one side's version changed nothing
            found.append(item)
    return found


_UNKNOWN = object()


# ---------------------------------------------------------------- rules

FileRule = Callable[[Loaded], list[Problem]]
FolderRule = Callable[[list[Loaded]], list[Problem]]


def _safe(rule: Callable[[Any], list[Problem]], arg: Any, name: str) -> list[Problem]:
    """Run a rule; a rule that crashes becomes a Problem, not a traceback (STYLE.md, 4)."""
    try:
        return rule(arg)
    except Exception as exc:  # noqa: BLE001 - by design: report, do not crash
        where = arg.name if isinstance(arg, Loaded) else "ledgers"
        return [Problem(where, 1, 1, f"internal error in check rule {name}: {exc!r}")]


def run_rules(rules: list[FileRule], loaded: Loaded) -> list[Problem]:
    """Run each per-file rule on ``loaded`` and return all their problems."""
    out: list[Problem] = []
    for rule in rules:
        out.extend(_safe(rule, loaded, rule.__name__))
    return out


def rule_stem_is_unit_id(loaded: Loaded) -> list[Problem]:
    """The file's name (stem) must be its unit's id: ``jinhua.yaml`` holds unit ``jinhua``."""
    stem, unit_id = loaded.path.stem, loaded.ledger.unit.id
    if stem == unit_id:
        return []
    line, col = loaded.doc.where(("unit", "id"))
    message = (
        f"the file is named {stem!r} but holds unit {unit_id!r}; rename the file to "
        f"{unit_id}{LEDGER_SUFFIX} or fix the id"
    )
    return [Problem(loaded.name, line, col, message)]


def rule_finding_ids(loaded: Loaded) -> list[Problem]:
    """Each finding id starts with the unit's id and appears once in the file."""
    problems = []
    first: dict[str, int] = {}
    unit_id = loaded.ledger.unit.id
    for index, finding in enumerate(loaded.ledger.findings):
        path = ("findings", index, "id")
        if unit_of(finding.id) != unit_id:
            message = f"{finding.id!r} does not belong to unit {unit_id!r} (expected {unit_id}-NNN)"
            problems.append(loaded.problem(path, message))
        if finding.id in first:  # positions are looked up only for a problem
            line, _ = loaded.at(("findings", first[finding.id], "id"))
            message = f"duplicate finding id {finding.id!r} (also at line {line})"
            problems.append(loaded.problem(path, message))
        else:
            first[finding.id] = index
    return problems


def rule_history(loaded: Loaded) -> list[Problem]:
    """Events are in date order, each step is allowed by the state diagram and by the
    approval chain recorded with its submission, and the stored status is the one the
    events lead to (DOMAIN.md, "States of a finding"); a finding marked closed whose
    signatures do not cover its chain is reported as such."""
    problems = []
    for index, finding in enumerate(loaded.ledger.findings):
        if not finding.history:
            if finding.status is not Status.OPEN:
                message = f"status is {finding.status.value} but the finding has no history; record its steps"
                problems.append(loaded.problem(("findings", index, "status"), message))
            continue
        previous = None
        track = workflow.Track()
        for number, event in enumerate(finding.history):
            path = ("findings", index, "history", number)
            if previous is not None and event.date < previous:
                message = f"event dated {event.date} comes after one dated {previous}; events must be in date order"
                problems.append(loaded.problem(path, message))
            previous = event.date
            try:
                track = workflow.step(track, event, submit_chain=tuple(loaded.config.chain))
            except WorkflowError as exc:
                problems.append(loaded.problem(path, str(exc)))
                break
        else:
            if track.status is not finding.status:
                leads = track.status.value if track.status else "nothing"
                message = f"status is {finding.status.value} but its history leads to {leads}"
                if finding.status is Status.CLOSED and track.status is Status.SUBMITTED:
                    missing = ", ".join(track.chain[len(track.signed) :])
                    message = f"closed without the approval chain's signatures (missing: {missing})"
                problems.append(loaded.problem(("findings", index, "status"), message))
    return problems


def rule_evidence(loaded: Loaded) -> list[Problem]:
    """Every evidence file lies inside the repository and exists, and its sha256 is the
    one last recorded for it (the finding's ``evidence`` list), so a file changed after it
    was submitted shows (全程可溯). Events keep the digest of what was submitted then; a
    file submitted again after a return legitimately differs from the older event."""
    problems = []
    root = loaded.root.resolve()
    digests: dict[str, str | None] = {}
    for index, finding in enumerate(loaded.ledger.findings):
        places: list[tuple[tuple[str | int, ...], Evidence, bool]] = [
            (("findings", index, "evidence", n), item, True) for n, item in enumerate(finding.evidence)
        ]
        for number, event in enumerate(finding.history):
            places += [
                (("findings", index, "history", number, "evidence", n), item, False)
                for n, item in enumerate(event.evidence)
            ]
        for path, item, latest in places:
            target = (root / item.path).resolve()
            if target != root and root not in target.parents:
                problems.append(loaded.problem(path, f"evidence path {item.path} lies outside the repository"))
                continue
            if item.path not in digests:
                digests[item.path] = workflow.file_sha256(target)
            actual = digests[item.path]
            if actual is None:
                problems.append(loaded.problem(path, f"evidence file {item.path} is missing"))
            elif latest and item.sha256 is not None and actual != item.sha256:
                problems.append(
                    loaded.problem(
                        path,
                        f"evidence file {item.path} has changed since it was recorded "
                        f"(sha256 {actual[:12]}…, recorded {item.sha256[:12]}…)",
                    )
                )
    return problems


def rule_sign_off(loaded: Loaded) -> list[Problem]:
    """Every ``close`` event names who closed and an approver who is someone else
    (DOMAIN.md: closed only with a named approver; 销号审签); every submit and sign names
    its person; every extension names its approver and moves the deadline later; no
    event is dated after today (in the ledgers' time zone)."""
    problems = []
    today = workflow.today(loaded.config.time_zone)
    for index, finding in enumerate(loaded.ledger.findings):
        deadline = finding.deadline
        for number, event in enumerate(finding.history):
            path = ("findings", index, "history", number)
            if event.date > today:
                problems.append(loaded.problem(path, f"dated {event.date}, after today ({today})"))
            if event.action in (Action.SUBMIT, Action.SIGN) and not (event.by or "").strip():
                problems.append(loaded.problem(path, f"a {event.action.value} event needs 'by': who did it"))
            if event.action is Action.EXTEND:
                if not (event.approver or "").strip():
                    problems.append(loaded.problem(path, "an extension needs 'approver': who approved it"))
                if event.to is None:
                    problems.append(loaded.problem(path, "an extension needs 'to': the new deadline"))
                elif deadline is not None and event.to <= deadline:
                    message = f"the extension to {event.to} does not move the deadline in force ({deadline}) later"
                    problems.append(loaded.problem(path, message))
                deadline = event.to or deadline
            if event.action is not Action.CLOSE:
                continue
            by, approver = (event.by or "").strip(), (event.approver or "").strip()
            if not by:
                problems.append(loaded.problem(path, "a close event needs 'by': who closed the finding"))
            if not approver:
                problems.append(loaded.problem(path, "a close event needs 'approver': 销号 requires 审签"))
            elif by and workflow.same_person(by, approver):
                problems.append(loaded.problem(path, f"the approver ({approver}) is the person who closed it"))
    return problems


def rule_unique_ids_across_files(ledgers: list[Loaded]) -> list[Problem]:
    """A finding id appears in one ledger only (ids are unique across all ledgers)."""
    seen: dict[str, tuple[Loaded, int]] = {}
    problems = []
    for loaded in ledgers:
        for index, finding in enumerate(loaded.ledger.findings):
            other, at = seen.setdefault(finding.id, (loaded, index))
            if other is not loaded:  # positions are looked up only for a problem
                line, col = loaded.at(("findings", index, "id"))
                other_line, _ = other.at(("findings", at, "id"))
                message = f"duplicate finding id {finding.id!r}: also in {other.name}:{other_line}"
                problems.append(Problem(loaded.name, line, col, message, finding.id))
    return problems


def rule_parent_exists(loaded: Loaded) -> list[Problem]:
    """A unit's parent names a unit that has a ledger in the same folder (one stat, no read)."""
    parent = loaded.ledger.unit.parent
    if parent is None or ledger_path(loaded.path.parent, parent).is_file():
        return []
    return [loaded.problem(("unit", "parent"), f"unknown unit {parent!r} (no ledger {parent}{LEDGER_SUFFIX})")]


def rule_parent_cycles(ledgers: list[Loaded]) -> list[Problem]:
    """Parents never form a cycle (a unit is not its own ancestor)."""
    units = {loaded.ledger.unit.id: loaded for loaded in ledgers}
    problems = []
    for loaded in ledgers:
        chain = [loaded.ledger.unit.id]
        current = loaded.ledger.unit.parent
        while current is not None and current in units:
            if current in chain:
                cycle = " -> ".join([*chain, current])
                problems.append(loaded.problem(("unit", "parent"), f"parents form a cycle: {cycle}"))
                break
            chain.append(current)
            current = units[current].ledger.unit.parent
    return problems


CONTENT_RULES: list[FileRule] = [
    rule_stem_is_unit_id,
    rule_finding_ids,
    rule_history,
    rule_sign_off,
]
"""Rules that look only at the file (its name and bytes, the settings, today's date); the
server remembers what they find with the file. A new rule of that kind goes here."""

NEIGHBOUR_RULES: list[FileRule] = [rule_parent_exists]
"""Rules that look beside the file (the parent unit's ledger): run on every read, never
remembered, since another file can change their answer."""

FILE_RULES: list[FileRule] = [*CONTENT_RULES, *NEIGHBOUR_RULES]
"""Rules run on every ledger read."""

AUDIT_RULES: list[FileRule] = [rule_evidence]
"""Rules only ``rectify check`` runs: they look beyond the ledger (evidence files), so a
missing attachment does not stop the daily commands."""

FOLDER_RULES: list[FolderRule] = [rule_unique_ids_across_files, rule_parent_cycles]
"""Rules run across all ledgers by ``rectify check`` and the commands that read them all."""


# ---------------------------------------------------------------- writing


def lock_path(folder: Path) -> Path:
    """Return the lock file for writes to ``folder``: inside the repository's ``.git``
    folder when there is one (so it never shows in ``git status``), else
    ``<folder>/.rectify.lock``. Every process computes the same path for one folder."""
    resolved = folder.resolve()
    for candidate in (resolved, *resolved.parents):
        git_dir = candidate / ".git"
        if git_dir.is_dir():
            digest = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:16]
            return git_dir / f"rectify-{digest}.lock"
        if git_dir.exists():
            break
    return folder / LOCK_NAME


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the ledgers' write lock (see :func:`lock_path`) for the block.

    Raises :class:`LockTimeout` after :data:`LOCK_TIMEOUT_SECONDS`, :class:`WriteError`
    when the lock file cannot be made (read-only folder).
    """
    lock = FileLock(str(lock_path(folder)), timeout=LOCK_TIMEOUT_SECONDS)
    try:
        lock.acquire()
    except FileLockTimeout:
        raise LockTimeout(
            f"another rectify command has been writing in {display(folder)} for over "
            f"{LOCK_TIMEOUT_SECONDS:.0f} s; try again"
        ) from None
    except OSError as exc:
        raise WriteError(f"cannot lock {display(folder)} for writing: {exc.strerror}; nothing was written") from None
    try:
        yield
    finally:
        lock.release()


def atomic_write(path: Path, data: bytes, expect: str | None) -> None:
    """Replace ``path`` with ``data`` atomically: temporary file in the same folder,
    flushed and fsynced, then renamed over ``path``.

    ``expect`` is the sha256 of the content the caller read (None: the file must not
    exist yet); when the file on disk differs, nothing is written. Raises :class:`WriteError` and leaves
    the old file as it was on any failure (disk full, read-only, changed by someone else).
    """
    if path.is_symlink():  # write the ledger the link points to; the link stays a link
        path = path.resolve()
    _remove_stale_temporaries(path)
    try:
        current: bytes | None = path.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise WriteError(f"{display(path)}: cannot read before writing: {exc.strerror}") from None
    if current is not None and not path.stat().st_mode & stat.S_IWUSR:
        raise WriteError(f"{display(path)} is read-only; make it writable (chmod u+w) to change it")
    if (None if current is None else hashlib.sha256(current).hexdigest()) != expect:
        what = "was created" if expect is None else "changed on disk"
        raise WriteError(f"{display(path)} {what} since it was read; nothing was written, run the command again")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if current is not None:
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise WriteError(f"{display(path)}: could not write ({exc.strerror}); the ledger is unchanged") from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _remove_stale_temporaries(path: Path) -> None:
    """Remove temporary files a killed writer left beside ``path`` (called under the lock,
    so none of them belongs to a running command)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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

    def replace(self, finding: Finding) -> None:
        """Put ``finding`` in place of the finding with the same id."""
        if self.ledger.finding(finding.id) is None:
            raise UsageError(f"no finding {finding.id} in {self.loaded.name}")
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
            raise UsageError(f"no finding {finding_id} in {self.loaded.name}")
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
            return yamldoc.render_ledger(self.ledger, yamldoc.leading_comments(doc.lines))
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
                edits.append((start, end + 1, yamldoc.render_block(key, value)))
            else:
                edits.append((0, 0, yamldoc.render_block(key, value)))
        if self._appended:
            indent = doc.spans[-1].indent if doc.spans else 2
            new_lines = [line for finding in self._appended for line in yamldoc.render_finding(finding, indent)]
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
            self._blocks[key] = yamldoc.render_finding(self._replaced[finding_id], indent)
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
        if not (self._replaced or self._appended or self._removed or self._head or self._last_number):
            return
        text = self.text()
        doc = self.loaded.doc
        data = text.encode("utf-8")
        if doc.bom:
            data = b"\xef\xbb\xbf" + data
        if self._reads_back_in_place():
            again = None
        else:
            try:
                again = parse_ledger(data, self.loaded.path)
            except LedgerError as exc:
                raise WriteError(
                    f"{self.loaded.name}: the edited ledger would not read back ({exc}); nothing was written"
                ) from None
            if again.ledger != self.ledger:
                raise WriteError(
                    f"{self.loaded.name}: the edited ledger would not read back as intended; nothing was written"
                )
        began = time.time_ns()
        atomic_write(self.loaded.path, data, expect=self.loaded.digest)
        if memo.active:  # the server: the next command finds this version without reading it
            written = again or self._written(text, hashlib.sha256(data).hexdigest())
            _remember(self.loaded.path, began, written)

    def _written(self, text: str, digest: str) -> Loaded:
        """The ledger as just written by an in-place edit (:meth:`_reads_back_in_place`):
        its model is the edited one, its text ``text``; the findings' lines are found
        again from the text if an edit needs them (moving the old ones by the blocks'
        change in length missed blank lines that a fresh read counts)."""
        old = self.loaded.doc
        if old.endings:  # CRLF lines kept: split them again as a fresh read does
            plain, endings, _ = yamldoc.decode(text.encode("utf-8"), old.path)
        else:
            plain, endings = text, []
        newline = yamldoc.usual_newline(endings)  # as a fresh read finds it: the edit may change it
        doc = yamldoc.Doc(path=old.path, _text=plain, newline=newline, bom=old.bom, data=None, endings=endings)
        doc.source = old.source
        memo.later(lambda: _spans_now(doc))  # ready for the next edit, found once the user has the answer
        return Loaded(self.loaded.path, self.loaded.name, digest, doc, self.ledger, self.loaded.config)

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
                alone = yamldoc.parse(block.encode("utf-8"), self.loaded.name)
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


def create_ledger(path: Path, ledger: Ledger, header: str = "") -> None:
    """Write a new ledger file for ``ledger`` (refused when the file exists).

    Raises :class:`UsageError` when it exists, :class:`WriteError` when it cannot be written.
    """
    with locked(path.parent):
        if path.exists():
            raise UsageError(f"{display(path)} already exists")
        data = yamldoc.render_ledger(ledger, header).encode("utf-8")
        parse_ledger(data, path)  # what we write must read back
        atomic_write(path, data, expect=None)
