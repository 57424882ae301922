"""One import batch: read → validate → merge good rows, quarantine bad ones, in one transaction.

A crash anywhere before the commit leaves the store exactly as it was; the failure is then
recorded as a failed batch in a transaction of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from lendtag.core.reporting import NullReporter, Reporter
from lendtag.errors import InputError
from lendtag.ingest.errors import RowProblem
from lendtag.ingest.merge import Merger, Row
from lendtag.ingest.readers import RawRow, Source, open_source
from lendtag.ingest.specs import KINDS, Context, Kind
from lendtag.ingest.validate import RowValidator, check_header
from lendtag.store.db import Store
from lendtag.store.dialect import insert_ignore
from lendtag.store.models import Enterprise, ImportBatch, Loan, QuarantineRow
from lendtag.store.models.base import utcnow


@dataclass(frozen=True)
class BatchResult:
    """What one import did."""

    batch_id: int
    kind: str
    source: str
    accepted: int
    quarantined: int
    inserted: int
    updated: int
    unchanged: int
    superseded: int
    rows_read: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def file_sha256(path: Path) -> str:
    """Content hash of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise InputError(
            f"unknown import kind {name!r}; expected one of " + ", ".join(KINDS)
        ) from None


def build_context(conn: Connection, kind: Kind, today: dt.date, channel: str | None) -> Context:
    ctx = Context(today=today, default_channel=channel)
    if kind.needs_customers:
        ctx.known_customers = set(conn.scalars(select(Enterprise.credit_code)))
    if kind.needs_contracts:
        ctx.known_contracts = set(conn.scalars(select(Loan.contract_no)))
    return ctx


class QuarantineWriter:
    """Collects bad rows and writes them; a row already quarantined from the same file is kept."""

    def __init__(
        self, conn: Connection, batch_id: int, kind: str, source: str, sha: str, header: list[str]
    ) -> None:
        self.conn, self.batch_id, self.kind = conn, batch_id, kind
        self.source, self.sha, self.header = source, sha, header
        self.pending: list[dict[str, Any]] = []
        self.count = 0

    def add(
        self,
        row_no: int,
        cells: list[str | None] | None,
        problems: list[RowProblem],
        raw_text: str | None = None,
    ) -> None:
        first = problems[0]
        raw: dict[str, Any] = dict(zip(self.header, cells, strict=True)) if cells else {}
        if cells is None and first.value is not None:
            raw["_text"] = raw_text or first.value
        self.pending.append(
            {
                "batch_id": self.batch_id,
                "kind": self.kind,
                "source": self.source,
                "file_sha256": self.sha,
                "row_no": row_no,
                "column_name": first.column,
                "value": first.value,
                "reason": first.reason,
                "errors": [p.as_dict() for p in problems],
                "raw": raw,
                "status": "open",
                "created_at": utcnow(),
            }
        )
        self.count += 1
        if len(self.pending) >= 1000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            stmt = insert_ignore(
                self.conn, QuarantineRow.__table__, ["kind", "file_sha256", "row_no"]
            )
            self.conn.execute(stmt, self.pending)
            self.pending = []


def run_import(
    store: Store,
    kind_name: str,
    path: Path,
    *,
    channel: str | None = None,
    effective_date: dt.date | None = None,
    today: dt.date | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    reporter: Reporter | None = None,
) -> BatchResult:
    """Import one file of one kind. See docs/import.md."""
    kind = get_kind(kind_name)
    reporter = reporter or NullReporter()
    today = today or dt.date.today()
    source_name = str(path)
    columns = [c.name for c in kind.columns]
    sha = file_sha256(path) if path.is_file() else ""
    src = open_source(path, columns, reporter.update, encoding=encoding, sheet=sheet)
    try:
        if src.format != "jsonl":
            check_header(kind, src.header, source_name)
        return _run(store, kind, src, sha, channel, effective_date or today, today, reporter)
    finally:
        src.close()


