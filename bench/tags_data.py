"""Synthetic portfolio for bench/tags_batch.py, generated in DuckDB SQL, deterministic.

Every random draw is a hash of (row, salt): the same size gives the same data on every
machine, whatever the thread count. Shape per customer: current attributes (30 % with an
older version), two annual statements (FY2024, FY2025), one or two bureau reports, and for
one customer in five a 12-instalment loan with repayments (some late, some missing), plus a
related party for one in two. Money is in 万元 except loans (元), as in the store.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

INDUSTRIES = [
    ("C3411", "C"),
    ("C1810", "C"),
    ("C3971", "C"),
    ("F5137", "F"),
    ("F5261", "F"),
    ("E4811", "E"),
    ("I6510", "I"),
    ("G5430", "G"),
    ("K7010", "K"),
    ("L7211", "L"),
    ("A0111", "A"),
    ("M7484", "M"),
]
REGIONS = ["330100", "440300", "110108", "310115", "510100", "320500", "420100", "370200"]
SIZES = ["large", "medium", "small", "small", "micro", "micro", "micro", "unclassified"]
STAMP = "'2026-01-01 00:00:00.000000'"

TABLES = (
    "enterprises",
    "enterprise_versions",
    "financial_statements",
    "bureau_reports",
    "loans",
    "repayment_schedules",
    "repayments",
    "related_parties",
)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def generate(duck: Any, customers: int) -> dict[str, int]:
    """Create the store's source tables in DuckDB; returns their row counts."""
    draw = "CAST(hash(i * 7919 + k) % {m} AS BIGINT)"
    duck.execute(f"CREATE OR REPLACE MACRO u(i, k) AS {draw.format(m=1000003)} / 1000003.0")
    duck.execute(f"CREATE OR REPLACE MACRO pick(lst, i, k) AS lst[1 + {draw.format(m='len(lst)')}]")
    codes = _list([c for c, _ in INDUSTRIES])
    duck.execute(f"""
        CREATE OR REPLACE TABLE ent_raw AS
        SELECT i, printf('91%06d%09dX', 330100 + (i % 7), i) AS credit_code,
               pick({codes}, i, 1) AS industry_code,
               pick({_list(REGIONS)}, i, 2) AS region_code,
               pick({_list(SIZES)}, i, 3) AS size_class,
               round(50 + 20000 * u(i, 4) * u(i, 4), 2) AS registered_capital,
               DATE '1995-01-01' + CAST(u(i, 5) * 10500 AS INTEGER) AS established_on,
               CAST(5 + 1500 * u(i, 6) * u(i, 6) AS INTEGER) AS employees,
               round(100 + 80000 * u(i, 7) * u(i, 7), 2) AS revenue,
               u(i, 8) < 0.03 AS listed,
               u(i, 9) < 0.3 AS has_old_version
        FROM range({customers}) t(i)
    """)
    sections = " ".join(f"WHEN '{c}' THEN '{s}'" for c, s in INDUSTRIES)
    duck.execute(f"""
        CREATE OR REPLACE TABLE enterprises AS
        SELECT credit_code, CASE WHEN has_old_version THEN DATE '2025-07-01'
                                 ELSE DATE '2023-01-01' END AS effective_from,
               NULL::BIGINT AS batch_id, {STAMP} AS created_at, {STAMP} AS updated_at,
               'Enterprise ' || i AS name, industry_code,
               CASE industry_code {sections} END AS industry_section,
               registered_capital, established_on, region_code,
               pick(['private', 'state', 'foreign', 'collective'], i, 10) AS ownership_type,
               listed, employees, revenue, round(revenue * (0.6 + 1.4 * u(i, 11)), 2)
               AS total_assets, size_class, pick(['branch', 'web', 'app', 'core'], i, 12)
               AS channel, 'BR' || lpad(CAST(i % 40 AS VARCHAR), 2, '0') AS branch,
               CASE WHEN u(i, 13) < 0.4 THEN pick(['AAA', 'AA', 'A', 'BBB', 'BB'], i, 14) END
               AS external_rating
        FROM ent_raw
    """)
    duck.execute(f"""
        CREATE OR REPLACE TABLE enterprise_versions AS
        SELECT row_number() OVER (ORDER BY e.credit_code) AS id, e.credit_code,
               DATE '2023-01-01' AS valid_from, DATE '2025-07-01' AS valid_to,
               NULL::BIGINT AS batch_id, e.name, e.industry_code, e.industry_section,
               e.registered_capital, e.established_on, e.region_code, e.ownership_type,
               e.listed, CAST(e.employees * 0.8 AS INTEGER) AS employees,
               round(e.revenue * 0.85, 2) AS revenue, e.total_assets,
               pick({_list(SIZES)}, r.i, 15) AS size_class, e.channel, e.branch,
               e.external_rating
        FROM enterprises e JOIN ent_raw r USING (credit_code) WHERE r.has_old_version
    """)
    lines = """
        round(ta, 2) AS total_assets, round(ta * lev, 2) AS total_liabilities,
        round(ta * cur, 2) AS current_assets, round(ta * lev * (0.4 + 0.5 * u(i, k + 1)), 2)
        AS current_liabilities, round(ta * cur * 0.3 * u(i, k + 2), 2) AS inventory,
        round(ta * cur * 0.25 * u(i, k + 3), 2) AS cash,
        round(ta * cur * 0.4 * u(i, k + 4), 2) AS accounts_receivable,
        round(ta * (1 - lev), 2) AS equity, round(rev, 2) AS revenue,
        round(rev * (0.55 + 0.4 * u(i, k + 5)), 2) AS cost_of_sales,
        round(rev * (0.18 * u(i, k + 6) - 0.05), 2) AS operating_profit,
        CASE WHEN u(i, k + 7) < 0.15 THEN 0 ELSE round(ta * lev * 0.03 * u(i, k + 8), 2) END
        AS interest_expense, round(rev * (0.15 * u(i, k + 9) - 0.05), 2) AS net_profit,
        round(rev * (0.2 * u(i, k + 10) - 0.06), 2) AS operating_cash_flow
    """
    years = []
    for year, k in ((2024, 100), (2025, 200)):
        years.append(f"""
            SELECT i, credit_code, DATE '{year}-12-31' AS period_end, 'annual' AS period_type,
                   DATE '{year + 1}-03-01' + CAST(u(i, {k}) * 60 AS INTEGER) AS reported_on,
                   {lines.replace("k +", f"{k} +")}, NULL::BIGINT AS batch_id
            FROM (SELECT i, credit_code, revenue * (0.8 + 0.4 * u(i, {k + 11})) AS rev,
                         revenue * (0.6 + 1.4 * u(i, {k + 12})) AS ta,
                         0.2 + 0.75 * u(i, {k + 13}) AS lev, 0.3 + 0.5 * u(i, {k + 14}) AS cur
                  FROM ent_raw)
        """)
    duck.execute(
        "CREATE OR REPLACE TABLE financial_statements AS SELECT row_number() OVER "
        "(ORDER BY credit_code, period_end) AS id, * EXCLUDE (i) FROM ("
        + " UNION ALL ".join(years)
        + ")"
    )
    duck.execute("""
        CREATE OR REPLACE TABLE bureau_reports AS
        SELECT row_number() OVER (ORDER BY credit_code, report_date) AS id, * FROM (
          SELECT credit_code, report_date,
                 CASE WHEN u(i, k) < 0.12 THEN 1 + CAST(u(i, k + 1) * 5 AS INTEGER) ELSE 0 END
                 AS overdue_count,
                 CASE WHEN u(i, k) < 0.12 THEN round(200 * u(i, k + 2), 2) ELSE 0 END
                 AS overdue_amount, round(revenue * 0.5 * u(i, k + 3), 2) AS outstanding_debt,
                 1 + CAST(8 * u(i, k + 4) * u(i, k + 4) AS INTEGER) AS lender_count,
                 CAST(10 * u(i, k + 5) * u(i, k + 5) AS INTEGER) AS inquiries_6m,
                 round(revenue * 0.3 * u(i, k + 6) * u(i, k + 6), 2) AS guarantees_given,
                 CAST(u(i, k + 7) < 0.06 AS INTEGER) * (1 + CAST(3 * u(i, k + 8) AS INTEGER))
                 AS litigation_count, u(i, k + 9) < 0.01 AS executed_person,
                 u(i, k + 10) < 0.02 AS tax_arrears, u(i, k + 11) < 0.015 AS abnormal_operation,
                 NULL::BIGINT AS batch_id
          FROM (SELECT i, credit_code, revenue, 300 AS k,
                       DATE '2026-01-05' + CAST(u(i, 301) * 150 AS INTEGER) AS report_date
                FROM ent_raw
                UNION ALL
                SELECT i, credit_code, revenue, 400 AS k,
                       DATE '2025-03-05' + CAST(u(i, 401) * 150 AS INTEGER) AS report_date
                FROM ent_raw WHERE u(i, 402) < 0.3))
    """)
    duck.execute("""
        CREATE OR REPLACE TABLE loans AS
        SELECT 'LN-' || lpad(CAST(i AS VARCHAR), 9, '0') AS contract_no, credit_code,
               pick(['working_capital', 'fixed_asset', 'trade_finance'], i, 500) AS product,
               round(100000 + 4900000 * u(i, 501), 2) AS amount, 'CNY' AS currency,
               DATE '2025-07-01' + CAST(u(i, 502) * 300 AS INTEGER) AS start_date,
               DATE '2025-07-01' + CAST(u(i, 502) * 300 AS INTEGER) + 365 AS maturity_date,
               round(0.03 + 0.04 * u(i, 503), 4) AS annual_rate,
               'equal_principal' AS repayment_method, 'property' AS collateral_type,
               'guarantee' AS guarantee_type, 'BR01' AS branch, NULL::BIGINT AS batch_id,
               i
        FROM ent_raw WHERE u(i, 504) < 0.2
    """)
    duck.execute("""
        CREATE OR REPLACE TABLE repayment_schedules AS
        SELECT contract_no, n AS installment_no,
               CAST(start_date + INTERVAL (n) MONTH AS DATE) AS due_date,
               round(amount / 12, 2) AS principal_due,
               round(amount * annual_rate / 12, 2) AS interest_due,
               NULL::BIGINT AS batch_id, i
        FROM loans, range(1, 13) r(n)
    """)
    duck.execute("""
        CREATE OR REPLACE TABLE repayments AS
        SELECT row_number() OVER (ORDER BY contract_no, installment_no) AS id, contract_no,
               installment_no,
               CASE WHEN u(i * 13 + installment_no, 601) < 0.08
                    THEN due_date + CAST(10 + 80 * u(i, 602) AS INTEGER) ELSE due_date END
               AS paid_on, principal_due AS principal_paid, interest_due AS interest_paid,
               NULL::BIGINT AS batch_id
        FROM repayment_schedules
        WHERE due_date <= DATE '2026-12-31' AND u(i, 603) >= 0.05
          AND NOT (u(i, 604) < 0.1 AND installment_no > 6)
    """)
    duck.execute(f"""
        CREATE OR REPLACE TABLE related_parties AS
        SELECT row_number() OVER (ORDER BY credit_code) AS id, credit_code,
               pick(['group_member', 'guarantor', 'guarantee_provided', 'shareholder'], i, 700)
               AS relation, 'enterprise' AS party_type, 'P' || i AS party_key,
               'Party ' || i AS name, NULL AS id_number, NULL AS phone,
               round(100 * u(i, 701), 4) AS share_pct, NULL AS related_credit_code,
               DATE '2020-01-01' AS known_from, NULL::BIGINT AS batch_id, {STAMP} AS updated_at
        FROM ent_raw WHERE u(i, 702) < 0.5
    """)
    for name in ("loans", "repayment_schedules"):
        duck.execute(f"ALTER TABLE {name} DROP COLUMN i")
    return {t: int(duck.execute(f"SELECT COUNT(*) FROM {t}").fetchall()[0][0]) for t in TABLES}


