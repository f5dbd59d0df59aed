from ...core.rules import RULES
from ..variables import Variables

RULE_ID = "H3"
LABEL = RULES[RULE_ID]


def build(v: Variables) -> None:
    # Against done and running cases the modality is fixed, so an incompatible case is
    # never a candidate (Eligibility.can_take_case). Two new cases must differ.
    m = v.model
    if v.inst.profile.distinct_modalities < 2:
        return
    for tid in v.units_of_trainee:
        short, long_ = v.new_unit(tid, "short"), v.new_unit(tid, "long")
        if short is None or long_ is None:
            continue
        for modality in sorted(set(short.modalities()) & set(long_.modalities())):
            m.add(short.modality_is(modality) + long_.modality_is(modality) <= 1)
