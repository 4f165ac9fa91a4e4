"""The progress bulletin (巡察整改进展情况通报) as Markdown or one self-contained HTML page.

The structure follows published bulletins: the summary line (findings, closed, in
progress, rate and the three 到位 counters), the per-unit table, what changed since the
last bulletin, the overdue list, the trend, then the findings by aspect with their
measures and state. Figures come from :func:`rectify.report.bulletin`, the same
functions as ``rectify status``, so the two always agree.

The HTML page has no script, no external font, image or style sheet: it can be mailed,
put on a screen (挂图作战) or printed; the progress bars keep their colours in print
(blue done, yellow in progress, red overdue).
"""

from __future__ import annotations

from datetime import date
from html import escape

from rectify.domain.figures import Counts, Late, Row
from rectify.domain.model import Finding, Status
from rectify.domain.states import deadline_on, is_overdue, status_on
from rectify.domain.trend import Bulletin, Point
from rectify.present.tables import LABELS, md_text, money_text, status_word, text_table
from rectify.present.words import BULLETIN, LANGS, column, word

WORDS = {lang: column(BULLETIN, lang) for lang in LANGS}
"""The bulletin's headings by language (from :mod:`rectify.present.words`)."""


def title(data: Bulletin, lang: str) -> str:
    """Return the bulletin's title, e.g. ``巡察整改进展情况通报（截至 2021-12-31）``."""
    words = WORDS[lang]
    return word(BULLETIN, "heading", lang, title=words["title"], as_of=words["as_of"], day=data.as_of)


def summary(total: Counts, lang: str, precision: int = 1) -> str:
    """Return the summary line: findings, closed, in progress (overdue among them),
    long-term, the rate, and the three 到位 counters (people by kind, funds in 万元, rules)."""
    rate = total.rate(precision)
    rate_text = "—" if rate is None else f"{rate}%"
    funds = money_text(total.funds_yuan, "wan")
    sep = word(BULLETIN, "people_sep", lang)
    kinds = sep.join(
        word(BULLETIN, "people_kind", lang, kind=kind, number=number) for kind, number in total.people.items() if number
    )
    people = word(
        BULLETIN,
        "people",
        lang,
        total=total.people_total,
        kinds=word(BULLETIN, "people_kinds", lang, kinds=kinds) if kinds else "",
    )
    return word(
        BULLETIN,
        "summary",
        lang,
        findings=total.findings,
        closed=total.closed,
        in_progress=total.in_progress,
        long_term=total.long_term,
        overdue=total.overdue,
        rate=rate_text,
        people=people,
        funds=funds,
        rules=total.rules,
    )


def _unit_table(rows: list[Row], total: Counts, lang: str, precision: int) -> tuple[list[str], list[list[str]]]:
    words = LABELS[lang]
    headers = [words[k] for k in ("unit", "findings", "closed", "in_progress", "long_term", "overdue", "rate")]
    body = []
    for row in [*rows, Row("", words["total"], total, part="total")]:
        c = row.counts
        body.append(
            [row.label, str(c.findings), str(c.closed), str(c.in_progress), str(c.long_term), str(c.overdue),
             c.rate_text(precision)]
        )  # fmt: skip
    return headers, body


def _late_rows(found: list[Late], lang: str) -> list[list[str]]:
    return [
        [late.finding.id, late.unit.name, late.finding.title, str(late.deadline), str(late.days),
         late.finding.owner or ""]
        for late in found
    ]  # fmt: skip


