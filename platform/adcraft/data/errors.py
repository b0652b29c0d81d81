"""The one error type for bad input data: it always names where the problem is."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """Malformed input: names the file, the line (text files) or data row (1-based), the field."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        row: int | None = None,
        field: str | None = None,
    ):
        self.path = str(path)
        self.line = line
        self.row = row
        self.field = field
        self.problem = problem
        where = self.path
        if line is not None:
            where += f":{line}"
        if row is not None:
            where += f", row {row}"
        what = f"field '{field}': {problem}" if field else problem
        super().__init__(f"{where}: {what}")
