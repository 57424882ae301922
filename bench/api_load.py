"""Benchmark: `GET customer with tags` against a real `lendtag serve` on the 10,000-customer demo.

1. Prepares a store (SQLite by default, or ``--database-url``): ``lendtag demo-data
   --customers 10000`` into a temporary folder, every file imported through the core, the
   standard catalog published and the tags run; a viewer and an API token for them.
2. Starts ``lendtag serve --port P [--workers W]`` and waits for ``/healthz``.
3. From a separate process on loopback, a load generator (asyncio, raw HTTP/1.1 keep-alive
   connections, no client library in the way) keeps ``--connections`` requests in flight
   for ``--seconds``, after a warm-up: half ``GET /api/v1/customers/{code}`` (the customer
   with its current tags, the customer 360 call) and half
   ``GET /api/v1/customers/{code}/tags``, over random customers.

Prints requests/s, p50 and p99 (overall and per endpoint), then one JSON line
``{"bench", "figures", "targets", "target_met"}``.
Target on a 2-core machine: ≥ 1,000 requests/s with p99 ≤ 50 ms, every answer a 200.

Usage: python bench/api_load.py [--customers 10000] [--workers 2] [--connections 32]
       [--seconds 15] [--store DIR] [--database-url URL]
``--store DIR`` keeps the prepared SQLite store and the demo files in DIR and reuses them
on the next run (preparing 10,000 customers takes a minute or two).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

LOAD_ORDER = ("customers", "persons", "statements", "bureau", "loans", "schedules", "repayments")
TARGETS = {"requests_per_s_min": 1000, "p99_ms_max": 50.0, "errors_max": 0}
LENDTAG = Path(sys.executable).with_name("lendtag")


# -- preparing the store --------------------------------------------------------------------
def prepare(url: str, folder: Path, customers: int) -> tuple[str, list[str]]:
    """Load, catalog and tag the demo book at ``url``; an API token and the credit codes."""
    from lendtag.core import Lendtag
    from lendtag.settings import Settings

    marker = folder / "prepared.json"
    if marker.exists():
        doc = json.loads(marker.read_text())
        if doc["url"] == url and doc["customers"] == customers:
            print(f"reusing the store prepared in {folder}", file=sys.stderr)
            with Lendtag(Settings(database_url=url)) as lt:
                lt.init()  # a newer lendtag may have migrations to apply
            return str(doc["token"]), list(doc["codes"])
    files_dir = folder / "demo-data"
    started = time.perf_counter()
    out = subprocess.run(
        [
            str(LENDTAG),
            "demo-data",
            "--customers",
            str(customers),
            "--out",
            str(files_dir),
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    files = json.loads(out.strip().splitlines()[-1])["files"]
    with Lendtag(Settings(database_url=url)) as lt:
        lt.init()
        for kind in LOAD_ORDER:
            lt.import_file(kind, Path(files[kind]), effective_date=dt.date(2023, 1, 1))
        lt.catalog_load_standard("bench")
        latest = max(
            (dt.date.fromisoformat(str(r["as_of"])) for r in lt.tags_runs(100)),
            default=None,
        )
        as_of = latest or _demo_as_of()
        result = lt.tags_run(as_of)
        if "bench-viewer" not in {u["username"] for u in lt.users_list()}:
            lt.users_add("bench-viewer", "viewer", password=None)
        token = str(lt.users_token("bench-viewer", days=30, label="bench/api_load.py")["token"])
        codes = [c["credit_code"] for c in lt.customers_list(limit=customers * 2)]
    print(
        f"prepared {len(codes)} customers, run {result.run_id} on {as_of} "
        f"({result.tags} tags) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    marker.write_text(
        json.dumps({"url": url, "customers": customers, "token": token, "codes": codes})
    )
    return token, codes


def _demo_as_of() -> dt.date:
    from lendtag.demo import DEMO_AS_OF

    return DEMO_AS_OF


# -- the server -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LENDTAG_")}
    env["LENDTAG_DATABASE_URL"] = url
    command = [str(LENDTAG), "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as err:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"the server did not answer /healthz:\n{log.read_text()}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the load generator (runs in its own process) -------------------------------------------
PATHS = ("/api/v1/customers/{}", "/api/v1/customers/{}/tags")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]


async def _connection(
    port: int, token: str, codes: list[str], until: float, warm: float, out: dict[str, Any]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    rng = random.Random(id(out) ^ int(time.time() * 1e6))
    loop = asyncio.get_running_loop()
    try:
        while True:
            now = loop.time()
            if now >= until:
                return
            which = rng.randrange(2)
            path = PATHS[which].format(rng.choice(codes))
            request = (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
            ).encode()
            started = time.perf_counter()
            writer.write(request)
            status, body = await _read_response(reader)
            elapsed = time.perf_counter() - started
            if now < warm:
                continue
            out["latency"][which].append(elapsed)
            if status != 200 or (which == 0 and b'"tags"' not in body):
                out["errors"] += 1
                out["statuses"][status] = out["statuses"].get(status, 0) + 1
    finally:
        writer.close()


async def _drive(port: int, token: str, codes: list[str], connections: int, seconds: float) -> Any:
    loop = asyncio.get_running_loop()
    warm = loop.time() + min(3.0, seconds / 4)
    until = warm + seconds
    out: dict[str, Any] = {"latency": ([], []), "errors": 0, "statuses": {}}
    await asyncio.gather(
        *(_connection(port, token, codes, until, warm, out) for _ in range(connections))
    )
    out["seconds"] = seconds
    return out


def drive_main(args: argparse.Namespace) -> None:
    """The load generator's process: prints one JSON document of raw figures."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop is a lendtag dependency off Windows
        pass
    spec = json.loads(sys.stdin.read())
    out = asyncio.run(
        _drive(args.port, spec["token"], spec["codes"], args.connections, args.seconds)
    )
    print(json.dumps(out))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    both = raw["latency"][0] + raw["latency"][1]
    figures: dict[str, Any] = {
        "requests": len(both),
        "requests_per_s": round(len(both) / raw["seconds"], 1),
        "p50_ms": round(percentile(both, 0.50) * 1000, 2),
        "p99_ms": round(percentile(both, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(both) * 1000, 2) if both else None,
        "errors": raw["errors"],
    }
    for name, values in zip(("customer_with_tags", "customer_tags"), raw["latency"], strict=True):
        figures[name] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.50) * 1000, 2),
            "p99_ms": round(percentile(values, 0.99) * 1000, 2),
        }
    if raw["statuses"]:
        figures["statuses"] = raw["statuses"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--store", type=Path, help="Keep and reuse the prepared store here")
    parser.add_argument("--database-url", help="Prepare and serve this store instead")
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive_main(args)
        return

    with tempfile.TemporaryDirectory(prefix="lendtag-api-load-") as scratch:
        folder = args.store or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        token, codes = prepare(url, folder, args.customers)
        port = free_port()
        log = folder / "server-stderr.txt"
        server = start_server(url, port, args.workers, log)
        try:
            load = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--drive",
                    "--port",
                    str(port),
                    "--connections",
                    str(args.connections),
                    "--seconds",
                    str(args.seconds),
                ],
                input=json.dumps({"token": token, "codes": codes}),
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            stop_server(server)
        figures = summarise(json.loads(load.stdout))
    figures |= {
        "customers": len(codes),
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "database": url.split(":", 1)[0],
        "cpus": os.cpu_count(),
    }
    print(
        f"{figures['requests_per_s']:.0f} requests/s, p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms over {figures['requests']} requests "
        f"({args.workers} workers, {args.connections} connections, {figures['errors']} errors)"
    )
    for name in ("customer_with_tags", "customer_tags"):
        f = figures[name]
        print(f"  {name}: p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms")
    met = (
        figures["requests_per_s"] >= TARGETS["requests_per_s_min"]
        and figures["p99_ms"] <= TARGETS["p99_ms_max"]
        and figures["errors"] <= TARGETS["errors_max"]
    )
    print(
        json.dumps({"bench": "api_load", "figures": figures, "targets": TARGETS, "target_met": met})
    )


if __name__ == "__main__":
    main()
