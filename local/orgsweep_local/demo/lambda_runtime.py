"""Run moto's Lambda functions in this process (demo-only): no Docker, our real handlers.

moto executes Lambda code only in Docker; `_invoke_lambda` is the one method that touches
it (TESTING-NOTES). While `InProcessLambda` is active that method instead imports the
function's handler from its code zip and calls it, with the function's environment, a
Lambda-like context, and credentials from `credentials(function)` - by default fake hub
credentials; under IAM enforcement those of the function's own execution role
(orgsweep_local.demo.iam), as Lambda gives them. What the handler prints becomes the
function's CloudWatch log stream, as in AWS. A raised exception becomes the Lambda error
(`errorType` = the exception's class name), which Step Functions Retry/Catch match.
The function's environment is set through orgsweep_local.demo.environment (the library's one
place that touches os.environ), one function at a time.

Layers: each layer zip is extracted and its `python/` appended to sys.path, except a layer
holding compiled extensions this interpreter cannot load: the dependency layers carry
Lambda's aarch64 cp312 wheels, so Powertools, boto3 and pyarrow come from this environment
instead (the same pinned versions). The `orgsweep` library itself is already imported from
this environment (same source as the shared layer).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import io
import json
import re
import sys
import tempfile
import threading
import time
import traceback
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from orgsweep_local.demo.environment import EnvironmentGate
from orgsweep_local.demo.exceptions import DemoError
from orgsweep_local.demo.server import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY
from orgsweep_local.demo.stdio import ThreadRoutedStream, routed_stdio


@dataclass(slots=True)
class LambdaContext:
    """What a Lambda handler's `context` offers (the attributes Powertools reads)."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    log_group_name: str
    timeout_s: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_stream_name: str = "in-process"
    _started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_s - (time.monotonic() - self._started)) * 1000))


