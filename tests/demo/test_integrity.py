"""Referential integrity, keys, and the shape of the relationship graph."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from lendtag.demo import DemoFiles
from tests.demo.analysis import read_rows


def _codes(files: DemoFiles) -> set[str]:
    return {row["credit_code"] for row in read_rows(files.customers)}


def test_credit_codes_are_unique_across_good_and_bad_files(small_portfolio: DemoFiles) -> None:
    good = [row["credit_code"] for row in read_rows(small_portfolio.customers)]
    bad = [row["credit_code"] for row in read_rows(small_portfolio.bad_customers)]
    assert len(set(good)) == len(good)
    assert not set(good) & set(bad)


def test_every_credit_code_exists_in_customers(small_portfolio: DemoFiles) -> None:
    codes = _codes(small_portfolio)
    for kind in ("persons", "statements", "bureau", "loans"):
        seen = {row["credit_code"] for row in read_rows(small_portfolio.paths()[kind])}
        assert seen <= codes, kind
    related = {
        row["related_credit_code"]
        for row in read_rows(small_portfolio.persons)
        if row["related_credit_code"]
    }
    assert related <= codes


def test_every_contract_exists_in_loans(small_portfolio: DemoFiles) -> None:
    contracts = [row["contract_no"] for row in read_rows(small_portfolio.loans)]
    assert len(set(contracts)) == len(contracts)
    scheduled = {row["contract_no"] for row in read_rows(small_portfolio.schedules)}
    paid = {row["contract_no"] for row in read_rows(small_portfolio.repayments)}
    assert scheduled == set(contracts)  # every loan has a schedule
    assert paid <= set(contracts)


def test_importer_keys_are_unique(small_portfolio: DemoFiles) -> None:
    keys = {
        "statements": ("credit_code", "period_end", "period_type"),
        "bureau": ("credit_code", "report_date"),
        "schedules": ("contract_no", "installment_no"),
        "repayments": ("contract_no", "installment_no", "paid_on"),
    }
    for kind, columns in keys.items():
        seen = Counter(
            tuple(row[c] for c in columns) for row in read_rows(small_portfolio.paths()[kind])
        )
        assert max(seen.values()) == 1, kind
    parties = Counter(
        (r["credit_code"], r["relation"], r["id_number"] or r["related_credit_code"] or r["name"])
        for r in read_rows(small_portfolio.persons)
    )
    assert max(parties.values()) == 1


def test_relationship_graph_shape(small_portfolio: DemoFiles) -> None:
    codes = _codes(small_portfolio)
    names = {row["credit_code"]: row["name"] for row in read_rows(small_portfolio.customers)}
    per: dict[str, Counter[str]] = defaultdict(Counter)
    shares: dict[str, Decimal] = defaultdict(Decimal)
    provided: set[tuple[str, str]] = set()
    guaranteed: set[tuple[str, str]] = set()
    members: dict[str, set[str]] = defaultdict(set)
    for row in read_rows(small_portfolio.persons):
        code, relation = row["credit_code"], row["relation"]
        per[code][relation] += 1
        if row["party_type"] == "enterprise":
            other = row["related_credit_code"]
            assert other in codes and other != code
            assert row["name"] == names[other]
            assert row["id_number"] == row["phone"] == ""
        else:
            assert row["related_credit_code"] == ""
            assert row["id_number"] and row["phone"]
        if relation == "shareholder":
            shares[code] += Decimal(row["share_pct"])
        else:
            assert row["share_pct"] == ""
        if relation == "guarantee_provided":
            provided.add((code, row["related_credit_code"]))
        if relation == "guarantor" and row["party_type"] == "enterprise":
            guaranteed.add((row["related_credit_code"], code))
        if relation == "group_member":
            members[code].add(row["related_credit_code"])
    assert set(per) == codes
    for code, relations in per.items():
        assert relations["legal_representative"] == 1
        assert relations["actual_controller"] <= 1
        assert 1 <= relations["shareholder"] <= 4
        assert relations["guarantor"] <= 2
        assert Decimal(0) < shares[code] <= Decimal(100)
    assert provided == guaranteed  # each guarantee link is recorded from both sides
    for code, others in members.items():  # groups are symmetric cliques
        for other in others:
            assert members[other] == (others | {code}) - {other}
    grouped = len(members) / len(codes)
    assert 0.05 < grouped < 0.16
    assert 0.02 < len({g for g, _ in provided}) / len(codes) < 0.08


def test_group_members_share_the_actual_controller(small_portfolio: DemoFiles) -> None:
    controller: dict[str, str] = {}
    members: dict[str, set[str]] = defaultdict(set)
    for row in read_rows(small_portfolio.persons):
        if row["relation"] == "actual_controller":
            controller[row["credit_code"]] = row["id_number"]
        if row["relation"] == "group_member":
            members[row["credit_code"]].add(row["related_credit_code"])
    assert members
    for code, others in members.items():
        assert all(controller[o] == controller[code] for o in others)
