"""One import batch: read → validate → merge good rows, quarantine bad ones, in one transaction.

A crash anywhere before the commit leaves the store exactly as it was; the failure is then
recorded as a failed batch in a transaction of its own.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select, update

from lendtag.core.reporting import NullReporter, Reporter
from lendtag.errors import InputError
from lendtag.ingest.errors import FileFormatError, RowProblem
from lendtag.ingest.merge import Merger
from lendtag.ingest.readers import Source, detect_format, fingerprint, open_source
from lendtag.ingest.specs import KINDS, Columns, Context, Kind
from lendtag.ingest.validate import ChunkValidator, check_header
from lendtag.ingest.worker import (
    Helper,
    Job,
    Validated,
    collect_cycles,
    use_helper,
    validate_chunks,
)
from lendtag.store import audit
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
    return fingerprint(path, detect=False)[0]


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise InputError(
            f"unknown import kind {name!r}; expected one of " + ", ".join(KINDS)
        ) from None


def build_context(
    conn: Connection,
    kind: Kind,
    today: dt.date,
    channel: str | None,
    scope: Sequence[str] | None = None,
) -> Context:
    """What the checks of ``kind`` consult; ``scope``: the branches the importer may write to."""
    ctx = Context(
        today=today,
        default_channel=channel,
        scope=frozenset(scope) if scope is not None else None,
    )
    e = cast(Table, Enterprise.__table__)
    if kind.needs_customers:
        if ctx.scope is None:
            ctx.known_customers = set(conn.scalars(select(e.c.credit_code)))
        else:
            ctx.customer_branch = dict(conn.execute(select(e.c.credit_code, e.c.branch)).all())
            ctx.known_customers = set(ctx.customer_branch)
    if kind.needs_contracts:
        ctx.known_contracts = set(conn.scalars(select(Loan.contract_no)))
    if ctx.scope is not None and kind.refers_to_contracts:
        loans = cast(Table, Loan.__table__)
        owners = select(loans.c.contract_no, e.c.branch).join_from(
            loans, e, loans.c.credit_code == e.c.credit_code, isouter=True
        )
        ctx.contract_branch = dict(conn.execute(owners).all())
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
        cells: Sequence[str | None] | None,
        problems: list[RowProblem],
        raw_text: str | None = None,
    ) -> None:
        first = problems[0]
        raw: dict[str, Any] = {}
        if cells:
            raw = {
                name: (cell.strip() or None) if cell is not None else None
                for name, cell in zip(self.header, cells, strict=True)
            }
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
    scope: Sequence[str] | None = None,
    source: str | None = None,
) -> BatchResult:
    """Import one file of one kind. See docs/import.md.

    ``scope``: the branches the person importing may write to (None: all); rows about a
    customer of another branch, or that would give a customer another branch, are
    quarantined as ``out_of_scope``. ``source``: the name recorded for the file (default:
    its path; an upload names the file as the user sent it).
    """
    kind = get_kind(kind_name)
    reporter = reporter or NullReporter()
    today = today or dt.date.today()
    source_name = source or str(path)
    if not path.is_file():
        raise FileFormatError(f"{source_name}: no such file", details={"file": source_name})
    fmt = detect_format(path)
    # a helper process for a large file is started first: it gets ready meanwhile
    helper = Helper() if use_helper(path) else None
    src: Source | None = None
    try:
        sha, detected = fingerprint(path, detect=fmt != "xlsx" and encoding is None)
        columns = [c.name for c in kind.columns]
        src = open_source(
            path,
            columns,
            reporter.update,
            encoding=encoding or detected,
            sheet=sheet,
            name=source_name,
        )
        if src.format != "jsonl":
            check_header(kind, src.header, source_name)
        job = {
            "path": str(path),
            "kind": kind.name,
            "header": src.header,
            "columns": columns,
            "encoding": src.encoding,
            "sheet": sheet,
            "name": source_name,
        }
        return _run(
            store,
            kind,
            src,
            sha,
            source_name,
            channel,
            effective_date or today,
            today,
            reporter,
            scope,
            helper,
            job,
        )
    finally:
        if helper is not None:
            helper.close()
        if src is not None:
            src.close()


def _run(
    store: Store,
    kind: Kind,
    src: Source,
    sha: str,
    source_name: str,
    channel: str | None,
    effective: dt.date,
    today: dt.date,
    reporter: Reporter,
    scope: Sequence[str] | None,
    helper: Helper | None,
    job: dict[str, Any],
) -> BatchResult:
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
            loader = _Loader(conn, kind, src, batch_id, source_name, sha, channel, today, scope)
            result = loader.load(effective, store.settings.import_chunk_rows, reporter, helper, job)
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
            audit.append(
                conn,
                "import.batch",
                object_type="import_batch",
                object_id=str(batch_id),
                details={
                    "kind": kind.name,
                    "source": file_name(source_name),
                    "file_sha256": sha,
                    "accepted": result.accepted,
                    "quarantined": result.quarantined,
                },
            )
        return result
    except BaseException as exc:
        _record_failure(store, kind.name, source_name, sha, channel, started, exc)
        raise


def file_name(source: str) -> str:
    """The file name of a source, without the folders it was read from."""
    return PurePath(source).name or source


_gc = {"holders": 0, "was_enabled": True}
_gc_lock = threading.Lock()


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while chunks are loaded.

    An import allocates millions of short-lived lists and tuples, none in reference cycles;
    each burst of allocations makes the collector walk every live object again. Reference
    counting still frees everything as soon as it is unused, and every few chunks the loader
    collects the young generations itself (:func:`collect_cycles`), so the few cycles a
    chunk leaves (driver results) cannot pile up; the collector resumes (if it was on) when
    the last import running in the process ends.
    """
    with _gc_lock:
        if _gc["holders"] == 0:
            _gc["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc["holders"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc["holders"] -= 1
            if _gc["holders"] == 0 and _gc["was_enabled"]:
                gc.enable()


class _Loader:
    """Merges and quarantines the validated chunks of one file in one transaction."""

    def __init__(
        self,
        conn: Connection,
        kind: Kind,
        src: Source,
        batch_id: int,
        source: str,
        sha: str,
        channel: str | None,
        today: dt.date,
        scope: Sequence[str] | None,
    ) -> None:
        self.kind, self.src = kind, src
        self.ctx = build_context(conn, kind, today, channel, scope)
        self.merger = Merger(conn, kind, batch_id, utcnow(), self.ctx.scope, src.header)
        self.quarantine = QuarantineWriter(conn, batch_id, kind.name, source, sha, src.header)
        self.batch_id, self.source = batch_id, source

    def load(
        self,
        effective: dt.date,
        chunk_rows: int,
        reporter: Reporter,
        helper: Helper | None,
        job: dict[str, Any],
    ) -> BatchResult:
        reporter.start(f"import {self.kind.name}", self.src.size)
        with _no_cycle_collection():
            if helper is None:
                validator = ChunkValidator(self.kind, self.src.header, self.ctx)
                chunks = validate_chunks(self.src, validator, chunk_rows)
            else:
                self.src.close()  # the helper reads the file itself
                work = Job(ctx=self.ctx, chunk_rows=chunk_rows, **job)
                chunks = helper.run(work, reporter.update)
            result = self._load(chunks, effective)
        reporter.finish()
        return result

    def _load(self, chunks: Iterator[Validated], effective: dt.date) -> BatchResult:
        rows_read = accepted = 0
        merger = self.merger
        header = self.src.header
        for chunk in chunks:
            rows_read += chunk.rows_read
            checked = chunk.checked
            row_nos = chunk.row_nos
            good = checked.good
            merger.merge_columns(row_nos, checked.columns, effective, good)
            rejected = merger.counts.rejected
            accepted += len(good) - len(rejected)
            bad: list[tuple[int, Sequence[str | None] | None, list[RowProblem]]] = [
                (row_no, None, [problem]) for row_no, problem in chunk.unreadable
            ]
            bad += [(row_nos[i], chunk.bad_cells[i], p) for i, p in checked.problems.items()]
            if rejected:  # valid rows the store refused (back-dated, another branch's)
                position = {row_nos[i]: i for i in good}
                bad += [
                    (no, parsed_texts(checked.columns, position[no], header), [p])
                    for no, p in rejected
                ]
                rejected.clear()
            for row_no, cells, problems in sorted(bad, key=lambda b: b[0]):
                self.quarantine.add(row_no, cells, problems)
            del chunk, checked, bad
            collect_cycles()
        self.quarantine.flush()
        c = merger.counts
        return BatchResult(
            batch_id=self.batch_id,
            kind=self.kind.name,
            source=self.source,
            rows_read=rows_read,
            accepted=accepted,
            quarantined=self.quarantine.count,
            inserted=c.inserted,
            updated=c.updated,
            unchanged=c.unchanged,
            superseded=c.superseded,
        )


def parsed_texts(columns: Columns, i: int, header: Sequence[str]) -> list[str | None]:
    """Row ``i`` rebuilt as cell texts from its parsed values (which parse back to them)."""
    texts: list[str | None] = []
    for name in header:
        value = columns[name][i] if name in columns else None
        if value is None or isinstance(value, str):
            texts.append(value)
        elif isinstance(value, bool):
            texts.append("true" if value else "false")
        elif isinstance(value, dt.date):
            texts.append(value.isoformat())
        elif isinstance(value, float) and value.is_integer():
            texts.append(str(int(value)))
        else:
            texts.append(repr(value))
    return texts


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
            batch_id = conn.execute(
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
            ).inserted_primary_key[0]  # type: ignore[index]
            audit.append(
                conn,
                "import.batch",
                object_type="import_batch",
                object_id=str(batch_id),
                outcome="failed",
                details={
                    "kind": kind,
                    "source": file_name(source),
                    "file_sha256": sha,
                    "error": getattr(exc, "code", type(exc).__name__),
                },
            )
    except Exception:  # the store itself may be what failed; the original error matters more
        return
