"""The `Rolled forward` report: one set of tables, printed on stdout and written as a
sheet of the next workbook, so the two never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import Instance
from .rollforward import RollForward


@dataclass(frozen=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]
    none: str  # what the section says when it has no rows


def heading(roll: RollForward) -> str:
    return (f"Rolled forward from the period starting {roll.previous_start} to the one starting "
            f"{roll.plan_start}; every group place and case held {roll.sessions_held} sessions.")


def sections(inst: Instance, roll: RollForward) -> list[Section]:
    """The report's tables, in the order lifecycle.md lists them."""
    name = {t.id: t.name for t in inst.trainees}
    return [
        Section("Moved up a grade", ("trainee_id", "name", "from", "to"),
                tuple((g.trainee_id, name[g.trainee_id], f"CT{g.before}", f"CT{g.after}") for g in roll.graded_up),
                "nobody moved up a grade"),
        Section("Finished core training (removed)", ("trainee_id", "name", "core_end", "requirement", "status",
                                                     "detail"),
                tuple((f.trainee_id, name[f.trainee_id], f.core_end, s.requirement, s.status, s.detail)
                      for f in roll.finished for s in f.statuses),
                "nobody finished"),
        Section("Cases completed (removed)", ("case_id", "trainee_id", "modality", "length", "sessions"),
                tuple((c.case_id, c.trainee_id, c.modality, c.length, c.sessions_held) for c in roll.completed),
                "no case completed"),
        Section("Group attendance completed", ("trainee_id", "name", "group_id", "sessions_attended"),
                tuple((g.trainee_id, name[g.trainee_id], g.group_id, g.attended) for g in roll.group_done),
                "nobody completed group attendance"),
        Section("Cases released (their trainee left; they wait for a new one)",
                ("case_id", "left_by", "modality", "length", "sessions_held"),
                tuple((c.case_id, c.trainee_id, c.modality, c.length, c.sessions_held) for c in roll.released),
                "no case released"),
        Section("Group places ended (too few continue for the group's min_size, so it does not run; "
                "attendance is kept and the next solve may place them again)",
                ("trainee_id", "name", "group_id", "continuing", "external_members", "min_size"),
                tuple((tid, name[tid], g.group_id, len(g.trainee_ids), g.external, g.min_size)
                      for g in roll.groups_ended for tid in g.trainee_ids),
                "none"),
    ]


def text(inst: Instance, roll: RollForward) -> list[str]:
    """The report as lines for a terminal."""
    lines = [heading(roll)]
    for s in sections(inst, roll):
        count = len({row[0] for row in s.rows})  # rows per trainee or group count once
        lines.append(f"{s.title}: {count if s.rows else s.none}")
        for row in s.rows:
            lines.append("  " + " | ".join("" if v is None else str(v) for v in row))
    return lines
