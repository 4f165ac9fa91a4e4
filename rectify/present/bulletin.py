"""The progress bulletin (巡察整改进展情况通报) as Markdown or one self-contained HTML page.

The structure follows published bulletins: the summary line (findings, closed, in
progress, rate and the three 到位 counters), the per-unit table, what changed since the
last bulletin, the overdue list, the trend, then the findings by aspect with their
measures and state. Figures come from :func:`rectify.report.bulletin`, the same
functions as ``rectify status``, so the two always agree.

The HTML page comes from Jinja2 templates (``rectify/present/templates``; an office's
folder named in ``rectify.yaml`` replaces them file by file). It has no script, no
external font, image or style sheet: it can be mailed, put on a screen (挂图作战) or
printed on A4 (``@page``), the summary on one page; the progress bars keep their colours
in print (blue done, yellow in progress, red overdue).
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from rectify.domain.figures import Counts, Late, Row
from rectify.domain.model import Finding, Ledger, Status
from rectify.domain.states import deadline_on, is_overdue, listed_on, status_on
from rectify.domain.trend import Bulletin, Point
from rectify.errors import UsageError
from rectify.i18n import _
from rectify.present.outline import Top, outline, three_levels
from rectify.present.tables import LABELS, md_text, money_text, status_word, text_table
from rectify.present.words import BULLETIN, LANGS, column, word

WORDS = {lang: column(BULLETIN, lang) for lang in LANGS}
"""The bulletin's headings by language (from :mod:`rectify.present.words`)."""


def title(data: Bulletin, lang: str) -> str:
    """Return the bulletin's title, e.g. ``巡察整改进展情况通报（截至2021年12月31日）``."""
    words = WORDS[lang]
    return word(BULLETIN, "heading", lang, title=words["title"], as_of=words["as_of"], day=day_text(data.as_of, lang))


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
        [late.finding.id, late.unit.name, late.finding.title, day_text(late.deadline, lang), str(late.days),
         late.finding.owner or ""]
        for late in found
    ]  # fmt: skip


def markdown(data: Bulletin, lang: str = "zh", precision: int = 1) -> str:
    """Return the bulletin as Markdown (tables by tabulate's github format)."""
    words = WORDS[lang]
    late_headers = _late_headers(lang)
    out = [f"# {title(data, lang)}", "", f"## {words['summary_heading']}", "", summary(data.total, lang, precision), ""]
    headers, body = _unit_table(data.rows, data.total, lang, precision)
    out += [f"## {words['units']}", "", text_table(headers, body, "github"), ""]
    if data.since is not None:
        changes = word(BULLETIN, "changes_since", lang, changes=words["changes"], since=words["since"],
                       day=day_text(data.since, lang))
        out += [f"## {changes}", ""]
        out += [f"### {words['closed_since']}: {len(data.closed_since)}", ""]
        out += [
            md_text(f"- {day_text(c.day, lang)} {c.finding.id} {c.unit.name}：{c.finding.title}")
            for c in data.closed_since
        ] or [words["none"]]
        out += ["", f"### {words['newly_overdue']}: {len(data.newly_overdue)}", ""]
        out += [
            md_text(f"- {late.finding.id} {late.unit.name}：{late.finding.title}") for late in data.newly_overdue
        ] or [words["none"]]
        out.append("")
    out += [f"## {words['overdue']}: {len(data.overdue)}", ""]
    out.append(text_table(late_headers, _late_rows(data.overdue, lang), "github") if data.overdue else words["none"])
    out += ["", f"## {words['trend']}", ""]
    points = [
        [day_text(p.day, lang), str(p.counts.findings), str(p.counts.closed), p.counts.rate_text(precision)]
        for p in data.trend
    ]
    out += [
        text_table([words["date"], LABELS[lang]["findings"], LABELS[lang]["closed"], words["rate"]], points, "github"),
        "",
    ]
    out += [f"## {words['findings']}", ""]
    for ledger in data.ledgers:
        out += [f"### {md_text(ledger.unit.name)}", ""]
        levels = _levels(ledger, data.as_of)
        if levels is not None:
            tops, counted = levels
            out += [word(BULLETIN, "levels", lang, **counted), ""]
            for top in tops:
                out += [f"#### {md_text(top.mark + top.name)}", ""]
                for middle in top.middles:
                    if middle.label is not None:
                        out += [f"##### {md_text(middle.label)}", ""]
                    for mark, finding in middle.items:
                        name = md_text(f"{mark}{finding.id} {finding.title}")
                        out.append(word(BULLETIN, "item", lang, name=name, state=_state(finding, data, lang)))
                        out += [f"  - {md_text(measure)}" for measure in finding.measures]
                    out.append("")
            continue
        for aspect, findings in _by_aspect(ledger.findings, data.as_of).items():
            out += [f"#### {md_text(aspect)}", ""]
            for finding in findings:
                state = _state(finding, data, lang)
                name = md_text(f"{finding.id} {finding.title}")
                out.append(word(BULLETIN, "item", lang, name=name, state=state))
                out += [f"  - {md_text(measure)}" for measure in finding.measures]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _levels(ledger: Ledger, as_of: date) -> tuple[list[Top], dict[str, int]] | None:
    """The three levels of ``ledger``'s findings on the ledger by ``as_of``
    (:func:`rectify.present.outline.outline`) and how many aspects, problems and specific
    findings they hold; None when no finding names its problem (two levels, as before)."""
    findings = [finding for finding in ledger.findings if listed_on(finding, as_of)]
    if not three_levels(findings):
        return None
    tops = outline(findings)
    problems = sum(1 for top in tops for middle in top.middles if middle.label is not None)
    return tops, {"aspects": len(tops), "problems": problems, "findings": len(findings)}


