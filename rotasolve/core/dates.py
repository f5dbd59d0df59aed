"""The date arithmetic of domain.md, in one place, so every tool agrees to the day.

A year is 365.25 days and ``y`` years is ``floor(365.25 * y)`` days; ``w`` weeks is
``floor(7 * w)`` days. Fractions are used instead of floats so that, for example,
``(3 - 2) / 0.6`` years is floored exactly rather than at the mercy of binary rounding.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction

_DAYS_PER_YEAR = Fraction(36525, 100)


def exact(x: float | int | Fraction) -> Fraction:
    """A number as the user typed it (0.6 is 3/5, not 0.59999...)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(str(x))


def years_to_days(years: float | Fraction) -> int:
    return math.floor(_DAYS_PER_YEAR * exact(years))


def weeks_to_days(weeks: float | Fraction) -> int:
    return math.floor(7 * exact(weeks))


def add_years(d: date, years: float | Fraction) -> date:
    return d + timedelta(days=years_to_days(years))


def add_weeks(d: date, weeks: float | Fraction) -> date:
    return d + timedelta(days=weeks_to_days(weeks))


def grade_end(core_end: date, grade: int, ltft: float) -> date:
    """End of grade ``grade`` (1..3): CT3 ends at core_end; earlier grades end
    ``(3 - grade) / ltft`` years before it."""
    return core_end - timedelta(days=years_to_days(Fraction(3 - grade) / exact(ltft)))


def default_core_end(plan_start: date, grade: int, ltft: float) -> date:
    """Blank core_end: assume the period starts a training year of this grade."""
    return plan_start + timedelta(days=years_to_days(Fraction(4 - grade) / exact(ltft)))


def weeks_needed(sessions_left: int, session_weeks_factor: float) -> Fraction:
    """Calendar weeks to hold the remaining weekly sessions (they stay weekly under LTFT)."""
    return max(0, sessions_left) * exact(session_weeks_factor)


def finish_date(start: date, sessions_left: int, session_weeks_factor: float) -> date:
    return add_weeks(start, weeks_needed(sessions_left, session_weeks_factor))
