"""Errors of the tables package: rows, Parquet writing, named queries."""

from __future__ import annotations

from orgsweep.exceptions import OrgSweepError


class TablesError(OrgSweepError):
    """Base class of table (Parquet, Glue, named query) errors."""


class RowFormatError(TablesError, ValueError):
    """Rows whose values do not fit the table's schema (wrong type, unparseable timestamp...)."""


class TableWriterError(TablesError, ValueError):
    """A ParquetTableWriter used wrongly: a row group size below 1, or a write after close()."""


class NamedQueryError(TablesError, ValueError):
    """A named query file that is missing or lacks its `-- name:` / `-- description:` header."""


__all__ = ["NamedQueryError", "RowFormatError", "TableWriterError", "TablesError"]
