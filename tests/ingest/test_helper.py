"""Large files are read and validated in a helper process: same outcome, same errors, and no
half-applied import or stray process when either side fails."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lendtag.core import Lendtag
from lendtag.errors import LendtagError
from lendtag.ingest import pipeline, worker
from lendtag.ingest.errors import FileFormatError
from lendtag.ingest.merge import Merger
from lendtag.store.models import Enterprise, EnterpriseVersion, ImportBatch
from tests.factories import CUSTOMER_HEADER, customer, write_csv

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def helper_always(monkeypatch: pytest.MonkeyPatch) -> list[worker.Helper]:
    """Every import uses a helper process; the helpers started are recorded."""
    started: list[worker.Helper] = []
    original = worker.Helper.__init__

    def record(self: worker.Helper) -> None:
        original(self)
        started.append(self)

    monkeypatch.setattr(pipeline, "use_helper", lambda _path: True)
    monkeypatch.setattr(worker.Helper, "__init__", record)
    return started


def mixed_file(tmp_path: Path) -> Path:
    rows = [customer(n) for n in range(1, 451)]
    rows[10]["employees"] = "-3"
    rows[150]["industry_code"] = "X99"
    rows[200]["name"] = ""
    rows.insert(300, customer(5, name="改名"))  # a later row of the same key, another chunk
    rows.append(customer(450, revenue="1"))  # and one in the same chunk
    path = write_csv(tmp_path / "c.csv", rows, CUSTOMER_HEADER)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("only,three,cells\n")
    return path


def state(lt: Lendtag) -> tuple[Any, ...]:
    with lt.store.read() as conn:
        customers = conn.execute(
            select(Enterprise.__table__).order_by(Enterprise.credit_code)
        ).all()
        versions = conn.execute(select(EnterpriseVersion.__table__)).all()
    drop = ("batch_id", "created_at", "updated_at")
    quarantine = [
        {k: v for k, v in q.items() if k not in ("id", "batch_id", "created_at")}
        for q in lt.quarantine_list()
    ]
    rows = [{k: v for k, v in r._mapping.items() if k not in drop} for r in customers]
    return rows, len(versions), quarantine


def test_the_helper_gives_the_same_outcome(
    lt: Lendtag,
    tmp_path: Path,
    helper_always: list[worker.Helper],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = mixed_file(tmp_path)
    with_helper = lt.import_file("customers", path, today=TODAY)
    assert len(helper_always) == 1 and helper_always[0].proc.returncode == 0
    helped = state(lt)
    # re-import: the same state (the two keys repeated across chunks are written twice)
    again = lt.import_file("customers", path, today=TODAY)
    assert (again.inserted, again.updated, again.unchanged) == (0, 2, 446)
    assert state(lt) == helped

    with lt.store.write(audited=False) as conn:  # start over, in-process this time
        for table in ("quarantine", "enterprise_versions", "enterprises"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    monkeypatch.setattr(pipeline, "use_helper", lambda _path: False)
    in_process = lt.import_file("customers", path, today=TODAY)
    assert len(helper_always) == 2  # the re-import above
    assert state(lt) == helped
    skip = ("batch_id",)
    assert {k: v for k, v in with_helper.as_dict().items() if k not in skip} == {
        k: v for k, v in in_process.as_dict().items() if k not in skip
    }
    assert (with_helper.accepted, with_helper.quarantined, with_helper.superseded) == (449, 4, 1)


def test_a_decoding_error_in_the_helper(
    sqlite_lt: Lendtag, tmp_path: Path, helper_always: list[worker.Helper]
) -> None:
    rows = [customer(n, name=f"Co {n}") for n in range(1, 300)] + [customer(300)]
    path = write_csv(tmp_path / "c.csv", rows, encoding="gb18030")
    with pytest.raises(FileFormatError) as info:
        sqlite_lt.import_file("customers", path, today=TODAY, encoding="utf-8")
    assert info.value.details["row"] == 301 and "`--encoding gb18030`" in info.value.message
    with sqlite_lt.store.read() as conn:
        assert conn.execute(select(Enterprise.credit_code)).all() == []
        assert conn.scalar(select(ImportBatch.status)) == "failed"
    assert helper_always[0].proc.returncode == 1


def test_a_helper_that_dies_fails_the_import(
    sqlite_lt: Lendtag,
    tmp_path: Path,
    helper_always: list[worker.Helper],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = worker.Helper.run

    def die_after_one_chunk(self: worker.Helper, *args: Any) -> Any:
        for n, chunk in enumerate(original(self, *args)):
            yield chunk
            if n == 0:
                self.proc.kill()

    monkeypatch.setattr(worker.Helper, "run", die_after_one_chunk)
    path = write_csv(tmp_path / "c.csv", [customer(n) for n in range(1, 30_001)])
    with pytest.raises(LendtagError, match="validation helper stopped"):
        sqlite_lt.import_file("customers", path, today=TODAY)
    with sqlite_lt.store.read() as conn:
        assert conn.execute(select(Enterprise.credit_code)).all() == []


def test_a_failing_import_stops_its_helper(
    sqlite_lt: Lendtag,
    tmp_path: Path,
    helper_always: list[worker.Helper],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Merger, "merge_columns", crash)
    path = write_csv(tmp_path / "c.csv", [customer(n) for n in range(1, 30_001)])
    with pytest.raises(RuntimeError, match="disk full"):
        sqlite_lt.import_file("customers", path, today=TODAY)
    [helper] = helper_always
    assert helper.proc.returncode is not None  # waited for: no stray process
    assert helper.proc.stdout is not None and helper.proc.stdout.closed


def test_small_files_are_validated_in_process(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [customer(1)])
    assert not worker.use_helper(path)
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(worker.HELPER_MIN_BYTES)
    assert worker.use_helper(big) == (len(worker.os.sched_getaffinity(0)) >= 2)
