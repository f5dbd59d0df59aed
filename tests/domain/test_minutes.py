"""Weekly minutes (domain/minutes.py)."""

from __future__ import annotations

from rotasolve.domain.choices import eligible
from rotasolve.synthetic.generate import generate


def test_the_least_case_week_among_cases_is_the_least_of_each_cases():
    """Worked out by site, it is what each case's own least week gives, by video or not."""
    for seed in (1, 2, 3):
        inst = generate(60, 3, seed=seed, connected=seed != 2)
        compared = 0
        for key, cases in eligible(inst).cases.items():
            t = inst.trainee[key.trainee_id]
            for some in (cases, cases[:1], [c for c in cases if not c.remote_ok]):
                if some:
                    least = min(inst.minutes.case_week_least(t, c) for c in some)
                    assert inst.minutes.least_case_week_among(t, some) == least
                    compared += 1
        assert compared > 50
