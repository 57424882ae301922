"""What every engine does for a run, and the temporary tables it hands its results in.

A run (``lendtag.tags.run``) holds the store's write transaction from start to end. Inside
it, an engine computes the published tags and segments as of the run's date, diffs them
against the current values and leaves in the store's temporary tables:

- ``run_diff (tag_code, credit_code, old_value, new_value)``: one row per value that
  changes (``old_value`` NULL for a new value, ``new_value`` NULL for a value that is gone);
  in a full run (no ``--only``) the values a run once computed for a tag that is no longer
  a published rule or score tag (retired) are gone too;
- ``run_moves (segment_code, credit_code, entered)``: one row per customer entering
  (``entered`` = 1) or leaving (0) a segment, in a full run only; members of a segment that
  is no longer published leave it;
- ``run_fingerprints (code, fingerprint)``: the definition fingerprint of every tag and
  segment of the run (filled by the run itself);
- ``run_events (credit_code, payload)``: the outbox event of each customer whose values
  change, a JSON document listing every change of ``run_diff``.

The run then writes history, values and outbox events from these tables with the same SQL
whatever the engine, so nothing is committed before the end and every engine's changes are
written the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection

from lendtag.expr import CompiledExpression
from lendtag.settings import Settings
from lendtag.tags.compile import Plan
from lendtag.tags.definitions import Tag

if TYPE_CHECKING:  # lendtag.core imports the tag runs, which import the engines
    from lendtag.core.reporting import Reporter

ENGINE_NAMES = ("sqlite", "postgres", "duckdb")


@dataclass(frozen=True)
class RunJob:
    """Everything an engine needs to compute one run."""

    conn: Connection
    dialect: str  # the store's: sqlite | postgresql
    plan: Plan
    tags: list[Tag]
    segments: dict[str, CompiledExpression]
    as_of: dt.date
    run_id: int
    settings: Settings
    reporter: Reporter
    full: bool  # every published tag and segment (no --only): stale values are closed

    @property
    def tag_codes(self) -> list[str]:
        return [t.code for t in self.tags]

    @property
    def temp_suffix(self) -> str:
        """PostgreSQL drops the run's temporary tables with its transaction."""
        return " ON COMMIT DROP" if self.dialect == "postgresql" else ""


@dataclass
class Computed:
    """What an engine reports after filling ``run_diff`` and ``run_moves``."""

    customers: int
    values: dict[str, int]  # tag code -> customers with a (non-NULL) value
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds
    tables: str = ""  # where run_diff, run_events and run_moves are: "" = the temporary ones


class Engine(Protocol):
    """Computes a run and hands the changes over in the store's temporary tables."""

    name: str

    def compute(self, job: RunJob) -> Computed:
        """Fill ``run_diff``, ``run_events`` and ``run_moves`` (created by the run)."""
        ...


def create_run_tables(conn: Connection, suffix: str) -> None:
    """The temporary tables an engine fills (see the module docstring)."""
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE run_diff (tag_code VARCHAR(64) NOT NULL, "
        "credit_code VARCHAR(18) NOT NULL, old_value VARCHAR(64), new_value VARCHAR(64))"
        f"{suffix}"
    )
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE run_moves (segment_code VARCHAR(64) NOT NULL, "
        f"credit_code VARCHAR(18) NOT NULL, entered INTEGER NOT NULL){suffix}"
    )
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE run_fingerprints (code VARCHAR(64) PRIMARY KEY, "
        f"fingerprint VARCHAR(64) NOT NULL){suffix}"
    )
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE run_events (credit_code VARCHAR(18) NOT NULL, "
        f"payload TEXT NOT NULL){suffix}"
    )


def drop_run_tables(conn: Connection) -> None:
    for name in ("run_diff", "run_moves", "run_fingerprints", "run_events"):
        conn.exec_driver_sql(f"DROP TABLE {name}")
