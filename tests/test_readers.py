"""The two readers of a ledger give the same values and the same problems
(rectify/files/yamlbulk.py, rapidyaml, for folders read in bulk; rectify/files/yamlread.py,
PyYAML, for positions, problems and edits): on the property tests' ledgers, on
hand-written YAML that readers are known to disagree on, on the whole bad-input corpus,
and through `check` and `status` with and without the cache."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify.domain import steps as workflow
from rectify.domain.model import Ledger, Unit
from rectify.errors import LedgerError
from rectify.files import yamlbulk, yamlread
from rectify.files.edit import Edit, create_ledger
from rectify.files.ledgerfile import read_ledger
from rectify.files.text import decode
from rectify.files.yamlread import MAX_DEPTH
from tests.conftest import MINIMAL, Run
from tests.test_bad_corpus import BAD, CASES, VALID
from tests.test_properties import NONBLANK, PIECES, TEXT

pytestmark = pytest.mark.skipif(not yamlbulk.AVAILABLE, reason="rapidyaml is not installed")


def _both(raw: bytes) -> tuple[object, object]:
    """What each reader makes of ``raw``: the values and problems, or the problems raised."""
    out = []
    for bulk in (True, False):
        try:
            doc = yamlread.parse(raw, "x.yaml", strict=False, bulk=bulk)
        except LedgerError as exc:
            out.append(("refused", exc.problems))
        else:
            out.append((doc.data, doc.problems))
    return out[0], out[1]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(aspect=NONBLANK, title=NONBLANK, detail=TEXT, owner=TEXT, measure=NONBLANK, note=NONBLANK)
def test_a_ledger_rectify_wrote_reads_the_same_both_ways(
    tmp_path: Path, aspect: str, title: str, detail: str, owner: str, measure: str, note: str
) -> None:
    path = tmp_path / "demo.yaml"
    path.unlink(missing_ok=True)
    create_ledger(path, Ledger(unit=Unit(id="demo", name="示例")))
    edit = Edit(read_ledger(path))
    new = workflow.NewFinding(aspect=aspect, title=title, detail=detail, measures=(measure,), owner=owner)
    edit.append(workflow.add_findings(edit.ledger, [new, new], date(2021, 8, 1)))
    edit.save()
    edit = Edit(read_ledger(path))
    edit.replace(workflow.close(edit.ledger.findings[0], "甲", "乙", date(2021, 9, 1), note=note))
    edit.save()
    fast, slow = _both(path.read_bytes())
    assert fast == slow


# Hand-written values: each goes in as a plain, quoted or block scalar, a key, a list item.
RAW = st.lists(st.one_of(PIECES, st.text(min_size=1, max_size=4)), min_size=0, max_size=5).map("".join)


@settings(max_examples=400, deadline=None)
@given(value=RAW, key=RAW, item=RAW)
def test_hand_written_yaml_reads_the_same_both_ways(value: str, key: str, item: str) -> None:
    for text in (
        f"a: {value}\nb:\n  - {item}\n  - x\n{key}: 1\n",
        f"a: '{value}'\nb: \"{item}\"\n",
        f"a: |\n  {value}\n  {item}\nb: >-\n  {value}\n\n  {item}\n",
        f"a:\n- {value}\n-\n  c: {item}\n",
        f"{value}\n",
    ):
        fast, slow = _both(text.encode("utf-8", errors="surrogatepass"))
        assert fast == slow, text


TRICKY = [
    "a: 0017\nb: off\nc: 3.10\nd: 10:00\ne: .5\nf: 1.\ng: -.5e3\nh: 0.5\ni: 1.0\nj: 12000.00\nk: 200\n",
    "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: '~'\ng: \"null\"\nh: ''\ni: \"\"\n",
    "a: true\nb: false\nc: True\nd: yes\ne: nan\nf: .NaN\ng: inf\nh: -inf\ni: .inf\nj: -.inf\nk: +.inf\n",
    "a: +12\nb: 0x1F\nc: 0o17\nd: 1_000\ne: 1e5\nf: -0\ng: 0\nh: 2022-03-07\ni: 1e\n",
    "1: a\n2: b\n",
    "null: a\n",
    "true: a\n",
    "'': a\n",
    "a: [1, 2, ~, '3.10', .5]\nb: {c: d, e: 0017}\nc: []\nd: {}\n",
    "a: b\na: c\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\nb: !!int 2\n",
    "--- \na: 1\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\n...\n",
    "%YAML 1.1\n---\na: 1\n",
    "- a\n- b\n",
    "plain text\n",
    "",
    "# only a comment\n",
    "a: plain\n  continued\n  again\nb: 'single\n  folded'\nc: \"double\n  folded\"\n",
    "a: |+\n  kept\n\n\nb: |-\n  stripped\n\nc: >\n  folded\n  text\n\n  para\n",
    "a: |2\n    indented\n  b\n",
    "a: 'it''s \"q\"'\nb: \"tab\\tand \\u00e9 and \\\\\"\n",
    "a:\tb\n",
    "? a\n: b\n",
    "? [a]\n: b\n",
    "a: - b\n",
    "- - - a\n",
    "a:\n" + "".join("  " * n + "- b:\n" for n in range(1, 70)),
    "a: " + "[" * 70 + "]" * 70 + "\n",
    "a: b # comment\nc: 'd' # e\n# f\n",
    "a: b\n\n\n\nc: d\n",
    "a: \u3000全角空格\u3000\nb: 😀\nc: 整改: 完成\nd: '#不是注释'\n",
    "a: x:y\nb: x: y\n",
    "a: -\nb: - \n",
    "a:\n  - \n  -\n  - ~\n",
    "<<: {a: 1}\nb: 2\n",
    'a: "\ufeff"\n',
    "a: b\n  c: d\n",
    "a:\n  b: 1\n c: 2\n",
    "a: 'unterminated\n",
    "a: [1, 2\nb: 3\n",
]


MORE = [
    "a: 'x'y\n",
    'a: "x" y\n',
    "a: b: c\n",
    "- a\n b\n",
    "a :b\n",
    "a : b\n",
    "a:b\n",
    "a: b#c\n",
    "a: b #c\n",
    "a: [a, b,]\n",
    "a: [a, b, ]\n",
    "{a: 1, a: 2}\n",
    "a: {b: 1, b: 2}\n",
    "'a': 1\n\"b\": 2\n",
    "a: >\n\n  x\n",
    "a: |\n  x\n   y\n",
    "a: |\n  x\n y\n",
    "a: |\n  x  \n  \n  y\n",
    "a: |\n   \n  x\n",
    "a:\n  b\n  c\n",
    "a:\n  - b\n  c: d\n",
    "a:\n - b\n -c\n",
    "a: 'multi\n\n  line'\n",
    'a: "multi\n\n  line"\n',
    "a: x\n  - y\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: 1\n b: 2\n",
    "a: 'x\n",
    'a: "x\n',
    "a: b\n# c\n  d\n",
    "a: -x\n",
    "a: -\n",
    "a: ?x\n",
    "a: :x\n",
    "a: x:\n",
    "a: x: \n",
    "a: 'x':y\n",
    "- a: b\n  - c\n",
    "a: [b]c\n",
    "a: 100%\n",
    "a: %x\n",
    "a: 50 %\n",
    "a: x\n\n\n",
    "a:    \n",
    "a: ''''\n",
    "a: '\n'\n",
    "a:\n- - b\n",
    "a: |-\n  x\nb: |+\n  y\n\n",
    "a: >-\n  x\n  y\n",
    "a: >\n  x\n\n  y\n   z\n",
    "a: 'x' # c\n",
    "a: |  # c\n  x\n",
    "a: | #c\n  x\n",
    "key with spaces: v\n",
    "a: b\n...\nc: d\n",
    "a: '#'\n",
    "a: b # c # d\n",
    "a: x\n  y: z\n",
    "a:\n  -\n    b\n",
    "a:\n  - b\n  -\n",
    "? a\n",
    "a: <<\n",
    "<<: x\n",
    "=: x\n",
    "a: =\n",
    "a: 0x\n",
    "a: 1:2:3\n",
    "a: 2001-12-14t21:59:43.10-05:00\n",
    "a: ~x\n",
    "a: x~\n",
    "a: null x\n",
    "a: 'null'\n",
    "a: Null\nb: NULL\nc: nULL\n",
    "a: b\r\n",
    "\ufeffa: b\n",
    "a: \u00a0b\n",
    "a: b\u00a0\n",
    "a:\u00a0b\n",
    "a: \u3000\n",
    "a: b\n\u3000c: d\n",
    "\u3000a: b\n",
    "a:\n  '': x\n  b: c\n",
    "a:\n  \"\": x\n",
    "a:\n  : x\n",
    "a:\n  - '': true\n",
]
"""Syntax readers are known to take differently: spaces, colons, comments, quotes, block
scalars, flow collections, indentation, and characters some take as white space."""


@pytest.mark.parametrize("text", TRICKY + MORE)
def test_tricky_yaml_reads_the_same_both_ways(text: str) -> None:
    fast, slow = _both(text.encode("utf-8"))
    assert fast == slow


@pytest.mark.parametrize("text", [TRICKY[0], TRICKY[1], TRICKY[2], TRICKY[8], TRICKY[20], TRICKY[21]])
def test_the_fast_reader_takes_the_common_shapes(text: str) -> None:
    assert yamlbulk.values(text, MAX_DEPTH) is not yamlbulk.SLOW


@pytest.mark.parametrize("text", [TRICKY[9], TRICKY[10], TRICKY[11], TRICKY[12], TRICKY[16], TRICKY[19], TRICKY[28]])
def test_the_fast_reader_leaves_the_odd_ones_to_pyyaml(text: str) -> None:
    assert yamlbulk.values(text, MAX_DEPTH) is yamlbulk.SLOW


def test_it_leaves_everything_to_pyyaml_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECTIFY_FAST_YAML", "off")
    assert yamlbulk.values("a: b\n", MAX_DEPTH) is yamlbulk.SLOW


def test_a_refused_text_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    assert yamlbulk.values("a: [1, 2\nb: 3\n", MAX_DEPTH) is yamlbulk.SLOW  # rapidyaml writes its error to fd 2
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("case", sorted([*CASES, *VALID]))
def test_every_bad_input_file_reads_the_same_both_ways(case: str) -> None:
    for path in sorted((BAD / case).glob("*.yaml")):
        fast, slow = _both(path.read_bytes())
        assert fast == slow, path


def test_the_shipped_and_generated_ledgers_take_the_fast_way(shipped: Path) -> None:
    for path in sorted(shipped.glob("*.yaml")):
        text = decode(path.read_bytes(), path.name)[0]
        assert yamlbulk.values(text, MAX_DEPTH) == yamlread.parse(path.read_bytes(), path.name).data != yamlbulk.SLOW


def _answers(run: Run, *args: str) -> tuple[int, str, str]:
    result = run(*args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", sorted([*CASES, *VALID]))
def test_check_and_status_say_the_same_with_either_reader_and_the_cache(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    folder = tmp_path / case
    shutil.copytree(BAD / case, folder)
    for command in (("check",), ("check", "--format", "json"), ("status",)):
        fast = _answers(run, "--ledgers", case, "--no-cache", *command)
        cached = _answers(run, "--ledgers", case, *command)
        monkeypatch.setenv("RECTIFY_FAST_YAML", "off")
        slow = _answers(run, "--ledgers", case, "--no-cache", *command)
        monkeypatch.delenv("RECTIFY_FAST_YAML")
        assert fast == slow == cached, command


def test_status_of_the_shipped_ledgers_is_the_same_with_either_reader(
    run: Run, shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _answers(run, "--no-cache", "status", "--as-of", "2021-11-30")
    monkeypatch.setenv("RECTIFY_FAST_YAML", "off")
    assert _answers(run, "--no-cache", "status", "--as-of", "2021-11-30") == fast
    assert fast[0] == 0 and "Total" in fast[1]


def test_an_edit_reads_with_pyyaml_alone(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, max_depth: int) -> object:
        raise AssertionError("the fast reader was used for an edit")

    monkeypatch.setattr(yamlbulk, "values", refuse)
    assert read_ledger(demo).ledger.findings[0].id == "demo-001"
    assert MINIMAL in demo.read_text(encoding="utf-8")


def test_the_characters_a_ledger_may_not_hold_are_one_class_equal_to_the_rule() -> None:
    """rectify/files/text.py scans with one character class; it must refuse exactly YAML's
    unprintable characters and the breaks only YAML reads as line ends, on every code point."""
    import re
    import sys

    from rectify.files import text

    rule = re.compile("[" + "".join(text._YAML_ONLY_BREAKS) + "]|" + text._NOT_PRINTABLE)
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    found = [m.start() for m in text._UNREADABLE.finditer(every)]
    assert found == [m.start() for m in rule.finditer(every)]
    # C0 but tab and LF (30), DEL, C1 with NEL (32), U+FFFE and U+FFFF, U+2028 and U+2029
    assert len(found) == 30 + 1 + 32 + 2 + 2


@given(parts=st.lists(st.sampled_from([*yamlbulk._TWISTED, b"~", b"N", b".", b'"', b"e", b"tru", b"Nul", b":", b"x"])))
def test_the_grouped_search_for_twisted_values_finds_what_a_search_for_each_finds(parts: list[bytes]) -> None:
    emitted = b"".join(parts)
    assert yamlbulk._twisted(emitted) == any(token in emitted for token in yamlbulk._TWISTED)


def test_the_json_form_is_written_again_when_the_first_buffer_is_too_small() -> None:
    """yamlbulk writes rapidyaml's JSON into a buffer sized from the text and writes it
    again at the length rapidyaml asks for when it does not fit: the same bytes either way."""
    text = "a:\n" + "".join(f"  k{i}: x\n" for i in range(3000))  # JSON twice the text's size
    tree = yamlbulk._Tree()
    yamlbulk._parse(text.encode("utf-8"), tree)
    roomy = yamlbulk._emit_json(tree, 10 * len(text))
    assert yamlbulk._emit_json(tree, 1) == roomy and len(roomy) > 3 * len(text) // 2 + 4096
    assert yamlbulk.values(text, MAX_DEPTH) == yamlbulk.values(text, MAX_DEPTH, text.encode("utf-8"))
    assert yamlbulk.values(text, MAX_DEPTH)["a"]["k2999"] == "x"
