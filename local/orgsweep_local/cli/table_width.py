"""Print rich tables without ever cutting an id: account ids, ARNs, check ids, run ids, regions.

rich shrinks a table that is wider than the console by narrowing columns evenly, below the
longest word if need be, and then folds or truncates ("ebs-snapshot-orp…"); a `min_width`
does not stop it (it crops the line instead). So the widths are decided here:

- an id column is declared `no_wrap=True`: it gets the width of its longest value (each line of
  a multi-line cell is one value);
- every other column may wrap, but only between words: it gets at least its longest word;
- what is left of the console width goes to the wrapping columns, up to their natural width;
- when even that minimum is wider than the console (a narrow terminal, or a pipe, where rich
  assumes 80 columns), the table is printed wider than the console anyway (wrapping columns
  get a readable width): lines run past the right edge and a terminal soft-wraps them, but
  every id stays whole on one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

#: Measure content as if the console had no width limit.
_UNBOUNDED = 100_000
#: A wrapping column of a table wider than the console gets at least this many characters
#: (or its natural width): the lines run past the edge anyway, and one word a line reads badly.
_READABLE = 24


def _content_range(console: Console, table: Table, index: int) -> tuple[int, int]:
    """(minimum, natural) content width of one column, header included, padding excluded."""
    column = table.columns[index]
    options = console.options.update_width(_UNBOUNDED)
    minimum = natural = 1
    for renderable in (column.header, *column.cells):
        measured = Measurement.get(console, options, renderable)
        minimum, natural = max(minimum, measured.minimum), max(natural, measured.maximum)
    return (natural, natural) if column.no_wrap else (minimum, natural)


def _borders(table: Table) -> int:
    """Characters outside the cells: the box's edges and separators (rich's Table._extra_width)."""
    columns = len(table.columns)
    if not table.box:
        return 0
    return columns - 1 + (2 if table.show_edge else 0)


def _padding(table: Table) -> int:
    _, right, _, left = table.padding
    return left + right


def fit_columns(table: Table, console: Console) -> int:
    """Fix every column's width for `console` as the module says; return the table's total width."""
    ranges = [_content_range(console, table, index) for index in range(len(table.columns))]
    frame = _borders(table) + _padding(table) * len(table.columns)
    widths = [low for low, _ in ranges]
    spare = console.width - frame - sum(widths)
    if spare < 0:
        widths = [max(low, min(high, _READABLE)) for low, high in ranges]
    slack = [high - low for low, high in ranges]
    total_slack: int = sum(slack)
    if spare > 0 and total_slack > 0:
        if spare >= total_slack:
            widths = [high for _, high in ranges]
        else:
            # Share the spare width in proportion to how much each column would still grow.
            grants = [spare * room // total_slack for room in slack]
            for index in sorted(range(len(slack)), key=lambda i: slack[i] - grants[i], reverse=True):
                if sum(grants) >= spare:
                    break
                if grants[index] < slack[index]:
                    grants[index] += 1
            widths = [low + grant for low, grant in zip(widths, grants, strict=True)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        column.overflow = "fold"  # never reached: every word fits its column
    return frame + sum(widths)


@contextmanager
def _at_least(console: Console, width: int) -> Iterator[None]:
    saved = console.width
    if width > saved:
        console.width = width
    try:
        yield
    finally:
        console.width = saved


def print_table(console: Console, table: Table) -> None:
    """Print `table` on `console` with every word (and every id) whole; see the module docstring."""
    needed = fit_columns(table, console)
    with _at_least(console, needed):
        console.print(table)


__all__ = ["fit_columns", "print_table"]
