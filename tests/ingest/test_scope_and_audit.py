"""Imports and releases limited to a person's branches, the recorded file name, and the
audit entry every batch and release writes in its own transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lendtag.core import Lendtag
from lendtag.ingest.quarantine import ReleaseError
from lendtag.ingest.specs import KINDS
from lendtag.store import audit
from lendtag.store.audit import Actor, acting_as
from lendtag.store.models import Enterprise, ImportBatch, Loan, RepaymentSchedule
from tests.factories import CUSTOMER_HEADER, credit_code, customer, write_csv

TODAY = dt.date(2026, 6, 30)
WITH_BRANCH = [*CUSTOMER_HEADER, "branch"]
MINE = ["BR1"]
C1, C2, C3, C4, C5, C6 = (credit_code(n) for n in range(1, 7))
NOT_MINE = "is not a customer of your branches (BR1)"


def loan(no: str, code: str, **extra: str) -> dict[str, str]:
    row = {
        "contract_no": no,
        "credit_code": code,
        "product": "working_capital",
        "amount": "100000",
        "currency": "CNY",
        "start_date": "2025-01-15",
        "maturity_date": "2026-01-15",
    }
    return row | extra


@pytest.fixture
def bank(lt: Lendtag, tmp_path: Path) -> Lendtag:
    """C1 of branch BR1, C2 of BR2, C3 of no branch; loans LN1 (C1) and LN2 (C2)."""
    rows = [customer(1, branch="BR1"), customer(2, branch="BR2"), customer(3)]
    path = write_csv(tmp_path / "setup.csv", rows, WITH_BRANCH)
    lt.import_file("customers", path, effective_date=dt.date(2020, 1, 1), today=TODAY)
    loans = write_csv(
        tmp_path / "loans.csv", [loan("LN1", C1), loan("LN2", C2)], KINDS["loans"].header
    )
    lt.import_file("loans", loans, today=TODAY)
    lt.import_file(
        "schedules",
        write_csv(
            tmp_path / "s.csv",
            [
                {
                    "contract_no": no,
                    "installment_no": "1",
                    "due_date": "2025-07-15",
                    "principal_due": "1",
                    "interest_due": "1",
                }
                for no in ("LN1", "LN2")
            ],
        ),
        today=TODAY,
    )
    return lt


def reasons(lt: Lendtag, batch_id: int) -> dict[int, tuple[str, str, str]]:
    return {
        q["row"]: (q["column"], q["reason"], q["errors"][0]["code"])
        for q in lt.quarantine_list(batch_id=batch_id)
    }


def table(lt: Lendtag, model: type) -> list[Any]:
    with lt.store.read() as conn:
        return list(conn.execute(select(model.__table__)).all())  # type: ignore[attr-defined]


def test_a_scoped_customers_file_touches_only_its_branches(bank: Lendtag, tmp_path: Path) -> None:
    before = {r.credit_code: r for r in table(bank, Enterprise)}
    rows = [
        customer(1, branch="BR1", revenue="6000"),  # mine: updated
        customer(2, branch="BR1", revenue="1"),  # BR2's customer: not taken over
        customer(4, branch="BR1"),  # new, mine
        customer(5, branch="BR2"),  # new, for another branch
        customer(6, branch=""),  # new, no branch: nobody's
        customer(3, branch="BR1"),  # exists without a branch: not mine to claim
    ]
    path = write_csv(tmp_path / "c.csv", rows, WITH_BRANCH)
    result = bank.import_file("customers", path, today=TODAY, scope=MINE)
    assert (result.accepted, result.quarantined, result.inserted, result.updated) == (2, 4, 1, 1)
    assert reasons(bank, result.batch_id) == {
        3: ("credit_code", f"customer {C2} {NOT_MINE}", "out_of_scope"),
        5: ("branch", "branch BR2 is not one of your branches (BR1)", "out_of_scope"),
        6: (
            "branch",
            "the branch is empty; a customer you import must belong to one of your branches (BR1)",
            "out_of_scope",
        ),
        7: ("credit_code", f"customer {C3} {NOT_MINE}", "out_of_scope"),
    }
    after = {r.credit_code: r for r in table(bank, Enterprise)}
    assert after[C2] == before[C2] and after[C3] == before[C3]
    assert after[C1].revenue == 6000 and after[C4].branch == "BR1"
    assert C5 not in after and C6 not in after


def test_scoped_files_about_other_branches_customers(bank: Lendtag, tmp_path: Path) -> None:
    statements = [
        {"credit_code": code, "period_end": "2024-12-31", "period_type": "annual"}
        | {"reported_on": "2025-04-20"}
        for code in (C1, C2)
    ]
    header = KINDS["statements"].header
    r = bank.import_file(
        "statements", write_csv(tmp_path / "st.csv", statements, header), today=TODAY, scope=MINE
    )
    assert (r.accepted, r.quarantined) == (1, 1)
    assert reasons(bank, r.batch_id) == {
        3: ("credit_code", f"customer {C2} {NOT_MINE}", "out_of_scope")
    }

    persons = [{"credit_code": C2, "relation": "guarantor", "party_type": "person", "name": "李四"}]
    r = bank.import_file(
        "persons",
        write_csv(tmp_path / "p.csv", persons, KINDS["persons"].header),
        today=TODAY,
        scope=MINE,
    )
    assert (r.accepted, r.quarantined) == (0, 1)

    loans = [
        loan("LN3", C1, branch="BR2"),  # booked at another branch
        loan("LN2", C1, branch="BR1"),  # BR2's loan, moved to my customer
        loan("LN4", C2),  # a loan for BR2's customer
        loan("LN5", C1, branch="BR1"),  # fine
    ]
    r = bank.import_file(
        "loans",
        write_csv(tmp_path / "l.csv", loans, KINDS["loans"].header),
        today=TODAY,
        scope=MINE,
    )
    assert (r.accepted, r.quarantined) == (1, 3)
    assert reasons(bank, r.batch_id) == {
        2: ("branch", "branch BR2 is not one of your branches (BR1)", "out_of_scope"),
        3: (
            "contract_no",
            "loan LN2 is for a customer outside your branches (BR1)",
            "out_of_scope",
        ),
        4: ("credit_code", f"customer {C2} {NOT_MINE}", "out_of_scope"),
    }
    assert {r.contract_no: r.credit_code for r in table(bank, Loan)}["LN2"] == C2

    for kind, extra in (
        ("schedules", {"due_date": "2025-08-15", "principal_due": "9", "interest_due": "9"}),
        ("repayments", {"paid_on": "2025-08-15", "principal_paid": "9", "interest_paid": "9"}),
    ):
        rows = [{"contract_no": no, "installment_no": "1"} | extra for no in ("LN1", "LN2")]
        r = bank.import_file(
            kind,
            write_csv(tmp_path / f"{kind}.csv", rows, KINDS[kind].header),
            today=TODAY,
            scope=MINE,
        )
        assert (r.accepted, r.quarantined) == (1, 1), kind
        assert reasons(bank, r.batch_id)[3][2] == "out_of_scope"
    dues = {r.contract_no: r.principal_due for r in table(bank, RepaymentSchedule)}
    assert dues == {"LN1": 9, "LN2": 1}


def test_an_unscoped_import_is_not_limited(bank: Lendtag, tmp_path: Path) -> None:
    rows = [customer(2, branch="BR9"), customer(6, branch="")]
    path = write_csv(tmp_path / "c.csv", rows, WITH_BRANCH)
    r = bank.import_file("customers", path, today=TODAY)
    assert (r.accepted, r.quarantined) == (2, 0)


def test_a_scoped_release_stays_within_its_branches(bank: Lendtag, tmp_path: Path) -> None:
    rows = [customer(5, branch="BR2"), customer(2, branch="BR1", employees="x")]
    path = write_csv(tmp_path / "c.csv", rows, WITH_BRANCH)
    r = bank.import_file("customers", path, today=TODAY, scope=MINE)
    q5, q2 = (q["id"] for q in bank.quarantine_list(batch_id=r.batch_id))
    with pytest.raises(ReleaseError) as info:
        bank.quarantine_release(q5, {"branch": "BR3"}, scope=MINE)
    assert info.value.details["errors"][0]["code"] == "out_of_scope"
    with pytest.raises(ReleaseError) as info:  # the cell is fixed, but the customer is BR2's
        bank.quarantine_release(q2, {"employees": "10"}, scope=MINE)
    assert info.value.details["errors"] == [
        {
            "column": "credit_code",
            "value": C2,
            "reason": f"customer {C2} {NOT_MINE}",
            "code": "out_of_scope",
        }
    ]
    assert bank.customer_show(C2)["branch"] == "BR2"
    assert bank.quarantine_release(q5, {"branch": "BR1"}, scope=MINE).inserted == 1
    assert bank.quarantine_release(q2, {"employees": "10"}).updated == 1  # unscoped: allowed


def test_the_recorded_source_is_the_name_given(lt: Lendtag, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tmp-upload-3f9a.csv", [customer(1), customer(2, name="")])
    r = lt.import_file("customers", path, today=TODAY, source="客户清单.csv")
    assert r.source == "客户清单.csv"
    assert lt.get_batch(r.batch_id)["source"] == "客户清单.csv"  # type: ignore[index]
    assert [q["file"] for q in lt.quarantine_list()] == ["客户清单.csv"]


# -- audit ------------------------------------------------------------------------------------


def entries(lt: Lendtag) -> list[dict[str, Any]]:
    with lt.store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(select(audit.LOG).order_by(audit.LOG.c.seq))]


def test_every_batch_and_release_is_audited(lt: Lendtag, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    path = write_csv(tmp_path / "data" / "c.csv", [customer(1), customer(2, employees="x")])
    alice = Actor("alice", "relationship_manager", "req-1")
    with acting_as(alice):
        r = lt.import_file("customers", path, today=TODAY)
        [q] = lt.quarantine_list()
        released = lt.quarantine_release(q["id"], {"employees": "12"})
    log = entries(lt)
    batch, release = log[-2], log[-1]
    assert {k: batch[k] for k in ("action", "actor", "role", "request_id", "outcome")} == {
        "action": "import.batch",
        "actor": "alice",
        "role": "relationship_manager",
        "request_id": "req-1",
        "outcome": "ok",
    }
    assert (batch["object_type"], batch["object_id"]) == ("import_batch", str(r.batch_id))
    assert batch["details"] == {
        "kind": "customers",
        "source": "c.csv",
        "file_sha256": lt.get_batch(r.batch_id)["file_sha256"],  # type: ignore[index]
        "accepted": 1,
        "quarantined": 1,
    }
    assert (release["action"], release["object_type"], release["object_id"]) == (
        "quarantine.release",
        "quarantine_row",
        str(q["id"]),
    )
    assert release["actor"] == "alice"
    assert release["details"] == {
        "kind": "customers",
        "batch_id": released.batch_id,
        "source": "c.csv",
        "row": 3,
        "corrected": ["employees"],
        "inserted": 1,
        "updated": 0,
    }
    with lt.store.read() as conn:
        assert audit.verify(conn).ok


def test_a_failed_batch_is_audited_as_failed(lt: Lendtag, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    write_csv(path, [customer(1), customer(2, name="坏")])
    path.write_bytes(path.read_bytes().replace("坏".encode(), b"\xff"))
    with pytest.raises(Exception, match="row 3 is not valid UTF-8"):
        lt.import_file("customers", path, today=TODAY, encoding="utf-8")
    [entry] = [e for e in entries(lt) if e["action"] == "import.batch"]
    assert entry["outcome"] == "failed"
    assert entry["details"]["error"] == "file_format"
    with lt.store.read() as conn:
        [batch] = conn.execute(select(ImportBatch.id, ImportBatch.status)).all()
    assert (str(batch.id), batch.status) == (entry["object_id"], "failed")


def test_the_audit_entry_is_in_the_import_transaction(
    lt: Lendtag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> int:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "append", refuse)
    with pytest.raises(RuntimeError, match="audit log unavailable"):
        lt.import_file("customers", write_csv(tmp_path / "c.csv", [customer(1)]), today=TODAY)
    with lt.store.read() as conn:
        assert conn.scalar(select(func.count()).select_from(Enterprise)) == 0
