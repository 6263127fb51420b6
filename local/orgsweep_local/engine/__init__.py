"""The local engine: the whole pipeline (plan → cells → aggregate) in one process.

Importing this package is cheap; pyarrow is needed only when a run aggregates.
"""

from orgsweep_local.engine.exceptions import EngineError
from orgsweep_local.engine.local import CELL_GRACE_S, DEFAULT_DRAIN_TIMEOUT_S, LocalEngine, ProgressCallback
from orgsweep_local.engine.types import EngineProgress, EngineResult

__all__ = [
    "CELL_GRACE_S",
    "DEFAULT_DRAIN_TIMEOUT_S",
    "EngineError",
    "EngineProgress",
    "EngineResult",
    "LocalEngine",
    "ProgressCallback",
]
