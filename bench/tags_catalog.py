"""The bench catalog (19 features, 52 rule tags in the expression language) and its twin:
the same values as ONE hand-written DuckDB query over the generated source tables.

Each tag is written twice: ``expression`` for lendtag, ``hand`` as a person would write it
in DuckDB SQL over the hand-written base below; bench/tags_batch.py checks they agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

FEATURES = [  # code, type, expression, hand-written DuckDB
    ("debt_ratio", "number", "st_total_liabilities / st_total_assets",
     "s1_total_liabilities / NULLIF(s1_total_assets, 0)"),
    ("current_ratio", "number", "st_current_assets / st_current_liabilities",
     "s1_current_assets / NULLIF(s1_current_liabilities, 0)"),
    ("quick_ratio", "number", "(st_current_assets - st_inventory) / st_current_liabilities",
     "(s1_current_assets - s1_inventory) / NULLIF(s1_current_liabilities, 0)"),
    ("net_margin", "number", "st_net_profit / st_revenue",
     "s1_net_profit / NULLIF(s1_revenue, 0)"),
    ("gross_margin", "number", "(st_revenue - st_cost_of_sales) / st_revenue",
     "(s1_revenue - s1_cost_of_sales) / NULLIF(s1_revenue, 0)"),
    ("roa", "number", "st_net_profit / st_total_assets",
     "s1_net_profit / NULLIF(s1_total_assets, 0)"),
    ("roe", "number", "st_net_profit / st_equity", "s1_net_profit / NULLIF(s1_equity, 0)"),
    ("interest_cover", "number", "st_operating_profit / st_interest_expense",
     "s1_operating_profit / NULLIF(s1_interest_expense, 0)"),
    ("revenue_growth", "number", "st_revenue / prev_revenue - 1",
     "s1_revenue / NULLIF(s0_revenue, 0) - 1"),
    ("asset_growth", "number", "st_total_assets / prev_total_assets - 1",
     "s1_total_assets / NULLIF(s0_total_assets, 0) - 1"),
    ("cash_ratio", "number", "st_cash / st_current_liabilities",
     "s1_cash / NULLIF(s1_current_liabilities, 0)"),
    ("ocf_ratio", "number", "st_operating_cash_flow / st_current_liabilities",
     "s1_operating_cash_flow / NULLIF(s1_current_liabilities, 0)"),
    ("receivable_days", "number", "st_accounts_receivable / st_revenue * 365",
     "s1_accounts_receivable / NULLIF(s1_revenue, 0) * 365"),
    ("inventory_days", "number", "st_inventory / st_cost_of_sales * 365",
     "s1_inventory / NULLIF(s1_cost_of_sales, 0) * 365"),
    ("firm_age", "integer", "YEARS_BETWEEN(established_on, AS_OF())",
     "year(DATE '{d}') - year(established_on) - CASE WHEN month(DATE '{d}') < "
     "month(established_on) OR (month(DATE '{d}') = month(established_on) AND "
     "day(DATE '{d}') < day(established_on)) THEN 1 ELSE 0 END"),
    ("current_dpd", "integer", "COALESCE(DAYS_BETWEEN(oldest_unpaid_due, AS_OF()), 0)",
     "COALESCE(DATE '{d}' - oldest_unpaid_due, 0)"),
    ("report_age", "integer", "DAYS_BETWEEN(bu_report_date, AS_OF())",
     "DATE '{d}' - bu_report_date"),
    ("exposure_wan", "number", "outstanding_principal / 10000", "outstanding / 10000"),
    ("profit_swing", "boolean", "prev_net_profit > 0 AND st_net_profit < 0",
     "s0_net_profit > 0 AND s1_net_profit < 0"),
]  # fmt: skip

_BANDS = "CASE WHEN {x} IS NULL THEN NULL WHEN {x} < 0 THEN 'negative' WHEN {x} < 0.08 " \
    "THEN 'low' WHEN {x} < 0.15 THEN 'fair' ELSE 'strong' END"  # fmt: skip

TAGS = [  # code, value_type, expression, hand-written DuckDB, categories
    ("leverage_band", "category", "CASE WHEN debt_ratio > 0.7 THEN 'high' WHEN debt_ratio > "
     "0.5 THEN 'medium' WHEN debt_ratio IS NOT NULL THEN 'low' END", None,
     ["low", "medium", "high"]),
    ("debt_ratio_value", "number", "debt_ratio", None, None),
    ("current_ratio_value", "number", "current_ratio", None, None),
    ("liquidity_weak", "flag", "current_ratio < 1", None, None),
    ("quick_ratio_value", "number", "quick_ratio", None, None),
    ("quick_weak", "flag", "quick_ratio < 0.5", None, None),
    ("net_margin_value", "number", "net_margin", None, None),
    ("loss_maker", "flag", "st_net_profit < 0", "s1_net_profit < 0", None),
    ("gross_margin_value", "number", "gross_margin", None, None),
    ("thin_margin", "flag", "gross_margin < 0.1", None, None),
    ("roa_value", "number", "roa", None, None),
    ("roe_value", "number", "roe", None, None),
    ("roe_band", "category", _BANDS.format(x="roe"), None,
     ["negative", "low", "fair", "strong"]),
    ("interest_cover_value", "number", "interest_cover", None, None),
    ("interest_stress", "flag", "interest_cover < 1.5", None, None),
    ("revenue_growth_value", "number", "revenue_growth", None, None),
    ("growth_band", "category", "CASE WHEN revenue_growth IS NULL THEN NULL WHEN "
     "revenue_growth < -0.1 THEN 'shrinking' WHEN revenue_growth <= 0.1 THEN 'flat' "
     "ELSE 'growing' END", None, ["shrinking", "flat", "growing"]),
    ("profit_reversal", "flag", "profit_swing", None, None),
    ("asset_growth_value", "number", "asset_growth", None, None),
    ("cash_ratio_value", "number", "cash_ratio", None, None),
    ("ocf_negative", "flag", "st_operating_cash_flow < 0", "s1_operating_cash_flow < 0", None),
    ("ocf_ratio_value", "number", "ocf_ratio", None, None),
    ("receivable_days_value", "number", "receivable_days", None, None),
    ("slow_collector", "flag", "receivable_days > 120", None, None),
    ("inventory_days_value", "number", "inventory_days", None, None),
    ("working_capital", "number", "st_current_assets - st_current_liabilities",
     "s1_current_assets - s1_current_liabilities", None),
    ("equity_negative", "flag", "st_equity <= 0", "s1_equity <= 0", None),
    ("firm_age_years", "number", "firm_age", None, None),
    ("young_firm", "flag", "firm_age < 3", None, None),
    ("size_group", "category", "CASE WHEN size_class IN ('large', 'medium') THEN 'corporate' "
     "ELSE 'sme' END", None, ["corporate", "sme"]),
    ("manufacturer", "flag", "industry_section = 'C'", None, None),
    ("listed_company", "flag", "listed", None, None),
    ("capital_band", "category", "CASE WHEN registered_capital >= 10000 THEN 'large' WHEN "
     "registered_capital >= 1000 THEN 'mid' ELSE 'small' END", None, ["small", "mid", "large"]),
    ("revenue_per_employee", "number", "revenue / employees",
     "revenue / NULLIF(employees, 0)", None),
    ("bureau_overdue", "flag", "bu_overdue_count > 0", None, None),
    ("bureau_overdue_amount", "number", "bu_overdue_amount", None, None),
    ("many_lenders", "flag", "bu_lender_count >= 5", None, None),
    ("inquiry_heat", "category", "CASE WHEN bu_inquiries_6m >= 6 THEN 'hot' WHEN "
     "bu_inquiries_6m >= 3 THEN 'warm' WHEN bu_inquiries_6m IS NOT NULL THEN 'cold' END", None,
     ["cold", "warm", "hot"]),
    ("litigation", "flag", "bu_litigation_count > 0", None, None),
    ("public_record_risk", "flag", "bu_executed_person OR bu_tax_arrears OR "
     "bu_abnormal_operation", None, None),
    ("stale_report", "flag", "report_age > 180", None, None),
    ("debt_to_revenue", "number", "bu_outstanding_debt / st_revenue",
     "bu_outstanding_debt / NULLIF(s1_revenue, 0)", None),
    ("guarantee_heavy", "flag", "bu_guarantees_given > st_equity * 0.5",
     "bu_guarantees_given > s1_equity * 0.5", None),
    ("borrower", "flag", "COALESCE(loans_active, 0) > 0", None, None),
    ("exposure_value", "number", "exposure_wan", None, None),
    ("exposure_to_revenue", "number", "exposure_wan / st_revenue",
     "exposure_wan / NULLIF(s1_revenue, 0)", None),
    ("current_dpd_days", "number", "current_dpd", None, None),
    ("dpd_bucket", "category", "CASE WHEN current_dpd = 0 THEN 'current' WHEN current_dpd "
     "<= 30 THEN '1-30' WHEN current_dpd <= 90 THEN '31-90' ELSE '90+' END", None,
     ["current", "1-30", "31-90", "90+"]),
    ("overdue_30", "flag", "current_dpd > 30", None, None),
    ("watch_signal", "flag", "overdue_30 OR (leverage_band = 'high' AND loss_maker) OR "
     "public_record_risk", None, None),
    ("risk_score", "number", "CASE WHEN leverage_band = 'high' THEN 30 ELSE 0 END + CASE WHEN "
     "loss_maker THEN 20 ELSE 0 END + CASE WHEN overdue_30 THEN 40 ELSE 0 END + "
     "COALESCE(bu_inquiries_6m, 0) * 2", None, None),
    ("risk_grade", "category", "CASE WHEN risk_score >= 60 THEN 'C' WHEN risk_score >= 30 "
     "THEN 'B' ELSE 'A' END", None, ["A", "B", "C"]),
]  # fmt: skip

TAG_TYPES = {code: value_type for code, value_type, *_ in TAGS}


def _label(code: str) -> dict[str, str]:
    return {"zh": f"基准{code}", "en": code.replace("_", " ")}


def catalog_body() -> dict[str, Any]:
    """The catalog as lendtag loads it (bilingual labels, one dimension)."""
    tags = []
    for code, value_type, expression, _hand, cats in TAGS:
        body: dict[str, Any] = {
            "code": code,
            "name": _label(code),
            "description": _label(code),
            "dimension": "bench",
            "kind": "rule",
            "value_type": value_type,
            "expression": expression,
            "owner": "bench",
            "purpose": ["credit_risk_assessment"],
        }
        if cats:
            body["categories"] = [{"value": c, "name": {"zh": c, "en": c}} for c in cats]
        tags.append(body)
    return {
        "dimensions": [{"code": "bench", "name": {"zh": "基准", "en": "Bench"}}],
        "features": [
            {"code": c, "name": _label(c), "type": t, "expression": e} for c, t, e, _h in FEATURES
        ],
        "tags": tags,
    }


_STATEMENT = (
    "total_assets", "total_liabilities", "current_assets", "current_liabilities", "inventory",
    "cash", "accounts_receivable", "equity", "revenue", "cost_of_sales", "operating_profit",
    "interest_expense", "net_profit", "operating_cash_flow",
)  # fmt: skip


def hand_query(as_of: dt.date) -> str:
    """ONE DuckDB query computing the 52 tag values from the source tables, by hand."""
    d = as_of.isoformat()
    s1 = ", ".join(f"s1.{c} AS s1_{c}" for c in _STATEMENT)
    s0 = ", ".join(f"s0.{c} AS s0_{c}" for c in ("revenue", "net_profit", "total_assets"))
    features = ", ".join(f"{h.format(d=d)} AS {c}" for c, _t, _e, h in FEATURES)
    layers: list[list[str]] = [[], [], []]
    late = {"watch_signal": 1, "risk_score": 1, "risk_grade": 2}
    for code, _vt, expression, hand, _c in TAGS:
        layers[late.get(code, 0)].append(f"{hand or expression} AS {code}")
    codes = ", ".join(code for code, *_ in TAGS)
    return f"""
    WITH ent AS (
      SELECT credit_code, industry_section, registered_capital, established_on, listed,
             employees, revenue, size_class FROM enterprises WHERE effective_from <= DATE '{d}'
      UNION ALL
      SELECT credit_code, industry_section, registered_capital, established_on, listed,
             employees, revenue, size_class FROM enterprise_versions
      WHERE valid_from <= DATE '{d}' AND valid_to > DATE '{d}'
    ), st AS (
      SELECT *, row_number() OVER (PARTITION BY credit_code ORDER BY period_end DESC) AS rn
      FROM financial_statements WHERE period_type = 'annual' AND reported_on <= DATE '{d}'
    ), bu AS (
      SELECT * FROM bureau_reports WHERE report_date <= DATE '{d}'
      QUALIFY row_number() OVER (PARTITION BY credit_code ORDER BY report_date DESC) = 1
    ), paid AS (
      SELECT contract_no, installment_no, sum(principal_paid) AS principal,
             sum(principal_paid + interest_paid) AS total
      FROM repayments WHERE paid_on <= DATE '{d}' GROUP BY contract_no, installment_no
    ), per_loan AS (
      SELECT s.contract_no, sum(COALESCE(p.principal, 0)) AS principal_paid,
             min(CASE WHEN s.due_date <= DATE '{d}' AND COALESCE(p.total, 0)
                      < s.principal_due + s.interest_due - 0.005 THEN s.due_date END)
             AS unpaid_due
      FROM repayment_schedules s JOIN loans l ON l.contract_no = s.contract_no
      LEFT JOIN paid p ON p.contract_no = s.contract_no AND p.installment_no = s.installment_no
      WHERE l.start_date <= DATE '{d}' GROUP BY s.contract_no
    ), book AS (
      SELECT l.credit_code,
             sum(CASE WHEN l.amount - COALESCE(pl.principal_paid, 0) > 0.005 THEN 1 ELSE 0 END)
             AS loans_active,
             sum(CASE WHEN l.amount - COALESCE(pl.principal_paid, 0) > 0.005
                      THEN l.amount - COALESCE(pl.principal_paid, 0) ELSE 0 END) AS outstanding,
             min(pl.unpaid_due) AS oldest_unpaid_due
      FROM loans l LEFT JOIN per_loan pl ON pl.contract_no = l.contract_no
      WHERE l.start_date <= DATE '{d}' GROUP BY l.credit_code
    ), base AS (
      SELECT e.*, {s1}, {s0}, bu.report_date AS bu_report_date,
             bu.overdue_count AS bu_overdue_count, bu.overdue_amount AS bu_overdue_amount,
             bu.outstanding_debt AS bu_outstanding_debt, bu.lender_count AS bu_lender_count,
             bu.inquiries_6m AS bu_inquiries_6m, bu.guarantees_given AS bu_guarantees_given,
             bu.litigation_count AS bu_litigation_count,
             bu.executed_person AS bu_executed_person, bu.tax_arrears AS bu_tax_arrears,
             bu.abnormal_operation AS bu_abnormal_operation, b.loans_active, b.outstanding,
             b.oldest_unpaid_due
      FROM ent e
      LEFT JOIN st s1 ON s1.credit_code = e.credit_code AND s1.rn = 1
      LEFT JOIN st s0 ON s0.credit_code = e.credit_code AND s0.rn = 2
      LEFT JOIN bu ON bu.credit_code = e.credit_code
      LEFT JOIN book b ON b.credit_code = e.credit_code
    ), f AS (SELECT *, {features} FROM base),
    t0 AS (SELECT *, {", ".join(layers[0])} FROM f),
    t1 AS (SELECT *, {", ".join(layers[1])} FROM t0),
    t2 AS (SELECT *, {", ".join(layers[2])} FROM t1)
    SELECT credit_code, {codes} FROM t2
    """
