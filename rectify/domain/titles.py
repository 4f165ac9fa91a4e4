"""Titles as compared: the same problem written with other punctuation or numbering."""

from __future__ import annotations

import re
import unicodedata

_NUMBERING = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十百0-9]+[）)、.．]\s*)+")


def title_key(title: str) -> str:
    """Return ``title`` as compared: NFKC, numbering (``一、``, ``（二）``, ``3.``) removed,
    and every punctuation mark and space dropped (``数字化改革工作不到位。`` and
    ``3. 数字化改革工作不到位`` give the same key)."""
    text = _NUMBERING.sub("", unicodedata.normalize("NFKC", title))
    return text.casefold().translate(_DROPPED)


class _Dropped(dict[int, int | None]):
    """``str.translate``'s table for :func:`title_key`: a code point of Unicode's categories
    P (punctuation), Z (separators), S (symbols) or C (control, format, unassigned) maps to
    None (dropped), any other to itself; filled as characters are met (bounded by the
    code points that exist)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code))[0] in "PZSC" else code
        self[code] = kept
        return kept


_DROPPED = _Dropped()
