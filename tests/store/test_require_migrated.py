"""Commands refuse a database that is missing or behind, and never create one by asking."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from lendtag.core import Lendtag
from lendtag.settings import Settings
from lendtag.store.errors import NotMigratedError
from lendtag.store.migrate import alembic_config, head_revision


def test_a_missing_sqlite_file_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "lendtag.db"
    path.parent.mkdir()
    with Lendtag(Settings(database_url=f"sqlite:///{path}")) as lt:
        with pytest.raises(NotMigratedError, match="does not exist; run `lendtag init`"):
            lt.customers_list()
        with pytest.raises(NotMigratedError):
            lt.require_migrated()
    assert list(path.parent.iterdir()) == []  # no empty database file, no -wal/-shm


def test_an_empty_sqlite_file_is_refused_as_not_initialised(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with (
        Lendtag(Settings(database_url=f"sqlite:///{path}")) as lt,
        pytest.raises(NotMigratedError, match="is not initialised; run `lendtag init`"),
    ):
        lt.require_migrated()


def test_a_database_at_an_older_schema_is_refused_until_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Lendtag(Settings(database_url=url)) as lt:
        with lt.store.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0002")
        head = head_revision()
        with pytest.raises(NotMigratedError) as info:
            lt.customers_list()
        assert info.value.message == (
            f"the database at {lt.store.safe_url} is at schema 0002, this lendtag needs "
            f"{head}; run `lendtag init` to migrate it"
        )
        expected = {"database": lt.store.safe_url, "current": "0002", "head": head}
        assert info.value.details == expected
        assert lt.init()["from_revision"] == "0002"
        assert lt.customers_list() == []


def test_a_passed_check_is_remembered_for_a_few_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server asks the database for its schema once in a while, not on every request;
    `init` makes the next check ask again."""
    from lendtag.store import db, migrate

    asked: list[str | None] = []
    real = migrate.current_revision

    def counting(conn: object) -> str | None:
        asked.append(real(conn))  # type: ignore[arg-type]
        return asked[-1]

    monkeypatch.setattr(migrate, "current_revision", counting)
    with Lendtag(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")) as lt:
        lt.init()
        asked.clear()  # init asks before and after migrating
        for _ in range(5):
            lt.require_migrated()
        assert len(asked) == 1
        lt.init()
        asked.clear()
        lt.require_migrated()
        assert len(asked) == 1
        monkeypatch.setattr(db, "_RECHECK_SECONDS", 0.0)
        lt.store.forget_schema_check()
        lt.require_migrated()
        lt.require_migrated()
        assert len(asked) == 3
