"""Enterprise size — 《统计上大中小微型企业划分办法（2017）》 (国统字〔2017〕213号).

The rules (DOMAIN.md §1, CONFIRMED unless noted):

* Indicators: X 从业人员 (``employees``, persons), Y 营业收入 (``revenue``, 万元),
  Z 资产总额 (``total_assets``, 万元). Each size-table industry uses one or two of them.
* 大型, 中型, 小型 need the lower bound of **every** listed indicator; 微型 needs only
  one indicator below the small bound. Equivalently: per indicator take the highest
  tier whose lower bound it meets, and the enterprise gets the worst of those.
* Lower bounds are inclusive, upper bounds exclusive.
* A missing indicator gives ``unclassified``: never guess.
* The thresholds are data (:data:`SIZE_TABLE`), because MIIT consulted on replacing
  the upstream 工信部联企业〔2011〕300号 in 2021.

个体工商户 are classified "by reference" (参照) with the same table. Financial
enterprises (section J) are outside this standard; they have their own rule,
《金融业企业划型标准规定》 (银发〔2015〕309号, MEMORY).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal

from lendtag.domain.errors import DomainError
from lendtag.domain.industry import IndustryCode, parse_industry_code

__all__ = [
    "INCLUSIVE_FINANCE_CAP_WAN",
    "SIZE_INDUSTRIES",
    "SIZE_TABLE",
    "Bounds",
    "SizeClass",
    "SizeIndustry",
    "SizeResult",
    "classify_size",
    "size_class_of",
    "size_classifier",
    "size_industry_for",
]

INCLUSIVE_FINANCE_CAP_WAN: Final = 1000
"""普惠型小微企业贷款 cap: 单户授信总额 ≤ 1000 万元 (DOMAIN.md §1.5, MEMORY).

A loan counts as 普惠型小微 when the borrower is small or micro under this standard
and the bank's total credit line to that single customer is at most 1000 万元
(10 million CNY). The same cap applies to 个体工商户 and 小微企业主 business-purpose
loans. It is a widely used supervisory definition, not confirmed against the
official text: keep it configurable where it drives decisions.
"""

Indicator = Literal["employees", "revenue", "total_assets"]


class SizeClass(StrEnum):
    """The four tiers of the standard, plus ``unclassified`` (out of scope or missing data)."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"
    UNCLASSIFIED = "unclassified"


@dataclass(frozen=True, slots=True)
class Bounds:
    """Inclusive lower bounds of one indicator for the large, medium and small tiers."""

    indicator: Indicator
    large: float
    medium: float
    small: float


@dataclass(frozen=True, slots=True)
class SizeIndustry:
    """One row group of the threshold table (a 行业 of the standard)."""

    key: str
    name_zh: str
    name_en: str
    bounds: tuple[Bounds, ...]
    combination: bool = False
    """True for the 行业组合类别 (industry combination categories), marked * in the table."""

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(b.indicator for b in self.bounds)


def _row(
    key: str, zh: str, en: str, *bounds: tuple[Indicator, float, float, float], combo: bool = False
) -> SizeIndustry:
    return SizeIndustry(key, zh, en, tuple(Bounds(*b) for b in bounds), combo)


# fmt: off
# DOMAIN.md §1.3: X persons, Y and Z in 万元; columns are the large, medium, small lower bounds.
SIZE_TABLE: tuple[SizeIndustry, ...] = (
    _row("agriculture", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry, fishery",
         ("revenue", 20000, 500, 50)),
    _row("industry", "工业", "Industry",
         ("employees", 1000, 300, 20), ("revenue", 40000, 2000, 300), combo=True),
    _row("construction", "建筑业", "Construction",
         ("revenue", 80000, 6000, 300), ("total_assets", 80000, 5000, 300)),
    _row("wholesale", "批发业", "Wholesale",
         ("employees", 200, 20, 5), ("revenue", 40000, 5000, 1000)),
    _row("retail", "零售业", "Retail",
         ("employees", 300, 50, 10), ("revenue", 20000, 500, 100)),
    _row("transport", "交通运输业", "Transport",
         ("employees", 1000, 300, 20), ("revenue", 30000, 3000, 200), combo=True),
    _row("warehousing", "仓储业", "Warehousing",
         ("employees", 200, 100, 20), ("revenue", 30000, 1000, 100), combo=True),
    _row("postal", "邮政业", "Postal services",
         ("employees", 1000, 300, 20), ("revenue", 30000, 2000, 100)),
    _row("accommodation", "住宿业", "Accommodation",
         ("employees", 300, 100, 10), ("revenue", 10000, 2000, 100)),
    _row("catering", "餐饮业", "Catering",
         ("employees", 300, 100, 10), ("revenue", 10000, 2000, 100)),
    _row("information_transmission", "信息传输业", "Information transmission",
         ("employees", 2000, 100, 10), ("revenue", 100000, 1000, 100), combo=True),
    _row("software", "软件和信息技术服务业", "Software and information technology services",
         ("employees", 300, 100, 10), ("revenue", 10000, 1000, 50)),
    _row("real_estate_development", "房地产开发经营", "Real estate development",
         ("revenue", 200000, 1000, 100), ("total_assets", 10000, 5000, 2000)),
    _row("property_management", "物业管理", "Property management",
         ("employees", 1000, 300, 100), ("revenue", 5000, 1000, 500)),
    _row("leasing_business", "租赁和商务服务业", "Leasing and business services",
         ("employees", 300, 100, 10), ("total_assets", 120000, 8000, 100)),
    _row("other", "其他未列明行业", "Other industries not elsewhere listed",
         ("employees", 300, 100, 10), combo=True),
)
# fmt: on
"""The threshold table of the 2017 standard, one :class:`SizeIndustry` per 行业."""

