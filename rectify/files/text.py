"""A ledger file's bytes as text: the encoding (UTF-8, a BOM accepted), line ends, and
characters YAML cannot hold; git conflict markers left in a file are reported, not parsed."""

from __future__ import annotations

import re

from rectify.errors import LedgerError, Problem
from rectify.i18n import _

_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)")
_CONFLICT_LINE_RE = re.compile(r"^( *)(<{7}|={7}|>{7}|\|{7})(?= |$)", re.MULTILINE)
"""A conflict marker line: spaces, then seven ``<``, ``=``, ``>`` or ``|``, then a space or the line's end."""
_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")


_YAML_ONLY_BREAKS = {
    "\r": "a carriage return (CR) without a line feed",
    "\x85": "a NEXT LINE (U+0085) character",
    "\u2028": "a LINE SEPARATOR (U+2028)",
    "\u2029": "a PARAGRAPH SEPARATOR (U+2029)",
}


_NOT_PRINTABLE = "[^\t\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
"""Characters YAML 1.1 does not allow in a stream (its "printable" set, inverted), as a
pattern: the rule :data:`_UNREADABLE` is checked against."""


_UNREADABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""What a ledger may not hold: the characters of :data:`_NOT_PRINTABLE` and those of
:data:`_YAML_ONLY_BREAKS`, in one class of the few ranges they make (one class scans a
text four times as fast as the two joined by ``|``, and these ranges compile eight times
as fast as the allowed ones inverted, which every command reading a ledger pays;
tests/test_readers.py compares them on every code point)."""


def decode(data: bytes, path: str) -> tuple[str, list[str], bool]:
    """Decode a ledger's bytes as UTF-8 (an initial BOM is accepted and remembered).

    Returns ``(text with LF line ends, each line's own ending LF or CRLF — an empty list
    when every line ends in LF —, had_bom)``; the endings let a rewrite keep untouched
    lines byte for byte. Raises :class:`LedgerError`
    naming the first byte that is not UTF-8, saying UTF-16 when the file starts with a
    UTF-16 byte-order mark, and at every character YAML would read as a line break
    although it is not a line feed (a lone CR, U+0085, U+2028, U+2029: text pasted from a
    word processor), since lines and positions would no longer agree.
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise LedgerError([Problem(path, 1, 1, _("the file is UTF-32 encoded; save it as UTF-8"))])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LedgerError([Problem(path, 1, 1, _("the file is UTF-16 encoded; save it as UTF-8"))])
    if b"\x00" in data[:4096]:
        raise LedgerError(
            [
                Problem(
                    path,
                    1,
                    1,
                    _(
                        "the file holds NUL bytes: UTF-16 or UTF-32 without a byte-order mark, or not "
                        "text; save it as UTF-8"
                    ),
                )
            ]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
            raise LedgerError(
                [Problem(path, line, col, _("the file ends in the middle of a character: it was cut short"))]
            ) from None
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise LedgerError(
            [
                Problem(
                    path,
                    line,
                    col,
                    _(
                        "the file is not UTF-8 text (byte 0x{data:02x} cannot be read; GBK or another "
                        "encoding?); save it as UTF-8"
                    ).format(data=data[exc.start]),
                )
            ]
        ) from None
    endings: list[str] = []  # empty: every line ends in LF (the usual case, kept small)
    joined = text
    if "\r" in text:
        raw_lines = text.split("\n")
        endings = ["\r\n" if line.endswith("\r") else "\n" for line in raw_lines[:-1]]
        lines = [line[:-1] if line.endswith("\r") else line for line in raw_lines[:-1]] + raw_lines[-1:]
        joined = "\n".join(lines)
    problems = []
    for match in _UNREADABLE.finditer(joined):
        char, at = match.group(), match.start()
        number = joined.count("\n", 0, at) + 1
        col = at - (joined.rfind("\n", 0, at) + 1) + 1
        if char in _YAML_ONLY_BREAKS:
            what = _YAML_ONLY_BREAKS[char]
            message = _(
                "{what}, which YAML reads as a line break; remove it (in double quotes write an escape)"
            ).format(what=what)
        else:
            message = _("the control character U+{ord:04X} is not allowed in a ledger; remove it").format(ord=ord(char))
        problems.append(Problem(path, number, col, message))
    if problems:
        raise LedgerError(problems)
    return joined, endings, bom


def conflict_markers(text: str, path: str) -> list[Problem]:
    """Return a problem for each unresolved git conflict marker line (``<<<<<<<``,
    ``=======``, ``>>>>>>>``, ``|||||||``), found anywhere, multi-line text included."""
    problems: list[Problem] = []
    # plain searches first (the scan by line is slower), each behind a search for its first
    # character, which is rarely in a ledger at all and ten times as fast to look for
    if not any(marker[0] in text and marker in text for marker in _MARKERS):
        return problems
    for match in _CONFLICT_LINE_RE.finditer(text):  # one scan of the text, not a string per line
        number = text.count("\n", 0, match.start()) + 1
        col = len(match.group(1)) + 1
        stripped = match.group(2)
        problems.append(
            Problem(
                path,
                number,
                col,
                _(
                    "unresolved git merge conflict marker {stripped!r}; resolve the conflict and "
                    "remove the marker"
                ).format(stripped=stripped[:7]),
            )
        )
    return problems


def usual_newline(endings: list[str]) -> str:
    """The line end most lines of a file have (``endings`` as :func:`decode` gives them):
    CRLF when more than half are, else LF; new lines are written with it."""
    return "\r\n" if endings and endings.count("\r\n") > len(endings) // 2 else "\n"
