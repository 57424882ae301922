"""Users and tokens: argon2 passwords, expiring hashed bearer tokens, lockout.

A failed login looks the same whatever the reason (unknown user, wrong password, locked or
disabled account) and takes about the same time: an unknown user's password is checked
against a dummy hash. The reason is written to the audit log, for auditors only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Table, bindparam, insert, select, update

from lendtag.access.errors import AuthenticationError, UserError
from lendtag.access.roles import Role, parse_role
from lendtag.settings import Settings
from lendtag.store import audit
from lendtag.store.models.access import ApiToken, User
from lendtag.store.models.base import utcnow

USERS = cast(Table, User.__table__)
TOKENS = cast(Table, ApiToken.__table__)
USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
TOKEN_PREFIX = "lt_"
LOGIN_FAILED = "wrong username or password, or the account is locked or disabled"


@dataclass(frozen=True)
class Principal:
    """An authenticated user, as the core and the API see them."""

    id: int
    username: str
    role: str
    authority_level: int | None
    branches: tuple[str, ...]
    token_id: int | None = None

    @property
    def scoped(self) -> bool:
        """True when the user sees only the customers of their branches."""
        return bool(self.branches)

    def actor(self, request_id: str | None = None) -> audit.Actor:
        return audit.Actor(self.username, self.role, request_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "role": self.role,
            "authority_level": self.authority_level,
            "branches": list(self.branches),
        }


class Passwords:
    """argon2id hashing with the cost the settings give."""

    def __init__(self, settings: Settings) -> None:
        self.min_length = settings.password_min_length
        self.hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
        )
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        if len(password) < self.min_length:
            raise UserError(
                f"the password has {len(password)} characters; at least {self.min_length} "
                "are required"
            )
        if password.strip() != password or not password.strip():
            raise UserError("the password must not start or end with spaces")
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _row(conn: Connection, username: str) -> Any:
    return conn.execute(select(USERS).where(USERS.c.username == username.strip().lower())).first()


def _principal(row: Any, token_id: int | None = None) -> Principal:
    return Principal(
        int(row.id),
        row.username,
        row.role,
        row.authority_level,
        tuple(row.branches or ()),
        token_id,
    )


def _require(conn: Connection, username: str) -> Any:
    row = _row(conn, username)
    if row is None:
        from lendtag.errors import NotFoundError

        raise NotFoundError(f"no user named {username!r}", details={"username": username})
    return row


def add_user(
    conn: Connection,
    passwords: Passwords,
    username: str,
    role: str,
    *,
    password: str | None,
    branches: list[str] | None = None,
    authority_level: int | None = None,
) -> dict[str, Any]:
    """Create a user; a relationship manager needs a branch, an approver an authority level."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise UserError(
            f"username {username!r} is not valid; use 2-64 lower-case letters, digits, . _ -, "
            "starting with a letter",
            details={"username": username},
        )
    parsed = parse_role(role)
    branch_list = sorted({b.strip() for b in branches or [] if b.strip()})
    if parsed == Role.RELATIONSHIP_MANAGER and not branch_list:
        raise UserError("a relationship manager needs at least one --branch")
    if parsed == Role.APPROVER and (authority_level is None or authority_level < 1):
        raise UserError("an approver needs an --authority-level of 1 or more")
    if parsed != Role.APPROVER and authority_level is not None:
        raise UserError("only approvers have an authority level")
    if _row(conn, name) is not None:
        raise UserError(f"a user named {name!r} already exists", details={"username": name})
    now = utcnow()
    conn.execute(
        insert(USERS).values(
            username=name,
            role=parsed.value,
            authority_level=authority_level,
            branches=branch_list,
            password_hash=passwords.hash(password) if password is not None else None,
            disabled=False,
            failed_logins=0,
            created_at=now,
            updated_at=now,
        )
    )
    doc: dict[str, Any] = {
        "username": name,
        "role": parsed.value,
        "branches": branch_list,
        "authority_level": authority_level,
    }
    audit.append(conn, "user.add", object_type="user", object_id=name, details=doc)
    return doc


def set_disabled(conn: Connection, username: str, disabled: bool) -> dict[str, Any]:
    """Disable (every token revoked at once) or enable a user."""
    row = _require(conn, username)
    now = utcnow()
    conn.execute(
        update(USERS).where(USERS.c.id == row.id).values(disabled=disabled, updated_at=now)
    )
    revoked = _revoke_all(conn, int(row.id), now) if disabled else 0
    action = "user.disable" if disabled else "user.enable"
    audit.append(
        conn, action, object_type="user", object_id=row.username, details={"revoked": revoked}
    )
    return {"username": row.username, "disabled": disabled, "tokens_revoked": revoked}


def reset_password(
    conn: Connection, passwords: Passwords, username: str, password: str
) -> dict[str, Any]:
    """A new password; clears a lockout and ends every login session."""
    row = _require(conn, username)
    digest = passwords.hash(password)
    now = utcnow()
    conn.execute(
        update(USERS)
        .where(USERS.c.id == row.id)
        .values(password_hash=digest, failed_logins=0, locked_until=None, updated_at=now)
    )
    revoked = _revoke_all(conn, int(row.id), now, kind="session")
    audit.append(
        conn, "user.reset", object_type="user", object_id=row.username, details={"revoked": revoked}
    )
    return {"username": row.username, "sessions_revoked": revoked}


