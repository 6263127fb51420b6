"""Table schemas (pure Python) and Parquet writing (pyarrow, imported lazily)."""

from orgsweep.tables.schemas import COVERAGE, FINDINGS, INVENTORY, TABLES, TABLES_BY_NAME, Column, TableSchema

__all__ = ["COVERAGE", "FINDINGS", "INVENTORY", "TABLES", "TABLES_BY_NAME", "Column", "TableSchema"]
