"""The help texts of the commands, and the command line's own words, in the user's language.

A command's help is its function's docstring (typer reads it); options and groups take
``help=N_("...")``. Both are English msgids. :func:`extract` is the Babel extraction
method of ``rectify/cli/*.py`` (``babel.cfg``): the messages Babel's Python extractor
finds, plus the docstring of every command defined in the file, found by walking the
command tree itself so no command is missed. :func:`translate` sets the help of a built
command tree in the language in force, each time a command runs, so one process can
answer ``--help`` in either language.

typer's own words (the ``Usage:`` prefix, ``Show this message and exit.``, its usage
errors) come from the click typer ships, which writes them without gettext: a help
formatter (:class:`Formatter`) and :func:`show_error` say them through the catalog, and
:data:`WORDS` lists them for it. Its section headings (``Options``, ``Commands``) and
``[default: ...]`` go through gettext and are routed by :func:`rectify.i18n.route_libraries`.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import IO, Any

import typer

from rectify.i18n import N_, _, listed, pgettext
from rectify.present.wrapping import wrap  # brackets kept with their words, widths in cells

try:  # typer 0.2x ships its own click
    from typer._click.exceptions import NoSuchOption
    from typer._click.exceptions import UsageError as ClickUsageError
    from typer._click.formatting import HelpFormatter
except ImportError:  # pragma: no cover - older typer on the click package
    from click.exceptions import NoSuchOption  # type: ignore[assignment]
    from click.exceptions import UsageError as ClickUsageError  # type: ignore[assignment]
    from click.formatting import HelpFormatter  # type: ignore[assignment]

__all__ = ["ClickUsageError", "Context", "Formatter", "commands", "error_text", "extract", "show_error", "translate"]

WORDS = (
    N_("Usage:"),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Aborted!"),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    # typer's words through gettext (rectify.i18n.route_libraries); tests/test_i18n.py fails when
    # the installed typer has one not listed here
    N_("(dynamic)"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("[OPTIONS]"),
    N_("COMMAND"),
    N_("[ARGS]..."),
)
"""typer's own words: those its click writes without gettext (:func:`show_error`,
:class:`Formatter`), and those it marks for gettext."""

ERRORS: tuple[tuple[str, str], ...] = (
    # typer appends its suggestion to the message already translated (and drops a final "."
    # only): "没有命令 'lsit'。. Did you mean 'list'?"
    (r"(?:No such command |没有命令 ?)(?P<name>'[^']*')。?\. Did you mean (?P<options>.+)\?",
     N_("No such command {name}. Did you mean {options}?")),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)",
     N_("No such option: {name} (Possible options: {options})")),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing parameter: (?P<name>.+)", N_("Missing parameter: {name}")),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", N_("Got unexpected extra argument(s) ({args})")),
    (r"Option (?P<name>.+) requires an argument\.", N_("Option {name} requires an argument.")),
    (r"Option (?P<name>.+) requires (?P<nargs>\d+) arguments\.", N_("Option {name} requires {nargs} arguments.")),
    (r"Option (?P<name>.+) does not take a value\.", N_("Option {name} does not take a value.")),
    (r"Invalid value for (?P<name>.+?): (?P<message>.*)", N_("Invalid value for {name}: {message}")),
    (r"Invalid value: (?P<message>.*)", N_("Invalid value: {message}")),
    (r"(?P<value>.+) is not a valid integer\.", N_("{value} is not a valid integer.")),
    (r"Input should be a valid integer, unable to parse string as an integer",
     N_("Input should be a valid integer, unable to parse string as an integer")),
    (r"Input should be less than or equal to (?P<limit>.+)", N_("Input should be less than or equal to {limit}")),
    (r"Input should be greater than or equal to (?P<limit>.+)", N_("Input should be greater than or equal to {limit}")),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.", N_("{value} is not in the range {range}.")),
)  # fmt: skip
"""typer's usage errors as its click words them (a pattern) and as the catalog has them."""


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKENS = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")


def _width(text: str) -> int:
    from wcwidth import wcswidth

    return max(wcswidth(text), len(text) if wcswidth(text) < 0 else 0)


def _shorten(text: str, width: int) -> str:
    """``text`` cut at a word (or between Chinese characters) to fit ``width`` columns."""
    kept = ""
    for token in _TOKENS.findall(text):
        if _width(kept + token) > width:
            break
        kept += token
    return kept.rstrip(" ,;:，；：、")


