"""Identifiers: unified social credit codes, resident ID numbers and mobile numbers.

Credit codes are unique by construction: the 8-character organisation-code body is an
affine permutation of the customer's index (keyed by the seed), so no two customers of
one portfolio can share a code, however many are generated, and no look-up table is kept.
Enterprises registered before the 2015 reform carry an all-digit legacy body; later ones
the ``MA`` bodies that market regulators have issued since.
"""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric

from lendtag.demo.catalog import PERSON_AREAS
from lendtag.demo.common import stream
from lendtag.domain.credit_code import CHARSET, make_credit_code

__all__ = ["CodeMaker", "mobile_number", "org_check_char", "resident_id"]

_REFORM = dt.date(2015, 10, 1)  # 三证合一: the unified code replaced separate numbers
_DIGIT_SPACE = 10**8
_MA_SPACE = 31**6
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_check_char(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def _base31(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 31)
        chars.append(CHARSET[digit])
    return "".join(reversed(chars))


class CodeMaker:
    """Makes the credit code of customer ``index``; distinct indexes give distinct codes."""

    def __init__(self, seed: int) -> None:
        rng = stream(seed, "credit-code-permutation")
        # Multipliers coprime with the space sizes make i -> a*i + b a bijection.
        self._a_digit = rng.randrange(10**7, _DIGIT_SPACE) | 1
        while self._a_digit % 5 == 0:
            self._a_digit += 2
        self._b_digit = rng.randrange(_DIGIT_SPACE)
        self._a_ma = rng.randrange(31**5, _MA_SPACE)
        if self._a_ma % 31 == 0:
            self._a_ma += 1
        self._b_ma = rng.randrange(_MA_SPACE)

    def body(self, index: int, established_on: dt.date) -> str:
        """Positions 9–17: 8 body characters plus the GB 11714 check character."""
        if established_on < _REFORM:
            body8 = f"{(self._a_digit * index + self._b_digit) % _DIGIT_SPACE:08d}"
        else:
            body8 = "MA" + _base31((self._a_ma * index + self._b_ma) % _MA_SPACE, 6)
        return body8 + org_check_char(body8)

    def credit_code(self, index: int, category: str, area: str, established_on: dt.date) -> str:
        """The full 18-character code: authority 9 (市场监管), ``category``, ``area``, body."""
        return make_credit_code("9" + category + area + self.body(index, established_on))


_FIRST_YEAR = min(since for _, since in PERSON_AREAS)
_AREAS_FOR_YEAR = {  # birth year -> areas whose code already existed that year
    year: tuple(code for code, since in PERSON_AREAS if since <= year)
    for year in range(_FIRST_YEAR, 2100)
}


def resident_id(rng: random.Random, birth: dt.date, male: bool) -> str:
    """A valid 18-digit resident identity number (GB 11643) for a real area and birth date."""
    area = rng.choice(_AREAS_FOR_YEAR[min(max(birth.year, _FIRST_YEAR), 2099)])
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)  # 17th digit: odd = male
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    # stdnum expects the whole number and ignores its last character.
    return first17 + str(ric.calc_check_digit(first17 + "0"))


_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip


def mobile_number(rng: random.Random) -> str:
    """An 11-digit mainland mobile number with a real carrier prefix."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
