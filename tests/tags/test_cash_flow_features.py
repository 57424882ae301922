"""The standard features on the cash-flow lines: free cash flow (operating cash flow −
capital expenditure, 万元) and capital expenditure to revenue — in Python, in the store
(SQLite and PostgreSQL) and on DuckDB, point in time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from lendtag.core import Lendtag
from lendtag.ingest.specs import KINDS
from lendtag.tags.definitions import Catalog
from lendtag.tags.pit import BASE_COLUMNS
from lendtag.tags.standard import load_standard
from tests.factories import credit_code, customer, write_csv
from tests.tags.engine_fixtures import load_catalog, tag
from tests.tags.test_standard_catalog import evaluate

AS_OF = dt.date(2026, 6, 30)
FEATURES = ("free_cash_flow", "capex_to_revenue")


def test_the_base_has_the_lines_of_the_latest_statement() -> None:
    for line in ("investing_cash_flow", "financing_cash_flow", "capital_expenditure"):
        assert BASE_COLUMNS[f"st_{line}"] == "number"


def test_the_features_in_python() -> None:
    row = {"st_operating_cash_flow": 300, "st_capital_expenditure": 420, "st_revenue": 5000}
    values = evaluate(row)
    assert values["free_cash_flow"] == -120
    assert values["capex_to_revenue"] == pytest.approx(0.084)
    # no capital expenditure reported (a file in the older format): neither is computed
    missing = evaluate({"st_operating_cash_flow": 300, "st_revenue": 5000})
    assert missing["free_cash_flow"] is None and missing["capex_to_revenue"] is None
    assert evaluate(row | {"st_revenue": 0})["capex_to_revenue"] is None


def _catalog() -> Catalog:
    """The two standard features as they ship, and tags that show their values."""
    standard = load_standard()
    return Catalog.model_validate(
        {
            "dimensions": [{"code": "risk", "name": {"zh": "风险", "en": "Risk"}}],
            "features": [
                f.model_dump(mode="json", exclude_none=True)
                for f in standard.features
                if f.code in FEATURES
            ],
            "tags": [
                tag("fcf", "number", "free_cash_flow"),
                tag("capex_share", "number", "ROUND(capex_to_revenue, 4)"),
                tag("fcf_negative", "flag", "free_cash_flow < 0"),
            ],
        }
    )


def _statement(n: int, period_end: str, reported_on: str, **lines: Any) -> dict[str, Any]:
    return {
        "credit_code": credit_code(n),
        "period_end": period_end,
        "period_type": "annual",
        "reported_on": reported_on,
        "revenue": "5000",
        "operating_cash_flow": "300",
        **lines,
    }


@pytest.fixture
def book(lt: Lendtag, tmp_path: Path) -> Lendtag:
    lt.import_file(
        "customers",
        write_csv(tmp_path / "c.csv", [customer(n) for n in (1, 2, 3)]),
        effective_date=dt.date(2020, 1, 1),
        today=AS_OF,
    )
    rows = [
        _statement(1, "2024-12-31", "2025-04-20", capital_expenditure="100"),
        _statement(1, "2025-12-31", "2026-04-20", capital_expenditure="420.5"),
        _statement(2, "2025-12-31", "2026-04-20", investing_cash_flow="-50"),  # no capex
        _statement(3, "2025-12-31", "2026-04-20", capital_expenditure="0", revenue="0"),
    ]
    header = [*KINDS["statements"].header, "investing_cash_flow", "capital_expenditure"]
    result = lt.import_file("statements", write_csv(tmp_path / "s.csv", rows, header), today=AS_OF)
    assert result.quarantined == 0, lt.quarantine_list()
    load_catalog(lt, _catalog())
    return lt


def _values(lt: Lendtag, n: int, as_of: dt.date | None = None) -> dict[str, str]:
    return {v["tag"]: v["value"] for v in lt.tags_show(credit_code(n), as_of)}


@pytest.mark.parametrize("engine", [None, "duckdb"])
def test_the_features_in_a_run(book: Lendtag, engine: str | None) -> None:
    early = dt.date(2026, 3, 31)  # only FY2024 is known
    book.tags_run(early, engine=engine)
    assert _values(book, 1) == {"fcf": "200", "capex_share": "0.02", "fcf_negative": "false"}
    book.tags_run(AS_OF, engine=engine)
    assert _values(book, 1) == {
        "fcf": "-120.5",
        "capex_share": "0.0841",
        "fcf_negative": "true",
    }
    assert _values(book, 2) == {}  # no capital expenditure: nothing to say
    assert _values(book, 3) == {"fcf": "300", "fcf_negative": "false"}  # no revenue
    assert _values(book, 1, early)["fcf"] == "200"
