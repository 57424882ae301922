"""Pure domain rules for Chinese corporate lending: codes, classifications, scales.

Nothing here does I/O at call time or imports other lendtag packages; thresholds and
code lists are data. See docs/domain.md for the rules, their sources and confidence.
"""

from lendtag.domain.credit_code import (
    AUTHORITIES,
    CHARSET,
    WEIGHTS,
    Authority,
    check_character,
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
from lendtag.domain.identity import (
    PERSONAL_FIELDS,
    FieldClassification,
    mask_id_number,
    mask_phone,
    validate_mobile,
    validate_resident_id,
)
from lendtag.domain.industry import (
    DIVISIONS,
    SECTIONS,
    Division,
    IndustryCode,
    Section,
    division_name,
    parse_industry_code,
    section_name,
)
from lendtag.domain.region import (
    PROVINCES,
    Province,
    RegionCode,
    parse_region_code,
)
from lendtag.domain.size import (
    INCLUSIVE_FINANCE_CAP_WAN,
    SIZE_INDUSTRIES,
    SIZE_TABLE,
    Bounds,
    SizeClass,
    SizeIndustry,
    SizeResult,
    classify_size,
    size_industry_for,
)

__all__ = [
    "AUTHORITIES",
    "CHARSET",
    "DIVISIONS",
    "INCLUSIVE_FINANCE_CAP_WAN",
    "PERSONAL_FIELDS",
    "PROVINCES",
    "SECTIONS",
    "SIZE_INDUSTRIES",
    "SIZE_TABLE",
    "WEIGHTS",
    "Authority",
    "Bounds",
    "CreditCodeError",
    "Division",
    "DomainError",
    "FieldClassification",
    "IdentityError",
    "IndustryCode",
    "IndustryCodeError",
    "Province",
    "RegionCode",
    "RegionCodeError",
    "Section",
    "SizeClass",
    "SizeIndustry",
    "SizeResult",
    "check_character",
    "classify_size",
    "division_name",
    "make_credit_code",
    "mask_id_number",
    "mask_phone",
    "normalize_credit_code",
    "org_code_warning",
    "parse_industry_code",
    "parse_region_code",
    "section_name",
    "size_industry_for",
    "validate_credit_code",
    "validate_mobile",
    "validate_resident_id",
]
