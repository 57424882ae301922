"""Settings: one strict pydantic-settings class, read from ``LENDTAG_*`` variables.

There is no module-level settings object: the CLI and the API build one and hand it
to :class:`lendtag.core.Lendtag`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./lendtag.db"


class Settings(BaseSettings):
    """lendtag's configuration. Every field is documented in docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="LENDTAG_", extra="forbid", frozen=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description=(
            "SQLAlchemy URL of the operational store: sqlite:///path.db (the default, a file "
            "in the working directory) or postgresql+psycopg://user@host:port/db."
        ),
    )
    import_chunk_rows: int = Field(
        default=20_000,
        ge=100,
        le=1_000_000,
        description=(
            "Rows validated and staged per chunk during an import; bounds the memory an "
            "import uses whatever the size of the file."
        ),
    )
    sqlite_busy_timeout_ms: int = Field(
        default=30_000,
        ge=0,
        description=(
            "How long a SQLite connection waits for the write lock held by another writer "
            "before failing, in milliseconds."
        ),
    )
    sqlite_wal_size_limit_mb: int = Field(
        default=64,
        ge=0,
        le=1_048_576,
        description=(
            "Size in MiB to which SQLite cuts its write-ahead log back once the log has been "
            "checkpointed; without it the log keeps the size of the largest transaction "
            "(gigabytes after a large tag run) for as long as a connection is open."
        ),
    )
    duckdb_memory_limit: str | None = Field(
        default=None,
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description=(
            "Memory the DuckDB engine of `lendtag tags run --engine duckdb` may use, e.g. "
            "8GB (default: DuckDB's own, 80% of RAM); past it DuckDB spills to disk."
        ),
    )
    duckdb_threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Threads of the DuckDB engine (default: one per core).",
    )
    duckdb_temp_dir: Path | None = Field(
        default=None,
        description=(
            "Folder under which the DuckDB engine keeps its spill files and transfer files "
            "during a run, removed afterwards (default: the system's temporary folder)."
        ),
    )
    demo_dir: Path = Field(
        default=Path("./demo-data"),
        description="Folder where `lendtag demo` writes the generated demo portfolio files.",
    )
    demo_customers: int = Field(
        default=2_000,
        ge=10,
        description="Number of enterprises `lendtag demo` generates and loads.",
    )
    demo_seed: int = Field(
        default=20260630,
        description="Random seed of the demo portfolio (the same seed gives the same data).",
    )

    token_ttl_minutes: int = Field(
        default=60,
        ge=1,
        le=7 * 24 * 60,
        description="Lifetime of a login session token issued by POST /api/v1/auth/token.",
    )
    api_token_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Default lifetime of a service-account API token (`lendtag users token`).",
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Consecutive wrong passwords after which an account is locked.",
    )
    login_lockout_minutes: int = Field(
        default=15,
        ge=1,
        description="How long a locked account refuses every login, even a correct one.",
    )
    password_min_length: int = Field(
        default=12, ge=8, description="Shortest password `lendtag users add|reset` accepts."
    )
    argon2_time_cost: int = Field(
        default=3, ge=1, description="argon2id iterations per password hash (RFC 9106)."
    )
    argon2_memory_kib: int = Field(
        default=65536,
        ge=1024,
        description="argon2id memory per password hash, in KiB (64 MiB by default).",
    )
    api_host: str = Field(
        default="127.0.0.1", description="Address `lendtag serve` listens on by default."
    )
    api_port: int = Field(
        default=8000, ge=1, le=65535, description="Port `lendtag serve` listens on by default."
    )
    api_workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Worker processes `lendtag serve` starts (each serves the same store).",
    )
    api_threads: int = Field(
        default=4,
        ge=1,
        le=256,
        description=(
            "Threads per API process that run route code (database reads and writes); few "
            "threads keep tail latency low, since they share one interpreter lock."
        ),
    )

    @property
    def is_sqlite(self) -> bool:
        """True when the store is SQLite."""
        return self.database_url.startswith("sqlite")
