"""Related parties (persons.csv): the relationship graph around each customer.

Every enterprise has exactly one legal representative; most have an actual controller
(often the same person); 1–4 shareholders whose stakes sum to at most 100%; 0–2
guarantors. Members of a corporate group list each other as ``group_member``, share the
group's actual controller, and subsidiaries name the parent as a shareholder. A guarantee
link appears twice: ``guarantee_provided`` on the guarantor, ``guarantor`` (an enterprise
party) on the borrower.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass

from lendtag.demo.common import stream
from lendtag.demo.enterprises import Enterprise, Person, make_person

__all__ = ["PERSON_HEADER", "Parties", "party_rows"]

PERSON_HEADER = (
    "credit_code", "relation", "party_type", "name", "id_number", "phone", "share_pct",
    "related_credit_code",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Parties:
    """What the loan generator needs to know about a customer's guarantors."""

    person_guarantor: bool
    enterprise_guarantor: bool


def _person(ent: Enterprise, relation: str, who: Person, share: str = "") -> list[str]:
    return [ent.credit_code, relation, "person", who.name, who.id_number, who.phone, share, ""]


def _company(ent: Enterprise, relation: str, other: Enterprise, share: str = "") -> list[str]:
    return [ent.credit_code, relation, "enterprise", other.name, "", "", share, other.credit_code]


def _shares(rng: random.Random, count: int, total_cents: int) -> list[int]:
    """``count`` stakes in hundredths of a percent, largest first, summing to ``total_cents``."""
    weights = sorted((rng.random() ** 2 + 0.05 for _ in range(count)), reverse=True)
    scale = sum(weights)
    stakes = [int(total_cents * w / scale) for w in weights]
    stakes[0] += total_cents - sum(stakes)
    return stakes


def party_rows(
    seed: int, as_of: dt.date, ent: Enterprise, block: Mapping[int, Enterprise]
) -> tuple[list[list[str]], Parties]:
    """The persons.csv rows of one customer (``block`` resolves group and guarantee links)."""
    rng = stream(seed, "parties", ent.index)
    rows: list[list[str]] = []
    controller = ent.controller
    legal = controller if controller and rng.random() < 0.5 else make_person(rng, as_of)
    rows.append(_person(ent, "legal_representative", legal))
    if controller is None and rng.random() < 0.7:
        controller = legal if rng.random() < 0.6 else make_person(rng, as_of, min_age=35)
    if controller is not None:
        rows.append(_person(ent, "actual_controller", controller))

    holders: list[Person | Enterprise] = []
    parent = block[ent.group[0]] if ent.group and ent.group[0] != ent.index else None
    if ent.category == "2":
        holders = [legal]
    else:
        if parent is not None:
            holders.append(parent)
        if controller is not None and controller not in holders:
            holders.append(controller)
        if legal not in holders and rng.random() < 0.5:
            holders.append(legal)
        wanted = rng.randint(max(1, len(holders)), 4)
        while len(holders) < wanted:
            holders.append(make_person(rng, as_of))
    total = 10000 if len(holders) == 1 or rng.random() < 0.7 else rng.randint(6000, 9999)
    for holder, stake in zip(holders, _shares(rng, len(holders), total), strict=True):
        share = f"{stake // 100}.{stake % 100:02d}"
        if isinstance(holder, Enterprise):
            rows.append(_company(ent, "shareholder", holder, share))
        else:
            rows.append(_person(ent, "shareholder", holder, share))

    guarantors = [block[g] for g in ent.guaranteed_by]
    for g in guarantors:
        rows.append(_company(ent, "guarantor", g))
    person_guarantor = len(guarantors) < 2 and ent.category != "3" and rng.random() < 0.55
    if person_guarantor:  # the boss signs a joint-liability guarantee (连带责任保证)
        rows.append(_person(ent, "guarantor", controller or legal))
        if len(guarantors) == 0 and rng.random() < 0.2:
            rows.append(_person(ent, "guarantor", make_person(rng, as_of)))

    for member in ent.group:
        if member != ent.index:
            rows.append(_company(ent, "group_member", block[member]))
    for borrower in ent.guarantees_for:
        rows.append(_company(ent, "guarantee_provided", block[borrower]))
    return rows, Parties(person_guarantor, bool(guarantors))
