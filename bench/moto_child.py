"""Child processes for benchmarks whose measured process must not share its GIL (or its memory)
with moto: real AWS is remote, so moto's CPU time (and the latency proxy's) is not orgsweep's.

The benchmark script runs itself again as the child (a hidden `--moto-child` flag). `serve`
starts orgsweep's DemoServer, builds what the benchmark needs through it, prints one JSON line
on stdout ({"endpoint": ..., ...the builder's facts}) and serves until its stdin closes;
`serve_proxy` does the same with a latency-only FaultProxy. The parent's `MotoChild` starts the
child, reads the line, and reads the child's CPU time and peak RSS from /proc (Linux).
`RequestCounter` counts the parent's HTTP attempts per operation.

Nothing reaches a real AWS endpoint: every process runs with fake static credentials, no
profile, no config files, and every client is pointed at the loopback moto server.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: The hidden flag that makes a benchmark script act as the moto child.
CHILD_FLAG = "--moto-child"
_SCRUBBED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_SECURITY_TOKEN")
_FAKE = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def use_fake_aws_credentials() -> None:
    """Forget the user's AWS identity and endpoints for this process (benchmarks own their process)."""
    for name in _SCRUBBED:
        os.environ.pop(name, None)
    os.environ.update(_FAKE)


def rss_mib() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    """Resident set size of this process now."""
    return _status_kib(os.getpid(), "VmRSS") / 1024


def _status_kib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, all its threads (/proc/<pid>/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = stat.rsplit(")", 1)[1].split()  # the command name may contain spaces: skip past it
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MotoChild:
    """The parent's handle on the child: `with MotoChild(script, args) as child: child.endpoint ...`."""

    def __init__(self, script: Path, args: Sequence[str]) -> None:
        self.script = script
        self.args = list(args)
        self.info: dict[str, Any] = {}
        self._process: subprocess.Popen[str] | None = None

    @property
    def endpoint(self) -> str:
        return str(self.info["endpoint"])

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the moto child is not running")
        return self._process.pid

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def peak_rss_mib(self) -> float:
        return _status_kib(self.pid, "VmHWM") / 1024

    def __enter__(self) -> MotoChild:
        self._process = subprocess.Popen(
            [sys.executable, str(self.script), CHILD_FLAG, *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),  # already scrubbed by use_fake_aws_credentials()
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            code = self._process.wait()
            raise RuntimeError(f"the moto child exited ({code}) before reporting its endpoint; see its stderr")
        self.info = json.loads(line)
        return self

    def __exit__(self, *exc_info: object) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()  # the child's signal to stop its server and exit
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve(build: Callable[[Any], dict[str, Any]]) -> None:
    """The child's side: start the server, `build(server)`, report, serve until stdin closes."""
    from orgsweep_local.demo import DemoServer

    use_fake_aws_credentials()
    with DemoServer() as server:
        os.environ["AWS_ENDPOINT_URL"] = server.endpoint_url  # a client built without endpoint_url stays local
        _report_and_wait({"endpoint": server.endpoint_url, **build(server)})


def serve_proxy(upstream_url: str, latency_s: float) -> None:
    """A child that is only a FaultProxy adding `latency_s` to every call: its CPU is not the scanner's."""
    from orgsweep_local.demo.faults import FaultPlan, FaultProxy

    use_fake_aws_credentials()
    with FaultProxy(upstream_url, FaultPlan(latency_s={"*": latency_s})) as proxy:
        _report_and_wait({"endpoint": proxy.endpoint_url})


def _report_and_wait(facts: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(facts) + "\n")
    sys.stdout.flush()
    sys.stdin.read()  # returns at EOF: the parent closed our stdin (or died)


class RequestCounter:
    """botocore observers on every session of the process: HTTP attempts by "service.Operation", and the
    seconds from sending each attempt to having parsed its response (server time + transfer + parsing)."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._started = threading.local()

    def install(self) -> RequestCounter:
        """Observe every botocore session created from now on."""
        import botocore.handlers

        botocore.handlers.BUILTIN_HANDLERS.insert(0, ("before-send", self._before_send))
        botocore.handlers.BUILTIN_HANDLERS.insert(0, ("needs-retry", self._answered))
        return self

    def _before_send(self, event_name: str = "", **_kwargs: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        self._started.at = time.perf_counter()
        with self._lock:
            self.sent[f"{service}.{operation}"] += 1

    def _answered(self, event_name: str = "", **_kwargs: Any) -> None:
        started = getattr(self._started, "at", None)
        if started is None:
            return
        self._started.at = None
        _, service, operation = event_name.split(".", 2)
        with self._lock:
            self.seconds[f"{service}.{operation}"] += time.perf_counter() - started

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.sent)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(max(1, math.ceil(fraction * len(ordered))), len(ordered))
    return ordered[rank - 1]


__all__ = [
    "CHILD_FLAG",
    "MotoChild",
    "RequestCounter",
    "cpu_seconds",
    "current_rss_mib",
    "percentile",
    "rss_mib",
    "serve",
    "serve_proxy",
    "use_fake_aws_credentials",
]
