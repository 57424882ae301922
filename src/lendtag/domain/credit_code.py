"""统一社会信用代码 — the unified social credit code of GB 32100-2015.

Layout of the 18 characters (DOMAIN.md §3.1, CONFIRMED):

====  ======  ===================================================
pos   length  content
====  ======  ===================================================
1     1       registration authority (登记管理部门代码)
2     1       entity category under that authority (机构类别代码)
3–8   6       GB/T 2260 area code of the registering authority
9–17  9       主体标识码 = GB 11714 organisation code (8 + check)
18    1       check character, mod 31 over positions 1–17
====  ======  ===================================================

The code alphabet has 31 characters: digits and the capitals except I, O, S, V, Z.

``stdnum.cn.uscc.validate`` is not used: it requires positions 1–8 to be digits,
yet authorities ``A``, ``N`` and ``Y`` are legal. Its ``calc_check_digit`` is the
reference for the check character and is cross-checked in the tests; this module
computes the same sum with precomputed tables because validation runs once per
imported row.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from lendtag.domain.errors import CreditCodeError

__all__ = [
    "AUTHORITIES",
    "CHARSET",
    "WEIGHTS",
    "Authority",
    "check_character",
    "make_credit_code",
    "normalize_credit_code",
    "org_code_warning",
    "validate_credit_code",
]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 code characters; a character's value is its index."""

WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""Weights of positions 1–17: 3^(i-1) mod 31."""

_CHARSET_SET = frozenset(CHARSET)
_CHARSET_HUMAN = "digits 0–9 and the letters A–H, J–N, P, Q, R, T, U, W, X, Y"

# Shape of a code whose characters, authority/category and area are all well formed.
_STRUCTURE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
_SEPARATORS = str.maketrans("", "", " -\t\u3000\u2010\u2011\u2012\u2013\u2014\u2212")


@dataclass(frozen=True, slots=True)
class Authority:
    """A registration authority (position 1) and its entity categories (position 2)."""

    symbol: str
    name_zh: str
    name_en: str
    categories: Mapping[str, str]  # category character -> zh name


def _authority(symbol: str, zh: str, en: str, categories: dict[str, str]) -> Authority:
    return Authority(symbol, zh, en, MappingProxyType(categories))


AUTHORITIES: Mapping[str, Authority] = MappingProxyType(
    {
        a.symbol: a
        for a in (
            _authority(
                "1",
                "机构编制",
                "institutional establishment",
                {"1": "机关", "2": "事业单位", "3": "中央编办直管机构编制的群众团体", "9": "其他"},
            ),
            _authority("2", "外交", "foreign affairs", {"1": "外国常驻新闻机构", "9": "其他"}),
            _authority(
                "3",
                "司法行政",
                "justice administration",
                {
                    "1": "律师执业机构",
                    "2": "公证处",
                    "3": "基层法律服务所",
                    "4": "司法鉴定机构",
                    "5": "仲裁委员会",
                    "9": "其他",
                },
            ),
            _authority("4", "文化", "culture", {"1": "外国在华文化中心", "9": "其他"}),
            _authority(
                "5",
                "民政",
                "civil affairs",
                {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
            ),
            _authority(
                "6",
                "旅游",
                "tourism",
                {
                    "1": "外国旅游部门常驻代表机构",
                    "2": "港澳台旅游部门常驻内地代表机构",
                    "9": "其他",
                },
            ),
            _authority(
                "7",
                "宗教",
                "religious affairs",
                {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
            ),
            _authority("8", "工会", "trade unions", {"1": "基层工会", "9": "其他"}),
            _authority(
                "9",
                "工商（市场监管）",
                "market regulation (industry and commerce)",
                {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
            ),
            _authority(
                "A",
                "中央军委改革和编制办公室",
                "CMC reform and establishment office",
                {"1": "军队事业单位", "9": "其他"},
            ),
            _authority(
                "N",
                "农业",
                "agriculture",
                {
                    "1": "组级集体经济组织",
                    "2": "村级集体经济组织",
                    "3": "乡镇级集体经济组织",
                    "9": "其他",
                },
            ),
            _authority("Y", "其他", "other", {"1": "其他"}),
        )
    }
)
"""Registration authorities (position 1) with their valid categories (position 2), §3.1."""

_VALID_PREFIXES = frozenset(a + c for a, auth in AUTHORITIES.items() for c in auth.categories)

# GB 11714 organisation code: values 0–9, A–Z = 10–35 (full alphabet), eight weights.
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalize_credit_code(text: str) -> str:
    """Strip spaces and hyphens (also full-width forms) and upper-case the code.

    >>> normalize_credit_code(" 9111 0108-1234 5678 8e ")
    '91110108123456788E'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_SEPARATORS).upper()


# Speed: the weights are 3^(i-1) mod 31 and 34 ≡ 3 (mod 31), so the weighted sum is
# congruent to the body read as a base-34 number, least significant digit first, with
# each character replaced by the base-34 digit of its code value. ``int`` does that in C.
_BASE34_DIGITS = "0123456789abcdefghijklmnopqrstu"
_TO_BASE34 = bytes(
    ord(_BASE34_DIGITS[CHARSET.index(chr(b))]) if chr(b) in _CHARSET_SET else b for b in range(256)
)


