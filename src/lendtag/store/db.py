"""The store: one engine per settings object, SQLite tuned for one writer, PostgreSQL by URL.

Writes go through :meth:`Store.write`, the single writer path: on SQLite it takes the
database write lock up front (``BEGIN IMMEDIATE``) and serialises writers inside the
process, so a long import never fails half-way on a lock it could not upgrade.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

from lendtag.settings import Settings
from lendtag.store.errors import NotMigratedError, StoreError, UnauditedWriteError

_WRITE_OPTION = "lendtag_write"
ATTACHED_KEY = "lendtag_attached"
"""Connection info key: the databases a write attached, detached when it is checked in."""
_RECHECK_SECONDS = 5.0
"""How long a passed schema check holds before the store asks the database again."""


def _sqlite_engine(url: str, settings: Settings) -> Engine:
    engine = create_engine(url, connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is lazy).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache per connection
        cursor.execute(f"PRAGMA journal_size_limit={int(settings.sqlite_wal_size_limit_mb) << 20}")
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        # A database a tag run attached (its transfer file) is detached once the run's
        # transaction is over: SQLite refuses to detach one a transaction has read.
        attached = record.info.pop(ATTACHED_KEY, None)
        if not attached or dbapi_connection is None:
            return
        try:
            for schema in attached:
                dbapi_connection.execute(f"DETACH DATABASE {schema}")
        except Exception:
            record.invalidate()  # closed rather than handed out with the file attached

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_store_engine(settings: Settings) -> Engine:
    """Build the SQLAlchemy engine the settings describe."""
    url = settings.database_url
    try:
        backend = make_url(url).get_backend_name()
    except Exception as exc:  # sqlalchemy raises ArgumentError for a malformed URL
        raise StoreError(
            f"LENDTAG_DATABASE_URL {url!r} is not a database URL; expected e.g. "
            "sqlite:///./lendtag.db or postgresql+psycopg://user@host:5432/db"
        ) from exc
    if backend == "sqlite":
        return _sqlite_engine(url, settings)
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise StoreError(f"unsupported database {backend!r} in {url!r}; use sqlite or postgresql")


def _changes(conn: Connection) -> int | None:
    """SQLite's count of rows changed on this connection so far (None elsewhere)."""
    if conn.dialect.name != "sqlite":
        return None
    return int(conn.connection.dbapi_connection.total_changes)  # type: ignore[union-attr]


def _wrote(conn: Connection, before: int | None) -> bool:
    """Whether the open transaction has changed anything (rows on SQLite; on PostgreSQL,
    whether it was given a transaction id, which only a write does)."""
    if conn.dialect.name == "sqlite":
        return _changes(conn) != before
    assigned = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL"
    return bool(conn.exec_driver_sql(assigned).scalar())


class Store:
    """Owns the engine of one database and the single write path into it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = create_store_engine(settings)
        self._write_lock = threading.Lock()
        self._checked_until = 0.0  # monotonic time until which the schema is known current

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, *, audited: bool = True) -> Iterator[Connection]:
        """The single writer path: one transaction, committed on success, rolled back on error.

        ``audited=False`` marks bookkeeping that is not itself a change of business data
        (the record behind Idempotency-Key); every other write transaction records what it
        did in the audit log (:func:`lendtag.store.audit.append`) before it commits. This
        is enforced: a transaction that changed rows without an entry raises
        :class:`UnauditedWriteError` and rolls back (one that changed nothing is fine).
        """
        with self._write_lock, self.engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE_OPTION: True})
            conn.info["lendtag_audited"] = not audited
            with conn.begin():
                before = _changes(conn)
                yield conn
                if not conn.info["lendtag_audited"] and _wrote(conn, before):
                    raise UnauditedWriteError(
                        "a write transaction changed data without an audit entry; "
                        "nothing was committed"
                    )

    def require_migrated(self) -> None:
        """Raise :class:`NotMigratedError` unless the schema is at the latest migration.

        A passed check holds for a few seconds: a server answering many requests asks the
        database once, not on every request.
        """
        if time.monotonic() < self._checked_until:
            return
        from pathlib import Path

        from lendtag.store.migrate import current_revision, head_revision

        url = make_url(self.settings.database_url)
        if (
            url.get_backend_name() == "sqlite"
            and url.database not in (None, "", ":memory:")
            and not url.query.get("uri")
            and not Path(url.database).exists()
        ):  # connecting would create an empty database file: say so without leaving one
            raise NotMigratedError(
                f"the database at {self.safe_url} does not exist; run `lendtag init` first",
                details={"database": self.safe_url},
            )
        try:
            with self.engine.connect() as conn:
                current = current_revision(conn)
        except Exception as exc:
            raise StoreError(
                f"cannot open the database at {self.safe_url}: {type(exc).__name__}"
            ) from exc
        head = head_revision()
        if current is None:
            raise NotMigratedError(
                f"the database at {self.safe_url} is not initialised; run `lendtag init` first",
                details={"database": self.safe_url},
            )
        if current != head:
            raise NotMigratedError(
                f"the database at {self.safe_url} is at schema {current}, this lendtag needs "
                f"{head}; run `lendtag init` to migrate it",
                details={"database": self.safe_url, "current": current, "head": head},
            )
        self._checked_until = time.monotonic() + _RECHECK_SECONDS

    def forget_schema_check(self) -> None:
        """Check the schema again on the next :meth:`require_migrated` (after a migration)."""
        self._checked_until = 0.0

    @property
    def safe_url(self) -> str:
        """The database URL with any password hidden."""
        return make_url(self.settings.database_url).render_as_string(hide_password=True)

    def table_names(self) -> list[str]:
        """Names of the tables that exist in the database."""
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
