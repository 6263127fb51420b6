"""What the Lambda layers hold and the platform their wheels are built for.

The functions run python3.12 on arm64 (Graviton). Lambda's python3.12 runtime is Amazon
Linux 2023 (glibc 2.34), so any manylinux wheel for aarch64 up to glibc 2.34 loads there.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The only packages of layers/shared/python that Lambda runs (everything else stays local).
SHARED_PACKAGES: tuple[str, ...] = ("orgsweep",)

#: Lambda python3.12 = Amazon Linux 2023 = glibc 2.34.
_GLIBC_MINOR = 34
#: manylinux2014 is glibc 2.17, the oldest tag aarch64 wheels carry.
_OLDEST_GLIBC_MINOR = 17


def manylinux_platforms(arch: str, glibc_minor: int = _GLIBC_MINOR) -> tuple[str, ...]:
    """Every manylinux tag a glibc 2.`glibc_minor` system loads, newest first (pip prefers earlier tags).

    pip does not widen `--platform manylinux_2_28_aarch64` to older glibc versions, nor map
    `manylinux2014` to `manylinux_2_17`: a wheel tagged only `manylinux_2_17_aarch64` would be
    missed, and pyarrow 26 for aarch64 exists only as manylinux_2_28. So all are listed.
    """
    perennial = tuple(f"manylinux_2_{minor}_{arch}" for minor in range(glibc_minor, _OLDEST_GLIBC_MINOR - 1, -1))
    return (*perennial, f"manylinux2014_{arch}")


@dataclass(frozen=True, slots=True)
class Target:
    """The interpreter and platform the dependency wheels are chosen for (pip's cross-platform options)."""

    python_version: str = "3.12"
    implementation: str = "cp"
    platforms: tuple[str, ...] = manylinux_platforms("aarch64")

    @property
    def abi(self) -> str:
        """The CPython ABI tag of extension modules, e.g. `cp312`."""
        return f"{self.implementation}{self.python_version.replace('.', '')}"


LAMBDA_TARGET = Target()


@dataclass(frozen=True, slots=True)
class DependencyLayer:
    """A layer of third-party packages, named as pyproject.toml pins them (versions are read from there)."""

    name: str
    requirements: tuple[str, ...]
    description: str


#: Every function: Powertools (with its parser, i.e. pydantic) and the AWS SDK the tests run,
#: not the runtime's own boto3 (a layer comes before it on sys.path).
RUNTIME_DEPENDENCIES = DependencyLayer(
    name="dependencies",
    requirements=("boto3", "botocore", "aws-lambda-powertools[parser]"),
    description="orgsweep runtime dependencies",
)
#: Only aggregate writes Parquet. pyarrow 26 declares no dependencies (numpy is optional).
ARROW = DependencyLayer(name="arrow", requirements=("pyarrow",), description="pyarrow for orgsweep aggregate")

DEPENDENCY_LAYERS: tuple[DependencyLayer, ...] = (RUNTIME_DEPENDENCIES, ARROW)

__all__ = [
    "ARROW",
    "DEPENDENCY_LAYERS",
    "LAMBDA_TARGET",
    "RUNTIME_DEPENDENCIES",
    "SHARED_PACKAGES",
    "DependencyLayer",
    "Target",
    "manylinux_platforms",
]
