"""The language rectify speaks, and the translation of every message a person reads.

Messages are written in English in the code and wrapped in :func:`_` (or
:func:`ngettext` when a count decides the form); the English text is the gettext msgid.
The Chinese is in one catalog, ``rectify/locale/zh_CN/LC_MESSAGES/rectify.po``, kept
with Babel (``pybabel extract/update/compile``, see the README) and shipped compiled
(``rectify.mo``, checked against the ``.po`` by ``tests/test_i18n.py``).

The language is held in a context variable: the CLI sets it once per run
(:func:`choose` decides it: ``--lang``, then ``rectify.yaml``, then the locale
environment, then the operating system's UI language), the web board per request
(:func:`speaking`). Code that runs with none set speaks English.

This module is the bottom of the layers (``pyproject.toml``): every other module may
call it; it imports nothing of rectify's.
"""

from __future__ import annotations

import gettext
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path

DOMAIN = "rectify"
"""The gettext domain: the catalogs are ``<lang>/LC_MESSAGES/rectify.mo``."""
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""Where the catalogs are, inside the installed package."""
LANGS = ("zh", "en")
"""The languages rectify speaks (``--lang``, ``lang:`` in rectify.yaml)."""
CATALOGS = {"zh": "zh_CN", "en": "en"}
"""The gettext locale of each language; ``en`` needs no catalog (English is the msgid)."""

_LANG: ContextVar[str] = ContextVar("rectify_lang", default="en")
_LOADED: dict[str, gettext.NullTranslations] = {}


def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (``zh`` or ``en``), loaded once per process; a
    :class:`gettext.NullTranslations` (the English msgids) for ``en`` or when none is
    installed."""
    if lang not in _LOADED:
        code = CATALOGS.get(lang, lang)
        _LOADED[lang] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    return _LOADED[lang]


def current() -> str:
    """The language in force in this context: ``zh`` or ``en`` (``en`` when none was set)."""
    return _LANG.get()


def set_lang(lang: str) -> Token[str]:
    """Speak ``lang`` (``zh`` or ``en``) from now on in this context; returns the token
    :func:`reset_lang` takes to undo it. Raises ValueError for another language."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    return _LANG.set(lang)


def reset_lang(token: Token[str]) -> None:
    """Undo the :func:`set_lang` that returned ``token``."""
    _LANG.reset(token)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the ``with`` block (a board request, a test), then as before."""
    token = set_lang(lang)
    try:
        yield
    finally:
        reset_lang(token)


