"""One construct per part of the hub: storage, code, each workflow step, the state machine, operations."""

from infra.constructs.aggregate_step import AggregateStep
from infra.constructs.alarms import WorkflowAlarms
from infra.constructs.athena import AthenaCatalog
from infra.constructs.member_role import MemberRole
from infra.constructs.member_stackset import MemberStackSet
from infra.constructs.plan_step import PlanStep
from infra.constructs.results_bucket import ResultsBucket
from infra.constructs.scan_step import ScanStep
from infra.constructs.schedule import ScanSchedule
from infra.constructs.shared_layer import SharedLayers
from infra.constructs.step_function import StepFunction
from infra.constructs.workflow import Workflow

__all__ = [
    "AggregateStep",
    "AthenaCatalog",
    "MemberRole",
    "MemberStackSet",
    "PlanStep",
    "ResultsBucket",
    "ScanSchedule",
    "ScanStep",
    "SharedLayers",
    "StepFunction",
    "Workflow",
    "WorkflowAlarms",
]
