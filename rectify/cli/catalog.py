"""The help texts of the commands in the message catalog, and shown in the user's language.

A command's help is its function's docstring (typer reads it); options and groups take
``help=N_("...")``. Both are English msgids. :func:`extract` is the Babel extraction
method of ``rectify/cli/*.py`` (``babel.cfg``): the messages Babel's Python extractor
finds, plus the docstring of every command defined in the file, found by walking the
command tree itself so no command is missed. :func:`translate` sets the help of a built
command tree in the language in force, each time a command runs, so one process can
answer ``--help`` in either language.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from rectify.i18n import _

_MSGID = "_rectify_msgid"


def commands(group: Any) -> Iterator[Any]:
    """Every command of the click tree under ``group`` (typer's click commands), ``group``
    first, depth first."""
    yield group
    for sub in getattr(group, "commands", {}).values():
        yield from commands(sub)


def translate(group: Any) -> None:
    """Put the help of every command and parameter under ``group`` in the language in
    force (:func:`rectify.i18n._`); the English msgid is kept on the object, so a later
    call in another language starts from it."""
    for command in commands(group):
        items: list[Any] = [command, *command.params]
        for item in items:
            for attribute in ("help", "short_help"):
                msgids = item.__dict__.setdefault(_MSGID, {})
                if attribute not in msgids:
                    msgids[attribute] = getattr(item, attribute, None)
                msgid = msgids[attribute]
                if msgid:
                    setattr(item, attribute, _(msgid))


def _origin(command: Any) -> Any:
    """The function a typer command was made from (typer wraps it)."""
    callback = command.callback
    return inspect.unwrap(callback) if callback is not None else None


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str | tuple[str, ...], list[str], str | None]]:
    """Babel extraction method (``babel.cfg``: ``[rectify.cli.catalog:extract: rectify/cli/**.py]``).

    Yields ``(lineno, message, comments, context)`` as Babel's Python extractor does for
    ``_``, ``N_`` and ``ngettext`` calls, then the help of each command whose function is
    defined in ``fileobj`` (its docstring, as typer shows it), at the function's line.
    """
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, dict(options))  # type: ignore[arg-type]
    name = getattr(fileobj, "name", None)
    if not name:
        return
    import typer

    from rectify.cli import app

    for command in commands(typer.main.get_command(app)):
        function = _origin(command)
        code = getattr(function, "__code__", None)
        if code is None or not os.path.exists(code.co_filename) or not command.help:
            continue
        if os.path.samefile(code.co_filename, name) and command.help == inspect.getdoc(function):
            yield code.co_firstlineno, command.help, [], None
