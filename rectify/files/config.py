"""The optional ``rectify.yaml`` at the repository root: approval chain, time zone, language, git.

Example::

    chain: [单位主要负责人, 督导组, 巡察办]   # ordered sign-off levels (审签); default one level
    chain_since: 2022-01-01                   # from when check holds steps to it (default: last commit)
    time_zone: Asia/Shanghai                  # "today" and "overdue" use its local date
    lang: zh                                  # default labels (zh or en)
    git:
      autocommit: true                        # each command makes one commit
      require_signatures: true                # each commit signed (--key or git's user.signingkey)
    sheets:                                   # import of office sheets
      immediate_days: 30                      # 立行立改: deadline this many days after feedback
      status_words: {基本完成: in_progress}   # more status words, or another meaning for one
      columns: {整改成果: progress}           # more column headings (a field name, or "ignore")
    sheet:                                    # the 整改销号表 (rectify export -f xlsx)
      paper: A4                               # A4 (default) or A3, landscape
      signatures: [整改责任人, 审签人, 单位主要负责人]   # signature spaces under the table
    check:                                    # rectify check
      history_since: 2024-03-01               # judge commits from this day (or after this commit) only
      accept: [3f2a9c1]                       # commits whose hand edits are known and accepted
    bulletin:                                 # the 通报 (rectify report)
      office: 市委巡察整改工作领导小组办公室      # issuing office in the header block
      issue: 12                               # 第 N 期 (--issue overrides)
      templates: 通报模板                      # a folder of Jinja2 templates overriding the shipped ones

It is validated like a ledger: every problem is reported as ``rectify.yaml:line:col:``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError

from rectify.domain.model import DEFAULT_CHAIN, CalendarDate, Status, Text, _Strict
from rectify.errors import LedgerError, Problem
from rectify.files import yamlread
from rectify.files.paths import repository_root
from rectify.i18n import _, os_reason

CONFIG_NAME = "rectify.yaml"


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(_(
            "unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)"
        ).format(name=name)) from None
    return name


def _distinct(roles: list[str]) -> list[str]:
    if not roles:
        raise ValueError(_("the approval chain needs at least one level"))
    seen = set()
    for role in roles:
        if role in seen:
            raise ValueError(_("the approval chain names {role!r} twice").format(role=role))
        seen.add(role)
    return roles


class GitConfig(_Strict):
    """Git settings: ``autocommit`` makes every changing command one commit of its files;
    ``require_signatures`` refuses a committed step that cannot be signed (no ``--key``
    and no ``user.signingkey`` with ``gpg.format=ssh``), before anything is written."""

    autocommit: bool = False
    require_signatures: bool = False


class FrequentConfig(_Strict):
    """Settings of the high-frequency problems view: ``threshold``, how alike two titles
    must be (rapidfuzz ratio, 0-100) to count as one problem."""

    threshold: Annotated[int, Field(ge=50, le=100)] = 90


SHEET_FIELDS = (
    "number", "aspect", "title", "detail", "measures", "leader", "department", "owner", "deadline",
    "progress", "status", "closed_on", "approver", "evidence", "remark", "unit", "extended_to",
    "extended_on", "extend_reason", "extend_approver", "extensions", "people", "funds_yuan", "funds_wan", "rules",
    "ignore",
)  # fmt: skip
"""What a sheet's column can hold (``people:KIND`` counts persons held accountable by kind)."""


def _field(name: str) -> str:
    if name not in SHEET_FIELDS and not (name.startswith("people:") and len(name) > 7):
        raise ValueError(_(
            "{name!r} is not a column rectify reads ({sheet_fields}, people:KIND)"
        ).format(name=name, sheet_fields=', '.join(SHEET_FIELDS)))
    return name


class ImportConfig(_Strict):
    """Settings of ``rectify import``: ``immediate_days`` (立行立改: the deadline is that many
    days after the findings are put on the ledger; default 30), ``status_words`` (words
    added to, or overriding, the default mapping of status words to states) and
    ``columns`` (headings added to the known ones, mapped to a field or ``ignore``)."""

    immediate_days: Annotated[int, Field(ge=0, le=3650)] = 30
    status_words: dict[Text, Status] = Field(default_factory=dict)
    columns: dict[Text, Annotated[str, AfterValidator(_field)]] = Field(default_factory=dict)


DEFAULT_SIGNATURES = ("整改责任人", "审签人", "单位主要负责人")
"""The signature spaces under a 整改销号表 unless configured."""


class PrintConfig(_Strict):
    """The printed 整改销号表: ``paper`` (A4 or A3, landscape) and the ``signatures``
    written under the table, left to right (each gets a space to sign)."""

    paper: Literal["A4", "A3"] = "A4"
    signatures: list[Text] = Field(default_factory=lambda: list(DEFAULT_SIGNATURES), max_length=6)


class BulletinConfig(_Strict):
    """The 通报's header block and templates: ``office`` (issuing office), ``issue`` (第 N 期),
    ``templates`` (a folder, relative to ``rectify.yaml``, whose Jinja2 templates replace
    the shipped ones of the same name)."""

    office: Text | None = None
    issue: Annotated[int, Field(ge=1)] | None = None
    templates: Text | None = None


_REVISION_RE = r"^[0-9a-fA-F]{7,40}$"
"""A commit named by its hash (at least 7 hex digits)."""


def _since(value: object) -> object:
    """``history_since``: a date (``YYYY-MM-DD``) or a commit hash of 7 to 40 hex digits."""
    import re
    from datetime import date as day

    if isinstance(value, day):
        return value
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is not None and re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text):
        from rectify.domain.model import parse_date

        return parse_date(text)
    if text is None or not re.match(_REVISION_RE, text):
        shown = str(value)[:40]
        raise ValueError(
            _("expected a date written YYYY-MM-DD or a commit hash (7 to 40 hex digits), got {value!r}").format(
                value=shown
            )
        )
    return text.lower()


