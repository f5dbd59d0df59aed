"""The solution contract (solution.md): one in-memory object behind the JSON and the
timetable workbook, so the two never disagree."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel, ConfigDict, Field, SerializationInfo, SerializerFunctionWrapHandler, computed_field, model_serializer,
    model_validator,
)

from ..domain.tiers import TIER_ORDER, TierKind

FORMAT = "rotasolve-solution/1"
Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"]
Reason = Literal["no_case", "no_supervisor", "no_slot", "capacity", "tutor_capacity",
                 "weekly_hours", "travel", "not_yet_due", "group_too_small"]
ComplianceStatus = Literal["COMPLETE", "IN_PROGRESS", "ALLOCATED", "NOT_YET_DUE", "WAITING",
                           "AT_RISK", "WILL_MISS"]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GroupPlace(_Row):
    trainee_id: str
    group_id: str
    kept: bool = False


class CasePlace(_Row):
    case_id: str
    trainee_id: str
    supervisor_id: str
    session_slot: str
    supervision_slot: str
    meeting_id: str
    kept: bool = False


class TutorPlace(_Row):
    trainee_id: str
    tutor_id: str


class Unmet(_Row):
    trainee_id: str
    requirement: Literal["cbdg", "short_case", "long_case"]
    reason: Reason
    detail: str
    critical: bool = False


class ComplianceRow(_Row):
    trainee_id: str
    requirement: Literal["cbdg", "short_case", "long_case"]
    status: ComplianceStatus
    projected_finish: date | None = None
    due: date
    trust: str = ""
    grade: int = 1
    detail: str = ""
    cbdga: str | None = None  # for cbdg: satisfactory group assessments held / required


class Change(_Row):
    """One item of the allocation in use that a re-plan changes (lifecycle.md)."""

    kind: str  # group, case, session slot, supervision slot, tutor
    trainee_id: str
    item_id: str  # the group, case or tutor
    before: str
    after: str
    why: str = ""


class Objective(_Row):
    tiers: list[int] = Field(default_factory=list)
    bound: list[int | None] = Field(default_factory=list)  # proven: no allocation scores more
    names: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _gap_is_derived(cls, data):
        # The JSON carries the gap for its readers; it is recomputed, never read back.
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "gap"}
        return data

    # in the JSON too: how far from the best each tier can be, at most. The ignore is pydantic's
    # documented form: mypy does not take decorators over @property.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def gap(self) -> list[float | None]:
        return [None if b is None else round(abs(b - v) / max(1, abs(b)), 4)
                for v, b in zip(self.tiers, self.bound)]

    def value_of(self, kind: TierKind) -> int | None:
        """A tier's value, by name (``tiers`` is the JSON's list, in tier order); None
        where this objective does not carry it (a reference's has tiers 1a and 1b only)."""
        i = TIER_ORDER.index(kind)
        return self.tiers[i] if i < len(self.tiers) else None

    def bound_of(self, kind: TierKind) -> int | None:
        i = TIER_ORDER.index(kind)
        return self.bound[i] if i < len(self.bound) else None

    def describe(self) -> list[str]:
        """Each tier in words: 'critical requirements placed: 16 of at most 16 (gap 0%)'."""
        out = []
        for name, value, bound, gap in zip(self.names, self.tiers, self.bound, self.gap):
            proven = "bound unknown" if bound is None else f"at most {bound}, gap {gap:.1%}"
            out.append(f"{name}: {value} ({proven})")
        return out


class ModelSize(_Row):
    variables: int = 0
    constraints: int = 0
    parts: int = 0


class SetFieldsRecord(BaseModel):
    """A record whose JSON holds the fields that were set and no others (in declaration
    order), so that a field's absence keeps its meaning ("not a re-plan") and files keep
    their bytes. Keys it does not know (from a later version) are ignored when read."""

    model_config = ConfigDict(extra="ignore")

    @model_serializer(mode="wrap")
    def _only_what_was_set(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict:
        data = handler(self)
        return {k: v for k, v in data.items() if k in self.model_fields_set}


class RunRecord(SetFieldsRecord):
    """How a solution was made (solution.md's ``manifest``): what decides what the other
    layers do (``stopped_early``, ``deterministic``, ``change_cost``, ``cheapest_proven``,
    ``input_sha256``) as typed fields rather than dictionary keys. A field is written to
    the JSON only once it is set, so a record says what its run knew and nothing more:
    a re-plan has a ``change_cost`` (possibly null: not known), a solve does not have one at all."""

    model: ModelSize | None = None
    strategy: list[str] = Field(default_factory=list)  # the engine's paths, e.g. "one model", "guided"
    deterministic: bool = True  # the search did its planned work (the clock did not cut it)
    notes: list[str] = Field(default_factory=list)
    stopped_early: bool = False  # by the user (Ctrl-C, SIGTERM): the best allocation found so far
    change_cost: int | None = None  # a re-plan: the weighted changes to the allocation in use
    cheapest_proven: bool = False  # a capacity search: no cheaper additions place as many
    input_sha256: str | None = None
    input_name: str | None = None
    rotasolve: str | None = None
    ortools: str | None = None
    seed: int | None = None
    workers: int | None = None
    time_limit_seconds: float | None = None
    reproducible: bool | None = None  # asked for; ``deterministic`` says whether it held
    search: str | None = None

    @property
    def replanned(self) -> bool:
        """A re-plan against an allocation in use (``change_cost`` set, even to unknown)."""
        return "change_cost" in self.model_fields_set


class Solution(_Row):
    format: str = FORMAT
    scheme: str
    status: Status
    objective: Objective = Objective()
    solve_seconds: float = 0.0  # CP-SAT deterministic seconds (reproducible; ~wall s on 2 cores)
    groups: list[GroupPlace] = Field(default_factory=list)
    cases: list[CasePlace] = Field(default_factory=list)
    tutors: list[TutorPlace] = Field(default_factory=list)
    unmet: list[Unmet] = Field(default_factory=list)
    compliance: list[ComplianceRow] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)  # a re-plan's changes to the previous allocation
    manifest: RunRecord = Field(default_factory=RunRecord)

    def sorted(self) -> Solution:
        """Lists sorted by their first id field, so that one solution has one byte form."""
        return self.model_copy(update={
            "groups": sorted(self.groups, key=lambda r: (r.trainee_id, r.group_id)),
            "cases": sorted(self.cases, key=lambda r: (r.case_id, r.trainee_id)),
            "tutors": sorted(self.tutors, key=lambda r: (r.trainee_id, r.tutor_id)),
            "unmet": sorted(self.unmet, key=lambda r: (r.trainee_id, r.requirement)),
            "compliance": sorted(self.compliance, key=lambda r: (r.trainee_id, r.requirement)),
            "changes": sorted(self.changes, key=lambda c: (c.trainee_id, c.kind, c.item_id)),
        })

    def to_json(self) -> str:
        data = self.sorted().model_dump(mode="json")
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Solution:
        return cls.model_validate_json(text)

    @classmethod
    def load(cls, path: str | Path) -> Solution:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    # convenience views
    def group_of(self) -> dict[str, str]:
        return {g.trainee_id: g.group_id for g in self.groups}

    def cases_of(self) -> dict[str, list[CasePlace]]:
        out: dict[str, list[CasePlace]] = {}
        for c in self.cases:
            out.setdefault(c.trainee_id, []).append(c)
        return out
