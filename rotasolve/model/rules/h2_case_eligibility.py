from ...domain import LENGTHS
from ...rules import RULES
from ..expr import total

RULE_ID = "H2"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    # Grade, length, CBDG-first and travel are enforced by creating a pair only where
    # they allow it (Instance.can_take_case); here: one trainee per case, one new case
    # of each length per trainee.
    m = v.model
    for cid, pairs in v.pairs_of_case.items():
        if len(pairs) > 1:
            m.Add(total(p.lit for p in pairs) <= 1)
    for tid in v.pairs_of_trainee:
        for length in LENGTHS:
            new = v.new_cases(tid, length)
            if len(new) > 1:
                m.Add(total(p.lit for p in new) <= 1)
