"""Enterprise size: the generator aims at a tier and lendtag.domain.size agrees."""

from __future__ import annotations

from collections import Counter

from lendtag.demo import DEMO_AS_OF, DemoFiles
from lendtag.demo.codes import CodeMaker
from lendtag.demo.enterprises import make_block
from lendtag.domain.size import SizeClass, classify_size
from tests.demo.analysis import read_rows


def test_most_firms_land_in_their_target_tier() -> None:
    codes, taken = CodeMaker(3), set[str]()
    checked = matched = 0
    for block in range(40):
        for ent in make_block(3, DEMO_AS_OF, block, 2000, codes, taken):
            if ent.size_industry is None or ent.employees is None:
                continue
            result = classify_size(ent.industry.code, ent.employees, ent.revenue, ent.total_assets)
            checked += 1
            matched += result.size_class.value == ent.tier
    assert checked > 1800
    assert matched / checked > 0.97


def test_size_mix_is_realistic(small_portfolio: DemoFiles) -> None:
    mix: Counter[str] = Counter()
    for row in read_rows(small_portfolio.customers):
        employees = int(row["employees"]) if row["employees"] else None
        result = classify_size(
            row["industry_code"], employees, float(row["revenue"]), float(row["total_assets"])
        )
        mix[result.size_class.value] += 1
    total = sum(mix.values())
    share = {k: v / total for k, v in mix.items()}
    assert 0.01 <= share[SizeClass.LARGE] <= 0.04
    assert 0.06 <= share[SizeClass.MEDIUM] <= 0.14
    assert 0.28 <= share[SizeClass.SMALL] <= 0.42
    assert 0.44 <= share[SizeClass.MICRO] <= 0.60
    assert 0.01 <= share[SizeClass.UNCLASSIFIED] <= 0.08  # out-of-scope industries, gaps


def test_a_few_employee_counts_are_missing(small_portfolio: DemoFiles) -> None:
    rows = list(read_rows(small_portfolio.customers))
    missing = sum(row["employees"] == "" for row in rows) / len(rows)
    assert 0.002 < missing < 0.03


def test_individual_businesses_and_cooperatives_appear(small_portfolio: DemoFiles) -> None:
    rows = list(read_rows(small_portfolio.customers))
    category = Counter(row["credit_code"][1] for row in rows)
    assert category["1"] > 0.9 * len(rows)
    assert category["2"] > 0 and category["3"] > 0
    for row in rows:
        if row["credit_code"][1] == "2":
            assert row["name"].endswith(("店", "经营部", "商行", "服务部"))
        elif row["credit_code"][1] == "3":
            assert row["name"].endswith("专业合作社") and row["industry_code"][0] == "A"
        else:
            assert row["name"].endswith("公司")
