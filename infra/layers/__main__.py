"""`python -m infra.layers` (`make layers`): build the dependency layers into the cache unless they are there."""

from __future__ import annotations

import sys
import time

from infra.exceptions import InfraError
from infra.layers.dependencies import layer_folder
from infra.layers.specs import DEPENDENCY_LAYERS


def main() -> None:
    for spec in DEPENDENCY_LAYERS:
        started = time.monotonic()
        try:
            folder = layer_folder(spec)
        except InfraError as exc:
            sys.exit(f"orgsweep: {exc}")
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(f"{spec.name} layer: {folder} ({size / 1e6:.1f} MB unzipped, {time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
