"""Fault injection over real HTTP: a loopback proxy in front of the demo's moto server.

It answers a chosen fraction of requests per service with that service's real throttling
error, denies chosen (account, service) pairs, fails requests of accounts in regions they
have not enabled (and DescribeRegions says so), answers FaultRules with their errors (matched
on service, action, account, region, path or body), adds latency, and counts every
request per service and action. Tests and benchmarks use it; nothing in the scanner knows it.
"""

from orgsweep_local.demo.faults.exceptions import FaultPlanError, FaultProxyError
from orgsweep_local.demo.faults.injector import FaultInjector, signing_name
from orgsweep_local.demo.faults.proxy import FaultProxy
from orgsweep_local.demo.faults.responses import ErrorReply, Protocol, access_denied_message, render
from orgsweep_local.demo.faults.types import ANY_SERVICE, FaultPlan, FaultRule, Outcome, RequestRecord, ThrottlePattern
from orgsweep_local.demo.faults.wire import RequestInfo, describe

__all__ = [
    "ANY_SERVICE",
    "ErrorReply",
    "FaultInjector",
    "FaultPlan",
    "FaultPlanError",
    "FaultProxy",
    "FaultProxyError",
    "FaultRule",
    "Outcome",
    "Protocol",
    "RequestInfo",
    "RequestRecord",
    "ThrottlePattern",
    "access_denied_message",
    "describe",
    "render",
    "signing_name",
]
