from ...core.rules import RULES
from ..expr import total
from ..variables import Variables

RULE_ID = "H2"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    # Need, grade, CBDG first and travel are decided by which units and choices exist
    # (Eligibility.can_take_case, model.candidates); a trainee has at most one new unit
    # per length. Here: a new unit held is exactly one case, and a case goes to one trainee.
    m = v.model
    for u in v.units.values():
        if u.kept is None:
            m.add(total(u.take.values()) == u.held)
    for cid, units in v.takers.items():
        if len(units) > 1:
            m.add(total(u.case_is(cid) for u in units) <= 1)
