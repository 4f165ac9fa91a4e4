"""Reading YAML, keeping line and column of every value.

Reading composes the file into PyYAML nodes (libyaml's C parser when present) and builds
plain Python values from them *without* YAML 1.1 type guessing: every scalar is text
(``no``, ``0017``, ``3.10``, ``10:00`` stay exactly what was typed) except an empty value
or ``null``/``~``, which is ``None``. The pydantic models then ask for dates, numbers or
amounts where they want them. Along the way every value's position is recorded so that a
schema error can be reported at ``file:line:col``.
Writing is :mod:`rectify.files.yamlwrite`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from rectify.errors import LedgerError, Problem
from rectify.files.text import conflict_markers, decode, usual_newline
from rectify.i18n import N_, _, listed

try:  # libyaml's C parser is ~10x faster; fall back to the pure-Python one.
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _Loader(_Base):  # type: ignore[misc]
    """Composes nodes without YAML 1.1 type guessing: a plain scalar is text or null."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """Return the tag of a node: null for an empty/``~``/``null`` plain scalar, else
        str, seq or map (no int, float, bool or timestamp guessing)."""
        if kind is yaml.ScalarNode:
            return NULL_TAG if implicit[0] and value in _NULLS else "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"


NULL_TAG = "tag:yaml.org,2002:null"
_PLAIN_TAGS = frozenset({NULL_TAG, "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})
"""The tags a ledger's values may have; ``!!binary``, ``!!python/...`` and the like are reported."""
MAX_DEPTH = 64
"""Deepest nesting a ledger may have; a real ledger needs 6."""

Path = tuple[str | int, ...]


@dataclass
class Span:
    """Where one finding stands in the file: 0-based ``start``/``end`` lines (inclusive)
    of its sequence entry, and ``indent``, the column of its ``-``."""

    start: int
    end: int
    indent: int


