"""The one place where orgsweep registers botocore event handlers on a client.

Per HTTP attempt (first try and every retry) botocore's Endpoint emits, in order:

- ``request-created.<service-id>.<Operation>`` from Endpoint.create_request, which it calls
  again for each retry. We take a token from the service's bucket here. Our handler sits on
  the service-specific node, which botocore calls before the generic ``request-created``
  node where the SigV4 signer lives: the wait happens before signing, so a long wait never
  ages the signature. Presigned URLs do not emit it, so they cost no token.
  Raising here (RateLimitTimeoutError) propagates out of the API call unchanged.
- ``before-send.<service-id>.<Operation>`` right before the bytes go out. We count the
  attempt here (a retry when ``context["retries"]["attempt"] > 1``). All handlers of this
  event run (``emit``, not ``emit_until_response``), so the count is the same whether the
  response then comes from the network or from moto's stubber (a BUILTIN handler on the
  generic ``before-send`` node, called after our specific one) or from a test's hook.
- ``response-received.<service-id>.<Operation>`` after the attempt's response was parsed
  (or its exception caught). We classify it: a throttling error code (or HTTP 429) is
  counted by code and slows the bucket; any other answer below 500 is a success signal.

``needs-retry`` is left to botocore's standard retry handler (its backoff sleep, quota and
max_attempts are untouched); ``after-call``/``after-call-error`` fire once per operation, not
per attempt, so they cannot count attempts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orgsweep.aws.counters import CallCounters
from orgsweep.aws.throttling import THROTTLING_STATUS_CODE, is_throttling_error
from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.ratelimit.exceptions import RateLimitTimeoutError

if TYPE_CHECKING:
    from orgsweep.ratelimit import TokenBucket

_SERVER_ERROR_STATUS = 500


class ClientHooks:
    """Rate limiting and counting for the clients of one service.

    bucket: the service's TokenBucket (None: no rate limit). deadline: a clock.monotonic()
    value after which no new attempt starts; an attempt whose token cannot be granted before
    it raises orgsweep.ratelimit.RateLimitTimeoutError (a TimeoutError) from the API call.
    """

    def __init__(
        self,
        service: str,
        *,
        counters: CallCounters,
        bucket: TokenBucket | None = None,
        deadline: float | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.service = service
        self.counters = counters
        self.bucket = bucket
        self.deadline = deadline
        self._clock = clock

    def register(self, client: Any) -> None:
        """Attach the handlers to `client`. Idempotent: the unique ids make a repeat a no-op."""
        events = client.meta.events
        service_id = client.meta.service_model.service_id.hyphenize()
        events.register_first(
            f"request-created.{service_id}", self.on_request_created, unique_id=f"orgsweep-limit-{service_id}"
        )
        events.register_first(f"before-send.{service_id}", self.on_before_send, unique_id=f"orgsweep-call-{service_id}")
        events.register_first(
            f"response-received.{service_id}", self.on_response_received, unique_id=f"orgsweep-outcome-{service_id}"
        )

    def on_request_created(self, **kwargs: Any) -> None:
        """Wait for a token (bounded by the deadline) before the attempt is signed and sent."""
        if self.deadline is not None:
            now = self._clock.monotonic()
            if now >= self.deadline:
                # A token may be free, but the caller's time is up: start nothing new.
                raise RateLimitTimeoutError(1.0, 0.0, self.deadline, now)
        if self.bucket is not None:
            self.bucket.acquire(deadline=self.deadline)

    def on_before_send(self, request: Any = None, **kwargs: Any) -> None:
        context = getattr(request, "context", None) or {}
        attempt = context.get("retries", {}).get("attempt", 1)
        self.counters.record_call(self.service, retry=attempt > 1)

    def on_response_received(self, response_dict: Any = None, parsed_response: Any = None, **kwargs: Any) -> None:
        if response_dict is None or parsed_response is None:
            return  # no HTTP answer (connection error, timeout): says nothing about the rate
        status = int(response_dict.get("status_code", 0))
        code = parsed_response.get("Error", {}).get("Code") or None
        if is_throttling_error(code) or status == THROTTLING_STATUS_CODE:
            self.counters.record_throttle(self.service, code or f"HTTP{status}")
            if self.bucket is not None:
                self.bucket.record_throttle()
        elif status < _SERVER_ERROR_STATUS and self.bucket is not None:
            self.bucket.record_success()


__all__ = ["ClientHooks"]
