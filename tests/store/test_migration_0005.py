"""Migration 0005 on a store with data (SQLite and PostgreSQL): statements gain the
investing, financing and capital-expenditure lines; rows already stored keep every value and
have none of the new lines; it downgrades, keeping the rows and their other lines."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from lendtag.store.migrate import alembic_config
from tests.factories import credit_code

LINES = {"investing_cash_flow", "financing_cash_flow", "capital_expenditure"}


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _num(value: object) -> float | None:
    """A stored amount as a float (PostgreSQL's text() reads NUMERIC as Decimal)."""
    return None if value is None else float(value)  # type: ignore[arg-type]


def test_upgrade_keeps_statements_and_downgrades(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0004")
            conn.execute(
                text(
                    "INSERT INTO enterprises (credit_code, name, size_class, effective_from, "
                    "created_at, updated_at) VALUES (:c, 'x', 'small', :d, :t, :t)"
                ),
                {"c": credit_code(1), "d": dt.date(2020, 1, 1), "t": dt.datetime(2025, 3, 4)},
            )
            for year, ocf in ((2024, -12.5), (2025, 1234.5678)):
                conn.execute(
                    text(
                        "INSERT INTO financial_statements (credit_code, period_end, period_type, "
                        "reported_on, revenue, net_profit, operating_cash_flow, batch_id) "
                        "VALUES (:c, :e, 'annual', :r, 5000, -3.25, :o, 7)"
                    ),
                    {
                        "c": credit_code(1),
                        "e": dt.date(year, 12, 31),
                        "r": dt.date(year + 1, 4, 20),
                        "o": ocf,
                    },
                )
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0005")
            kept = conn.execute(
                text(
                    "SELECT period_end, revenue, net_profit, operating_cash_flow, batch_id, "
                    "investing_cash_flow, financing_cash_flow, capital_expenditure "
                    "FROM financial_statements ORDER BY period_end"
                )
            ).all()
            conn.execute(
                text(
                    "UPDATE financial_statements SET investing_cash_flow = -800.5, "
                    "financing_cash_flow = 120, capital_expenditure = 780.25 "
                    "WHERE period_end = :e"
                ),
                {"e": dt.date(2025, 12, 31)},
            )
            lines = conn.execute(
                text(
                    "SELECT investing_cash_flow, financing_cash_flow, capital_expenditure "
                    "FROM financial_statements WHERE period_end = :e"
                ),
                {"e": dt.date(2025, 12, 31)},
            ).one()
        assert [(_day(r[0]), *map(_num, r[1:])) for r in kept] == [
            (dt.date(2024, 12, 31), 5000, -3.25, -12.5, 7, None, None, None),
            (dt.date(2025, 12, 31), 5000, -3.25, 1234.5678, 7, None, None, None),
        ]
        assert tuple(map(_num, lines)) == (-800.5, 120.0, 780.25)
        columns = {c["name"]: c for c in inspect(engine).get_columns("financial_statements")}
        assert set(columns) >= LINES
        assert all(columns[name]["nullable"] for name in LINES)

        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0004")
        assert not LINES & {c["name"] for c in inspect(engine).get_columns("financial_statements")}
        with engine.connect() as conn:
            after = conn.execute(
                text(
                    "SELECT period_end, operating_cash_flow FROM financial_statements "
                    "ORDER BY period_end"
                )
            ).all()
        assert [(_day(e), _num(o)) for e, o in after] == [
            (dt.date(2024, 12, 31), -12.5),
            (dt.date(2025, 12, 31), 1234.5678),
        ]
        # the key is still unique after SQLite rebuilt the table
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO financial_statements (credit_code, period_end, period_type, "
                    "reported_on) VALUES (:c, :e, 'annual', :e)"
                ),
                {"c": credit_code(1), "e": dt.date(2025, 12, 31)},
            )
    finally:
        engine.dispose()
