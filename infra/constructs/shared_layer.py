"""Lambda layers: the orgsweep library (built from layers/shared) and two AWS-published public layers.

Powertools and pyarrow come from public layers by ARN - an ARN is only a string at synth
time, so nothing is downloaded or built (no Docker). The ARNs are region-aware through
`${AWS::Region}`, so the same template deploys in any commercial region.
"""

from __future__ import annotations

from aws_cdk import Fn
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.paths import ASSET_EXCLUDES, SHARED_LAYER_DIR

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64

#: Account that publishes Powertools for AWS Lambda (Python) in every commercial region.
POWERTOOLS_ACCOUNT = "017000801446"
POWERTOOLS_LAYER = "AWSLambdaPowertoolsPythonV3-python312-arm64"
#: Account that publishes the AWS SDK for pandas layers (pyarrow, pandas, numpy).
PANDAS_ACCOUNT = "336392948345"
PANDAS_LAYER = "AWSSDKPandas-Python312-Arm64"


def public_layer_arn(account: str, layer: str, version: int) -> str:
    """`arn:<partition>:lambda:<region>:<account>:layer:<layer>:<version>`, resolved at deploy time."""
    return Fn.sub(f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:{account}:layer:{layer}:{version}")


class SharedLayers(Construct):
    """The shared library layer plus the Powertools and SDK-for-pandas public layers."""

    def __init__(self, scope: Construct, construct_id: str, *, powertools_version: int, pandas_version: int) -> None:
        super().__init__(scope, construct_id)
        self.shared = lambda_.LayerVersion(
            self,
            "Shared",
            description="orgsweep shared library (layers/shared/python/orgsweep)",
            code=lambda_.Code.from_asset(str(SHARED_LAYER_DIR), exclude=list(ASSET_EXCLUDES)),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
        )
        self.powertools = lambda_.LayerVersion.from_layer_version_arn(
            self, "Powertools", public_layer_arn(POWERTOOLS_ACCOUNT, POWERTOOLS_LAYER, powertools_version)
        )
        self.pandas = lambda_.LayerVersion.from_layer_version_arn(
            self, "SdkForPandas", public_layer_arn(PANDAS_ACCOUNT, PANDAS_LAYER, pandas_version)
        )


__all__ = ["ARCHITECTURE", "RUNTIME", "SharedLayers", "public_layer_arn"]
