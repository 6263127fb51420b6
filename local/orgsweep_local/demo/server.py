"""An embedded moto server for the demo and the end-to-end tests.

moto runs inside this process on a background thread, bound to a free 127.0.0.1 port.
The Step Functions interpreter is switched on so executions really run (TESTING-NOTES),
and moto's id generator is seeded so a seeded fleet gets the same ids every time.
moto's backends are process-global: one DemoServer owns them while it runs (it resets
them when it starts and when it stops).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any

from orgsweep_local.demo.exceptions import DemoServerError

_LOOPBACK = "127.0.0.1"
#: moto's default account: the hub (management account, state machine, bucket) lives here.
HUB_ACCOUNT_ID = "123456789012"
#: Static fake credentials: the demo never looks at the user's real AWS credentials.
DEMO_ACCESS_KEY_ID = "AKIAORGSWEEPDEMO0000"
DEMO_SECRET_ACCESS_KEY = "orgsweep-demo-secret"


class DemoServer:
    """A moto ThreadedMotoServer on a free loopback port. Use as a context manager."""

    def __init__(
        self, *, execute_state_machines: bool = True, id_seed: int | None = 0, load_default_amis: bool = False
    ) -> None:
        self._execute_state_machines = execute_state_machines
        self._id_seed = id_seed
        self._load_default_amis = load_default_amis
        self._restore_amis_setting: Any = None
        self._server: Any = None
        self._endpoint_url: str | None = None

    @property
    def endpoint_url(self) -> str:
        if self._endpoint_url is None:
            raise DemoServerError("the demo server is not running")
        return self._endpoint_url

    @property
    def port(self) -> int:
        return int(self.endpoint_url.rsplit(":", 1)[1])

    def session(self, region: str = "us-east-1") -> Any:
        """A boto3 Session acting as the hub account, with fake static credentials."""
        import boto3

        return boto3.Session(
            aws_access_key_id=DEMO_ACCESS_KEY_ID,
            aws_secret_access_key=DEMO_SECRET_ACCESS_KEY,
            region_name=region,
        )

    def start(self) -> str:
        """Start the server and return its endpoint URL (http://127.0.0.1:<port>)."""
        if self._server is not None:
            return self.endpoint_url
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as exc:  # moto[server] is in the `local` extra
            raise DemoServerError("the demo needs moto[server]: pip install 'orgsweep[local]'") from exc
        if not self._load_default_amis:
            self._disable_default_amis()
        # werkzeug logs every request at INFO on stderr; the demo has its own output.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # Port 0: the OS picks a free port at bind time, so parallel test workers never collide.
        server = ThreadedMotoServer(ip_address=_LOOPBACK, port=0, verbose=False)
        try:
            server.start()
        except OSError as exc:
            raise DemoServerError(f"cannot start the moto server on {_LOOPBACK}: {exc}") from exc
        self._server = server
        host, port = server.get_host_and_port()
        self._endpoint_url = f"http://{host}:{port}"
        try:
            self._post("/moto-api/reset", b"")
            if self._id_seed is not None:
                self._post(f"/moto-api/seed?a={int(self._id_seed)}", b"")
            if self._execute_state_machines:
                config = {"stepfunctions": {"execute_state_machine": True}}
                self._post("/moto-api/config", json.dumps(config).encode())
        except DemoServerError:
            self.stop()
            raise
        return self._endpoint_url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        try:
            self._post("/moto-api/reset", b"")
        except DemoServerError:
            pass  # stopping anyway; nothing else shares these backends
        finally:
            server.stop()
            self._endpoint_url = None
            if self._restore_amis_setting is not None:
                import moto.settings

                moto.settings.ec2_load_default_amis = self._restore_amis_setting
                self._restore_amis_setting = None

    def _disable_default_amis(self) -> None:
        # moto gives every new EC2 backend ~600 public AMIs, each with a snapshot that moto lists
        # as the caller's (it ignores OwnerIds). A real account owns none of them, and loading them
        # costs seconds per (account, region). moto reads this switch when a backend is created.
        import moto.settings

        self._restore_amis_setting = moto.settings.ec2_load_default_amis
        moto.settings.ec2_load_default_amis = lambda: False

    def reset_auth(self, no_auth_requests: float) -> None:
        """Let the next `no_auth_requests` requests through unchecked, then check every request against IAM.

        0 switches enforcement on at once, infinity (moto's default) off (see orgsweep_local.demo.iam).
        """
        self._post("/moto-api/reset-auth", str(float(no_auth_requests)).encode())

    def _post(self, path: str, body: bytes) -> None:
        request = urllib.request.Request(
            self.endpoint_url + path, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except (urllib.error.URLError, OSError) as exc:
            raise DemoServerError(f"moto server at {self.endpoint_url} refused {path}: {exc}") from exc

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


__all__ = ["DEMO_ACCESS_KEY_ID", "DEMO_SECRET_ACCESS_KEY", "HUB_ACCOUNT_ID", "DemoServer"]
