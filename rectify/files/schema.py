"""Pydantic's validation errors in plain words, at the line and column they are about.

A pydantic error becomes ``ledgers/x.yaml:12:5: findings[3].deadline (x-003): ...`` with
the 1-based finding and its id, never the raw pydantic text (STYLE.md, pattern 5).
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from rectify.domain.model import Ledger
from rectify.errors import Problem
from rectify.files.yamlread import Doc


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