SIZE_INDUSTRIES: Mapping[str, SizeIndustry] = MappingProxyType({i.key: i for i in SIZE_TABLE})


# --- GB/T 4754-2017 code → size-table industry (DOMAIN.md §1.4) -------------------------
# Looked up from the most specific level present: class, then group, then division.
# ``None`` means outside the standard; the string beside it is the reason.

_OUT = "is outside the 2017 size standard"
_SECTION_INDUSTRY = {
    "A": "agriculture",
    "B": "industry",
    "C": "industry",
    "D": "industry",
    "E": "construction",
    "L": "leasing_business",
    "M": "other",
    "N": "other",
    "O": "other",
    "R": "other",
}
_SECTION_EXCLUDED = {
    "J": (
        f"section J (金融业, finance) {_OUT}; financial enterprises are sized under "
        "《金融业企业划型标准规定》 (银发〔2015〕309号)"
    ),
    "P": f"section P (教育, education) {_OUT}",
    "S": f"section S (公共管理、社会保障和社会组织) {_OUT}",
    "T": f"section T (国际组织, international organisations) {_OUT}",
}
_DIVISION_INDUSTRY = {
    "51": "wholesale",
    "52": "retail",
    "54": "transport",
    "55": "transport",
    "56": "transport",
    "57": "transport",
    "58": "transport",
    "60": "postal",
    "61": "accommodation",
    "62": "catering",
    "63": "information_transmission",
    "64": "information_transmission",
    "65": "software",
    "85": "other",  # 社会工作 is in scope, under 其他未列明行业
}
_DIVISION_EXCLUDED = {
    "53": f"division 53 (铁路运输业, rail transport) {_OUT}",
    "84": f"division 84 (卫生, health) {_OUT}",
}
# Group-level splits. Division 59: 591 装卸搬运 is 交通运输业, 592–599 are 仓储业 (MEMORY:
# the 2017 note lists 装卸搬运 under 交通运输业). Division 70: each group holds one class
# (7010, 7020, 7030, 7040, 7090), so the group decides.
_GROUP_INDUSTRY: dict[str, str | None] = {
    "591": "transport",
    "592": "warehousing",
    "593": "warehousing",
    "594": "warehousing",
    "595": "warehousing",
    "596": "warehousing",
    "599": "warehousing",
    "701": "real_estate_development",
    "702": "property_management",
    "703": "other",
    "704": None,
    "709": "other",
}
_GROUP_EXCLUDED = {
    "704": (
        f"class 7040 (房地产租赁经营) {_OUT}: it is the 2017 successor of 自有房地产经营活动, "
        "which the standard excludes (MEMORY: confirm with NBS)"
    ),
}
_NEEDS_GROUP = {
    "59": (
        "division 59 is split by the standard: group 591 (装卸搬运) is 交通运输业 and "
        "groups 592–599 are 仓储业; give at least the 3-digit group, e.g. G5920"
    ),
    "70": (
        "division 70 is split by the standard: 7010 房地产开发经营, 7020 物业管理, "
        "7030/7090 其他未列明行业, 7040 outside the standard; give the class, e.g. K7010"
    ),
}


@functools.lru_cache(maxsize=4096)
def _lookup(code: IndustryCode) -> tuple[SizeIndustry | None, str]:
    """Size-table industry for a parsed code, or ``None`` and the reason why not."""
    if code.group is not None and code.group in _GROUP_INDUSTRY:
        key = _GROUP_INDUSTRY[code.group]
        if key is None:
            return None, _GROUP_EXCLUDED[code.group]
        return SIZE_INDUSTRIES[key], ""
    if code.division in _NEEDS_GROUP:
        return None, _NEEDS_GROUP[code.division]
    key = _DIVISION_INDUSTRY.get(code.division) or _SECTION_INDUSTRY.get(code.section)
    if key is not None:
        return SIZE_INDUSTRIES[key], ""
    if code.division in _DIVISION_EXCLUDED:
        return None, _DIVISION_EXCLUDED[code.division]
    if code.section in _SECTION_EXCLUDED:
        return None, _SECTION_EXCLUDED[code.section]
    raise AssertionError(f"no size mapping for {code}")  # pragma: no cover - tested exhaustively


