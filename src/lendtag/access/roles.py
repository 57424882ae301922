"""The roles, what each may see of personal data, and the branch scope of a user.

Which role may call which operation is the route policy of the API
(``lendtag.api.policy``); this module holds what the core itself needs: a role's
personal-data clearance (JR/T 0171 classes, DOMAIN.md §6.2) and the rule that a user with
assigned branches sees only those branches' customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    RELATIONSHIP_MANAGER = "relationship_manager"
    RISK_ANALYST = "risk_analyst"
    APPROVER = "approver"
    AUDITOR = "auditor"
    ADMIN = "admin"


@dataclass(frozen=True)
class RoleInfo:
    zh: str
    en: str
    clearance: str  # highest JR/T 0171 class the role may read unmasked ("C1": none personal)
    description: str


ROLES: dict[Role, RoleInfo] = {
    Role.VIEWER: RoleInfo("查看员", "Viewer", "C1", "Reads customers, tags and segments."),
    Role.RELATIONSHIP_MANAGER: RoleInfo(
        "客户经理",
        "Relationship manager",
        "C2",
        "Works the customers of the branches assigned to them: reads, updates, imports; may "
        "read personal identifiers unmasked for a stated purpose.",
    ),
    Role.RISK_ANALYST: RoleInfo(
        "风险分析师",
        "Risk analyst",
        "C1",
        "Designs tags, segments and models; runs tags; reads the whole portfolio masked.",
    ),
    Role.APPROVER: RoleInfo(
        "审批人",
        "Approver",
        "C2",
        "Reviews and publishes definitions written by others; decides referred "
        "applications up to their authority level; may read identifiers for a purpose.",
    ),
    Role.AUDITOR: RoleInfo(
        "审计员", "Auditor", "C1", "Reads the audit log and verifies its chain; changes nothing."
    ),
    Role.ADMIN: RoleInfo(
        "管理员",
        "Administrator",
        "C1",
        "Manages users, imports and runs; reads everything masked (least privilege: no "
        "personal data unmasked).",
    ),
}

CLEARANCE_ORDER = {"C1": 1, "C2": 2, "C3": 3}


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        from lendtag.access.errors import UserError

        raise UserError(
            f"unknown role {text!r}; expected one of {', '.join(r.value for r in Role)}",
            details={"role": text},
        ) from None


def may_unmask(role: str | None, field_class: str) -> bool:
    """Whether ``role`` has clearance to read a field of JR/T 0171 class ``field_class``."""
    if role is None:
        return False
    info = ROLES.get(Role(role)) if role in Role._value2member_map_ else None
    if info is None:
        return False
    return CLEARANCE_ORDER[info.clearance] >= CLEARANCE_ORDER[field_class]