def _(message: str) -> str:
    """``message`` (an English msgid) in the language in force."""
    return translations(_LANG.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` in the language in force (English has
    two forms, Chinese one)."""
    return translations(_LANG.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` (an English msgid) in the language in force, as the catalog gives it
    under ``context``: the same English word may read differently by what it names
    (``pgettext("state", "closed")`` is 已销号, a YAML value shown in a sentence)."""
    return translations(_LANG.get()).pgettext(context, message)


def listed(items: Iterable[object]) -> str:
    """``items`` as one list in the language in force: ``a, b, c`` in English, ``a、b、c``
    in Chinese (the catalog's ``{first}, {next}``); the empty text for none."""
    text = ""
    for number, item in enumerate(items):
        text = str(item) if number == 0 else _("{first}, {next}").format(first=text, next=item)
    return text


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for a deferred message
    """Mark ``message`` for the catalog without translating it now (help texts built at
    import, words in tables of data); :func:`_` translates it where it is shown."""
    return message


_OS_REASONS = {
    "ENOENT": N_("no such file or folder"),
    "EISDIR": N_("it is a folder, not a file"),
    "ENOTDIR": N_("a part of the path is a file, not a folder"),
    "EACCES": N_("permission denied, or the file is open in another program"),
    "EPERM": N_("permission denied, or the file is open in another program"),
    "ENOSPC": N_("the disk is full"),
    "EROFS": N_("the disk is read-only"),
    "EEXIST": N_("it already exists"),
    "EBUSY": N_("it is in use by another program"),
    "ENAMETOOLONG": N_("the name is too long"),
    "EINVAL": N_("the name or the path is not valid"),
    "EADDRINUSE": N_("the port is in use by another program"),
}
"""The catalog's words for the operating-system errors people meet (by ``errno`` name)."""


def os_reason(exc: OSError) -> str:
    """Why the operating system refused (``exc``, an :class:`OSError`), in the language in
    force: the catalog's words for the common ``errno`` values (:data:`_OS_REASONS`: no
    such file, a folder, permission, disk full or read-only, exists, busy, name too long,
    invalid), else the system's own text (``exc.strerror``, or ``str(exc)``). The one place
    an ``OSError`` becomes words; every message that shows a reason calls it."""
    import errno

    name = errno.errorcode.get(exc.errno or -1, "")
    if name in _OS_REASONS:
        return _(_OS_REASONS[name])
    return str(exc.strerror or exc)


def one_of(option: str, value: str, words: Mapping[str, Sequence[str]]) -> str:
    """The value an option takes, from what was typed: ``words`` maps each value
    (``month``) to the Chinese words that also name it (``("月", "按月", "每月")``, the
    first the one shown), so a Chinese user may type what the help shows. Returns the value;
    raises ValueError with the message that lists the values in the language in force
    (``--every 须为 week（周）、month（月）之一，不能是 'x'``)."""
    typed = value.strip()
    for name, aliases in words.items():
        if typed == name or typed in aliases:
            return name
    shown = (
        (_("{value} ({name})").format(value=name, name=aliases[0]) if aliases else name)
        if current() == "zh"
        else name
        for name, aliases in words.items()
    )
    raise ValueError(_("{option} must be one of {values}, not {value!r}").format(
        option=option, values=listed(shown), value=value))


def choose(flag: str | None = None, configured: str | None = None) -> str:
    """Decide the language, the one place that does: ``flag`` (``--lang``) when given,
    else ``configured`` (``lang:`` in rectify.yaml), else the environment and the
    operating system (:func:`default_lang`). Raises ValueError for a language rectify
    does not speak."""
    if flag is not None:
        if flag not in LANGS:
            raise ValueError(flag)
        return flag
    if configured in LANGS:
        return str(configured)
    return default_lang()


def default_lang() -> str:
    """The language of the user's environment: the locale variables (``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``, then ``LANGUAGE``: :func:`env_lang`), else the operating
    system's UI language (:func:`system_lang`), else ``en``. ``zh`` for any Chinese locale."""
    return env_lang() or system_lang() or "en"


def env_lang() -> str | None:
    """The language the locale variables name (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, then
    ``LANGUAGE``; ``C`` and ``POSIX`` name none): ``zh``, ``en`` or None."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "zh" if value.lower().startswith("zh") else "en"
    return None


def system_lang() -> str | None:
    """The operating system's UI language when the environment names none: on Windows the
    user's UI language (``GetUserDefaultUILanguage``, mapped by the standard library's
    ``locale.windows_locale``), elsewhere the locale Python was started with. ``zh``,
    ``en`` or None when it cannot be told."""
    import locale

    name: str | None = None
    if sys.platform == "win32":
        try:
            import ctypes

            lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
            name = locale.windows_locale.get(int(lcid))
        except (AttributeError, OSError, ValueError):
            name = None
    if name is None:
        try:
            name = locale.getlocale()[0]
        except ValueError:
            name = None
    if not name:
        return None
    return "zh" if name.lower().startswith(("zh", "chinese")) else "en"


def route_libraries(prefixes: tuple[str, ...] = ("click", "typer")) -> None:
    """Make click's and typer's own words (``Usage:``, ``Options``, ``Show this message
    and exit.``, ``No such option``...) speak the language in force.

    Both libraries mark their words for gettext with ``from gettext import gettext as _``
    (and ``ngettext``), which reads the process-wide default domain; each loaded module of
    theirs that holds those functions is pointed at :func:`_` and :func:`ngettext` here,
    whose catalog holds their words too (listed in :data:`rectify.cli.catalog.WORDS`). Idempotent.
    """
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(prefixes):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]
