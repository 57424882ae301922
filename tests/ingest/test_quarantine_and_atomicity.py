"""Releasing corrected rows, failed batches leaving no trace, refusing un-migrated stores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lendtag.core import Lendtag
from lendtag.errors import InputError, NotFoundError
from lendtag.ingest.merge import Merger
from lendtag.ingest.quarantine import ReleaseError
from lendtag.settings import Settings
from lendtag.store.errors import NotMigratedError
from lendtag.store.models import Enterprise, EnterpriseVersion, ImportBatch
from tests.factories import customer, write_csv

TODAY = dt.date(2026, 6, 30)


def test_release_a_corrected_row(lt: Lendtag, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [customer(1, industry_code="C9999", employees="x")])
    lt.import_file("customers", path, today=TODAY)
    [q] = lt.quarantine_list()
    with pytest.raises(ReleaseError) as info:
        lt.quarantine_release(q["id"], {"industry_code": "C3411"})
    assert info.value.details["errors"][0]["column"] == "employees"
    assert lt.quarantine_list()[0]["status"] == "open"
    result = lt.quarantine_release(q["id"], {"industry_code": "C3411", "employees": "15"})
    assert result.inserted == 1
    assert lt.quarantine_list() == []
    [released] = lt.quarantine_list(status="released")
    assert released["released_batch_id"] == result.batch_id
    assert lt.customer_show(customer(1)["credit_code"])["size_class"] == "micro"
    with pytest.raises(InputError, match="already released"):
        lt.quarantine_release(q["id"], {})
    # the original file again: the bad row is known, nothing new is quarantined or loaded
    again = lt.import_file("customers", path, today=TODAY)
    assert again.quarantined == 1
    assert lt.quarantine_list() == []


def test_release_errors(lt: Lendtag, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        lt.quarantine_release(12345, {})
    lt.import_file("customers", write_csv(tmp_path / "c.csv", [customer(1, name="")]), today=TODAY)
    [q] = lt.quarantine_list()
    with pytest.raises(InputError, match="unknown column"):
        lt.quarantine_release(q["id"], {"colour": "red"})


def test_a_crash_mid_batch_leaves_the_previous_state(
    lt: Lendtag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lt.import_file(
        "customers", write_csv(tmp_path / "v1.csv", [customer(n) for n in range(50)]), today=TODAY
    )
    with lt.store.read() as conn:
        before = conn.execute(select(Enterprise.__table__).order_by("credit_code")).all()
    calls = {"n": 0}
    original = Merger.merge_columns

    def crash_on_second_chunk(self: Merger, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        original(self, *args, **kwargs)

    monkeypatch.setattr(Merger, "merge_columns", crash_on_second_chunk)
    rows = [customer(n, revenue="1") for n in range(300)] + [customer(999, name="")]
    with pytest.raises(RuntimeError, match="power cut"):
        lt.import_file("customers", write_csv(tmp_path / "v2.csv", rows), today=TODAY)
    with lt.store.read() as conn:
        after = conn.execute(select(Enterprise.__table__).order_by("credit_code")).all()
        versions = conn.scalar(select(func.count()).select_from(EnterpriseVersion))
        batches = conn.execute(
            select(ImportBatch.status, ImportBatch.error).order_by(ImportBatch.id)
        ).all()
    assert after == before and versions == 0
    assert lt.quarantine_list() == []
    assert [b.status for b in batches] == ["committed", "failed"]
    assert "RuntimeError" in batches[1].error


def test_unmigrated_database_is_refused(tmp_path: Path) -> None:
    with Lendtag(Settings(database_url=f"sqlite:///{tmp_path / 'new.db'}")) as lt:
        with pytest.raises(NotMigratedError, match="lendtag init"):
            lt.customers_list()
        assert lt.init()["changed"] is True
        assert lt.init()["changed"] is False
        assert lt.customers_list() == []
