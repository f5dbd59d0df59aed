"""Scenario sweeps: many policy variations × many schemes, each solved as an independent
job on a local process pool or a Ray cluster (planning.md, "Scenarios").

The library never imports the command line; ``rotasolve sweep`` is a thin layer on
``sweep()``. Ray is optional and imported only by ``RayEngine``.
"""

from ..domain.scenario import BASELINE, Scenario, ScenarioMismatch
from .jobs import Job, JobResult, WorkbookData, run_job
from .pool import LocalPool
from .ray_engine import RayEngine, RayMissing, RayUnavailable
from ..results.sweep import ScenarioTotal, SweepReport, SweepRow
from .run import Done, Engine, sweep, with_baseline

__all__ = [
    "BASELINE", "Done", "Engine", "Job", "JobResult", "LocalPool", "RayEngine", "RayMissing", "RayUnavailable",
    "Scenario", "ScenarioMismatch", "ScenarioTotal", "SweepReport", "SweepRow", "WorkbookData", "run_job", "sweep",
    "with_baseline",
]
