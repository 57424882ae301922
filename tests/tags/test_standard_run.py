"""The standard catalog run in the store (SQLite and PostgreSQL): known answers on
hand-built customers, nothing reported after the as-of date, the demo portfolio."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from lendtag.cli.demo import load_demo
from lendtag.core import Lendtag
from lendtag.demo import DEMO_AS_OF, generate_portfolio
from lendtag.ingest.specs import KINDS
from lendtag.tags.pit import base_query
from lendtag.tags.run import canonical_value
from lendtag.tags.standard import load_standard
from tests.factories import credit_code, customer, write_csv
from tests.tags.engine_fixtures import BUREAU_HEADER, STATEMENT_HEADER
from tests.tags.test_standard_catalog import plan

AS_OF = dt.date(2026, 6, 30)
LOAN_HEADER = KINDS["loans"].header


def values(lt: Lendtag, n: int, as_of: dt.date | None = None) -> dict[str, str]:
    return {v["tag"]: v["value"] for v in lt.tags_show(credit_code(n), as_of)}


def loan(n: int, number: int, amount: str, start: str = "2026-01-01") -> dict[str, Any]:
    return {
        "contract_no": f"LN-S-{n}-{number}",
        "credit_code": credit_code(n),
        "product": "working_capital",
        "amount": amount,
        "currency": "CNY",
        "start_date": start,
        "maturity_date": "2027-12-31",
    }


def import_rows(
    lt: Lendtag, tmp: Path, kind: str, rows: list[dict[str, Any]], header: list[str]
) -> None:
    result = lt.import_file(kind, write_csv(tmp / f"{kind}.csv", rows, header), today=AS_OF)
    assert result.quarantined == 0, lt.quarantine_list()


def test_known_answers_on_hand_built_customers(lt: Lendtag, tmp_path: Path) -> None:
    customers = [
        customer(1, established_on="2016-06-30", region_code="330106"),
        customer(2, established_on="2016-07-01", region_code="110101", industry_code="K7010"),
        customer(3, established_on="2025-06-30", region_code="440305", industry_code="C3130"),
        customer(4, established_on="2025-07-01", region_code="510104", industry_code="E4710"),
        customer(5, employees="10"),  # micro
        customer(6),  # small
        customer(7, employees="8"),  # micro, never borrowed
        customer(8, employees="500"),  # medium
        customer(9, industry_code="C3415", region_code="210102"),
        customer(10, industry_code="C3011", region_code="420102"),
        customer(11, industry_code="C2521"),
        customer(12, industry_code="C3731"),
        customer(13, industry_code="K7020"),
    ]
    lt.import_file(
        "customers", write_csv(tmp_path / "c.csv", customers), effective_date=dt.date(2016, 1, 1)
    )
    import_rows(
        lt,
        tmp_path,
        "loans",
        [loan(5, 1, "6000000.00"), loan(5, 2, "4000000.00"), loan(6, 1, "10000000.01")],
        LOAN_HEADER,
    )
    lt.catalog_load_standard("tester")
    lt.tags_run(AS_OF)
    got = {n: values(lt, n) for n in range(1, 14)}

    # enterprise age: whole years to the as-of date, boundaries on the anniversary
    ages = [got[n]["enterprise_age_band"] for n in (1, 2, 3, 4)]
    assert ages == ["ge_10y", "5_10y", "1_3y", "lt_1y"]
    # province and region from the region code
    assert [got[n]["province"] for n in (1, 2, 3, 4, 9, 10)] == ["33", "11", "44", "51", "21", "42"]
    assert [got[n]["economic_region"] for n in (1, 4, 9, 10)] == [
        "east",
        "west",
        "northeast",
        "central",
    ]
    # restricted industries by GB/T 4754-2017 code
    restricted = {n: got[n]["restricted_industry_type"] for n in (1, 2, 3, 4, 9, 10, 11, 12, 13)}
    assert restricted == {
        1: "not_restricted",
        2: "real_estate",
        3: "steel",
        4: "construction",
        9: "wind_power_equipment",
        10: "cement",
        11: "coal_chemical",
        12: "shipbuilding",
        13: "not_restricted",
    }
    assert got[12]["restricted_industry"] == "true" and got[13]["restricted_industry"] == "false"
    # 普惠型小微: small or micro and total credit ≤ 10,000,000 元 (exactly the cap counts)
    assert [got[n]["enterprise_size"] for n in (5, 6, 7, 8)] == [
        "micro",
        "small",
        "micro",
        "medium",
    ]
    assert [got[n]["inclusive_small_micro"] for n in (5, 6, 7, 8)] == [
        "true",
        "false",
        "true",
        "false",
    ]
    assert got[5]["inclusive_headroom_wan"] == "0" and got[7]["inclusive_headroom_wan"] == "1000"
    assert "inclusive_headroom_wan" not in got[6]
    assert got[5]["exposure_band"] == "1000_5000" and got[7]["exposure_band"] == "none"
    assert got[5]["active_borrower"] == "true" and got[7]["active_borrower"] == "false"
    assert (
        got[5]["customer_tenure_band"] == "lt_1y" and got[7]["customer_tenure_band"] == "prospect"
    )
    assert got[5]["dpd_band"] == "current" and "dpd_band" not in got[7]
    members = {r["credit_code"] for r in lt.segments_members("inclusive_manufacturing")}
    expected = {
        n
        for n, tags in got.items()
        if tags["inclusive_small_micro"] == "true" and tags["industry_sector"] == "C"
    }
    assert expected == {1, 3, 5, 7, 9, 10, 11, 12}  # 6: over the cap, 8: medium, 2/4/13: not C
    assert members == {credit_code(n) for n in expected}


def statement(
    n: int, period_end: str, reported_on: str, liabilities: float, revenue: float
) -> dict[str, Any]:
    return {
        "credit_code": credit_code(n),
        "period_end": period_end,
        "period_type": "annual",
        "reported_on": reported_on,
        "total_assets": 1000,
        "total_liabilities": liabilities,
        "equity": 1000 - liabilities,
        "current_assets": 500,
        "current_liabilities": 250,
        "revenue": revenue,
        "net_profit": 40,
        "operating_cash_flow": 60,
    }


def test_nothing_reported_after_the_as_of_date_is_read(lt: Lendtag, tmp_path: Path) -> None:
    lt.import_file(
        "customers",
        write_csv(tmp_path / "c.csv", [customer(1)]),
        effective_date=dt.date(2020, 1, 1),
    )
    import_rows(
        lt,
        tmp_path,
        "statements",
        [
            statement(1, "2024-12-31", "2025-04-20", 500, 1000),
            statement(1, "2025-12-31", "2026-04-20", 900, 1300),  # reported after D1
        ],
        STATEMENT_HEADER,
    )
    bureau = [
        {"credit_code": credit_code(1), "report_date": "2026-01-10", "lender_count": "2",
         "inquiries_6m": "1", "executed_person": "false", "litigation_count": "0"},
        {"credit_code": credit_code(1), "report_date": "2026-05-01", "lender_count": "5",
         "inquiries_6m": "7", "executed_person": "true", "litigation_count": "2"},
    ]  # fmt: skip
    import_rows(lt, tmp_path, "bureau", bureau, BUREAU_HEADER)
    import_rows(lt, tmp_path, "loans", [loan(1, 1, "500000.00", start="2026-04-01")], LOAN_HEADER)
    lt.catalog_load_standard("tester")

    d1 = dt.date(2026, 3, 31)
    lt.tags_run(d1)
    before = values(lt, 1)
    assert before["leverage_band"] == "moderate"  # FY2024: 500 / 1000, not FY2025's 900
    assert "revenue_growth_band" not in before  # FY2024 has no predecessor known yet
    assert before["executed_person"] == "false" and before["public_record_risk"] == "none"
    assert before["lender_count_band"] == "2_3" and before["inquiry_surge"] == "false"
    assert before["active_borrower"] == "false" and before["customer_tenure_band"] == "prospect"
    assert "dpd_band" not in before  # the loan starts after D1

    lt.tags_run(AS_OF)
    after = values(lt, 1)
    assert after["leverage_band"] == "very_high"
    assert after["revenue_growth_band"] == "fast"  # 1300 / 1000 − 1
    assert after["executed_person"] == "true" and after["public_record_risk"] == "severe"
    assert after["multi_bank_borrowing"] == "true" and after["inquiry_surge"] == "true"
    assert after["active_borrower"] == "true" and after["customer_tenure_band"] == "lt_1y"
    assert values(lt, 1, d1) == before  # history answers the earlier date unchanged


PARTY_HEADER = KINDS["persons"].header


def party(n: int, relation: str, name: str, related: int | None = None) -> dict[str, Any]:
    row = {"credit_code": credit_code(n), "relation": relation, "name": name}
    if related is None:
        return row | {"party_type": "person"}
    return row | {"party_type": "enterprise", "related_credit_code": credit_code(related)}


def relations_on(lt: Lendtag, day: dt.date) -> dict[str, Any]:
    base = base_query(lt.store.dialect, day).subquery("b")
    with lt.store.read() as conn:
        row = conn.execute(
            select(base.c.group_members, base.c.guarantors, base.c.guarantees_provided).where(
                base.c.credit_code == credit_code(1)
            )
        ).one()
    return dict(row._mapping)


def test_related_parties_count_from_the_day_they_were_known(lt: Lendtag, tmp_path: Path) -> None:
    lt.import_file(
        "customers",
        write_csv(tmp_path / "c.csv", [customer(n) for n in (1, 2, 3)]),
        effective_date=dt.date(2020, 1, 1),
    )
    rows = [
        party(1, "group_member", "测试2号", related=2),
        party(1, "guarantor", "李四"),
        party(1, "guarantee_provided", "测试3号", related=3),
    ]
    import_rows(lt, tmp_path, "persons", rows, PARTY_HEADER)
    with lt.store.write(audited=False) as conn:
        stored = set(conn.execute(text("SELECT known_from FROM related_parties")).scalars())
        # an import that dates the relations (what --effective-date will give them)
        conn.execute(
            text("UPDATE related_parties SET known_from = :d WHERE relation = 'group_member'"),
            {"d": dt.date(2026, 1, 15)},
        )
        conn.execute(
            text("UPDATE related_parties SET known_from = :d WHERE relation = 'guarantor'"),
            {"d": dt.date(2026, 5, 1)},
        )
        conn.execute(
            text("UPDATE related_parties SET known_from = :d WHERE relation = :r"),
            {"d": dt.date(2026, 7, 15), "r": "guarantee_provided"},
        )
    # undated rows, imported without --effective-date, are known from the import date
    stored_days = {d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in stored}
    assert stored_days == {AS_OF}
    d1 = dt.date(2026, 3, 31)
    assert relations_on(lt, dt.date(2026, 1, 14)) == {
        "group_members": 0,
        "guarantors": 0,
        "guarantees_provided": 0,
    }
    assert relations_on(lt, d1) == {"group_members": 1, "guarantors": 0, "guarantees_provided": 0}
    assert relations_on(lt, AS_OF) == {
        "group_members": 1,
        "guarantors": 1,
        "guarantees_provided": 0,  # learned after AS_OF, so not known on AS_OF
    }
    lt.catalog_load_standard("tester")
    lt.tags_run(d1)
    assert values(lt, 1)["group_customer"] == "true"
    assert values(lt, 1)["has_guarantor"] == "false"
    assert values(lt, 1)["external_guarantees"] == "false"
    lt.tags_run(AS_OF)
    assert values(lt, 1)["has_guarantor"] == "true"
    assert values(lt, 1)["external_guarantees"] == "false"
    assert values(lt, 1, d1)["has_guarantor"] == "false"


def test_a_restated_statement_replaces_what_was_known_before(lt: Lendtag, tmp_path: Path) -> None:
    """The store keeps one row per statement: a restatement overwrites it, and its own
    (later) reported_on gates it, so an earlier as-of date sees neither version."""
    lt.import_file(
        "customers",
        write_csv(tmp_path / "c.csv", [customer(1)]),
        effective_date=dt.date(2020, 1, 1),
    )
    import_rows(
        lt,
        tmp_path,
        "statements",
        [statement(1, "2024-12-31", "2025-04-20", 500, 1000)],
        STATEMENT_HEADER,
    )
    d1 = dt.date(2026, 3, 31)

    def liabilities(day: dt.date) -> Any:
        base = base_query(lt.store.dialect, day).subquery("b")
        with lt.store.read() as conn:
            return conn.execute(
                select(base.c.st_total_liabilities).where(base.c.credit_code == credit_code(1))
            ).scalar()

    assert liabilities(d1) == 500
    restated = [statement(1, "2024-12-31", "2026-05-10", 700, 1000)]
    lt.import_file(
        "statements", write_csv(tmp_path / "r.csv", restated, STATEMENT_HEADER), today=AS_OF
    )
    assert liabilities(d1) is None  # the original is gone; the restatement is not yet known
    assert liabilities(AS_OF) == 700


@pytest.fixture
def demo(lt: Lendtag, tmp_path: Path) -> Lendtag:
    files = generate_portfolio(tmp_path / "demo", customers=300, seed=7)
    load_demo(lt, files, dt.date(2023, 1, 1))
    lt.catalog_load_standard("tester")
    lt.tags_run(DEMO_AS_OF)
    return lt


def test_the_demo_portfolio_carries_plausible_standard_tags(demo: Lendtag) -> None:
    listed = {t["code"]: t for t in demo.tags_list()}
    rules = [t for t in load_standard().tags if t.kind == "rule"]
    assert {t.code for t in rules} <= set(listed)

    def dist(code: str) -> dict[str, int]:
        return dict(listed[code]["values"])

    assert listed["enterprise_size"]["coverage"] == 1.0
    assert {"large", "medium", "small", "micro"} <= set(dist("enterprise_size"))
    assert len(dist("leverage_band")) >= 4 and max(dist("leverage_band").values()) < 0.7 * sum(
        dist("leverage_band").values()
    )
    assert len(dist("province")) >= 10 and len(dist("industry_sector")) >= 10
    assert set(dist("restricted_industry")) == {"true", "false"}
    assert "current" in dist("dpd_band") and len(dist("dpd_band")) >= 3
    assert set(dist("financial_health")) == {"sound", "watch", "weak"}
    assert set(dist("agency_rating_class")) >= {"A"}
    # every rule tag gives a value to someone, except none
    empty = [t.code for t in rules if not dist(t.code)]
    assert empty == []
    segments = {s["code"]: s["members"] for s in demo.segments_list()}
    assert set(segments) == {s.code for s in load_standard().segments}
    assert all(n > 0 for n in segments.values()), segments


def test_python_and_the_store_agree_on_every_demo_customer(demo: Lendtag) -> None:
    """The closures of every expression give the values the set-based run stored."""
    with demo.store.read() as conn:
        base = base_query(conn.dialect.name, DEMO_AS_OF).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
        rows = [dict(r._mapping) for r in conn.execute(text(str(base)))]
        stored = {
            (r.credit_code, r.tag_code): r.value
            for r in conn.execute(text("SELECT credit_code, tag_code, value FROM tag_values"))
        }
    compared = Counter[str]()
    for row in rows:
        # raw SQL returns NUMERIC as Decimal on PostgreSQL; the closures take floats
        values = {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}
        for layer in plan().layers:
            for c in layer:
                values[c.code] = c.expression.evaluate(values, as_of=DEMO_AS_OF)
        for t in plan().tags:
            mine = canonical_value(t, values[t.code])
            theirs = stored.get((row["credit_code"], t.code))
            if t.value_type == "number" and mine is not None and theirs is not None:
                assert float(mine) == pytest.approx(float(theirs), abs=1e-6), t.code
            else:
                assert mine == theirs, (row["credit_code"], t.code)
            compared[t.value_type] += 1
    assert compared["category"] > 300 * 30 and compared["flag"] > 300 * 20
