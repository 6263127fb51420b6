"""Table schemas, Glue definitions and named queries (pure Python); Parquet writing (pyarrow, lazily).

`orgsweep.tables.writer` needs pyarrow and is not imported here: import it where rows are written.
"""

from orgsweep.tables.exceptions import NamedQueryError, RowFormatError, TablesError, TableWriterError
from orgsweep.tables.glue import glue_table_input, glue_table_input_for_api
from orgsweep.tables.queries import NamedQuery, list_named_queries, load_named_query
from orgsweep.tables.schemas import COVERAGE, FINDINGS, INVENTORY, TABLES, TABLES_BY_NAME
from orgsweep.tables.types import Column, ColumnType, TableSchema

__all__ = [
    "COVERAGE",
    "FINDINGS",
    "INVENTORY",
    "TABLES",
    "TABLES_BY_NAME",
    "Column",
    "ColumnType",
    "NamedQuery",
    "NamedQueryError",
    "RowFormatError",
    "TableSchema",
    "TableWriterError",
    "TablesError",
    "glue_table_input",
    "glue_table_input_for_api",
    "list_named_queries",
    "load_named_query",
]
