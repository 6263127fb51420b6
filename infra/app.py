"""The CDK app (cdk.json: `.venv/bin/python infra/app.py`): the hub stack and the member role stack.

Settings come from cdk.json context `orgsweep` only; synth is offline and deterministic. cdk-nag's
AwsSolutions pack validates the whole app: an unacknowledged finding fails synth.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__" and not __package__:
    # Run as a script, Python puts infra/ first on sys.path, where infra/types.py and
    # infra/constructs/ would shadow the stdlib `types` and the `constructs` library. Fix the
    # path before importing anything else (only os and sys, loaded at startup, are used).
    _infra_dir = os.path.dirname(os.path.realpath(__file__))  # noqa: PTH120
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _infra_dir]
    sys.path.insert(0, os.path.dirname(_infra_dir))  # noqa: PTH120

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from infra.exceptions import InfraError
from infra.paths import CDK_JSON
from infra.settings import Settings
from infra.stacks.hub_stack import HUB_STACK_NAME, HubStack
from infra.stacks.member_role_stack import MEMBER_STACK_NAME, MemberRoleStack


def cdk_json_context(path: Path = CDK_JSON) -> dict[str, Any]:
    """The `context` of cdk.json (feature flags and `orgsweep`): what `cdk synth` hands the app."""
    document = json.loads(path.read_text(encoding="utf-8"))
    context: dict[str, Any] = document.get("context", {})
    return context


def build_app(
    settings: Settings | None = None, *, outdir: str | None = None, context: Mapping[str, Any] | None = None
) -> App:
    """Both stacks plus cdk-nag. Without `settings` they are read from the app's `orgsweep` context."""
    app = App(outdir=outdir, context=dict(context) if context is not None else None)
    if settings is None:
        settings = Settings.from_context(app.node.try_get_context("orgsweep"))
    HubStack(app, HUB_STACK_NAME, settings=settings)
    MemberRoleStack(app, MEMBER_STACK_NAME, settings=settings)
    # cdk-nag 3 is a policy-validation plugin: any unacknowledged finding fails synth. The
    # acknowledgements (with reasons) are also written into template Metadata as an audit trail.
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True))
    return app


def main() -> None:
    try:
        app = build_app()
    except InfraError as exc:  # a bad setting, or a layer that could not be built (offline)
        sys.exit(f"orgsweep: {exc}")
    app.synth()


__all__ = ["build_app", "cdk_json_context", "main"]

if __name__ == "__main__":
    main()
