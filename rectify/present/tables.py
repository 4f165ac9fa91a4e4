"""Tables and text for people and programs. The only module that imports rich or tabulate.

Formats: ``table`` (rich on a terminal, an aligned plain-text table otherwise), ``csv``,
``json`` (English keys) and ``markdown``. Plain-text tables are made by tabulate with its
wide-character support, so Chinese columns line up (every line has the same display width).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from rectify.domain.figures import Counts, Row
from rectify.i18n import default_lang as default_lang  # the language's one place: rectify.i18n.choose
from rectify.present.console import git_for_windows_less as git_for_windows_less
from rectify.present.console import page as page
from rectify.present.console import prepare_console as prepare_console
from rectify.present.words import GROUP, LANGS, PHRASE, STATUS, TABLE, WIDE, column, word
from rectify.present.wrapping import width

if TYPE_CHECKING:
    from rectify.domain.trend import Point

FORMATS = ("table", "plain", "simple", "github", "grid", "markdown", "csv", "tsv", "json")
"""Output formats: for people (a rich table on a terminal; tabulate's plain, simple,
github, grid; markdown = github) and for programs (csv, tsv, json, English keys)."""
MONEY = ("yuan", "wan")
"""Funds shown in 元 or 万元 (exact either way)."""

LABELS = {lang: column(TABLE, lang) for lang in LANGS}
"""Table headings by language (from :mod:`rectify.present.words`)."""
GROUP_LABELS = {lang: column(GROUP, lang) for lang in LANGS}
WIDE_LABELS = {lang: column(WIDE, lang) for lang in LANGS}


LATE = "red"
"""The colour of an overdue finding (逾期) on a terminal."""
DUE_SOON = "yellow"
"""The colour of a finding due within the warning window."""
DONE = "dim"
"""Closed (or withdrawn) findings recede."""


def row_style(status: str, overdue: bool, days_left: int | None = None, window: int = 7) -> str | None:
    """The colour of a finding's row: :data:`LATE` when overdue, :data:`DUE_SOON` when not
    closed and due within ``window`` days, :data:`DONE` when closed or withdrawn."""
    if overdue:
        return LATE
    if status in ("closed", "withdrawn"):
        return DONE
    if days_left is not None and 0 <= days_left <= window:
        return DUE_SOON
    return None


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """A text table by tabulate (wide characters measured by wcwidth), every line padded
    to the same display width so Chinese columns line up in any viewer."""
    import tabulate as tabulate_module
    from wcwidth import wcswidth

    tabulate_module.WIDE_CHARS_MODE = True
    style = {"markdown": "github", "table": "simple"}.get(fmt, fmt)
    text = tabulate_module.tabulate(
        rows,
        headers=list(headers),
        tablefmt=style,
        disable_numparse=True,
        stralign="left",
        preserve_whitespace=True,  # keep the indent of child units
    )
    lines = text.split("\n")
    if style == "github":  # a | inside a cell would start a new column in Markdown
        escaped = [[md_cell(cell) for cell in row] for row in rows]
        text = tabulate_module.tabulate(
            escaped, headers=list(headers), tablefmt=style, disable_numparse=True, stralign="left",
            preserve_whitespace=True,
        )  # fmt: skip
        lines = text.split("\n")
    widths = [max(wcswidth(line), 0) for line in lines]
    widest = max(widths, default=0)
    return "\n".join(line + " " * (widest - width) for line, width in zip(lines, widths, strict=True))


def md_cell(value: Any) -> str:
    """Return a value for a Markdown table cell: ``|`` and the characters Markdown acts on
    (links, images, emphasis, code) escaped, ``<``/``>`` as entities, line breaks as
    ``<br>``: a title never becomes a live link or a remote image."""
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    for char in "[]()*_`!#":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "<br>")


def md_text(value: str) -> str:
    """Return text for Markdown prose: characters Markdown would act on are escaped."""
    return md_cell(value).replace("<br>", " ")


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "github") -> str:
    """Return a text table in a tabulate format (``github`` for Markdown), lined up."""
    return _text_table(headers, rows, fmt)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would run as a formula starts (OWASP, "CSV Injection")."""