def _run(
    store: Store,
    kind: Kind,
    src: Source,
    sha: str,
    channel: str | None,
    effective: dt.date,
    today: dt.date,
    reporter: Reporter,
) -> BatchResult:
    source_name = str(src.path)
    started = utcnow()
    try:
        with store.write() as conn:
            batch_id = conn.execute(
                insert(ImportBatch).values(
                    kind=kind.name,
                    source=source_name,
                    file_sha256=sha,
                    channel=channel,
                    status="running",
                    started_at=started,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            result = _load(
                conn,
                kind,
                src.rows,
                src.header,
                batch_id,
                source_name,
                sha,
                channel,
                effective,
                today,
                store.settings.import_chunk_rows,
                reporter,
                src.size,
            )
            conn.execute(
                update(ImportBatch)
                .where(ImportBatch.id == batch_id)
                .values(
                    status="committed",
                    finished_at=utcnow(),
                    **{
                        k: v
                        for k, v in result.as_dict().items()
                        if k not in ("batch_id", "kind", "source")
                    },
                )
            )
        return result
    except BaseException as exc:
        _record_failure(store, kind.name, source_name, sha, channel, started, exc)
        raise


def _load(
    conn: Connection,
    kind: Kind,
    rows: Any,
    header: list[str],
    batch_id: int,
    source: str,
    sha: str,
    channel: str | None,
    effective: dt.date,
    today: dt.date,
    chunk_rows: int,
    reporter: Reporter,
    size: int,
) -> BatchResult:
    ctx = build_context(conn, kind, today, channel)
    validator = RowValidator(kind, header, ctx)
    merger = Merger(conn, kind, batch_id, utcnow())
    quarantine = QuarantineWriter(conn, batch_id, kind.name, source, sha, header)
    reporter.start(f"import {kind.name}", size)
    chunk: list[Row] = []
    raw_cells: dict[int, list[str | None]] = {}
    rows_read = 0
    accepted = 0
    late = [0]  # rows valid on their own but refused by the merge (back-dated changes)

    def flush() -> None:
        merger.merge(chunk, effective)
        late[0] += len(merger.counts.rejected)
        for row_no, problem in merger.counts.rejected:
            quarantine.add(row_no, raw_cells.get(row_no), [problem])
        merger.counts.rejected.clear()
        chunk.clear()
        raw_cells.clear()

    raw: RawRow
    for raw in rows:
        rows_read += 1
        row_no, cells, problem = raw
        if cells is None:
            assert problem is not None
            quarantine.add(row_no, None, [problem])
            continue
        values, problems = validator.validate(cells)
        if problems:
            quarantine.add(row_no, cells, problems)
            continue
        accepted += 1
        chunk.append((row_no, values))
        if kind.name == "customers":
            raw_cells[row_no] = cells
        if len(chunk) >= chunk_rows:
            flush()
    if chunk:
        flush()
    quarantine.flush()
    reporter.finish()
    c = merger.counts
    return BatchResult(
        batch_id=batch_id,
        kind=kind.name,
        source=source,
        rows_read=rows_read,
        accepted=accepted - late[0],
        quarantined=quarantine.count,
        inserted=c.inserted,
        updated=c.updated,
        unchanged=c.unchanged,
        superseded=c.superseded,
    )


def _record_failure(
    store: Store,
    kind: str,
    source: str,
    sha: str,
    channel: str | None,
    started: dt.datetime,
    exc: BaseException,
) -> None:
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    try:
        with store.write() as conn:
            conn.execute(
                insert(ImportBatch).values(
                    kind=kind,
                    source=source,
                    file_sha256=sha,
                    channel=channel,
                    status="failed",
                    started_at=started,
                    finished_at=utcnow(),
                    error=str(message)[:2000],
                )
            )
    except Exception:  # the store itself may be what failed; the original error matters more
        return
