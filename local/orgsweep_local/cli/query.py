"""`orgsweep query`: DuckDB over the results tables (a named query, or any SQL)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from orgsweep_local.cli.context import AwsProfileOpt, BucketOpt, OutOpt, PrefixOpt, aws_session, destination
from orgsweep_local.cli.errors import invalid, reported_errors
from orgsweep_local.cli.table_width import print_table

_NAME = re.compile(r"[a-z0-9_]+")


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _emit(columns: list[str], rows: list[dict[str, Any]], output_format: Format) -> None:
    rows = [{k: _plain(v) for k, v in row.items()} for row in rows]
    if output_format is Format.JSON:
        typer.echo(json.dumps(rows, indent=2, default=str))
    elif output_format is Format.CSV:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(buffer.getvalue(), nl=False)
    else:
        table = Table(caption=f"{len(rows)} row(s)")
        for column in columns:
            table.add_column(column)
        for row in rows:
            # Text: a value is data, never rich markup ("[ok]" stays "[ok]").
            table.add_row(*(Text("" if row[c] is None else str(row[c])) for c in columns))
        print_table(Console(), table)  # wraps between words only: ids and ARNs stay whole


def _list_named() -> None:
    from orgsweep.tables.queries import list_named_queries
    from orgsweep_local.cli.named_queries import queries_dir

    table = Table(title="Named queries", title_justify="left")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("description")
    for named in list_named_queries(queries_dir()):
        table.add_row(named.name, named.description)
    print_table(Console(), table)
    typer.echo("Run one with `orgsweep query NAME [--out DIR | --bucket NAME]`, or pass any SQL over "
               "the views findings, inventory and coverage.")


def query(  # noqa: PLR0917 (typer maps parameters to options)
    query_text: Annotated[
        str | None, typer.Argument(metavar="[NAME | SQL]", help="A named query (see the list) or SQL.")
    ] = None,
    out: OutOpt = None,
    bucket: BucketOpt = None,
    prefix: PrefixOpt = "",
    output_format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.TABLE,
    aws_profile: AwsProfileOpt = None,
) -> None:
    """Query the findings, inventory and coverage tables with DuckDB.

    Without arguments, lists the named queries (the same .sql files the Athena workgroup
    gets). NAME runs one of them; anything else is run as SQL over the views `findings`,
    `inventory` and `coverage` (each with its `dt` partition column), e.g.
    `orgsweep query "SELECT check_id, count(*) FROM findings GROUP BY 1"`.
    """
    from orgsweep.tables.queries import load_named_query
    from orgsweep_local.cli.named_queries import queries_dir
    from orgsweep_local.cli.tables_db import opened, rows_of

    with reported_errors():
        if query_text is None:
            _list_named()
            return
        text = query_text.strip()
        if not text:
            raise invalid("the query is empty")
        if _NAME.fullmatch(text):
            try:
                sql = load_named_query(text, queries_dir()).body
            except Exception as exc:
                raise invalid(str(exc)) from exc
        else:
            sql = text
        session = aws_session(aws_profile) if bucket is not None else None
        dest = destination(out, bucket, prefix, session=session)
        import duckdb

        with opened(dest) as connection:
            try:
                columns, rows = rows_of(connection, sql)
            except duckdb.Error as exc:
                raise invalid(f"query failed: {exc}") from exc
        _emit(columns, rows, output_format)


__all__ = ["query"]
