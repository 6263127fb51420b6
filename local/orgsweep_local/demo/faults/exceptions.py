"""Errors of the fault-injecting proxy."""

from orgsweep_local.demo.exceptions import DemoError


class FaultProxyError(DemoError):
    """The proxy could not start, or was used while not running."""


class FaultPlanError(DemoError, ValueError):
    """A fault plan that cannot be applied (a fraction outside [0, 1], a negative latency, ...)."""


__all__ = ["FaultPlanError", "FaultProxyError"]
