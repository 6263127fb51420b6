"""Named queries: `<dir>/<name>.sql` files headed by `-- name:` and `-- description:` comments.

The SQL sticks to what Athena (Trino) and DuckDB both run, and names the tables
unqualified (findings, inventory, coverage): Athena resolves them in the workgroup's
database, tests and the local engine create DuckDB views with those names.
The repository keeps them in its top-level `queries/`; callers pass the directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from orgsweep.tables.exceptions import NamedQueryError

_HEADER_RE = re.compile(r"--\s*(name|description):\s*(.*\S)\s*$")
_NAME_RE = re.compile(r"[a-z0-9_]{1,128}")


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """One named query file, parsed: the Athena named query (and the DuckDB test) it becomes."""

    name: str
    description: str
    sql: str  # the whole file, header included (Athena keeps the comments)
    path: Path

    @property
    def body(self) -> str:
        """The SQL without the header comments and trailing semicolon."""
        lines = self.sql.splitlines()
        while lines and (not lines[0].strip() or _HEADER_RE.match(lines[0].strip())):
            lines.pop(0)
        return "\n".join(lines).strip().rstrip(";").strip()


def parse_named_query(path: Path) -> NamedQuery:
    path = Path(path)
    try:
        sql = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NamedQueryError(f"cannot read named query {path}: {exc}") from exc
    header: dict[str, str] = {}
    for line in sql.splitlines():
        match = _HEADER_RE.match(line.strip())
        if not match:
            break
        header[match.group(1)] = match.group(2)
    for key in ("name", "description"):
        if key not in header:
            raise NamedQueryError(f"{path}: must start with a '-- {key}:' comment line")
    name = header["name"]
    if name != path.stem or not _NAME_RE.fullmatch(name):
        raise NamedQueryError(f"{path}: '-- name: {name}' must equal the file name ({path.stem}) in [a-z0-9_]")
    return NamedQuery(name=name, description=header["description"], sql=sql, path=path)


def list_named_queries(directory: Path | str) -> list[NamedQuery]:
    """Every `*.sql` in `directory`, sorted by name."""
    folder = Path(directory)
    if not folder.is_dir():
        raise NamedQueryError(f"named query directory {folder} does not exist")
    return [parse_named_query(path) for path in sorted(folder.glob("*.sql"))]


def load_named_query(name: str, directory: Path | str) -> NamedQuery:
    if not _NAME_RE.fullmatch(name):
        raise NamedQueryError(f"{name!r} is not a named query name ([a-z0-9_])")
    path = Path(directory) / f"{name}.sql"
    if not path.is_file():
        known = ", ".join(q.name for q in list_named_queries(directory)) or "none"
        raise NamedQueryError(f"no named query {name!r} in {directory} (known: {known})")
    return parse_named_query(path)


__all__ = ["NamedQuery", "list_named_queries", "load_named_query", "parse_named_query"]
