"""Writing YAML as rectify lays it out: one finding at a time as a block of lines, so a
command can splice only the lines of the findings it touched into the file
(:mod:`rectify.files.edit`). Chinese stays readable; text that YAML would read as
something else is quoted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from rectify.domain.model import Finding, Ledger
from rectify.files.text import _CONFLICT_RE


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, multi-line text as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent a list under its key (PyYAML's default leaves it flush)."""
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        """Never write anchors or aliases: the reader refuses them, so write every value out."""
        return True


_YAML_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(ch in value for ch in _YAML_BREAKS) or any(
        "\n" in value and _CONFLICT_RE.match(line.lstrip(" ")) for line in value.split("\n")
    ):
        # line breaks YAML would fold, or a line that would look like a git conflict marker
        style: str | None = '"'
    else:
        style = "|" if "\n" in value.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )


def plain(value: Any) -> Any:
    """Turn model output into YAML-ready values: Decimal as text, empty values dropped."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = plain(item)
            if item is None or item == [] or item == {}:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | str | int):
        return value
    return value


def finding_data(finding: Finding) -> dict[str, Any]:
    """Return a finding as the plain mapping written to YAML (empty fields left out)."""
    data = finding.model_dump(mode="python")
    data["status"] = finding.status.value
    for event in data["history"]:
        event["action"] = str(event["action"])
    if finding.accountability.is_empty():
        del data["accountability"]
    else:  # write only the counters that hold something
        counters = data["accountability"]
        for key in ("funds_yuan", "rules"):
            if not counters[key]:
                del counters[key]
    result: dict[str, Any] = plain(data)
    return result


def render_block(key: str, value: Any) -> list[str]:
    """Return the lines of one top-level key and its (plain) value, e.g. ``unit:`` and its fields."""
    return _dump({key: plain(value)}).rstrip("\n").split("\n")


def render_finding(finding: Finding, indent: int) -> list[str]:
    """Return the lines of one finding as a sequence entry whose ``-`` is at ``indent``."""
    text = _dump([finding_data(finding)])
    pad = " " * indent
    return [pad + line if line else line for line in text.rstrip("\n").split("\n")]


def leading_comments(lines: list[str]) -> str:
    """Return the comment block at the top of a file (comment and blank lines), as text."""
    head = []
    for line in lines:
        if line.startswith("#") or not line.strip():
            head.append(line)
        else:
            break
    return "\n".join(head) + "\n" if head else ""


def render_ledger(ledger: Ledger, header: str = "") -> str:
    """Return the whole text of a new ledger file (``header`` is prepended as is)."""
    head = plain(
        {
            "unit": ledger.unit.model_dump(mode="python"),
            "inspection": ledger.inspection.model_dump(mode="python"),
        }
    )
    if "inspection" not in head:
        head["inspection"] = {}
    if ledger.last_number:
        head["last_number"] = ledger.last_number
    out = header + _dump(head)
    if ledger.findings:
        out += "findings:\n"
        for finding in ledger.findings:
            out += "\n".join(render_finding(finding, 2)) + "\n"
    else:
        out += "findings: []\n"
    return out
