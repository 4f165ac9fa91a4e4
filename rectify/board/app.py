"""The board's routes: each reads the ledgers through :class:`rectify.api.Ledgers`, takes
its figures from :mod:`rectify.domain` and renders a Jinja2 template (autoescaped).

Read-only: every route answers GET (and HEAD) and none writes a file. A broken ledger
makes every page show the problems ``rectify check`` reports (HTTP 503) and the server
keeps running; a bad value in the address is a 400 page, an unknown unit or finding a 404.
Every answer carries a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rectify.api import Ledgers, parse_day
from rectify.domain import figures
from rectify.domain import trend as trends
from rectify.domain.figures import Counts
from rectify.domain.model import Event, Evidence, Finding, Ledger
from rectify.domain.states import deadline_on, is_overdue, last_return
from rectify.errors import LedgerError, RectifyError, UsageError
from rectify.i18n import N_, _, reset_lang, set_lang
from rectify.present import bulletin
from rectify.present.words import ACTION, BOARD, FIELD, LANGS, STATUS, TABLE, column, opinion_text, word

HERE = Path(__file__).resolve().parent

BLUE, YELLOW, RED = "#1f5fbf", "#f2c200", "#d62828"
"""The bar colours published bulletins use: blue closed, yellow in progress, red overdue
(the same as :mod:`rectify.present.bulletin`)."""

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
"""Headers on every answer: no script runs, nothing is framed, no address leaks."""

FILTERS = ("as_of", "since", "supervisor", "parent", "aspect", "below", "lang")
"""The query parameters the pages keep from link to link (once checked)."""

CHECKED = (*FILTERS, "within", "q")
"""The query parameters a page reads; each may be given once."""

BAR_WIDTH = 220
"""Width of a unit's bar, in CSS pixels."""


class Speaking:
    """Every request speaks its page's language (:func:`_language`): errors and problems
    shown on the page are in it (the language is held per request, in a context variable)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with the language of its page in force."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lib = scope["app"].state.lib if "app" in scope else None
        token = set_lang(_language(Request(scope), lib))
        try:
            await self.app(scope, receive, send)
        finally:
            reset_lang(token)


HTTP_WORDS = (N_("Not Found"), N_("Method Not Allowed"))
"""The reasons of starlette's HTTP errors a reader can meet, for the catalog."""


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers as the answer starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        await self.app(scope, receive, sending)


@dataclass(frozen=True)
class Bar:
    """A stacked bar's three widths in pixels: closed (blue), in progress or long-term
    and not overdue (yellow), overdue (red)."""

    done: float
    doing: float
    late: float

    @classmethod
    def of(cls, counts: Counts, width: int = BAR_WIDTH) -> Bar:
        """The bar of ``counts`` ``width`` pixels wide (empty when there is no finding)."""
        if not counts.findings:
            return cls(0, 0, 0)
        done = width * counts.closed / counts.findings
        late = width * counts.overdue / counts.findings
        return cls(round(done, 2), round(max(0.0, width - done - late), 2), round(late, 2))


