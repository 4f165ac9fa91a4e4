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
    return "".join(ch for ch in text.casefold() if unicodedata.category(ch)[0] not in "PZSC")
