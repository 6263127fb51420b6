"""The orgsweep CDK app: settings from cdk.json, the hub and member-role stacks, their constructs.

Importing `infra` is cheap (no CDK): the app lives in `infra.app`, stacks in `infra.stacks`.
"""

from infra.exceptions import InfraError, NagSuppressionError, NoCfnResourceError, SettingsError
from infra.settings import Settings
from infra.types import FunctionSizing

__all__ = ["FunctionSizing", "InfraError", "NagSuppressionError", "NoCfnResourceError", "Settings", "SettingsError"]