def size_industry_for(industry_code: str | IndustryCode) -> SizeIndustry | None:
    """The size-table industry of a GB/T 4754-2017 code, or ``None`` if out of scope.

    Also ``None`` when the code is too coarse to decide (division 59 or 70 alone).
    """
    code = (
        industry_code
        if isinstance(industry_code, IndustryCode)
        else parse_industry_code(industry_code)
    )
    return _lookup(code)[0]


@dataclass(frozen=True, slots=True)
class SizeResult:
    """The outcome of :func:`classify_size`, with the reasoning spelled out."""

    size_class: SizeClass
    size_industry: str | None
    size_industry_zh: str | None
    indicators: dict[str, float]
    reason: str

    @property
    def is_small_or_micro(self) -> bool:
        return self.size_class in (SizeClass.SMALL, SizeClass.MICRO)


def _fmt(value: float) -> str:
    """Shortest form of a number: 103.0 → "103", 15735.28 → "15735.28"."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


# Tiers as ints, best last, so "worst" is ``min``.
_MICRO, _SMALL, _MEDIUM, _LARGE = 0, 1, 2, 3
_TIER_CLASS = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE)

# Per industry, each bound with its reason fragments prepared once, e.g.
# ("employees", 1000, 300, 20, " ≥ 1000 (large)", " ≥ 300 (medium)", " ≥ 20 (small)", " < 20 …")
_Rule = tuple[str, float, float, float, str, str, str, str]
_RULES: dict[str, tuple[_Rule, ...]] = {
    industry.key: tuple(
        (
            b.indicator,
            b.large,
            b.medium,
            b.small,
            f" ≥ {_fmt(b.large)} (large)",
            f" ≥ {_fmt(b.medium)} (medium)",
            f" ≥ {_fmt(b.small)} (small)",
            f" < {_fmt(b.small)} (micro)",
        )
        for b in industry.bounds
    )
    for industry in SIZE_TABLE
}


@functools.lru_cache(maxsize=8192)
def _resolve(text: str) -> tuple[SizeIndustry | None, str]:
    return _lookup(parse_industry_code(text))


def classify_size(
    industry_code: str | IndustryCode,
    employees: float | None,
    revenue: float | None,
    total_assets: float | None,
) -> SizeResult:
    """Classify an enterprise as large/medium/small/micro under the 2017 standard.

    ``employees`` in persons; ``revenue`` (营业收入) and ``total_assets`` (资产总计) in
    万元. Only the indicators the standard lists for the industry are used; the
    others may be ``None``. ``NaN`` counts as missing. A negative value raises
    :class:`DomainError`; an invalid industry code raises ``IndustryCodeError``.
    Out-of-scope industries, codes too coarse to map, and missing indicators give
    :attr:`SizeClass.UNCLASSIFIED` with the reason.
    """
    if isinstance(industry_code, str):
        industry, why_not = _resolve(industry_code)
    else:
        industry, why_not = _lookup(industry_code)
    if industry is None:
        return SizeResult(SizeClass.UNCLASSIFIED, None, None, {}, why_not)

    given = {"employees": employees, "revenue": revenue, "total_assets": total_assets}
    indicators: dict[str, float] = {}
    missing: list[str] = []
    for b in industry.bounds:
        raw = given[b.indicator]
        if raw is None or raw != raw:  # None or NaN
            missing.append(b.indicator)
            continue
        value = float(raw)
        if value < 0 or math.isinf(value):
            raise DomainError(
                "size.indicator_value",
                f"{b.indicator} must be a finite number ≥ 0 for size classification, got {raw!r}",
            )
        indicators[b.indicator] = value
    if missing:
        needed = " and ".join(industry.indicators)
        return SizeResult(
            SizeClass.UNCLASSIFIED,
            industry.key,
            industry.name_zh,
            indicators,
            f"{' and '.join(missing)} missing; {industry.name_zh} ({industry.key}) "
            f"is classified by {needed}",
        )

    # Per indicator the highest tier whose inclusive lower bound it meets; keep the worst.
    worst = _LARGE
    parts = []
    for indicator, large, medium, small, t_large, t_medium, t_small, t_micro in _RULES[
        industry.key
    ]:
        value = indicators[indicator]
        head = f"{indicator} {_fmt(value)}"
        if value >= large:
            parts.append(head + t_large)
        elif value >= medium:
            parts.append(head + t_medium)
            worst = min(worst, _MEDIUM)
        elif value >= small:
            parts.append(head + t_small)
            worst = min(worst, _SMALL)
        else:
            parts.append(head + t_micro)
            worst = _MICRO
    size_class = _TIER_CLASS[worst]
    return SizeResult(
        size_class,
        industry.key,
        industry.name_zh,
        indicators,
        f"{' and '.join(parts)} → {size_class.value}",
    )


# The lean path for bulk work: per industry code, (position of the indicator in
# (employees, revenue, total_assets), large, medium, small) for each bound — or None when
# the code is outside the standard or too coarse to map.
_POSITION = {"employees": 0, "revenue": 1, "total_assets": 2}
_Lean = tuple[tuple[int, str, float, float, float], ...]
_CLASS_VALUES = (
    SizeClass.MICRO.value,
    SizeClass.SMALL.value,
    SizeClass.MEDIUM.value,
    SizeClass.LARGE.value,
)
_UNCLASSIFIED = SizeClass.UNCLASSIFIED.value


@functools.lru_cache(maxsize=8192)
def _lean_rules(industry_code: str) -> _Lean | None:
    industry = _resolve(industry_code)[0]
    if industry is None:
        return None
    return tuple(
        (_POSITION[b.indicator], b.indicator, b.large, b.medium, b.small) for b in industry.bounds
    )


def size_class_of(
    industry_code: str,
    employees: float | None,
    revenue: float | None,
    total_assets: float | None,
) -> str:
    """``classify_size(...).size_class.value`` without building the explanation.

    For bulk work (an import derives the class of every row): the same rules, the same
    result and the same errors as :func:`classify_size` — a test holds them equal on every
    boundary of every industry — but it returns only the class, as its string value.
    """
    rules = _lean_rules(industry_code)
    if rules is None:
        return _UNCLASSIFIED
    given = (employees, revenue, total_assets)
    worst = _LARGE
    missing = False
    for position, indicator, large, medium, small in rules:
        value = given[position]
        if value is None or value != value:  # None or NaN
            missing = True
            continue
        if value < 0 or value == math.inf:
            _bad_indicator(indicator, value)
        if value >= large:
            continue
        if value >= medium:
            worst = min(worst, _MEDIUM)
        elif value >= small:
            worst = min(worst, _SMALL)
        else:
            worst = _MICRO
    return _UNCLASSIFIED if missing else _CLASS_VALUES[worst]


def _bad_indicator(indicator: str, raw: float) -> None:
    raise DomainError(
        "size.indicator_value",
        f"{indicator} must be a finite number ≥ 0 for size classification, got {raw!r}",
    )


Classifier = Callable[[float | None, float | None, float | None], str]
_INF = math.inf


@functools.lru_cache(maxsize=8192)
def size_classifier(industry_code: str | None) -> Classifier:
    """A function ``(employees, revenue, total_assets) -> class`` for one industry code.

    ``size_classifier(code)(e, r, a) == size_class_of(code, e, r, a)`` always (a test holds
    them equal); ``None`` as the code gives ``unclassified``. The function is specialised to
    the industry's one or two indicators and their bounds, so classifying a column of rows
    costs one small call per row. Any value that is not a plain finite number ≥ 0 goes to
    :func:`size_class_of` itself, so missing values and errors are exactly its own.
    """
    rules = None if industry_code is None else _lean_rules(industry_code)
    if rules is None:
        return _unclassified
    code: str = industry_code  # type: ignore[assignment]
    micro, small, medium, large = _CLASS_VALUES

    def exact(e: float | None, r: float | None, a: float | None) -> str:
        return size_class_of(code, e, r, a)

    if len(rules) > 2:  # pragma: no cover - no industry of the 2017 table has three
        return exact
    if len(rules) == 1:
        p1, _n1, l1, m1, s1 = rules[0]

        def one(e: float | None, r: float | None, a: float | None) -> str:
            x = (e, r, a)[p1]
            if not (x is not None and 0 <= x < _INF):
                return exact(e, r, a)
            return large if x >= l1 else medium if x >= m1 else small if x >= s1 else micro

        return one
    (p1, _n1, l1, m1, s1), (p2, _n2, l2, m2, s2) = rules[0], rules[1]
    tiers = (micro, small, medium, large)

    def two(e: float | None, r: float | None, a: float | None) -> str:
        given = (e, r, a)
        x, y = given[p1], given[p2]
        if not (x is not None and y is not None and 0 <= x < _INF and 0 <= y < _INF):
            return exact(e, r, a)
        tx = 3 if x >= l1 else 2 if x >= m1 else 1 if x >= s1 else 0
        ty = 3 if y >= l2 else 2 if y >= m2 else 1 if y >= s2 else 0
        return tiers[tx if tx < ty else ty]

    return two


def _unclassified(e: float | None, r: float | None, a: float | None) -> str:
    return _UNCLASSIFIED
