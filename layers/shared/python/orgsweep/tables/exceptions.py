from orgsweep.exceptions import OrgSweepError


class TablesError(OrgSweepError):
    """Base class of table (Parquet, Glue, named query) errors."""


class RowFormatError(TablesError, ValueError):
    """Rows whose values do not fit the table's schema (wrong type, unparseable timestamp...)."""


class NamedQueryError(TablesError, ValueError):
    """A named query file that is missing or lacks its `-- name:` / `-- description:` header."""


__all__ = ["NamedQueryError", "RowFormatError", "TablesError"]
