"""Personal identifiers: resident ID numbers, mobile numbers, masking and data classes.

Persons appear in corporate lending as 法定代表人, shareholders, 实际控制人,
natural-person guarantors and 个体工商户 (DOMAIN.md §6.2). Their identifiers are
personal information under PIPL and personal financial information under
JR/T 0171-2020, so they are validated on the way in and masked on the way out.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from stdnum.cn import ric

from lendtag.domain.errors import IdentityError
from lendtag.domain.region import PROVINCES

__all__ = [
    "PERSONAL_FIELDS",
    "FieldClassification",
    "mask_id_number",
    "mask_phone",
    "validate_mobile",
    "validate_resident_id",
]

_SEPARATORS = str.maketrans("", "", " -\t\u3000")
_CHECK_CHARS = frozenset("0123456789X")


def _clean(text: str) -> str:
    if text.isascii() and text.isalnum():
        return text.upper()  # fast path: nothing to strip
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_SEPARATORS).upper()


def validate_resident_id(text: str) -> str:
    """Return the 18-character 居民身份证 number, or raise :class:`IdentityError`.

    Checks length, digits, the province prefix, the ISO 7064 MOD 11-2 check
    character (``X`` for 10), the birth date (a real date, not in the future) and,
    through ``stdnum.cn.ric``, that positions 1–6 were a county code in use in the
    birth year. A lower-case ``x`` is accepted and returned as ``X``.
    """
    number = _clean(text)
    if len(number) == 15 and number.isdigit():
        raise IdentityError(
            "identity.id_legacy",
            "this is a 15-digit first-generation ID number, which is no longer valid; "
            "ask for the 18-digit number",
        )
    if len(number) != 18:
        raise IdentityError(
            "identity.id_length",
            f"a resident ID number has 18 characters, got {len(number)}",
        )
    if not (number[:17].isdigit() and number.isascii() and number[17] in _CHECK_CHARS):
        raise _format_error(number)
    if number[:2] not in PROVINCES:
        raise IdentityError(
            "identity.id_area",
            f"positions 1–2 ({number[:2]}) are not a province code, "
            "so this is not a resident ID number",
        )
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise IdentityError(
            "identity.id_checksum",
            f"check character (position 18) should be {expected!r}, got {number[17]!r}; "
            "the number was probably mistyped",
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityError(
            "identity.id_birth_date",
            f"positions 7–14 ({number[6:14]}) should be a birth date as YYYYMMDD, "
            "but that date does not exist",
        ) from None
    if birth.year < 1850 or birth > dt.date.today():
        raise IdentityError(
            "identity.id_birth_date",
            f"birth date {birth.isoformat()} (positions 7–14) is not plausible",
        )
    if not any(start <= birth.year <= end for start, end in _county_periods().get(number[:6], ())):
        raise IdentityError(
            "identity.id_area",
            f"positions 1–6 ({number[:6]}) were not a county-level division code in "
            f"{birth.year}, the birth year",
        )
    return number


@functools.cache
def _county_periods() -> dict[str, tuple[tuple[int, int], ...]]:
    """Six-digit division code → the year spans in which it was in use.

    Built once from the GB/T 2260 history that python-stdnum ships for
    ``stdnum.cn.ric.get_birth_place`` (same data, same inclusive-year rule), as a
    dict so a lookup costs one hash instead of a tree walk.
    """
    from stdnum import numdb

    periods: dict[str, tuple[tuple[int, int], ...]] = {}
    for _, province, _, _, children in numdb.get("cn/loc").prefixes:
        for _, rest, _, props, _ in children:
            spans = []
            for name in props.get("county", "").split(","):
                if name.startswith("["):
                    start, end = name[1 : name.index("]")].split("-")
                    spans.append((int(start) if start else 0, int(end) if end else 9999))
                else:
                    spans.append((0, 9999))
            periods[province + rest] = tuple(spans)
    return periods


def _format_error(number: str) -> IdentityError:
    for pos, ch in enumerate(number, start=1):
        if not ("0" <= ch <= "9" or (pos == 18 and ch == "X")):
            allowed = "a digit or X" if pos == 18 else "a digit"
            return IdentityError(
                "identity.id_format",
                f"character {ch!r} at position {pos} is not allowed; it must be {allowed}",
            )
    raise AssertionError(number)  # pragma: no cover - only called for a bad number


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_SEPARATORS = str.maketrans("", "", " -\t\u3000()")


def validate_mobile(text: str) -> str:
    """Return the 11-digit mainland mobile number, or raise :class:`IdentityError`.

    Spaces, hyphens and brackets are removed, and a leading ``+86``, ``0086`` or
    ``86`` country code is dropped. The number must then be 11 digits starting
    with 13–19.
    """
    number = text
    if not number.isascii():
        number = unicodedata.normalize("NFKC", number)
    number = number.translate(_MOBILE_SEPARATORS)
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    if number and not (number.isascii() and number.isdigit()):
        raise IdentityError(
            "identity.mobile_format",
            "a mobile number may contain only digits, spaces, hyphens and a +86 prefix",
        )
    if len(number) != 11:
        raise IdentityError(
            "identity.mobile_length",
            f"a mainland mobile number has 11 digits, got {len(number)}",
        )
    if _MOBILE.fullmatch(number) is None:
        raise IdentityError(
            "identity.mobile_prefix",
            f"a mainland mobile number starts with 13–19, got {number[:2]}",
        )
    return number


def _mask(text: str, keep_head: int, keep_tail: int) -> str:
    hidden = len(text) - keep_head - keep_tail
    if hidden < 4:  # too short to show anything safely
        return "*" * len(text)
    return text[:keep_head] + "*" * hidden + text[len(text) - keep_tail :]


def mask_id_number(s: str) -> str:
    """Mask an ID number for display: first 4 and last 4 kept, one ``*`` per hidden character.

    ``"330106199001011234"`` → ``"3301**********1234"``. Strings of 11 characters or
    fewer are masked entirely.
    """
    return _mask(s.strip(), 4, 4)


def mask_phone(s: str) -> str:
    """Mask a mobile number for display: ``"13812345678"`` → ``"138****5678"``.

    A valid mobile number is normalised first (so ``+86 138-1234-5678`` masks the
    same way); anything else keeps its first 3 and last 4 characters, or is masked
    entirely when 10 characters or fewer.
    """
    try:
        number = validate_mobile(s)
    except IdentityError:
        number = s.strip()
    return _mask(number, 3, 4)


@dataclass(frozen=True, slots=True)
class FieldClassification:
    """The data-security class of a personal field."""

    jrt0171_class: Literal["C1", "C2", "C3"]
    jrt0197_level: int
    confidence: str
    reason: str


PERSONAL_FIELDS: Mapping[str, FieldClassification] = MappingProxyType(
    {
        "id_number": FieldClassification(
            "C2",
            3,
            "C2 CONFIRMED (JR/T 0171 lists ID-document numbers); level 3 MEMORY",
            "Identifies the person and, held by a bank, ties them to their financial "
            "situation. It is not authentication data (C3). JR/T 0197 puts C2 at level 3.",
        ),
        "phone": FieldClassification(
            "C2",
            3,
            "C2 CONFIRMED (JR/T 0171 lists the mobile number); level 3 MEMORY",
            "The mobile number is listed among C2 examples; on its own it does not "
            "complete an authentication, so it is not C3. JR/T 0197 puts C2 at level 3.",
        ),
        "name": FieldClassification(
            "C2",
            3,
            "judgement (MEMORY): names are not among the retrieved C2 examples",
            "Read alone, a name would fall to C1 (anything not C2/C3). In this platform "
            "a person's name is always stored with their ID number, role and the "
            "enterprise's credit data, so it identifies the person together with their "
            "financial situation: classified C2 / level 3 to be safe.",
        ),
    }
)
"""Field name → JR/T 0171-2020 class and JR/T 0197-2020 level (DOMAIN.md §6.1, §6.2).

JR/T 0171 classes personal financial information as C3 (authentication data:
passwords, card CVN, biometrics), C2 (identifies the person and their financial
situation: ID numbers, mobile numbers, account numbers, balances, credit data) and
C1 (the institution's internal data). JR/T 0197 has five levels, 5 highest, and
places C3 at level 4, C2 at level 3 and C1 at level 2 (MEMORY: table 2 of the
standard was not retrieved). A dataset takes the highest level of its fields.
"""
