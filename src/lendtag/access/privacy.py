"""Personal data: which fields are personal, and who sees them unmasked, for what purpose.

The classification is :data:`lendtag.domain.identity.PERSONAL_FIELDS` (JR/T 0171 class and
JR/T 0197 level per field, DOMAIN.md §6); this module applies it. A field is shown in
clear only when the reader's role has clearance for its class **and** the request states
one of the declared purposes; every such read is written to the audit log (the caller
does it in the read's transaction). Otherwise it is masked (``3301**********1234``,
``138****5678``, ``张*``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from lendtag.access.errors import AuthorizationError
from lendtag.access.roles import may_unmask
from lendtag.domain.identity import PERSONAL_FIELDS, mask_id_number, mask_phone
from lendtag.tags.definitions import Purpose

PURPOSES: tuple[str, ...] = get_args(Purpose)


def mask_name(name: str) -> str:
    """A person's name masked for display: the family name kept (``张三丰`` → ``张**``)."""
    text = name.strip()
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*"


MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "name": mask_name,
}


@dataclass(frozen=True)
class Disclosure:
    """What a reader may see in clear: decided once per request."""

    unmasked: bool
    purpose: str | None

    @classmethod
    def decide(cls, role: str | None, purpose: str | None, unmask: bool) -> Disclosure:
        """``unmask`` asked with a ``purpose`` by a role with clearance; else masked.

        Asking to unmask without clearance or without a valid purpose is refused (an error,
        not a silent mask), so the person knows why they did not get the data.
        """
        if not unmask:
            return cls(False, None)
        if purpose is None or purpose not in PURPOSES:
            raise AuthorizationError(
                "reading personal data unmasked needs a declared purpose, one of "
                + ", ".join(PURPOSES),
                details={"purpose": purpose},
            )
        needed = max(c.jrt0171_class for c in PERSONAL_FIELDS.values())
        if not may_unmask(role, needed):
            raise AuthorizationError(
                f"the role {role} has no clearance for {needed} personal data",
                details={"role": role, "needs": needed},
            )
        return cls(True, purpose)


MASKED = Disclosure(False, None)


def apply(party: dict[str, Any], disclosure: Disclosure) -> dict[str, Any]:
    """A related party's record with its personal fields masked unless disclosed.

    Only natural persons' fields are personal: an enterprise party's name stays readable.
    """
    if disclosure.unmasked:
        return party
    out = dict(party)
    for name, mask in MASKS.items():
        value = out.get(name)
        if value is None or (name == "name" and out.get("party_type") != "person"):
            continue
        out[name] = mask(str(value))
    return out


def mask_quarantine_row(row: dict[str, Any]) -> dict[str, Any]:
    """A quarantined row with the personal values it quotes masked (value, errors, reason).

    Only rows of person files carry personal data; a bad identity number is still
    personal data, so it is masked too (its first and last four characters remain to help
    the clerk find it in the source file).
    """
    if row.get("kind") != "persons":
        return row
    out = dict(row)
    replacements: dict[str, str] = {}

    def masked(column: Any, value: Any) -> Any:
        if column in MASKS and isinstance(value, str) and value:
            replacements[value] = MASKS[column](value)
            return replacements[value]
        return value

    out["value"] = masked(out.get("column"), out.get("value"))
    out["errors"] = [
        {**e, "value": masked(e.get("column"), e.get("value"))} for e in out.get("errors") or []
    ]

    def scrub(text: Any) -> Any:
        if not isinstance(text, str):
            return text
        for plain, hidden in replacements.items():
            text = text.replace(plain, hidden)
        return text

    out["reason"] = scrub(out.get("reason"))
    out["errors"] = [{**e, "reason": scrub(e.get("reason"))} for e in out["errors"]]
    return out