def _weighted_sum(first17: str) -> int:
    """Σ value(c_i) × W_i over positions 1–17, modulo 31 (17 code characters)."""
    return int(first17.encode("ascii")[::-1].translate(_TO_BASE34), 34) % 31


def check_character(first17: str) -> str:
    """The check character (position 18) for 17 already-valid code characters."""
    return CHARSET[-_weighted_sum(first17) % 31]


def _explain_structure(code: str, expected_length: int) -> CreditCodeError:
    """Build the precise error for a code that failed the fast structural test."""
    if len(code) != expected_length:
        return CreditCodeError(
            "credit_code.length",
            f"a unified social credit code has {expected_length} characters, got {len(code)}"
            + (f" ({code!r})" if 0 < len(code) <= 40 else ""),
        )
    for pos, ch in enumerate(code, start=1):
        if ch not in _CHARSET_SET:
            extra = " (I, O, S, V and Z are never used)" if ch in "IOSVZ" else ""
            return CreditCodeError(
                "credit_code.charset",
                f"character {ch!r} at position {pos} is not allowed{extra}; "
                f"a credit code uses only {_CHARSET_HUMAN}",
            )
    authority = AUTHORITIES.get(code[0])
    if authority is None:
        return CreditCodeError(
            "credit_code.authority",
            f"position 1 (registration authority) must be one of "
            f"{', '.join(AUTHORITIES)}; got {code[0]!r}",
        )
    if code[1] not in authority.categories:
        allowed = ", ".join(f"{c} {n}" for c, n in authority.categories.items())
        return CreditCodeError(
            "credit_code.category",
            f"position 2 (entity category) for authority {authority.symbol} "
            f"({authority.name_zh}) must be one of: {allowed}; got {code[1]!r}",
        )
    area = code[2:8]
    if not area.isdigit():
        return CreditCodeError(
            "credit_code.area",
            f"positions 3–8 (registration area code) must be 6 digits, got {area!r}",
        )
    raise AssertionError(f"structure of {code!r} is valid")  # pragma: no cover


def validate_credit_code(text: str) -> str:
    """Return the normalised code, or raise :class:`CreditCodeError` saying why it is wrong.

    Checks, in order: length (18), alphabet (and the position of an illegal
    character), registration authority (pos 1), entity category for that authority
    (pos 2), a 6-digit area (pos 3–8), and the mod-31 check character (pos 18).
    The embedded GB 11714 organisation-code check is *not* applied here; see
    :func:`org_code_warning`.
    """
    if len(text) == 18 and text.isascii() and text.isalnum():
        code = text.upper()  # fast path: nothing to strip
    else:
        code = normalize_credit_code(text)
    if len(code) != 18 or _STRUCTURE.fullmatch(code) is None or code[:2] not in _VALID_PREFIXES:
        raise _explain_structure(code, 18)
    expected = CHARSET[-int(code.encode()[16::-1].translate(_TO_BASE34), 34) % 31]
    if code[17] != expected:
        raise CreditCodeError(
            "credit_code.checksum",
            f"check character (position 18) should be {expected!r}, got {code[17]!r}; "
            "the code was probably mistyped",
        )
    return code


def make_credit_code(first17: str) -> str:
    """Append the correct check character to 17 well-formed code characters.

    Raises :class:`CreditCodeError` if the 17 characters are not a valid code body
    (length, alphabet, authority, category, area).
    """
    body = normalize_credit_code(first17)
    if (
        len(body) != 17
        or _STRUCTURE.fullmatch(body + "0") is None
        or body[:2] not in _VALID_PREFIXES
    ):
        raise _explain_structure(body, 17)
    return body + check_character(body)


def org_code_warning(code: str) -> str | None:
    """Check the embedded organisation code (positions 9–17) with the GB 11714 rule.

    Returns ``None`` when it passes, else a warning sentence. Many legacy codes
    fail this check, so it must not be used to reject a code. Raises
    :class:`CreditCodeError` only if ``code`` is not 18 characters long.
    """
    normalized = normalize_credit_code(code)
    if len(normalized) != 18:
        raise _explain_structure(normalized, 18)
    body, check = normalized[8:16], normalized[16]
    try:
        total = sum(map(operator.mul, map(_ORG_VALUE.__getitem__, body), _ORG_WEIGHTS))
    except KeyError:
        return (
            f"embedded organisation code {body}-{check} contains characters outside "
            "0–9 and A–Z, so its GB 11714 check cannot be applied"
        )
    c9 = 11 - total % 11
    expected = "X" if c9 == 10 else "0" if c9 == 11 else str(c9)
    if check == expected:
        return None
    return (
        f"embedded organisation code {body}-{check} fails its GB 11714 check "
        f"(expected check character {expected!r}, got {check!r}); "
        "legacy codes sometimes do, so the credit code is kept but should be reviewed"
    )
