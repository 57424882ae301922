"""Files: encodings decided from the whole file, decoding errors naming the row, headers,
XLSX and JSON Lines for every kind, progress, and memory that does not grow with the file."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lendtag.core import Lendtag
from lendtag.ingest.errors import FileFormatError, HeaderError
from lendtag.ingest.readers import fingerprint
from lendtag.settings import Settings
from lendtag.store.models import (
    BureauReport,
    Enterprise,
    FinancialStatement,
    ImportBatch,
    Loan,
)
from tests.factories import (
    CUSTOMER_HEADER,
    credit_code,
    customer,
    write_csv,
    write_jsonl,
    write_xlsx,
)

TODAY = dt.date(2026, 6, 30)
HINT = (
    "files saved by Excel or exported by Chinese systems are often GB18030: "
    "import it again with `--encoding gb18030`"
)


def count(lt: Lendtag, model: type) -> int:
    with lt.store.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def late_chinese_rows(ascii_rows: int = 2000) -> list[dict[str, Any]]:
    """Plain ASCII for far more than any sample (2000 rows ≈ 200 KB), then Chinese names."""
    rows = [customer(n, name=f"Test Machinery Co {n}") for n in range(1, ascii_rows + 1)]
    return rows + [customer(n) for n in range(ascii_rows + 1, ascii_rows + 6)]


# -- encodings ----------------------------------------------------------------------------


def test_gb18030_with_chinese_only_late_in_the_file_is_detected(
    sqlite_lt: Lendtag, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", late_chinese_rows(), encoding="gb18030")
    assert path.read_bytes()[:100_000].isascii()
    assert fingerprint(path, detect=True)[1] == "gb18030"
    result = sqlite_lt.import_file("customers", path, today=TODAY)
    assert (result.accepted, result.quarantined) == (2005, 0)
    assert sqlite_lt.customer_show(credit_code(2003))["name"] == "杭州测试2003号机械有限公司"


def test_a_gb18030_file_forced_as_utf8_fails_whole_naming_the_row(
    sqlite_lt: Lendtag, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "c.csv", late_chinese_rows(), encoding="gb18030")
    data = path.read_bytes()
    first_bad = next(i for i, b in enumerate(data) if b >= 0x80)
    with pytest.raises(FileFormatError) as info:
        sqlite_lt.import_file("customers", path, today=TODAY, encoding="utf-8")
    # header = row 1, 2000 ASCII rows, so the first Chinese name is in row 2002
    assert info.value.message == (
        f"{path}: row 2002 is not valid UTF-8 text (byte {first_bad + 1:,} of the file); {HINT}"
    )
    assert info.value.details["row"] == 2002
    assert count(sqlite_lt, Enterprise) == 0  # nothing of the file was applied
    with sqlite_lt.store.read() as conn:
        [(status, error)] = conn.execute(select(ImportBatch.status, ImportBatch.error)).all()
    assert status == "failed" and "row 2002" in error


def test_a_damaged_utf8_file_names_the_record_not_the_line(
    sqlite_lt: Lendtag, tmp_path: Path
) -> None:
    rows = [customer(1), customer(2, name="多行\n名称"), customer(3), customer(4, name="坏XX")]
    path = write_csv(tmp_path / "c.csv", rows)
    data = path.read_bytes().replace("坏XX".encode(), "坏".encode() + b"\xff\xfe")
    path.write_bytes(data)
    assert fingerprint(path, detect=True)[1] == "utf-8"  # UTF-8 text came first: damaged UTF-8
    with pytest.raises(FileFormatError) as info:
        sqlite_lt.import_file("customers", path, today=TODAY)
    # row 3 spans two lines, so the damaged name is on line 6 but in row 5
    assert info.value.details["row"] == 5
    assert info.value.message.startswith(f"{path}: row 5 is not valid UTF-8 text (byte ")
    assert count(sqlite_lt, Enterprise) == 0


def test_gb18030_json_lines_late_and_forced(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    with path.open("w", encoding="gb18030") as fh:
        for row in late_chinese_rows(1500):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with pytest.raises(FileFormatError) as info:
        sqlite_lt.import_file("customers", path, today=TODAY, encoding="utf-8")
    assert info.value.details["row"] == 1501 and HINT in info.value.message
    result = sqlite_lt.import_file("customers", path, today=TODAY)
    assert (result.accepted, result.quarantined) == (1505, 0)


def test_detection(tmp_path: Path) -> None:
    plain = tmp_path / "a.csv"
    plain.write_bytes(b"a,b\n1,2\n")
    bom = tmp_path / "b.csv"
    bom.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    cut = tmp_path / "c.csv"
    cut.write_bytes(b"a,b\n1,2\n" + "中".encode("gb18030")[:1])  # ends inside a character
    assert fingerprint(plain, detect=True)[1] == "utf-8"
    assert fingerprint(bom, detect=True)[1] == "utf-8-sig"
    assert fingerprint(cut, detect=True)[1] == "gb18030"
    assert fingerprint(plain, detect=False)[1] is None


def test_an_unknown_encoding_is_refused(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [customer(1)])
    with pytest.raises(FileFormatError, match="unknown text encoding 'klingon'"):
        sqlite_lt.import_file("customers", path, today=TODAY, encoding="klingon")


# -- headers --------------------------------------------------------------------------------

OPTIONAL = "ownership_type,listed,branch,external_rating,effective_date"


def test_header_mismatch_lists_required_and_optional_columns(
    sqlite_lt: Lendtag, tmp_path: Path
) -> None:
    header = [h for h in CUSTOMER_HEADER if h != "employees"] + ["turnover"]
    path = write_csv(tmp_path / "c.csv", [customer(1)], header)
    with pytest.raises(HeaderError) as info:
        sqlite_lt.import_file("customers", path, today=TODAY)
    assert info.value.message == (
        f"{path}: the header does not match a customers file; missing column(s): employees; "
        "unknown column(s): turnover. Expected columns: " + ",".join(CUSTOMER_HEADER) + "; "
        f"optional columns: {OPTIONAL}"
    )
    assert info.value.details["optional"] == OPTIONAL.split(",")


def test_xlsx_header_mismatch(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    header = [h for h in CUSTOMER_HEADER if h not in ("revenue", "channel")] + ["colour"]
    path = write_xlsx(tmp_path / "c.xlsx", [customer(1)], header)
    with pytest.raises(HeaderError) as info:
        sqlite_lt.import_file("customers", path, today=TODAY)
    assert info.value.details["missing"] == ["revenue", "channel"]
    assert info.value.details["unknown"] == ["colour"]
    assert f"; optional columns: {OPTIONAL}" in info.value.message
    assert count(sqlite_lt, Enterprise) == 0


# -- XLSX and JSON Lines for statements, bureau reports and loans --------------------------

STATEMENTS = [
    {
        "credit_code": credit_code(1),
        "period_end": "2024-12-31",
        "period_type": "annual",
        "reported_on": "2025-04-20",
        "total_assets": "8000",
        "equity": "3000",
        "net_profit": "-120.5",
    },
    {  # reported before the period ended
        "credit_code": credit_code(1),
        "period_end": "2025-12-31",
        "period_type": "annual",
        "reported_on": "2025-11-30",
    },
    {
        "credit_code": credit_code(2),
        "period_end": "2025-06-30",
        "period_type": "interim",
        "reported_on": "2025-08-01",
        "revenue": "2,500.75",
    },
]
BUREAU = [
    {
        "credit_code": credit_code(1),
        "report_date": "2026-03-01",
        "overdue_count": "2",
        "overdue_amount": "12.5",
        "executed_person": "否",
        "tax_arrears": "yes",
    },
    {"credit_code": credit_code(2), "report_date": "2026-07-01"},  # after the import date
    {"credit_code": credit_code(77), "report_date": "2026-04-01"},  # unknown customer
]
LOANS = [
    {
        "contract_no": "LN2025HZ0001",
        "credit_code": credit_code(1),
        "product": "working_capital",
        "amount": "1000000",
        "currency": "cny",
        "start_date": "2025-01-15",
        "maturity_date": "2026-01-15",
        "annual_rate": "4.35",
        "branch": "BR-HZ01",
    },
    {
        "contract_no": "LN2025HZ0002",
        "credit_code": credit_code(2),
        "product": "leasing",
        "amount": "5000",
        "currency": "CNY",
        "start_date": "2025-01-15",
        "maturity_date": "2025-01-15",  # matures the day it starts
    },
]
FILES = {"statements": (STATEMENTS, (2, 1)), "bureau": (BUREAU, (1, 2)), "loans": (LOANS, (1, 1))}
MODELS = {"statements": FinancialStatement, "bureau": BureauReport, "loans": Loan}


def _state(lt: Lendtag, model: type) -> list[dict[str, Any]]:
    with lt.store.read() as conn:
        rows = conn.execute(select(model.__table__)).all()  # type: ignore[attr-defined]
    skip = {"id", "batch_id", "updated_at", "known_from"}
    return sorted(({k: v for k, v in r._mapping.items() if k not in skip} for r in rows), key=repr)


@pytest.mark.parametrize("kind", list(FILES))
def test_xlsx_and_json_lines_load_like_csv(tmp_path: Path, kind: str) -> None:
    rows, (accepted, quarantined) = FILES[kind]
    header = _columns(kind)
    states = []
    for fmt in ("csv", "xlsx", "jsonl"):
        with Lendtag(Settings(database_url=f"sqlite:///{tmp_path / fmt}.db")) as lt:
            lt.init()
            lt.import_file(
                "customers",
                write_csv(tmp_path / f"c-{fmt}.csv", [customer(1), customer(2)]),
                effective_date=dt.date(2020, 1, 1),
                today=TODAY,
            )
            path = tmp_path / f"{kind}.{fmt}"
            if fmt == "csv":
                write_csv(path, rows, header)
            elif fmt == "xlsx":
                write_xlsx(path, rows, header)
            else:
                write_jsonl(path, rows)
            result = lt.import_file(kind, path, today=TODAY)
            assert (result.accepted, result.quarantined) == (accepted, quarantined), fmt
            quarantine = [(q["row"], q["column"], q["reason"]) for q in lt.quarantine_list()]
            states.append((_state(lt, MODELS[kind]), [q[1:] for q in quarantine]))
    assert states[0] == states[1] == states[2]
    assert len(states[0][0]) == accepted


def _columns(kind: str) -> list[str]:
    from lendtag.ingest.specs import KINDS

    return KINDS[kind].header


# -- progress and memory ----------------------------------------------------------------------


class RecordingReporter:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def start(self, task: str, total: int | None) -> None:
        self.events.append(("start", (task, total)))

    def update(self, completed: int) -> None:
        self.events.append(("update", completed))

    def finish(self) -> None:
        self.events.append(("finish", None))

    def note(self, message: str) -> None:
        self.events.append(("note", message))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_progress_is_reported(tmp_path: Path, fmt: str) -> None:
    rows = [customer(n) for n in range(1, 351)]
    path = tmp_path / f"c.{fmt}"
    {"csv": write_csv, "xlsx": write_xlsx, "jsonl": write_jsonl}[fmt](path, rows)
    reporter = RecordingReporter()
    with Lendtag(Settings(database_url=f"sqlite:///{tmp_path}/p.db", import_chunk_rows=100)) as lt:
        lt.init()
        lt.import_file("customers", path, today=TODAY, reporter=reporter)
    kinds = [e for e, _ in reporter.events]
    assert kinds[0] == "start" and kinds[-1] == "finish" and kinds.count("finish") == 1
    task, total = reporter.events[0][1]
    updates = [v for e, v in reporter.events if e == "update"]
    assert task == "import customers"
    assert len(updates) >= 3 and updates == sorted(updates)
    assert updates[-1] == total  # bytes for text files, rows for XLSX: all of them
    assert total == (path.stat().st_size if fmt != "xlsx" else 351)


def _peak_import_memory(tmp_path: Path, rows: int) -> int:
    path = tmp_path / f"c{rows}.csv"
    write_csv(
        path,
        (
            customer(n, established_on=f"2015-03-{n % 28 + 1:02d}", revenue=f"{n % 997}.5")
            for n in range(1, rows + 1)
        ),
        CUSTOMER_HEADER,
    )
    settings = Settings(database_url=f"sqlite:///{tmp_path}/m{rows}.db", import_chunk_rows=100)
    with Lendtag(settings) as lt:
        lt.init()
        lt.import_file("customers", write_csv(tmp_path / "warm.csv", [customer(0)]), today=TODAY)
        tracemalloc.start()
        try:
            result = lt.import_file("customers", path, today=TODAY)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.inserted == rows
    return peak


def test_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    small = _peak_import_memory(tmp_path, 3_000)  # 30 chunks of 100 rows, about 300 KB
    large = _peak_import_memory(tmp_path, 15_000)  # five times the rows
    assert large < small * 1.5, (small, large)
