"""The route policy: every API route, by name, and the roles allowed to call it.

This table is the whole of role-based access. A test fails when a route is missing from it
(or it names a route that does not exist) and checks that no role can call a route the
table does not grant. Object-level checks (a relationship manager sees only the customers
of their branches) come on top, in the routes.
"""

from __future__ import annotations

from typing import Any

from lendtag.access.roles import Role

V, RM, RA, AP, AU, AD = (
    Role.VIEWER,
    Role.RELATIONSHIP_MANAGER,
    Role.RISK_ANALYST,
    Role.APPROVER,
    Role.AUDITOR,
    Role.ADMIN,
)
EVERYONE = frozenset(Role)
READERS = frozenset({V, RM, RA, AP, AD})
"""Who reads customer data (masked): everyone but the auditor, who reads the audit log."""

PUBLIC = frozenset({"health", "metrics", "auth.token"})
"""Routes that need no token."""

POLICY: dict[str, frozenset[Role]] = {
    # who am I, and ending a session
    "auth.me": EVERYONE,
    "auth.logout": EVERYONE,
    # customers (object-level: branch scope)
    "customers.list": READERS,
    "customers.get": READERS,
    "customers.update": frozenset({RM, AD}),
    "customers.tags": READERS,
    "customers.tag_history": READERS,
    "customers.tag_explain": READERS,
    "customers.tag_set": frozenset({RM, RA}),
    "customers.tag_clear": frozenset({RM, RA}),
    # imports and the quarantine (object-level: a scoped user sees their own batches)
    "imports.create": frozenset({RM, AD}),
    "imports.list": frozenset({RM, AD}),
    "imports.get": frozenset({RM, AD}),
    "imports.quarantine": frozenset({RM, AD}),
    "quarantine.list": frozenset({RM, AD}),
    "quarantine.release": frozenset({RM, AD}),
    # the tag catalog and its lifecycle
    "tags.list": READERS,
    "tags.get": READERS,
    "tags.migration": frozenset({V, RA, AP, AD}),
    "tags.preview": frozenset({RA, AP, AD}),
    "definitions.versions": frozenset({V, RA, AP, AD}),
    "definitions.draft": frozenset({RA}),
    "definitions.submit": frozenset({RA}),
    "definitions.publish": frozenset({RA, AP}),
    "definitions.reject": frozenset({RA, AP}),
    "definitions.retire": frozenset({RA, AP}),
    # tag runs
    "runs.create": frozenset({RA, AD}),
    "runs.list": READERS,
    "runs.get": READERS,
    # segments (object-level: members filtered to the branch scope)
    "segments.list": READERS,
    "segments.count": frozenset({V, RM, RA, AP, AD}),
    "segments.members": frozenset({RM, RA, AP, AD}),
    "segments.history": frozenset({RM, RA, AP, AD}),
    "segments.export": frozenset({RM, RA, AP, AD}),
    # events for downstream systems
    "outbox.list": frozenset({RA, AD}),
    "outbox.ack": frozenset({AD}),
    # the audit log
    "audit.list": frozenset({AU}),
    "audit.verify": frozenset({AU, AD}),
}


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(method, path, route name) of every operation of an OpenAPI document, in its order."""
    return [
        (method.upper(), path, str(op["operationId"]))
        for path, item in openapi["paths"].items()
        for method, op in item.items()
    ]


def policy_table(openapi: dict[str, Any]) -> str:
    """The role × route table as Markdown (``docs/api.md`` holds it; a test keeps it in step)."""
    roles = list(Role)
    lines = [
        "| route | method and path | " + " | ".join(r.value for r in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for method, path, name in sorted(operations(openapi), key=lambda o: (o[1], o[0])):
        if name in PUBLIC:
            cells = ["public"] * len(roles)
        else:
            cells = ["yes" if r in POLICY.get(name, ()) else "" for r in roles]
        lines.append(f"| `{name}` | `{method} {path}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
