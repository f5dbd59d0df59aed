"""The input workbook contract (workbook.md) as data.

The reader parses by it, the template writes headers, drop-downs and the About sheet
from it, so the contract is stated once. Each column's default and bounds come from the
domain model it fills (``domain/entities.py``), so the workbook and an instance built in
code can never disagree about them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pydantic import BaseModel

from ..domain import Case, Group, Profile, Settings, Site, Slot, Supervisor, Trainee, TravelTime, Tutor
from ..domain.additions import AdditionCosts
from ..domain.entities import field_limits


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text id int number bool date grade length day time modality modalities slots ids trusts
    required: bool = False
    default: object = None  # from the domain model (see sheet())
    min: float | None = None
    max: float | None = None
    help: str = ""
    example: object = None


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    required: bool = True
    key_value: bool = False  # Scheme / Requirements: two columns, key and value
    help: str = ""
    id_column: str | None = None

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column


def sheet(name: str, model: type[BaseModel], columns: tuple[Column, ...], id_column: str | None = None,
          **options) -> SheetSpec:
    """A sheet whose columns fill ``model``: defaults and bounds are read from the model."""
    bound = []
    for col in columns:
        field = "id" if col.name == id_column else col.name
        default, least, most = field_limits(model, field)
        if default in ("", ()):  # an empty text or list is the same as a blank cell
            default = None
        bound.append(replace(col, default=default, min=least, max=most))
    return SheetSpec(name, tuple(bound), id_column=id_column, **options)

SCHEME = sheet("Scheme", Settings, key_value=True, help="Scheme settings: two columns, key and value.", columns=(
    C("name", "text", required=True, help="Scheme name, used in the titles of the output.",
      example="North Thames core psychiatry"),
    C("plan_start", "date", required=True, help="First day of the allocation period (the rotation start).",
      example="2027-02-03"),
    C("period_weeks", "int", help="Length of the allocation period in weeks."),
    C("pa_hours", "number", help="Hours in one programmed activity (PA)."),
    C("supervision_hours", "number", help="Hours of one weekly individual supervision meeting."),
    C("group_supervision_hours", "number", help="Hours of one weekly group supervision meeting."),
    C("session_hours", "number", help="Hours of one therapy session, with its notes."),
    C("session_weeks_factor", "number",
      help="Calendar weeks per therapy session, allowing for leave and missed sessions."),
    C("travel_same_site", "int", help="Minutes of travel within one site, when Travel has no row."),
    C("travel_same_trust", "int", help="Minutes between two sites of one trust, when Travel has no row."),
    C("travel_other_trust", "int", help="Minutes between sites of different trusts, when Travel has no row."),
    C("notes", "text", help="Free text kept with the scheme (for example how it was made); never read by the solver."),
))

REQUIREMENTS = sheet("Requirements", Profile, key_value=True, required=False,
                         help="The school's requirement profile; absent keys take the default.", columns=(
    C("cbdg_sessions", "int", help="Case-based discussion group sessions a trainee must attend."),
    C("cbdg_due_grade", "grade", help="Group attendance must be complete by the end of this grade."),
    C("cbdga_required", "int", help="Satisfactory group assessments (CBDGA) needed."),
    C("short_case_min_sessions", "int", help="Fewest sessions of a short case."),
    C("short_case_max_sessions", "int", help="Most sessions of a short case."),
    C("long_case_min_sessions", "int", help="Fewest sessions of a long case."),
    C("distinct_modalities", "int",
      help="2: the short and the long case must be in different modalities; 1: they may share one."),
    C("case_min_grade", "grade", help="No case before this grade."),
    C("case_requires_cbdg", "bool", help="yes: no case until group attendance is complete."),
    C("max_cases_per_trainee", "int", help="Cases one trainee may hold at once (running cases count)."),
    C("trainees_per_tutor_pa", "int", help="Core trainees one tutor PA covers (CR224)."),
    C("weekly_case_hours", "number",
      help="Hours a week for case work: sessions, supervision and the travel to both."),
    C("cases_due_grade", "grade", help="Both cases must be complete by the end of this grade."),
))

SLOTS = sheet("Slots", Slot, required=False, id_column="slot_id",
                  help="The weekly time slots. Leave the sheet out for MON-AM ... FRI-PM.", columns=(
    C("slot_id", "id", required=True, help="Short name of the slot, e.g. TUE-PM.", example="MON-AM"),
    C("day", "day", required=True, help="Mon, Tue, Wed, Thu, Fri, Sat or Sun.", example="Mon"),
    C("start", "time", required=True, help="Start time, HH:MM.", example="09:00"),
    C("end", "time", required=True, help="End time, HH:MM, after the start.", example="12:30"),
))

SITES = sheet("Sites", Site, id_column="site_id",
              help="Every place where trainees work, patients are seen or supervision happens.", columns=(
    C("site_id", "id", required=True, help="Short code of the site.", example="NLFT-CHASE"),
    C("trust", "text", required=True, help="The NHS trust that runs the site.", example="North London FT"),
    C("name", "text", help="Full name of the site.", example="Chase Farm Hospital"),
))

TRAVEL = sheet("Travel", TravelTime, required=False,
               help="Door-to-door minutes between two sites (either direction).", columns=(
    C("from_site", "id", required=True, help="A site_id.", example="NLFT-CHASE"),
    C("to_site", "id", required=True, help="Another site_id.", example="NLFT-CHASE"),
    C("minutes", "int", required=True, help="One-way travel time in minutes.", example=0),
))

TRAINEES = sheet("Trainees", Trainee, id_column="trainee_id", help="Core trainees (CT1-CT3) of the scheme.", columns=(
    C("trainee_id", "id", required=True, help="Unique id of the trainee.", example="T001"),
    C("name", "text", help="Shown in the outputs.", example="Dr A Example"),
    C("grade", "grade", required=True, help="Core training year: CT1, CT2 or CT3.", example="CT2"),
    C("base_site", "id", required=True, help="site_id where the trainee works this rotation.", example="NLFT-CHASE"),
    C("available_slots", "slots", required=True,
      help="Slots free of clinical duties, on-call and teaching, e.g. MON-PM, THU-AM.",
      example="MON-PM, TUE-AM, WED-PM, THU-AM, THU-PM"),
    C("ltft", "number", help="Less-than-full-time fraction, 0.4 to 1.0; blank = full time."),
    C("core_end", "date", help="Expected end of core training (end of CT3). Blank: worked out from grade and ltft."),
    C("max_travel_minutes", "int", help="One-way travel limit for any weekly activity."),
    C("cbdg_sessions_attended", "int", help="Group sessions already attended.", example=0),
    C("cbdga_satisfactory", "int", help="Satisfactory group assessments already on the portfolio."),
    C("short_case_done", "modality", help="Modality of a completed short case; blank if none."),
    C("long_case_done", "modality", help="Modality of a completed long case; blank if none."),
    C("current_group", "id", help="group_id the trainee already attends (kept as it is)."),
    C("current_cases", "ids", help="case_ids the trainee already holds (kept, with their supervisor)."),
    C("preferred_modalities", "modalities", help="Modalities the trainee would like, most wanted first."),
))

CASES = sheet("Cases", Case, id_column="case_id",
                  help="Patients assessed as suitable for a core trainee. Pseudonymous ids only: no names, "
                       "dates of birth, addresses or NHS numbers.", columns=(
    C("case_id", "id", required=True, help="Pseudonymous reference, never a name or NHS number.", example="C001"),
    C("site", "id", required=True, help="site_id where sessions take place.", example="NLFT-CHASE"),
    C("modality", "modality", required=True,
      help="CBT, PSYCHODYNAMIC, CAT, IPT, DBT, MBT, SYSTEMIC, GROUP, DIT or PIT.", example="CBT"),
    C("length", "length", required=True, help="short (12-20 sessions) or long (at least 20).", example="short"),
    C("sessions", "int", help="Planned weekly sessions; blank = 16 for short, 40 for long."),
    C("min_grade", "grade", help="Least experienced grade that may take the case."),
    C("available_slots", "slots", required=True, help="When the patient can attend.", example="TUE-AM, THU-AM"),
    C("referred", "date", help="Referral date; longer waits are served first."),
    C("supervisor", "id", help="If set, only this supervisor_id may supervise the case."),
    C("remote_ok", "bool", help="yes: sessions may run by video, so no travel applies."),
    C("current_trainee", "id", help="trainee_id already seeing this case (kept)."),
    C("current_supervisor", "id", help="supervisor_id already supervising it (kept)."),
    C("sessions_done", "int", help="Sessions already held, for a running case."),
    C("session_slot", "slot", help="A running case's weekly session slot, kept as it is; blank: the solver chooses."),
    C("supervision_slot", "slot",
      help="A running case's weekly supervision slot, kept as it is; blank: the solver chooses."),
))

SUPERVISORS = sheet("Supervisors", Supervisor, id_column="supervisor_id", help="Psychotherapy supervisors.", columns=(
    C("supervisor_id", "id", required=True, help="Unique id of the supervisor.", example="S01"),
    C("name", "text", help="Shown in the outputs.", example="Dr B Example"),
    C("site", "id", required=True, help="site_id where supervision happens.", example="NLFT-CHASE"),
    C("modalities", "modalities", required=True, help="Modalities they may supervise.", example="CBT"),
    C("available_slots", "slots", required=True, help="Slots free for supervision.", example="MON-PM, THU-PM"),
    C("max_trainees", "int", required=True, help="Cases they may supervise at once (running cases count).", example=3),
    C("group_size", "int", help="Cases of one modality that may share one weekly meeting; 1 = individual only."),
    C("supervision_pas", "number",
      help="PAs in their job plan for this supervision; blank = no limit beyond max_trainees."),
    C("remote", "bool", help="yes: supervises by video, so no travel applies."),
))

GROUPS = sheet("Groups", Group, id_column="group_id", help="Case-based discussion (Balint-style) groups.", columns=(
    C("group_id", "id", required=True, help="Unique id of the group.", example="G1"),
    C("name", "text", help="Shown in the outputs."),
    C("site", "id", required=True, help="site_id where the group meets.", example="NLFT-CHASE"),
    C("slot", "slot", required=True, help="Weekly meeting slot.", example="WED-PM"),
    C("facilitator", "text", help="Who runs the group."),
    C("min_size", "int", help="A group with fewer members does not run (external members count)."),
    C("max_size", "int", help="Most members, external members included."),
    C("external_members", "int", help="Foundation, GP or other trainees already in the group."),
    C("online", "bool", help="yes: meets by video, so no travel applies."),
))

TUTORS = sheet("Tutors", Tutor, id_column="tutor_id", help="Medical psychotherapy tutors.", columns=(
    C("tutor_id", "id", required=True, help="Unique id of the tutor.", example="TUT1"),
    C("name", "text", help="Shown in the outputs."),
    C("trusts", "trusts", required=True, help="Trusts whose core trainees this tutor may oversee (as in Sites).",
      example="North London FT"),
    C("core_pas", "number", required=True, help="PAs in the job plan for core psychotherapy training.", example=2),
    C("higher_trainees", "int", help="Higher trainees they supervise (1 PA per 5)."),
    C("higher_pas", "number", help="PAs in the job plan for higher trainees."),
    C("spa_pas", "number", help="Supporting professional activity PAs (the College expects 3)."),
))

COSTS = sheet("Costs", AdditionCosts, key_value=True, required=False,
              help="What `rotasolve capacity` may add, at what cost (any unit: pounds, PAs, points); "
                   "absent keys take the default. Only `rotasolve capacity` reads it.", columns=(
    C("supervisor_place", "number", help="Cost of one more case for an existing supervisor (max_trainees + 1)."),
    C("tutor_pa", "number", help="Cost of one more core PA for an existing tutor."),
    C("group_place", "number", help="Cost of one more place in an existing group (max_size + 1)."),
    C("new_supervisor", "number",
      help="Cost of a new supervisor of one modality at one site (free in that site's supervisors' slots, "
           "2 cases, individual supervision)."),
    C("new_group", "number", help="Cost of a new case-based discussion group at a site and slot (4-10 members)."),
    C("supervisor_place_limit", "int", help="Most extra cases per supervisor; 0: none on offer."),
    C("tutor_pa_limit", "int", help="Most extra core PAs per tutor; 0: none on offer."),
    C("group_place_limit", "int", help="Most extra places per group; 0: none on offer."),
    C("new_supervisor_limit", "int", help="Most new supervisors per modality and site; 0: none on offer."),
    C("new_group_limit", "int", help="Most new groups per site and slot; 0: none on offer."),
))

SHEETS: tuple[SheetSpec, ...] = (SCHEME, REQUIREMENTS, SLOTS, SITES, TRAVEL, TRAINEES, CASES,
                                 SUPERVISORS, GROUPS, TUTORS, COSTS)

# Sheets rotasolve itself adds to an input workbook: the template's About and hidden
# Lists, and the report `rotasolve next` leaves in the next period's workbook. The reader
# passes over them without calling them unknown.
ABOUT_SHEET, LISTS_SHEET, REPORT_SHEET = "About", "Lists", "Rolled forward"

# A header in the Cases sheet that looks like one of these is patient-identifiable.
PATIENT_COLUMN_WORDS = (
    "patient", "name", "surname", "forename", "first name", "last name", "dob", "date of birth",
    "birth", "address", "postcode", "post code", "nhs", "mrn", "hospital number", "chi",
)


def normalise(text: object) -> str:
    """Header and sheet matching: case-insensitive, surrounding spaces ignored, _ = space."""
    return " ".join(str(text).replace("_", " ").strip().lower().split())


DEFAULT_SESSIONS = {"short": 16, "long": 40}


def collection(sheet_name: str) -> str:
    """The Instance field a table sheet fills: 'Travel' -> 'travel_times', 'Trainees' -> 'trainees'."""
    return "travel_times" if sheet_name == "Travel" else sheet_name.lower()
