"""The optional ``rectify.yaml`` at the repository root: approval chain, time zone, language, git.

Example::

    chain: [单位主要负责人, 督导组, 巡察办]   # ordered sign-off levels (审签); default one level
    time_zone: Asia/Shanghai                  # "today" and "overdue" use its local date
    lang: zh                                  # default labels (zh or en)
    git:
      autocommit: true                        # each command makes one commit
    sheet:                                    # the 整改销号表 (rectify export -f xlsx)
      paper: A4                               # A4 (default) or A3, landscape
      signatures: [整改责任人, 审签人, 单位主要负责人]   # signature spaces under the table
    bulletin:                                 # the 通报 (rectify report)
      office: 市委巡察整改工作领导小组办公室      # issuing office in the header block
      issue: 12                               # 第 N 期 (--issue overrides)
      templates: 通报模板                      # a folder of Jinja2 templates overriding the shipped ones

It is validated like a ledger: every problem is reported as ``rectify.yaml:line:col:``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, ValidationError

from rectify.domain.model import Text, _Strict
from rectify.errors import LedgerError, Problem
from rectify.files import yamlread
from rectify.files.paths import repository_root

CONFIG_NAME = "rectify.yaml"
DEFAULT_CHAIN = ("审签",)
"""One level of sign-off unless configured (DOMAIN.md: closed only with a named approver)."""


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from None
    return name


def _distinct(roles: list[str]) -> list[str]:
    if not roles:
        raise ValueError("the approval chain needs at least one level")
    seen = set()
    for role in roles:
        if role in seen:
            raise ValueError(f"the approval chain names {role!r} twice")
        seen.add(role)
    return roles


class GitConfig(_Strict):
    """Git settings: ``autocommit`` makes every changing command one commit of its files."""

    autocommit: bool = False


DEFAULT_SIGNATURES = ("整改责任人", "审签人", "单位主要负责人")
"""The signature spaces under a 整改销号表 unless configured."""


class SheetConfig(_Strict):
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


class Config(_Strict):
    """The settings of one ledger repository (``rectify.yaml``).

    ``chain``: ordered sign-off roles, first signs first; ``time_zone``: IANA name of the
    ledgers' time zone; ``lang``: default labels, or None for the locale's.
    """

    chain: Annotated[list[Text], AfterValidator(_distinct)] = Field(default_factory=lambda: list(DEFAULT_CHAIN))
    time_zone: Annotated[str, AfterValidator(_zone)] = "Asia/Shanghai"
    lang: Literal["zh", "en"] | None = None
    git: GitConfig = Field(default_factory=GitConfig)
    sheet: SheetConfig = Field(default_factory=SheetConfig)
    bulletin: BulletinConfig = Field(default_factory=BulletinConfig)


def load_config(root: Path, raw: bytes | None = None) -> Config:
    """Read ``root/rectify.yaml`` (or take its bytes, ``raw``, read already); the
    defaults when there is none.

    Raises :class:`LedgerError` with every problem of the file at its line and column.
    """
    from rectify.files.paths import display
    from rectify.files.schema import schema_problems

    path = root / CONFIG_NAME
    if raw is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return Config()
        except OSError as exc:
            raise LedgerError([Problem(display(path), 1, 1, f"cannot read the file: {exc.strerror}")]) from None
    name = display(path)
    try:
        doc = yamlread.parse(raw, name)
    except LedgerError as exc:
        if all("the ledger is empty" in p.message for p in exc.problems):
            return Config()  # an empty or comment-only file: defaults
        raise
    if not isinstance(doc.data, dict):
        raise LedgerError([Problem(name, 1, 1, "rectify.yaml must be a mapping of settings")])
    if isinstance(doc.data.get("git"), dict) and "autocommit" in doc.data["git"]:
        value = doc.data["git"]["autocommit"]
        truth = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
        if isinstance(value, str) and value.lower() in truth:
            doc.data["git"]["autocommit"] = truth[value.lower()]
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
