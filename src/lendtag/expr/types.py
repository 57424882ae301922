"""The five value types of the language, the schema, and the rules that combine types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from lendtag.expr.errors import SchemaError


class Type(StrEnum):
    """A value type. ``NULL`` is the type of a bare ``NULL`` before its context settles it."""

    NUMBER = "number"
    INTEGER = "integer"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    NULL = "null"


SCHEMA_TYPES: tuple[Type, ...] = (Type.NUMBER, Type.INTEGER, Type.TEXT, Type.BOOLEAN, Type.DATE)
NUMERIC = frozenset({Type.NUMBER, Type.INTEGER})
ORDERED = frozenset({Type.NUMBER, Type.INTEGER, Type.TEXT, Type.DATE, Type.NULL})

Schema = Mapping[str, "str | Type"]

_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def parse_type(value: str | Type, *, name: str = "") -> Type:
    """The schema type named by ``value`` ("number", "integer", "text", "boolean", "date")."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        for candidate in SCHEMA_TYPES:
            if candidate.value == lowered:
                return candidate
    where = f" for {name!r}" if name else ""
    expected = ", ".join(t.value for t in SCHEMA_TYPES)
    raise SchemaError(f"unknown type {value!r}{where}; expected one of: {expected}")


def normalize_schema(schema: Mapping[str, str | Type]) -> dict[str, Type]:
    """Validate a schema mapping names to type names; returns names mapped to ``Type``."""
    if not isinstance(schema, Mapping):
        raise SchemaError(f"the schema must be a mapping of name to type, not {type(schema)!r}")
    result: dict[str, Type] = {}
    for name, type_name in schema.items():
        if not isinstance(name, str) or not name or "\x00" in name:
            raise SchemaError(f"schema names must be non-empty strings, got {name!r}")
        result[name] = parse_type(type_name, name=name)
    return result


def is_simple_name(name: str) -> bool:
    """True for names that can be written without double quotes (``debt_ratio``)."""
    return _SIMPLE_NAME.match(name) is not None


def unify(left: Type, right: Type) -> Type | None:
    """The common type of two values that may stand in the same place, or None.

    ``NULL`` joins anything; ``integer`` and ``number`` join as ``number``.
    """
    if left == right:
        return left
    if left == Type.NULL:
        return right
    if right == Type.NULL:
        return left
    if left in NUMERIC and right in NUMERIC:
        return Type.NUMBER
    return None


def describe(type_: Type) -> str:
    """A type as it reads in a message: 'a number', 'text', 'NULL'."""
    return {
        Type.NUMBER: "a number",
        Type.INTEGER: "an integer",
        Type.TEXT: "text",
        Type.BOOLEAN: "a boolean",
        Type.DATE: "a date",
        Type.NULL: "NULL",
    }[type_]
