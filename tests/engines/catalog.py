"""A broad catalog for engine parity: decimals, negatives, dates, categories, NULLs."""

from __future__ import annotations

from typing import Any

from lendtag.tags.definitions import Catalog
from tests.tags.engine_fixtures import SMALL_CATALOG, categories, tag


def feature(code: str, type_: str, expression: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": {"zh": f"{code}特征", "en": code.replace("_", " ")},
        "type": type_,
        "expression": expression,
    }


def segment(code: str, expression: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": {"zh": f"{code}客群", "en": code.replace("_", " ")},
        "expression": expression,
        "owner": "risk-team",
        "purpose": ["post_loan_monitoring"],
    }


BROAD_CATALOG = Catalog.model_validate(
    {
        "features": [
            feature("net_margin", "number", "st_net_profit / st_revenue"),
            feature("revenue_growth", "number", "st_revenue / prev_revenue - 1"),
            feature("firm_age", "integer", "YEARS_BETWEEN(established_on, AS_OF())"),
            feature("report_age_days", "integer", "DAYS_BETWEEN(bu_report_date, AS_OF())"),
        ],
        "tags": [
            tag("net_margin_raw", "number", "net_margin"),
            tag("net_margin_pct", "number", "ROUND(net_margin * 100, 3)"),
            tag("revenue_growth_raw", "number", "revenue_growth"),
            tag("current_ratio", "number", "st_current_assets / st_current_liabilities"),
            tag("equity_wan", "number", "st_equity"),
            tag("working_capital", "number", "st_current_assets - st_current_liabilities"),
            tag("outstanding_yuan", "number", "outstanding_principal"),
            tag("arrears_share", "number", "arrears_amount / NULLIF(credit_total, 0)"),
            tag("loans_count", "number", "loans_active"),
            tag("capital_x_rate", "number", "registered_capital * 0.0175 - 3.5"),
            tag("firm_age_years", "number", "firm_age"),
            tag("months_since_loan", "number", "MONTHS_BETWEEN(first_loan_date, AS_OF())"),
            tag("report_stale", "flag", "report_age_days > 180"),
            tag("listed_flag", "flag", "listed"),
            tag("executed", "flag", "bu_executed_person OR bu_tax_arrears"),
            tag("loss_maker", "flag", "st_net_profit < 0"),
            tag("manufacturer", "flag", "industry_code LIKE 'C%'"),
            tag(
                "size_band",
                "category",
                "CASE WHEN size_class IN ('large', 'medium') THEN 'big' "
                "WHEN size_class IN ('small', 'micro') THEN 'small' END",
                categories=categories("big", "small"),
            ),
            tag(
                "section",
                "category",
                "industry_section",
                categories=categories(*"ABCDEFGHIJKLMNOPQRST"),
            ),
            tag(
                "growth_band",
                "category",
                "CASE WHEN revenue_growth IS NULL THEN NULL WHEN revenue_growth < -0.1 "
                "THEN 'shrinking' WHEN revenue_growth BETWEEN -0.1 AND 0.1 THEN 'flat' "
                "ELSE 'growing' END",
                categories=categories("shrinking", "flat", "growing"),
            ),
            tag(
                "interest_cover",
                "number",
                "COALESCE(st_operating_profit / st_interest_expense, -1)",
            ),
            tag("ratio_gap", "number", "ABS(net_margin - COALESCE(revenue_growth, 0)) / 7"),
        ],
        "segments": [
            segment("leveraged_losers", "leverage_band = 'high' AND loss_maker"),
            segment("young_growers", "firm_age < 8 AND growth_band = 'growing'"),
        ],
    }
)


def catalogs() -> list[Catalog]:
    return [SMALL_CATALOG, BROAD_CATALOG]
