"""The board's routes: each reads the ledgers through :class:`rectify.api.Ledgers`, takes
its figures from :mod:`rectify.domain` and renders a Jinja2 template (autoescaped).

Read-only: every route answers GET (and HEAD) and none writes a file. A broken ledger
makes every page show the problems ``rectify check`` reports (HTTP 503) and the server
keeps running; a bad value in the address is a 400 page, an unknown unit or finding a 404.
Every answer carries a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import mimetypes
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
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
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rectify.api import Ledgers, parse_day
from rectify.domain import figures
from rectify.domain import trend as trends
from rectify.domain.figures import Counts
from rectify.domain.model import Evidence, Finding, Ledger
from rectify.domain.states import deadline_on, is_overdue
from rectify.errors import LedgerError, RectifyError, UsageError
from rectify.i18n import N_, _, reset_lang, set_lang
from rectify.present import bulletin, workbook
from rectify.present.words import ACTION, BOARD, FIELD, LANGS, STATUS, TABLE, column, word

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

FILTERS = ("as_of", "since", "supervisor", "parent", "aspect", "lang")
"""The query parameters the pages keep from link to link."""

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


@dataclass
class View:
    """What one request asks for: the language, the dates and the filters, read and
    checked from the query string (a bad date is a :class:`UsageError`)."""

    request: Request
    lib: Ledgers
    lang: str
    day: date
    since: date | None
    supervisor: str
    parent: str
    aspect: str

    def link(self, path: str, **changes: object) -> str:
        """``path`` with the current filters, ``changes`` applied (None or "" drops one)."""
        values = {key: self.request.query_params.get(key, "") for key in FILTERS}
        values.update({key: "" if value is None else str(value) for key, value in changes.items()})
        query = urlencode({key: value for key, value in values.items() if value})
        return f"{path}?{query}" if query else path

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
            **extra,
        }


def _language(request: Request, lib: Ledgers | None) -> str:
    """``?lang=``, else the first of the browser's languages rectify speaks (by q), else
    rectify.yaml's ``lang``, else zh."""
    chosen = request.query_params.get("lang")
    if chosen in LANGS:
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


def _view(request: Request) -> View:
    lib: Ledgers = request.app.state.lib
    query = request.query_params
    lang = _language(request, lib)
    day = parse_day(query["as_of"], "as_of") if query.get("as_of") else lib.today()
    since = parse_day(query["since"], "since") if query.get("since") else None
    if since is not None and since >= day:
        raise UsageError(_("since {since} must be before the as-of date {day}").format(since=since, day=day))
    return View(request, lib, lang, day, since, query.get("supervisor", ""), query.get("parent", ""),
                query.get("aspect", ""))  # fmt: skip


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
    parent, and only the findings of the aspect."""
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
    return out


def _choices(ledgers: list[Ledger]) -> dict[str, list[tuple[str, str]]]:
    """The values the filter form offers: (value, label) per supervision group, parent
    unit and aspect, in order of first appearance."""
    names = {ledger.unit.id: ledger.unit.name for ledger in ledgers}
    supervisors = dict.fromkeys(ledger.unit.supervisor for ledger in ledgers if ledger.unit.supervisor)
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


def _trend_days(ledgers: list[Ledger], day: date) -> list[date]:
    """The trend's points: weekly over the last half year of figures, else monthly over
    at most the last three years (a page answers fast however old the ledgers are)."""
    first = trends.first_day(ledgers)
    if first is None or first > day:
        return []
    if (day - first).days <= 26 * 7:
        return trends.trend_days(first, day, "week")
    return trends.trend_days(max(first, day - timedelta(days=3 * 365)), day, "month")


def _page(request: Request, view: View | None, name: str, status: int = 200, **extra: Any) -> Response:
    env: Environment = request.app.state.env
    context = view.context(**extra) if view is not None else extra
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


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
    a date, the trend, the filters and the as-of date picker."""
    chosen = _chosen(view, everything)
    data = trends.bulletin(chosen, view.day, view.since, every=None)
    ranked = sorted(data.rows, key=_rank_key)
    points = trends.trend(chosen, _trend_days(chosen, view.day))
    return _page(
        request, view, "board.html",
        rows=[(row, Bar.of(row.counts)) for row in ranked], total=data.total, total_bar=Bar.of(data.total),
        data=data, chart=Markup(bulletin.svg_trend(points)), choices=_choices(everything),
        supervisors={ledger.unit.id: ledger.unit.supervisor for ledger in chosen},
    )  # fmt: skip


