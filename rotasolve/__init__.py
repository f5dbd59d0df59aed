"""rotasolve: psychotherapy training-rotation scheduling for UK core psychiatry.

The public API, re-exported here explicitly; everything else is internal.
"""

from .version import __version__

from .pipeline import InvalidSolution, allocate
from .check import Violation, check
from .compliance import statuses as compliance_statuses
from .compliance import tutor_checks
from .errors import CellError, KeptItemsInfeasible, OutputPathError, RotasolveError, WorkbookError
from .excel.reader import read_workbook
from .excel.template import write_instance, write_template
from .excel.writer import write_compliance_workbook, write_solution
from .explain import explain
from .generate import generate
from .domain import Case, Group, Instance, Profile, Settings, Site, Supervisor, Trainee, Tutor
from .engine import SolveOptions
from .progress import Progress, ProgressPrinter
from .solution import Solution

__all__ = [
    "__version__", "allocate", "check", "compliance_statuses", "explain", "generate", "read_workbook",
    "tutor_checks", "write_compliance_workbook", "write_instance", "write_solution", "write_template",
    "Case", "CellError", "Group", "Instance", "InvalidSolution", "KeptItemsInfeasible", "OutputPathError",
    "Profile", "Progress", "ProgressPrinter", "RotasolveError", "Settings", "Site", "Solution", "SolveOptions",
    "Supervisor", "Trainee", "Tutor", "Violation", "WorkbookError",
]