def _by_aspect(findings: list[Finding], as_of: date) -> dict[str, list[Finding]]:
    """The findings on the ledger by ``as_of`` and not withdrawn, by aspect in feedback order."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        if listed_on(finding, as_of):
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
        text += word(BULLETIN, "deadline_suffix", lang, day=day_text(deadline, lang))
    return text


def _svg_trend(data: Bulletin, precision: int, lang: str) -> str:
    """An inline SVG line of the completion rate over the bulletin's trend, its dates as
    the bulletin writes them in ``lang``."""
    return svg_trend(data.trend, precision, lang)


def svg_trend(points: list[Point], precision: int = 1, lang: str | None = None) -> str:
    """Return an inline SVG (680×220 px) of the completion rate over ``points``: a blue
    line on 0-100% grid lines, dates below, the last rate written beside its point;
    ``""`` for fewer than two points. Numbers and dates only; the label is escaped.
    The dates are ``2021-11-01`` then ``11-08``, or with ``lang`` ``zh`` as the 通报 writes
    them, ``2021年11月1日`` then ``11月8日`` (wider, so fewer are shown)."""
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
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, __ in coords)
    ticks = "".join(
        f'<line x1="{left}" x2="{width - 10}" y1="{height - bottom - v * (height - bottom - 10) / 100:.1f}" '
        f'y2="{height - bottom - v * (height - bottom - 10) / 100:.1f}" stroke="#ddd"/>'
        f'<text x="4" y="{height - bottom - v * (height - bottom - 10) / 100 + 4:.1f}">{v}%</text>'
        for v in (0, 25, 50, 75, 100)
    )
    shown: list[tuple[float, str]] = []
    for i, (x, __, point) in enumerate(coords):  # first and last always; others when there is room
        year_changed = i > 0 and point.day.year != coords[i - 1][2].day.year
        whole = i == 0 or year_changed
        if lang == "zh":
            text = day_text(point.day, "zh") if whole else f"{point.day.month}月{point.day.day}日"
            first_room, room_apart = 135, 62  # 13px: a wide character is 13px, a digit 7.5px
        else:
            text = point.day.isoformat() if whole else point.day.strftime("%m-%d")
            first_room, room_apart = 90, 48
        final = i == len(coords) - 1
        room = first_room if len(shown) == 1 else room_apart  # the first label carries the year and is wider
        if shown and x - shown[-1][0] < room and not final:
            continue
        if final and len(shown) > 1 and x - shown[-1][0] < room_apart:
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


MAX_OVERDUE = 8
"""Overdue findings listed on the summary page; the rest are counted (and listed in the details)."""


def issued_text(day: date, lang: str) -> str:
    """Return the issue date as the header block writes it (``2021年12月31日``)."""
    return day_text(day, lang)


def day_text(day: date, lang: str) -> str:
    """Return ``day`` as the 通报 writes every date, in one form throughout (title, header,
    changes, tables, chart, Markdown, HTML and Word alike): ``2021年12月3日`` in Chinese
    (GB/T 9704-2012's 成文日期, Arabic numerals, no leading zero), ``2021-12-03`` in English."""
    return word(BULLETIN, "issued", lang, year=day.year, month=day.month, day=day.day)


def _environment(templates: Path | None) -> Any:
    """A Jinja2 environment over ``templates`` (an office's folder, searched first) and
    the shipped templates in ``rectify/present/templates``; autoescape is on, so text a
    person typed never becomes markup, and the environment is Jinja2's sandbox, so a
    template in the shared repository can format values but never run code."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates)))
    loaders.append(jinja2.PackageLoader("rectify.present", "templates"))
    return ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def html(
    data: Bulletin,
    lang: str = "zh",
    precision: int = 1,
    office: str | None = None,
    issue: int | None = None,
    issued: date | None = None,
    details: bool = False,
    templates: Path | None = None,
) -> str:
    """Return the bulletin as one self-contained HTML page (no script, no external file)
    for screen and A4 print: the header block (``office``, 第 ``issue`` 期, the ``issued``
    date, default the as-of day), the summary, the units ranked by completion rate with
    their bars, the overdue list and the trend on one page; with ``details`` the findings
    by unit and aspect from a new page. Rendered by the Jinja2 template
    ``bulletin.html.j2``, from ``templates`` when that folder has one."""
    from rectify.present.workbook import ranked

    words = WORDS[lang]
    order = ranked(data.rows)
    headers, body = _unit_table(order, data.total, lang, precision)
    unit_rows = []
    for place, (cells, row_counts) in enumerate(
        zip(body, [*(row.counts for row in order), data.total], strict=True), start=1
    ):
        total = place == len(body)
        done, doing, late = _bar_widths(row_counts)
        unit_rows.append(
            {"cells": ["" if total else str(place), *cells], "total": total,
             "rate_text": row_counts.rate_text(precision), "done": done, "doing": doing, "late": late}
        )  # fmt: skip
    changes = ""
    if data.since is not None:
        changes = word(
            BULLETIN,
            "changes_line",
            lang,
            since=day_text(data.since, lang),
            closed=len(data.closed_since),
            late=len(data.newly_overdue),
        )
    finding_headers = [words["id"], words["problem"], words["measures"], words["state"]]
    units = []
    if details:
        for ledger in data.ledgers:
            levels = _levels(ledger, data.as_of)
            if levels is not None:  # three levels: each aspect's problems, each with its findings
                tops, counted = levels
                aspects: list[dict[str, Any]] = [
                    {"name": top.mark + top.name, "mark": top.mark, "text": top.name, "problems": [
                        {"name": middle.label or "", "findings": [
                            {"id": f.id, "mark": mark, "title": f.title, "measures": list(f.measures),
                             "state": _state(f, data, lang)}
                            for mark, f in middle.items
                        ]}
                        for middle in top.middles
                    ]}
                    for top in tops
                ]  # fmt: skip
                for aspect in aspects:  # the flat list too, for an office's own template of two levels
                    problems: list[dict[str, Any]] = aspect["problems"]
                    aspect["findings"] = [f for problem in problems for f in problem["findings"]]
                units.append({"name": ledger.unit.name, "aspects": aspects,
                              "levels": word(BULLETIN, "levels", lang, **counted)})  # fmt: skip
                continue
            aspects = [
                {"name": aspect, "problems": [], "findings": [
                    {"id": f.id, "mark": "", "title": f.title, "measures": list(f.measures),
                     "state": _state(f, data, lang)}
                    for f in findings
                ]}
                for aspect, findings in _by_aspect(ledger.findings, data.as_of).items()
            ]  # fmt: skip
            units.append({"name": ledger.unit.name, "aspects": aspects, "levels": ""})
    import jinja2

    try:
        template = _environment(templates).get_template("bulletin.html.j2")
        return _render(
            template,
            w=words,
            title=title(data, lang),
            office=office,
            issue=word(BULLETIN, "issue", lang, number=issue) if issue else "",
            issued=issued_text(issued or data.as_of, lang),
            summary=summary(data.total, lang, precision),
            changes=changes,
            unit_headers=[words["rank"], *headers],
            unit_rows=unit_rows,
            late_headers=_late_headers(lang),
            overdue=_late_rows(data.overdue, lang),
            max_overdue=MAX_OVERDUE,
            more_overdue=word(BULLETIN, "more_overdue", lang, number=len(data.overdue) - MAX_OVERDUE),
            trend_svg=_svg_trend(data, precision, lang),
            details=units,
            finding_headers=finding_headers,
        )
    except jinja2.TemplateError as exc:  # an office template that is broken, or unsafe (the sandbox refused it)
        raise UsageError(_("the 通报 template cannot be used: {error}").format(error=exc)) from None


def _render(template: Any, **values: Any) -> str:
    """``template`` rendered with ``values``, as text."""
    return str(template.render(**values))


def _bar_widths(counts: Counts) -> tuple[str, str, str]:
    """The bar's three parts in percent of its width: closed (blue), in progress and
    long-term not overdue (yellow), overdue (red)."""
    if not counts.findings:
        return "0", "0", "0"
    done = counts.closed * 100 / counts.findings
    late = counts.overdue * 100 / counts.findings
    doing = max(0.0, 100 - done - late)
    return f"{done:.2f}", f"{doing:.2f}", f"{late:.2f}"


def _late_headers(lang: str) -> list[str]:
    words = WORDS[lang]
    return [words["id"], words["unit"], words["problem"], words["deadline"], words["days_late"], words["owner"]]
