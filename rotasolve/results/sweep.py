"""What a sweep gives: one row per scenario and workbook, totals per scenario with the
change against the baseline, and the JSON of it all. Only data: the Excel sheets are
written from this by ``excel/sweep_report.py``."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .solution import SetFieldsRecord

FORMAT = "rotasolve-sweep/1"
# NOT_RUN: the sweep was stopped early (Ctrl-C) before the job started.
RowStatus = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "FAILED", "NOT_RUN"]
SOLVED = ("OPTIMAL", "FEASIBLE")
# The counts a scenario is judged by, in the order the outputs show them.
MEASURES = ("critical_needs", "critical_placed", "placed", "will_miss", "at_risk")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SweepRow(_Data):
    """One scenario solved on one workbook. Counts are None when it has no solution."""

    scenario: str
    workbook: str  # the path as given
    scheme: str | None = None
    status: RowStatus
    reason: str = ""  # why there is no solution: the workbook's problems, a conflict, an error
    notes: list[str] = Field(default_factory=list)  # where new supervisors went
    trainees: int | None = None
    critical_needs: int | None = None  # requirements that are critical in this scenario
    critical_placed: int | None = None  # tier 1a
    placed: int | None = None  # new groups and cases this period
    will_miss: int | None = None
    at_risk: int | None = None
    tiers: list[int] = Field(default_factory=list)
    solve_seconds: float | None = None  # CP-SAT deterministic seconds (the same on any machine)
    deterministic: bool | None = None  # False: the clock stopped the search, so a re-run may differ
    solution_sha256: str | None = None  # of the placements, to compare runs and engines

    @property
    def solved(self) -> bool:
        return self.status in SOLVED


class ScenarioTotal(_Data):
    """One scenario over every workbook: sums of the solved rows, and the change against
    the baseline counted only over workbooks solved in both (so a workbook that fails in
    one of them does not pass for a change)."""

    scenario: str
    overrides: dict[str, str] = Field(default_factory=dict)
    solved: int = 0
    failed: int = 0
    # Sums over the solved rows; None when no workbook was solved (not a count of 0).
    critical_needs: int | None = None
    critical_placed: int | None = None
    placed: int | None = None
    will_miss: int | None = None
    at_risk: int | None = None
    compared_on: int = 0  # workbooks solved in both this scenario and the baseline
    # measure -> this minus the baseline, over the workbooks compared; empty when none is
    change: dict[str, int] = Field(default_factory=dict)


class WorkbookInfo(_Data):
    workbook: str
    sha256: str
    scheme: str | None = None


class SweepRecord(SetFieldsRecord):
    """How a sweep was run (the report's ``manifest``)."""

    engine: str = ""  # where the jobs ran: a local pool or Ray, and how wide
    jobs: int = 0
    failed: int = 0  # jobs without a solution
    time_limit_seconds: float = 0.0
    search_deterministic_seconds: float = 0.0
    clock_limit_seconds: float = 0.0
    seed: int = 0
    solver_workers_per_job: int = 1
    reproducible: bool = True
    rotasolve: str = ""
    ortools: str = ""
    versions_in_jobs: list[dict[str, str]] = Field(default_factory=list)
    stopped_early: bool = False  # by the user: the jobs not run are marked NOT_RUN
    not_run: int = 0


class SweepReport(_Data):
    format: str = FORMAT
    scenarios: list[ScenarioTotal]
    workbooks: list[WorkbookInfo]
    rows: list[SweepRow]
    manifest: SweepRecord = Field(default_factory=SweepRecord)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"

    @property
    def failed(self) -> list[SweepRow]:
        return [r for r in self.rows if not r.solved]


def totals(rows: list[SweepRow], scenarios: list[tuple[str, dict[str, str]]]) -> list[ScenarioTotal]:
    """Per scenario, in the given order; the first is the baseline."""
    by_scenario: dict[str, dict[str, SweepRow]] = {name: {} for name, _ in scenarios}
    for r in rows:
        by_scenario[r.scenario][r.workbook] = r
    base = by_scenario[scenarios[0][0]]
    out = []
    for name, overrides in scenarios:
        mine = by_scenario[name]
        solved = [r for r in mine.values() if r.solved]
        sums = {m: sum(getattr(r, m) for r in solved) for m in MEASURES} if solved else {}
        both = [w for w, r in mine.items() if r.solved and w in base and base[w].solved]
        change = {m: sum(getattr(mine[w], m) - getattr(base[w], m) for w in both) for m in MEASURES} if both else {}
        out.append(ScenarioTotal(scenario=name, overrides=overrides, solved=len(solved),
                                 failed=len(mine) - len(solved), compared_on=len(both), change=change, **sums))
    return out