def _revision(value: object) -> object:
    import re

    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is None or not re.match(_REVISION_RE, text):
        raise ValueError(_("expected a commit hash (7 to 40 hex digits), got {value!r}").format(value=str(value)[:40]))
    return text.lower()


class CheckConfig(_Strict):
    """Settings of ``rectify check``'s look at git history: ``history_since``, a day
    (the history is cut just before the oldest commit of HEAD's first-parent line made on
    or after it: by the history's order, not by later commits' dates) or a commit (it and
    the commits before it are not judged); ``accept``, commits whose hand edits are known
    and accepted (each named by at least 7 hex digits of its id, matched against the ids
    of the history's commits, never a branch or tag name)."""

    history_since: Annotated[date | str, BeforeValidator(_since)] | None = None
    accept: list[Annotated[str, BeforeValidator(_revision)]] = Field(default_factory=list, max_length=1000)


class Config(_Strict):
    """The settings of one ledger repository (``rectify.yaml``).

    ``chain``: ordered sign-off roles, first signs first (``chain_since``: from when);
    ``time_zone``: IANA name of the
    ledgers' time zone; ``lang``: default labels, or None for the locale's.
    """

    chain: Annotated[list[Text], AfterValidator(_distinct)] = Field(default_factory=lambda: list(DEFAULT_CHAIN))
    chain_since: CalendarDate | None = None
    """The day the approval chain took effect: ``check`` holds steps dated on or after it
    to the chain (a one-step close under a longer chain, a submission recording a shorter
    one). Default: the day ``rectify.yaml`` was last committed (or saved, outside git)."""
    time_zone: Annotated[str, AfterValidator(_zone)] = "Asia/Shanghai"
    lang: Literal["zh", "en"] | None = None
    git: GitConfig = Field(default_factory=GitConfig)
    categories: list[Text] | None = None
    """The allowed ``category`` values of findings (None: any)."""
    evidence_required: list[Literal["submit", "close"]] = Field(default_factory=list)
    """Steps that must carry evidence (佐证材料); by default none do."""
    frequent: FrequentConfig = Field(default_factory=FrequentConfig)
    sheets: ImportConfig = Field(default_factory=ImportConfig)
    """How ``rectify import`` reads office sheets."""
    sheet: PrintConfig = Field(default_factory=PrintConfig)
    """How the 整改销号表 workbook prints."""
    bulletin: BulletinConfig = Field(default_factory=BulletinConfig)
    check: CheckConfig = Field(default_factory=CheckConfig)
    """How ``rectify check`` judges the git history of the ledgers."""


def load_config(root: Path, raw: bytes | None = None) -> Config:
    """Read ``root/rectify.yaml`` (or take its bytes, ``raw``, read already); the
    defaults when there is none.

    Raises :class:`LedgerError` with every problem of the file at its line and column.
    """
    from rectify.files.paths import display
    from rectify.files.schema import schema_problems

    path = root / CONFIG_NAME
    if raw is None:
        if path.exists() and not path.is_file():  # a FIFO or device would block or never end
            message = _("rectify.yaml is not a regular file; make it a text file")
            raise LedgerError([Problem(display(path), 1, 1, message)])
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return Config()
        except OSError as exc:
            raise LedgerError([Problem(display(path), 1, 1, _(
                "cannot read the file: {strerror}"
            ).format(strerror=os_reason(exc)))]) from None
    name = display(path)
    try:
        doc = yamlread.parse(raw, name)
    except LedgerError as exc:
        empty = _("the ledger is empty; it needs unit, inspection and findings")
        if all(p.message == empty for p in exc.problems):
            return Config()  # an empty or comment-only file: defaults
        raise
    if not isinstance(doc.data, dict):
        raise LedgerError([Problem(name, 1, 1, _("rectify.yaml must be a mapping of settings"))])
    for flag in ("autocommit", "require_signatures"):
        if isinstance(doc.data.get("git"), dict) and flag in doc.data["git"]:
            value = doc.data["git"][flag]
            truth = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
            if isinstance(value, str) and value.lower() in truth:
                doc.data["git"][flag] = truth[value.lower()]
    try:
        return Config.model_validate(doc.data)
    except ValidationError as exc:
        raise LedgerError(schema_problems(doc, exc, model=Config)) from None


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

    Parsed once per process and content of the file. Raises :class:`LedgerError` when
    it is broken.
    """
    root = config_root(folder)
    raw: bytes | None
    if (root / CONFIG_NAME).exists() and not (root / CONFIG_NAME).is_file():
        return load_config(root)  # raises, saying it is not a regular file
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


def chain_in_force_since(folder: Path, config: Config) -> date | None:
    """The day the approval chain of ``folder``'s settings took effect: ``chain_since``
    when given, else the day ``rectify.yaml`` was last committed (when it has no change
    since), else the day it was last saved, in the ledgers' time zone; None without a
    ``rectify.yaml`` (the default chain of one level has always been in force)."""
    import os
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from rectify.files import answers, gitops

    if config.chain_since is not None:
        return config.chain_since
    path = config_root(folder) / CONFIG_NAME
    if not path.is_file():
        return None
    committed = gitops.last_commit_day(path, config.time_zone)
    if committed is not None or gitops.toplevel(path.parent) is not None:
        answers.drop()  # the day depends on git's history (a commit moves it), which no answer notes
    if committed is not None:
        return committed
    return datetime.fromtimestamp(os.stat(path).st_mtime, ZoneInfo(config.time_zone)).date()
