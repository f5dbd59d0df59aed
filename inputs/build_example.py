"""Builds inputs/north_thames.xlsx, the bundled example scheme, from the tables below.

The scheme is made up but shaped like a real one: four trusts, 40 core trainees, 50
assessed cases, 15 supervisors, 4 case-based discussion groups and 2 tutors, with
running cases and group places, less-than-full-time trainees, and a CT3 running out of
time for her long case (T-CT3-09). Run from the repository root:

    python inputs/build_example.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rotasolve.workbook.template import write_instance
from rotasolve.domain import (
    Case, Group, Instance, Profile, Settings, Site, Supervisor, Trainee, TravelTime, Tutor,
)

SITES = """
NG-ASH    | Northgate Mental Health NHS FT     | Ashfield House
NG-MOOR   | Northgate Mental Health NHS FT     | Moorside Hospital
RV-QUAY   | Riverside Partnership NHS FT       | Quayside Centre
RV-MILL   | Riverside Partnership NHS FT       | Millbrook Unit
EF-PARK   | Eastfield Care NHS Trust           | Parkway Clinic
EF-LEA    | Eastfield Care NHS Trust           | Lea Valley Hospital
WB-ST     | Westbridge NHS FT                  | St Bride's Hospital
WB-HILL   | Westbridge NHS FT                  | Hillcrest Lodge
"""

# One-way minutes; pairs not listed take the Scheme defaults (same trust 30, other trust 60).
TRAVEL = """
NG-ASH  | NG-MOOR | 20
RV-QUAY | RV-MILL | 25
EF-PARK | EF-LEA  | 35
WB-ST   | WB-HILL | 15
NG-ASH  | RV-QUAY | 40
NG-MOOR | RV-QUAY | 45
NG-ASH  | RV-MILL | 50
NG-MOOR | RV-MILL | 55
NG-ASH  | EF-PARK | 75
NG-MOOR | EF-PARK | 80
NG-ASH  | EF-LEA  | 90
NG-MOOR | EF-LEA  | 85
NG-ASH  | WB-ST   | 45
NG-MOOR | WB-ST   | 50
NG-ASH  | WB-HILL | 55
NG-MOOR | WB-HILL | 60
RV-QUAY | EF-PARK | 40
RV-MILL | EF-PARK | 45
RV-QUAY | EF-LEA  | 55
RV-MILL | EF-LEA  | 50
RV-QUAY | WB-ST   | 70
RV-MILL | WB-ST   | 75
RV-QUAY | WB-HILL | 80
RV-MILL | WB-HILL | 85
EF-PARK | WB-ST   | 95
EF-PARK | WB-HILL | 100
EF-LEA  | WB-ST   | 105
EF-LEA  | WB-HILL | 110
"""

# id | name | grade | site | available slots | ltft | core_end | max travel | cbdg attended |
# cbdga | short done | long done | current group | current cases | preferred
TRAINEES = """
T-CT1-01 | Dr Amira Okafor     | CT1 | NG-ASH  | MON-PM,TUE-AM,WED-PM,THU-PM        | 1.0 | 2030-02-02 | 60 | 0  | 0 | | | | | PSYCHODYNAMIC
T-CT1-02 | Dr Ben Hartley      | CT1 | NG-MOOR | TUE-PM,WED-PM,FRI-AM               | 1.0 | 2030-02-02 | 60 | 0  | 0 | | | | |
T-CT1-03 | Dr Chloe Nwosu      | CT1 | RV-QUAY | MON-AM,WED-PM,THU-AM,FRI-PM        | 1.0 | 2030-02-02 | 60 | 0  | 0 | | | | | CBT
T-CT1-04 | Dr Daniel Price     | CT1 | RV-MILL | TUE-AM,TUE-PM,THU-PM               | 1.0 | 2030-02-02 | 45 | 0  | 0 | | | | |
T-CT1-05 | Dr Esther Mensah    | CT1 | EF-PARK | MON-PM,THU-PM,FRI-AM               | 1.0 | 2030-02-02 | 60 | 0  | 0 | | | | | CAT
T-CT1-06 | Dr Farhan Iqbal     | CT1 | EF-LEA  | MON-PM,TUE-PM,THU-PM               | 0.8 | 2030-08-03 | 60 | 0  | 0 | | | | |
T-CT1-07 | Dr Grace O'Neill    | CT1 | WB-ST   | TUE-PM,WED-AM,FRI-PM               | 1.0 | 2030-02-02 | 60 | 0  | 0 | | | | |
T-CT1-08 | Dr Hari Patel       | CT1 | WB-HILL | WED-AM,FRI-PM,THU-AM               | 1.0 | 2030-02-02 | 60 | 0  | 0 | | | | |
T-CT1-09 | Dr Isla Campbell    | CT1 | NG-ASH  | WED-PM,THU-AM                      | 1.0 | 2029-08-01 | 60 | 12 | 0 | | | G-NORTH | |
T-CT1-10 | Dr Jamal Ahmed      | CT1 | RV-QUAY | WED-PM,MON-AM                      | 1.0 | 2029-08-01 | 60 | 12 | 1 | | | G-NORTH | |
T-CT1-11 | Dr Kirsty Doyle     | CT1 | EF-PARK | THU-PM,MON-PM                      | 1.0 | 2029-08-01 | 60 | 10 | 0 | | | G-EAST  | |
T-CT1-12 | Dr Liam Fraser      | CT1 | WB-ST   | FRI-PM,TUE-PM                      | 0.6 | 2031-02-01 | 60 | 11 | 0 | | | G-WEST  | |
T-CT1-13 | Dr Maya Singh       | CT1 | RV-MILL | MON-AM,THU-AM,THU-PM               | 1.0 | 2030-02-02 | 60 | 0  | 0 | | | | |
T-CT1-14 | Dr Noah Williams    | CT1 | NG-MOOR | WED-PM,FRI-AM,FRI-PM               | 1.0 | 2030-02-02 | 60 | 0  | 0 | | | | |
T-CT2-01 | Dr Olivia Brennan   | CT2 | NG-ASH  | MON-PM,TUE-AM,THU-AM,THU-PM        | 1.0 | 2029-02-02 | 60 | 30 | 2 | | | | | PSYCHODYNAMIC,CBT
T-CT2-02 | Dr Priya Raman      | CT2 | NG-MOOR | MON-AM,TUE-PM,WED-AM,FRI-AM        | 1.0 | 2029-02-02 | 60 | 30 | 2 | | | | | CBT
T-CT2-03 | Dr Quentin Hale     | CT2 | RV-QUAY | MON-PM,TUE-AM,WED-PM,THU-AM        | 1.0 | 2029-02-02 | 60 | 22 | 1 | | | G-NORTH | |
T-CT2-04 | Dr Rosa Delgado     | CT2 | RV-MILL | TUE-AM,TUE-PM,THU-AM,FRI-AM        | 1.0 | 2029-02-02 | 60 | 30 | 2 | | | | | CAT
T-CT2-05 | Dr Samuel Osei      | CT2 | EF-PARK | MON-AM,TUE-AM,WED-AM,THU-PM        | 1.0 | 2029-02-02 | 60 | 18 | 1 | | | G-EAST  | |
T-CT2-06 | Dr Tara McKenzie    | CT2 | EF-LEA  | MON-PM,WED-AM,THU-AM,FRI-PM        | 0.8 | 2029-08-03 | 60 | 30 | 2 | CBT | | | C-EF-L02 | PSYCHODYNAMIC
T-CT2-07 | Dr Umar Sheikh      | CT2 | WB-ST   | MON-AM,TUE-PM,WED-AM,FRI-AM        | 1.0 | 2029-02-02 | 60 | 30 | 2 | | | | | CBT
T-CT2-08 | Dr Verity Lang      | CT2 | WB-HILL | TUE-AM,WED-PM,FRI-AM,FRI-PM        | 1.0 | 2029-02-02 | 60 | 24 | 1 | | | G-WEST  | |
T-CT2-09 | Dr William Achebe   | CT2 | NG-ASH  | TUE-AM,WED-AM,THU-PM,FRI-AM        | 1.0 | 2029-02-02 | 60 | 30 | 2 | | | | C-NG-S01 | IPT
T-CT2-10 | Dr Xenia Petrova    | CT2 | RV-QUAY | MON-AM,MON-PM,TUE-PM,FRI-AM        | 1.0 | 2029-02-02 | 60 | 30 | 2 | | | | | PSYCHODYNAMIC
T-CT2-11 | Dr Yusuf Adeyemi    | CT2 | EF-PARK | TUE-PM,WED-PM,THU-AM,FRI-AM        | 0.6 | 2030-02-02 | 60 | 20 | 1 | | | G-EAST  | |
T-CT2-12 | Dr Zara Hussain     | CT2 | WB-ST   | MON-PM,WED-AM,THU-AM,THU-PM        | 1.0 | 2029-02-02 | 60 | 30 | 2 | | | | | CBT,CAT
T-CT2-13 | Dr Aidan Murphy     | CT2 | NG-MOOR | MON-AM,TUE-AM,WED-PM,THU-AM        | 1.0 | 2028-10-01 | 60 | 30 | 2 | | | | |
T-CT3-01 | Dr Bethany Cole     | CT3 | NG-ASH  | MON-AM,TUE-PM,WED-AM,THU-AM,FRI-PM | 1.0 | 2028-02-02 | 60 | 30 | 2 | CBT | | | | PSYCHODYNAMIC
T-CT3-02 | Dr Callum Reid      | CT3 | NG-MOOR | MON-PM,TUE-AM,WED-AM,THU-PM        | 1.0 | 2028-02-02 | 60 | 30 | 2 | CBT | | | C-NG-L01 |
T-CT3-03 | Dr Deepa Nair       | CT3 | RV-QUAY | MON-AM,TUE-AM,WED-PM,THU-PM        | 1.0 | 2028-02-02 | 60 | 30 | 2 | PSYCHODYNAMIC | | | | CBT
T-CT3-04 | Dr Euan Ross        | CT3 | RV-MILL | MON-PM,TUE-PM,WED-AM,FRI-AM        | 1.0 | 2028-02-02 | 60 | 30 | 2 | | | | | CAT
T-CT3-05 | Dr Fatima Bello     | CT3 | EF-PARK | MON-AM,WED-AM,THU-AM,FRI-PM        | 1.0 | 2028-02-02 | 75 | 30 | 2 | CBT | PSYCHODYNAMIC | | |
T-CT3-06 | Dr George Ellis     | CT3 | EF-LEA  | TUE-AM,WED-PM,THU-PM,FRI-AM        | 1.0 | 2028-02-02 | 60 | 30 | 2 | CAT | | | C-EF-L01 |
T-CT3-07 | Dr Hannah Byrne     | CT3 | WB-ST   | MON-AM,TUE-AM,WED-PM,THU-AM        | 1.0 | 2028-02-02 | 60 | 30 | 2 | CBT | | | | PSYCHODYNAMIC
T-CT3-08 | Dr Ibrahim Khan     | CT3 | WB-HILL | MON-PM,TUE-PM,THU-PM,FRI-AM        | 0.8 | 2028-08-02 | 60 | 30 | 2 | | | | | CBT
T-CT3-09 | Dr Joanna Kowalski  | CT3 | RV-QUAY | MON-AM,TUE-PM,THU-AM,FRI-AM        | 0.6 | 2027-11-01 | 60 | 30 | 2 | CBT | | | | PSYCHODYNAMIC
T-CT3-10 | Dr Kwame Asante     | CT3 | NG-ASH  | MON-PM,TUE-AM,THU-PM,FRI-PM        | 1.0 | 2027-08-04 | 60 | 30 | 2 | IPT | | | | CBT
T-CT3-11 | Dr Laura Fitzgerald | CT3 | EF-PARK | TUE-PM,WED-AM,THU-AM,FRI-AM        | 1.0 | 2028-02-02 | 60 | 26 | 2 | | | | |
T-CT3-12 | Dr Mohammed Rashid  | CT3 | RV-MILL | MON-AM,TUE-AM,THU-PM,FRI-PM        | 1.0 | 2028-02-02 | 60 | 30 | 2 | | SYSTEMIC | | C-RV-S03 |
T-CT3-13 | Dr Niamh Gallagher  | CT3 | WB-ST   | MON-PM,WED-AM,THU-PM,FRI-AM        | 1.0 | 2027-09-01 | 60 | 30 | 2 | | | | | CBT
"""

# id | site | modality | length | sessions | min grade | slots | referred | supervisor | remote |
# current trainee | current supervisor | sessions done
CASES = """
C-NG-S01 | NG-ASH  | CBT           | short | 16 | CT1 | TUE-AM,THU-PM,FRI-AM | 2026-06-10 | | no | T-CT2-09 | S-CBT-NG | 6
C-NG-S02 | NG-ASH  | CBT           | short | 14 | CT1 | MON-PM,TUE-AM,THU-AM | 2026-08-01 | | no | | |
C-NG-S03 | NG-MOOR | CBT           | short | 16 | CT1 | MON-AM,WED-AM,FRI-AM | 2026-09-14 | | no | | |
C-NG-S04 | NG-MOOR | IPT           | short | 16 | CT1 | TUE-AM,THU-PM        | 2026-07-20 | | no | | |
C-NG-S05 | NG-ASH  | PSYCHODYNAMIC | short | 20 | CT2 | MON-AM,THU-AM        | 2026-05-03 | | no | | |
C-NG-S06 | NG-MOOR | CBT           | short | 12 | CT1 | TUE-PM,WED-AM        | 2026-11-02 | | yes | | |
C-NG-L01 | NG-MOOR | PSYCHODYNAMIC | long  | 40 | CT2 | MON-PM,WED-AM        | 2026-01-15 | | no | T-CT3-02 | S-PD-NG | 22
C-NG-L02 | NG-ASH  | PSYCHODYNAMIC | long  | 40 | CT2 | MON-AM,TUE-PM,THU-AM | 2025-12-01 | | no | | |
C-NG-L03 | NG-ASH  | CBT           | long  | 24 | CT1 | TUE-AM,FRI-PM        | 2026-04-22 | | no | | |
C-NG-L04 | NG-MOOR | CAT           | long  | 24 | CT2 | MON-AM,TUE-AM        | 2026-03-09 | | no | | |
C-NG-L05 | NG-ASH  | PSYCHODYNAMIC | long  | 30 | CT2 | MON-PM,THU-PM        | 2026-02-11 | | no | | |
C-NG-L06 | NG-MOOR | CBT           | long  | 20 | CT1 | WED-AM,FRI-AM        | 2026-10-05 | | no | | |
C-RV-S01 | RV-QUAY | CBT           | short | 16 | CT1 | MON-AM,TUE-AM,WED-PM | 2026-07-01 | | no | | |
C-RV-S02 | RV-QUAY | CBT           | short | 18 | CT1 | TUE-PM,THU-AM,FRI-AM | 2026-09-30 | | no | | |
C-RV-S03 | RV-MILL | CBT           | short | 16 | CT1 | MON-AM,THU-PM        | 2026-06-18 | | no | T-CT3-12 | S-CBT-RV | 10
C-RV-S04 | RV-MILL | IPT           | short | 12 | CT1 | TUE-AM,FRI-AM        | 2026-08-27 | | no | | |
C-RV-S05 | RV-QUAY | DIT           | short | 16 | CT2 | MON-PM,WED-PM        | 2026-10-12 | | yes | | |
C-RV-S06 | RV-MILL | CBT           | short | 16 | CT1 | TUE-PM,FRI-AM        | 2026-11-20 | | no | | |
C-RV-L01 | RV-QUAY | PSYCHODYNAMIC | long  | 40 | CT2 | MON-AM,TUE-PM,THU-AM | 2025-11-03 | | no | | |
C-RV-L02 | RV-MILL | CAT           | long  | 24 | CT2 | TUE-AM,WED-AM,FRI-AM | 2026-02-25 | | no | | |
C-RV-L03 | RV-QUAY | CBT           | long  | 20 | CT1 | MON-PM,THU-PM        | 2026-05-19 | | no | | |
C-RV-L04 | RV-MILL | PSYCHODYNAMIC | long  | 40 | CT2 | TUE-AM,THU-PM        | 2026-01-07 | | no | | |
C-RV-L05 | RV-QUAY | MBT           | long  | 30 | CT3 | WED-AM,FRI-AM        | 2026-04-01 | | no | | |
C-EF-S01 | EF-PARK | CBT           | short | 16 | CT1 | MON-AM,WED-AM,THU-PM | 2026-06-29 | | no | | |
C-EF-S02 | EF-PARK | CBT           | short | 14 | CT1 | TUE-AM,THU-AM        | 2026-09-08 | | no | | |
C-EF-S03 | EF-LEA  | CBT           | short | 16 | CT1 | WED-AM,FRI-PM        | 2026-08-15 | | no | | |
C-EF-S04 | EF-LEA  | DBT           | short | 20 | CT2 | MON-PM,THU-AM        | 2026-07-07 | | no | | |
C-EF-S05 | EF-PARK | IPT           | short | 16 | CT1 | TUE-PM,FRI-AM        | 2026-10-26 | | no | | |
C-EF-S06 | EF-LEA  | CBT           | short | 16 | CT1 | TUE-AM,THU-PM        | 2026-11-11 | | yes | | |
C-EF-L01 | EF-LEA  | PSYCHODYNAMIC | long  | 40 | CT2 | WED-PM,FRI-AM        | 2026-02-02 | | no | T-CT3-06 | S-PD-EF | 18
C-EF-L02 | EF-LEA  | PSYCHODYNAMIC | long  | 30 | CT2 | MON-PM,THU-AM        | 2026-03-16 | | no | T-CT2-06 | S-PD-EF | 8
C-EF-L03 | EF-PARK | CBT           | long  | 20 | CT1 | MON-AM,WED-AM        | 2026-05-05 | | no | | |
C-EF-L04 | EF-PARK | CAT           | long  | 24 | CT2 | TUE-AM,THU-AM        | 2026-01-26 | | no | | |
C-EF-L05 | EF-LEA  | PSYCHODYNAMIC | long  | 40 | CT2 | TUE-AM,THU-PM        | 2025-12-15 | | no | | |
C-EF-L06 | EF-PARK | SYSTEMIC      | long  | 24 | CT2 | WED-AM,FRI-AM        | 2026-06-02 | | no | | |
C-WB-S01 | WB-ST   | CBT           | short | 16 | CT1 | MON-AM,WED-AM,FRI-AM | 2026-07-13 | | no | | |
C-WB-S02 | WB-ST   | CBT           | short | 12 | CT1 | TUE-PM,THU-PM        | 2026-09-21 | | no | | |
C-WB-S03 | WB-HILL | CBT           | short | 16 | CT1 | MON-PM,FRI-AM        | 2026-08-03 | | no | | |
C-WB-S04 | WB-HILL | PSYCHODYNAMIC | short | 20 | CT2 | TUE-AM,THU-AM        | 2026-04-14 | | no | | |
C-WB-S05 | WB-ST   | IPT           | short | 16 | CT1 | WED-AM,THU-AM        | 2026-10-19 | | no | | |
C-WB-S06 | WB-ST   | CAT           | short | 16 | CT2 | MON-AM,THU-PM        | 2026-06-22 | | no | | |
C-WB-L01 | WB-ST   | PSYCHODYNAMIC | long  | 40 | CT2 | MON-AM,THU-AM        | 2025-10-20 | | no | | |
C-WB-L02 | WB-HILL | CBT           | long  | 20 | CT1 | TUE-PM,FRI-AM        | 2026-05-26 | | no | | |
C-WB-L03 | WB-ST   | PSYCHODYNAMIC | long  | 30 | CT2 | WED-AM,THU-PM        | 2026-02-17 | | no | | |
C-WB-L04 | WB-HILL | CAT           | long  | 24 | CT2 | MON-PM,TUE-PM        | 2026-03-30 | | no | | |
C-WB-L05 | WB-ST   | CBT           | long  | 24 | CT1 | MON-PM,WED-AM        | 2026-08-10 | | no | | |
C-WB-L06 | WB-HILL | MBT           | long  | 30 | CT3 | TUE-AM,FRI-AM        | 2026-04-28 | | no | | |
C-X-L01  | RV-QUAY | PSYCHODYNAMIC | long  | 40 | CT2 | MON-AM,THU-AM,FRI-AM | 2025-09-08 | S-PD-RV | yes | | |
C-X-S01  | NG-ASH  | CAT           | short | 16 | CT2 | TUE-PM,WED-AM        | 2026-07-29 | | yes | | |
C-X-S02  | EF-PARK | PIT           | short | 16 | CT2 | MON-AM,WED-AM        | 2026-09-02 | | no | | |
"""

# id | name | site | modalities | slots | max trainees | group size | supervision PAs | remote
SUPERVISORS = """
S-CBT-NG | Dr Helen Marsh      | NG-ASH  | CBT           | MON-AM,TUE-PM,WED-AM,THU-AM,FRI-PM | 4 | 3 | 1.0 | no
S-PD-NG  | Dr Richard Stein    | NG-MOOR | PSYCHODYNAMIC | TUE-AM,WED-AM,THU-PM               | 3 | 1 |     | no
S-IPT-NG | Dr Anjali Rao       | NG-ASH  | IPT,CBT       | TUE-AM,THU-AM                      | 2 | 1 |     | no
S-CBT-RV | Dr Tom Whitaker     | RV-MILL | CBT           | MON-AM,TUE-AM,WED-PM,THU-AM        | 3 | 3 |     | no
S-PD-RV  | Dr Miriam Cohen     | RV-QUAY | PSYCHODYNAMIC | MON-PM,TUE-AM,WED-AM,FRI-PM        | 3 | 1 | 0.5 | no
S-CAT-RV | Dr Paul Greaves     | RV-QUAY | CAT           | MON-AM,THU-PM,FRI-AM               | 2 | 1 |     | no
S-DIT-RV | Dr Lena Morgan      | RV-QUAY | DIT,PSYCHODYNAMIC | TUE-PM,WED-AM                  | 1 | 1 |     | yes
S-CBT-EF | Dr Kofi Mensah      | EF-PARK | CBT,DBT       | MON-PM,TUE-PM,WED-AM,FRI-AM        | 3 | 3 | 1.0 | no
S-PD-EF  | Dr Sarah Lindqvist  | EF-LEA  | PSYCHODYNAMIC | MON-AM,TUE-PM,WED-AM,THU-PM        | 3 | 1 |     | no
S-SYS-EF | Dr Owen Price       | EF-LEA  | SYSTEMIC,IPT  | TUE-AM,THU-AM                      | 2 | 1 |     | no
S-CBT-WB | Dr Rachel Adams     | WB-ST   | CBT           | MON-PM,TUE-AM,WED-PM,THU-PM        | 3 | 3 |     | no
S-PD-WB  | Dr Imran Chaudhry   | WB-HILL | PSYCHODYNAMIC | MON-AM,TUE-PM,WED-AM               | 2 | 1 | 0.5 | no
S-CAT-WB | Dr Fiona Walsh      | WB-ST   | CAT           | TUE-PM,FRI-AM                      | 2 | 1 |     | yes
S-MBT-X  | Dr Peter Novak      | RV-QUAY | MBT,DBT       | WED-PM,FRI-PM                      | 1 | 1 |     | yes
S-PIT-X  | Dr Julia Schwartz   | EF-PARK | PIT,PSYCHODYNAMIC | MON-PM,THU-AM                  | 1 | 1 |     | no
"""

# id | site | slot | facilitator | min | max | external members | online
GROUPS = """
G-NORTH | NG-ASH  | WED-PM | Dr Richard Stein   | 4 | 10 | 3 | no
G-EAST  | EF-PARK | THU-PM | Dr Sarah Lindqvist | 4 | 8  | 1 | no
G-WEST  | WB-ST   | FRI-PM | Dr Imran Chaudhry  | 4 | 8  | 2 | no
G-ONLINE| RV-QUAY | TUE-PM | Dr Miriam Cohen    | 5 | 10 | 0 | yes
"""

# id | name | trusts | core PAs | higher trainees | higher PAs | SPA
TUTORS = """
TUT-NR | Dr Catherine Doyle | Northgate Mental Health NHS FT; Riverside Partnership NHS FT | 4 | 4 | 1 | 3
TUT-EW | Dr Simon Okonjo    | Eastfield Care NHS Trust; Westbridge NHS FT                  | 3 | 6 | 1 | 1
"""


def _rows(block: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("|")] for line in block.strip().splitlines()]


def _list(text: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(sep) if p.strip())


def _opt(text: str) -> str | None:
    return text or None


def build() -> Instance:
    return Instance(
        settings=Settings(name="North Thames (example) core psychiatry scheme",
                          plan_start=date(2027, 2, 3)),
        profile=Profile(),
        sites=tuple(Site(id=r[0], trust=r[1], name=r[2]) for r in _rows(SITES)),
        travel_times=tuple(TravelTime(from_site=r[0], to_site=r[1], minutes=int(r[2]))
                           for r in _rows(TRAVEL)),
        trainees=tuple(Trainee(
            id=r[0], name=r[1], grade=int(r[2][2]), base_site=r[3], available_slots=_list(r[4]),
            ltft=float(r[5]), core_end=date.fromisoformat(r[6]), max_travel_minutes=int(r[7]),
            cbdg_sessions_attended=int(r[8]), cbdga_satisfactory=int(r[9]),
            short_case_done=_opt(r[10]), long_case_done=_opt(r[11]), current_group=_opt(r[12]),
            current_cases=_list(r[13]), preferred_modalities=_list(r[14]),
        ) for r in _rows(TRAINEES)),
        cases=tuple(Case(
            id=r[0], site=r[1], modality=r[2], length=r[3], sessions=int(r[4]), min_grade=int(r[5][2]),
            available_slots=_list(r[6]), referred=date.fromisoformat(r[7]), supervisor=_opt(r[8]),
            remote_ok=r[9] == "yes", current_trainee=_opt(r[10]), current_supervisor=_opt(r[11]),
            sessions_done=int(r[12] or 0),
        ) for r in _rows(CASES)),
        supervisors=tuple(Supervisor(
            id=r[0], name=r[1], site=r[2], modalities=_list(r[3]), available_slots=_list(r[4]),
            max_trainees=int(r[5]), group_size=int(r[6]),
            supervision_pas=float(r[7]) if r[7] else None, remote=r[8] == "yes",
        ) for r in _rows(SUPERVISORS)),
        groups=tuple(Group(
            id=r[0], site=r[1], slot=r[2], facilitator=r[3], min_size=int(r[4]), max_size=int(r[5]),
            external_members=int(r[6]), online=r[7] == "yes",
        ) for r in _rows(GROUPS)),
        tutors=tuple(Tutor(
            id=r[0], name=r[1], trusts=_list(r[2], ";"), core_pas=float(r[3]),
            higher_trainees=int(r[4]), higher_pas=float(r[5]), spa_pas=float(r[6]),
        ) for r in _rows(TUTORS)),
    )


if __name__ == "__main__":
    out = Path(__file__).with_name("north_thames.xlsx")
    write_instance(build(), out)
    print(f"wrote {out}")