class InProcessLambda:
    """While active, every moto Lambda invocation runs its handler here (see the module doc)."""

    def __init__(
        self,
        endpoint_url: str,
        *,
        work_dir: Path | None = None,
        credentials: Callable[[Any], Mapping[str, str]] | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self._work_dir = work_dir
        self._credentials = credentials or _demo_credentials
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._gate = EnvironmentGate()
        self._lock = threading.Lock()
        self._modules: dict[tuple[str, str], Callable[..., Any]] = {}
        self._original: Any = None
        self._stdio: Any = None
        self.invocations = 0
        self.errors = 0

    def __enter__(self) -> InProcessLambda:
        from moto.awslambda.models import LambdaFunction

        self._tmp = tempfile.TemporaryDirectory(prefix="orgsweep-lambda-", dir=self._work_dir)
        self._stdio = routed_stdio()
        self._stdio.__enter__()
        self._original = LambdaFunction._invoke_lambda
        runtime = self

        def invoke(function: Any, event: Any = None) -> tuple[str, bool, str]:
            return runtime.invoke(function, event)

        setattr(LambdaFunction, "_invoke_lambda", invoke)  # noqa: B010 (patching moto on purpose)
        return self

    def __exit__(self, *exc: object) -> None:
        from moto.awslambda.models import LambdaFunction

        if self._original is not None:
            setattr(LambdaFunction, "_invoke_lambda", self._original)  # noqa: B010
            self._original = None
        if self._stdio is not None:
            self._stdio.__exit__(*exc)
            self._stdio = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def invoke(self, function: Any, event: Any) -> tuple[str, bool, str]:
        """moto's `_invoke_lambda` contract: (response JSON, errored, logs)."""
        handler = self._handler(function)
        context = LambdaContext(
            function_name=function.function_name,
            function_version=str(function.version),
            invoked_function_arn=function.function_arn,
            memory_limit_in_mb=int(function.memory_size),
            log_group_name=function.logs_group_name,
            timeout_s=float(function.timeout),
        )
        buffer = io.StringIO()
        with self._gate.entered(function.function_arn, self._environment(function)), ThreadRoutedStream.capture(buffer):
            try:
                result = handler({} if event is None else event, context)
                response, errored = json.dumps(result, default=str), False
            except Exception as exc:  # the Lambda error Step Functions sees
                traceback.print_exc(file=buffer)
                response = json.dumps(
                    {"errorType": type(exc).__name__, "errorMessage": str(exc),
                     "stackTrace": traceback.format_tb(exc.__traceback__)}
                )
                errored = True
        with self._lock:
            self.invocations += 1
            self.errors += errored
        logs = buffer.getvalue()
        function.logs_backend.ensure_log_group(function.logs_group_name)
        function.save_logs(logs or "(no output)")
        return response, errored, logs

    def _environment(self, function: Any) -> dict[str, str]:
        environment = {
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": str(function.version),
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            **self._credentials(function),
        }
        environment.update({str(k): str(v) for k, v in (function.environment_vars or {}).items()})
        return environment

    def _handler(self, function: Any) -> Callable[..., Any]:
        key = (function.code_sha_256, function.handler)
        with self._lock:
            if key not in self._modules:
                self._modules[key] = self._load(function)
            return self._modules[key]

    def _load(self, function: Any) -> Callable[..., Any]:
        code_dir = self._extract(function.code_bytes)
        for layer in function.layers:
            layer_version = _layer_version(function, layer["Arn"])
            if _foreign_binaries(layer_version.code_bytes):
                continue  # built for Lambda's platform (see the module doc)
            python_dir = self._extract(layer_version.code_bytes) / "python"
            if python_dir.is_dir() and str(python_dir) not in sys.path:
                sys.path.append(str(python_dir))
        module_name, _, attribute = str(function.handler).rpartition(".")
        path = code_dir / (module_name.replace(".", "/") + ".py")
        if not path.is_file():
            raise DemoError(f"function {function.function_name}: handler {function.handler!r} not in its code")
        unique = f"_orgsweep_lambda_{hashlib.sha256(str(path).encode()).hexdigest()[:12]}_{module_name}"
        spec = importlib.util.spec_from_file_location(unique, path)
        if spec is None or spec.loader is None:
            raise DemoError(f"cannot import {path}")
        module: ModuleType = importlib.util.module_from_spec(spec)
        sys.modules[unique] = module
        spec.loader.exec_module(module)
        handler: Callable[..., Any] = getattr(module, attribute)
        return handler

    def _extract(self, data: bytes) -> Path:
        if self._tmp is None:
            raise DemoError("InProcessLambda is not active")
        target = Path(self._tmp.name) / hashlib.sha256(data).hexdigest()[:16]
        if not target.exists():
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.extractall(target)
        return target


def _demo_credentials(function: Any) -> dict[str, str]:
    """The demo's fake hub credentials (moto checks nothing unless IAM enforcement is on)."""
    del function
    return {
        "AWS_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DEMO_SECRET_ACCESS_KEY,
        "AWS_SESSION_TOKEN": "orgsweep-demo-lambda",
    }


#: A CPython extension module's name, e.g. `lib.cpython-312-aarch64-linux-gnu.so`.
_EXTENSION_MODULE = re.compile(r"\.cpython-[^/]+\.so$")


def _foreign_binaries(layer_zip: bytes) -> bool:
    """Whether the layer holds extension modules built for another interpreter or platform than this one."""
    native = importlib.machinery.EXTENSION_SUFFIXES[0]
    with zipfile.ZipFile(io.BytesIO(layer_zip)) as archive:
        return any(_EXTENSION_MODULE.search(n) and not n.endswith(native) for n in archive.namelist())


def _layer_version(function: Any, arn: str) -> Any:
    from moto.awslambda.utils import get_backend

    layer_version = get_backend(function.account_id, function.region).layers_versions_by_arn(arn)
    if layer_version is None:
        raise DemoError(f"function {function.function_name}: layer {arn} does not exist")
    return layer_version


__all__ = ["EnvironmentGate", "InProcessLambda", "LambdaContext"]
