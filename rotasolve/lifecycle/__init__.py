"""A rotation's life beyond one solve: the next period's scheme, whether a solution
belongs to a workbook, and calendars of an allocation (lifecycle.md). No Excel here:
``excel/next_workbook.py`` writes the next workbook from what this package works out."""

from .calendars import calendar_files
from .fit import solution_problems
from .rollforward import RollForward, roll_forward

__all__ = ["RollForward", "calendar_files", "roll_forward", "solution_problems"]
