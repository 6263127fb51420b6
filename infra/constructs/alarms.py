"""Operational alarms: failed or timed-out executions, and schedules that could not start one."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

PERIOD = Duration.minutes(5)


class WorkflowAlarms(Construct):
    """Alarms -> an encrypted SNS topic (e-mail subscription when `alarm_email` is set)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        state_machine: sfn.StateMachine,
        dead_letter_queue: sqs.IQueue,
        alarm_email: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        # A customer managed key: CloudWatch cannot publish to a topic encrypted with alias/aws/sns.
        self.key = kms.Key(self, "TopicKey", description="orgsweep alarm topic", enable_key_rotation=True)
        self.key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(self, "Topic", display_name="orgsweep alarms", master_key=self.key, enforce_ssl=True)
        if alarm_email is not None:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))

        self.alarms = [
            self._alarm(
                "ExecutionsFailed",
                state_machine.metric_failed(period=PERIOD, statistic="Sum"),
                "An orgsweep scan failed (see the execution's SweepFailed or the failing step).",
            ),
            self._alarm(
                "ExecutionsTimedOut",
                state_machine.metric_timed_out(period=PERIOD, statistic="Sum"),
                "An orgsweep scan exceeded the state machine timeout.",
            ),
            self._alarm(
                "ScheduleDeadLetters",
                dead_letter_queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                "EventBridge Scheduler could not start an orgsweep scan; the request is in the dead-letter queue.",
            ),
        ]

    def _alarm(self, name: str, metric: cloudwatch.IMetric, description: str) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        return alarm


__all__ = ["WorkflowAlarms"]
