"""The store: migrations match the models, SQLite settings, URL errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from lendtag.core import Lendtag
from lendtag.settings import Settings
from lendtag.store.db import Store
from lendtag.store.errors import StoreError
from lendtag.store.models import Base


def test_migrations_produce_the_models(lt: Lendtag) -> None:
    with lt.store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_init_is_idempotent(lt: Lendtag) -> None:
    assert lt.init()["changed"] is False
    assert "enterprises" in lt.store.table_names()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = Store(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    with store.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.dispose()


def test_writes_roll_back_on_error(tmp_path: Path) -> None:
    store = Store(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    with store.write() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with pytest.raises(ZeroDivisionError), store.write() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        _ = 1 / 0
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
    store.dispose()


@pytest.mark.parametrize("url", ["not a url", "mysql://x@y/z"])
def test_bad_database_url(url: str) -> None:
    with pytest.raises(StoreError, match="database"):
        Store(Settings(database_url=url))


def test_settings_are_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("LENDTAG_DATABASE_URL", "sqlite:///env.db")
    assert Settings().database_url == "sqlite:///env.db"
    with pytest.raises(ValidationError):
        Settings(databse_url="x")  # type: ignore[call-arg]


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"LENDTAG_{name.upper()}" in doc, name


def _wal_mib_after_big_then_small_write(tmp_path: Path, **settings: int) -> float:
    tmp_path.mkdir()
    path = tmp_path / "wal.db"
    store = Store(Settings(database_url=f"sqlite:///{path}", **settings))  # type: ignore[arg-type]
    try:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE filler (x TEXT)")
            conn.exec_driver_sql(
                "INSERT INTO filler SELECT printf('%.1000c', 'x') FROM "
                "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 6000) SELECT i FROM n)"
            )
        for _ in range(2):  # the first checkpoints, the next write starts the log afresh
            with store.engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
                conn.exec_driver_sql("INSERT INTO filler VALUES ('y')")
        return Path(f"{path}-wal").stat().st_size / 2**20
    finally:
        store.engine.dispose()


def test_the_write_ahead_log_is_cut_back_after_a_large_transaction(tmp_path: Path) -> None:
    """A 6 MiB transaction leaves a 6 MiB log behind unless the limit cuts it back."""
    assert _wal_mib_after_big_then_small_write(tmp_path / "a", sqlite_wal_size_limit_mb=64) > 5
    assert _wal_mib_after_big_then_small_write(tmp_path / "b", sqlite_wal_size_limit_mb=1) <= 1
