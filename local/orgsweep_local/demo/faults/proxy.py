"""A loopback HTTP proxy in front of the moto server that injects AWS faults.

Point clients at it as at AWS (`AWS_ENDPOINT_URL`): each signed request is identified
(service, region, action, account), recorded, delayed by the plan's latency, and then
either answered with the fault the plan calls for — in the service's real error format —
or forwarded to moto (a forwarded ec2:DescribeRegions answer then shows the regions the plan
disables for the caller's account as `not-opted-in`). Only loopback: it binds 127.0.0.1 and
forwards to the given upstream.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep_local.demo.faults.accounts import AccountDirectory
from orgsweep_local.demo.faults.exceptions import FaultProxyError
from orgsweep_local.demo.faults.injector import FaultInjector
from orgsweep_local.demo.faults.regions import apply_opt_in
from orgsweep_local.demo.faults.responses import render
from orgsweep_local.demo.faults.types import FaultPlan, Outcome, RequestRecord
from orgsweep_local.demo.faults.wire import RequestInfo, describe
from orgsweep_local.demo.server import DEMO_ACCESS_KEY_ID, HUB_ACCOUNT_ID

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
        "content-length",
        "expect",
    }
)
_LOOPBACK = "127.0.0.1"
#: Marks the proxy's own 502 (moto unreachable), so it is recorded as UPSTREAM_ERROR.
_UPSTREAM_FAILED_HEADER = "x-orgsweep-proxy"
#: HTTP status, headers, body.
_Reply = tuple[int, dict[str, str], bytes]


class FaultProxy:
    """The proxy. Use as a context manager; `configure()` swaps the plan (and its counters)."""

    def __init__(
        self,
        upstream_url: str,
        plan: FaultPlan | None = None,
        *,
        default_account: str = HUB_ACCOUNT_ID,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        upstream = urlsplit(upstream_url)
        if upstream.scheme != "http" or upstream.hostname not in (_LOOPBACK, "localhost"):
            raise FaultProxyError(f"the fault proxy only forwards to a loopback http endpoint, not {upstream_url!r}")
        self._upstream = (upstream.hostname, upstream.port or 80)
        self._clock = clock
        self.accounts = AccountDirectory(default_account)
        self.accounts.register(DEMO_ACCESS_KEY_ID, HUB_ACCOUNT_ID)
        self._injector = FaultInjector(plan or FaultPlan())
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._local = threading.local()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def plan(self) -> FaultPlan:
        return self._injector.plan

    def configure(self, plan: FaultPlan) -> None:
        """Apply `plan` from the next request on; throttle patterns and rule counts start afresh."""
        self._injector = FaultInjector(plan)

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise FaultProxyError("the fault proxy is not running")
        return f"http://{_LOOPBACK}:{self._server.server_address[1]}"

    def records(self) -> list[RequestRecord]:
        """Every request answered since the start (or the last `clear_records()`)."""
        with self._lock:
            return list(self._records)

    def clear_records(self) -> None:
        with self._lock:
            self._records.clear()

    def counts(self, predicate: Callable[[RequestRecord], bool] | None = None) -> Counter[tuple[str, str]]:
        """Requests per (service, action), of those `predicate` accepts (all by default)."""
        return Counter((r.service, r.action) for r in self.records() if predicate is None or predicate(r))

    def start(self) -> str:
        if self._server is not None:
            return self.endpoint_url
        handler = type("FaultProxyHandler", (_Handler,), {"proxy": self})
        try:
            server = ThreadingHTTPServer((_LOOPBACK, 0), handler)  # port 0: a free port
        except OSError as exc:
            raise FaultProxyError(f"cannot start the fault proxy on {_LOOPBACK}: {exc}") from exc
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="orgsweep-fault-proxy", daemon=True)
        self._thread.start()
        return self.endpoint_url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- request path (runs on the server's handler threads) --------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> _Reply:
        info = describe(method, target, headers, body)
        if info is None:  # moto's own API (/moto-api/...): pass through, unrecorded
            return self._forward(method, target, headers, body)
        injector = self._injector
        # sts:AssumeRole* counts for the role's account (RequestRecord); the rest for the key's.
        account = info.role_account or self.accounts.account_of(info.access_key)
        delay = injector.latency_s(info)
        if delay > 0:
            self._clock.sleep(delay)
        fault = injector.decide(info, account, unquote(urlsplit(target).path), body)
        if fault is not None:
            outcome, reply = fault
            self._record(info, account, outcome, reply.status)
            reply_headers, reply_body = render(reply, info.protocol)
            return reply.status, reply_headers, reply_body
        status, reply_headers, reply_body = self._forward(method, target, headers, body)
        upstream_failed = status == 502 and _UPSTREAM_FAILED_HEADER in reply_headers
        outcome = Outcome.UPSTREAM_ERROR if upstream_failed else Outcome.FORWARDED
        self._record(info, account, outcome, status)
        if info.role_account and status == 200:
            self.accounts.learn(info.role_account, reply_body)
        if status == 200 and info.service == "ec2" and info.action == "DescribeRegions":
            disabled = injector.disabled_regions_of(account)
            reply_body = apply_opt_in(reply_body, disabled=disabled, enabled=injector.opt_in_regions() - disabled)
        return status, reply_headers, reply_body

    def _record(self, info: RequestInfo, account: str, outcome: Outcome, status: int) -> None:
        record = RequestRecord(account, info.region, info.service, info.action, outcome, status)
        with self._lock:
            self._records.append(record)

    def _forward(self, method: str, target: str, headers: dict[str, str], body: bytes) -> _Reply:
        outgoing = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
        outgoing["Content-Length"] = str(len(body))
        for attempt in (1, 2):  # a kept-alive connection moto closed: reconnect once
            connection = self._connection(fresh=attempt == 2)
            try:
                connection.request(method, target, body=body, headers=outgoing)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                if attempt == 2:
                    # An HTML page, as a failing AWS front end sends: botocore reads any protocol's 5xx
                    # HTML as the generic error "502" and retries it; plain text would be a parse error.
                    message = escape(f"fault proxy: upstream {self._upstream[0]}:{self._upstream[1]} failed: {exc}")
                    page = f"<html><body><b>502 Bad Gateway</b><p>{message}</p></body></html>"
                    return 502, {"Content-Type": "text/html", _UPSTREAM_FAILED_HEADER: "upstream"}, page.encode()
                continue
            reply_headers = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            if method == "HEAD":  # no body, but the length a GET would have
                reply_headers["Content-Length"] = response.getheader("Content-Length", "0")
            return response.status, reply_headers, data
        raise AssertionError("unreachable")

    def _connection(self, *, fresh: bool) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None or fresh:
            host, port = self._upstream
            connection = http.client.HTTPConnection(host, port, timeout=120)
            self._local.connection = connection
        return connection


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    # Headers and body go out in separate writes: with Nagle on, the body waits for the client's
    # delayed ACK of the headers (~40 ms a request on Linux loopback).
    disable_nagle_algorithm = True
    proxy: FaultProxy

    def _serve(self) -> None:
        body = self._read_body()
        headers = {key: value for key, value in self.headers.items()}
        status, reply_headers, reply_body = self.proxy.handle(self.command, self.path, headers, body)
        self.send_response(status)
        for key, value in reply_headers.items():
            self.send_header(key, value)
        if self.command != "HEAD" or "Content-Length" not in reply_headers:
            self.send_header("Content-Length", str(len(reply_body)) if self.command != "HEAD" else "0")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply_body)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve  # noqa: N815 (http.server's names)

    def log_message(self, format: str, *args: Any) -> None:
        pass


__all__ = ["FaultProxy"]
