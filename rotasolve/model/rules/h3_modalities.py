from ...rules import RULES
from ..expr import total

RULE_ID = "H3"
LABEL = RULES[RULE_ID]


def build(v) -> None:
    # Against done and running cases the modality is fixed, so incompatible pairs get no
    # variable (Instance.can_take_case). Two new cases must differ from each other.
    m = v.model
    if v.inst.profile.distinct_modalities < 2:
        return
    for tid in v.pairs_of_trainee:
        short, long_ = v.new_cases(tid, "short"), v.new_cases(tid, "long")
        for mod in sorted({p.case.modality for p in short} & {p.case.modality for p in long_}):
            m.Add(total(p.lit for p in short + long_ if p.case.modality == mod) <= 1)
