"""Pydantic's validation errors in plain words, at the line and column they are about.

A pydantic error becomes ``ledgers/x.yaml:12:5: x-003.deadline: ...``: the finding by its
id (by its 1-based place only when it has none), never the raw pydantic text (STYLE.md,
pattern 5), in the language in force.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from rectify.domain.model import Ledger
from rectify.errors import Problem
from rectify.files.yamlread import Doc
from rectify.i18n import N_, _, listed


def _describe(value: Any) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
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


def finding_label(finding: str, rest: tuple[str | int, ...], index: int | None = None) -> str:
    """Name a place in a finding as people read it: its id and the field,
    ``jinhua-003.deadline`` or ``jinhua-003.history[2].date``; a finding without a
    usable id is named by its place in the file, ``finding 3 (no id)`` (1-based)."""
    head = finding or _("finding {number} (no id)").format(number=(index or 0) + 1)
    tail = label(rest)
    return f"{head}.{tail}" if tail and not tail.startswith("[") else head + tail


def label(loc: tuple[str | int, ...]) -> str:
    """Return a model location as people read it: ``unit.id``, ``history[2].date`` (1-based);
    a place in a finding is named by :func:`finding_label`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_PATTERN_HINTS = {
    "id": N_("must look like <unit-id>-NNN, e.g. jinhua-007"),
    "sha256": N_("must be a sha256 of 64 hex digits"),
}


def _allowed(expected: str) -> str:
    """The values pydantic's ``expected`` (``'open', 'in_progress' or 'closed'``) allows,
    as one list in the language in force (:func:`rectify.i18n.listed`); a state is shown
    with its name when that differs (``open（未整改）``), since the file takes the YAML
    word. ``expected`` as given when it holds no quoted value."""
    from rectify.domain.model import Status
    from rectify.domain.states import state_name

    values = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    if not values:
        return expected
    shown = []
    for value in values:
        name = state_name(Status(value)) if value in {s.value for s in Status} else value
        shown.append(value if name == value else _("{value} ({name})").format(value=value, name=name))
    return listed(shown)


def _message(err: Any, loc: tuple[str | int, ...], model: type[BaseModel] = Ledger, skip: int = 0) -> str:
    kind = err["type"]
    value = err.get("input")
    name = str(loc[-1]) if loc else "value"
    if kind == "missing":
        return _("missing required field {name!r}").format(name=name)
    if kind == "extra_forbidden":
        hint = difflib.get_close_matches(name, _fields_of(model, loc[skip:-1]), n=1)
        unknown = _("unknown field {name!r}").format(name=name)
        return unknown + (_("; did you mean {hint!r}?").format(hint=hint[0]) if hint else "")
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if kind == "string_type":
        return _("expected text, got {describe}").format(describe=_describe(value))
    if kind == "list_type":
        return _("expected a list, got {describe}").format(describe=_describe(value))
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return _("expected a mapping of fields (key: value), got {describe}").format(describe=_describe(value))
    if kind in {"bool_parsing", "bool_type"}:
        return _("expected true or false, got {describe}").format(describe=_describe(value))
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("expected a whole number, got {describe}").format(describe=_describe(value))
    if kind in {"decimal_parsing", "decimal_type", "finite_number"}:
        return _(
            'expected an amount in 元 written as text such as "12000.00", got {describe}'
        ).format(describe=_describe(value))
    if kind in {"greater_than_equal", "greater_than"}:
        return _("must not be negative, got {describe}").format(describe=_describe(value))
    if kind in {"enum", "literal_error"}:
        expected = _allowed(str(err.get("ctx", {}).get("expected", "")))
        return _(
            "{describe} is not allowed here; expected one of {expected}"
        ).format(describe=_describe(value), expected=expected)
    if kind == "string_pattern_mismatch":
        if len(loc) == 2 and loc[0] == "unit":
            return _("unit id {value!r} must be lowercase letters, digits and hyphens, e.g. jinhua").format(value=value)
        shape = _(_PATTERN_HINTS.get(name, N_("is not in the expected form")))
        return _("{value!r} {hint}").format(value=value, hint=shape)
    return _("{err} (got {describe})").format(err=err['msg'], describe=_describe(value))


def schema_problems(
    doc: Doc,
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
        shown = loc[:-1] if err["type"] == "missing" else loc
        if len(shown) >= 2 and shown[0] == "findings" and isinstance(shown[1], int):
            where = finding_label(finding, shown[2:], shown[1])
        else:
            where = label(shown) or _("ledger")
        ident = ""
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
