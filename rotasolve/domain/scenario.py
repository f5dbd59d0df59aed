"""A scenario: one policy variation of a scheme, as a sweep solves it (planning.md,
"Scenarios").

Overrides are made on the Instance, never on the workbook. A Requirements or Scheme key
is checked by the domain's own field (the bounds a workbook cell meets, so
``cbdg_sessions = -1`` is refused where it is typed), and the changed scheme is rebuilt
as a new Instance so that every consistency rule runs again: an override that does not
fit one workbook (``short_case_max_sessions`` below a case's planned sessions) is
refused for that workbook alone, with the rule it breaks.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from .consistency import Items, Problem, problems
from .entities import Profile, Settings
from .instance import Instance
from .new_supervisors import BaselineFacts, place_new_supervisors

BASELINE = "baseline"
SETTINGS_KEYS: tuple[str, ...] = tuple(Settings.model_fields)
PROFILE_KEYS: tuple[str, ...] = tuple(Profile.model_fields)
# Bounds of the three additions: wide enough for any policy question, narrow enough
# that a typo (supervisor_places = 200) is caught where it was typed.
PLACES_LIMIT = 50
PAS_LIMIT = 20
NEW_SUPERVISORS_LIMIT = 50
_NAMED = 3  # items named in a refusal before "and N more"


class ScenarioMismatch(ValueError):
    """A scenario's overrides do not fit one workbook (the scheme they make breaks a rule)."""


def field_value(model: type[BaseModel], key: str, value: Any) -> Any:
    """``value`` as ``model``'s field ``key`` accepts it, checked by that field's own type
    and bounds; pydantic's ValidationError otherwise."""
    info = model.model_fields[key]
    kind: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(kind).validate_python(value)


def _checked(model: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(model.model_fields))
    if unknown:
        raise ValueError(f"not a {model.__name__} key: {', '.join(unknown)}")
    out, wrong = {}, []
    for key, value in values.items():
        try:
            out[key] = field_value(model, key, value)
        except ValidationError as err:
            wrong.append(f"{key}: {err.errors()[0]['msg']}")
    if wrong:
        raise ValueError("; ".join(wrong))
    return out


class Scenario(BaseModel):
    """What one scenario changes; everything it leaves out is as in the workbook."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    settings: dict[str, Any] = Field(default_factory=dict)  # Scheme keys
    profile: dict[str, Any] = Field(default_factory=dict)  # Requirements keys
    supervisor_places: int = Field(0, ge=-PLACES_LIMIT, le=PLACES_LIMIT)  # + to every max_trainees
    tutor_pas: float = Field(0, ge=-PAS_LIMIT, le=PAS_LIMIT)  # + core PAs to every tutor
    new_supervisors: tuple[tuple[str, Annotated[int, Field(ge=1, le=NEW_SUPERVISORS_LIMIT)]], ...] = ()
    source_row: int | None = None

    @field_validator("settings")
    @classmethod
    def _settings(cls, v: dict[str, Any]) -> dict[str, Any]:
        return _checked(Settings, v)

    @field_validator("profile")
    @classmethod
    def _profile(cls, v: dict[str, Any]) -> dict[str, Any]:
        return _checked(Profile, v)

    @property
    def is_baseline(self) -> bool:
        """No override at all: the workbook as it stands."""
        return not (self.settings or self.profile or self.supervisor_places or self.tutor_pas
                    or self.new_supervisors)

    @property
    def needs_baseline(self) -> bool:
        """New supervisors go where the baseline solve left demand unmet, so this
        scenario can only be built once the same workbook's baseline is solved."""
        return bool(self.new_supervisors)

    def overrides(self) -> dict[str, str]:
        """Each override in words, in a fixed order (for the outputs)."""
        out = {k: _text(v) for k, v in {**self.settings, **self.profile}.items()}
        if self.supervisor_places:
            out["supervisor_places"] = f"{self.supervisor_places:+d}"
        if self.tutor_pas:
            out["tutor_pas"] = f"{self.tutor_pas:+g}"
        if self.new_supervisors:
            out["new_supervisors"] = ", ".join(f"{m}:{k}" for m, k in self.new_supervisors)
        return out


def baseline() -> Scenario:
    return Scenario(name=BASELINE)


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


_Model = TypeVar("_Model", bound=BaseModel)


def _rebuilt(item: _Model, changes: dict[str, Any]) -> _Model:
    """A copy of a domain item with ``changes``, validated again by its model (a
    model_copy would skip the bounds)."""
    return type(item).model_validate({**item.model_dump(), **changes})


def apply(inst: Instance, scenario: Scenario, facts: BaselineFacts | None = None) -> tuple[Instance, list[str]]:
    """The scheme as ``scenario`` has it, and notes on what was added where.

    ``supervisor_places`` and ``tutor_pas`` change the workbook's own supervisors and
    tutors (never below 0); new supervisors (placed by ``facts``, the same workbook's
    baseline solve) come on top with their own two places. Raises ScenarioMismatch when
    the changed scheme breaks a rule of the domain."""
    if scenario.needs_baseline and facts is None:
        raise ValueError(f"scenario {scenario.name} adds supervisors and needs its workbook's baseline facts")
    try:
        changes: dict[str, Any] = {}
        if scenario.settings:
            changes["settings"] = _rebuilt(inst.settings, scenario.settings)
        if scenario.profile:
            changes["profile"] = _rebuilt(inst.profile, scenario.profile)
        supervisors = list(inst.supervisors)
        if scenario.supervisor_places:
            supervisors = [_rebuilt(s, {"max_trainees": max(0, s.max_trainees + scenario.supervisor_places)})
                           for s in supervisors]
        notes: list[str] = []
        if scenario.new_supervisors:
            assert facts is not None  # needs_baseline: refused above without them
            added, notes = place_new_supervisors(inst, scenario.new_supervisors, facts)
            supervisors += added
        changes["supervisors"] = tuple(supervisors)
        if scenario.tutor_pas:
            changes["tutors"] = tuple(_rebuilt(u, {"core_pas": max(0.0, u.core_pas + scenario.tutor_pas)})
                                      for u in inst.tutors)
        data = {name: getattr(inst, name) for name in Instance.model_fields}
        data.update(changes)
    except ValidationError as err:
        wrong = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()]
        raise ScenarioMismatch("; ".join(wrong)) from None
    found = problems(Items(**{name: data[name] for name in Items.__dataclass_fields__}))
    if found:
        raise ScenarioMismatch(_grouped(found))
    return Instance(**data), notes


def _grouped(found: list[Problem]) -> str:
    """The rules the changed scheme breaks, each once with the items that break it:
    '5 cases (C0008, C0013, C0021 and 2 more), sessions: a long case has at least 30 ...'."""
    by_rule: dict[tuple[str, str, str], list[str]] = {}
    for p in found:
        by_rule.setdefault((p.kind, p.field, p.message), []).append(p.id or "")
    out = []
    for (kind, field, message), ids in by_rule.items():
        named = ", ".join(i for i in ids[:_NAMED] if i)
        named += f" and {len(ids) - _NAMED} more" if len(ids) > _NAMED else ""
        who = f"{len(ids)} {kind}s ({named})" if len(ids) > 1 else (f"{kind} {named}" if named else kind)
        out.append(f"{who}, {field}: {message}")
    return "; ".join(out)
