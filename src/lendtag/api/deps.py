"""Dependencies of every route: the core, the caller (bearer token), the route policy.

``authorized`` resolves the token, looks the route up in :data:`lendtag.api.policy.POLICY`
and refuses (403, audited) a role the table does not grant. It returns a :class:`Ctx`
the route uses to call the core on the caller's behalf.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer

from lendtag.access.roles import Role
from lendtag.access.users import Principal
from lendtag.api.errors import ApiError, request_id
from lendtag.api.policy import POLICY
from lendtag.core import Lendtag
from lendtag.errors import NotFoundError
from lendtag.store import audit

T = TypeVar("T")

MAX_ID = 2**31 - 1
"""The largest row id the store's INTEGER keys hold (ids and sequence numbers in the API)."""

bearer = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    description=(
        "A session token from POST /api/v1/auth/token (the Authorize button of /docs logs in "
        "with it), or a service account's API token from `lendtag users token`; either is sent "
        "as `Authorization: Bearer <token>`."
    ),
)


def get_core(request: Request) -> Lendtag:
    core: Lendtag = request.app.state.core
    return core


@dataclass(frozen=True)
class Ctx:
    """The core and the authenticated caller of one request."""

    core: Lendtag
    principal: Principal
    request_id: str
    route: str

    @property
    def actor(self) -> audit.Actor:
        return self.principal.actor(self.request_id)

    @contextmanager
    def acting(self) -> Iterator[None]:
        """Attribute audit entries written inside the block to the caller."""
        with audit.acting_as(self.actor):
            yield

    @property
    def branches(self) -> tuple[str, ...] | None:
        """The branches the caller may see, or None for all."""
        return self.principal.branches or None

    def check_branch(self, branch: str | None, what: str, key: str) -> None:
        """404 (audited) when a scoped caller asks for an object of another branch."""
        scope = self.branches
        if scope is not None and branch not in scope:
            self.deny("out_of_scope", {"object": what, "key": key})
            raise NotFoundError(f"no {what} {key}", details={what.replace(" ", "_"): key})

    def deny(self, reason: str, details: dict[str, str] | None = None) -> None:
        with self.acting():
            self.core.record(
                "access.denied",
                object_type="route",
                object_id=self.route,
                outcome="denied",
                details={"reason": reason, **(details or {})},
            )


def _route_name(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "name", "") or "")


async def read(core: Lendtag, work: Callable[[], T]) -> T:
    """Run a read-only core call: on SQLite on the event loop, elsewhere in the thread pool.

    An SQLite read is work inside this process that never waits for a writer (WAL mode), and
    for the short reads of a request a hop to the thread pool costs more than the read. A
    PostgreSQL read waits on the network, so it goes to the pool; so does anything that
    writes, on any database (a write may wait for the write lock).
    """
    if core.store.dialect == "sqlite":
        return work()
    return await run_in_threadpool(work)


async def authenticated(request: Request, credentials: str | None = Security(bearer)) -> Ctx:
    """The caller, from ``Authorization: Bearer <token>`` (401 without a valid token)."""
    core = get_core(request)
    token = (credentials or "").strip()
    principal = await read(core, lambda: core.authenticate(token)) if token else None
    if principal is None:
        raise ApiError(401, "unauthenticated", "a valid bearer token is required")
    return Ctx(core, principal, request_id(request), _route_name(request))


async def authorized(request: Request, credentials: str | None = Security(bearer)) -> Ctx:
    """The caller, if the route policy grants their role this route (403 otherwise)."""
    ctx = await authenticated(request, credentials)
    allowed = POLICY.get(ctx.route)
    if allowed is None or Role(ctx.principal.role) not in allowed:
        await run_in_threadpool(ctx.deny, "role", {"role": ctx.principal.role})
        raise ApiError(
            403,
            "forbidden",
            f"the role {ctx.principal.role} may not call {ctx.route}",
            {"route": ctx.route, "role": ctx.principal.role},
        )
    return ctx
