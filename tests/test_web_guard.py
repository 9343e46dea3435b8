"""What every dashboard request passes first: the Host header (against DNS rebinding), the token
compared as bytes, bodies capped while they are received (also chunked ones, on a real server
over a loopback socket), JSON too deep or with NaN refused, and scenario YAML that may extend
shipped scenarios only."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from tests.serving import served

from reesim.web.api import create_app
from reesim.web.guard import MAX_JSON_DEPTH, allowed_hosts, host_name, json_depth


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("guard")


@pytest.fixture(scope="module")
def local(app_dir: Path) -> TestClient:
    """The app as `reesim serve` starts it by default (bound to 127.0.0.1)."""
    return TestClient(create_app(app_dir / "runs.duckdb", app_dir / "out"), base_url="http://localhost")


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_names_are_answered(local: TestClient, host: str) -> None:
    assert local.get("/api/tables", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.1.nip.io", "localhost:x", ""],
)
def test_other_hosts_are_refused(local: TestClient, host: str) -> None:
    response = local.get("/api/scenarios", headers={"Host": host})
    assert response.status_code == 400 and "Host" in response.json()["detail"]


def test_hosts_follow_the_bound_address() -> None:
    assert allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "[::1]"}
    assert allowed_hosts("::1") == {"localhost", "127.0.0.1", "[::1]"}
    assert allowed_hosts("analysis.example.org") == {"analysis.example.org"}
    assert allowed_hosts("192.168.1.5") == {"192.168.1.5"}
    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("::") is None  # the token protects
    assert (host_name("[::1]:8000"), host_name("LocalHost"), host_name("a:1:2")) == (
        "[::1]",
        "localhost",
        None,
    )


def test_named_address_answers_only_its_name(app_dir: Path) -> None:
    app = create_app(
        app_dir / "runs.duckdb", app_dir / "out", token="s3cret-token", host="analysis.example.org"
    )
    client = TestClient(app, base_url="http://analysis.example.org")
    ok = {"X-Reesim-Token": "s3cret-token"}
    assert client.get("/api/tables", headers=ok).status_code == 200
    assert client.get("/api/tables", headers={**ok, "Host": "localhost"}).status_code == 400


def test_tokens_are_compared_as_bytes(app_dir: Path) -> None:
    ascii_token = TestClient(
        create_app(app_dir / "runs.duckdb", app_dir / "out", token="s3cret-token"),
        base_url="http://localhost",
    )
    assert ascii_token.get("/api/tables", headers={"X-Reesim-Token": "é".encode()}).status_code == 401
    assert ascii_token.get("/api/tables", params={"token": "é"}).status_code == 401
    accented = TestClient(
        create_app(app_dir / "runs.duckdb", app_dir / "out", token="ééé-jeton"), base_url="http://localhost"
    )
    assert accented.get("/api/tables").status_code == 401
    assert accented.get("/api/tables", headers={"X-Reesim-Token": "ééé-jeton".encode()}).status_code == 200
    assert accented.get("/api/tables", params={"token": "ééé-jeton"}).status_code == 200
    assert accented.get("/api/tables", params={"token": "ééé-jetoN"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"yaml": NaN}', "NaN is not a JSON value"),
        (b'{"yaml": -Infinity}', "-Infinity is not a JSON value"),
        (b'{"yaml": ' + b"[" * 900 + b"]" * 900 + b"}", f"nested deeper than {MAX_JSON_DEPTH} levels"),
        (b'{"a": ' + b"{" * 40, f"nested deeper than {MAX_JSON_DEPTH} levels"),
    ],
)
@pytest.mark.parametrize("path", ["/api/validate", "/api/yaml", "/api/runs", "/api/scenarios"])
def test_bad_json_is_a_400(local: TestClient, path: str, body: bytes, message: str) -> None:
    response = local.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and message in response.json()["detail"]


@pytest.mark.parametrize(
    "kind", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_bodies_that_are_not_json_are_a_415(local: TestClient, kind: str | None) -> None:
    headers = {"Content-Type": kind} if kind else {}
    response = local.post("/api/yaml", content=b'{"name": "x"}', headers=headers)
    assert response.status_code == 415 and "JSON" in response.json()["detail"]
    typed = local.post(
        "/api/yaml", content=b'{"name": "x"}', headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert typed.status_code == 200 and typed.json() == {"yaml": "name: x\n"}


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth(b'{"a": "[[[{{{", "b": [1, {"c": "\\"]]]"}]}') == 3
    assert json_depth(b'"unterminated [[[') == 0
    assert json_depth(b"[" * 100_000) == 100_000


def test_nan_echoed_by_validation_errors_is_json(local: TestClient) -> None:
    body = b'{"scenario": "baseline", "runs": 1e400}'  # a number JSON allows, infinite once read
    response = local.post("/api/runs", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["input"] is None


def test_editor_yaml_may_extend_shipped_scenarios_only(local: TestClient) -> None:
    for parent in ("/etc/passwd", "../../../../etc/hostname", "base.yaml", "/dev/zero"):
        result = local.post("/api/validate", json={"yaml": f"name: t\nextends: {parent}\n"}).json()
        problem = result["problems"][0]
        assert (problem["line"], problem["field"]) == (2, "extends"), problem
        assert "shipped scenario only" in problem["message"] and "april-2025" in problem["hint"]
        assert "passwd" not in problem["file"] and "root:" not in str(result)
    ok = local.post("/api/validate", json={"yaml": "name: t\nextends: april-2025\n"}).json()
    assert ok["ok"] is True


@pytest.fixture(scope="module")
def server(app_dir: Path) -> Iterator[int]:
    """The app under uvicorn on a free loopback port."""
    with served(app_dir) as port:
        yield port


def _exchange(port: int, head: bytes, chunks: Iterator[bytes]) -> tuple[bytes, int]:
    """Send ``head`` and then ``chunks`` until the server answers; the answer and the bytes sent."""
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        try:
            while b"\r\n\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except ConnectionResetError:
            pass
    return answer, sent


def test_real_server_answers_rebinding_with_400(server: int) -> None:
    request = b"GET /api/scenarios HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    answer, _ = _exchange(server, request, iter(()))
    assert answer.startswith(b"HTTP/1.1 400")


def test_chunked_body_of_100_mb_is_refused_while_read(server: int) -> None:
    head = (
        b"POST /api/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    hundred_mb = (chunk for _ in range(100 * 2**20 // len(piece)))
    tracemalloc.start()
    try:
        answer, sent = _exchange(server, head, hundred_mb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 20 * 2**20  # the server answered long before the end of the body
    assert peak < 10 * 2**20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, target: str, headers: bytes = b"") -> bytes:
    """The status line of a GET of ``target`` with raw ``headers`` (bytes, UTF-8 or not)."""
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n".encode()
    answer, _ = _exchange(port, request + headers + b"\r\n", iter(()))
    return answer.split(b"\r\n", 1)[0]


def _serve(command: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    """``command --port PORT`` started on a free port, once it accepts connections: the process
    and its port. The port is free when chosen but not held; if another process (a parallel test
    worker's server) binds it first, the server exits saying so and a new port is tried."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
    for _ in range(5):
        port = _free_port()
        server = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 120
        while server.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return server, port
            except OSError as refused:
                if time.monotonic() > deadline:
                    server.kill()
                    said = server.communicate()
                    raise AssertionError(f"reesim serve did not start within 2 minutes: {said}") from refused
                time.sleep(0.2)
        printed, errors = server.communicate()
        assert b"address already in use" in errors.lower(), (printed, errors)
    raise AssertionError("five free ports were each taken before reesim serve bound them")


@pytest.mark.slow
def test_serve_with_a_token_that_is_not_ascii(tmp_path: Path) -> None:
    """`reesim serve --token ééééééééé`, started as a user starts it: the right token (header or
    query) is answered 200, a wrong or missing one 401, never 500."""
    token = "ééééééééé"
    command = [sys.executable, "-m", "reesim.cli", "serve", "--token", token,
               "--store", str(tmp_path / "runs.duckdb"), "--out", str(tmp_path / "out")]  # fmt: skip
    server, port = _serve(command)
    try:
        right = token.encode()
        assert _get(port, "/api/tables", b"X-Reesim-Token: " + right + b"\r\n") == b"HTTP/1.1 200 OK"
        assert _get(port, f"/api/tables?token={quote(token)}") == b"HTTP/1.1 200 OK"
        assert (
            _get(port, "/api/tables", b"X-Reesim-Token: " + right[:-2] + b"\r\n")
            == b"HTTP/1.1 401 Unauthorized"
        )
        assert _get(port, "/api/tables", b"X-Reesim-Token: \xe9\xe9\xe9\r\n") == b"HTTP/1.1 401 Unauthorized"
        assert _get(port, f"/api/tables?token={quote('eeeeeeeee')}") == b"HTTP/1.1 401 Unauthorized"
        assert _get(port, "/api/tables") == b"HTTP/1.1 401 Unauthorized"
    finally:
        server.terminate()
        printed, errors = server.communicate(timeout=30)
    assert f"?token={quote(token, safe='')}" in printed.decode("utf-8"), printed
    assert b"Traceback" not in errors, errors.decode("utf-8", "replace")
