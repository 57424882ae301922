"""Users, logins, tokens and the audit log on the facade (mixed into ``Lendtag``)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from sqlalchemy import select

from lendtag.access import users
from lendtag.access.errors import AuthenticationError
from lendtag.access.users import Passwords, Principal
from lendtag.settings import Settings
from lendtag.store import audit
from lendtag.store.audit import LOG
from lendtag.store.db import Store


class AccessOperations:
    """Thin wrappers: the right transaction around the access package."""

    store: Store
    settings: Settings

    @cached_property
    def passwords(self) -> Passwords:
        return Passwords(self.settings)

    def users_add(
        self,
        username: str,
        role: str,
        *,
        password: str | None,
        branches: list[str] | None = None,
        authority_level: int | None = None,
    ) -> dict[str, Any]:
        self.store.require_migrated()
        with self.store.write() as conn:
            return users.add_user(
                conn,
                self.passwords,
                username,
                role,
                password=password,
                branches=branches,
                authority_level=authority_level,
            )

    def users_list(self) -> list[dict[str, Any]]:
        self.store.require_migrated()
        with self.store.read() as conn:
            return users.list_users(conn)

    def users_disable(self, username: str, disabled: bool = True) -> dict[str, Any]:
        self.store.require_migrated()
        with self.store.write() as conn:
            return users.set_disabled(conn, username, disabled)

    def users_reset(self, username: str, password: str) -> dict[str, Any]:
        self.store.require_migrated()
        with self.store.write() as conn:
            return users.reset_password(conn, self.passwords, username, password)

    def users_token(
        self, username: str, *, days: int | None = None, label: str | None = None
    ) -> dict[str, Any]:
        self.store.require_migrated()
        lifetime = dt.timedelta(days=days or self.settings.api_token_days)
        with self.store.write() as conn:
            return users.api_token(conn, username, lifetime, label)

    def login(self, username: str, password: str) -> dict[str, Any]:
        """A session token for a correct password; raises AuthenticationError otherwise.

        A failed attempt is recorded (audit entry, failure count, lockout) even though the
        login itself fails: the write commits before the error is raised.
        """
        self.store.require_migrated()
        failure: Exception | None = None
        with self.store.write() as conn:
            try:
                token, expires = users.login(
                    conn, self.passwords, self.settings, username, password
                )
            except AuthenticationError as exc:
                failure = exc
        if failure is not None:
            raise failure
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": int((expires - dt.datetime.now(dt.UTC)).total_seconds()),
        }

    def authenticate(self, token: str) -> Principal | None:
        """The principal a bearer token belongs to (None: unknown, expired, revoked, disabled)."""
        with self.store.read() as conn:
            return users.resolve(conn, token)

    def logout(self, principal: Principal) -> None:
        with self.store.write() as conn:
            users.revoke(conn, principal)

    def principal(self, username: str) -> Principal:
        self.store.require_migrated()
        with self.store.read() as conn:
            return users.principal_for(conn, username)

    def record(
        self,
        action: str,
        *,
        object_type: str | None = None,
        object_id: str | None = None,
        outcome: str = "ok",
        details: dict[str, Any] | None = None,
    ) -> int:
        """An audit entry of its own (a denial, a read): one small write transaction."""
        with self.store.write() as conn:
            return audit.append(
                conn,
                action,
                object_type=object_type,
                object_id=object_id,
                outcome=outcome,
                details=details,
            )

    def audit_verify(self) -> dict[str, Any]:
        self.store.require_migrated()
        with self.store.read() as conn:
            return audit.verify(conn).as_dict()

    def audit_list(
        self, *, after: int = 0, limit: int = 100, actor: str | None = None
    ) -> list[dict[str, Any]]:
        self.store.require_migrated()
        stmt = select(LOG).where(LOG.c.seq > after).order_by(LOG.c.seq).limit(limit)
        if actor:
            stmt = stmt.where(LOG.c.actor == actor)
        with self.store.read() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]
