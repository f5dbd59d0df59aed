"""The planning commands' results contracts, beside ``results/solution.py`` and
``results/sweep.py``: what ``rotasolve capacity`` and ``rotasolve forecast`` report, and
what the JSON files and the Capacity and Forecast sheets are written from. Kept in the
domain layer so that the Excel writers read them without depending on the searches that
fill them (``planning/``)."""

from __future__ import annotations

import json
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from ..domain import Instance
from ..domain.additions import RESOURCE_OF, AdditionCosts
from .solution import Objective, Solution

CAPACITY_FORMAT = "rotasolve-capacity/1"
NEW_KINDS = ("new_supervisor", "new_group")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unlock(_Row):
    trainee_id: str
    name: str
    requirement: str
    critical: bool


class Addition(_Row):
    kind: str
    ids: list[str]
    amount: int
    cost: float
    what: str
    unlocks: list[Unlock] = Field(default_factory=list)


class Counts(_Row):
    critical_placed: int
    placed: int
    WILL_MISS: int
    AT_RISK: int


class Unrescued(_Row):
    trainee_id: str
    name: str
    requirement: str
    reason: str
    detail: str


class CapacityPlan(_Row):
    """The report (the JSON and the Capacity sheet are written from it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    format: str = CAPACITY_FORMAT
    scheme: str
    status: str  # the capacity search's: OPTIMAL (every stage proven), FEASIBLE, UNKNOWN, INFEASIBLE
    # Proven: no additions place more critical requirements, and none that place as many cost less.
    proven: bool = False
    costs: AdditionCosts
    total_cost: float = 0.0
    additions: list[Addition] = Field(default_factory=list)
    before: Counts | None = None
    after: Counts | None = None
    unrescued: list[Unrescued] = Field(default_factory=list)
    objective: Objective = Objective()
    before_solution: Solution = Field(exclude=True)
    solution: Solution | None = Field(default=None, exclude=True)  # the allocation with the additions
    applied: Instance | None = Field(default=None, exclude=True)  # the scheme with the additions made

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"

    def edits(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """What ``--apply`` changes: (resource, id) of each raised limit, and of each new row."""
        raised = [(RESOURCE_OF[a.kind], a.ids[0]) for a in self.additions if a.kind not in NEW_KINDS]
        new = [(RESOURCE_OF[a.kind], a.ids[0]) for a in self.additions if a.kind in NEW_KINDS]
        return raised, new


FORECAST_FORMAT = "rotasolve-forecast/1"


class Supply(_Row):
    """Supervision of one modality in one rotation: the cases there are against the places."""

    modality: str
    cases_waiting: int
    cases_running: int
    supervisor_places: int  # max_trainees summed over supervisors qualified in it
    cases_supervised: int  # this rotation, kept and new


class Rotation(_Row):
    rotation: int
    plan_start: date
    status: str
    trainees: int
    arrived: int  # new CT1s at its start
    new_cases: int
    left: int  # trainees who finished core training at its start
    needs: int  # requirements outstanding and not running (placed + unmet)
    placed: dict[str, int]  # by requirement
    unmet: dict[str, dict[str, int]]  # by requirement, then reason
    critical: int
    critical_placed: int
    WILL_MISS: int
    AT_RISK: int
    supply: list[Supply] = Field(default_factory=list)


class TraineeRequirement(_Row):
    trainee_id: str
    name: str
    requirement: str
    due: date
    core_end: date
    first_rotation: int
    last_rotation: int
    status_first: str  # at the first rotation the trainee is in
    placed_in: int | None = None  # the rotation it was (last) allocated in
    projected_finish: date | None = None  # where placed or running
    on_time: bool | None = None  # projected finish on or before the due date
    first_will_miss: int | None = None
    status_last: str = ""
    why_last: str | None = None  # why it is unmet at the last rotation (reason: detail), if it is


class Forecast(_Row):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    format: str = FORECAST_FORMAT
    scheme: str
    assumptions: list[str]
    settings: dict
    rotations: list[Rotation] = Field(default_factory=list)
    trainees: list[TraineeRequirement] = Field(default_factory=list)
    stopped: str | None = None  # why the horizon ended early, if it did
    instances: list[Instance] = Field(default_factory=list, exclude=True)
    solutions: list[Solution] = Field(default_factory=list, exclude=True)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
