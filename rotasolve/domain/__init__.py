"""The domain: what a scheme is made of and the facts each rule needs (no Excel, no solver)."""

from .consistency import Problem
from .entities import (
    DAYS, KNOWN_MODALITIES, LENGTHS, REQUIREMENTS, SENIORITY_WEIGHT, Case, Group, Length, Profile,
    Settings, Site, Slot, Supervisor, Trainee, TravelTime, Tutor, default_slots, length_of,
    other_length, requirement_of,
)
from .instance import Instance
from .needs import Need

__all__ = [
    "DAYS", "KNOWN_MODALITIES", "LENGTHS", "REQUIREMENTS", "SENIORITY_WEIGHT", "Case", "Group",
    "Instance", "Length", "Need", "Problem", "Profile", "Settings", "Site", "Slot",
    "Supervisor", "Trainee", "TravelTime", "Tutor", "default_slots", "length_of", "other_length",
    "requirement_of",
]
