"""Where the named queries (the repository's queries/*.sql) are found.

An editable install reads the repository's top-level `queries/` directly. An installed
package reads `orgsweep/queries/`, which the build has to fill with copies of those files
(see the lead's packaging note: pyproject already ships `**/*.sql` package data).
"""

from __future__ import annotations

from pathlib import Path

import orgsweep


def queries_dir() -> Path:
    """The repository's queries/ when running from a checkout, else the packaged copy."""
    package = Path(orgsweep.__file__).resolve().parent
    # layers/shared/python/orgsweep -> the repository root is four levels up.
    repository = package.parents[3] / "queries" if len(package.parents) > 3 else None
    if repository is not None and repository.is_dir() and any(repository.glob("*.sql")):
        return repository
    return package / "queries"


__all__ = ["queries_dir"]