class Refused(Exception):
    """A request the board answers with ``status`` and a plain message: the word ``key``
    of :data:`~rectify.present.words.BOARD` in the page's language, filled with
    ``values`` (never with what the request held: a bad value is not shown back)."""

    def __init__(self, key: str, status: int = 400, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.status = status
        self.values = values


@dataclass
class View:
    """What one request asks for: the language, the dates and the filters, read and
    checked from the query string (a bad value is a :class:`Refused`). ``kept`` holds the
    checked filters the page's links and forms carry on."""

    request: Request
    lib: Ledgers
    lang: str
    day: date
    since: date | None
    supervisor: str
    parent: str
    aspect: str
    below: Fraction | None = None
    kept: dict[str, str] = field(default_factory=dict)
    parent_name: str = ""
    failed: bool = False

    @property
    def here(self) -> str:
        """The page's own path, for the language switch; the board's for an error page
        (the address that failed is not shown back)."""
        return "/" if self.failed else self.request.url.path

    def link(self, path: str, **changes: object) -> str:
        """``path`` with the current filters, ``changes`` applied (None or "" drops one)."""
        values = dict(self.kept)
        values.update({key: "" if value is None else str(value) for key, value in changes.items()})
        query = urlencode({key: value for key, value in values.items() if value})
        return f"{path}?{query}" if query else path

    def is_below(self, counts: Counts) -> bool:
        """Whether ``counts``' completion rate is below the ``?below=`` percentage (exact)."""
        return (
            self.below is not None
            and bool(counts.findings)
            and Fraction(100 * counts.closed, counts.findings) < self.below
        )

    def word(self, key: str, **values: object) -> str:
        """A word of :data:`~rectify.present.words.BOARD` in the page's language."""
        return word(BOARD, key, self.lang, **values)

    def context(self, **extra: Any) -> dict[str, Any]:
        """The names every template uses, with ``extra``."""
        return {
            "v": self,
            "w": column(BOARD, self.lang),
            "t": column(TABLE, self.lang),
            "f": column(FIELD, self.lang),
            "state_words": column(STATUS, self.lang),
            "actions": column(ACTION, self.lang),
            "colours": {"done": BLUE, "doing": YELLOW, "late": RED},
            "bar_width": BAR_WIDTH,
            "other_lang": "en" if self.lang == "zh" else "zh",
            "colon": "：" if self.lang == "zh" else ": ",
            "semi": "；" if self.lang == "zh" else "; ",
            "comma": "，" if self.lang == "zh" else ", ",
            "opinion": opinion_text,
            **extra,
        }


def _language(request: Request, lib: Ledgers | None) -> str:
    """``?lang=`` when it is one rectify speaks, else the first of the browser's
    languages rectify speaks (by q), else rectify.yaml's ``lang``, else zh."""
    chosen = request.query_params.get("lang")
    if chosen in LANGS and len(request.query_params.getlist("lang")) == 1:
        return chosen
    offered: list[tuple[float, int, str]] = []
    for index, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, __, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGS and weight > 0:
            offered.append((-weight, index, base))
    if offered:
        return min(offered)[2]
    try:
        configured = lib.config.lang if lib is not None else None
    except RectifyError:
        configured = None
    return configured if configured in LANGS else "zh"


def _day(value: str, key: str) -> date:
    """The date ``value`` of the query parameter ``key``; :class:`Refused` for anything
    but a real ``YYYY-MM-DD`` in 1900-2999."""
    if len(value) != 10:
        raise Refused("bad_" + key)
    try:
        return parse_day(value, key)
    except UsageError:
        raise Refused("bad_" + key) from None


def _percentage(value: str) -> Fraction:
    """``?below=``: a percentage from 0 to 100 with at most two decimals, exact."""
    whole, dot, part = value.partition(".")
    if not (whole.isascii() and whole.isdigit() and len(whole) <= 3) or (dot and not (
            part.isascii() and part.isdigit() and len(part) <= 2)):  # fmt: skip
        raise Refused("bad_below")
    number = Fraction(int(whole)) + (Fraction(int(part), 10 ** len(part)) if part else 0)
    if number > 100:
        raise Refused("bad_below")
    return number


def _view(request: Request) -> View:
    """The view of ``request``: every query value checked (a :class:`Refused` names what
    is wrong, not the value); the filters that name a group, unit or aspect are checked
    against the ledgers by :func:`_check_choices`."""
    lib: Ledgers = request.app.state.lib
    query = request.query_params
    for key in CHECKED:
        if len(query.getlist(key)) > 1:
            raise Refused("repeated", name=key)
    if "lang" in query and query["lang"] not in LANGS:
        raise Refused("bad_lang")
    lang = _language(request, lib)
    day = _day(query["as_of"], "as_of") if query.get("as_of") else lib.today()
    since = _day(query["since"], "since") if query.get("since") else None
    if since is not None and since >= day:
        raise Refused("since_after")
    below = _percentage(query["below"]) if query.get("below") else None
    for key in ("supervisor", "parent", "aspect"):
        if len(query.get(key, "")) > 200 or any(ord(ch) < 32 for ch in query.get(key, "")):
            raise Refused("bad_" + key)
    kept = {key: query[key] for key in FILTERS if query.get(key)}
    return View(request, lib, lang, day, since, query.get("supervisor", ""), query.get("parent", ""),
                query.get("aspect", ""), below, kept)  # fmt: skip


def _check_choices(view: View, ledgers: list[Ledger]) -> None:
    """Refuse a supervision group, parent unit or aspect no ledger has (400)."""
    if view.supervisor and all(ledger.unit.supervisor != view.supervisor for ledger in ledgers):
        raise Refused("bad_supervisor")
    if view.parent:
        view.parent_name = next((ledger.unit.name for ledger in ledgers if ledger.unit.id == view.parent), "")
        if not view.parent_name:
            raise Refused("bad_parent")
    if view.aspect and all(f.aspect != view.aspect for ledger in ledgers for f in ledger.findings):
        raise Refused("bad_aspect")


def _below(ledgers: list[Ledger], parent: str) -> set[str]:
    """``parent`` and every unit under it in the unit tree (``unit.parent``)."""
    children: dict[str, list[str]] = {}
    for ledger in ledgers:
        if ledger.unit.parent:
            children.setdefault(ledger.unit.parent, []).append(ledger.unit.id)
    found, todo = set(), [parent]
    while todo:
        uid = todo.pop()
        if uid not in found:
            found.add(uid)
            todo.extend(children.get(uid, []))
    return found


def _chosen(view: View, ledgers: list[Ledger]) -> list[Ledger]:
    """The ledgers the filters keep: units of the supervision group, units at or under the
    parent, only the findings of the aspect, and units whose rate on the as-of date is
    below the ``?below=`` percentage."""
    out = ledgers
    if view.supervisor:
        out = [ledger for ledger in out if (ledger.unit.supervisor or "") == view.supervisor]
    if view.parent:
        keep = _below(ledgers, view.parent)
        out = [ledger for ledger in out if ledger.unit.id in keep]
    if view.aspect:
        out = [
            ledger.model_copy(update={"findings": [f for f in ledger.findings if f.aspect == view.aspect]})
            for ledger in out
        ]
        out = [ledger for ledger in out if ledger.findings]
    if view.below is not None:
        rows, __ = figures.unit_rows(out, view.day)
        low = {row.key for row in rows if view.is_below(row.counts)}
        out = [ledger for ledger in out if ledger.unit.id in low]
    return out


def _choices(ledgers: list[Ledger], day: date) -> dict[str, list[tuple[str, str]]]:
    """The values the filter form offers: (value, label) per supervision group, parent
    unit and aspect. The groups come in the order of ``rectify status --by supervisor``
    on ``day`` (:func:`rectify.domain.figures.group_rows`: most units first, then most
    findings), any group without a finding on that day after them; parent units and
    aspects in order of first appearance."""
    names = {ledger.unit.id: ledger.unit.name for ledger in ledgers}
    given = {" ".join(ledger.unit.supervisor.split()): ledger.unit.supervisor
             for ledger in reversed(ledgers) if ledger.unit.supervisor}  # fmt: skip
    ranked = [given[row.key] for row in figures.group_rows(ledgers, day, "supervisor")[0] if row.key in given]
    supervisors = dict.fromkeys([*ranked, *(ledger.unit.supervisor for ledger in ledgers if ledger.unit.supervisor)])
    parents = dict.fromkeys(ledger.unit.parent for ledger in ledgers if ledger.unit.parent in names)
    aspects = dict.fromkeys(f.aspect for ledger in ledgers for f in ledger.findings)
    return {
        "supervisor": [(s, s) for s in supervisors if s],
        "parent": [(p, names[p]) for p in parents if p],
        "aspect": [(a, a) for a in aspects],
    }


def _rank_key(row: figures.Row) -> tuple[Fraction, int, str]:
    counts = row.counts
    rate = Fraction(counts.closed, counts.findings) if counts.findings else Fraction(-1)
    return (-rate, -counts.findings, row.key)


def _page(request: Request, view: View | None, name: str, status: int = 200, **extra: Any) -> Response:
    """The page of template ``name``, encoded piece by piece (a long list is never held
    twice over as one text and its bytes)."""
    env: Environment = request.app.state.env
    context = view.context(**extra) if view is not None else extra
    body = b"".join(piece.encode("utf-8") for piece in env.get_template(name).generate(**context))
    return Response(body, status_code=status, media_type="text/html; charset=utf-8")


# ---------------------------------------------------------------- pages


class Pages:
    """Pages made before, kept while the ledgers they were made from are unchanged.

    A key holds the page's address, its language and date, and the identity of every
    ledger read for it: :class:`rectify.api.Ledgers` (``remember=True``) gives the same
    ledger objects while their files are unchanged and new ones after any edit, so an
    edited ledger never gets an old page. The ledgers are held with the page, so an
    identity is never reused while its page is kept. At most ``size`` pages, the least
    recently used forgotten first.
    """

    def __init__(self, size: int = 48) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[object, ...], tuple[list[Ledger], Response]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Response | None:
        """The page kept under ``key``, or None."""
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            self._pages.move_to_end(key)
            return kept[1]

    def put(self, key: tuple[object, ...], ledgers: list[Ledger], page: Response) -> None:
        """Keep ``page``, made from ``ledgers``, under ``key``."""
        with self._lock:
            self._pages[key] = (ledgers, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


PageMaker = Callable[[Request, "View", list[Ledger]], Response]


def remembered(make: PageMaker) -> Callable[[Request], Response]:
    """A route that reads the ledgers (fresh: every file's stat data is looked at) and
    answers from :class:`Pages` when nothing it was made from has changed."""

    def route(request: Request) -> Response:
        view = _view(request)
        everything = view.lib.ledgers()
        _check_choices(view, everything)
        query = tuple(sorted(request.query_params.multi_items()))
        key = (request.url.path, query, view.lang, view.day, tuple(id(ledger) for ledger in everything))
        pages: Pages = request.app.state.pages
        page = pages.get(key)
        if page is None:
            page = make(request, view, everything)
            if page.status_code == 200:
                pages.put(key, everything, page)
        return Response(page.body, status_code=page.status_code, media_type=page.media_type)

    route.__doc__ = make.__doc__
    route.__name__ = make.__name__
    return route


@remembered
def board(request: Request, view: View, everything: list[Ledger]) -> Response:
    """The board: totals, units ranked by rate with their bars, overdue, the change since
    a date, the trend of the last eight weeks, the filters and the as-of date picker."""
    chosen = _chosen(view, everything)
    data = trends.bulletin(chosen, view.day, view.since, every=None)
    ranked = sorted(data.rows, key=_rank_key)
    points = trends.trend(chosen, trends.recent_days(chosen, view.day))  # the Word 通报's weeks
    return _page(
        request, view, "board.html",
        rows=[(row, Bar.of(row.counts)) for row in ranked], total=data.total, total_bar=Bar.of(data.total),
        data=data, chart=Markup(bulletin.svg_trend(points)), choices=_choices(everything, view.day),
        supervisors={ledger.unit.id: ledger.unit.supervisor for ledger in chosen},
    )  # fmt: skip


@remembered
def unit(request: Request, view: View, everything: list[Ledger]) -> Response:
    """One unit: its aspects' figures and its findings with state, deadline in force,
    owner and days overdue."""
    wanted = request.path_params["unit"]
    ledger = next((item for item in everything if item.unit.id == wanted), None)
    if ledger is None:
        raise Refused("no_unit", 404)
    rows, total = figures.aspect_rows(ledger, view.day)
    states = figures.finding_states([ledger], view.day)
    names = {item.unit.id: item.unit.name for item in everything}
    children = [(item.unit.id, item.unit.name) for item in everything if item.unit.parent == ledger.unit.id]
    overdue = figures.overdue([ledger], view.day)
    return _page(
        request, view, "unit.html", ledger=ledger, rows=[(row, Bar.of(row.counts)) for row in rows], total=total,
        total_bar=Bar.of(total), states=states, late_days=_late_days(view.day), names=names, children=children,
        overdue=overdue, returned=_returned(view.day),
    )  # fmt: skip


def _returned(day: date) -> Callable[[Finding], Event | None]:
    """The last return (退回) of a finding on or before ``day``, with its opinion."""

    def last(found: Finding) -> Event | None:
        return last_return(found, day)

    return last


def _late_days(day: date) -> Callable[[figures.FindingState], int | None]:
    def days(state: figures.FindingState) -> int | None:
        return (day - state.deadline).days if state.overdue and state.deadline else None

    return days


def finding(request: Request) -> Response:
    """One finding: every field, the timeline, the evidence and whether each file still
    matches its recorded digest, and the git log of the finding."""
    view = _view(request)
    try:
        loaded, found = view.lib.finding(request.path_params["finding"])
    except UsageError:
        raise Refused("no_finding", 404) from None
    ledger = loaded.ledger
    state = figures.state_on(ledger, found, view.day)
    evidence = _evidence_rows(view.lib, found)
    try:
        commits = view.lib.log(found.id)
    except RectifyError:
        commits = None
    return _page(
        request, view, "finding.html", ledger=ledger, finding=found, state=state,
        deadline=deadline_on(found, view.day), late=state is not None and is_overdue(found, view.day),
        evidence=evidence, commits=commits, evidence_link=_evidence_link, returned=last_return(found, view.day),
    )  # fmt: skip


def _evidence_link(path: str) -> str:
    return "/evidence/" + quote(path, safe="/")


def _evidence_rows(lib: Ledgers, found: Finding) -> list[tuple[Evidence, str, str]]:
    """Each evidence record of the finding (its own and its events'), once: the record,
    where it was given (a date and step, or ""), and its state now."""
    seen: dict[str, tuple[Evidence, str, str]] = {}
    for item in found.evidence:
        seen.setdefault(item.path, (item, "", lib.evidence_state(item.path, item.sha256)))
    for event in found.history:
        for item in event.evidence:
            where = f"{event.date} {event.action.value}"
            seen.setdefault(item.path, (item, where, lib.evidence_state(item.path, item.sha256)))
    return list(seen.values())


@remembered
def late(request: Request, view: View, everything: list[Ledger]) -> Response:
    """Overdue findings, most overdue first, those due within ``?within=`` days, and every
    finding of the filtered units not closed on the as-of date (未完成), with owner,
    deadline in force, days overdue and the last return opinion."""
    raw = request.query_params.get("within", "14")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4) or int(raw) > 3650:
        raise Refused("bad_within")
    within = int(raw)
    chosen = _chosen(view, everything)
    found = figures.overdue(chosen, view.day, within)
    return _page(
        request, view, "late.html", overdue=[x for x in found if x.days > 0], soon=[x for x in found if x.days <= 0],
        within=within, returned=_returned(view.day), unfinished=figures.not_closed(chosen, view.day),
        names={ledger.unit.id: ledger.unit.name for ledger in chosen}, late_days=_late_days(view.day),
    )  # fmt: skip


@remembered
def problems(request: Request, view: View, everything: list[Ledger]) -> Response:
    """The high-frequency problems (高频问题): findings grouped by title, those met in most
    units first."""
    rows, total = figures.group_rows(_chosen(view, everything), view.day, "title")
    return _page(request, view, "problems.html", rows=[(row, Bar.of(row.counts)) for row in rows], total=total)


SHOWN_HITS = 500
"""At most this many search results are listed on the page (the count says how many)."""


@remembered
def search(request: Request, view: View, everything: list[Ledger]) -> Response:
    """Findings where ``?q=`` is found (:func:`rectify.domain.figures.search`: the id,
    title, detail, measures, owner, department and event notes, compared as ``list
    --title`` compares titles), as they stood on the as-of date, each naming the fields
    that matched."""
    query = request.query_params.get("q", "").strip()[:200]
    chosen = _chosen(view, everything)
    names = {ledger.unit.id: ledger.unit.name for ledger in chosen}
    hits = figures.search(chosen, view.day, query) if query else []
    return _page(
        request, view, "search.html", q=query, hits=hits[:SHOWN_HITS], found=len(hits), names=names,
        late_days=_late_days(view.day), shown=SHOWN_HITS,
    )  # fmt: skip


DOWNLOADS = {
    "ledger.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ledger.csv": "text/csv; charset=utf-8",
    "bulletin.html": "text/html; charset=utf-8",
    "bulletin.md": "text/markdown; charset=utf-8",
}
"""The files the board offers, as the CLI makes them (``export``, ``report``)."""


def download(request: Request) -> Response:
    """The workbook, CSV or bulletin of the current filter and date, as an attachment."""
    view = _view(request)
    name = request.path_params["name"]
    if name not in DOWNLOADS:
        raise HTTPException(404)
    everything = view.lib.ledgers()
    _check_choices(view, everything)
    chosen = _chosen(view, everything)
    from rectify.present import workbook  # only for a download: the board's memory stays small

    if name == "ledger.xlsx":
        data = workbook.xlsx_bytes(chosen, view.day)
    elif name == "ledger.csv":
        data = workbook.csv_bytes(workbook.records(chosen, view.day))
    else:
        made = trends.bulletin(chosen, view.day, view.since)
        text = bulletin.html(made, view.lang) if name.endswith(".html") else bulletin.markdown(made, view.lang)
        data = text.encode("utf-8")
    stem, suffix = name.split(".")
    filename = quote(f"{view.word('file_' + stem)}-{view.day}.{suffix}")
    plain = f"{stem}-{view.day}.{suffix}"
    headers = {"content-disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''{filename}"}
    if suffix == "html":  # the bulletin's own styles are inline; still no script
        headers["content-security-policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    return Response(data, media_type=DOWNLOADS[name], headers=headers)


def evidence(request: Request) -> Response:
    """An evidence file, only when a ledger records it, it lies inside the repository
    (never a path that climbs out) and its bytes are still those recorded (the sha256 a
    ledger holds for it): a path typed into a ledger by hand (``.git/config``) or a file
    changed since it was recorded is never served. Sandboxed, never run as a page."""
    view = _view(request)
    path = request.path_params["path"]
    target = view.lib.evidence_file(path)  # refuses ``..``, absolute paths and links out
    digests = {
        item.sha256
        for ledger in view.lib.ledgers()
        for found in ledger.findings
        for item in [*found.evidence, *(e for event in found.history for e in event.evidence)]
        if item.path == path
    }
    if not digests:
        raise HTTPException(404)
    if view.lib.evidence_state(path, None) == "not_file":
        raise Refused("evidence_not_file", 404)
    if not target.is_file():
        raise HTTPException(404)
    if not any(digest is not None and view.lib.evidence_state(path, digest) == "match" for digest in digests):
        raise Refused("evidence_changed", 409)
    import mimetypes

    from starlette.responses import FileResponse

    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(
        target, media_type=kind, headers={"content-security-policy": "default-src 'none'; sandbox"},
        content_disposition_type="inline" if kind.startswith(("image/", "text/plain")) or kind == "application/pdf"
        else "attachment",
    )  # fmt: skip


# ---------------------------------------------------------------- errors


def _broken(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LedgerError)
    return _page(request, _fallback(request), "broken.html", status=503, problems=exc.problems)


def _refused_plainly(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    view = _fallback(request)
    return _page(request, view, "error.html", status=exc.status, message=view.word(exc.key, **exc.values),
                 status_code=exc.status)  # fmt: skip


def _refused(request: Request, exc: Exception) -> Response:
    status = 404 if isinstance(exc, UsageError) and str(exc).startswith(("no ", "没有")) else 400
    return _page(request, _fallback(request), "error.html", status=status, message=str(exc), status_code=status)


def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _page(request, _fallback(request), "error.html", status=exc.status_code, message=_(exc.detail),
                 status_code=exc.status_code)  # fmt: skip


def _fallback(request: Request) -> View:
    """A view for an error page: the language and the as-of date asked for (today when
    none or a bad one was given), without the filters that failed."""
    lib: Ledgers = request.app.state.lib
    try:
        day = lib.today()
    except RectifyError:
        day = date.today()
    lang = _language(request, lib)
    kept = {"lang": lang} if "lang" in request.query_params else {}
    asked = request.query_params.getlist("as_of")
    if len(asked) == 1 and asked[0]:
        with contextlib.suppress(Refused):
            day = _day(asked[0], "as_of")
            kept["as_of"] = asked[0]
    return View(request, lib, lang, day, None, "", "", "", kept=kept, failed=True)


def create_app(folder: Path) -> Starlette:
    """The board's ASGI application over the ledger folder ``folder``."""
    routes = [
        Route("/", board, methods=["GET"]),
        Route("/unit/{unit}", unit, methods=["GET"]),
        Route("/finding/{finding}", finding, methods=["GET"]),
        Route("/late", late, methods=["GET"]),
        Route("/problems", problems, methods=["GET"]),
        Route("/search", search, methods=["GET"]),
        Route("/download/{name}", download, methods=["GET"]),
        Route("/evidence/{path:path}", evidence, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(Speaking)],
        exception_handlers={
            LedgerError: _broken,
            RectifyError: _refused,
            HTTPException: _http,
            Refused: _refused_plainly,
        },  # fmt: skip
    )
    app.state.lib = Ledgers(folder, remember=True)
    app.state.pages = Pages()
    app.state.env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return app
