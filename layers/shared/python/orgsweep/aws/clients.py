"""botocore clients with standard retries, the rate limiter and the call counters (DESIGN §5).

boto3's Session.client is not thread-safe, so every client creation holds a per-session
lock (shared by all factories of that session). The locks and get_client's cache hold
sessions weakly: a cell's assumed-role session and its clients go away with the cell.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from botocore.config import Config
from botocore.exceptions import UnknownServiceError

from orgsweep import __version__
from orgsweep.aws.counters import CallCounters
from orgsweep.aws.exceptions import AwsConfigError
from orgsweep.aws.hooks import ClientHooks
from orgsweep.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from orgsweep.ratelimit import LimiterSet

#: Seconds to open a connection / to wait for a response. Short next to a cell's budget
#: (180-600 s) so a dead endpoint costs a few retries, not the whole cell.
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
USER_AGENT_EXTRA = f"orgsweep/{__version__}"

_LOCKS_GUARD = threading.Lock()
_SESSION_LOCKS: WeakKeyDictionary[Any, threading.RLock] = WeakKeyDictionary()


def client_config(max_attempts: int = 3, max_pool_connections: int = 10) -> Config:
    """The botocore Config of every orgsweep client: standard retry mode does its own backoff.

    max_attempts: attempts per operation, the first one included (1 = never retry).
    """
    if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
        raise AwsConfigError(f"max_attempts must be an integer >= 1, got {max_attempts!r}")
    if isinstance(max_pool_connections, bool) or not isinstance(max_pool_connections, int) or max_pool_connections < 1:
        raise AwsConfigError(f"max_pool_connections must be an integer >= 1, got {max_pool_connections!r}")
    return Config(
        # In Config, "max_attempts" counts retries only (3 -> 4 attempts); "total_max_attempts"
        # counts the first attempt too, which is what Preset.max_attempts means.
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        max_pool_connections=max_pool_connections,
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        user_agent_extra=USER_AGENT_EXTRA,
    )


def session_lock(session: Any) -> threading.RLock:
    """The lock every client creation on `session` holds (boto3's Session.client is not thread-safe).

    Re-entrant: get_client holds it around its cache re-check and the creation itself.
    """
    with _LOCKS_GUARD:
        lock = _SESSION_LOCKS.get(session)
        if lock is None:
            lock = _SESSION_LOCKS[session] = threading.RLock()
        return lock


def _check_name(what: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise AwsConfigError(f"{what} must be a non-empty string, got {value!r}")


def _create_client(
    session: Any,
    service: str,
    region: str,
    config: Config,
    *,
    limiters: LimiterSet | None,
    counters: CallCounters,
    deadline: float | None,
    clock: Clock,
) -> Any:
    """A new client with the rate limiter (the service's bucket) and the counters hooked in."""
    bucket = limiters.for_service(service) if limiters is not None else None
    hooks = ClientHooks(service, counters=counters, bucket=bucket, deadline=deadline, clock=clock)
    try:
        with session_lock(session):
            client = session.client(service, region_name=region, config=config)
    except UnknownServiceError as exc:
        raise AwsConfigError(f"unknown AWS service {service!r}") from exc
    hooks.register(client)
    return client


class ClientFactory:
    """The clients of one cell: one per (service, region), created once, shared by threads.

    limiters: one TokenBucket per service (the cell's LimiterSet; a factory used across
    regions shares a service's bucket between them). counters: where attempts are counted
    (a new CallCounters when None). deadline: clock.monotonic() value after which API calls
    raise orgsweep.ratelimit.RateLimitTimeoutError instead of starting an attempt.
    max_pool_connections: size it to the threads sharing a client.
    """

    def __init__(
        self,
        session: Any,
        *,
        limiters: LimiterSet | None = None,
        max_attempts: int = 3,
        max_pool_connections: int = 10,
        counters: CallCounters | None = None,
        deadline: float | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._config = client_config(max_attempts, max_pool_connections)
        self.session = session
        self.limiters = limiters
        self.max_attempts = max_attempts
        self.max_pool_connections = max_pool_connections
        self.counters = counters if counters is not None else CallCounters()
        self.deadline = deadline
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str) -> Any:
        """The botocore client of `service` in `region` (the same object on every call)."""
        _check_name("service", service)
        _check_name("region", region)
        with self._lock:
            client = self._clients.get((service, region))
            if client is None:
                client = _create_client(
                    self.session,
                    service,
                    region,
                    self._config,
                    limiters=self.limiters,
                    counters=self.counters,
                    deadline=self.deadline,
                    clock=self._clock,
                )
                self._clients[(service, region)] = client
            return client

    def __repr__(self) -> str:
        return f"ClientFactory(clients={sorted(self._clients)!r}, max_attempts={self.max_attempts})"


# session -> {options key: (client, objects the key refers to by id)}. The objects are kept
# alive with the client so their ids cannot be reused by other objects while cached.
_CLIENTS: WeakKeyDictionary[Any, dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]]] = WeakKeyDictionary()
_CLIENTS_LOCK = threading.Lock()


def get_client(
    session: Any,
    service: str,
    region: str,
    *,
    limiters: LimiterSet | None = None,
    max_attempts: int = 3,
    max_pool_connections: int = 10,
    counters: CallCounters | None = None,
    deadline: float | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Any:
    """A client like ClientFactory.client, cached per (session, service, region, options).

    Without `counters` the attempts are counted in a private CallCounters nobody reads.
    """
    _check_name("service", service)
    _check_name("region", region)
    config = client_config(max_attempts, max_pool_connections)
    key = (service, region, id(limiters), max_attempts, max_pool_connections, id(counters), deadline, id(clock))
    with _CLIENTS_LOCK:
        cached = _CLIENTS.setdefault(session, {}).get(key)
    if cached is not None:
        return cached[0]
    with session_lock(session):
        # Re-check under the session lock: another thread may have created it meanwhile.
        with _CLIENTS_LOCK:
            cached = _CLIENTS.setdefault(session, {}).get(key)
        if cached is not None:
            return cached[0]
        client = _create_client(
            session,
            service,
            region,
            config,
            limiters=limiters,
            counters=counters if counters is not None else CallCounters(),
            deadline=deadline,
            clock=clock,
        )
        with _CLIENTS_LOCK:
            _CLIENTS.setdefault(session, {})[key] = (client, (limiters, counters, clock))
    return client


__all__ = [
    "CONNECT_TIMEOUT_S",
    "READ_TIMEOUT_S",
    "USER_AGENT_EXTRA",
    "ClientFactory",
    "client_config",
    "get_client",
    "session_lock",
]
