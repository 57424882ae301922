"""Every write transaction through the store records an audit entry, or nothing commits."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from lendtag.core import Lendtag
from lendtag.store import audit
from lendtag.store.errors import UnauditedWriteError


def users(lt: Lendtag) -> int:
    with lt.store.read() as conn:
        return int(conn.execute(text("SELECT count(*) FROM users")).scalar() or 0)


def add_user(conn: object, name: str) -> None:
    conn.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO users (username, role, authority_level, branches, disabled, "
            "failed_logins, created_at, updated_at) VALUES (:n, 'viewer', NULL, '[]', false, 0, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"n": name},
    )


def test_a_change_without_an_audit_entry_is_rolled_back(lt: Lendtag) -> None:
    refused = pytest.raises(UnauditedWriteError, match="without an audit entry")
    with refused, lt.store.write() as conn:
        add_user(conn, "ghost")
    assert users(lt) == 0
    with lt.store.write() as conn:  # with its entry, the same change commits
        add_user(conn, "known")
        audit.append(conn, "user.add", object_type="user", object_id="known")
    assert users(lt) == 1
    with lt.store.write(audited=False) as conn:  # bookkeeping, declared as such
        add_user(conn, "bookkeeping")
    assert users(lt) == 2


def test_a_write_transaction_that_changes_nothing_needs_no_entry(lt: Lendtag) -> None:
    with lt.store.write() as conn:
        conn.execute(text("SELECT count(*) FROM users"))
        conn.execute(text("UPDATE users SET role = 'viewer' WHERE username = 'nobody'"))
    assert users(lt) == 0