def markdown(data: Bulletin, lang: str = "zh", precision: int = 1) -> str:
    """Return the bulletin as Markdown (tables by tabulate's github format)."""
    words = WORDS[lang]
    late_headers = ["ID", words["unit"], words["problem"], words["deadline"], words["days_late"], words["owner"]]
    out = [f"# {title(data, lang)}", "", f"## {words['summary_heading']}", "", summary(data.total, lang, precision), ""]
    headers, body = _unit_table(data.rows, data.total, lang, precision)
    out += [f"## {words['units']}", "", text_table(headers, body, "github"), ""]
    if data.since is not None:
        changes = word(BULLETIN, "changes_since", lang, changes=words["changes"], since=words["since"], day=data.since)
        out += [f"## {changes}", ""]
        out += [f"### {words['closed_since']}: {len(data.closed_since)}", ""]
        out += [md_text(f"- {c.day} {c.finding.id} {c.unit.name}：{c.finding.title}") for c in data.closed_since] or [
            words["none"]
        ]
        out += ["", f"### {words['newly_overdue']}: {len(data.newly_overdue)}", ""]
        out += [
            md_text(f"- {late.finding.id} {late.unit.name}：{late.finding.title}") for late in data.newly_overdue
        ] or [words["none"]]
        out.append("")
    out += [f"## {words['overdue']}: {len(data.overdue)}", ""]
    out.append(text_table(late_headers, _late_rows(data.overdue, lang), "github") if data.overdue else words["none"])
    out += ["", f"## {words['trend']}", ""]
    points = [
        [str(p.day), str(p.counts.findings), str(p.counts.closed), p.counts.rate_text(precision)] for p in data.trend
    ]
    out += [
        text_table([words["date"], LABELS[lang]["findings"], LABELS[lang]["closed"], words["rate"]], points, "github"),
        "",
    ]
    out += [f"## {words['findings']}", ""]
    for ledger in data.ledgers:
        out += [f"### {md_text(ledger.unit.name)}", ""]
        for aspect, findings in _by_aspect(ledger.findings, data.as_of).items():
            out += [f"#### {md_text(aspect)}", ""]
            for finding in findings:
                state = _state(finding, data, lang)
                name = md_text(f"{finding.id} {finding.title}")
                out.append(word(BULLETIN, "item", lang, name=name, state=state))
                out += [f"  - {md_text(measure)}" for measure in finding.measures]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _by_aspect(findings: list[Finding], as_of: date) -> dict[str, list[Finding]]:
    """The findings on the ledger by ``as_of``, by aspect in feedback order."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        if status_on(finding, as_of) is not None:
            groups.setdefault(finding.aspect, []).append(finding)
    return groups


def _state(finding: Finding, data: Bulletin, lang: str) -> str:
    status = status_on(finding, data.as_of)
    if status is None:
        return ""
    text = status_word(status.value, lang)
    if status is not Status.CLOSED and is_overdue(finding, data.as_of):
        text += word(BULLETIN, "overdue_suffix", lang)
    deadline = deadline_on(finding, data.as_of)
    if deadline is not None:
        text += word(BULLETIN, "deadline_suffix", lang, day=deadline)
    return text


CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "SimSun", sans-serif; margin: 2em auto; max-width: 60em; color: #222; line-height: 1.5; }
h1 { text-align: center; font-size: 1.6em; }
h2 { border-bottom: 2px solid #1f5fbf; padding-bottom: .2em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #999; padding: .25em .5em; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: bold; background: #f2f2f2; }
.bar { display: flex; height: 1em; width: 12em; background: #e6e6e6; border: 1px solid #999; }
.bar span { display: block; height: 100%; }
.bar .done { background: #1f5fbf; }
.bar .doing { background: #f2c200; }
.bar .late { background: #d62828; }
.legend span { display: inline-block; width: 1em; height: 1em; vertical-align: middle; margin: 0 .3em 0 1em; }
.summary { font-size: 1.1em; background: #f5f8fd; border-left: 4px solid #1f5fbf; padding: .6em 1em; }
svg text { font-size: 11px; fill: #333; }
@media print {
  body { margin: 0; max-width: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
}
"""


def _bar(counts: Counts, precision: int = 1) -> str:
    """A stacked bar: closed (blue), in progress and long-term not overdue (yellow), overdue (red)."""
    if not counts.findings:
        return '<div class="bar"></div>'
    done = counts.closed * 100 / counts.findings
    late = counts.overdue * 100 / counts.findings
    doing = max(0.0, 100 - done - late)
    return (
        f'<div class="bar" title="{escape(counts.rate_text(precision))}">'
        f'<span class="done" style="width:{done:.2f}%"></span>'
        f'<span class="doing" style="width:{doing:.2f}%"></span>'
        f'<span class="late" style="width:{late:.2f}%"></span></div>'
    )


def _svg_trend(data: Bulletin, precision: int) -> str:
    """An inline SVG line of the completion rate over the bulletin's trend."""
    return svg_trend(data.trend, precision)


def svg_trend(points: list[Point], precision: int = 1) -> str:
    """Return an inline SVG (680×220 px) of the completion rate over ``points``: a blue
    line on 0-100% grid lines, dates below, the last rate written beside its point;
    ``""`` for fewer than two points. Numbers and dates only; the label is escaped."""
    if len(points) < 2:
        return ""
    width, height, left, bottom = 680, 220, 40, 30
    span = len(points) - 1
    coords = []
    for index, point in enumerate(points):
        rate = point.counts.rate(precision) or 0
        x = left + index * (width - left - 40) / span  # room on the right for the last label
        y = height - bottom - float(rate) * (height - bottom - 10) / 100
        coords.append((x, y, point))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
    ticks = "".join(
        f'<line x1="{left}" x2="{width - 10}" y1="{height - bottom - v * (height - bottom - 10) / 100:.1f}" '
        f'y2="{height - bottom - v * (height - bottom - 10) / 100:.1f}" stroke="#ddd"/>'
        f'<text x="4" y="{height - bottom - v * (height - bottom - 10) / 100 + 4:.1f}">{v}%</text>'
        for v in (0, 25, 50, 75, 100)
    )
    shown: list[tuple[float, str]] = []
    for i, (x, _, point) in enumerate(coords):  # first and last always; others when there is room
        year_changed = i > 0 and point.day.year != coords[i - 1][2].day.year
        text = point.day.isoformat() if i == 0 or year_changed else point.day.strftime("%m-%d")
        final = i == len(coords) - 1
        room = 90 if len(shown) == 1 else 48  # the first label carries the year and is wider
        if shown and x - shown[-1][0] < room and not final:
            continue
        if final and len(shown) > 1 and x - shown[-1][0] < 48:
            shown.pop()
        shown.append((x, text))
    labels = "".join(
        f'<text x="{x:.1f}" y="{height - 8}" text-anchor="{"start" if i == 0 else "middle"}">{text}</text>'
        for i, (x, text) in enumerate(shown)
    )
    last_x, last_y, last = coords[-1]
    return (
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="trend">{ticks}<polyline fill="none" stroke="#1f5fbf" stroke-width="2.5" points="{line}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="4" fill="#1f5fbf"/>'
        f'<text x="{last_x - 4:.1f}" y="{last_y - 8:.1f}" text-anchor="end">'
        f"{escape(last.counts.rate_text(precision))}</text>{labels}</svg>"
    )


