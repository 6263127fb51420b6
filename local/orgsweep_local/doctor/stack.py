"""A deployed hub (`--stack NAME`): the stack is complete, its outputs are there, the results
bucket is reachable and the state machine is ACTIVE."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orgsweep.aws.throttling import error_code
from orgsweep_local.doctor.types import CheckResult, Status

#: The hub stack's outputs (infra/stacks/hub_stack.py).
HUB_OUTPUTS: tuple[str, ...] = (
    "StateMachineArn", "ResultsBucketName", "ScanRoleArn", "AthenaWorkGroup", "GlueDatabase", "AlarmTopicArn",
)
#: Statuses of a stack whose resources match its template.
COMPLETE = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"})
#: Statuses of a stack still running its previous, complete template.
ROLLED_BACK = frozenset({"UPDATE_ROLLBACK_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"})
DEPLOY_FIX = "deploy the hub: `npx cdk deploy OrgSweep` (docs/deploy.md §2)"


def _error(exc: Exception) -> dict[str, Any]:
    return {"aws_error": {"code": error_code(exc) or type(exc).__name__, "message": str(exc)}}


def _stack_status(stack: str, status: str, region: str) -> CheckResult:
    if status in COMPLETE:
        return CheckResult("stack", stack, Status.PASS, f"{status} in {region}", data={"status": status})
    if status in ROLLED_BACK or status.endswith("_IN_PROGRESS"):
        return CheckResult("stack", stack, Status.WARN, f"{status} in {region}: not the latest template (yet)",
                           "wait for the deployment to finish, or redeploy after fixing its error",
                           data={"status": status})
    return CheckResult("stack", stack, Status.FAIL, f"{status} in {region}: the hub is not deployed",
                       "see the stack's events, delete a ROLLBACK_COMPLETE stack, then " + DEPLOY_FIX,
                       data={"status": status})


def check_stack(clients: Any, stack: str, *, region: str) -> tuple[list[CheckResult], str | None]:
    """Rows for the hub stack, and the state machine's definition (None when it could not be read).

    clients: any object with `.client(service)` returning a boto3 client (e.g. a boto3 Session).
    """
    try:
        described = clients.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    except (ClientError, BotoCoreError) as exc:
        missing = "does not exist" in str(exc)
        detail = f"no stack {stack} in {region}" if missing else f"cannot describe the stack: {exc}"
        fix = (DEPLOY_FIX + ", or pass the stack's name and region (AWS_REGION)") if missing else \
            "allow cloudformation:DescribeStacks"
        return [CheckResult("stack", stack, Status.FAIL, detail, fix, data=_error(exc))], None
    rows = [_stack_status(stack, str(described["StackStatus"]), region)]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    missing_outputs = [key for key in HUB_OUTPUTS if key not in outputs]
    if missing_outputs:
        rows.append(CheckResult("stack-outputs", stack, Status.FAIL, f"missing: {', '.join(missing_outputs)}",
                                "is it the orgsweep hub stack? Redeploy it: " + DEPLOY_FIX, data={"outputs": outputs}))
    else:
        rows.append(CheckResult("stack-outputs", stack, Status.PASS, f"all {len(HUB_OUTPUTS)} outputs present",
                                data={"outputs": outputs}))
    if "ResultsBucketName" in outputs:
        rows.append(_bucket(clients, outputs["ResultsBucketName"]))
    definition = None
    if "StateMachineArn" in outputs:
        row, definition = _state_machine(clients, outputs["StateMachineArn"])
        rows.append(row)
    return rows, definition


def _bucket(clients: Any, bucket: str) -> CheckResult:
    try:
        clients.client("s3").head_bucket(Bucket=bucket)
    except (ClientError, BotoCoreError) as exc:
        code = error_code(exc) or type(exc).__name__
        gone = code in ("404", "NoSuchBucket")
        return CheckResult(
            "results-bucket", bucket, Status.FAIL,
            "the bucket does not exist" if gone else f"s3:HeadBucket failed ({code})",
            DEPLOY_FIX if gone else "allow s3:ListBucket on the results bucket for these credentials",
            data=_error(exc),
        )
    return CheckResult("results-bucket", bucket, Status.PASS, "reachable (s3:HeadBucket)")


def _state_machine(clients: Any, arn: str) -> tuple[CheckResult, str | None]:
    try:
        described = clients.client("stepfunctions").describe_state_machine(stateMachineArn=arn)
    except (ClientError, BotoCoreError) as exc:
        code = error_code(exc) or type(exc).__name__
        gone = code == "StateMachineDoesNotExist"
        return CheckResult(
            "state-machine", arn, Status.FAIL,
            "the state machine does not exist" if gone else f"states:DescribeStateMachine failed ({code})",
            DEPLOY_FIX if gone else "allow states:DescribeStateMachine for these credentials", data=_error(exc),
        ), None
    status = str(described.get("status", "ACTIVE"))
    definition = described.get("definition")
    if status != "ACTIVE":
        return CheckResult("state-machine", arn, Status.FAIL, f"{status}: executions cannot start",
                           DEPLOY_FIX, data={"status": status}), definition
    return CheckResult("state-machine", arn, Status.PASS, "ACTIVE", data={"status": status}), definition


__all__ = ["COMPLETE", "HUB_OUTPUTS", "check_stack"]