def _revoke_all(conn: Connection, user_id: int, now: dt.datetime, kind: str | None = None) -> int:
    stmt = update(TOKENS).where(TOKENS.c.user_id == user_id, TOKENS.c.revoked_at.is_(None))
    if kind is not None:
        stmt = stmt.where(TOKENS.c.kind == kind)
    return int(conn.execute(stmt.values(revoked_at=now)).rowcount or 0)


def issue_token(
    conn: Connection, user_id: int, kind: str, lifetime: dt.timedelta, label: str | None = None
) -> tuple[str, dt.datetime]:
    """A new bearer token (returned once, stored hashed) and its expiry."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + lifetime
    conn.execute(
        insert(TOKENS).values(
            user_id=user_id,
            token_hash=token_digest(token),
            kind=kind,
            label=label,
            created_at=now,
            expires_at=expires,
        )
    )
    return token, expires


def api_token(
    conn: Connection, username: str, lifetime: dt.timedelta, label: str | None
) -> dict[str, Any]:
    """A named, long-lived token for a service account (or a person's script)."""
    row = _require(conn, username)
    if row.disabled:
        raise UserError(f"user {row.username} is disabled")
    token, expires = issue_token(conn, int(row.id), "api", lifetime, label)
    audit.append(
        conn,
        "token.issue",
        object_type="user",
        object_id=row.username,
        details={"label": label, "expires_at": expires.isoformat()},
    )
    return {"username": row.username, "token": token, "expires_at": expires.isoformat()}


def login(
    conn: Connection,
    passwords: Passwords,
    settings: Settings,
    username: str,
    password: str,
) -> tuple[str, dt.datetime]:
    """Check a password and open a session; one failure answer for every reason."""
    name = username.strip().lower()[:64]
    row = _row(conn, name)
    now = utcnow()
    ok = passwords.verify(row.password_hash if row is not None else None, password)
    reason = None
    if row is None:
        reason = "unknown_user"
    elif row.disabled:
        reason = "disabled"
    elif row.locked_until is not None and _aware(row.locked_until) > now:
        reason = "locked"
    elif not ok:
        reason = "bad_password"
    actor = audit.Actor(
        name, row.role if row is not None else None, audit.current_actor().request_id
    )
    if reason is not None:
        details: dict[str, Any] = {"reason": reason}
        if reason == "bad_password":
            failures = int(row.failed_logins) + 1
            values: dict[str, Any] = {"failed_logins": failures}
            if failures >= settings.login_max_failures:
                values |= {
                    "failed_logins": 0,
                    "locked_until": now + dt.timedelta(minutes=settings.login_lockout_minutes),
                }
                details["locked"] = True
            conn.execute(update(USERS).where(USERS.c.id == row.id).values(**values))
        audit.append(conn, "auth.login", outcome="failed", details=details, actor=actor)
        raise AuthenticationError(LOGIN_FAILED)
    conn.execute(
        update(USERS).where(USERS.c.id == row.id).values(failed_logins=0, locked_until=None)
    )
    token, expires = issue_token(
        conn, int(row.id), "session", dt.timedelta(minutes=settings.token_ttl_minutes)
    )
    audit.append(conn, "auth.login", object_type="user", object_id=row.username, actor=actor)
    return token, expires


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


_BY_TOKEN = (
    select(USERS, TOKENS.c.id.label("token_id"), TOKENS.c.expires_at, TOKENS.c.revoked_at)
    .join(TOKENS, TOKENS.c.user_id == USERS.c.id)
    .where(TOKENS.c.token_hash == bindparam("digest"))
)
"""A token's user, built once (every API request runs it)."""


def resolve(conn: Connection, token: str) -> Principal | None:
    """The user a bearer token belongs to, or None if unknown, expired, revoked or disabled."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
        return None
    row = conn.execute(_BY_TOKEN, {"digest": token_digest(token)}).first()
    if row is None or row.revoked_at is not None or row.disabled:
        return None
    if _aware(row.expires_at) <= utcnow():
        return None
    return _principal(row, int(row.token_id))


def revoke(conn: Connection, principal: Principal) -> None:
    """End the session (or API token) the principal authenticated with."""
    if principal.token_id is None:
        return
    conn.execute(
        update(TOKENS).where(TOKENS.c.id == principal.token_id).values(revoked_at=utcnow())
    )
    audit.append(conn, "auth.logout", object_type="user", object_id=principal.username)


def list_users(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(USERS).order_by(USERS.c.username))
    now = utcnow()
    return [
        {
            "username": r.username,
            "role": r.role,
            "authority_level": r.authority_level,
            "branches": list(r.branches or []),
            "disabled": bool(r.disabled),
            "locked": r.locked_until is not None and _aware(r.locked_until) > now,
            "has_password": r.password_hash is not None,
        }
        for r in rows
    ]


def principal_for(conn: Connection, username: str) -> Principal:
    """The principal of a user by name (for the CLI acting on behalf of a named user)."""
    return _principal(_require(conn, username))
