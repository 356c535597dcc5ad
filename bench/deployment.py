"""Two instances on one PostgreSQL database behind nginx, with deploy/nginx.conf as committed (ports rewritten).

Shows the documented deployment working: load through nginx, and a dataset written beside the instances
served by both at once. Skipped, with the reason in results.md, where nginx or PostgreSQL is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pandas as pd

from bench.results import Figure
from bench.served import COUNTY_PAGE, free_port, wrk

ROOT = Path(__file__).resolve().parent.parent
NGINX_MAIN = """worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  include {d}/ipmap.conf;
}}
"""


def pg_dsn() -> str | None:
    """The benchmark database: IPMAP_TEST_PG_DSN, as `make bench` sets it from .ci/postgres."""
    return os.environ.get("IPMAP_TEST_PG_DSN")


@contextmanager
def schema(dsn: str) -> Iterator[str]:
    """A fresh schema for this run, dropped after."""
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{dsn}{'&' if '?' in dsn else '?'}options={quote(f'-csearch_path={name},public')}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {name} CASCADE")


@contextmanager
def process(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, stopped on exit."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def run() -> list[Figure]:
    """wrk through nginx to two single-worker instances; then a write seen through both."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    dsn = pg_dsn() if nginx else None
    if not nginx or not dsn:
        missing = "nginx" if not nginx else "PostgreSQL"
        return [Figure("Deployment", "2 instances on PostgreSQL behind nginx", None, "req/s",
                       note=f"skipped: {missing} not available (`make bench` installs and starts both as root)")]
    with tempfile.TemporaryDirectory() as tmp, schema(dsn) as url, ExitStack() as stack:
        d = Path(tmp)
        ports = [free_port(), free_port()]
        front = free_port()
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        conf = conf.replace("listen 80 default_server;", f"listen 127.0.0.1:{front} default_server;")
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{front};")
        conf = conf.replace("ipmap.example.gov.cn", "127.0.0.1")  # the site's name here: what the bench asks for
        for default, port in zip(("127.0.0.1:8001", "127.0.0.1:8002"), ports, strict=True):
            conf = conf.replace(default, f"127.0.0.1:{port}")
        (d / "ipmap.conf").write_text(conf)
        (d / "nginx.conf").write_text(NGINX_MAIN.format(d=d))
        base_env = os.environ | {"IPMAP_DATABASE_URL": url, "IPMAP_DATABASE": str(d / "unused.sqlite"),
                                 "PYTHONPATH": str(ROOT)}
        for i, port in enumerate(ports):
            stack.enter_context(process([sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
                                        base_env, d / f"app{i}.log"))
        for port in ports:
            wait(f"http://127.0.0.1:{port}/healthz")
        stack.enter_context(process([nginx, "-p", str(d), "-c", str(d / "nginx.conf"), "-g", "daemon off;"],
                                    base_env, d / "nginx.log"))
        front_url = f"http://127.0.0.1:{front}"
        wait(front_url + "/healthz")
        for _ in range(20):
            httpx.get(front_url + COUNTY_PAGE, headers={"Accept-Encoding": "gzip", "Connection": "close"})
        through = wrk(front_url + COUNTY_PAGE)
        seen = _write_and_read(url, ports)
    name = "county map page via nginx, 2 instances x 1 worker, PostgreSQL store"
    return [
        Figure("Deployment", f"{name}: p50 latency", through["p50"], "ms", target="≤ 5 ms", met=through["p50"] <= 5),
        Figure("Deployment", f"{name}: throughput", through["rps"], "req/s", note=f"p99 {through['p99']:.1f} ms"),
        Figure("Deployment", "after a write to the shared database: first /api/values from both instances", seen, "s",
               note="Store.add_dataset beside the instances; each one's next request reads the new version and "
                    "serves the new value (checked), no restart or message"),
    ]


def _write_and_read(url: str, ports: list[int]) -> float:
    """Seconds from a committed dataset to both instances serving it (one request each: no polling needed)."""
    from layers.store.backends import open_store
    from layers.store.sqlite import DatasetMeta

    rows = pd.DataFrame([{"adcode": "620102", "indicator": "population", "year": 2020, "value": 1_234_567.0,
                          "unit": "人", "source": "deployment benchmark"}])
    store = open_store(Path("unused"), url)
    try:
        store.add_dataset(DatasetMeta(name="bench", kind="upload", source="bench"), rows)
        t = time.perf_counter()
        for port in ports:
            body = httpx.get(f"http://127.0.0.1:{port}/api/values?indicator=population&level=county").json()
            value = next(v["value"] for v in body["values"] if v["adcode"] == "620102")
            if value != 1_234_567:
                raise RuntimeError(f"instance on {port} still serves {value}")
        return time.perf_counter() - t
    finally:
        store.close()
