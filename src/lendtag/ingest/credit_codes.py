"""A column of unified social credit codes checked in a few passes over the whole chunk.

:func:`lendtag.domain.credit_code.validate_credit_code` checks one code. Here a segment of
codes is joined into one byte string of fixed-width lines (18 characters and a newline),
so ``blob[p::19]`` is the column of every code's character at position ``p``, and each
rule becomes a pass in C over such a column:

* the character set, by deleting the allowed bytes (nothing may remain) or ``isdigit``;
* the registration authority and entity category, by translating each of the two
  positions to a small number and combining them into one byte per code, then
  translating that byte to 0 (a valid pair) or 1;
* the check character: each position is translated to ``value × weight mod 31``; the
  columns, read as big integers with one byte per code, are added (eight columns at a
  time, so no byte overflows: 8 × 30 < 256), reduced mod 31 by a translation, and the
  sum including the check character's value must be 0 for every code.

A segment with any code this cannot accept as it stands (spaces, separators, full-width
characters, a wrong character) is handed back to the cell parser, which is the domain
function itself, so errors and their wording come from the domain.
"""

from __future__ import annotations

from functools import partial

from lendtag.domain.credit_code import AUTHORITIES, CHARSET, WEIGHTS, validate_credit_code
from lendtag.ingest.columns import ColumnParser, Texts, bisected
from lendtag.ingest.fields import Domain

_WIDTH = 19  # 18 characters and a newline
_VALUE = {ord(c): i for i, c in enumerate(CHARSET)}
_ALLOWED = CHARSET.encode("ascii")


def _table(mapping: dict[int, int], default: int = 0) -> bytes:
    return bytes(mapping.get(b, default) for b in range(256))


# position p (0-based, 0–16) → byte ↦ value × weight mod 31; the check character ↦ value
_WEIGHED = [_table({b: v * w % 31 for b, v in _VALUE.items()}) for w in WEIGHTS]
_CHECK_VALUE = _table(_VALUE)
_MOD31 = bytes(b % 31 for b in range(256))
# authority (position 1) and category (position 2) → 4-bit indexes, 15 where not allowed
_AUTHORITY_INDEX = {ord(a): i for i, a in enumerate(AUTHORITIES)}
_CATEGORY_CHARS = sorted({c for auth in AUTHORITIES.values() for c in auth.categories})
_CATEGORY_INDEX = {ord(c): i for i, c in enumerate(_CATEGORY_CHARS)}
assert len(_AUTHORITY_INDEX) < 15 and len(_CATEGORY_INDEX) < 15
_AUTHORITY_OF = _table(_AUTHORITY_INDEX, 15)
_CATEGORY_OF = _table(_CATEGORY_INDEX, 15)
_PAIR_OK = _table(
    {
        16 * _AUTHORITY_INDEX[ord(a)] + _CATEGORY_INDEX[ord(c)]: 0
        for a, auth in AUTHORITIES.items()
        for c in auth.categories
    },
    1,
)


def _number(column: bytes) -> int:
    return int.from_bytes(column, "big")


def _reduced(total: int, n: int) -> bytes:
    """The per-code byte sums held in ``total``, each reduced mod 31."""
    return total.to_bytes(n, "big").translate(_MOD31)


def valid_codes(texts: Texts) -> list[str] | None:
    """The upper-cased codes when every one is a valid code as written, else None."""
    n = len(texts)
    try:
        joined = "\n".join(texts) + "\n"  # type: ignore[arg-type]
    except TypeError:  # a missing cell
        return None
    if not n or not joined.isascii():
        return None
    upper = joined.upper()
    blob = upper.encode("ascii")
    if len(blob) != _WIDTH * n or blob[18::_WIDTH] != b"\n" * n:
        return None  # some code is not 18 characters long
    columns = [blob[p::_WIDTH] for p in range(18)]
    if not all(columns[p].isdigit() for p in range(2, 8)):
        return None
    if any(columns[p].translate(None, _ALLOWED) for p in (*range(8, 18), 0, 1)):
        return None
    pairs = _number(columns[0].translate(_AUTHORITY_OF)) * 16 + _number(
        columns[1].translate(_CATEGORY_OF)
    )
    zero = bytes(n)
    if pairs.to_bytes(n, "big").translate(_PAIR_OK) != zero:
        return None
    first = sum(_number(columns[p].translate(_WEIGHED[p])) for p in range(8))
    second = sum(_number(columns[p].translate(_WEIGHED[p])) for p in range(8, 16))
    last = (
        _number(_reduced(first, n))
        + _number(_reduced(second, n))
        + _number(columns[16].translate(_WEIGHED[16]))
        + _number(columns[17].translate(_CHECK_VALUE))
    )
    if _reduced(last, n) != zero:
        return None
    if upper == joined:
        return list(texts)  # type: ignore[arg-type]
    codes = upper.split("\n")
    codes.pop()
    return codes


class CreditCode(Domain):
    """A unified social credit code (GB 32100-2015): structure and check character."""

    def __init__(self) -> None:
        super().__init__(validate_credit_code, repeats=False)

    def column(self) -> ColumnParser:
        return partial(bisected, valid_codes, self)
