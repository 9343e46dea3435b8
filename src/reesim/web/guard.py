"""What every request to the dashboard passes before it reaches an endpoint.

The dashboard serves one analyst on their own machine, but the browser that shows it also
shows other sites, and those may send requests to it:

- **Host**: a page can rename its own site to point at 127.0.0.1 (DNS rebinding) and then read
  the dashboard's answers as its own. The browser still sends the page's host name, so a
  dashboard bound to loopback answers only requests for ``localhost``, ``127.0.0.1`` or
  ``[::1]`` (with any port), and one bound to a named address only that name. Bound to every
  interface (``0.0.0.0``), it cannot know its names and relies on the token.
- **Token**: when set, compared as UTF-8 bytes in constant time (``hmac.compare_digest``), from
  the header ``X-Reesim-Token`` or the query parameter ``token``.
- **Body**: at most ``max_body`` bytes, counted while it is received, whether it announces its
  length or comes in chunks, so an endless body costs no more memory than the limit (413).
  A body must be JSON: one sent as another type (``Content-Type`` other than ``application/json``
  or ``application/...+json``) is refused (415). JSON nested deeper than :data:`MAX_JSON_DEPTH`
  levels, and the non-JSON constants ``NaN`` and ``Infinity``, are refused (400) before any
  endpoint parses the body.

Refusals are JSON ``{"detail": "..."}`` answers, as FastAPI gives.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Deepest nesting of a JSON body; the dashboard's own requests use three or four levels.
MAX_JSON_DEPTH = 32

#: Host names of this machine's loopback interface, as a browser writes them.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bound: str) -> frozenset[str] | None:
    """The Host header names a server bound to ``bound`` answers; None: any (every interface)."""
    name = bound.strip().lower()
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        return None
    names = {f"[{address}]" if address is not None and address.version == 6 else name}
    if is_loopback(name):
        names |= LOOPBACK_NAMES
    return frozenset(names)


def host_name(header: str) -> str | None:
    """The name part of a Host header (``[::1]:8000`` -> ``[::1]``), or None if it is malformed."""
    text = header.strip().lower()
    if text.startswith("["):
        name, bracket, port = text.partition("]")
        name, rest = name + bracket, port
    else:
        name, colon, port = text.partition(":")
        rest = colon + port
    if rest and not (rest.startswith(":") and rest[1:].isdigit() and rest[1:].isascii()):
        return None
    return name or None


_JSON_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.S)


def json_depth(body: bytes) -> int:
    """Deepest nesting of brackets in ``body`` outside strings (linear in its length)."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(body):
        char = token.group()[:1]
        if char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


class _NotJsonError(ValueError):
    """A constant that JSON does not have (``NaN``, ``Infinity``)."""


def _constant(name: str) -> Any:
    raise _NotJsonError(name)


def body_problem(body: bytes) -> str | None:
    """Why a request body is refused before parsing, or None."""
    if json_depth(body) > MAX_JSON_DEPTH:
        return f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    try:
        json.loads(body, parse_constant=_constant)
    except _NotJsonError as exc:
        return f"{exc} is not a JSON value: send numbers, or null"
    except (ValueError, RecursionError):
        return None  # not JSON: the endpoint answers as it does to any malformed body
    return None


def is_json(content_type: bytes | None) -> bool:
    """Whether a Content-Type header names JSON (``application/json``, ``application/x+json``)."""
    if content_type is None:
        return False
    kind = content_type.split(b";", 1)[0].strip().lower()
    return kind == b"application/json" or (kind.startswith(b"application/") and kind.endswith(b"+json"))


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _GoneError(Exception):
    """The client went away before it sent the whole body: there is no one to answer."""


class Guard:
    """ASGI middleware: the Host, token and body checks described in this module's docstring."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None, token: str | None, max_body: int) -> None:
        self.app = app
        self.hosts = hosts
        self.token = token.encode("utf-8") if token is not None else None
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for key, value in scope["headers"]:
            headers.setdefault(bytes(key).lower(), bytes(value))
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _answer(send, *refusal)
            return
        if scope["method"] in {"GET", "HEAD", "OPTIONS"} and b"content-length" not in headers:
            await self.app(scope, receive, send)
            return
        try:
            body, refusal = await self._body(receive, headers)
        except _GoneError:
            return
        if refusal is not None:
            await _answer(send, *refusal)
            return
        await self.app(scope, _replay(body, receive), send)

    def _refusal(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[int, str] | None:
        if self.hosts is not None:
            name = host_name(headers.get(b"host", b"").decode("latin-1"))
            if name is None or name not in self.hosts:
                return 400, "unexpected Host header: open the dashboard at the address `reesim serve` printed"
        if self.token is not None:
            given = headers.get(b"x-reesim-token")
            if given is None:
                query = parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1"))
                given = next((v for k, v in query if k == "token"), "").encode("utf-8")
            if not hmac.compare_digest(given, self.token):
                return 401, "missing or wrong token: add ?token=... to the address"
        return None

    async def _body(
        self, receive: Receive, headers: dict[bytes, bytes]
    ) -> tuple[bytes, tuple[int, str] | None]:
        too_large = 413, f"request larger than {self.max_body:,} bytes"
        size = headers.get(b"content-length")
        if size is not None and not (size.isdigit() and int(size) <= self.max_body):
            return b"", too_large if size.isdigit() else (400, "malformed Content-Length")
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _GoneError
            chunk = bytes(message.get("body", b""))
            received += len(chunk)
            if received > self.max_body:
                return b"", too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and not is_json(headers.get(b"content-type")):
            return b"", (415, "the body must be JSON, sent with Content-Type: application/json")
        problem = body_problem(body) if body else None
        return body, (400, problem) if problem else None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then whatever the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