def write_store(duck: Any, path: Path) -> None:
    """Append the generated tables to the (migrated, closed) SQLite store via ADBC ingest."""
    import adbc_driver_sqlite.dbapi as adbc

    conn = adbc.connect(str(path))
    try:
        cursor = conn.cursor()
        for table in TABLES:
            cursor.adbc_ingest(table, duck.sql(f"SELECT * FROM {table}").to_arrow_table(), "append")
        cursor.close()
        conn.commit()
    finally:
        conn.close()


def change_one_percent(path: Path, on: dt.date) -> int:
    """One customer in a hundred gets a new attribute version and a new bureau report."""
    db = sqlite3.connect(path)
    day = on.isoformat()
    pick = "substr(credit_code, 9, 9) LIKE '%00'"
    try:
        with db:
            n = db.execute(f"SELECT COUNT(*) FROM enterprises WHERE {pick}").fetchone()[0]
            db.execute(
                "INSERT INTO enterprise_versions (credit_code, valid_from, valid_to, name, "
                "industry_code, industry_section, registered_capital, established_on, "
                "region_code, ownership_type, listed, employees, revenue, total_assets, "
                "size_class, channel, branch, external_rating) SELECT credit_code, "
                "effective_from, ?, name, industry_code, industry_section, registered_capital, "
                "established_on, region_code, ownership_type, listed, employees, revenue, "
                f"total_assets, size_class, channel, branch, external_rating FROM enterprises "
                f"WHERE {pick}",
                (day,),
            )
            db.execute(
                "UPDATE enterprises SET effective_from = ?, employees = employees + 25, "
                "revenue = round(revenue * 1.3, 2), registered_capital = registered_capital "
                f"* 2, size_class = 'medium' WHERE {pick}",
                (day,),
            )
            db.execute(
                "INSERT INTO bureau_reports (credit_code, report_date, overdue_count, "
                "overdue_amount, outstanding_debt, lender_count, inquiries_6m, "
                "guarantees_given, litigation_count, executed_person, tax_arrears, "
                "abnormal_operation) SELECT credit_code, ?, 2, 55.5, 1000, 9, 7, 10, 1, 0, 1, 0 "
                f"FROM enterprises WHERE {pick}",
                (day,),
            )
    finally:
        db.close()
    return int(n)
