"""Malformed input over real HTTP to gunicorn: raw bytes on the wire answer 4xx, never 5xx.

Header bytes that are not UTF-8 reach Django (gunicorn passes them as Latin-1) and answer 400
problem details; NUL in the path or the query string answers 400 problem details; a JSON body
nested past the decoder's recursion answers 400. Every operation of the schema gets each one.
"""

from __future__ import annotations

import json
import re
import socket

from knox.models import AuthToken

from tests.security.routes import schema_operations
from tests.security.world import build_world


def _raw(server, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are; answer (status, headers, body) of gunicorn's response."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _request(method: str, target: str, headers: dict[str, bytes], body: bytes = b"") -> bytes:
    lines = [f"{method.upper()} {target} HTTP/1.0".encode(), b"Host: 127.0.0.1"]
    lines += [name.encode() + b": " + value for name, value in headers.items()]
    lines += [b"Connection: close", f"Content-Length: {len(body)}".encode()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _concrete(path: str, value: str = "1") -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def _is_problem(status: int, headers: dict[str, str], body: bytes, expected: int = 400) -> bool:
    return (
        status == expected
        and headers.get("content-type", "").startswith("application/problem+json")
        and json.loads(body)["status"] == expected
    )


def test_every_operation_refuses_malformed_bytes_with_problem_details(api_server):
    world = build_world()
    token = AuthToken.objects.create(world.user("coordinator"))[1].encode()
    deep = b"[" * 100_000 + b"]" * 100_000
    sent, answers = 0, []
    for path, method in sorted(schema_operations()):
        cases = {
            "authorization": _request(
                method, _concrete(path), {"Authorization": b"Token \xff\xfe"}
            ),
            "token": _request(
                method, _concrete(path), {"Authorization": b"Token " + token + b"\xe9"}
            ),
            "language": _request(method, _concrete(path), {"Accept-Language": b"\xc3\x28"}),
            "if-match": _request(method, _concrete(path), {"If-Match": b'W/"\xff"'}),
        }
        if "{" in path:
            cases["path"] = _request(method, _concrete(path, "1%00"), {})
        if method == "get":
            cases["query"] = _request(method, _concrete(path) + "?q=%00", {})
        for case, raw in cases.items():
            status, headers, body = _raw(api_server, raw)
            sent += 1
            answers.append((path, method, case, status))
            assert _is_problem(status, headers, body), (path, method, case, status, body[:200])
        if method in ("post", "patch"):
            headers = {"Authorization": b"Token " + token, "Content-Type": b"application/json"}
            status, _headers, body = _raw(
                api_server, _request(method, _concrete(path), headers, deep)
            )
            sent += 1
            assert 200 <= status < 500, (path, method, status, body[:200])
    assert "Traceback" not in api_server.output()
    print(f"malformed requests over HTTP: {sent} sent, no 5xx")


def test_what_gunicorn_refuses_itself_is_a_4xx_never_a_5xx(api_server):
    """Documented in the README: these never reach the application."""
    refused_by_the_server = {
        "long request line": b"GET /api/v1/offers/?q=" + b"a" * 5000 + b" HTTP/1.0\r\n\r\n",
        "NUL in a header": _request("get", "/api/v1/offers/", {"Accept-Language": b"en\x00"}),
        "control byte in a header": _request("get", "/api/v1/offers/", {"X-Note": b"a\x01b"}),
        "long header": _request("get", "/api/v1/offers/", {"X-Note": b"a" * 9000}),
        "bad Content-Length": b"POST /api/v1/offers/ HTTP/1.0\r\nContent-Length: 1x\r\n\r\n",
    }
    answers = {case: _raw(api_server, raw)[0] for case, raw in refused_by_the_server.items()}
    assert answers == {
        "long request line": 414,
        "NUL in a header": 400,
        "control byte in a header": 400,
        "long header": 431,
        "bad Content-Length": 400,
    }
    assert "Traceback" not in api_server.output()
