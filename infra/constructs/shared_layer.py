"""Lambda layers, all built from this repository: the orgsweep library and its pinned dependencies.

- `shared`: only the allow-listed runtime package (`orgsweep`), staged from layers/shared.
- `dependencies` (every function): boto3/botocore and Powertools[parser] at pyproject.toml's pins.
- `arrow` (aggregate only): pyarrow at its pin.

The dependency layers hold the aarch64 cp312 wheels pip picks for Lambda's platform (no
Docker); they are cached under .cache/layers and built on first use (see infra.layers).
No layer ARN from outside the stack: the same template deploys in any region.
"""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.layers import ARROW, RUNTIME_DEPENDENCIES, layer_folder, pinned, stage_shared_layer
from infra.layers.specs import DependencyLayer

#: The dependency layers' wheels are built for exactly this runtime and architecture
#: (LAMBDA_TARGET: cp312, aarch64; tests/infra/test_layers.py checks that they agree).
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64


def _layer(scope: Construct, construct_id: str, description: str, folder: str) -> lambda_.LayerVersion:
    return lambda_.LayerVersion(
        scope,
        construct_id,
        description=description,
        code=lambda_.Code.from_asset(folder),
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
    )


def _dependency_layer(scope: Construct, spec: DependencyLayer) -> lambda_.LayerVersion:
    description = f"{spec.description}: {', '.join(pinned(spec.requirements))}"
    return _layer(scope, spec.name.capitalize(), description, str(layer_folder(spec)))


class SharedLayers(Construct):
    """The orgsweep library layer and the two dependency layers."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.shared = _layer(
            self, "Shared", "orgsweep shared library (layers/shared/python/orgsweep)", str(stage_shared_layer())
        )
        self.dependencies = _dependency_layer(self, RUNTIME_DEPENDENCIES)  # construct id "Dependencies"
        self.arrow = _dependency_layer(self, ARROW)  # "Arrow"


__all__ = ["ARCHITECTURE", "RUNTIME", "SharedLayers"]
