"""The JSON writer of the large read documents gives what FastAPI's encoder would."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.encoders import jsonable_encoder

from lendtag.api.documents import dumps
from tests.api.conftest import Api
from tests.factories import credit_code


def test_plain_data_dates_and_decimals() -> None:
    doc = {
        "day": dt.date(2026, 6, 30),
        "at": dt.datetime(2026, 6, 30, 8, 0, tzinfo=dt.UTC),
        "amount": Decimal("12.50"),
        "codes": ("A", "B"),
        "time": dt.datetime(2026, 6, 30, 8, 0, 1, 123456),
        "name": "杭州测试",
        "none": None,
    }
    assert json.loads(dumps(doc)) == jsonable_encoder(doc)
    assert json.loads(dumps({"set": {"b", "a"}})) == {"set": ["a", "b"]}  # sets in order
    assert "杭州测试".encode() in dumps(doc)  # UTF-8, not \\u escapes


def test_what_is_not_json_is_refused_and_nan_is_null() -> None:
    with pytest.raises(TypeError):
        dumps({"x": object()})
    assert json.loads(dumps({"x": float("nan"), "y": float("inf")})) == {"x": None, "y": None}


def test_a_customer_with_tags_reads_as_the_core_gives_it(api: Api) -> None:
    code = credit_code(1)
    r = api.get("admin1", f"/api/v1/customers/{code}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    doc = api.core.customer_show(code, with_tags=True)
    assert r.json() == jsonable_encoder(doc)
    tags = api.get("admin1", f"/api/v1/customers/{code}/tags", params={"as_of": "2026-06-30"})
    assert tags.json()["as_of"] == "2026-06-30"
    assert tags.json()["tags"] == jsonable_encoder(api.core.tags_show(code, dt.date(2026, 6, 30)))


def test_route_code_runs_on_as_many_threads_as_the_setting_says(tmp_path: Path) -> None:
    from anyio import to_thread
    from fastapi.testclient import TestClient

    from lendtag.api.app import create_app
    from lendtag.settings import Settings

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", api_threads=3))
    with TestClient(app) as client:
        assert client.portal is not None
        limit = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
    assert limit == 3