def _table(headers: list[str], body: list[list[str]], numeric: set[int], total_last: bool = False) -> str:
    head = "".join(f'<th class="{"num" if i in numeric else ""}">{escape(h)}</th>' for i, h in enumerate(headers))
    rows = []
    for index, row in enumerate(body):
        css = ' class="total"' if total_last and index == len(body) - 1 else ""
        cells = "".join(f'<td class="{"num" if i in numeric else ""}">{cell}</td>' for i, cell in enumerate(row))
        rows.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def html(data: Bulletin, lang: str = "zh", precision: int = 1) -> str:
    """Return the bulletin as one self-contained HTML page (no script, no external file)."""
    words = WORDS[lang]
    heading = escape(title(data, lang))
    headers, body = _unit_table(data.rows, data.total, lang, precision)
    counts = [*(row.counts for row in data.rows), data.total]
    escaped = [[escape(cell) for cell in row] for row in body]
    for row, count in zip(escaped, counts, strict=True):
        row.append(_bar(count, precision))
    parts = [
        f'<!DOCTYPE html><html lang="{word(BULLETIN, "html_lang", lang)}"><head><meta charset="utf-8">',
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{heading}</title>',
        f"<style>{CSS}</style></head><body>",
        f"<h1>{heading}</h1>",
        f"<h2>{escape(words['summary_heading'])}</h2>",
        f'<p class="summary" id="summary">{escape(summary(data.total, lang, precision))}</p>',
        f"<h2>{escape(words['units'])}</h2>",
        '<p class="legend"><span style="background:#1f5fbf"></span>'
        + word(BULLETIN, "legend_closed", lang)
        + '<span style="background:#f2c200"></span>'
        + word(BULLETIN, "legend_progress", lang)
        + '<span style="background:#d62828"></span>'
        + word(BULLETIN, "legend_overdue", lang)
        + "</p>",
        _table([*headers, ""], escaped, {1, 2, 3, 4, 5, 6}, total_last=True),
    ]
    late_headers = ["ID", words["unit"], words["problem"], words["deadline"], words["days_late"], words["owner"]]
    if data.since is not None:
        changes = word(BULLETIN, "changes_since", lang, changes=words["changes"], since=words["since"], day=data.since)
        parts.append(f"<h2>{escape(changes)}</h2>")
        parts.append(f"<h3>{escape(words['closed_since'])}: {len(data.closed_since)}</h3><ul>")
        parts += [
            f"<li>{c.day} {escape(c.finding.id)} {escape(c.unit.name)}：{escape(c.finding.title)}</li>"
            for c in data.closed_since
        ]
        parts.append(f"</ul><h3>{escape(words['newly_overdue'])}: {len(data.newly_overdue)}</h3><ul>")
        parts += [
            f"<li>{escape(late.finding.id)} {escape(late.unit.name)}：{escape(late.finding.title)}</li>"
            for late in data.newly_overdue
        ]
        parts.append("</ul>")
    parts.append(f"<h2>{escape(words['overdue'])}: {len(data.overdue)}</h2>")
    late_rows = [[escape(cell) for cell in row] for row in _late_rows(data.overdue, lang)]
    parts.append(_table(late_headers, late_rows, {4}) if late_rows else f"<p>{escape(words['none'])}</p>")
    parts.append(f"<h2>{escape(words['trend'])}</h2>{_svg_trend(data, precision)}")
    parts.append(f"<h2>{escape(words['findings'])}</h2>")
    for ledger in data.ledgers:
        parts.append(f"<h3>{escape(ledger.unit.name)}</h3>")
        for aspect, findings in _by_aspect(ledger.findings, data.as_of).items():
            rows = []
            for finding in findings:
                measures = "<br>".join(escape(m) for m in finding.measures)
                rows.append(
                    [escape(finding.id), escape(finding.title), measures,
                     escape(_state(finding, data, lang))]
                )  # fmt: skip
            parts.append(f"<h4>{escape(aspect)}</h4>")
            parts.append(_table(["ID", words["problem"], words["measures"], words["state"]], rows, set()))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