def formula_safe(value: Any) -> Any:
    """Return ``value`` for a spreadsheet cell: text starting like a formula gets a leading
    ``'`` so Excel and WPS show it as text (OWASP's CSV-injection advice); other values
    (numbers, dates) are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(records: Sequence[dict[str, Any]], delimiter: str = ",", keys: Sequence[str] = ()) -> str:
    """CSV (or TSV) for programs: a header of English keys, then one line a record;
    nested values (people by kind) are written as JSON."""
    buffer = io.StringIO()
    if not records and keys:  # no row: the header alone, so programs still know the columns
        csv.writer(buffer, lineterminator="\n", delimiter=delimiter).writerow(keys)
    if records:
        records = [
            {k: formula_safe(json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
             for k, v in r.items()}
            for r in records
        ]  # fmt: skip
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n", delimiter=delimiter)
        writer.writeheader()
        writer.writerows(records)
    return buffer.getvalue().rstrip("\n")


_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal would act on or that reorder text: controls (ESC starts a colour,
a screen clear or a hyperlink; CR overwrites the line) and bidirectional overrides."""


def shown(value: Any) -> str:
    """Return ``value`` as text safe to show on a terminal: every control or bidi character
    written visibly as ``\\x1b``/``\\u202e`` (data is never a terminal command). Line breaks
    and tabs stay."""
    return _HIDDEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       str(value))  # fmt: skip


def console_text(value: Any, encoding: str | None = None) -> str:
    """Return ``value`` as text the output's ``encoding`` (default: stdout's) can show: a
    character it cannot encode (an emoji, or a rare character such as 𠀀 that GBK lacks, on
    a cp936 console or in a file redirected there) becomes ``?`` once per terminal cell it
    takes, so table columns still line up where Python would put a single ``?``. Text the
    encoding holds (any text in UTF-8) is returned unchanged."""
    text = str(value)
    encoding = encoding or getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    out = []
    for char in text:
        try:
            char.encode(encoding)
            out.append(char)
        except (UnicodeEncodeError, LookupError):
            out.append("?" * max(1, cell_width(char)))
    return "".join(out)


def paint(text: str, style: str) -> str:
    """``text`` in ``style`` (a rich colour, e.g. :data:`LATE`) as a terminal shows it: the
    colour codes only on a terminal that takes colour (not ``NO_COLOR``), else ``text``
    unchanged (a pipe, a file). ``text`` is written from the program's own words; what
    a person typed goes through :func:`shown` first."""
    from rich.console import Console
    from rich.text import Text

    console = Console()
    if not console.is_terminal or console.no_color or console.color_system is None:
        return text
    with console.capture() as captured:
        console.print(Text(text, style=style), end="")
    return captured.get()


def emit(text: str, safe: bool = False) -> None:
    """Write ``text`` and a newline to the output (stdout, or the sink the CLI set for its
    pager: :data:`SINK`), control characters shown visibly (:func:`shown`) unless ``safe``
    (rich's own colour codes, already rendered from escaped data)."""
    line = (text if safe else shown(text)) + "\n"
    if SINK is not None:
        SINK.append(line)
    else:
        sys.stdout.write(line)


