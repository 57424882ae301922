"""Importing customers: validation, quarantine, upsert, re-import, encodings, formats, history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lendtag.core import Lendtag
from lendtag.ingest.errors import FileFormatError, HeaderError
from lendtag.store.models import Enterprise, EnterpriseVersion, QuarantineRow
from tests.factories import CUSTOMER_HEADER, customer, write_csv, write_jsonl, write_xlsx

TODAY = dt.date(2026, 6, 30)


def count(lt: Lendtag, model: type) -> int:
    with lt.store.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def test_good_and_bad_rows(lt: Lendtag, tmp_path: Path) -> None:
    rows = [
        customer(1),
        customer(2, credit_code="91330100000000020X"),  # wrong check character
        customer(3, industry_code="F30"),  # division 30 is manufacturing
        customer(4, employees="-5"),
        customer(5, established_on="2023-02-30"),
        customer(6, name=""),
        customer(7, revenue="abc"),
        customer(8),
    ]
    path = write_csv(tmp_path / "c.csv", rows)
    result = lt.import_file("customers", path, today=TODAY)
    assert (result.accepted, result.quarantined, result.inserted) == (2, 6, 2)
    bad = {q["row"]: q for q in lt.quarantine_list()}
    assert sorted(bad) == [3, 4, 5, 6, 7, 8]  # spreadsheet rows: header is row 1
    assert bad[3]["column"] == "credit_code" and bad[3]["value"] == "91330100000000020X"
    assert "check character" in bad[3]["reason"]
    assert bad[4]["column"] == "industry_code" and bad[4]["value"] == "F30"
    assert bad[5]["column"] == "employees" and "≥ 0" in bad[5]["reason"]
    assert bad[6]["column"] == "established_on" and "calendar date" in bad[6]["reason"]
    assert bad[7]["column"] == "name" and bad[7]["reason"] == "name is required"
    assert bad[8]["column"] == "revenue" and bad[8]["value"] == "abc"
    assert all(q["file"] == str(path) for q in bad.values())
    assert count(lt, Enterprise) == 2


def test_every_problem_of_a_row_is_kept(lt: Lendtag, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [customer(1, employees="x", revenue="-1")])
    lt.import_file("customers", path, today=TODAY)
    [q] = lt.quarantine_list()
    assert [e["column"] for e in q["errors"]] == ["employees", "revenue"]


def test_amounts_beyond_what_the_store_holds_are_quarantined(lt: Lendtag, tmp_path: Path) -> None:
    rows = [
        customer(1, revenue="9999999999999999999"),  # NUMERIC(20, 4) holds less than 10^16
        customer(2, total_assets="-1e17", revenue="1e15"),
        customer(3, revenue="999999999999999.5"),
    ]
    result = lt.import_file("customers", write_csv(tmp_path / "c.csv", rows), today=TODAY)
    assert (result.accepted, result.quarantined) == (1, 2)
    reasons = {
        (q["row"], e["column"]): e["reason"] for q in lt.quarantine_list() for e in q["errors"]
    }
    too_large = "revenue must be a number below 10,000,000,000,000,000 in size"
    assert reasons[(2, "revenue")] == too_large
    assert "≥ 0" in reasons[(3, "total_assets")]
    [kept] = lt.customers_list()
    assert kept["credit_code"] == customer(3)["credit_code"]


def test_size_class_and_section_are_derived(lt: Lendtag, tmp_path: Path) -> None:
    rows = [
        customer(1, industry_code="I6513", employees="103", revenue="15735.28", total_assets="100"),
        customer(2, industry_code="C3411", employees="1000", revenue="40000"),
        customer(3, industry_code="J6621", employees="1000", revenue="40000"),
        customer(4, industry_code="C3411", employees=""),
    ]
    lt.import_file("customers", write_csv(tmp_path / "c.csv", rows), today=TODAY)
    shown = {c["credit_code"]: c for c in lt.customers_list()}
    sizes = [shown[customer(n)["credit_code"]]["size_class"] for n in (1, 2, 3, 4)]
    assert sizes == ["medium", "large", "unclassified", "unclassified"]
    one = shown[customer(1)["credit_code"]]
    assert one["industry_section"] == "I"
    assert one["size_indicators"] == {"employees": 103, "revenue": 15735.28}


def test_reimport_changes_nothing(lt: Lendtag, tmp_path: Path) -> None:
    rows = [customer(n) for n in range(1, 30)] + [customer(99, industry_code="X12")]
    path = write_csv(tmp_path / "c.csv", rows)
    first = lt.import_file("customers", path, today=TODAY)
    with lt.store.read() as conn:
        before = conn.execute(select(Enterprise.__table__).order_by("credit_code")).all()
    second = lt.import_file("customers", path, today=TODAY + dt.timedelta(days=3))
    assert (first.inserted, first.quarantined) == (29, 1)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 29)
    with lt.store.read() as conn:
        after = conn.execute(select(Enterprise.__table__).order_by("credit_code")).all()
    assert before == after
    assert count(lt, QuarantineRow) == 1
    assert count(lt, EnterpriseVersion) == 0  # no past versions: nothing changed


def test_later_row_wins_within_a_file_across_chunks(lt: Lendtag, tmp_path: Path) -> None:
    # the fixture's chunk size is 100 rows: the duplicate sits in another chunk
    rows = [customer(n) for n in range(1, 251)]
    rows.insert(5, customer(1, name="第一版"))
    rows.append(customer(1, name="最终版"))
    rows.append(customer(2, name="同块内后者"))
    rows.append(customer(2, name="同块内最后"))
    result = lt.import_file("customers", write_csv(tmp_path / "c.csv", rows), today=TODAY)
    # within a chunk the earlier duplicate is superseded; across chunks the later row updates
    assert (result.accepted, result.superseded, result.updated) == (254, 2, 2)
    assert lt.customer_show(customer(1)["credit_code"])["name"] == "最终版"
    assert lt.customer_show(customer(2)["credit_code"])["name"] == "同块内最后"
    assert count(lt, Enterprise) == 250


def test_attribute_history_answers_any_past_date(lt: Lendtag, tmp_path: Path) -> None:
    code = customer(1)["credit_code"]
    lt.import_file(
        "customers",
        write_csv(tmp_path / "v1.csv", [customer(1)]),
        effective_date=dt.date(2024, 1, 1),
        today=TODAY,
    )
    changed = customer(1, employees="10", revenue="200", name="改名后公司")
    r = lt.import_file(
        "customers",
        write_csv(tmp_path / "v2.csv", [changed]),
        effective_date=dt.date(2025, 7, 1),
        today=TODAY,
    )
    assert r.updated == 1
    old = lt.customer_show(code, as_of=dt.date(2025, 6, 30))
    new = lt.customer_show(code, as_of=dt.date(2025, 7, 1))
    assert (old["name"], old["size_class"], old["employees"]) == (
        "杭州测试1号机械有限公司",
        "small",
        120,
    )
    assert (new["name"], new["size_class"], new["employees"]) == ("改名后公司", "micro", 10)
    assert [v["valid_from"] for v in new["versions"]] == ["2024-01-01", "2025-07-01"]
    assert new["versions"][0]["valid_to"] == "2025-07-01"
    # a back-dated change is not applied silently: it goes to the quarantine
    late = customer(1, revenue="999")
    r = lt.import_file(
        "customers",
        write_csv(tmp_path / "v3.csv", [late]),
        effective_date=dt.date(2024, 6, 1),
        today=TODAY,
    )
    assert (r.accepted, r.quarantined) == (0, 1)
    [q] = lt.quarantine_list()
    assert q["column"] == "effective_date" and "before the latest recorded change" in q["reason"]
    # a same-day correction rewrites that day's version instead of adding one
    fix = customer(1, employees="11", revenue="200", name="改名后公司")
    lt.import_file(
        "customers",
        write_csv(tmp_path / "v4.csv", [fix]),
        effective_date=dt.date(2025, 7, 1),
        today=TODAY,
    )
    shown = lt.customer_show(code, as_of=dt.date(2025, 8, 1))
    assert shown["employees"] == 11 and len(shown["versions"]) == 2


def test_effective_date_column(lt: Lendtag, tmp_path: Path) -> None:
    header = [*CUSTOMER_HEADER, "effective_date"]
    rows = [customer(1, effective_date="2023-05-01"), customer(2, effective_date="2030-01-01")]
    r = lt.import_file("customers", write_csv(tmp_path / "c.csv", rows, header), today=TODAY)
    assert (r.accepted, r.quarantined) == (1, 1)
    assert lt.customer_show(customer(1)["credit_code"])["effective_from"] == "2023-05-01"
    [q] = lt.quarantine_list()
    assert q["column"] == "effective_date" and "after the import date" in q["reason"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(sqlite_lt: Lendtag, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "c.csv", [customer(1), customer(2)], encoding=encoding)
    result = sqlite_lt.import_file("customers", path, today=TODAY)
    assert result.accepted == 2
    assert sqlite_lt.customer_show(customer(1)["credit_code"])["name"] == "杭州测试1号机械有限公司"


def test_xlsx_and_jsonl_give_the_same_state(tmp_path: Path) -> None:
    from lendtag.settings import Settings

    rows = [customer(n, employees=str(10 * n)) for n in range(1, 6)]
    rows[2]["industry_code"] = "Q8888"
    states = []
    for fmt, writer in (("csv", write_csv), ("xlsx", write_xlsx), ("jsonl", write_jsonl)):
        with Lendtag(Settings(database_url=f"sqlite:///{tmp_path / fmt}.db")) as lt:
            lt.init()
            result = lt.import_file("customers", writer(tmp_path / f"c.{fmt}", rows), today=TODAY)
            assert (result.accepted, result.quarantined) == (4, 1)
            [q] = lt.quarantine_list()
            states.append(
                (lt.customers_list(), q["row"] if fmt != "jsonl" else q["row"] + 1, q["column"])
            )
    assert states[0] == states[1] == states[2]


def test_xlsx_typed_cells(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    row = customer(1, employees=120, revenue=5000.5, established_on=dt.datetime(2015, 3, 1))
    result = sqlite_lt.import_file("customers", write_xlsx(tmp_path / "c.xlsx", [row]), today=TODAY)
    assert result.accepted == 1
    shown = sqlite_lt.customer_show(row["credit_code"])
    assert (shown["employees"], shown["revenue"], shown["established_on"]) == (
        120,
        5000.5,
        "2015-03-01",
    )


def test_jsonl_bad_lines_are_quarantined(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write_jsonl(path, [customer(1)])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write('["a list"]\n')
        fh.write('{"credit_code": "x", "colour": "red"}\n')
    result = sqlite_lt.import_file("customers", path, today=TODAY)
    assert (result.accepted, result.quarantined) == (1, 3)
    reasons = [q["reason"] for q in sqlite_lt.quarantine_list()]
    assert reasons[0].startswith("not valid JSON")
    assert reasons[1] == "each line must be one JSON object"
    assert reasons[2].startswith("unknown field(s) colour")


def test_header_mismatch_names_the_columns(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    header = [h for h in CUSTOMER_HEADER if h not in ("revenue", "employees")] + ["turnover"]
    path = write_csv(tmp_path / "c.csv", [customer(1)], header)
    with pytest.raises(HeaderError) as info:
        sqlite_lt.import_file("customers", path, today=TODAY)
    assert info.value.details["missing"] == ["employees", "revenue"]
    assert info.value.details["unknown"] == ["turnover"]
    assert "missing column(s): employees, revenue" in info.value.message
    assert count(sqlite_lt, Enterprise) == 0


def test_header_is_case_and_space_insensitive(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    header = [f" {h.upper()} " for h in CUSTOMER_HEADER]
    path = tmp_path / "c.csv"
    path.write_text(
        ",".join(header) + "\n" + ",".join(customer(1).values()) + "\n", encoding="utf-8"
    )
    assert sqlite_lt.import_file("customers", path, today=TODAY).accepted == 1


def test_ragged_rows_and_blank_lines(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    good = ",".join(customer(1).values())
    path.write_text(",".join(CUSTOMER_HEADER) + "\n" + good + "\n\n" + "a,b,c\n", encoding="utf-8")
    result = sqlite_lt.import_file("customers", path, today=TODAY)
    assert (result.accepted, result.quarantined) == (1, 1)
    [q] = sqlite_lt.quarantine_list()
    assert q["row"] == 4 and "3 cells" in q["reason"]


def test_unknown_format_and_missing_file(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    (tmp_path / "c.parquet").write_bytes(b"PAR1")
    with pytest.raises(FileFormatError, match="cannot tell the format"):
        sqlite_lt.import_file("customers", tmp_path / "c.parquet")
    with pytest.raises(FileFormatError, match="no such file"):
        sqlite_lt.import_file("customers", tmp_path / "nope.csv")


def test_default_channel_fills_empty_cells(lt: Lendtag, tmp_path: Path) -> None:
    rows = [customer(1, channel=""), customer(2, channel="web")]
    lt.import_file("customers", write_csv(tmp_path / "c.csv", rows), channel="app", today=TODAY)
    channels = {c["credit_code"]: c["channel"] for c in lt.customers_list()}
    assert channels == {customer(1)["credit_code"]: "app", customer(2)["credit_code"]: "web"}


def test_a_file_without_an_optional_column_keeps_what_is_stored(
    lt: Lendtag, tmp_path: Path
) -> None:
    """A column the file does not have says nothing about it; an empty cell clears."""
    full = [*CUSTOMER_HEADER, "branch", "listed", "external_rating"]
    first = [customer(1, branch="HZ01", listed="true", external_rating="AA")]
    lt.import_file(
        "customers",
        write_csv(tmp_path / "a.csv", first, full),
        effective_date=dt.date(2024, 1, 1),
        today=TODAY,
    )
    plain = lt.import_file("customers", write_csv(tmp_path / "b.csv", [customer(1)]), today=TODAY)
    assert (plain.updated, plain.unchanged) == (0, 1)
    changed = lt.import_file(
        "customers",
        write_csv(tmp_path / "c.csv", [customer(1, employees="300")]),
        effective_date=dt.date(2025, 1, 1),
        today=TODAY,
    )
    assert changed.updated == 1
    code = customer(1)["credit_code"]
    shown = lt.customer_show(code)
    assert (shown["branch"], shown["listed"], shown["external_rating"]) == ("HZ01", True, "AA")
    assert shown["employees"] == 300
    before = lt.customer_show(code, dt.date(2024, 6, 30))
    assert (before["branch"], before["employees"]) == ("HZ01", 120)
    cleared = lt.import_file(
        "customers",
        write_csv(tmp_path / "d.csv", [customer(1, employees="300", external_rating="")], full),
        effective_date=dt.date(2025, 1, 1),
        today=TODAY,
    )
    assert cleared.updated == 1
    shown = lt.customer_show(code)
    assert shown["external_rating"] is None and shown["branch"] is None
