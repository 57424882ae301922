"""Against a real `lendtag serve` process over loopback, on SQLite and on PostgreSQL.

The store is prepared through the core (the small book of ``conftest.py`` and one user of
every role); the server is the `lendtag` command itself, with uvicorn, uvloop and httptools,
talking HTTP. What it writes to stderr is checked too: no traceback, no personal data.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from lendtag.access.roles import Role
from lendtag.api.policy import POLICY
from tests.api.conftest import (
    ID_NUMBER,
    PASSWORD,
    PHONE,
    ROLE_USER,
    USERS,
    module_database,
    prepare_book,
)
from tests.api.planted_app import PLANTED
from tests.api.test_errors import assert_error_shape
from tests.factories import credit_code

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LENDTAG = Path(sys.executable).with_name("lendtag")
MINE, THEIRS = credit_code(1), credit_code(3)  # rm_hz's branch HZ01; SH02
BAD_ID = "110105194912310021"  # a guarantor's identity number with a wrong check digit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running server: its address, its process and the file its stderr goes to."""

    base: str
    proc: subprocess.Popen[bytes]
    stderr: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self) -> httpx2.Client:
        return httpx2.Client(base_url=self.base, timeout=30)

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def log(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")


def start(command: list[str], env: dict[str, str], stderr: Path, port: int) -> Server:
    """Start a server and wait until /healthz answers (or fail with what it printed)."""
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", proc, stderr)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{server.log()}")
        try:
            if httpx2.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                return server
        except httpx2.TransportError:
            time.sleep(0.1)
    stop(server)
    pytest.fail(f"the server did not answer /healthz within 60 s:\n{server.log()}")


def stop(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        try:
            server.proc.wait(15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(5)


def server_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LENDTAG_")}
    return env | {
        "LENDTAG_DATABASE_URL": url,
        "LENDTAG_ARGON2_TIME_COST": "1",
        "LENDTAG_ARGON2_MEMORY_KIB": "1024",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve")
    with module_database(request.param, tmp, "serve") as url:
        prepare_book(url, tmp).close()
        port = free_port()
        running = start(
            [str(LENDTAG), "serve", "--port", str(port)], server_env(url), tmp / "stderr.txt", port
        )
        try:
            with running.client() as client:
                for name in USERS:
                    r = client.post(
                        "/api/v1/auth/token", data={"username": name, "password": PASSWORD}
                    )
                    assert r.status_code == 200, r.text
                    running.tokens[name] = r.json()["access_token"]
            yield running
        finally:
            stop(running)


def test_login_me_and_a_wrong_password(server: Server) -> None:
    with server.client() as client:
        r = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "analyst", "password": PASSWORD},
        )
        assert r.status_code == 200 and r.json()["token_type"] == "bearer"
        me = client.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
        )
        assert me.json()["role"] == "risk_analyst"
        wrong = client.post("/api/v1/auth/token", data={"username": "analyst", "password": "no"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        assert_error_shape(wrong.json(), "unauthenticated")


SAMPLE = [
    ("GET", "/api/v1/customers", "customers.list"),
    ("GET", f"/api/v1/customers/{MINE}", "customers.get"),
    ("GET", f"/api/v1/customers/{MINE}/tags", "customers.tags"),
    ("GET", "/api/v1/imports", "imports.list"),
    ("GET", "/api/v1/tags", "tags.list"),
    ("GET", "/api/v1/tags/overdue_30/migration?from=2026-01-01&to=2026-06-30", "tags.migration"),
    ("GET", "/api/v1/tag-runs", "runs.list"),
    ("GET", "/api/v1/segments", "segments.list"),
    ("GET", "/api/v1/outbox", "outbox.list"),
    ("GET", "/api/v1/audit", "audit.list"),
    ("GET", "/api/v1/audit/verify", "audit.verify"),
]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_a_sample_of_the_role_route_table(server: Server, role: str) -> None:
    user = ROLE_USER[role]
    with server.client() as client:
        for method, path, name in SAMPLE:
            r = client.request(method, path, headers=server.auth(user))
            if Role(role) in POLICY[name]:
                assert r.status_code == 200, (role, name, r.text)
            else:
                assert r.status_code == 403, (role, name, r.text)
                assert r.json()["error"]["details"] == {"route": name, "role": role}


def test_another_branch_is_not_found_and_absent_from_lists(server: Server) -> None:
    with server.client() as client:
        for path in (f"/api/v1/customers/{THEIRS}", f"/api/v1/customers/{THEIRS}/tags"):
            r = client.get(path, headers=server.auth("rm_hz"))
            assert r.status_code == 404 and THEIRS in r.json()["error"]["message"]
            assert_error_shape(r.json(), "not_found")
        listed = client.get("/api/v1/customers", headers=server.auth("rm_hz")).json()
        assert [c["credit_code"] for c in listed["items"]] == [credit_code(1), credit_code(2)]
        assert THEIRS not in str(listed)
        denied = client.patch(
            f"/api/v1/customers/{THEIRS}", json={"employees": 1}, headers=server.auth("rm_hz")
        )
        assert denied.status_code == 404
        theirs = client.get(f"/api/v1/customers/{THEIRS}", headers=server.auth("rm_sh"))
        assert theirs.status_code == 200 and theirs.json()["employees"] == 120
        forbidden = client.get("/api/v1/customers", headers=server.auth("auditor1"))
        assert forbidden.status_code == 403
        assert_error_shape(forbidden.json(), "forbidden")


def test_concurrent_identical_idempotent_posts_have_one_effect(server: Server) -> None:
    key = {"Idempotency-Key": f"serve-{os.getpid()}"} | server.auth("analyst")
    body = {"as_of": "2026-09-30"}
    with server.client() as client:
        before = client.get("/api/v1/tag-runs", headers=server.auth("admin1")).json()

    def send(_: int) -> tuple[int, Any]:
        with server.client() as client:
            r = client.post("/api/v1/tag-runs", json=body, headers=key)
            return r.status_code, r.json().get("run_id")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(8)))
    assert {status for status, _ in results} == {201}, results
    assert len({run for _, run in results}) == 1
    with server.client() as client:
        after = client.get("/api/v1/tag-runs", headers=server.auth("admin1")).json()
        assert len(after) == len(before) + 1
        other = client.post("/api/v1/tag-runs", json={"as_of": "2026-10-31"}, headers=key)
        assert other.status_code == 422
        assert_error_shape(other.json(), "idempotency_key_reused")


