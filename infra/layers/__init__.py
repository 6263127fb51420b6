"""The Lambda layers' contents: the staged shared library and the dependency layers built from pinned wheels.

No CDK here (so `make layers` is quick): the constructs in infra.constructs.shared_layer use these folders.
"""

from infra.layers.dependencies import LayerBuildError, layer_folder
from infra.layers.pins import PinError, pinned
from infra.layers.shared import stage_shared_layer
from infra.layers.specs import ARROW, DEPENDENCY_LAYERS, LAMBDA_TARGET, RUNTIME_DEPENDENCIES, SHARED_PACKAGES

__all__ = [
    "ARROW",
    "DEPENDENCY_LAYERS",
    "LAMBDA_TARGET",
    "RUNTIME_DEPENDENCIES",
    "SHARED_PACKAGES",
    "LayerBuildError",
    "PinError",
    "layer_folder",
    "pinned",
    "stage_shared_layer",
]
