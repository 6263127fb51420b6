"""Client-side rate limiting: a token bucket per (cell, service) that slows down on throttles.

Typical use inside one cell::

    limiters = LimiterSet("default")            # 5 req/s, burst 10 per service
    bucket = limiters.for_service("ec2")
    bucket.acquire(deadline=cell_deadline)      # blocks; RateLimitTimeoutError if too late
    ...                                         # make the call
    bucket.record_success()  # or bucket.record_throttle() on a throttling error code
"""

from orgsweep.ratelimit.adaptive import AdaptiveRate
from orgsweep.ratelimit.bucket import TokenBucket
from orgsweep.ratelimit.exceptions import RateLimitConfigError, RateLimitError, RateLimitTimeoutError
from orgsweep.ratelimit.limiters import LimiterSet
from orgsweep.ratelimit.types import BucketStats, RateSpec

__all__ = [
    "AdaptiveRate",
    "BucketStats",
    "LimiterSet",
    "RateLimitConfigError",
    "RateLimitError",
    "RateLimitTimeoutError",
    "RateSpec",
    "TokenBucket",
]
