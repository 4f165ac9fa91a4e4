"""People's names: when two names are one person, and when a name names anyone.

Sign-off (销号审签) is a second person's check (DOMAIN.md), so names are compared as a
reader sees them, not as their code points differ: NFKC normalisation (fullwidth letters),
case folded, white space and every default-ignorable code point removed (Unicode's
``Default_Ignorable_Code_Point`` property, DerivedCoreProperties.txt: variation selectors,
zero-width characters, the Hangul fillers, U+034F and the tag characters). A name must keep
at least one letter or digit after that (a staff number is a name), so ``\\u3164``, a
braille blank (U+2800) or ``-`` names nobody.

Look-alike letters of other scripts (a Cyrillic ``а`` in a Latin name) are *not* folded:
no table maps them reliably, and folding them would also merge real names. rectify instead
refuses a name that mixes scripts within one word (see :func:`mixed_scripts`), so such a
disguise is an error rather than a second person.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import lru_cache

_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
"""Unicode 15 ``Default_Ignorable_Code_Point`` ranges (DerivedCoreProperties.txt)."""


def _ignorable(ch: str) -> bool:
    point = ord(ch)
    return any(low <= point <= high for low, high in _DEFAULT_IGNORABLE)


_SHORT = 64
"""Names up to this length have their key and checks remembered (a ledger repeats a few
dozen names across thousands of events; a longer text is worked out each time, so the
memory kept stays bounded whatever a file holds)."""


def name_key(name: str) -> str:
    """Return ``name`` as compared for identity: NFKC, case folded, without white space,
    control or format characters and default-ignorable code points. ``"王 某\\ufe0f"`` and
    ``"王某"`` give the same key."""
    return _name_key_short(name) if len(name) <= _SHORT else _name_key(name)


@lru_cache(maxsize=4096)
def _name_key_short(name: str) -> str:
    return _name_key(name)


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(
        ch
        for ch in folded
        if not ch.isspace() and unicodedata.category(ch) not in {"Cf", "Cc", "Zs", "Mn"} and not _ignorable(ch)
    )


def names_someone(value: str) -> bool:
    """True when ``value`` has a letter or a digit once invisible characters are removed
    (``"\\u3164"``, ``"\\u2800"`` or ``"\\u200b"`` name nobody)."""
    return _names_someone_short(value) if len(value) <= _SHORT else _names_someone(value)


@lru_cache(maxsize=4096)
def _names_someone_short(value: str) -> bool:
    return _names_someone(value)


def _names_someone(value: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in name_key(value))


_CONTROLS = frozenset({*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                       *range(0x2066, 0x206A)})  # fmt: skip
"""Control characters and bidirectional marks: a name holding one can be shown as another
name (``"\u202e某钟"`` reads 钟某) or act on the terminal."""


_BREAKS = frozenset({0x09, 0x0A, 0x0D})
"""Tab, line feed and carriage return: allowed in free text (a cell's line breaks), never in a name."""
CONTROLS_IN_TEXT = "".join(re.escape(chr(c)) for c in sorted(_CONTROLS - _BREAKS))
"""The characters of :data:`_CONTROLS` but tab, line feed and carriage return, escaped for
use inside a regular expression's character class (``"[" + CONTROLS_IN_TEXT + "]"``)."""
_IN_TEXT = re.compile("[" + CONTROLS_IN_TEXT + "]")
_IN_NAME = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_CONTROLS)) + "]")


def hidden_controls(name: str) -> bool:
    """True when ``name`` holds a control character or a bidirectional mark (refused: such
    a name could pass for someone else on screen)."""
    return _IN_NAME.search(name) is not None


def control_in_text(text: str) -> str | None:
    """Return the first control character or bidirectional mark in free text (a title, a
    note, a cell) as ``U+001B``, or None when there is none. Tab, line feed and carriage
    return are text; every other C0 and C1 control (ESC starts a terminal sequence, OSC
    sets a window title), DEL and the direction marks and overrides of :data:`_CONTROLS`
    are refused wherever text enters a ledger (the model's text fields, import's cells):
    a CSV export or a 通报 would carry them to whoever opens it."""
    found = _IN_TEXT.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def same_person(a: str, b: str) -> bool:
    """True when two names are the same person's by :func:`name_key`."""
    return name_key(a) == name_key(b)


def _script(ch: str) -> str:
    """A coarse script of a letter, from its Unicode name (CJK, LATIN, CYRILLIC, GREEK…)."""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def mixed_scripts(name: str) -> bool:
    """True when a word of ``name`` mixes letters of two scripts among Latin, Cyrillic and
    Greek (``"Wаng"`` with a Cyrillic ``а``): the disguise look-alike letters allow."""
    return _mixed_short(name) if len(name) <= _SHORT else _mixed(name)


@lru_cache(maxsize=4096)
def _mixed_short(name: str) -> bool:
    return _mixed(name)


def _mixed(name: str) -> bool:
    for word in unicodedata.normalize("NFKC", name).split():
        scripts = {_script(ch) for ch in word if unicodedata.category(ch).startswith("L")}
        if len(scripts & {"LATIN", "CYRILLIC", "GREEK"}) > 1:
            return True
    return False


class NameFault(Enum):
    """What is wrong with a name given for a step (see :func:`name_fault`)."""

    NOBODY = "nobody"
    """No visible letter or digit (:func:`names_someone` is False)."""
    CONTROLS = "controls"
    """A control character or a direction mark (:func:`hidden_controls`)."""
    MIXED = "mixed"
    """Letters of look-alike scripts mixed in one word (:func:`mixed_scripts`)."""


def name_fault(name: str) -> NameFault | None:
    """The first of :func:`names_someone`, :func:`hidden_controls` and
    :func:`mixed_scripts` that ``name`` fails, in that order, or None when it names
    someone plainly. Remembered for short names, as the three are (a ledger repeats a few
    dozen names across thousands of events)."""
    return _fault_short(name) if len(name) <= _SHORT else _fault(name)


@lru_cache(maxsize=4096)
def _fault_short(name: str) -> NameFault | None:
    return _fault(name)


def _fault(name: str) -> NameFault | None:
    if not names_someone(name):
        return NameFault.NOBODY
    if hidden_controls(name):
        return NameFault.CONTROLS
    if mixed_scripts(name):
        return NameFault.MIXED
    return None
