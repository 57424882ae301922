"""Errors raised by the domain rules.

Every error carries a machine-readable ``code`` (``"credit_code.checksum"``) and a
``message`` a bank clerk can act on: it names what was wrong and what was expected.
"""

from __future__ import annotations

__all__ = [
    "CreditCodeError",
    "DomainError",
    "IdentityError",
    "IndustryCodeError",
    "RegionCodeError",
]


class DomainError(ValueError):
    """A value breaks a domain rule (a code, a symbol, an identifier).

    ``code`` is stable and meant for programs (filters, counts, translations);
    ``message`` is an English sentence for people.
    """

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class CreditCodeError(DomainError):
    """The unified social credit code (GB 32100-2015) is not valid."""


class IndustryCodeError(DomainError):
    """The industry code is not in GB/T 4754-2017."""


class RegionCodeError(DomainError):
    """The administrative division code (GB/T 2260) is not valid."""


class IdentityError(DomainError):
    """A personal identifier (resident ID number, mobile number) is not valid."""
