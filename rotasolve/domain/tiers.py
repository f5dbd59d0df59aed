"""The objective's tiers (domain.md), by name: what each counts, in the order they are
settled, and ``ByTier``, the one structure that holds a value per tier.

A tier is never a position: code says ``values.critical`` or ``values[OTHERS]``, and
only ``ByTier`` knows the order (``as_list()`` for the JSON, ``ordered()`` for a
lexicographic comparison).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Generic, TypeVar
from collections.abc import Iterable, Iterator

T = TypeVar("T")


@dataclass(frozen=True)
class TierKind:
    key: str  # the ByTier field
    name: str  # as the Summary and the JSON's objective.names say it
    cost: bool = False  # the tier is minus the sum of its terms


CRITICAL = TierKind("critical", "critical requirements placed")
OTHERS = TierKind("others", "other requirements placed, weighted CT3=3 CT2=2 CT1=1")
PATIENTS = TierKind("patients", "waiting weeks of cases taken + preference points")
TRAVEL_AND_LOAD = TierKind(
    "travel_and_load", "minus (weekly travel minutes + 30 x cases above half of each supervisor's capacity)", cost=True)
TIER_ORDER = (CRITICAL, OTHERS, PATIENTS, TRAVEL_AND_LOAD)  # the lexicographic order, highest first
TIER_NAMES = [kind.name for kind in TIER_ORDER]


@dataclass
class ByTier(Generic[T]):
    """A value per tier, by name."""

    critical: T
    others: T
    patients: T
    travel_and_load: T

    def __getitem__(self, kind: TierKind) -> T:
        return getattr(self, kind.key)  # type: ignore[no-any-return]  # one of the four fields

    def __setitem__(self, kind: TierKind, value: T) -> None:
        setattr(self, kind.key, value)

    def __iter__(self) -> Iterator[T]:
        # Without this Python would iterate through __getitem__(0), (1)...: say what to use.
        raise TypeError("a ByTier is read by name: use .items(), .as_list() or .ordered()")

    def items(self) -> Iterator[tuple[TierKind, T]]:
        return ((kind, self[kind]) for kind in TIER_ORDER)

    def as_list(self) -> list[T]:
        """In tier order: the JSON's ``objective.tiers`` and ``bound``."""
        return [self[kind] for kind in TIER_ORDER]

    def ordered(self) -> tuple[T, ...]:
        """For comparing two allocations lexicographically, highest tier first."""
        return tuple(self.as_list())

    @classmethod
    def of(cls, values: Iterable[T]) -> ByTier[T]:
        """From values in tier order (a JSON list, a reference's)."""
        values = list(values)
        if len(values) != len(TIER_ORDER):
            raise ValueError(f"{len(values)} values for {len(TIER_ORDER)} tiers")
        return cls(**{kind.key: v for kind, v in zip(TIER_ORDER, values)})

    @classmethod
    def filled(cls, value: T) -> ByTier[T]:
        return cls.of([value] * len(TIER_ORDER))


assert [f.name for f in fields(ByTier)] == [kind.key for kind in TIER_ORDER]  # the order is stated once
