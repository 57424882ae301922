"""Enterprise profiles: who each customer is, how big, how strong, and whom it is tied to.

Customers are generated in blocks of :data:`BLOCK_SIZE` consecutive indexes. A block first
draws its relationship plan (corporate groups of 2–5 members sharing a 字号 and an actual
controller, and guarantee links where one member guarantees another's loans), then each
member's profile from its own seeded stream. Links never leave a block, so the whole
portfolio streams with memory bounded by one block.

A profile starts from a target size tier (≈2% large, 10% medium, 35% small, 53% micro)
and draws employees, revenue and total assets inside that tier's bands for the firm's
industry, using the thresholds of :mod:`lendtag.domain.size`. A latent *strength* z
(standard normal, nudged up for larger, listed firms and down for property developers
and builders) later drives the financial statements, the bureau file and repayment
behaviour.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from lendtag.demo.catalog import (
    INDUSTRIES,
    INDUSTRY_CUM_WEIGHTS,
    PROFILES,
    REGION_CUM_WEIGHTS,
    REGIONS,
    UNCOVERED,
    Industry,
    Profile,
    Region,
)
from lendtag.demo.codes import CodeMaker, mobile_number, resident_id
from lendtag.demo.common import clamp, stream
from lendtag.demo.names import brand, company_name, person_name
from lendtag.domain.size import SIZE_INDUSTRIES, Bounds, SizeIndustry, size_industry_for

__all__ = ["BLOCK_SIZE", "TIERS", "Enterprise", "Person", "make_block", "make_person"]

BLOCK_SIZE = 50
TIERS = ("micro", "small", "medium", "large")
_TIER_CUM = (53.0, 88.0, 98.0, 100.0)
_TIER_RANK = {t: i for i, t in enumerate(TIERS)}
_EARLIEST = dt.date(1990, 1, 1)

_CHANNELS = ("branch", "core", "app", "web", "api", "bureau")
_CHANNEL_CUM = (35.0, 55.0, 70.0, 82.0, 92.0, 100.0)
_OWNERSHIP = ("private", "state", "collective", "foreign", "hmt", "mixed")
_RATINGS = (
    (3.3, "AAA"), (2.6, "AA+"), (1.7, "AA"), (1.0, "AA-"), (0.4, "A+"), (-0.2, "A"),
    (-0.8, "A-"), (-1.3, "BBB+"), (-1.7, "BBB"), (-2.0, "BBB-"), (-2.3, "BB+"), (-2.6, "BB"),
    (-2.9, "BB-"), (-3.2, "B+"), (-3.5, "B"), (-3.8, "B-"), (-4.1, "CCC"), (-4.5, "CC"),
)  # fmt: skip
_CAPITAL_LADDER = (
    3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 8000,
    10000, 20000, 30000, 50000, 100000, 200000, 500000,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Person:
    """A natural person related to customers (legal representative, controller, …)."""

    name: str
    id_number: str
    phone: str


@dataclass(slots=True)
class Enterprise:
    """One customer with everything the other generators need to stay consistent."""

    index: int
    credit_code: str
    name: str
    category: str  # '1' 企业, '2' 个体工商户, '3' 农民专业合作社
    industry: Industry
    size_industry: SizeIndustry | None
    profile: Profile
    region: Region
    tier: str  # target size tier
    employees: int | None
    revenue: float  # latest fiscal year, 万元
    total_assets: float  # latest fiscal year-end, 万元
    registered_capital: float
    established_on: dt.date
    channel: str
    ownership: str
    listed: bool
    branch: str
    external_rating: str | None
    strength: float  # latent z: higher is stronger
    brand: str
    group: tuple[int, ...] = ()  # indexes of the corporate group, parent first
    controller: Person | None = None  # shared actual controller of the group
    guarantees_for: list[int] = field(default_factory=list)  # borrowers it guarantees
    guaranteed_by: list[int] = field(default_factory=list)  # enterprises guaranteeing it

    @property
    def tier_rank(self) -> int:
        return _TIER_RANK[self.tier]


def make_person(rng: random.Random, as_of: dt.date, *, min_age: int = 28) -> Person:
    """A person aged ``min_age``–68 at ``as_of`` with a valid ID number and mobile."""
    male = rng.random() < 0.72  # legal representatives are mostly men
    age_days = rng.randrange(min_age * 365, 68 * 365)
    birth = as_of - dt.timedelta(days=age_days)
    return Person(person_name(rng, male), resident_id(rng, birth, male), mobile_number(rng))


@dataclass(slots=True)
class _Plan:
    groups: list[tuple[int, ...]] = field(default_factory=list)
    brands: dict[int, str] = field(default_factory=dict)  # group parent -> shared 字号
    controllers: dict[int, Person] = field(default_factory=dict)
    guarantees: list[tuple[int, int]] = field(default_factory=list)  # (guarantor, borrower)


def _plan_block(seed: int, as_of: dt.date, block: int, start: int, stop: int) -> _Plan:
    rng = stream(seed, "block", block)
    plan = _Plan()
    indexes = list(range(start, stop))
    members = rng.sample(indexes, sum(rng.random() < 0.10 for _ in indexes))
    while len(members) >= 2:
        size = min(rng.randint(2, 5), len(members))
        if len(members) - size == 1:
            size += 1
        group, members = tuple(members[:size]), members[size:]
        plan.groups.append(group)
        plan.brands[group[0]] = brand(rng)
        plan.controllers[group[0]] = make_person(rng, as_of, min_age=35)
    pairs: set[tuple[int, int]] = set()
    for _ in range(sum(rng.random() < 0.05 for _ in indexes)):
        if len(indexes) < 2:
            break
        grouped = [g for g in plan.groups if len(g) >= 2]
        if grouped and rng.random() < 0.4:  # mutual guarantees inside a group (互保)
            guarantor, borrower = rng.sample(rng.choice(grouped), 2)
        else:
            guarantor, borrower = rng.sample(indexes, 2)
        if sum(b == borrower for _, b in pairs) < 2:  # at most two guarantors each
            pairs.add((guarantor, borrower))
    plan.guarantees = sorted(pairs)
    return plan


def _band(b: Bounds, tier: str) -> tuple[float, float]:
    if tier == "micro":
        return (1.0 if b.indicator == "employees" else b.small / 15), b.small
    if tier == "small":
        return b.small, b.medium
    if tier == "medium":
        return b.medium, b.large
    return b.large, b.large * 5


def _in_band(lo: float, hi: float, position: float, integer: bool) -> float:
    value = math.exp(math.log(lo) + position * (math.log(hi) - math.log(lo)))
    if integer:
        return float(min(max(math.floor(value), math.ceil(lo)), math.ceil(hi) - 1))
    value = round(value, 2)
    return min(max(value, lo), round(hi - 0.01, 2))


def _indicators(
    rng: random.Random, sized: SizeIndustry, profile: Profile, tier: str
) -> tuple[int, float, float]:
    """Employees, revenue (万元) and total assets (万元) inside ``tier`` for the industry."""
    base = rng.random()
    drawn: dict[str, float] = {}
    for b in sized.bounds:
        lo, hi = _band(b, tier)
        position = clamp(base + rng.gauss(0, 0.15), 0.0, 0.985)
        drawn[b.indicator] = _in_band(lo, hi, position, b.indicator == "employees")
    noise = math.exp(rng.gauss(0, 0.3))
    if "revenue" in drawn:
        revenue = drawn["revenue"]
    elif "total_assets" in drawn:  # leasing: turnover follows the asset base
        revenue = drawn["total_assets"] / profile.assets_to_revenue * noise
    else:
        revenue = drawn["employees"] * profile.revenue_per_employee * noise
    revenue = max(round(revenue, 2), 1.0)
    employees = drawn.get("employees")
    if employees is None:
        employees = max(1.0, round(revenue / profile.revenue_per_employee * noise))
    assets = drawn.get("total_assets")
    if assets is None:
        assets = max(round(revenue * profile.assets_to_revenue * math.exp(rng.gauss(0, 0.3)), 2), 1)
    return int(employees), revenue, assets


def _capital(rng: random.Random, assets: float) -> float:
    target = assets * rng.uniform(0.08, 0.6)
    return float(min(_CAPITAL_LADDER, key=lambda c: abs(math.log(c / max(target, 1.0)))))


def _rating(rng: random.Random, strength: float, tier_rank: int) -> str:
    score = strength + 0.7 * tier_rank + rng.gauss(0, 0.3)
    return next((symbol for cut, symbol in _RATINGS if score >= cut), "C")


def _enterprise(
    seed: int, as_of: dt.date, index: int, plan: _Plan, codes: CodeMaker, taken: set[str]
) -> Enterprise:
    rng = stream(seed, "enterprise", index)
    industry = rng.choices(INDUSTRIES, cum_weights=INDUSTRY_CUM_WEIGHTS)[0]
    region = rng.choices(REGIONS, cum_weights=REGION_CUM_WEIGHTS)[0]
    tier = rng.choices(TIERS, cum_weights=_TIER_CUM)[0]
    group = next((g for g in plan.groups if index in g), ())
    is_parent = bool(group) and group[0] == index
    if is_parent and tier == "micro":
        tier = "small"  # a group's parent is rarely a micro firm

    section = industry.code[0]
    category = "1"
    if not group and tier == "micro" and section in "FHO" and rng.random() < 0.25:
        category = "2"  # 个体工商户: shops, restaurants, repair
    elif not group and tier in ("micro", "small") and section == "A" and rng.random() < 0.4:
        category = "3"  # 农民专业合作社

    sized = size_industry_for(industry.code)
    profile = PROFILES[sized.key if sized else UNCOVERED]
    employees, revenue, assets = _indicators(rng, sized or SIZE_INDUSTRIES["other"], profile, tier)
    if category == "2":
        employees = min(employees, rng.randint(1, 9))

    mean_age = (7.0, 10.0, 14.0, 19.0)[_TIER_RANK[tier]]  # years beyond the first half-year
    latest = as_of - dt.timedelta(days=183)
    age = min(rng.gammavariate(2.0, mean_age / 2) * 365.25, (latest - _EARLIEST).days)
    established = latest - dt.timedelta(days=int(age))

    ownership = "private"
    if category == "1":
        state_p = (0.03, 0.06, 0.15, 0.30)[_TIER_RANK[tier]]
        weights = (1 - state_p - 0.15, state_p, 0.02, 0.04, 0.03, 0.06)
        ownership = rng.choices(_OWNERSHIP, weights=weights)[0]
    elif category == "3":
        ownership = "collective" if rng.random() < 0.5 else "private"
    listed = category == "1" and rng.random() < (0.002, 0.01, 0.1, 0.6)[_TIER_RANK[tier]]

    strength = rng.gauss(0, 1) + (-0.1, 0.05, 0.25, 0.45)[_TIER_RANK[tier]]
    strength += 0.2 if listed else 0.0
    strength -= 0.3 if section in "KE" else 0.0
    rated = rng.random() < (0.03, 0.15, 0.6, 0.92)[_TIER_RANK[tier]] and category == "1"
    rating = _rating(rng, strength, _TIER_RANK[tier]) if rated else None

    shared = plan.brands.get(group[0]) if group else None
    name = ""
    for attempt in range(20):
        brand_name = shared if shared and attempt < 3 else brand(rng, 2 if attempt < 10 else 3)
        name = company_name(
            rng,
            category=category,
            region=region,
            industry=industry,
            brand_name=brand_name,
            joint_stock=listed or (tier in ("medium", "large") and rng.random() < 0.35),
            group_parent=is_parent and len(group) >= 3,
        )
        if name not in taken:
            break
    taken.add(name)

    if rng.random() < 0.01:
        missing_employees: int | None = None
    else:
        missing_employees = employees
    return Enterprise(
        index=index,
        credit_code=codes.credit_code(index, category, region.code, established),
        name=name,
        category=category,
        industry=industry,
        size_industry=sized,
        profile=profile,
        region=region,
        tier=tier,
        employees=missing_employees,
        revenue=revenue,
        total_assets=assets,
        registered_capital=_capital(rng, assets),
        established_on=established,
        channel=rng.choices(_CHANNELS, cum_weights=_CHANNEL_CUM)[0],
        ownership=ownership,
        listed=listed,
        branch=region.branch,
        external_rating=rating,
        strength=strength,
        brand=brand_name,
        group=group,
        controller=plan.controllers.get(group[0]) if group else None,
        guarantees_for=[b for g, b in plan.guarantees if g == index],
        guaranteed_by=[g for g, b in plan.guarantees if b == index],
    )


def make_block(
    seed: int, as_of: dt.date, block: int, count: int, codes: CodeMaker, taken: set[str]
) -> list[Enterprise]:
    """Profiles of customers ``block*BLOCK_SIZE`` … (at most ``count`` in total)."""
    start = block * BLOCK_SIZE
    stop = min(start + BLOCK_SIZE, count)
    plan = _plan_block(seed, as_of, block, start, stop)
    return [_enterprise(seed, as_of, i, plan, codes, taken) for i in range(start, stop)]
