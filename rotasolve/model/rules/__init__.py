"""One module per hard rule of domain.md. Each has RULE_ID and LABEL (from rotasolve.core.rules)
and ``build(v)``, which adds the rule's constraints to the model in ``v``."""

from . import (
    h1_groups, h2_case_eligibility, h3_modalities, h4_supervision, h5_meetings, h6_slots,
    h7_weekly_hours, h8_cases_at_once, h9_tutors, h10_kept,
)

RULE_MODULES = (h1_groups, h2_case_eligibility, h3_modalities, h4_supervision, h5_meetings,
                h6_slots, h7_weekly_hours, h8_cases_at_once, h9_tutors, h10_kept)