@remembered
def unit(request: Request, view: View, everything: list[Ledger]) -> Response:
    """One unit: its aspects' figures and its findings with state, deadline in force,
    owner and days overdue."""
    wanted = request.path_params["unit"]
    ledger = next((item for item in everything if item.unit.id == wanted), None)
    if ledger is None:
        raise UsageError(_("no unit {wanted!r}").format(wanted=wanted[:80]))
    rows, total = figures.aspect_rows(ledger, view.day)
    states = figures.finding_states([ledger], view.day)
    names = {item.unit.id: item.unit.name for item in everything}
    children = [(item.unit.id, item.unit.name) for item in everything if item.unit.parent == ledger.unit.id]
    return _page(
        request, view, "unit.html", ledger=ledger, rows=[(row, Bar.of(row.counts)) for row in rows], total=total,
        total_bar=Bar.of(total), states=states, late_days=_late_days(view.day), names=names, children=children,
    )  # fmt: skip


def _late_days(day: date) -> Callable[[figures.FindingState], int | None]:
    def days(state: figures.FindingState) -> int | None:
        return (day - state.deadline).days if state.overdue and state.deadline else None

    return days


def finding(request: Request) -> Response:
    """One finding: every field, the timeline, the evidence and whether each file still
    matches its recorded digest, and the git log of the finding."""
    view = _view(request)
    loaded, found = view.lib.finding(request.path_params["finding"])
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
        evidence=evidence, commits=commits, evidence_link=_evidence_link,
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
    """Overdue findings, most overdue first, and those due within ``?within=`` days."""
    raw = request.query_params.get("within", "14")
    if not raw.isdigit() or int(raw) > 3650:
        raise UsageError(_("within must be a number of days from 0 to 3650, not {raw!r}").format(raw=raw[:40]))
    within = int(raw)
    found = figures.overdue(_chosen(view, everything), view.day, within)
    return _page(
        request, view, "late.html", overdue=[x for x in found if x.days > 0], soon=[x for x in found if x.days <= 0],
        within=within,
    )  # fmt: skip


@remembered
def problems(request: Request, view: View, everything: list[Ledger]) -> Response:
    """The high-frequency problems (高频问题): findings grouped by title, those met in most
    units first."""
    rows, total = figures.group_rows(_chosen(view, everything), view.day, "title")
    return _page(request, view, "problems.html", rows=[(row, Bar.of(row.counts)) for row in rows], total=total)


@remembered
def search(request: Request, view: View, everything: list[Ledger]) -> Response:
    """Findings whose title (or id) holds ``?q=`` (case folded), as they stood on the
    as-of date."""
    query = request.query_params.get("q", "").strip()[:200]
    chosen = _chosen(view, everything)
    names = {ledger.unit.id: ledger.unit.name for ledger in chosen}
    hits = []
    if query:
        needle = query.casefold()
        hits = [
            state
            for state in figures.finding_states(chosen, view.day)
            if needle in state.finding.title.casefold() or needle in state.finding.id
        ]
    return _page(request, view, "search.html", q=query, hits=hits, names=names, late_days=_late_days(view.day))


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
    chosen = _chosen(view, view.lib.ledgers())
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
    """An evidence file, only when a ledger records it and it lies inside the repository
    (never a path that climbs out; sandboxed, never run as a page of the board)."""
    view = _view(request)
    path = request.path_params["path"]
    target = view.lib.evidence_file(path)  # refuses ``..``, absolute paths and links out
    recorded = {
        item.path
        for ledger in view.lib.ledgers()
        for found in ledger.findings
        for item in [*found.evidence, *(e for event in found.history for e in event.evidence)]
    }
    if path not in recorded or not target.is_file():
        raise HTTPException(404)
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


def _refused(request: Request, exc: Exception) -> Response:
    status = 404 if isinstance(exc, UsageError) and str(exc).startswith(("no ", "没有")) else 400
    return _page(request, _fallback(request), "error.html", status=status, message=str(exc), status_code=status)


def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _page(request, _fallback(request), "error.html", status=exc.status_code, message=_(exc.detail),
                 status_code=exc.status_code)  # fmt: skip


def _fallback(request: Request) -> View:
    """A view for an error page: the language and today, without the filters that failed."""
    lib: Ledgers = request.app.state.lib
    try:
        day = lib.today()
    except RectifyError:
        day = date.today()
    return View(request, lib, _language(request, lib), day, None, "", "", "")


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
        exception_handlers={LedgerError: _broken, RectifyError: _refused, HTTPException: _http},
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
