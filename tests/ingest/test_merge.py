"""The merge: nothing refused by the store is dropped silently, rows the merge refuses keep
a releasable copy, and keys repeated within a chunk keep the later row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import exc, func, select

from lendtag.core import Lendtag
from lendtag.ingest.specs import Columns, Context, DeriveCustomer
from lendtag.store.models import Enterprise, QuarantineRow
from tests.factories import CUSTOMER_HEADER, credit_code, customer, write_csv

TODAY = dt.date(2026, 6, 30)


def test_a_row_the_store_refuses_fails_the_import(
    lt: Lendtag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lt.import_file("customers", write_csv(tmp_path / "a.csv", [customer(1)]), today=TODAY)
    original = DeriveCustomer.rows

    def lose_the_size_class(self: DeriveCustomer, columns: Columns, n: int, ctx: Context) -> None:
        original(self, columns, n, ctx)
        columns["size_class"][-1] = None  # size_class is NOT NULL in the store

    monkeypatch.setattr(DeriveCustomer, "rows", lose_the_size_class)
    rows = [customer(2), customer(3)]
    with pytest.raises(exc.IntegrityError):
        lt.import_file("customers", write_csv(tmp_path / "b.csv", rows), today=TODAY)
    with lt.store.read() as conn:
        codes = set(conn.scalars(select(Enterprise.credit_code)))
    assert codes == {credit_code(1)}  # neither row 2 nor row 3: the batch is all or nothing


def test_a_backdated_row_keeps_its_values_for_release(lt: Lendtag, tmp_path: Path) -> None:
    header = [*CUSTOMER_HEADER, "effective_date"]
    first = [customer(1, effective_date="2025-01-01")]
    lt.import_file("customers", write_csv(tmp_path / "a.csv", first, header), today=TODAY)
    late = [
        customer(1, revenue="1,234.50", established_on="2015/03/01", effective_date="2024-06-01")
    ]
    r = lt.import_file("customers", write_csv(tmp_path / "b.csv", late, header), today=TODAY)
    assert (r.accepted, r.quarantined) == (0, 1)
    [q] = lt.quarantine_list()
    assert q["errors"][0]["code"] == "backdated"
    with lt.store.read() as conn:
        raw = conn.scalar(select(QuarantineRow.raw))
    # rebuilt from the parsed values, which parse back to the same values
    assert raw["revenue"] == "1234.5" and raw["established_on"] == "2015-03-01"
    released = lt.quarantine_release(q["id"], {"effective_date": "2025-06-01"})
    assert released.updated == 1
    assert lt.customer_show(credit_code(1))["revenue"] == 1234.5


def test_within_a_chunk_the_later_row_wins_even_among_bad_rows(lt: Lendtag, tmp_path: Path) -> None:
    rows = [
        customer(1, name="一"),
        customer(2, employees="bad"),
        customer(1, name="二"),
        customer(1, employees="bad"),  # the last row of the key is bad: the good one stands
    ]
    r = lt.import_file("customers", write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert (r.accepted, r.quarantined, r.superseded, r.inserted) == (2, 2, 1, 1)
    assert lt.customer_show(credit_code(1))["name"] == "二"
    with lt.store.read() as conn:
        assert conn.scalar(select(func.count()).select_from(Enterprise)) == 1
