"""The hub stack: it only composes the constructs, one per part of the pipeline."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.constructs.aggregate_step import AggregateStep
from infra.constructs.alarms import WorkflowAlarms
from infra.constructs.athena import AthenaCatalog
from infra.constructs.member_stackset import MemberStackSet
from infra.constructs.plan_step import PlanStep
from infra.constructs.results_bucket import ResultsBucket
from infra.constructs.scan_step import ScanStep
from infra.constructs.schedule import ScanSchedule
from infra.constructs.shared_layer import SharedLayers
from infra.constructs.workflow import Workflow
from infra.paths import QUERIES_DIR
from infra.settings import Settings
from infra.stacks.member_role_stack import member_template_body

HUB_STACK_NAME = "OrgSweep"
#: DistributedMap renders ResultWriterV2 (JsonPath prefix) only with this flag; set here, not in
#: cdk.json, so the stack is right however the app is built.
RESULT_WRITER_V2_FLAG = "@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2"


class HubStack(Stack):
    """Results bucket, layers, the three step functions, state machine, schedule, alarms, Athena."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            scope,
            construct_id,
            description="orgsweep hub: finds idle AWS resources across the organization",
            analytics_reporting=False,
            **kwargs,
        )
        self.node.set_context(RESULT_WRITER_V2_FLAG, True)
        self.settings = settings

        self.storage = ResultsBucket(self, "Results", results_retention_days=settings.results_retention_days)
        bucket = self.storage.bucket
        self.layers = SharedLayers(self, "Layers")
        base_layers = [self.layers.shared, self.layers.dependencies]
        self.plan = PlanStep(self, "PlanStep", settings=settings, bucket=bucket, layers=base_layers)
        self.scan = ScanStep(self, "ScanStep", settings=settings, bucket=bucket, layers=base_layers)
        self.aggregate = AggregateStep(
            self, "AggregateStep", settings=settings, bucket=bucket, layers=[*base_layers, self.layers.arrow]
        )
        self.workflow = Workflow(
            self,
            "Workflow",
            settings=settings,
            bucket=bucket,
            plan=self.plan.function,
            scan_cell=self.scan.function,
            aggregate=self.aggregate.function,
        )
        state_machine = self.workflow.state_machine
        self.schedule = ScanSchedule(self, "Schedule", settings=settings, state_machine=state_machine)
        self.alarms = WorkflowAlarms(
            self,
            "Alarms",
            state_machine=state_machine,
            dead_letter_queue=self.schedule.dead_letter_queue,
            alarm_email=settings.alarm_email,
        )
        self.athena = AthenaCatalog(self, "Athena", settings=settings, bucket=bucket, queries_dir=QUERIES_DIR)
        if settings.deploy_member_stackset:
            MemberStackSet(self, "MemberStackSet", settings=settings, template_body=member_template_body(settings))

        CfnOutput(self, "StateMachineArn", value=state_machine.state_machine_arn, description="Start scans here")
        CfnOutput(self, "ResultsBucketName", value=bucket.bucket_name, description="Manifests, raw outputs, tables")
        CfnOutput(self, "ScanRoleArn", value=self.scan.role.role_arn, description="Member roles trust this role")
        CfnOutput(self, "AthenaWorkGroup", value=self.athena.workgroup.ref, description="Query the tables here")
        CfnOutput(self, "GlueDatabase", value=self.athena.database_name, description="Athena database")
        CfnOutput(self, "AlarmTopicArn", value=self.alarms.topic.topic_arn, description="Alarm notifications")


__all__ = ["HUB_STACK_NAME", "RESULT_WRITER_V2_FLAG", "HubStack"]
