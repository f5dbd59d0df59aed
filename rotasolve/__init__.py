"""rotasolve: psychotherapy training-rotation scheduling for UK core psychiatry.

The public API, re-exported here explicitly; everything else is internal.
"""

from .core import clock as _clock  # noqa: F401  # first: a command's time limit counts loading the rest
from .core.version import __version__

from .pipeline import InvalidSolution, allocate
from .check import Violation, check
from .analysis.compliance import statuses as compliance_statuses
from .analysis.compliance import tutor_checks
from .core.errors import CellError, KeptItemsInfeasible, OutputPathError, RotasolveError, WorkbookError
from .workbook.reader import read_workbook
from .workbook.template import write_instance, write_template
from .excel.writer import write_compliance_workbook, write_solution
from .analysis.explain import explain
from .synthetic.generate import generate
from .domain import Case, Group, Instance, Profile, Settings, Site, Supervisor, Trainee, Tutor
from .engine import SolveOptions
from .core.progress import Progress, ProgressPrinter
from .results.solution import Solution

__all__ = [
    "__version__", "allocate", "check", "compliance_statuses", "explain", "generate", "read_workbook",
    "tutor_checks", "write_compliance_workbook", "write_instance", "write_solution", "write_template",
    "Case", "CellError", "Group", "Instance", "InvalidSolution", "KeptItemsInfeasible", "OutputPathError",
    "Profile", "Progress", "ProgressPrinter", "RotasolveError", "Settings", "Site", "Solution", "SolveOptions",
    "Supervisor", "Trainee", "Tutor", "Violation", "WorkbookError",
]
