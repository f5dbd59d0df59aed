"""The solve engine: parts, budgets, memory guard, processes; the CP-SAT model itself is
in ``rotasolve.model``."""

from .options import SolveOptions
from .solve import solve

__all__ = ["SolveOptions", "solve"]
