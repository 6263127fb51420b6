"""The scheduled scan: EventBridge Scheduler starts the state machine with the default input `{}`."""

from __future__ import annotations

from aws_cdk import Duration, TimeZone
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.nag import suppress
from infra.settings import Settings

#: `{}`: every field of the execution input comes from the deployment defaults (ORGSWEEP_DEFAULTS).
DEFAULT_EXECUTION_INPUT: dict[str, object] = {}
RETRY_ATTEMPTS = 3
MAX_EVENT_AGE = Duration.hours(1)


class ScanSchedule(Construct):
    """A Scheduler schedule (ENABLED/DISABLED from settings) with retries and an encrypted dead-letter queue.

    Scheduler's role (made by the target) may only start this state machine and send to the DLQ.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, state_machine: sfn.IStateMachine
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        suppress(
            self.dead_letter_queue,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of the scan schedule; a DLQ of a DLQ adds nothing.",
        )
        target = targets.StepFunctionsStartExecution(
            state_machine,
            input=scheduler.ScheduleTargetInput.from_object(DEFAULT_EXECUTION_INPUT),
            dead_letter_queue=self.dead_letter_queue,
            retry_attempts=RETRY_ATTEMPTS,
            max_event_age=MAX_EVENT_AGE,
        )
        self.schedule = scheduler.Schedule(
            self,
            "Schedule",
            description="orgsweep scheduled scan of the organization",
            schedule=scheduler.ScheduleExpression.expression(
                settings.schedule_expression, TimeZone.of(settings.schedule_timezone)
            ),
            target=target,
            enabled=settings.schedule_enabled,
        )


__all__ = ["DEFAULT_EXECUTION_INPUT", "ScanSchedule"]
