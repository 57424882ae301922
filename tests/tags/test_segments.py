"""Segments: membership computed by runs, history, outbox events, live counts and exports."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from lendtag.cli.main import app
from lendtag.core import Lendtag
from lendtag.errors import InputError, NotFoundError
from lendtag.store.models import Outbox
from lendtag.tags.definitions import Catalog
from lendtag.tags.errors import CatalogError
from tests.factories import credit_code
from tests.tags.engine_fixtures import load_catalog, small_book

D1, D2, D3 = dt.date(2026, 3, 1), dt.date(2026, 6, 30), dt.date(2026, 9, 30)
C1, C2, C3 = credit_code(1), credit_code(2), credit_code(3)


def segment(code: str, expression: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": {"zh": f"{code}客群", "en": code.replace("_", " ")},
        "expression": expression,
        "owner": "risk-team",
        "purpose": ["post_loan_monitoring"],
    }


SEGMENTS = Catalog.model_validate(
    {
        "segments": [
            segment("high_leverage", "leverage_band = 'high'"),
            segment("overdue_and_leveraged", "overdue_30 AND debt_ratio > 0.85"),
            segment("few_inquiries", "inquiry_count BETWEEN 1 AND 4"),
        ]
    }
)


@pytest.fixture
def book(lt: Lendtag, tmp_path: Path) -> Lendtag:
    load_catalog(lt)
    load_catalog(lt, SEGMENTS)
    small_book(lt, tmp_path)
    return lt


def codes(lt: Lendtag, segment_code: str, as_of: dt.date | None = None) -> list[str]:
    return [m["credit_code"] for m in lt.segments_members(segment_code, as_of)]


def segment_events(lt: Lendtag) -> list[tuple[str, str, str]]:
    with lt.store.read() as conn:
        rows = conn.execute(
            select(Outbox.topic, Outbox.key, Outbox.payload)
            .where(Outbox.topic.like("segment.%"))
            .order_by(Outbox.id)
        ).all()
    out = []
    for topic, key, payload in rows:
        body = payload if isinstance(payload, dict) else json.loads(payload)
        out.append((topic, key, body["segment"]))
    return sorted(out)


def test_runs_compute_membership_and_record_moves(book: Lendtag) -> None:
    book.tags_run(D1)
    assert codes(book, "high_leverage") == []
    assert codes(book, "few_inquiries") == [C2]  # 3 inquiries in the report of 2026-01-10
    book.tags_run(D2)
    assert codes(book, "high_leverage") == sorted([C1, C2])
    assert codes(book, "overdue_and_leveraged") == [C2]
    book.tags_run(D3)  # the report of 2026-09-01 has 9 inquiries: customer 2 leaves
    assert codes(book, "few_inquiries") == []
    assert codes(book, "few_inquiries", D2) == [C2]
    assert codes(book, "few_inquiries", dt.date(2026, 2, 1)) == []
    [period] = book.segments_history("few_inquiries")
    assert period == {
        "credit_code": C2,
        "entered": "2026-03-01",
        "left": "2026-09-30",
        "run_id": 1,
    }
    assert segment_events(book) == sorted(
        [
            ("segment.entered", C2, "few_inquiries"),
            ("segment.entered", C1, "high_leverage"),
            ("segment.entered", C2, "high_leverage"),
            ("segment.entered", C2, "overdue_and_leveraged"),
            ("segment.left", C2, "few_inquiries"),
        ]
    )
    listed = {s["code"]: s["members"] for s in book.segments_list()}
    assert listed == {"few_inquiries": 0, "high_leverage": 2, "overdue_and_leveraged": 1}


def test_a_rerun_moves_nobody_and_partial_runs_leave_segments_alone(book: Lendtag) -> None:
    book.tags_run(D2)
    before = (book.segments_history("few_inquiries"), segment_events(book))
    book.tags_run(D2)
    assert (book.segments_history("few_inquiries"), segment_events(book)) == before
    # a run of some tags only does not recompute membership (the inquiries moved on D3)
    book.tags_run(D3, only=["overdue_30"])
    assert codes(book, "few_inquiries") == [C2]
    assert (book.segments_history("few_inquiries"), segment_events(book)) == before


def test_live_count_agrees_with_the_run(book: Lendtag) -> None:
    book.tags_run(D2)
    live = book.segments_count("high_leverage", D2)
    assert (live["customers"], live["members"]) == (3, 2)
    ad_hoc = book.segments_count("debt_ratio > 0.5 AND NOT overdue_30", D2)
    assert ad_hoc["members"] == 1 and ad_hoc["expression"] == "debt_ratio > 0.5 AND NOT overdue_30"
    with pytest.raises(CatalogError, match="did you mean"):
        book.segments_count("leverage_bnd = 'high'", D2)
    with pytest.raises(CatalogError, match="boolean"):
        book.segments_count("debt_ratio", D2)


def test_segments_over_manual_tags_are_refused(lt: Lendtag) -> None:
    load_catalog(lt)
    bad = Catalog.model_validate({"segments": [segment("watched", "watch_list")]})
    with pytest.raises(CatalogError, match="manual tag"):
        load_catalog(lt, bad)


def test_export_in_every_format(book: Lendtag, tmp_path: Path) -> None:
    book.tags_run(D2)
    doc = book.segments_export("high_leverage", tmp_path / "m.csv")
    assert (doc["format"], doc["members"]) == ("csv", 2)
    with (tmp_path / "m.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["credit_code"] for r in rows] == sorted([C1, C2])
    assert rows[0]["member_since"] == "2026-06-30" and "id_number" not in rows[0]

    book.segments_export("high_leverage", tmp_path / "m.xlsx")
    sheet = load_workbook(tmp_path / "m.xlsx", read_only=True)["members"]
    xlsx = list(sheet.iter_rows(values_only=True))
    assert xlsx[0][0] == "credit_code" and {r[0] for r in xlsx[1:]} == {C1, C2}

    import pyarrow.parquet as pq

    book.segments_export("high_leverage", tmp_path / "m.data", fmt="parquet")
    table = pq.read_table(tmp_path / "m.data")
    assert sorted(table.column("credit_code").to_pylist()) == sorted([C1, C2])

    with pytest.raises(InputError, match="cannot export to 'txt'"):
        book.segments_export("high_leverage", tmp_path / "m.txt")
    with pytest.raises(NotFoundError, match="no published segment"):
        book.segments_members("nope")


def test_segments_cli(book: Lendtag, tmp_path: Path) -> None:
    book.tags_run(D2)
    url = book.settings.database_url
    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(app, [*args, "--database-url", url, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert {s["code"] for s in run("segments", "list")} == {
        "few_inquiries",
        "high_leverage",
        "overdue_and_leveraged",
    }
    counted = run("segments", "count", "leverage_band = 'high'", "--as-of", "2026-06-30")
    assert counted["members"] == 2
    members = run("segments", "members", "high_leverage", "--limit", "1")
    assert members["members"] == 2 and len(members["rows"]) == 1
    assert run("segments", "history", "overdue_and_leveraged", C2)[0]["entered"] == "2026-06-30"
    exported = run("segments", "export", "high_leverage", str(tmp_path / "out.parquet"))
    assert exported["format"] == "parquet" and exported["members"] == 2
    bad = runner.invoke(app, ["segments", "members", "nope", "--database-url", url, "--json"])
    assert bad.exit_code == 3 and json.loads(bad.stdout)["error"]["code"] == "not_found"
