"""All lendtag tables. Importing this package registers them on ``Base.metadata``."""

from lendtag.store.models.access import ApiToken, AuditEntry, AuditHead, IdempotencyKey, User
from lendtag.store.models.base import Base
from lendtag.store.models.enterprise import (
    ENTERPRISE_ATTRIBUTES,
    BureauReport,
    Enterprise,
    EnterpriseVersion,
    FinancialStatement,
    RelatedParty,
)
from lendtag.store.models.ingest import ImportBatch, QuarantineRow
from lendtag.store.models.loans import Loan, Repayment, RepaymentSchedule
from lendtag.store.models.tags import (
    Definition,
    Outbox,
    SegmentHistory,
    SegmentMember,
    TagHistory,
    TagRun,
    TagValue,
)

__all__ = [
    "ENTERPRISE_ATTRIBUTES",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Base",
    "BureauReport",
    "Definition",
    "Enterprise",
    "EnterpriseVersion",
    "FinancialStatement",
    "IdempotencyKey",
    "ImportBatch",
    "Loan",
    "Outbox",
    "QuarantineRow",
    "RelatedParty",
    "Repayment",
    "RepaymentSchedule",
    "SegmentHistory",
    "SegmentMember",
    "TagHistory",
    "TagRun",
    "TagValue",
    "User",
]
