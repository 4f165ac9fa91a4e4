"""The fast reader of ledger files read in bulk (a folder for its figures): rapidyaml
(``ryml``, C++) instead of PyYAML's node graph.

:func:`values` turns a ledger's text into the same plain values as
:func:`rectify.files.yamlread.parse` does with PyYAML: every scalar is text exactly as
typed (``0017``, ``off``, ``3.10``, ``10:00`` stay text), an empty, ``~``, ``null``,
``Null`` or ``NULL`` plain scalar is None. It keeps no positions: a file with a problem
is read again by PyYAML, which knows where things are, and so is a file being edited.

How: rapidyaml parses the text into its tree (in C++, guessing no type) and writes the
tree as JSON, which Python's C JSON reader turns into values; JSON numbers are kept as
the text they are. Where the JSON form may not be the text as written (rapidyaml writes
``.5`` as ``0.5``, a plain ``~`` as ``"~"``, ``nan`` as ``".nan"``, ``true`` as a JSON
literal) the values are taken node by node from the tree instead (slower, exact).

It answers only for the plain, common shape of a ledger and leaves everything else to
PyYAML by returning :data:`SLOW`: a text holding a tab, a backslash, a byte-order mark
past the start or a line starting with ``---``, ``...`` or ``%`` (where YAML readers are
known to differ, or the ledger would be more than one plain document); a root that is
not a mapping (an empty file, a list); an anchor, alias or tag; a key given twice;
nesting deeper than :data:`~rectify.files.yamlread.MAX_DEPTH` (``max_depth``); and any text rapidyaml
refuses (PyYAML then says what is wrong, at its line and column).
``RECTIFY_FAST_YAML=off`` reads every file with PyYAML. ``tests/test_readers.py`` reads
the property tests' ledgers, hand-written tricky ones and the whole bad-input corpus both
ways and finds the same values and problems.

Why rapidyaml (measured on the 100-unit benchmark corpus, 16 MB, garbage collector off):
PyYAML with libyaml builds its node graph and rectify's values in about 1.5 s;
rapidyaml's node-by-node walk through its Python binding costs as much (a call per
node), its JSON form read by ``json`` about 0.4 s. yaml-rs and the serde-based readers
guess types (``3.10`` becomes the float 3.1: the text is lost). rapidyaml ships wheels
for Windows, macOS and Linux; when it is missing, every file goes to PyYAML.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SLOW: Any = object()
"""What :func:`values` returns for a text it leaves to PyYAML."""

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


def _avoid(text: str) -> bool:
    """True for text that goes to PyYAML whatever rapidyaml would make of it (see the
    module's text): a tab, a backslash, a byte-order mark, a line starting ``---``,
    ``...`` or ``%``, and outside comment lines an anchor, alias or tag, a character
    no plain text may start with where a node starts, or a block scalar header with an
    indentation number (plain searches first: the patterns are slower)."""
    if (
        "\t" in text
        or "\\" in text
        or "\ufeff" in text
        or text.startswith(("---", "...", "%", *_MARKS))
        or "\n---" in text
        or "." in text and "\n..." in text  # behind a one-character search: "." and "%" are rare
        or "%" in text and "\n%" in text
    ):
        return True
    checks = [_NODE_START] if any(mark in text for mark in _MARKS) else []
    if "[" in text or "{" in text:
        checks.append(_FLOW_START)
    if "|" in text or ">" in text:
        checks.append(_BLOCK_HEADER)
    return any(not _in_comment(text, match.end() - 1) for check in checks for match in check.finditer(text))


_MARKS = ("&", "*", "!", "%", "@", "`", ",", "]", "}")
_NODE_START = re.compile(r"[ ,\n][&*!%@`,\]}]")
"""A ``&``, ``*``, ``!``, ``%``, ``@``, a backquote, ``,``, ``]`` or ``}`` where a node may
start (an anchor, alias or tag, or a character no plain text may start with: rapidyaml
takes some of them as text where PyYAML refuses them)."""
_FLOW_START = re.compile(r"[\[{][&*!%@`,]")
"""The same right after a flow collection opens."""
_BLOCK_HEADER = re.compile(r"[ \n][|>](?![-+]?(?:\n|$))")
"""A ``|`` or ``>`` block scalar whose header holds more than a chomping sign
(``|2``, ``>+1``, ``|3.10``: rapidyaml takes some headers PyYAML refuses), or a ``|`` or
``>`` inside plain text (read by PyYAML too: a little slower, never wrong)."""


def _in_comment(text: str, at: int) -> bool:
    """True when position ``at`` of ``text`` lies on a comment line (``#`` first)."""
    start = text.rfind("\n", 0, at) + 1
    return text[start : at + 1].lstrip(" ").startswith("#")


try:
    import ryml as _ryml  # type: ignore[import-untyped]
    from ryml import _ryml as _lib  # the SWIG functions themselves: the wrappers would double the cost

    _MAP, _SEQ = int(_ryml.MAP), int(_ryml.SEQ)
    _STREAM = int(_ryml.STREAM) & ~_SEQ
    _ODD = 0
    for _name in ("KEYREF", "VALREF", "KEYANCH", "VALANCH", "KEYTAG", "VALTAG"):
        _ODD |= int(getattr(_ryml, _name))
    _STYLED = 0
    for _name in ("VAL_SQUO", "VAL_DQUO", "VAL_LITERAL", "VAL_FOLDED"):
        _STYLED |= int(getattr(_ryml, _name))
    _NONE = int(_ryml.NONE)
    _type, _key, _val = _lib.Tree_type, _lib.Tree_key, _lib.Tree_val
    _first, _next = _lib.Tree_first_child, _lib.Tree_next_sibling
    _KEYQUO = int(_ryml.KEYQUO)
    _Tree, _parse = _ryml.Tree, _lib.parse_csubstr
    _emit_json_into = _lib.emit_json_to_substr
    AVAILABLE = True
except (ImportError, AttributeError):  # pragma: no cover - depends on the installation
    AVAILABLE = False


def enabled() -> bool:
    """False when ``RECTIFY_FAST_YAML`` says off (``off``, ``0``, ``no``, ``false``): every
    file is then read by PyYAML (to compare the two readers, or should one misread)."""
    return os.environ.get("RECTIFY_FAST_YAML", "").strip().lower() not in _OFF


_OFF = frozenset({"off", "0", "no", "false"})


class _Slow(Exception):
    """Raised inside the walk at anything left to PyYAML."""


def values(text: str, max_depth: int, encoded: bytes | None = None) -> Any:
    """The plain values of a ledger's ``text`` (LF line ends, as
    :func:`rectify.files.text.decode` gives it): a dict of str, None, list and dict; or
    :data:`SLOW` when the text is left to PyYAML (see the module's text). ``encoded`` is
    ``text`` in UTF-8 when the caller has it (the file's bytes, when they had no BOM and no
    CR), else it is made. Raises nothing."""
    if not AVAILABLE or not enabled() or _avoid(text):
        return SLOW
    tree = _Tree()
    try:
        data = text.encode("utf-8") if encoded is None else encoded  # a lone surrogate: SLOW, as any refusal
        with _quiet():
            _parse(data, tree)
    except Exception:  # noqa: BLE001 - whatever rapidyaml refuses, PyYAML reads and explains
        return SLOW
    root_type = _type(tree, 0)
    if root_type & _STREAM or not root_type & _MAP:
        return SLOW
    if _plain_shape(text):
        found = _from_json(_emit_json(tree, len(data)))
        if found is not _WALK:
            return found
    try:
        return _map(tree, 0, 1, max_depth)
    except (_Slow, RecursionError):
        return SLOW


def _emit_json(tree: Any, size: int) -> bytearray:
    """The tree as JSON (UTF-8), written into a buffer of ours: rapidyaml's own
    ``emit_json_malloc`` never frees the one it makes. ``size`` is the YAML text's length
    in bytes: a buffer half as large again holds the JSON of a ledger (measured: 1.2 to 1.4
    times), so the JSON is written once; when it does not fit, rapidyaml says the length it
    needs and it is written again into that (asking for the length first would cost a
    whole writing more on every file)."""
    buffer = bytearray(size * 3 // 2 + 4096)
    failed, written = _emit_json_into(tree, 0, buffer)
    if failed:
        buffer = bytearray(written)
        failed, written = _emit_json_into(tree, 0, buffer)
        if failed:  # pragma: no cover - the length was the one rapidyaml asked for
            raise _Slow
    del buffer[written:]
    return buffer


_WALK: Any = object()
"""What :func:`_from_json` returns when the node-by-node walk must decide."""

_NESTED_SEQUENCE = re.compile(r"-[ ]+-(?:[ ]|$)", re.MULTILINE)
_DEEP = " " * 60
"""A line starting with this is indented 60 columns or more (found by a plain search, ten
times as fast as the pattern ``^ {60}``)."""
_TWISTED = (b'"~"', b'"Null"', b'"NULL"', b'".nan"', b'".inf"', b'"-.inf"', b"true", b"false")
"""In rapidyaml's JSON, what may stand for a plain scalar written otherwise (``~``,
``Null``, ``nan``, ``inf``, ``true``) or that is a JSON literal rather than text; a value
written so is taken by the node-by-node walk instead (as is an empty key, left out or
written ``""``: :func:`_pairs` sees every key)."""
_TWISTED_BY_BYTE = tuple((gate, tuple(token for token in _TWISTED if gate in token)) for gate in (b"~", b"N", b"."))
""":data:`_TWISTED` grouped by a byte every token of the group holds: one byte is searched
by ``memchr``, ten times as fast as a longer token, so a group is searched for only when
its byte is there (``~``, ``N`` and ``.`` are rarely in a ledger at all)."""
_TWISTED_ALWAYS = tuple(token for token in _TWISTED if not any(token in group for _gate, group in _TWISTED_BY_BYTE))
"""The tokens of :data:`_TWISTED` no group holds (``true``, ``false``, an empty key),
searched for in every text."""


def _twisted(emitted: bytes | bytearray) -> bool:
    """True when one of :data:`_TWISTED` is in ``emitted`` (the same answer as searching
    for each, faster)."""
    if any(token in emitted for token in _TWISTED_ALWAYS):
        return True
    return any(gate in emitted and any(token in emitted for token in group) for gate, group in _TWISTED_BY_BYTE)


_PADDED_FLOAT = re.compile(r"^-?0\.|\.0(?:[eE]|$)")
"""A JSON number rapidyaml may have padded (``.5`` is written ``0.5``, ``1.`` ``1.0``)."""


def _plain_shape(text: str) -> bool:
    """True when ``text`` has the shape whose JSON form keeps every value and whose
    nesting is known shallow: no flow collection but ``[]`` and ``{}``, no sequence
    started on its parent's line (``- - x``), no line indented 60 columns or more (so
    nothing nests deeper than :data:`~rectify.files.yamlread.MAX_DEPTH`)."""
    if "[" in text or "{" in text:
        flat = text.replace("[]", "").replace("{}", "")
        if "[" in flat or "{" in flat:
            return False
    deep = text.startswith(_DEEP) or "\n" + _DEEP in text
    return not ("?" in text or _NESTED_SEQUENCE.search(text) or deep)


class _Twisted(Exception):
    """Raised while reading rapidyaml's JSON at a value the walk must decide."""


def _from_json(emitted: bytes | bytearray) -> Any:
    """The values of rapidyaml's JSON form of a ledger, or :data:`_WALK` when a value in
    it may not be the text as written (see :data:`_TWISTED`, :data:`_PADDED_FLOAT`), a
    key is given twice or it is not JSON (a key written as a number, say)."""
    if _twisted(emitted):
        return _WALK
    try:
        return json.loads(
            emitted, parse_int=str, parse_float=_float, parse_constant=_constant, object_pairs_hook=_pairs
        )
    except (ValueError, _Twisted, RecursionError):
        return _WALK


def _float(token: str) -> str:
    if _PADDED_FLOAT.search(token):
        raise _Twisted
    return token


def _constant(token: str) -> str:
    raise _Twisted


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's mapping; :class:`_Twisted` for a key given twice or an empty key."""
    mapping = dict(pairs)
    if len(mapping) != len(pairs) or "" in mapping:
        raise _Twisted
    return mapping


def _map(tree: Any, node: int, depth: int, limit: int) -> dict[str, Any]:
    if depth > limit:
        raise _Slow
    out: dict[str, Any] = {}
    child = _first(tree, node)
    while child != _NONE:
        kind = _type(tree, child)
        if kind & _ODD:
            raise _Slow
        written = _key(tree, child)
        key = "" if written is None else str(written, "utf-8")
        if key in out or not key and not kind & _KEYQUO:  # twice, or left out (``: x``)
            raise _Slow
        out[key] = (
            _map(tree, child, depth + 1, limit)
            if kind & _MAP
            else _seq(tree, child, depth + 1, limit)
            if kind & _SEQ
            else _scalar(tree, child, kind)
        )
        child = _next(tree, child)
    return out


def _seq(tree: Any, node: int, depth: int, limit: int) -> list[Any]:
    if depth > limit:
        raise _Slow
    out: list[Any] = []
    child = _first(tree, node)
    while child != _NONE:
        kind = _type(tree, child)
        if kind & _ODD:
            raise _Slow
        out.append(
            _map(tree, child, depth + 1, limit)
            if kind & _MAP
            else _seq(tree, child, depth + 1, limit)
            if kind & _SEQ
            else _scalar(tree, child, kind)
        )
        child = _next(tree, child)
    return out


def _scalar(tree: Any, node: int, kind: int) -> str | None:
    raw = _val(tree, node)
    text = "" if raw is None else str(raw, "utf-8")
    if not kind & _STYLED and text in _NULLS:
        return None
    return text


_STDERR = threading.Lock()
"""One thread at a time points file descriptor 2 elsewhere (the board reads in threads)."""


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence what rapidyaml's C++ writes to the standard error stream on a parse error
    (PyYAML then reports the error in plain words): file descriptor 2 points at the null
    device meanwhile, one thread at a time."""
    with _STDERR, _stderr_to_null():
        yield


@contextmanager
def _stderr_to_null() -> Iterator[None]:
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
        finally:
            os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
