"""The definitions of the tag system, as they are written in YAML and stored per version.

A catalog holds dimensions (a tree), features (named derived values), tags (rule, score or
manual) and segments (boolean expressions over tags and features). Every label is bilingual.
These models are the exchange format: ``docs/catalog.schema.json`` is generated from them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Code = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]{1,62}$", description="lower-case code: letters, digits, _"),
]
ValueType = Literal["flag", "category", "number"]
TagKind = Literal["rule", "score", "manual"]
ExprType = Literal["number", "integer", "text", "boolean", "date"]
Refresh = Literal["daily", "weekly", "monthly", "quarterly", "on_demand"]
Purpose = Literal[
    "credit_risk_assessment",
    "credit_approval",
    "post_loan_monitoring",
    "customer_service",
    "marketing",
    "regulatory_reporting",
]
"""Declared purposes (PIPL Art. 6 purpose limitation): a tag may only be used for these."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    """A text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Dimension(_Strict):
    """A branch of the tag tree (scale, industry, credit, …)."""

    code: Code
    name: Label
    description: Label | None = None
    parent: Code | None = None


class Feature(_Strict):
    """A named value derived, as of a date, from what was known then."""

    code: Code
    name: Label
    description: Label | None = None
    type: ExprType
    expression: str = Field(min_length=1)
    unit: str | None = None


class Category(_Strict):
    """One value of a category tag; the list order is the order of the values (best first)."""

    value: str = Field(min_length=1, max_length=64)
    name: Label


class Tag(_Strict):
    """A tag on customers: computed by a rule or a score, or set by a person."""

    code: Code
    name: Label
    description: Label
    dimension: Code
    kind: TagKind
    value_type: ValueType
    categories: list[Category] | None = None
    expression: str | None = None
    owner: str = Field(min_length=1)
    purpose: list[Purpose] = Field(min_length=1)
    refresh: Refresh = "monthly"

    @model_validator(mode="after")
    def _consistent(self) -> Tag:
        if self.kind == "manual" and self.expression is not None:
            raise ValueError("a manual tag has no expression: people set its values")
        if self.kind != "manual" and not self.expression:
            raise ValueError(f"a {self.kind} tag needs an expression")
        if self.value_type == "category" and not self.categories:
            raise ValueError("a category tag lists its categories, in order")
        if self.value_type != "category" and self.categories:
            raise ValueError("only category tags list categories")
        if self.categories:
            values = [c.value for c in self.categories]
            if len(set(values)) != len(values):
                raise ValueError("category values must be unique")
        return self

    @property
    def expression_type(self) -> ExprType:
        """The type the expression must have."""
        return {"flag": "boolean", "category": "text", "number": "number"}[self.value_type]  # type: ignore[return-value]

    def fingerprint(self, expression_fingerprint: str | None) -> str:
        """Hash of what decides the values (not of names or descriptions)."""
        meaning = {
            "code": self.code,
            "kind": self.kind,
            "value_type": self.value_type,
            "categories": [c.value for c in self.categories or []],
            "expression": expression_fingerprint,
        }
        return _hash(meaning)


class Segment(_Strict):
    """A named group of customers: a boolean expression over tags and features."""

    code: Code
    name: Label
    description: Label | None = None
    expression: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    purpose: list[Purpose] = Field(min_length=1)


class Catalog(_Strict):
    """A whole exchange document."""

    format: Literal["lendtag-catalog/1"] = "lendtag-catalog/1"
    dimensions: list[Dimension] = Field(default_factory=list)
    features: list[Feature] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
