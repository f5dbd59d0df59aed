from ortools.sat.python import cp_model

from ...core.rules import RULES
from ...domain.where import where
from ..variables import Variables

RULE_ID = "H10"
LABEL = RULES[RULE_ID]


def kept_literals(v: Variables) -> dict[str, cp_model.IntVar]:
    """Every running item as a literal, keyed by a description of its row."""
    inst = v.inst
    out = {}
    for cid, lit in v.kept_case.items():
        c = inst.case[cid]
        out[where("Cases", c, f"running with {c.current_trainee}")] = lit
    for tid, lit in v.kept_member.items():
        t = inst.trainee[tid]
        out[where("Trainees", t, f"in group {t.current_group}")] = lit
    return out


def build(v: Variables) -> None:
    # Running items stay as given. They are literals so that, when they clash, the
    # explanation can solve the same model with them as assumptions (see model.conflicts).
    if v.kept_as_assumptions:
        return
    for lit in kept_literals(v).values():
        v.model.add(lit == 1)
