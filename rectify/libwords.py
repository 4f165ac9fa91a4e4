"""The words of click and typer themselves (``Usage:``, ``Options``, ``Missing argument``...),
listed so that ``pybabel extract`` puts them in rectify's catalog.

typer (and the click it ships, ``typer._click``) mark them with gettext; :func:`rectify.i18n.route_libraries` points
their ``_`` at rectify's catalog. Never imported at run time. ``tests/test_i18n.py``
fails when the installed typer holds a word missing here (regenerate the list
from their sources with Babel when upgrading them).
"""

from __future__ import annotations

from rectify.i18n import N_

WORDS = (
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)
"""Words with one form."""

PLURALS = ()
"""Words with a singular and a plural form in English."""
