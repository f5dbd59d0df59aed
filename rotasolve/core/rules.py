"""The hard rules of domain.md: one stable id and one human label each. The model's rule
modules, the checker and the explanations all name rules through this table."""

RULES: dict[str, str] = {
    "H1": "Groups: one group per trainee, a free slot within travel, group sizes kept",
    "H2": "Case eligibility: one trainee per case, a needed length, grade, CBDG first, travel",
    "H3": "Modalities: the short and the long case in different modalities",
    "H4": "Supervision: one qualified supervisor per case, within capacity and travel",
    "H5": "Supervision meetings: a common slot, group size, one modality, supervision PAs",
    "H6": "Slots: sessions in a slot free to trainee and patient; no double-booking",
    "H7": "Weekly hours: sessions, supervision and travel within the weekly case hours",
    "H8": "Cases at once: no more than the most cases per trainee",
    "H9": "Tutors: one tutor of the trainee's trust each, within the tutor's PAs",
    "H10": "Kept items: running groups, cases and supervisors stay as given",
}


def label(rule_id: str) -> str:
    return f"{rule_id} {RULES[rule_id]}"