@dataclass
class Doc:
    """A parsed ledger file: its text, its plain values and (computed when first asked
    for, since only errors and edits need them) the positions of its values.

    ``marks`` maps a value's path (``("findings", 2, "deadline")``) to its 1-based
    (line, col); ``key_marks`` the same for the key that names it. ``spans`` gives each
    finding's lines in file order, ``findings_key_line`` the 0-based line of
    ``findings:`` (or None), ``findings_empty`` whether that list is written empty
    (``findings: []`` or nothing), ``top_keys``/``top_spans`` the 0-based line (and
    last line) of each top-level key, ``last_number_span`` where its value stands.
    """

    path: str
    _text: str | None
    newline: str
    bom: bool
    data: Any
    endings: list[str] = field(default_factory=list)
    source: Any = None
    """The file the text came from: :meth:`release` drops the text, which is read again
    from there if positions are ever needed (a problem found later, an edit)."""
    problems: list[Problem] = field(default_factory=list)
    _lines: list[str] | None = field(default=None, repr=False)
    _located: bool = field(default=False, repr=False)
    _spanned: bool = field(default=False, repr=False)
    _marks: dict[Path, tuple[int, int]] = field(default_factory=dict, repr=False)
    _key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict, repr=False)
    _spans: list[Span] = field(default_factory=list, repr=False)
    _findings_key_line: int | None = field(default=None, repr=False)
    _findings_empty: bool = field(default=True, repr=False)
    _top_keys: dict[str, int] = field(default_factory=dict, repr=False)
    _top_spans: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    _last_number_span: tuple[int, int, int] | None = field(default=None, repr=False)
    _seen: set[int] = field(default_factory=set, repr=False)

    @property
    def text(self) -> str:
        """The file's text with LF line ends (read again from ``source`` after :meth:`release`)."""
        if self._text is None:
            text, _enc, _ends = decode(self.source.read_bytes(), self.path)
            self._text = text
        return self._text

    def release(self) -> None:
        """Drop the text (it can be read again): a province's texts need not stay in memory."""
        if self.source is not None and not self._located:
            self._text = None
            self._lines = None

    @property
    def lines(self) -> list[str]:
        """The file's lines, without their line ends."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def _locate(self) -> None:
        """Compose the text again and record every position (once)."""
        if self._located:
            return
        self._located = True
        root = yaml.compose(self.text, Loader=_Loader)
        if root is not None:
            self._seen = set()
            _build(root, (), self, [], 0)
            if not self._spanned:
                _locate_findings(root, self)
        self._spanned = True

    def _locate_spans(self) -> None:
        """Compose the text again and record the findings' spans and the top-level keys (once)."""
        if self._spanned:
            return
        root = yaml.compose(self.text, Loader=_Loader)
        if root is not None:
            _locate_findings(root, self)
        self._spanned = True

    @property
    def marks(self) -> dict[Path, tuple[int, int]]:
        """1-based (line, col) of each value, by path."""
        self._locate()
        return self._marks

    @property
    def key_marks(self) -> dict[Path, tuple[int, int]]:
        """1-based (line, col) of each key, by the path of its value."""
        self._locate()
        return self._key_marks

    @property
    def spans(self) -> list[Span]:
        """Each finding's lines, in file order (empty for a flow-style list)."""
        self._locate_spans()
        return self._spans

    @property
    def findings_key_line(self) -> int | None:
        """0-based line of ``findings:``, or None."""
        self._locate_spans()
        return self._findings_key_line

    @property
    def findings_empty(self) -> bool:
        """True when the findings are written as nothing or ``[]``."""
        self._locate_spans()
        return self._findings_empty

    @property
    def top_keys(self) -> dict[str, int]:
        """0-based line of each top-level key."""
        self._locate_spans()
        return self._top_keys

    @property
    def top_spans(self) -> dict[str, tuple[int, int]]:
        """0-based first and last line of each top-level key and its value."""
        self._locate_spans()
        return self._top_spans

    @property
    def last_number_span(self) -> tuple[int, int, int] | None:
        """(line, start col, end col) of ``last_number``'s value when on one line."""
        self._locate_spans()
        return self._last_number_span

    def where(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Return the 1-based (line, col) of ``path``, or of its nearest recorded parent."""
        table = self.key_marks if key else self.marks
        probe = path
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.marks:
                return self.marks[probe]
            probe = probe[:-1]
        return self.marks.get((), (1, 1))


YAML_WORDS: tuple[tuple[str, str], ...] = (
    # problems (libyaml's words, then the pure-Python parser's where they differ)
    (r"could not find expected ':'", N_("could not find expected ':'")),
    (r"mapping values are not allowed (here|in this context)", N_("mapping values are not allowed here")),
    (r"block sequence entries are not allowed (here|in this context)",
     N_("block sequence entries are not allowed here")),
    (r"mapping keys are not allowed (here|in this context)", N_("mapping keys are not allowed here")),
    (r"did not find expected key", N_("did not find expected key")),
    (r"did not find expected node content", N_("did not find expected node content")),
    (r"did not find expected '-' indicator", N_("did not find expected '-' indicator")),
    (r"did not find expected ',' or '\]'", N_("did not find expected ',' or ']'")),
    (r"did not find expected ',' or '}'", N_("did not find expected ',' or '}}'")),
    (r"did not find expected <document start>|expected '<document start>', but found .+",
     N_("did not find the start of a document")),
    (r"did not find expected <stream-start>|expected (STREAM-START|DOCUMENT-START or STREAM-END|DOCUMENT-END"
     r"|SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS|nothing after STREAM-END)",
     N_("the file's structure could not be read")),
    (r"(did not find expected|expected) alphabetic or numeric character(, but found .+)?",
     N_("did not find expected alphabetic or numeric character")),
    (r"did not find expected whitespace or line break|expected ' ', but found .+",
     N_("did not find expected whitespace or line break")),
    (r"did not find expected whitespace", N_("did not find expected whitespace")),
    (r"did not find expected comment or line break|expected a comment or a line break, but found .+",
     N_("did not find expected comment or line break")),
    (r"did not find expected '!'|expected '!', but found .+", N_("did not find expected '!'")),
    (r"did not find the expected '>'|expected '>', but found .+", N_("did not find expected '>'")),
    (r"did not find expected tag URI|did not find URI escaped octet|expected URI(, | escape sequence).+",
     N_("did not find a valid tag")),
    (r"found undefined tag handle( .+)?|found non-specific tag '!'", N_("found an unknown tag")),
    (r"could not find expected directive name|found unknown directive name|found unexpected non-alphabetical "
     r"character|did not find expected version number|did not find expected digit or '\.' character"
     r"|found extremely long version number|found duplicate (%TAG |%YAML |YAML )directive"
     r"|found incompatible YAML document.*|expected a digit.*",
     N_("found a directive (a line starting with %) that is not valid")),
    (r"did not find expected hexdecimal number|expected escape sequence of .+",
     N_("did not find the hexadecimal digits of an escape")),
    (r"found invalid Unicode character escape code", N_("found an invalid Unicode escape")),
    (r"found an indentation indicator equal to 0|expected indentation indicator in the range 1-9, but found 0",
     N_("found an indentation indicator of 0 after | or >")),
    (r"expected chomping or indentation indicators, but found .+",
     N_("found something other than a digit, + or - after | or >")),
    (r"found unexpected ':'", N_("found an unexpected ':'")),
    (r"found unexpected document (indicator|separator)", N_("found an unexpected document marker (--- or ...)")),
    (r"but found another document", N_("but found another document")),
    (r"found duplicate anchor.*|second occurrence", N_("found a duplicate anchor")),
    (r"found an incorrect (leading|trailing) UTF-8 octet|invalid (leading|trailing) UTF-8 octet"
     r"|incomplete UTF-8 octet sequence|invalid length of a UTF-8 sequence|incomplete UTF-16.*"
     r"|invalid Unicode character", N_("found bytes that are not valid text")),
    (r"control characters are not allowed", N_("found a control character, which a ledger may not hold")),
    (r"input is too long", N_("the file is too long")),
    (r"exceeded maximum nesting depth", N_("exceeded maximum nesting depth")),
    (r"found character that cannot start any token", N_("found a character that cannot start any token")),
    (r"found a tab character that violates indentation", N_("found a tab character that violates indentation")),
    (r"found a tab character where an indentation space is expected",
     N_("found a tab character that violates indentation")),
    (r"found character (?P<char>.+) that cannot start any token",
     N_("found character {char} that cannot start any token")),
    (r"found unexpected end of stream", N_("found unexpected end of stream")),
    (r"found undefined alias (?P<name>.+)", N_("found undefined alias {name}")),
    (r"found undefined alias", N_("found an undefined alias")),
    (r"found unknown escape character (?P<char>.+)", N_("found unknown escape character {char}")),
    (r"found unknown escape character", N_("found an unknown escape character")),
    (r"expected <block end>, but found (?P<found>.+)", N_("expected <block end>, but found {found}")),
    (r"expected the node content, but found (?P<found>.+)", N_("expected the node content, but found {found}")),
    (r"expected ',' or '\]', but got (?P<found>.+)", N_("expected ',' or ']', but got {found}")),
    (r"expected ',' or '}', but got (?P<found>.+)", N_("expected ',' or '}}', but got {found}")),
    (r"expected a single document in the stream", N_("expected a single document in the stream")),
    # contexts
    (r"while scanning a simple key", N_("while scanning a simple key")),
    (r"while (scanning|parsing) a quoted scalar", N_("while scanning a quoted scalar")),
    (r"while scanning a double-quoted scalar", N_("while scanning a double-quoted scalar")),
    (r"while scanning a block scalar", N_("while scanning a block scalar")),
    (r"while scanning a plain scalar", N_("while scanning a plain scalar")),
    (r"while increasing flow level", N_("while increasing flow level")),
    (r"while increasing block level", N_("while increasing block level")),
    (r"while scanning for the next token", N_("while scanning for the next token")),
    (r"while (scanning|parsing) a tag", N_("while scanning a tag")),
    (r"while scanning an alias", N_("while scanning an alias")),
    (r"while scanning an anchor", N_("while scanning an anchor")),
    (r"while (scanning|parsing) a (%TAG |%YAML |tag )?directive", N_("while scanning a directive")),
    (r"while parsing a block mapping", N_("while parsing a block mapping")),
    (r"while parsing a block collection", N_("while parsing a block collection")),
    (r"while parsing a block node", N_("while parsing a block node")),
    (r"while parsing a flow mapping", N_("while parsing a flow mapping")),
    (r"while parsing a flow sequence", N_("while parsing a flow sequence")),
    (r"while parsing a flow node", N_("while parsing a flow node")),
    (r"while parsing a node", N_("while parsing a node")),
    (r"while composing a mapping", N_("while parsing a block mapping")),
)  # fmt: skip
"""PyYAML's words (libyaml's, and the pure-Python parser's) for every problem and context
its scanner, parser, reader and composer can report (a pattern, and the catalog's msgid),
read from their sources; any other text is shown as PyYAML gives it."""


def yaml_words(text: str) -> str:
    """A PyYAML problem or context (``mapping values are not allowed here``) in the
    language in force, when :data:`YAML_WORDS` knows it; else as given."""
    for pattern, msgid in YAML_WORDS:
        found = re.fullmatch(pattern, text)
        if found:
            return _(msgid).format(**found.groupdict())
    return text


_INDENTATION_PROBLEMS = (
    "mapping values are not allowed",
    "did not find expected '-' indicator",
    "did not find expected key",
    "expected <block end>",
    "could not find expected ':'",
    "block sequence entries are not allowed",
)
"""PyYAML's problems that a wrongly indented line causes (checked by :func:`_misindented`)."""


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str) -> Problem:
    """The problem a YAML syntax error ``exc`` in ``text`` (the file ``path``) is, in plain
    words and the language in force: a tab in the indentation of the line PyYAML stopped at
    is told once, at the tab (YAML indents with spaces only); a line indented to no level
    of the lines above it, where PyYAML stops for that reason, is told as an indentation
    error at that line's first character; any other error in PyYAML's words
    (:data:`YAML_WORDS`), with the line its context began at."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.split("\n")
    here = lines[min(line, len(lines)) - 1].rstrip("\r")
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    problem = exc.problem or ""
    if "\t" in indent or ("tab" in problem and "\t" in here):
        tab = (indent if "\t" in indent else here).index("\t") + 1
        return Problem(path, line, tab, _("YAML syntax error: a tab character in the indentation; YAML indents with "
                                          "spaces only"))
    colon = _full_width_colon(lines, line) if problem.startswith(_INDENTATION_PROBLEMS) else None
    if colon is not None:
        what = _("line {line} has a full-width colon “：”; a key and its value are separated by a half-width "
                 "colon ':' and a space").format(line=colon[0])
        return Problem(path, colon[0], colon[1], _("YAML syntax error: {what}").format(what=what))
    levels = _misindented(lines, line) if problem.startswith(_INDENTATION_PROBLEMS) else None
    if levels is not None:
        shown = str(levels[0])
        if len(levels) > 1:
            shown = _("{first} or {last}").format(first=listed(levels[:-1]), last=levels[-1])
        what = _("wrong indentation: this line is indented {count} spaces, which lines up with no level above it "
                 "({levels} spaces)").format(count=len(indent), levels=shown)
        return Problem(path, line, len(indent) + 1, _("YAML syntax error: {what}").format(what=what))
    what = yaml_words(problem) if problem else _("not valid YAML")
    if exc.context and exc.context != exc.problem:
        started = exc.context_mark.line + 1 if exc.context_mark else line
        context = yaml_words(exc.context)
        what += (
            _(" ({context} at line {line})").format(context=context, line=started)
            if started != line
            else _(" ({context})").format(context=context)
        )
    hint = _hint(problem, exc.context or "")
    if hint:
        what = _("{what}; {hint}").format(what=what, hint=hint)
    return Problem(path, line, col, _("YAML syntax error: {what}").format(what=what))


_ESCAPES = ("found unknown escape character", "did not find expected hexdecimal number",
            "found invalid Unicode character escape code", "expected escape sequence")
_SIGILS = ("while scanning a tag", "while parsing a tag", "while scanning an alias", "while scanning an anchor")


def _hint(problem: str, context: str) -> str:
    """What to do about a YAML syntax error, in office terms, when the error says it: a
    backslash in double quotes (an escape YAML does not know), a value starting with
    ``!``, ``*`` or ``&`` (a tag, an alias, an anchor to YAML); else the empty text."""
    if problem.startswith(_ESCAPES):
        return _("in double quotes a backslash starts an escape: put the text in single quotes, or write \\\\ "
                 "for each backslash")
    if context.startswith(_SIGILS) or problem.startswith(("found undefined alias", "found undefined tag handle",
                                                          "found non-specific tag")):
        return _("a value that starts with !, * or & must be put in quotes")
    return ""


def _full_width_colon(lines: list[str], line: int) -> tuple[int, int] | None:
    """The 1-based (line, col) of a full-width colon ``：`` written where a key's ``:``
    belongs, on 1-based ``line`` or the line above it (PyYAML stops on the line after
    ``owner：王某``), else None. A ``：`` counts when nothing before it on its line is a
    half-width colon, a quote or a comment (``title: 关于：……`` is a value, and right)."""
    for number in (line, line - 1):
        if not 1 <= number <= len(lines):
            continue
        found = re.match(r"^[ ]*(?:-[ ]+)*([^:：'\"#\[\]{}]+)：", lines[number - 1])
        if found:
            return number, found.end()
    return None


def _misindented(lines: list[str], line: int) -> list[int] | None:
    """The indentation levels (in spaces, smallest first) open at 1-based ``line`` of
    ``lines`` when that line is indented to none of them, else None. The levels are those
    of the lines above, each less indented than the ones after it (a list item gives its
    dash's column and its key's); a line after one that opens a block (``key:``, ``-``,
    ``|``, ``>``) may be indented deeper, so None then."""
    here = lines[line - 1]
    indent = len(here) - len(here.lstrip(" "))
    levels: list[int] = []
    below = indent + 1 << 20
    first = True
    for above in reversed(lines[: line - 1]):
        content = above.rstrip()
        stripped = content.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if first:
            first = False
            if re.search(r"(:|^-|\s-|[|>][-+0-9]*)$", content.split(" #")[0].rstrip()) and indent > len(
                content
            ) - len(stripped):
                return None
        at = len(content) - len(stripped)
        columns = [at]
        item = re.match(r"(?:-[ ]+)+", stripped)
        if item:
            columns.append(at + item.end())
        for column in sorted(columns, reverse=True):
            if column < below:
                levels.append(column)
                below = column
        if below == 0:
            break
    if indent in levels or not levels:
        return None
    return sorted(levels)


def parse(data: bytes, path: str, strict: bool = True, bulk: bool = False, spans: bool = False) -> Doc:
    """Parse a ledger file's bytes into a :class:`Doc` of plain values and positions.

    Raises :class:`LedgerError` with every problem found at this level: encoding, git
    conflict markers, YAML syntax (at libyaml's line and column), duplicate keys,
    anchors/aliases (refused: they can expand without bound), nesting deeper than
    :data:`MAX_DEPTH`, and an empty file. With ``strict=False`` the problems found while
    building values (duplicate keys, aliases, nesting) are left in ``Doc.problems`` and
    the first value of a duplicate key is kept, so later checks can report more. With
    ``spans`` the findings' lines are found at once (cheaper than again later, for a
    ledger about to be kept in memory and edited). With ``bulk`` (a folder read for its
    figures) the values come from the fast reader (:mod:`rectify.files.yamlbulk`) when it
    takes the file; positions are still found by PyYAML, when first asked for.
    """
    text, endings, bom = decode(data, path)
    markers = conflict_markers(text, path)
    if markers:
        raise LedgerError(markers)
    if bulk:
        from rectify.files import yamlbulk

        fast = yamlbulk.values(text, MAX_DEPTH, None if bom or endings else data)  # the bytes are the text's
        if fast is not yamlbulk.SLOW:
            return Doc(path=path, _text=text, newline=usual_newline(endings), bom=bom, data=fast, endings=endings)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise LedgerError([syntax_problem(exc, text, path)]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        message = _("the control character {what} is not allowed in a ledger; remove it").format(what=what)
        raise LedgerError([Problem(path, line, col, message)]) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else _("not valid YAML")
        raise LedgerError([Problem(path, 1, 1, _("YAML error: {first}").format(first=first))]) from None
    except RecursionError:
        raise LedgerError([Problem(path, 1, 1, _("the file is nested too deeply to be a ledger"))]) from None
    if root is None:
        raise LedgerError([Problem(path, 1, 1, _("the ledger is empty; it needs unit, inspection and findings"))])
    newline = usual_newline(endings)
    doc = Doc(path=path, _text=text, newline=newline, bom=bom, data=None, endings=endings)
    problems: list[Problem] = []
    try:
        doc.data = _values(root, 0, set())
    except _NeedsPositions:  # a duplicate key, an alias, deep nesting: build again, noting where
        doc._located = doc._spanned = True
        doc.data = _build(root, (), doc, problems, 0)
        _locate_findings(root, doc)
    if spans and not doc._spanned:  # from this composition: an edit would compose the text again
        _locate_findings(root, doc)
        doc._spanned = True
    doc.problems = problems
    if problems and strict:
        raise LedgerError(problems)
    return doc


class _NeedsPositions(Exception):
    """Raised by the fast build when the file has a problem that must be located."""


def _values(node: yaml.Node, depth: int, seen: set[int]) -> Any:
    """Turn a node into plain values (str/None, list, dict) without recording positions.

    Raises :class:`_NeedsPositions` at anything :func:`_build` reports (an alias, a
    duplicate or non-scalar key, nesting deeper than :data:`MAX_DEPTH`)."""
    if depth > MAX_DEPTH or id(node) in seen:
        raise _NeedsPositions
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        raise _NeedsPositions
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == NULL_TAG and not node.style else node.value
    if isinstance(node, yaml.SequenceNode):
        return [_values(item, depth + 1, seen) for item in node.value]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value in result:
            raise _NeedsPositions
        result[key_node.value] = _values(value_node, depth + 1, seen)
    return result


def _build(node: yaml.Node, path: Path, doc: Doc, problems: list[Problem], depth: int) -> Any:
    """Turn a node into plain values (str/None, list, dict), recording positions."""
    doc._marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if depth > MAX_DEPTH:
        if depth == MAX_DEPTH + 1:
            message = _("nested more than {depth} levels deep").format(depth=MAX_DEPTH)
            problems.append(Problem(doc.path, *doc._marks[path], message))
        return None
    if id(node) in doc._seen:
        problems.append(
            Problem(
                doc.path,
                *doc._marks[path],
                _("anchors and aliases (& and *) are not allowed in a ledger; write the value out"),
            )
        )
        return None
    doc._seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        message = _("the tag {tag} is not allowed in a ledger; write the value as plain text").format(tag=tag)
        problems.append(Problem(doc.path, *doc._marks[path], message))  # the value is still read, as text
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL_TAG and not node.style:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, index), doc, problems, depth + 1) for index, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(doc.path, *key_where, _("a key must be a plain word")))
            continue
        key = key_node.value
        if key in result:
            first = doc._key_marks.get((*path, key), key_where)
            problems.append(
                Problem(
                    doc.path,
                    *key_where,
                    _("duplicate key {key!r} (first given at line {line}); keep one of them").format(
                        key=key, line=first[0]
                    ),
                )
            )
            continue
        doc._key_marks[(*path, key)] = key_where
        result[key] = _build(value_node, (*path, key), doc, problems, depth + 1)
    return result


def _last_line(node: yaml.Node) -> int:
    """0-based line of the last character that belongs to ``node``.

    Iterative and visiting each node once, so aliases (refused elsewhere) and deep
    nesting cannot make it explode.
    """
    last = node.start_mark.line
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, yaml.ScalarNode) or getattr(item, "flow_style", False):
            end = item.end_mark
            line = end.line - 1 if end.column == 0 and end.line > item.start_mark.line else end.line
            last = max(last, line)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                stack.append(key)
                stack.append(value)
    return last


def _locate_findings(root: yaml.Node, doc: Doc) -> None:
    """Record top-level key lines, ``last_number``'s value and each finding's line span."""
    if not isinstance(root, yaml.MappingNode):
        return
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        doc._top_keys[key_node.value] = key_node.start_mark.line
        items = key_node.value == "findings" and isinstance(value_node, yaml.SequenceNode) and value_node.value
        if not items or value_node.flow_style:  # the findings' last line comes from their spans below
            doc._top_spans[key_node.value] = (
                key_node.start_mark.line,
                max(key_node.start_mark.line, _last_line(value_node)),
            )
        if key_node.value == "last_number" and isinstance(value_node, yaml.ScalarNode):
            if value_node.start_mark.line == value_node.end_mark.line:
                doc._last_number_span = (
                    value_node.start_mark.line,
                    value_node.start_mark.column,
                    value_node.end_mark.column,
                )
        if key_node.value != "findings":
            continue
        doc._findings_key_line = key_node.start_mark.line
        if not isinstance(value_node, yaml.SequenceNode) or not value_node.value:
            doc._findings_empty = True
            continue
        doc._findings_empty = bool(value_node.flow_style)
        if value_node.flow_style:
            continue
        for item in value_node.value:
            start = item.start_mark.line
            line = doc.lines[start]
            dash = line.rfind("-", 0, item.start_mark.column)
            while dash < 0 or line[:dash].strip():
                start -= 1  # the "-" stands alone on a line above the item
                line = doc.lines[start]
                dash = line.find("-")
            doc._spans.append(Span(start=start, end=_last_line(item), indent=dash))
        # each finding's nodes are walked once: the list ends where its last-ending item does
        last = max(span.end for span in doc._spans[-len(value_node.value) :])
        doc._top_spans[key_node.value] = (key_node.start_mark.line, max(key_node.start_mark.line, last))