def test_errors_have_the_one_shape_and_the_request_id(server: Server) -> None:
    with server.client() as client:
        cases = [
            (client.get("/api/v1/nowhere"), 404, "not_found"),
            (
                client.get(f"/api/v1/customers/{'9' * 18}", headers=server.auth("admin1")),
                404,
                "not_found",
            ),
            (
                client.get("/api/v1/customers?limit=0", headers=server.auth("admin1")),
                422,
                "invalid_input",
            ),
            (client.get("/api/v1/customers"), 401, "unauthenticated"),
            (
                client.get("/api/v1/customers", headers={"Authorization": "Bearer lt_forged"}),
                401,
                "unauthenticated",
            ),
        ]
        for r, status, code in cases:
            assert r.status_code == status, r.text
            assert_error_shape(r.json(), code)
            assert r.headers["x-request-id"] == r.json()["error"]["request_id"]
        given = client.get("/api/v1/customers", headers={"X-Request-ID": "trace-42"})
        assert given.json()["error"]["request_id"] == "trace-42"


def test_personal_data_and_tracebacks_stay_out_of_the_server_log(server: Server) -> None:
    with server.client() as client:
        unmasked = client.get(
            f"/api/v1/customers/{MINE}",
            params={"unmask": "true"},
            headers=server.auth("rm_hz") | {"X-Purpose": "credit_approval"},
        )
        assert unmasked.status_code == 200 and ID_NUMBER in unmasked.text
        guarantor = (
            "credit_code,relation,party_type,name,id_number,phone,share_pct,related_credit_code\n"
            f"{credit_code(2)},guarantor,person,李四,{BAD_ID},1380013800,,\n"
        )
        r = client.post(
            "/api/v1/imports",
            data={"kind": "persons"},
            files={"file": ("guarantors.csv", guarantor.encode(), "text/csv")},
            headers=server.auth("rm_hz"),
        )
        assert r.status_code == 201 and r.json()["quarantined"] == 1
        bad = client.patch(
            f"/api/v1/customers/{MINE}", json={"name": ID_NUMBER * 20}, headers=server.auth("rm_hz")
        )
        assert bad.status_code == 422
        client.post("/api/v1/auth/token", data={"username": ID_NUMBER, "password": PHONE})
    log = server.log()
    assert "Traceback" not in log and "Exception in ASGI" not in log, log
    for secret in (ID_NUMBER, PHONE, BAD_ID, "1380013800"):
        assert secret not in log


@pytest.fixture
def planted(tmp_path: Path) -> Iterator[Server]:
    """`lendtag serve`'s uvicorn settings around an app whose customer list always fails."""
    with module_database("sqlite", tmp_path, "planted") as url:
        prepare_book(url, tmp_path).close()
        port = free_port()
        code = (
            "from lendtag.cli.serve import run_server; "
            f"run_server(None, '127.0.0.1', {port}, 1, app='tests.api.planted_app:create_app')"
        )
        running = start([sys.executable, "-c", code], server_env(url), tmp_path / "err.txt", port)
        try:
            with running.client() as client:
                r = client.post(
                    "/api/v1/auth/token", data={"username": "admin1", "password": PASSWORD}
                )
                running.tokens["admin1"] = r.json()["access_token"]
            yield running
        finally:
            stop(running)


def test_an_unexpected_failure_on_a_real_server(planted: Server) -> None:
    with planted.client() as client:
        r = client.get(
            "/api/v1/customers", headers=planted.auth("admin1") | {"X-Request-ID": "planted-1"}
        )
        assert r.status_code == 500
        assert_error_shape(r.json(), "internal_error")
        assert r.headers["x-request-id"] == r.json()["error"]["request_id"] == "planted-1"
        assert ID_NUMBER not in r.text
        # the server keeps serving
        assert client.get("/api/v1/auth/me", headers=planted.auth("admin1")).status_code == 200
    stop(planted)
    log = planted.log()
    assert "RuntimeError" in log and "customers.list" in log and "planted-1" in log, log
    assert "Traceback" not in log and PLANTED not in log and ID_NUMBER not in log, log