SINK: list[str] | None = None
"""When a list, :func:`emit` collects the output there instead of writing it (the CLI
shows it through a pager when it is longer than the window)."""


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str,
    records: list[dict[str, Any]],
    title: str | None = None,
    numeric: Sequence[int] = (),
    footer_rows: int = 0,
    flat: list[dict[str, Any]] | None = None,
    keep: Sequence[int] = (0,),
    keys: Sequence[str] = (),
    styles: Sequence[str | None] = (),
    drop: Sequence[int] = (),
) -> None:
    """Print a table in ``fmt``: ``table`` (rich on a terminal, else plain text) or
    ``markdown`` for people (``headers`` and ``rows``, labels in the chosen language);
    ``json`` (``records``) or ``csv`` (``flat``, else ``records``: English keys, one
    value a cell) for programs.

    ``numeric`` are the column indexes to right-align on a terminal, ``keep`` those never
    dropped; the last ``footer_rows`` rows are set apart (the total row). On a terminal
    the columns are fitted to the window by :func:`fit_columns` (``drop``: the columns
    to drop first when it is too narrow, least needed first), text wraps within its cell
    (:func:`rectify.present.wrapping.balanced`), and the columns with something in them
    that did not fit are named in one line on stderr when that is a terminal.
    ``styles`` colours rows on a terminal (:data:`LATE`, :data:`DUE_SOON`, :data:`DONE`);
    ``NO_COLOR``, pipes and the formats for programs stay plain.
    """
    if fmt == "json":
        emit(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return
    if fmt in ("csv", "tsv"):
        emit(_csv(flat if flat is not None else records, "," if fmt == "csv" else "\t", keys))
        return
    console = None
    if fmt == "table":
        from rich.console import Console

        console = Console()
    if console is not None and console.is_terminal:
        from rich.table import Table
        from rich.text import Text

        from rectify.present.wrapping import balanced, wrap

        texts = [console_text(shown(header)) for header in headers]
        cells = [[console_text(shown(cell)) for cell in row] for row in rows]
        fitted = fit_columns(texts, cells, console.width, numeric=numeric, keep=keep, drop=drop)
        grid = Table(title=Text(console_text(shown(title))) if title else None, show_footer=False)
        for index, room in zip(fitted.columns, fitted.widths, strict=True):
            grid.add_column(
                Text("\n".join(balanced(texts[index], room))),
                overflow="fold",  # only a word wider than the whole column is cut, never lost
                justify="right" if index in numeric else "left",
                width=room,
            )
        for number, row in enumerate(cells):
            meaning = styles[number] if number < len(styles) else None
            grid.add_row(
                # Text: data is never rich markup
                *(Text("\n".join(balanced(row[index], room)))
                  for index, room in zip(fitted.columns, fitted.widths, strict=True)),
                end_section=number == len(rows) - footer_rows - 1 and footer_rows > 0,
                style="bold" if number >= len(rows) - footer_rows else meaning,
            )  # fmt: skip
        with console.capture() as captured:
            console.print(grid)
        emit(captured.get().rstrip("\n"), safe=True)
        hidden = [texts[i] for i in sorted(fitted.dropped) if i not in fitted.empty and texts[i].strip()]
        if hidden and sys.stderr.isatty():
            from rectify.i18n import _, listed

            notice = _("Window too narrow, not shown: {columns}; widen the window or use --format csv")
            lines = wrap(notice.format(columns=listed(hidden)), console.width)  # the window is narrow
            sys.stderr.write("".join(line + "\n" for line in lines))
        return
    if title and fmt == "table":
        emit(title)
    if title and fmt == "markdown":
        emit(f"**{title}**\n")
    emit(_text_table([console_text(h) for h in headers], [[console_text(c) for c in r] for r in rows], fmt))


class Fitted(NamedTuple):
    """The columns of a table fitted to a window: ``columns`` (indexes, in order) with
    their text ``widths`` in cells, the ``dropped`` ones in the order they were dropped,
    and of those the ``empty`` ones (no cell has anything)."""

    columns: list[int]
    widths: list[int]
    dropped: list[int]
    empty: list[int]


TEXT_MIN = 8
"""The narrowest a column of text is squeezed to, in cells (four Chinese characters)."""
_WHOLE = re.compile(r"[!-~]{1,24}")
"""A cell kept on one line: a date, an id, a number, one English word (no space)."""


def fit_columns(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    room: int,
    *,
    numeric: Sequence[int] = (),
    keep: Sequence[int] = (0,),
    drop: Sequence[int] = (),
) -> Fitted:
    """Decide which columns of a table fit a window ``room`` cells wide and how wide each
    is, for every terminal table (rich's box: a column takes its width plus 3 cells, the
    table 1 more).

    A column is as wide as its widest cell or heading when the window allows. Columns of
    figures (``numeric``), those in ``keep`` and those whose every cell is a date, an id
    or a single word are never narrowed below that (a date or an id never breaks); other
    text is narrowed down to :data:`TEXT_MIN` cells (or its longest heading word) and
    wraps. When even the narrowest widths do not fit, columns are dropped in a stated
    order until they do: first the empty ones (no cell has anything), then those in
    ``drop`` in its order (the least needed first), then the others from the last
    leftwards; never the first column nor one in ``keep``. Room left over goes to the
    columns of text not yet whole, a cell at a time to the narrowest (a fair share each,
    none more than it needs).

    ``rows`` are the cells as text. Returns a :class:`Fitted`.
    """
    count = len(headers)
    natural = [max((width(str(row[i])) for row in [headers, *rows]), default=0) for i in range(count)]
    least = []
    for index in range(count):
        filled = [str(row[index]) for row in rows if str(row[index]).strip()]
        whole = index in numeric or index in keep or bool(filled) and all(_WHOLE.fullmatch(c) for c in filled)
        head = max((width(part) for part in str(headers[index]).split()), default=0)
        least.append(natural[index] if whole else max(head, min(natural[index], TEXT_MIN)))

    empty = [i for i in range(count) if not any(str(row[i]).strip() for row in rows)]
    stated = [i for i in drop if i not in keep and i != 0]
    stated += [i for i in reversed(range(count)) if i not in stated and i not in keep and i != 0]
    order = [i for i in stated if i in empty] + [i for i in stated if i not in empty]
    columns = list(range(count))
    dropped: list[int] = []
    while sum(least[i] + 3 for i in columns) + 1 > room and order:
        dropped.append(order.pop(0))
        columns.remove(dropped[-1])
    widths = {i: least[i] for i in columns}
    spare = room - sum(widths[i] + 3 for i in columns) - 1
    while spare > 0:
        short = [i for i in columns if widths[i] < natural[i]]
        if not short:
            break
        narrowest = min(short, key=lambda i: (widths[i], widths[i] - natural[i]))
        widths[narrowest] += 1
        spare -= 1
    return Fitted(columns, [widths[i] for i in columns], dropped, [i for i in dropped if i in empty])


def terminal_width() -> int | None:
    """The width of the terminal the output goes to, in cells (as rich measures it:
    ``COLUMNS``, else the terminal's own), or None when it goes to a pipe or a file."""
    from rich.console import Console

    console = Console()
    return console.width if console.is_terminal else None


def money_text(amount: Decimal, unit: str = "yuan") -> str:
    """Return an amount of 元 as text, exactly: ``71320.00`` in 元, ``7.132`` in 万元."""
    if unit == "wan":
        text = format(amount.scaleb(-4).normalize(), "f")
        return text if "." not in text else text.rstrip("0").rstrip(".")
    return format(amount.quantize(Decimal("0.01")) if amount.as_tuple().exponent >= -2 else amount, "f")  # type: ignore[operator]


def counts_fields(counts: Counts, precision: int) -> dict[str, Any]:
    """Return the core figures of a row with English keys: findings, closed, in_progress,
    long_term, overdue, and the rate as a decimal string (None without findings)."""
    rate = counts.rate(precision)
    return {
        "findings": counts.findings,
        "closed": counts.closed,
        "in_progress": counts.in_progress,
        "long_term": counts.long_term,
        "overdue": counts.overdue,
        "rate": None if rate is None else str(rate),
    }


def status_record(row: Row, precision: int, as_of: date, kind: str) -> dict[str, Any]:
    """Return one row of the status table as a JSON-ready mapping with English keys."""
    counts = row.counts
    on_time, days = counts.on_time_rate(precision), counts.average_days()
    return {
        kind: row.key if row.part != "total" else None,
        "name": row.label,
        "depth": row.depth,
        "row": row.part,
        **counts_fields(counts, precision),
        "rate_text": counts.rate_text(precision),
        "units": len(counts.units),
        "on_time": counts.on_time,
        "on_time_rate": None if on_time is None else str(on_time),
        "average_days": None if days is None else str(days),
        "people": dict(counts.people),
        "people_total": counts.people_total,
        "funds_yuan": money_text(counts.funds_yuan),
        "rules": counts.rules,
        "extended": counts.extended,
        "as_of": as_of.isoformat(),
    }


def status_table(
    rows: list[Row],
    total: Counts,
    *,
    kind: str,
    fmt: str,
    lang: str,
    precision: int,
    as_of: date,
    title: str | None = None,
    wide: bool = False,
    money: str = "yuan",
    units: bool = False,
) -> None:
    """Print the completion-rate table: one row per unit (or per ``kind`` group) and the
    total row (合计).

    Columns: name, (with ``units``: the number of units a group occurs in), findings, closed,
    in progress, long-term, overdue, and the rate as ``36/37 97.3%``; ``wide`` adds the
    on-time rate, average days to close and the three 到位 counters, funds in ``money``
    (yuan or wan). JSON/CSV records always hold every figure, with English keys.
    """
    words, extra = LABELS[lang], WIDE_LABELS[lang]
    headers = [GROUP_LABELS[lang][kind]]
    if units:
        headers.append(extra["units"])
    headers += [words[k] for k in ("findings", "closed", "in_progress", "long_term", "overdue", "rate")]
    if wide:
        headers += [extra["extended"], extra["on_time"], extra["days"], extra["people"], extra[money], extra["rules"]]
    body: list[list[Any]] = []
    records: list[dict[str, Any]] = []
    for row in [*rows, Row("", words["total"], total, part="total")]:
        counts = row.counts
        indent = "　" if fmt in ("markdown", "github") else "  "  # markdown would drop plain spaces
        name = (indent * row.depth) + (row.label or extra["none"])
        suffix = {"rollup": words["with_children"], "own": words["own"]}.get(row.part)
        if suffix:
            name += suffix
        line: list[Any] = [name]
        if units:
            line.append(len(counts.units))
        line += [counts.findings, counts.closed, counts.in_progress, counts.long_term, counts.overdue]
        line.append(counts.rate_text(precision))
        if wide:
            on_time, days = counts.on_time_rate(precision), counts.average_days()
            line += [
                counts.extended,
                "—" if on_time is None else f"{on_time}%",
                "—" if days is None else str(days),
                counts.people_total,
                money_text(counts.funds_yuan, money),
                counts.rules,
            ]
        body.append(line)
        records.append(status_record(row, precision, as_of, kind))
    heading = f"{words['as_of']} {as_of}"
    if title:
        heading = word(PHRASE, "titled", lang, title=title, as_of=words["as_of"], day=as_of)
    numeric = range(1, len(headers))
    table(
        headers, body, fmt, records, title=heading, numeric=numeric, footer_rows=1, keep=(headers.index(words["rate"]),)
    )


BAR_WIDTH = 30


def bar(value: Decimal | None, width: int = BAR_WIDTH) -> str:
    """Return a bar of block characters for a percentage (eighths of a cell), e.g. ``█████▌``."""
    if value is None:
        return ""
    eighths = int((value * width * 8 / 100).to_integral_value())
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


def trend_table(points: list[Point], fmt: str, lang: str, precision: int) -> None:
    """Print a trend: one row a point (date, findings, closed, in progress, overdue, rate)
    and, for people, a bar of the rate."""
    words = LABELS[lang]
    headers = [word(TABLE, "date", lang)] + [
        words[k] for k in ("findings", "closed", "in_progress", "long_term", "overdue", "rate")
    ]
    records = []
    rows = []
    for point in points:
        counts = point.counts
        records.append({"date": point.day.isoformat(), **counts_fields(counts, precision)})
        rows.append(
            [point.day.isoformat(), counts.findings, counts.closed, counts.in_progress, counts.long_term,
             counts.overdue, rate_text_of(counts, precision), bar(counts.rate(precision))]
        )  # fmt: skip
    if fmt in ("json", "csv", "tsv"):
        table(headers, rows, fmt, records)
        return
    # the bar only draws the rate beside it: the first column a narrow window drops
    table([*headers, ""], rows, fmt, records, numeric=(1, 2, 3, 4, 5), keep=(0, 6), drop=(7,))


def rate_text_of(counts: Counts, precision: int) -> str:
    """Return the percentage alone, e.g. ``94.0%`` (``—`` without findings)."""
    rate = counts.rate(precision)
    return "—" if rate is None else f"{rate:.{precision}f}%"


def status_word(status: str, lang: str) -> str:
    """Return a status as shown to people: the English word, or the Chinese term in zh."""
    return word(STATUS, status, lang)


def cell_width(text: str) -> int:
    """The width of ``text`` on a terminal (a CJK character takes two cells)."""
    from rich.cells import cell_len

    return cell_len(text)


class ReadProgress:
    """A progress bar on stderr for reading many ledgers, shown only on a terminal and only
    once the work has taken ``delay`` seconds (``RECTIFY_PROGRESS_AFTER``, default 1): a
    quick command shows nothing, a pipe never does. Called as ``progress(done, total)``."""

    def __init__(self, label: str, delay: float | None = None) -> None:
        import time

        self.label = label
        self.delay = float(os.environ.get("RECTIFY_PROGRESS_AFTER", "1")) if delay is None else delay
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        """Move the bar to ``done`` of ``total`` (starting it when it is due)."""
        import time

        if self.bar is None:
            if not sys.stderr.isatty() or time.monotonic() - self.started < self.delay or done >= total:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn(self.label), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True), transient=True
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)
        if done >= total:
            self.bar.stop()


class Progress:
    """A progress bar on stderr for long work: called as ``progress(done, total)``, it
    shows nothing during the first second (most imports end before) and nothing when
    stderr is not a terminal; then a bar labelled ``label`` until :meth:`close`."""

    def __init__(self, label: str, delay: float = 1.0) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._delay = delay
        self._label = label
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        """Record that ``done`` of ``total`` steps are done."""
        if self._bar is None:
            if self._clock() - self._start < self._delay or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import Progress as Bar

            self._bar = Bar(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        """Take the bar off the screen."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
