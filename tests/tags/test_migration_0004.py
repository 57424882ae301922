"""Migration 0004 on a store with data (SQLite and PostgreSQL): related parties already
stored are known from the day their import batch ran; new ones from the day they are
written; tag history gains closed_by, close_reason and expires_on; it downgrades."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import create_engine, inspect, text

from lendtag.store.migrate import alembic_config
from tests.factories import credit_code


def test_upgrade_dates_existing_parties_and_downgrades(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003")
            conn.execute(
                text(
                    "INSERT INTO enterprises (credit_code, name, size_class, effective_from, "
                    "created_at, updated_at) VALUES (:c, 'x', 'small', :d, :t, :t)"
                ),
                {"c": credit_code(1), "d": dt.date(2020, 1, 1), "t": dt.datetime(2025, 3, 4)},
            )
            conn.execute(
                text(
                    "INSERT INTO import_batches (id, kind, source, file_sha256, status, "
                    "started_at, rows_read, accepted, quarantined, inserted, updated, "
                    "unchanged, superseded) VALUES (7, 'persons', 'p.csv', '', 'committed', "
                    ":t, 1, 1, 0, 1, 0, 0, 0)"
                ),
                {"t": dt.datetime(2025, 3, 4, 23, 30)},
            )
            for key, batch, updated in (("a", 7, dt.datetime(2025, 5, 6)), ("b", None, None)):
                conn.execute(
                    text(
                        "INSERT INTO related_parties (credit_code, relation, party_type, "
                        "party_key, name, batch_id, updated_at) VALUES (:c, 'guarantor', "
                        "'person', :k, :k, :b, :u)"
                    ),
                    {
                        "c": credit_code(1),
                        "k": key,
                        "b": batch,
                        "u": updated or dt.datetime(2025, 8, 9),
                    },
                )
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
            known = dict(
                conn.execute(text("SELECT party_key, known_from FROM related_parties")).all()
            )
            conn.execute(
                text(
                    "INSERT INTO related_parties (credit_code, relation, party_type, party_key, "
                    "name, updated_at) VALUES (:c, 'guarantor', 'person', 'c', 'c', :u)"
                ),
                {"c": credit_code(1), "u": dt.datetime(2026, 1, 1)},
            )
            new = conn.execute(
                text("SELECT known_from FROM related_parties WHERE party_key = 'c'")
            ).scalar()
        days = {
            k: v if isinstance(v, dt.date) else dt.date.fromisoformat(v) for k, v in known.items()
        }
        assert days == {"a": dt.date(2025, 3, 4), "b": dt.date(2025, 8, 9)}
        new_day = new if isinstance(new, dt.date) else dt.date.fromisoformat(new)
        assert new_day in {dt.date.today(), dt.datetime.now(dt.UTC).date()}
        columns = {c["name"] for c in inspect(engine).get_columns("tag_history")}
        assert {"closed_by", "close_reason", "expires_on"} <= columns
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
        columns = {c["name"] for c in inspect(engine).get_columns("tag_history")}
        assert not {"closed_by", "close_reason", "expires_on"} & columns
        assert "known_from" not in {
            c["name"] for c in inspect(engine).get_columns("related_parties")
        }
    finally:
        engine.dispose()