class Formatter(HelpFormatter):
    """click's help formatter saying ``Usage:`` and each option's help in the language in
    force, wrapping text to the window by display width (Chinese characters are two
    columns; click counts characters and breaks only at spaces)."""

    def write_text(self, text: str) -> None:
        """Write a help paragraph, indented and wrapped (:func:`wrap`)."""
        indent = " " * self.current_indent
        width = max((self.width or 80) - self.current_indent, 11)
        self.write("".join(f"{indent}{line}\n" if line else "\n" for line in wrap(text, width)))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """Write option or command rows, their help translated when the catalog has it
        (``-h``'s own) and wrapped by display width beside the names."""
        rows = [(type_label(term), _range_words(_(text)) if text else text) for term, text in rows]
        first_col = min(max((_width(term) for term, _text in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            self.write(f"{indent}{term}")
            if not text:
                self.write("\n")
                continue
            if _width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - _width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            room = max((self.width or 80) - first_col - self.current_indent, 10)
            lines = wrap(text, room) or [""]
            if len(lines) > 1 and text.endswith("...") and "\n" not in text:  # a command's cut short help
                lines = [_shorten(text[:-3], room - 3) + "..."]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{' ' * (first_col + self.current_indent)}{line}\n" if line else "\n")

    def write_heading(self, heading: str) -> None:
        """Write a section heading (``参数：``), with a full-width colon after a Chinese one."""
        colon = "：" if re.search(f"[{_WIDE}]", heading) else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line with the translated ``Usage:`` and placeholders
        (``[OPTIONS]``, ``COMMAND``, ``[ARGS]...``)."""
        for word in ("[OPTIONS]", "COMMAND", "[ARGS]..."):
            args = re.sub(rf"(?<!\S){re.escape(word)}(?!\S)", _(word), args)
        super().write_usage(prog, args, f"{_('Usage:')} " if prefix is None else prefix)



class Context(typer.Context):
    """The context of every rectify command: helps with :class:`Formatter`."""

    formatter_class = Formatter


def error_text(message: str) -> str:
    """One of typer's usage errors (``No such option: --x``) in the language in force."""
    for pattern, msgid in ERRORS:
        found = re.fullmatch(pattern, message, re.DOTALL)
        if found:
            values = found.groupdict()
            if "message" in values:
                values["message"] = error_text(values["message"])
            if "options" in values:
                values["options"] = listed(re.split(r", (?=')", values["options"]))
            return _(msgid).format(**values)
    return _(message)




def suggestions(exc: NoSuchOption) -> list[str]:
    """The options to suggest for the unknown option of ``exc``: first the command's
    option that fills the field of that name (``return --note`` is ``--opinion``, which
    records the step's note), then those click finds spelled alike (difflib's close
    matches), each once."""
    ctx = getattr(exc, "ctx", None)
    wanted = exc.option_name.lstrip("-").replace("-", "_")
    found: list[str] = []
    for param in getattr(getattr(ctx, "command", None), "params", []):
        if param.param_type_name == "option" and param.name == wanted and param.expose_value:
            found += [flag for flag in param.opts if flag.startswith("--")][:1]
    return list(dict.fromkeys([*found, *sorted(exc.possibilities or ())]))


def show_error(exc: Exception) -> None:
    """Print a usage error of typer's click on stderr as click does (usage line, the
    ``-h`` hint, ``Error: ...``), in the language in force."""
    if isinstance(exc, ClickUsageError) and type(exc).show is not ClickUsageError.show:
        exc.show()  # its own words: the help, made in the language in force (no_args_is_help)
        return
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, ClickUsageError) and ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = _("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]
            )
            hint += "\n"
        typer.echo(f"{ctx.get_usage()}\n{hint}", err=True)
    absent = None
    if isinstance(exc, NoSuchOption):
        absent = _ABSENT.get((str(getattr(getattr(ctx, "command", None), "name", "")), exc.option_name))
    root = ctx.find_root() if ctx is not None else None
    global_option = (
        isinstance(exc, NoSuchOption) and root is not None and ctx is not root
        and any(exc.option_name in param.opts for param in root.command.params)
    )  # fmt: skip
    if isinstance(exc, NoSuchOption) and absent is not None:
        text = _("No such option: {name}; {why}").format(name=exc.option_name, why=_(absent))
    elif isinstance(exc, NoSuchOption) and global_option and ctx is not None:
        text = _("{name} is an option of rectify itself: put it before the command ({example})").format(
            name=exc.option_name, example=f"rectify {exc.option_name} {ctx.info_name} …"
        )
    elif isinstance(exc, NoSuchOption) and (options := suggestions(exc)):
        text = _("No such option: {name} (Possible options: {options})").format(
            name=exc.option_name, options=listed(options)
        )
    else:
        format_message = getattr(exc, "format_message", None)
        text = error_text(format_message() if format_message is not None else str(exc))
    typer.echo(_("Error: {message}").format(message=text), err=True)

_ABSENT = {
    ("edit", "--deadline"): N_("the deadline moves only by an approved extension: `rectify extend` (延期)"),
}
"""Options a command lacks on purpose, by (command, option), and what to use instead."""

_MSGID = "_rectify_msgid"

_PERSONS = ("--by", "--approver", "--owner", "--leader")
"""The options whose NAME is a person's (姓名, not 名称)."""


def metavar(word: str, flags: Collection[str]) -> str:
    """The placeholder ``word`` (an option's or argument's metavar: ``DATE``, ``NAME``)
    in the language in force, for the option of ``flags``; a word the catalog does not
    know is kept. A few read differently by the option (``--by NAME`` names a person,
    ``status --by GROUP`` a grouping, ``--port N`` a port)."""
    by_flag = {
        ("NAME", "person"): pgettext("metavar of a person", "NAME"),
        ("GROUP", "--by"): pgettext("metavar of a grouping", "GROUP"),
        ("N", "--precision"): pgettext("metavar of decimals", "N"),
        ("N", "--rules"): pgettext("metavar of a count", "N"),
        ("N", "--port"): pgettext("metavar of a port", "N"),
        ("N", "--issue"): pgettext("metavar of an issue", "N"),
    }
    for flag in flags:
        key = (word, "person" if word == "NAME" and flag in _PERSONS else flag)
        if key in by_flag:
            return by_flag[key]
    words = {
        "ASPECT": pgettext("metavar", "ASPECT"),
        "BASE": pgettext("metavar", "BASE"),
        "DATE": pgettext("metavar", "DATE"),
        "DAYS": pgettext("metavar", "DAYS"),
        "DIR": pgettext("metavar", "DIR"),
        "[DIR]": pgettext("metavar", "[DIR]"),
        "FILE": pgettext("metavar", "FILE"),
        "FORMAT": pgettext("metavar", "FORMAT"),
        "GROUP": pgettext("metavar", "GROUP"),
        "HOST": pgettext("metavar", "HOST"),
        "ID": pgettext("metavar", "ID"),
        "KIND=N": pgettext("metavar", "KIND=N"),
        "LANG": pgettext("metavar", "LANG"),
        "N": pgettext("metavar", "N"),
        "NAME": pgettext("metavar", "NAME"),
        "OURS": pgettext("metavar", "OURS"),
        "PATH": pgettext("metavar", "PATH"),
        "PERIOD": pgettext("metavar", "PERIOD"),
        "ROLE": pgettext("metavar", "ROLE"),
        "ROUND": pgettext("metavar", "ROUND"),
        "SIZE": pgettext("metavar", "SIZE"),
        "TEXT": pgettext("metavar", "TEXT"),
        "THEIRS": pgettext("metavar", "THEIRS"),
        "UNIT": pgettext("metavar", "UNIT"),
        "YUAN": pgettext("metavar", "YUAN"),
    }
    return words.get(word, word)


def type_label(term: str) -> str:
    """A help row's name with typer's type label (``ID <str>``, ``FILE <path>``) and
    number range (``0<=x<=4``) in the language in force."""
    labels = {
        "<str>": pgettext("type", "<str>"),
        "<path>": pgettext("type", "<path>"),
        "<int>": pgettext("type", "<int>"),
    }
    return re.sub(r"<\w+>", lambda found: labels.get(found.group(), found.group()), term)


def _range_words(text: str) -> str:
    """The bracket typer ends an option's help with (``[default: 1; 0<=x<=4]``), its number
    range in the language in force and its parts joined as the language does."""
    found = re.search(r"  \[(.*)\]$", text, re.DOTALL)
    if not found:
        return text
    parts = []
    for part in found.group(1).split("; "):
        if bounds := re.fullmatch(r"(-?[\d.]+)<=x<=(-?[\d.]+)", part):
            part = _("{low}<=x<={high}").format(low=bounds[1], high=bounds[2])
        elif low := re.fullmatch(r"x>=(-?[\d.]+)", part):
            part = _("x>={low}").format(low=low[1])
        elif high := re.fullmatch(r"x<=(-?[\d.]+)", part):
            part = _("x<={high}").format(high=high[1])
        parts.append(part)
    joined = parts[0]
    for part in parts[1:]:
        joined = _("{first}; {next}").format(first=joined, next=part)
    return f"{text[: found.start()]}  [{joined}]"


def commands(group: Any, every: bool = False) -> Iterator[Any]:
    """Every command of the click tree under ``group`` (typer's click commands), ``group``
    first, depth first. A group whose commands are made when asked for
    (:class:`rectify.cli.LazyCommands`) gives those made so far, unless ``every``."""
    yield group
    found = getattr(group, "commands", {})
    made = getattr(found, "made", None)
    for sub in made() if made is not None and not every else found.values():
        yield from commands(sub, every)


def lang_everywhere(group: Any, under: Any = None) -> None:
    """Give every command that has no ``--lang`` of its own the group's (``rectify check
    --lang en``): its value is not passed to the command, since the language of a run is
    decided from the command line before parsing (:func:`rectify.cli.common.early_language`).
    ``under``: only the commands of that part of the tree (one just made), else all made."""
    import copy

    given = next((param for param in group.params if param.name == "lang"), None)
    if given is None:
        return
    for command in commands(under or group):
        if command is group or hasattr(command, "commands") or any(p.name == "lang" for p in command.params):
            continue
        option = copy.copy(given)
        option.expose_value = False
        option.callback = _checked_lang
        command.params.append(option)


def _checked_lang(ctx: Any, param: Any, value: str | None) -> str | None:
    """Refuse a ``--lang`` rectify does not speak (UsageError, exit 2)."""
    from rectify.cli.common import language

    return language(value) if value is not None else None


def install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """``--install-completion``: typer installs the completion script for the shell
    (typer.completion's ``install``, as its own callback does); what it says is said in
    the language in force (typer writes it in English only)."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install  # what typer.completion's own callback calls

    name, path = install(value) if isinstance(value, str) else install()
    typer.secho(_("{name} completion installed in {path}").format(name=name, path=path), fg="green")
    typer.echo(_("Completion will take effect once you restart the terminal"))
    raise typer.Exit(0)


def translate(group: Any, under: Any = None) -> None:
    """Put the help of every command and parameter under ``group`` in the language in
    force (:func:`rectify.i18n._`); the English msgid is kept on the object, so a later
    call in another language starts from it. ``under``: only that part of the tree (a
    command just made), else every command made so far."""
    for param in group.params:
        if param.name == "install_completion":
            param.callback = install_completion
    for command in commands(under or group):
        command.context_class = Context
        for param in command.params:
            words = param.__dict__.setdefault(_MSGID, {})
            if "metavar" not in words:
                words["metavar"] = param.metavar
            if words["metavar"]:
                param.metavar = metavar(words["metavar"], param.opts)
        items: list[Any] = [command, *command.params]
        for item in items:
            for attribute in ("help", "short_help"):
                msgids = item.__dict__.setdefault(_MSGID, {})
                if attribute not in msgids:
                    msgids[attribute] = getattr(item, attribute, None)
                msgid = msgids[attribute]
                if msgid:
                    setattr(item, attribute, _(msgid))
        original = command.__dict__[_MSGID]
        if not original["short_help"] and original["help"] and command.help != original["help"]:
            # click shortens a help at spaces, which Chinese has none of: its first sentence
            command.short_help = _first_sentence(command.help)
        elif not original["short_help"]:
            command.short_help = None


def _first_sentence(text: str) -> str:
    """The first sentence of a translated help (up to its first 。), on one line."""
    first = text.strip().split("\n\n")[0]
    head, stop, _rest = first.partition("。")
    return (head + stop).replace("\n", "")


def _origin(command: Any) -> Any:
    """The function a typer command was made from (typer wraps it)."""
    callback = command.callback
    return inspect.unwrap(callback) if callback is not None else None


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
    tree: Any,
) -> Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]:
    """The messages of a file of ``rectify/cli`` for Babel, with the command tree ``tree``
    (called by :func:`rectify.cli.extract_messages`, the method ``babel.cfg`` names).

    Yields ``(lineno, funcname, message, comments)`` as Babel's Python extractor does for
    ``_``, ``N_`` and ``ngettext`` calls, then the help of each command whose function is
    defined in ``fileobj`` (its docstring, as typer shows it), at the function's line.
    """
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, dict(options))  # type: ignore[arg-type,misc]
    name = getattr(fileobj, "name", None)
    if not name:
        return
    for command in commands(tree, every=True):
        function = _origin(command)
        code = getattr(function, "__code__", None)
        if code is None or not os.path.exists(code.co_filename) or not command.help:
            continue
        if os.path.samefile(code.co_filename, name) and command.help == inspect.getdoc(function):
            yield code.co_firstlineno, "_", command.help, []
