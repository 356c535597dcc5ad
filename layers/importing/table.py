"""A file as the importer reads it: rows of cells, numbered as the planner sees them, whatever the format."""

from __future__ import annotations

from dataclasses import dataclass, field

Cell = str | int | float | None


@dataclass
class Table:
    """Every row of the file (row i of `rows` is file row i + 1), and how it was read."""

    rows: list[list[Cell]]
    format: str
    encoding: str | None = None
    sheet: str | None = None
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # formulas with no saved value
