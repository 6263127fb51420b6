"""One cheap read call per AWS service the checks use, made with the member role.

The services come from the check registry's declared actions (orgsweep.checks.policy), so a
new check's service shows up here by itself; a service without a probe is reported (WARN)
until PROBES names one. Each probe calls one action the registry declares: it proves the
service is reachable and that action allowed (a policy or SCP denying another single action of
the same service is not caught).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orgsweep.aws.clients import get_client
from orgsweep.aws.throttling import error_code, is_access_denied_error, is_throttling_error
from orgsweep.checks.policy import member_role_actions
from orgsweep.clock import SYSTEM_CLOCK, Clock
from orgsweep.pipeline.fleet import Account
from orgsweep_local.doctor.assume import subject
from orgsweep_local.doctor.denials import describe_denial, read_denial
from orgsweep_local.doctor.types import CheckResult, Status

CHECK = "permissions"
POLICY_FIX = "grant the member role the checks' actions: `orgsweep member-role-policy` prints its policy"
#: Served by the regions check (ec2:DescribeRegions), not by a service probe.
REGION_ACTIONS = frozenset({"ec2:DescribeRegions"})

Params = Callable[[datetime], dict[str, Any]]


def _fixed(**params: Any) -> Params:
    return lambda _now: dict(params)


def _one_metric(now: datetime) -> dict[str, Any]:
    # One metric over the last hour: the smallest GetMetricData call there is (1 metric requested).
    return {
        "MetricDataQueries": [
            {
                "Id": "doctor",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization"},
                    "Period": 3600,
                    "Stat": "Average",
                },
            }
        ],
        "StartTime": now - timedelta(hours=1),
        "EndTime": now,
    }


@dataclass(frozen=True, slots=True)
class Probe:
    """A minimal read call: boto3 client, operation, parameters, and the IAM action it needs."""

    action: str
    client: str
    operation: str
    params: Params


#: IAM service prefix -> its probe.
PROBES: Mapping[str, Probe] = {
    "cloudwatch": Probe("cloudwatch:GetMetricData", "cloudwatch", "get_metric_data", _one_metric),
    "ec2": Probe("ec2:DescribeVolumes", "ec2", "describe_volumes", _fixed(MaxResults=5)),
    "eks": Probe("eks:ListClusters", "eks", "list_clusters", _fixed(maxResults=1)),
    "elasticache": Probe("elasticache:DescribeCacheClusters", "elasticache", "describe_cache_clusters",
                         _fixed(MaxRecords=20)),
    "elasticloadbalancing": Probe("elasticloadbalancing:DescribeLoadBalancers", "elbv2", "describe_load_balancers",
                                  _fixed(PageSize=1)),
    "lambda": Probe("lambda:ListFunctions", "lambda", "list_functions", _fixed(MaxItems=1)),
    "rds": Probe("rds:DescribeDBInstances", "rds", "describe_db_instances", _fixed(MaxRecords=20)),
    "tag": Probe("tag:GetResources", "resourcegroupstaggingapi", "get_resources", _fixed(ResourcesPerPage=1)),
}


def registry_services() -> dict[str, tuple[str, ...]]:
    """IAM service prefix -> the member role's actions of that service (from the check registry)."""
    services: dict[str, list[str]] = {}
    for action in member_role_actions():
        if action not in REGION_ACTIONS:
            services.setdefault(action.split(":", 1)[0], []).append(action)
    return {service: tuple(actions) for service, actions in sorted(services.items())}


def _call(session: Any, region: str, probe: Probe, now: datetime) -> dict[str, Any]:
    """{"status": allowed | denied | throttled | error, ...} of one probe call."""
    client = get_client(session, probe.client, region)
    try:
        getattr(client, probe.operation)(**probe.params(now))
    except ClientError as exc:
        code = error_code(exc) or "Unknown"
        message = str(exc.response.get("Error", {}).get("Message") or exc)
        if is_access_denied_error(code):
            denial = read_denial(message)
            why = describe_denial(denial) if denial.policy_type else ""
            return {"status": "denied", "code": code, "message": message, "why": why}
        status = "throttled" if is_throttling_error(code) else "error"
        return {"status": status, "code": code, "message": message}
    except BotoCoreError as exc:
        return {"status": "error", "code": type(exc).__name__, "message": str(exc)}
    return {"status": "allowed"}


def probe_services(session: Any, account: Account, *, region: str, clock: Clock = SYSTEM_CLOCK) -> CheckResult:
    """One row for `account`: FAIL naming every denied action, WARN for inconclusive probes, else PASS."""
    now = clock.now()
    outcomes: dict[str, dict[str, Any]] = {}
    unprobed: list[str] = []
    for service, actions in registry_services().items():
        probe = PROBES.get(service)
        if probe is None:
            unprobed.append(f"{service} ({', '.join(actions)})")
            continue
        outcomes[service] = {"action": probe.action, **_call(session, region, probe, now)}
    data = {"region": region, "services": outcomes, "unprobed": unprobed}

    def by(status: str) -> list[dict[str, Any]]:
        return [o for o in outcomes.values() if o["status"] == status]

    denied, inconclusive = by("denied"), by("throttled") + by("error")
    allowed = [o["action"] for o in by("allowed")]

    def row(status: Status, detail: str, fix: str = "") -> CheckResult:
        return CheckResult(CHECK, subject(account), status, detail, fix, account_id=account.account_id,
                           account_name=account.name, data=data)

    if denied:
        named = "; ".join(f"{o['action']} ({o['code']}" + (f": {o['why']})" if o["why"] else ")") for o in denied)
        scp = any("service control policy" in o["why"] for o in denied)
        fix = POLICY_FIX + ("; and allow them in the SCPs of this account" if scp else "")
        return row(Status.FAIL, f"denied in {region}: {named}; {len(allowed)} of {len(outcomes)} services allowed",
                   fix)
    if inconclusive or unprobed:
        parts = [f"{o['action']} {o['status']} ({o['code']})" for o in inconclusive]
        parts += [f"no probe for {service}" for service in unprobed]
        return row(Status.WARN, f"in {region}: {'; '.join(parts)}; allowed: {', '.join(allowed) or 'none'}",
                   "rerun; a service without a probe needs one in orgsweep_local.doctor.probes.PROBES")
    return row(Status.PASS, f"in {region}, allowed: {', '.join(allowed)}")


__all__ = ["CHECK", "PROBES", "Probe", "probe_services", "registry_services"]
