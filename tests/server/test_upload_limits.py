"""A 100 MB upload is refused by the size limit before it is read whole: from its Content-Length when it has one,
by counting the stream when it has not; the server never holds it in memory. Streamed here, never committed."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 100 * 1024 * 1024
CHUNK = 256 * 1024
LIMIT = 5_000_000  # settings.max_upload_bytes by default


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(database=tmp_path_factory.mktemp("limits") / "app.sqlite", token="test-token",
                        _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        yield client


def call(client: TestClient, declared: bool) -> tuple[int, int, bytes]:
    """POST 100 MB to the app as an ASGI server would, pulled chunk by chunk: (status, bytes pulled, body)."""
    pulled, sent = 0, []
    chunk = b"0" * CHUNK

    async def receive() -> dict[str, object]:
        nonlocal pulled
        pulled += CHUNK
        return {"type": "http.request", "body": chunk, "more_body": pulled < TOTAL}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    headers = [(b"host", b"testserver"), (b"authorization", b"Bearer test-token"),
               (b"content-type", b"multipart/form-data; boundary=xyz")]
    if declared:
        headers.append((b"content-length", str(TOTAL).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/datasets", "raw_path": b"/api/datasets", "query_string": b"", "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {}}
    client.portal.call(client.app, scope, receive, send)  # type: ignore[union-attr]  # the started app's loop
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")  # type: ignore[misc]
    return start["status"], pulled, body  # type: ignore[return-value]


def test_declared_100mb_is_refused_unread(app: TestClient) -> None:
    status, pulled, body = call(app, declared=True)
    assert status == 413 and b"5,000,000" in body
    assert pulled == 0  # the Content-Length alone decides


def test_undeclared_100mb_is_refused_after_the_limit(app: TestClient) -> None:
    status, pulled, body = call(app, declared=False)
    assert status == 413 and b"5,000,000" in body
    assert pulled <= LIMIT + 64 * 1024 + CHUNK  # stops counting once past the limit, 95 MB never pulled


def test_what_a_file_declares_does_not_set_the_work(app: TestClient) -> None:
    """Within the byte limit a file may still declare huge work: a 3.6 MB CSV header of 1.2 million columns
    (once 2.8 GB and 19 s) is a 422 naming row 1 before any row is built. The CPU and memory budgets of this and
    the XLSX cases are checked in tests/layers/importing/test_limits.py."""
    wide = ("地区," + ",".join(["ab"] * 1_200_000) + "\n兰州市,1\n").encode()
    start = time.process_time()
    r = app.post("/api/datasets", files={"file": ("wide.csv", wide)}, data={"dry_run": "true"},
                 headers={"Authorization": "Bearer test-token"})
    assert time.process_time() - start < 5
    assert r.status_code == 422, r.text
    (line,) = r.json()["report"]
    assert (line["row"], line["code"]) == (1, "too_many_columns") and "1,200,001" in line["problem"]


# ---- the real server over loopback: bytes that got through, and the server's memory ----

def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """`ipmap serve` in its own process: (port, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"IPMAP_DATABASE": str(tmp_path_factory.mktemp("limits-live") / "live.sqlite"),
                        "IPMAP_TOKEN": "live-token", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def stream_100mb(port: int, chunked: bool) -> tuple[bytes, int]:
    """Send a 100 MB upload over a raw socket until the server answers: (response head, bytes sent)."""
    head = (f"POST /api/datasets HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer live-token\r\n"
            "Content-Type: multipart/form-data; boundary=xyz\r\n"
            + ("Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {TOTAL}\r\n") + "\r\n").encode()
    piece = b"0" * CHUNK
    frame = f"{CHUNK:x}\r\n".encode() + piece + b"\r\n" if chunked else piece
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head)
        deadline = time.monotonic() + 60
        while sent < TOTAL and time.monotonic() < deadline:
            if select.select([s], [], [], 0)[0]:
                break  # the answer is there: stop sending
            try:
                s.sendall(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += CHUNK
        select.select([s], [], [], 10)
        answer = s.recv(65536)
    return answer, sent


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_real_server_refuses_100mb_without_holding_it(server: tuple[int, int], chunked: bool) -> None:
    port, pid = server
    before = rss_kb(pid)
    answer, sent = stream_100mb(port, chunked)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 20 * 1024 * 1024, sent  # refused within the first few MB (socket buffers included)
    assert rss_kb(pid) - before < 30_000  # the server held no more than the 5 MB limit
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
