"""``rectify board``: a local, read-only web view over the ledgers (挂图作战 in a browser).

The pages are built by :mod:`rectify.board.app` (Starlette routes and Jinja2 templates,
no JavaScript); they read through :class:`rectify.api.Ledgers` at each request, so an
edit made by the CLI or by hand shows on reload. :func:`serve` runs it on uvicorn.
"""

from __future__ import annotations

import contextvars
import gc
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from rectify.i18n import _

LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""Hosts only this machine can reach; any other ``--host`` gets a warning."""


def serve(
    folder: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = False,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the board of the ledger folder ``folder`` on ``host``:``port`` until stopped
    (Ctrl+C). ``port`` 0 takes a free port. Once the server listens, ``ready`` is called
    with its address (``http://host:port/``) and, with ``open_browser``, the default
    browser opens it. Raises OSError when the address cannot be bound."""
    gc.enable()  # a one-shot command runs without the cyclic collector (rectify.entry); a server must not
    import uvicorn

    from rectify.board.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(folder), host=host, port=port, log_level="warning", http="h11", ws="none", lifespan="off"
        )
    )

    def announce() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if not server.started:
            return
        bound = server.servers[0].sockets[0].getsockname()
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        address = f"http://{shown}:{bound[1]}/"
        if ready is not None:
            ready(address)
        if open_browser:
            webbrowser.open(address)

    speaking = contextvars.copy_context()  # the thread says "ready" in the command's language
    threading.Thread(target=speaking.run, args=(announce,), daemon=True).start()
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind
        server.started = False
    if not server.started:
        raise OSError(_("the address is in use or not one of this machine's"))
