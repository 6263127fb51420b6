"""The app's settings: one frozen, validated object built from cdk.json context key `orgsweep`.

Every key is optional (the defaults below apply); an unknown key or a bad value fails synth
with a SettingsError naming the setting. Settings are read once from the context the CDK
CLI hands the app - never from the environment and never from AWS (synth stays offline and
deterministic).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra import validators as v
from infra.exceptions import SettingsError
from infra.types import FunctionSizing

#: Values AWS::Logs::LogGroup RetentionInDays accepts.
# fmt: off
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
# fmt: on
#: Preset names of orgsweep.presets (infra does not import runtime code beyond checks/schemas;
#: tests/infra asserts the two lists agree).
PRESET_NAMES: tuple[str, ...] = ("aggressive", "conservative", "default")
LOG_LEVELS: tuple[str, ...] = ("CRITICAL", "DEBUG", "ERROR", "INFO", "WARNING")
FUNCTION_NAMES: tuple[str, ...] = ("plan", "scan_cell", "aggregate")
#: CloudFormation StackSet CallAs: the management account itself, or a StackSets delegated administrator.
STACKSET_CALL_AS: tuple[str, ...] = ("DELEGATED_ADMIN", "SELF")

_MEMORY = v.integer(128, 10240)
_TIMEOUT = v.integer(1, 900)


def _setting(default: Any, reader: v.Reader) -> Any:
    return field(default=default, metadata={"read": reader})


@dataclass(frozen=True, slots=True)
class Settings:
    """Deployment settings (cdk.json `context.orgsweep`). See docs/deploy.md for each one."""

    schedule_enabled: bool = _setting(False, v.boolean)
    schedule_expression: str = _setting(
        "cron(0 3 * * ? *)", v.matching(v.SCHEDULE_RE, "a Scheduler cron(...), rate(...) or at(...)")
    )
    schedule_timezone: str = _setting("UTC", v.matching(v.TIMEZONE_RE, "an IANA time zone"))
    map_max_concurrency: int = _setting(200, v.integer(1, 10000))
    tolerated_failure_percentage: float = _setting(0.0, v.number(0, 100))
    member_role_name: str = _setting("OrgSweepReadOnly", v.matching(v.ROLE_NAME_RE, "an IAM role name"))
    scan_role_name: str = _setting("orgsweep-scan-cell", v.matching(v.ROLE_NAME_RE, "an IAM role name"))
    external_id: str | None = _setting(
        None, v.optional(v.matching(v.EXTERNAL_ID_RE, "an external id (2-1224 of letters, digits, +=,.@:/-_)"))
    )
    organization_id: str | None = _setting(
        None, v.optional(v.matching(v.ORGANIZATION_ID_RE, "an organization id (o-xxxxxxxxxx)"))
    )
    ous: tuple[str, ...] = _setting((), v.string_list(v.OU_ID_RE, "an OU id (ou-xxxx-xxxxxxxx)"))
    regions: tuple[str, ...] = _setting((), v.string_list(v.REGION_RE, "a region name"))
    accounts_include: tuple[str, ...] = _setting((), v.string_list(v.ACCOUNT_ID_RE, "a 12-digit account id"))
    accounts_exclude: tuple[str, ...] = _setting((), v.string_list(v.ACCOUNT_ID_RE, "a 12-digit account id"))
    priority_accounts: tuple[str, ...] = _setting((), v.string_list(v.ACCOUNT_ID_RE, "a 12-digit account id"))
    priority_ous: tuple[str, ...] = _setting((), v.string_list(v.OU_ID_RE, "an OU id (ou-xxxx-xxxxxxxx)"))
    default_preset: str = _setting("default", v.one_of(PRESET_NAMES))
    plan_memory_mb: int = _setting(512, _MEMORY)
    plan_timeout_s: int = _setting(300, _TIMEOUT)
    scan_cell_memory_mb: int = _setting(1024, _MEMORY)
    scan_cell_timeout_s: int = _setting(900, _TIMEOUT)
    aggregate_memory_mb: int = _setting(2048, _MEMORY)
    aggregate_timeout_s: int = _setting(900, _TIMEOUT)
    log_level: str = _setting("INFO", v.one_of(LOG_LEVELS))
    log_retention_days: int = _setting(30, v.one_of(LOG_RETENTION_DAYS))
    results_retention_days: int = _setting(30, v.integer(1, 3650))
    alarm_email: str | None = _setting(None, v.optional(v.matching(v.EMAIL_RE, "an e-mail address")))
    deploy_member_stackset: bool = _setting(False, v.boolean)
    member_stackset_ous: tuple[str, ...] = _setting(
        (), v.string_list(v.ROOT_OR_OU_ID_RE, "a root or OU id (r-xxxx / ou-xxxx-xxxxxxxx)")
    )
    # IAM is global: one region per account, or the second stack instance collides on the role name.
    member_stackset_regions: tuple[str, ...] = _setting((), v.string_list(v.REGION_RE, "a region name", max_items=1))
    # DELEGATED_ADMIN when the hub runs in a StackSets delegated administrator account, not the management account.
    member_stackset_call_as: str = _setting("SELF", v.one_of(STACKSET_CALL_AS))
    hub_account_id: str | None = _setting(None, v.optional(v.matching(v.ACCOUNT_ID_RE, "a 12-digit account id")))
    athena_database: str = _setting("orgsweep", v.matching(v.GLUE_NAME_RE, "a Glue database name ([a-z0-9_])"))
    athena_workgroup: str = _setting("orgsweep", v.matching(v.WORKGROUP_RE, "an Athena workgroup name"))
    athena_bytes_scanned_cutoff: int = _setting(10 * 1024**3, v.integer(10_000_000, 2**53))

    def __post_init__(self) -> None:
        # Validate (and normalise, e.g. list -> tuple) every field, however the object was built.
        for spec in dataclasses.fields(self):
            object.__setattr__(self, spec.name, spec.metadata["read"](spec.name, getattr(self, spec.name)))
        if self.deploy_member_stackset:
            if not self.member_stackset_ous:
                raise SettingsError("member_stackset_ous", "must list at least one OU when deploy_member_stackset")
            if self.organization_id is None:
                raise SettingsError(
                    "organization_id", "is required when deploy_member_stackset (the member role trusts only the org)"
                )

    @classmethod
    def from_context(cls, context: Any) -> Settings:
        """Build from the `orgsweep` context value (a JSON object, or a JSON string from `-c`)."""
        if context is None:
            return cls()
        if isinstance(context, str):
            try:
                context = json.loads(context)
            except ValueError as exc:
                raise SettingsError("<root>", f"is not valid JSON: {exc}") from exc
        if not isinstance(context, Mapping):
            raise SettingsError("<root>", f"expected an object, got {type(context).__name__}")
        specs = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in context.items():
            spec = specs.get(key)
            if spec is None:
                raise SettingsError(str(key), f"unknown setting (known: {', '.join(sorted(specs))})")
            # null means "use the default" for every setting
            if raw is None and spec.default is not None:
                continue
            values[key] = raw
        return cls(**values)  # __post_init__ validates every value

    @classmethod
    def from_cdk_json(cls, path: Path) -> Settings:
        """The settings of a cdk.json file (what `cdk synth` would pass the app)."""
        document = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_context(document.get("context", {}).get("orgsweep"))

    def sizing(self, function: str) -> FunctionSizing:
        if function not in FUNCTION_NAMES:
            raise KeyError(function)
        return FunctionSizing(getattr(self, f"{function}_memory_mb"), getattr(self, f"{function}_timeout_s"))

    def run_defaults(self) -> dict[str, Any]:
        """The plan Lambda's ORGSWEEP_DEFAULTS (field names of orgsweep.pipeline.defaults.RunDefaults)."""
        return {
            "role_name": self.member_role_name,
            "external_id": self.external_id,
            "preset": self.default_preset,
            "regions": list(self.regions),
            "ous": list(self.ous),
            "accounts_include": list(self.accounts_include),
            "accounts_exclude": list(self.accounts_exclude),
            "priority_accounts": list(self.priority_accounts),
            "priority_ous": list(self.priority_ous),
        }

    def run_defaults_json(self) -> str:
        return json.dumps(self.run_defaults(), sort_keys=True, separators=(",", ":"))

    def deployed_access_json(self, partition: str) -> str:
        """The plan Lambda's ORGSWEEP_DEPLOYED_ACCESS (orgsweep.pipeline.deployed.DeployedAccess).

        What the deployed roles accept: the scan role may assume only member_role_name, and the
        member roles require external_id when it is set. `partition` is the stack's (a token).
        """
        document = {"member_role_name": self.member_role_name, "external_id": self.external_id, "partition": partition}
        return json.dumps(document, sort_keys=True, separators=(",", ":"))


__all__ = ["FUNCTION_NAMES", "LOG_LEVELS", "LOG_RETENTION_DAYS", "PRESET_NAMES", "FunctionSizing", "Settings"]
