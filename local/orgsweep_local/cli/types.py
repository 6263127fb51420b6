"""Value types of the command line (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

#: A repeatable option as typer hands it: None when not given.
Strings = list[str] | None


@dataclass(slots=True)
class InputOptions:
    """The execution-input options of `scan` and `start` (empty / None: not given)."""

    accounts: list[str] = field(default_factory=list)
    exclude_accounts: list[str] = field(default_factory=list)
    ous: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    exclude_regions: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    exclude_checks: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    preset: str | None = None
    role_name: str | None = None
    external_id: str | None = None
    run_id: str | None = None
    input_file: Path | None = None

    @classmethod
    def from_cli(
        cls,
        *,
        account: Strings,
        exclude_account: Strings,
        ou: Strings,
        region: Strings,
        exclude_region: Strings,
        check: Strings,
        exclude_check: Strings,
        param: Strings,
        preset: str | None,
        role_name: str | None,
        external_id: str | None,
        run_id: str | None,
        input_file: Path | None,
    ) -> InputOptions:
        """The options as typer hands them (an option not given is None)."""
        return cls(
            accounts=account or [], exclude_accounts=exclude_account or [], ous=ou or [], regions=region or [],
            exclude_regions=exclude_region or [], checks=check or [], exclude_checks=exclude_check or [],
            params=param or [], preset=preset, role_name=role_name, external_id=external_id, run_id=run_id,
            input_file=input_file,
        )


@dataclass(frozen=True, slots=True)
class Destination:
    """A results store and how to point `orgsweep query` at it."""

    storage: Any
    description: str
    query_args: str  # e.g. "--out orgsweep-out" or "--bucket b --prefix p"
    local_root: Path | None = None


@dataclass(frozen=True, slots=True)
class ExecutionProgress:
    """One poll of a workflow execution: its status and its Distributed Map item counts."""

    status: str
    items_total: int = 0
    items_done: int = 0
    item_counts: dict[str, int] = field(default_factory=dict)


class Engine(StrEnum):
    """Which engine `orgsweep demo` sweeps with."""

    LOCAL = "local"
    STEPFUNCTIONS = "stepfunctions"


__all__ = ["Destination", "Engine", "ExecutionProgress", "InputOptions", "Strings"]
