"""Domain errors. They carry enough to tell a user what to change; the CLI turns them
into messages and exit codes, nothing below it prints or exits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class CellError:
    """One problem in the workbook, located as Excel shows it."""

    sheet: str
    row: int | None  # Excel row number (1 = header row); None for a whole-sheet problem
    column: str | None  # the column header as the contract names it
    value: str | None  # what was found (already shortened / redacted where needed)
    message: str  # what is wrong and what to do
    severity: str = "error"  # "error" or "warning"

    def location(self) -> str:
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        found = f" (found: {self.value})" if self.value not in (None, "") else ""
        return f"{self.location()}: {self.message}{found}"


class RotasolveError(Exception):
    """Base of every error rotasolve raises on purpose."""


class WorkbookError(RotasolveError):
    """The workbook cannot be read as a scheme; ``problems`` lists every reason at once."""

    def __init__(self, problems: list[CellError], warnings: list[CellError] | None = None):
        self.problems = sorted(problems, key=_order)
        self.warnings = sorted(warnings or [], key=_order)
        n = len(self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the workbook")


class OutputPathError(RotasolveError):
    """An output would overwrite an input or an existing file without --force."""


class KeptItemsInfeasible(RotasolveError):
    """The running cases, groups and supervisors themselves break a hard rule."""

    def __init__(self, conflicts: list[str]):
        self.conflicts = conflicts
        super().__init__("kept items conflict: " + "; ".join(conflicts))


def _order(e: CellError):
    return (e.sheet, e.row if e.row is not None else 0, e.column or "", e.message)
