"""Pure domain rules for Chinese corporate lending: codes, classifications, scales.

Nothing here does I/O or imports other lendtag packages; thresholds and code lists
are data. See docs/domain.md for the rules, their sources and confidence.
"""

from lendtag.domain.credit_code import (
    make_credit_code,
    normalize_credit_code,
    org_code_warning,
    validate_credit_code,
)
from lendtag.domain.errors import (
    CreditCodeError,
    DomainError,
    IdentityError,
    IndustryCodeError,
    RegionCodeError,
)

__all__ = [
    "CreditCodeError",
    "DomainError",
    "IdentityError",
    "IndustryCodeError",
    "RegionCodeError",
    "make_credit_code",
    "normalize_credit_code",
    "org_code_warning",
    "validate_credit_code",
]
