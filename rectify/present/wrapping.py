"""Text wrapped to a terminal's width as Chinese and English are written: widths counted in
terminal cells (a Chinese character takes two), lines broken at spaces or between Chinese
characters, never inside an English word, a date or an id, never before closing
punctuation (，。）]) nor after opening punctuation (（[《), so a bracket stays with its
word. One rule for help text, table cells and ``show``'s lines (the line-breaking rules,
禁则, of W3C's "Requirements for Chinese Text Layout").

Nothing here loads rich or tabulate: help text is wrapped by it too.
"""

from __future__ import annotations

import re

WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
"""Characters a terminal shows two cells wide and a line may break between (CJK, full-width
forms and punctuation)."""
_TOKENS = re.compile(rf"\s+|[{WIDE}]|[^\s{WIDE}]+")
NO_LINE_START = frozenset("，。；：、）》」』】〕！？,.;:)]}”’%")
"""Punctuation that never starts a line (it goes with the word before it)."""
NO_LINE_END = frozenset("（《「『【〔([{“‘")
"""Punctuation that never ends a line (it goes with the word after it)."""


def width(text: str) -> int:
    """The width of ``text`` on a terminal in cells (a Chinese character counts two; a
    character wcwidth cannot measure counts one)."""
    from wcwidth import wcswidth

    measured = wcswidth(text)
    return measured if measured >= 0 else sum(max(wcswidth(char), 1) for char in text)


def units(text: str) -> list[str]:
    """``text`` cut where a line may break: runs of spaces, single Chinese characters and
    words, with opening punctuation glued to what follows it and closing punctuation to
    what precedes it (``[必填]``, ``（本级）；`` stay whole). Joined, they give ``text``."""
    out: list[str] = []
    for token in _TOKENS.findall(text):
        glue_back = (
            out and not token.isspace() and not out[-1].isspace()
            and (token[0] in NO_LINE_START or out[-1][-1] in NO_LINE_END)
        )  # fmt: skip
        if glue_back:
            out[-1] += token
        else:
            out.append(token)
    return out


def wrap(text: str, room: int) -> list[str]:
    """Lines of ``text`` at most ``room`` cells wide (:func:`units` are never split; one
    wider than ``room`` stands alone on its line). Paragraphs (blank lines) are kept; a
    line break inside one is a space, or nothing between Chinese characters."""
    out: list[str] = []
    for number, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        if number:
            out.append("")
        joined = re.sub(rf"(?<=[{WIDE}])\s*\n\s*(?=[{WIDE}])", "", paragraph)
        out.extend(_fill(joined.replace("\n", " "), room))
    return out


def _fill(text: str, room: int) -> list[str]:
    """Greedy lines of one paragraph (no line breaks in ``text``)."""
    out: list[str] = []
    line = ""
    for unit in units(text):
        if unit.isspace():
            if line:
                line += unit  # two spaces before [default: ...] stay
            continue
        if line and width(line + unit) > room and width(line.rstrip()) > 0:
            out.append(line.rstrip())
            line = ""
        line += unit
    if line.strip():
        out.append(line.rstrip())
    return out


def balanced(text: str, room: int) -> list[str]:
    """Lines of ``text`` (its own line breaks kept) at most ``room`` cells wide, each
    paragraph in as few lines as greedy wrapping needs but of even length: the narrowest
    width giving that many lines, so ``金华市人民检察院`` in 14 cells is ``金华市人`` /
    ``民检察院``, never a lone ``院`` on its own line."""
    out: list[str] = []
    for whole in text.split("\n"):
        line = whole.lstrip(" \u3000")
        indent = whole[: len(whole) - len(line)]  # a child unit's indent stays on each of its lines
        space = max(room - width(indent), 1)
        greedy = _fill(line, space) or [""]
        if len(greedy) > 1:
            narrowest = max((width(unit) for unit in units(line) if not unit.isspace()), default=1)
            for tried in range(min(narrowest, space), space):
                even = _fill(line, tried)
                if len(even) == len(greedy):
                    greedy = even
                    break
        out.extend(indent + part for part in greedy)
    return out


def hanging(line: str, room: int, indent: int) -> list[str]:
    """``line`` wrapped to ``room`` cells, lines after the first indented by ``indent``
    spaces (a hanging indent: ``show``'s history lines under their action). A line that
    fits is returned as it is."""
    if width(line) <= room:
        return [line]
    lead = len(line) - len(line.lstrip(" "))
    first = (_fill(line[lead:], room - lead) or [""])[0]
    lines = [" " * lead + first]
    remaining = line[lead:][len(first):].strip()
    if remaining:
        lines += [" " * indent + part for part in _fill(remaining, max(room - indent, 8))]
    return lines
