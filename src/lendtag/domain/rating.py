"""Credit-rating scales: the domestic 三等九级 symbols and an internal PD master scale.

Domestic scale (DOMAIN.md §5.1, CONFIRMED): nine grades in three classes (A-class
AAA/AA/A, B-class BBB/BB/B, C-class CCC/CC/C). Every grade except AAA and those
from CCC down may carry "+" or "−", giving 19 symbols. "D" (default) is used by
many systems but is not one of them. Symbols are stored with an ASCII hyphen.

Master scale (§5.4): ILLUSTRATIVE, a configurable default and not a sourced table.
Geometric bands floored at the 0.05% corporate PD floor (MEMORY), nested in the
Pillar 3 CR6 buckets (MEMORY), 13 non-default grades plus D (≥ 7 + 1 required).
"""

from __future__ import annotations

import bisect
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from lendtag.domain.errors import DomainError

__all__ = [
    "MASTER_SCALE",
    "PD_FLOOR",
    "RATING_SYMBOLS",
    "MasterGrade",
    "grade_for_pd",
    "notches_between",
    "parse_rating",
    "rating_class",
    "rating_rank",
]

RATING_SYMBOLS: Final = (
    "AAA",
    "AA+",
    "AA",
    "AA-",
    "A+",
    "A",
    "A-",
    "BBB+",
    "BBB",
    "BBB-",
    "BB+",
    "BB",
    "BB-",
    "B+",
    "B",
    "B-",
    "CCC",
    "CC",
    "C",
)
"""The 19 domestic issuer symbols, best first."""

_RANK: Mapping[str, int] = MappingProxyType({s: i for i, s in enumerate(RATING_SYMBOLS)})
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2010": "-", "\u2011": "-"})


def parse_rating(text: str) -> str:
    """Return the canonical symbol ("AA-") for "AA-", "aa−", " AA － " etc.

    Raises :class:`DomainError` (code ``rating.symbol``) for anything outside the
    19 symbols, with a hint for the usual mistakes (AAA+, CCC-, D).
    """
    symbol = text
    if not symbol.isascii():
        symbol = unicodedata.normalize("NFKC", symbol).translate(_MINUS_SIGNS)
    symbol = "".join(symbol.split()).upper()
    if symbol in _RANK:
        return symbol
    if symbol == "D":
        hint = "D (default) is not one of the 19 rating symbols; record the default separately"
    elif symbol[:1] in ("A", "C") and symbol.rstrip("+-") in ("AAA", "CCC", "CC", "C"):
        hint = "AAA and the grades from CCC down carry no + or −"
    else:
        hint = "expected one of " + ", ".join(RATING_SYMBOLS)
    raise DomainError("rating.symbol", f"{text!r} is not a domestic rating symbol: {hint}")


def rating_rank(symbol: str) -> int:
    """Position on the scale, 0 for AAA to 18 for C."""
    return _RANK[parse_rating(symbol)]


def rating_class(symbol: str) -> Literal["A", "B", "C"]:
    """三等: "A" for AAA/AA/A (with modifiers), "B" for BBB/BB/B, "C" for CCC/CC/C."""
    letter = parse_rating(symbol)[0]
    if letter == "A":
        return "A"
    return "B" if letter == "B" else "C"


def notches_between(a: str, b: str) -> int:
    """Notches from ``a`` to ``b``: positive when ``b`` is worse (AA → A is 3)."""
    return rating_rank(b) - rating_rank(a)


# --- Internal master scale (ILLUSTRATIVE) -------------------------------------------------

PD_FLOOR: Final = 0.0005
"""Corporate PD floor, 0.05% (Basel III final / 2023 资本办法; MEMORY)."""


@dataclass(frozen=True, slots=True)
class MasterGrade:
    """One grade of the internal master scale. PDs are fractions (0.0005 = 0.05%)."""

    grade: int
    """1 (best) … 13; 14 is the default grade, shown as "D"."""
    symbol: str
    pd_from: float
    """Inclusive lower bound."""
    pd_to: float | None
    """Exclusive upper bound; ``None`` for the default grade."""
    representative_pd: float
    cr6_bucket: str

    @property
    def label(self) -> str:
        return "D" if self.is_default else str(self.grade)

    @property
    def is_default(self) -> bool:
        return self.pd_to is None


MASTER_SCALE: tuple[MasterGrade, ...] = tuple(
    MasterGrade(grade, symbol, lo, hi, rep, bucket)
    for grade, symbol, lo, hi, rep, bucket in (
        (1, "AAA", 0.0005, 0.0010, 0.0007, "0.00–<0.15"),
        (2, "AA+", 0.0010, 0.0015, 0.0012, "0.00–<0.15"),
        (3, "AA", 0.0015, 0.0025, 0.0019, "0.15–<0.25"),
        (4, "AA-", 0.0025, 0.0040, 0.0032, "0.25–<0.50"),
        (5, "A+", 0.0040, 0.0050, 0.0045, "0.25–<0.50"),
        (6, "A", 0.0050, 0.0075, 0.0061, "0.50–<0.75"),
        (7, "A-", 0.0075, 0.0125, 0.0097, "0.75–<2.50"),
        (8, "BBB", 0.0125, 0.0250, 0.0177, "0.75–<2.50"),
        (9, "BB", 0.0250, 0.0500, 0.0354, "2.50–<10.00"),
        (10, "B", 0.0500, 0.1000, 0.0707, "2.50–<10.00"),
        (11, "CCC", 0.1000, 0.2000, 0.141, "10.00–<100.00"),
        (12, "CC", 0.2000, 0.4000, 0.283, "10.00–<100.00"),
        (13, "C", 0.4000, 1.0, 0.63, "10.00–<100.00"),
        (14, "D", 1.0, None, 1.0, "100.00 (default)"),
    )
)
"""The illustrative master scale of DOMAIN.md §5.4, best grade first."""

_LOWER_BOUNDS = [g.pd_from for g in MASTER_SCALE[:-1]]


def grade_for_pd(pd: float, *, defaulted: bool = False) -> MasterGrade:
    """The master-scale grade of a one-year PD (a fraction, 0.01 = 1%).

    Lower bounds are inclusive. A PD below the 0.05% floor is floored into grade 1;
    a PD of 100% or a defaulted obligor gets D. Raises :class:`DomainError` for a
    PD outside 0–1 or not a number.
    """
    if defaulted:
        return MASTER_SCALE[-1]
    if math.isnan(pd) or pd < 0 or pd > 1:
        raise DomainError(
            "rating.pd", f"a probability of default must be between 0 and 1, got {pd!r}"
        )
    if pd >= 1.0:
        return MASTER_SCALE[-1]
    index = bisect.bisect_right(_LOWER_BOUNDS, max(pd, PD_FLOOR)) - 1
    return MASTER_SCALE[index]
