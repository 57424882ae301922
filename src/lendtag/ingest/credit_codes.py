"""A column of unified social credit codes checked in a few passes over the whole chunk.

:func:`lendtag.domain.credit_code.validate_credit_code` checks one code. Here a segment of
codes is joined into one string and checked at once: one regular expression for the
structure, a set for the authority and category, and for the check character the code read
as a base-34 number (34 ≡ 3 mod 31 and the GB 32100 weights are 3^(i-1) mod 31, so that
number is congruent to the weighted sum). A segment with any code this cannot accept as it
stands (spaces, separators, full-width characters, a wrong character) is handed back to
the cell parser, which is the domain function itself.
"""

from __future__ import annotations

import re
from functools import partial
from operator import itemgetter

from lendtag.domain.credit_code import AUTHORITIES, CHARSET, WEIGHTS, validate_credit_code
from lendtag.ingest.columns import ColumnParser, Texts, bisected
from lendtag.ingest.fields import Domain

_CHAR = "[" + re.escape(CHARSET) + "]"
_CODES = re.compile(f"(?:{_CHAR}{{2}}[0-9]{{6}}{_CHAR}{{10}}\n)*")
_PREFIXES = frozenset(a + c for a, auth in AUTHORITIES.items() for c in auth.categories)
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_BASE34 = "0123456789abcdefghijklmnopqrstuvwx"
_TO_BASE34 = bytes(
    ord(_BASE34[CHARSET.index(chr(b))]) if chr(b) in _VALUE else b for b in range(256)
)
_BODY = itemgetter(slice(16, None, -1))  # positions 17 … 1: least significant digit first
_PREFIX = itemgetter(slice(0, 2))
assert all(pow(34, i, 31) == w for i, w in enumerate(WEIGHTS))


def valid_codes(texts: Texts) -> list[str] | None:
    """The upper-cased codes when every one is a valid code as written, else None."""
    try:
        joined = "\n".join(texts)  # type: ignore[arg-type]
    except TypeError:  # a missing cell
        return None
    if not joined.isascii():
        return None
    joined = joined.upper() + "\n"
    if _CODES.fullmatch(joined) is None:
        return None
    codes = joined.split("\n")
    codes.pop()
    if len(codes) != len(texts) or not _PREFIXES.issuperset(map(_PREFIX, codes)):
        return None
    bodies = joined.encode("ascii").translate(_TO_BASE34).split(b"\n")
    value = _VALUE.__getitem__
    for body, code in zip(bodies, codes, strict=False):
        if (int(_BODY(body), 34) + value(code[17])) % 31:
            return None
    return codes


class CreditCode(Domain):
    """A unified social credit code (GB 32100-2015): structure and check character."""

    def __init__(self) -> None:
        super().__init__(validate_credit_code, repeats=False)

    def column(self) -> ColumnParser:
        return partial(bisected, valid_codes, self)
