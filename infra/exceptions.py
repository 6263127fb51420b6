"""Errors the CDK app raises on purpose (bad settings fail synth with a message naming the setting)."""


class InfraError(Exception):
    """Base class of the CDK app's deliberate errors."""


class SettingsError(InfraError, ValueError):
    """A cdk.json `orgsweep` setting that is unknown, missing a companion, or has a bad value.

    `setting` is the key in the `orgsweep` context block, e.g. ``map_max_concurrency``.
    """

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"cdk.json context orgsweep.{setting}: {problem}")
        self.setting = setting
        self.problem = problem


class NagSuppressionError(InfraError, ValueError):
    """A cdk-nag acknowledgement without a real reason."""


class NoCfnResourceError(InfraError, TypeError):
    """A construct that has no CloudFormation resource where one was needed."""


__all__ = ["InfraError", "NagSuppressionError", "NoCfnResourceError", "SettingsError"]
