"""The engine's tuned constants, in one place, each with what measured it.

Every number here was chosen by a measurement (benchmarks/README.md has the runs); change
one only with a run of `python benchmarks/family.py` (and `benchmarks/run.py` for the
large regions) before and after. The modules that use them import them from here."""

from __future__ import annotations



# ---- The search of one model (model/search.py) -------------------------------------------

# Of a part's deterministic budget: tier 1 (1a and 1b), tier 2, tier 3. Tier 1 decides who
# is placed and is the hard one; tiers 2 and 3 were proven within a second or two on
# every 120-trainee scheme of the seven shapes measured with these shares.
STAGE_SHARES = (0.6, 0.25, 0.15)
# Above this many variables CP-SAT's probing and symmetry detection are switched off: on
# large models they cost seconds before any solution; on small ones they pay for themselves.
LIGHT_PRESOLVE_ABOVE = 60_000
# A stage is not started with less wall time left than this per variable: loading a
# 100,000-variable model takes CP-SAT about a second before it can stop.
LEAST_WALL_PER_VARIABLE = 1e-5
# Of the wall time left when tier 1 starts, what HiGHS's MIP may take at most: more than the
# stage's share of the budget, since tier 1 comes first (the tiers after it were proven
# within a second or two on every 120-trainee scheme measured). HiGHS proved a 120-trainee
# scheme's tier 1 at its root node in 25 s of one thread on a busy machine.
MIP_WINDOW_SHARE = 0.8
# Seconds past its window to wait for HiGHS, which stops itself there (its own time limit)
# and returns within a tenth of a second without its presolve (MIP_PRESOLVE).
MIP_GRACE = 0.5

# ---- CP-SAT and HiGHS side by side (model/portfolio.py, model/mip.py) --------------------

# A CP-SAT call repeats its latest progress this often, so that a page showing progress
# hears from the search at least once a second (a stage can go seconds without a better
# allocation; the web app's progress test asks for one a second).
HEARTBEAT_SECONDS = 0.5
# Seconds to wait for a cancelled HiGHS run to return; it takes a tenth of a second but up
# to about six while it starts a solve (measured).
END_WAIT = 15.0
# How often a MIP member waiting for HiGHS's turn (model/mip.py) looks whether it was
# cancelled meanwhile.
TURN_POLL = 0.05

# ---- Budgets (engine/options.py) ---------------------------------------------------------

# Search work allowed per wall-clock second of the limit, in reproducible mode. CP-SAT's
# deterministic seconds run at about one per wall second on an idle 2-core machine and
# slower on a busy one; building the models, the greedy start, the relaxations and the
# outputs need wall time too, more of it the larger the region. Three quarters of the
# limit for a scheme, half for a region of SEARCH_HALF_FROM trainees or more, leaves room
# for all of that, so that a reproducible run is rarely cut short by the clock
# (benchmarks/README.md has the measurements). It depends on the workbook alone, so a
# run stays reproducible.
SEARCH_PER_SECOND = 0.75
SEARCH_PER_SECOND_LARGE = 0.5
SEARCH_HALF_FROM = 300  # trainees
# Branch-and-bound nodes HiGHS's MIP member may take per deterministic second of tier 1's
# budget (model/portfolio.py): its reproducible budget, as deterministic seconds are
# CP-SAT's. Measured on 120-trainee schemes where CP-SAT alone left tier 1 unproven: HiGHS
# proved them at its root node or within about 350 nodes, at 7-30 nodes a second.
MIP_NODES_PER_SECOND = 20.0
# HiGHS's MIP member runs without its presolve. On the random family's 60 schemes of
# 40-150 trainees (tier 1, 1a then 1b, one thread) presolve took almost all the time of
# the proofs, which came at the root node either way: with it, a median of 0.83 s and a
# worst of 14.9 s (9 schemes over 5 s; f02 6.6 s of presolve for a 0.1 s solve); without,
# 0.5 s and 6.9 s (2 over 5 s), every scheme proven to the same optimum. It also answers a
# cancel at once (presolve did not, for up to six seconds: END_WAIT).
MIP_PRESOLVE = "off"
# Except for tier 1b (the second level, tier 1a held): there HiGHS's presolve is what
# proves f59 (149 trainees; tier 1 is (43, 82)). Offline, the family's 80 schemes of 40-150
# trainees (main and holdout), one thread, a fast day: without presolve its second level
# took 40.8 s and 553 nodes (17 s before its fifth node), and in a 30-s run the window cut
# it at 104 nodes with tier 1b's bound at 84; with it, 6.1 s at the root node. With it
# every scheme is still proven at the same optimum, the second levels' median 0.3 s against
# 0.2 and their worst 6.1 s against 40.8 (h20 3.6 against 7.4); the first level keeps
# MIP_PRESOLVE (with presolve, 7.3 s on h01 against 1.6). The cost: a cancel waits for the
# presolve to end (f13: 2.6-3.9 s), so where CP-SAT proves tier 1 first its call ends that
# much later (docs/decisions.md).
MIP_SECOND_LEVEL_PRESOLVE = "on"
# Where the model holds every choice, HiGHS's lead comes before tier 1's call (model/search.py,
# ``_lead``): tier 1a proven, tier 1b's relaxation and the best allocation near its interior
# point (model/interior_start.py), within LEAD_SHARE of HiGHS's window; CP-SAT is then hinted
# with it. Half the window cut the lead on a17 and a28 at 10 s (their answers 120 and 130
# against 163 and 192 with the whole window); the call's own member starts beside the lead,
# so the window is not spent twice (docs/decisions.md, "Built: HiGHS's lead on tier 1").
LEAD = True
LEAD_SHARE = 1.0

# ---- Strategies for a part (engine/part.py) ----------------------------------------------

# Above this many variables one CP-SAT model with every choice improves too slowly on a
# 2-core machine (measured: a connected 500-trainee region of 59,000 variables did not
# improve on the greedy start in 30 deterministic seconds; regions of 120-250 trainees
# with 5,000-14,000 were solved or nearly so).
ONE_MODEL_UP_TO = 20_000
# The relaxation's model takes about this many variables in 15 s of HiGHS on this machine
# (a connected region of 1,000 trainees); beyond it the choices are shortlisted first.
RELAXED_UP_TO = 250_000
NEIGHBOURHOOD_VARIABLES = 12_000  # what one neighbourhood's free trainees may add
FEWEST_FREE = 20  # trainees: a smaller neighbourhood rarely improves anything
# Of the wall time left, at most, for the linear relaxation. It runs beside the critical
# relaxation, which takes CRITICAL_SHARE of the search budget (about as many wall
# seconds), so up to about that long it delays nothing; and it is the only proven bound
# on tier 1b. (At 0.35 a connected 1,000-trainee region's relaxation, 16-18 s, was not
# even tried, and that region got no bound on tier 1b.)
RELAXATION_SHARE = 0.45
# Of a guided part's search budget, for the critical relaxation. Its allocation is where
# the search starts and its choices are kept: at 0.4 it had found 159 critical placements
# of a possible 160 on a connected 1,000-trainee region and the search stayed at 159; at
# 0.5 it finds 160 and the search reaches the reference's (160, 252) (measured when it
# searched every choice; restricted, it reaches 160 at 0.5 too. With 0.6, tried while its
# search was core-based alone, the final search had too little left for tier 1b on seed 2:
# 255 against a bound of 281).
CRITICAL_SHARE = 0.5
# Wall seconds per variable of building the models in Python, which nothing runs beside
# (measured: about 6 s for the 150,000 variables of a connected 1,000-trainee region).
# A reproducible search sets that time aside from its deterministic budget, so that the
# clock, not planned work, rarely ends it. The linear relaxation runs beside the critical
# one, so its time is not set aside again.
BUILD_SECONDS_PER_VARIABLE = 4e-5

# A guided part whose every choice makes a model of at most this many variables (and fits
# the memory budget) searches tier 1 among the guided choices, then, unless the
# relaxations prove it there, among every choice, started from that answer. The guided
# choices leave out what the others' requirements need: on the random family's f70 (930
# trainees, 53,000 variables) tier 1 stopped at (140, 401) proven on the restriction, and
# every choice, hinted with it, proved the optimum (140, 445) in 16 deterministic seconds;
# f67 (79,000) 180 -> 182, the optimum, in 8 (measured apart, from the engine's answers).
WIDE_UP_TO = 100_000
# Of the search budget after the relaxations, the share of the guided choices' tier 1 where
# a search among every choice follows it (else tier 1's share of one search, STAGE_SHARES[0]:
# engine/part.py, _guided_search).
GUIDED_FIRST_SHARE = 0.25
# Of what is left after it, the share of tier 1 among every choice, where the relaxations
# have not proven it among the guided choices; the later tiers take the rest, among every
# choice if that search placed more, else among the guided choices (among every choice,
# with less time each, they ended lower: f61 tier 2 219 -> 190, f66 1225 -> 986).
WIDE_TIER_ONE_SHARE = 0.6
# Of its share, what a search among every choice plans to take. Planned whole, it was cut
# by the clock on f61 and f70 at 60 s (16.7 and 19.5 of 20.3 and 21.4 deterministic
# seconds, on an idle machine), and the run was no longer reproducible.
WIDE_BUDGET_SHARE = 0.5
# A guided part whose whole linear relaxation is solved searches tier 1 once more after
# the guided choices, among their answer's choices and those the relaxation uses above
# LINEAR_KEPT (engine/guided.py, LinearChoices), hinted with that answer, taking this share
# of the search budget left after the guided choices' tier 1. Measured apart (0.01, about
# 15 deterministic seconds): family f70 (930 trainees) 409 -> 444 of an optimum of 445,
# 39,000 of its 53,000 variables; a 300-trainee region 167 -> 173 (of 174), 12,000 of 82,000.
LINEAR_KEPT = 0.01
GROWN_TIER_ONE_SHARE = 0.5
# CP-SAT's deterministic seconds to work out a hint's auxiliary variables from its
# decisions (model/build.py, completed_hint).
HINT_COMPLETION_SECONDS = 2.0
# The last search of tier 1 among restricted choices (that one, or the guided choices' where
# none follows) is CP-SAT's linear relaxation with every cut (``max_lp``) alone: the critical
# placements come from the critical relaxation's allocation, and what is left is mostly
# tier 1b, which that relaxation's rounding finds. Measured on f70's model of those choices,
# from (140, 409): 444 in 8 s of wall time, where CP-SAT's whole portfolio took 22 s (with
# its default search beside, 15 s; with core-based search, 432 after 34 s); on the
# 300-trainee region, 173 in 9 s against 15; f64 (980 trainees, shortlisted) 379 -> 389.
# Searched so before the relaxation's choices, the 500-trainee region of seed 7002's knobs
# ended at 333 where the whole portfolio first gives 344.
FINISHING_SUBSOLVERS = ("max_lp",)

# ---- The guided search of a large part (engine/guided.py) --------------------------------

CHEAPEST_KEPT = 2  # each unit's cheapest cases, so no unit is left with too little
# Where a part's choices are shortlisted (each unit's 12 cheapest cases), the critical
# relaxation still takes every choice of the critical requirements' units when its model
# has at most this many variables: the cheapest lists send every critical trainee to the
# same nearby cases. On a connected 2,000-trainee region (random, seed 7003) the critical
# requirements alone placed 81 among the shortlists, 91 among 30 a unit, and 138 among
# every choice (163,000 variables, CP-SAT, 60 s), where the engine had answered 133.
CRITICAL_EVERY_UP_TO = 300_000  # as engine/memory.py counts them (163,000 built there); 650 MiB searched
# HiGHS's interior-point method took about 16 s (one or two threads alike) for the
# 150,000 variables of a connected 1,000-trainee region; a relaxation not expected to
# finish by the part's deadline is not built at all. (An upper estimate: on a fast day
# random 1,000 seed 7004 took 21 s for 229,000 variables, seed 7006 3 s for 213,000.)
RELAXATION_SECONDS_PER_VARIABLE = 1.2e-4
# A choice the critical relaxation's linear relaxation uses at least this much is kept
# for its search (HiGHS's interior point leaves choices it does not use near 1e-8).
USED = 1e-3
# PDLP's point after FIRST_ORDER_ITERATIONS is not converged: a shortlisted part's critical
# search keeps the choices it uses above this (and the shortlist's: engine/critical.py,
# ``_pointed``). Measured on seeds 7002, 7005, 7007, 7015, 7018 and f64 (5 deterministic
# seconds each): 0.01 placed as many or more than USED everywhere; 0.03 fewer on four.
POINT_USED = 0.01
# The critical relaxation's CP-SAT searches, in turns: on connected 1,000 each alone reached
# the restricted model's optimum with some seeds and not others; the two together in 12 of
# 12 runs (seeds 0-5 on two regions; engine/critical.py says more).
CRITICAL_SUBSOLVERS = ("default_lp", "core")
# A shortlisted part's critical search (its first, among the choices of a relaxation of the
# critical units' every choice, or of the shortlist's) uses CP-SAT's relaxation with every
# cut alone: measured in whole 60 s runs on 2026-12-04, random 1,000 seed 7002 went from 269 to
# 273 critical placements (bound 275), seed 7001's tier 1b from 394 to 396, connected 2,000
# seed 1 from (332, 482) to (335, 528) and seed 2 from 311 to 312 critical placements; f64
# and random 2,000 seed 7003 the same tier 1a. In a part relaxed whole (connected 1,000
# seed 1) it stopped at 159 of 161 where the two above reach 160, and its 40-60% more
# wall time delayed the whole relaxation, tier 1b's bound: there it is not used. Nor for
# the search again among every choice of the critical units (``_wider``), which proves
# the bound: with cuts alone seed 7003's 61 stayed unproven (bound 64).
SHORTLISTED_CRITICAL_SUBSOLVERS = ("max_lp",)
# Of its share, what the critical relaxation's search keeps at least when its relaxation's
# time is set aside from it (engine/critical.py, search_critical).
CRITICAL_SEARCH_LEAST = 0.5
# Of the wall time left to a part, what HiGHS may take for a relaxation left running beside
# the search (engine/critical.py, Background). Its bound is read when the search ends, so it
# should end by then; reading its model into HiGHS comes first and is not counted by HiGHS
# (3-5 s at 1,000 trainees), which the rest of the time and the seconds kept back for the
# outputs (AFTER_SEARCH) absorb. (Measured with it: f64's critical bound came in 3 of 3
# runs; at 0.8 its 24 s alone, slower beside the search, would be cut.)
LATE_SHARE = 0.9
# Of the wall time left to a part's final searches, how long tier 1's wait for the whole
# part's linear relaxation still running (engine/guided.py, Guidance.wait_for_tier_one)
# before the later tiers search beside it; its bound is read again at the end.
LATE_LINEAR_PATIENCE = 0.5
# How often that wait, past its share, looks whether the relaxation without slots it waits
# beside is done.
PATIENCE_POLL = 0.25

# ---- Neighbourhoods (engine/lns.py) ------------------------------------------------------

# Passes over the neighbourhoods the budget is planned for, and the deterministic seconds
# below which one is not worth solving: on regions over the memory budget a third pass
# rarely improved anything, and a neighbourhood given under half a second rarely found a
# better allocation than its start (benchmarks/README.md, "Memory").
ROUNDS = 3
SMALLEST_SHARE = 0.5

# ---- Parts side by side (engine/lanes.py) ------------------------------------------------

# A region of several schemes is solved part by part in separate processes; one scheme
# (or a small region) is not, as starting a process costs about a second.
SIDE_BY_SIDE_FROM = 200  # trainees

# ---- Memory (engine/memory.py) -----------------------------------------------------------

# Peak resident memory per model variable with 2 interleaved CP-SAT workers, measured
# over the search stages (benchmarks/README.md, "Memory"): 9-14 KiB on connected regions of
# 120-1,000 trainees when it was chosen. Small models cost more per variable (fixed costs;
# up to 49 KiB) but their totals stay under half a GiB, far inside any budget; the guard
# matters for the large ones.
BYTES_PER_VARIABLE = 14 * 1024
BASE_BYTES = 200 * 1024 * 1024  # Python, OR-Tools and the instance itself
# A model built in Python and its linear relaxation in HiGHS, not searched by CP-SAT.
RELAXED_BYTES_PER_VARIABLE = 4 * 1024

# ---- The time after the search (pipeline.py) ---------------------------------------------

# Seconds kept back from the time limit for what follows the search: the checker, the
# explanations and compliance, and writing the files (measured at about 2.5 s for 1,000
# trainees when first set; since the writer grew, 5.9 s for 980 trainees on 2026-12-04:
# 3.9 s writing the workbook, 0.7 s explaining, and a 60 s run of f64 ended at 61.7 s with
# 0.004 s a trainee; at 0.0065, connected 2,000-trainee regions ended at 120.1-122.3 s
# of a 120 s limit on 2026-12-04, 15.4 s after the search). It grows faster than the
# region past a few thousand trainees (explanations compare a trainee with others): at
# 5,000, 21 s kept back still ended the run 6 s past its limit, so past LARGE_FROM each
# trainee counts twice.
# At 0.0075 the random 2,000-trainee region seed 7003, its critical relaxation searched
# again among every choice, ended at 119.6 s and 120.1 s of 120. At 0.008, on a slower
# day (2026-12-04, afternoon), random 1,000 seed 7001 ended at 60.6 s of 60, 9.2 s after
# its search (writing the workbook about 7 s of it).
# Since a style is made once per workbook (2026-12-04, evening) the time after the search
# is 4.5-4.8 s at 1,000 trainees and 8.2-10.6 s at 2,000; 0.008 was tried then: tier 1 the
# same on 7001, f64, connected 1,000 and 2,000 seed 1, the runs 2-4 s later (connected
# 2,000 at 113.6 s, where the afternoon's slower machine had ended it at 112.5 with 0.01),
# so the margin was kept. Then RINS (engine/rins.py) needed the seconds: on f64 its first
# round ended 1-2 s after the final search's end. Since 2026-12-05 it is 0.007 a trainee
# and at least 1 s (a small scheme's outputs take well under a second): at 1,000 trainees
# 7 s where the time after the search is 4.5-4.8 s (f64 and seed 7002 ended at 56-57 s
# of 60), at 2,000 14 s where it is 8.2-10.6 s.
AFTER_SEARCH = (1.0, 0.007)  # at least this many seconds, and seconds per trainee
# And at least AFTER_READING times the seconds the run took to read its workbook (openpyxl,
# as writing is): the pace of the machine it runs on. On a slow day (2026-12-05, a plain
# Python loop 2-3 times slower than usual) f64 read in 2.0 s and its outputs took 10.1 s
# (writing the workbook 8.3 s, where it took 2.9 s before), and 1,000-trainee runs of 60 s
# ended at 63.7-66.1 s with 7 s kept back.
AFTER_READING = 7.0
LARGE_FROM = 2_000  # trainees
# The critical relaxation's search stops once within this share of its linear relaxation's
# bound (as a whole number of placements, rounded down), so tier 1a stays within 1% of it.
CRITICAL_GAP = 0.01
# A shortlisted part's critical relaxation planned (RELAXATION_SECONDS_PER_VARIABLE) to
# take more than this many times its wait is not waited for (engine/critical.py,
# _critical_linear): 1.9 on random 1,000 seed 7001 (never done in time), 1.05 on connected
# 2,000 seed 2 and 0.8 on f64 (done in 21 s; not done in 24).
CRITICAL_WAIT_MOST = 1.5
# Deterministic seconds a critical relaxation's search must have left, after building
# the wider model (planned from its size), to be searched again among every choice of its
# units (engine/critical.py, _wider); and the largest such model (as engine/memory.py counts
# them). On a random 2,000-trainee region (seed 7003) that model has 383,000: 13 s to
# build, 61 critical placements proven in 6 deterministic seconds, and the run's peak
# 1,214 MiB (646 MiB without it); its search must fit the part's memory budget as a
# relaxation's does (RELAXED_BYTES_PER_VARIABLE: CP-SAT's presolve leaves a tenth of it).
CRITICAL_WIDE_LEAST = 3.0
CRITICAL_WIDE_UP_TO = 450_000
# The wider model's cost planned at this many times its build (BUILD_SECONDS_PER_VARIABLE):
# built in Python, then loaded and presolved by CP-SAT, which its deterministic seconds
# undercount (seed 7003: 13 s to build, then 25 s of CP-SAT for 6 deterministic seconds;
# planned at its build alone, the final search was left 29 deterministic seconds, cut by the
# clock, and the run ended at 122.7 s of 120).
CRITICAL_WIDE_LOAD = 2.0
# Iterations of PDLP for the bound of a critical relaxation too large for HiGHS in the run
# (model/first_order.py, engine/critical.py): on random 1,000 seed 7001 (236,000 variables,
# HiGHS 61 s for 358) 400 give 359.6 in 4.6 s and 800 give 358.2 in 8.4 s, one thread;
# every iteration is a core taken from the search beside it.
FIRST_ORDER_ITERATIONS = 800
# Wall seconds PDLP's FIRST_ORDER_ITERATIONS take per variable of a shortlisted part's
# critical relaxation, one thread, for the time its point is planned to take (set aside
# from the critical search's budget, as RELAXATION_SECONDS_PER_VARIABLE is for HiGHS): on
# a day 2.5 times slower than usual, seed 7002 9 s for 149,000 variables, f64 14 s for
# 98,000, connected 2,000 20 s for 200,000 (1.0-1.4e-4 then; HiGHS took 28, 76 and 73 s).
FIRST_ORDER_SECONDS_PER_VARIABLE = 4e-5
# Wall seconds a guided part's final search must have left, beyond building its model
# (planned from its size), to be built and run at all (engine/part.py, _guided): past
# that, its start is the answer (connected 2,000 seed 1 on a slow day: the critical search
# ended at 100 s of 120, and building and searching anyway ended the run at 132 s).
FINAL_LEAST_WALL = 3.0
# The share of the wall time left that a critical search may take (engine/critical.py):
# the rest is the completion's, the final model's and its search's, which a slow machine
# otherwise squeezes out (connected 2,000 seed 1: the critical search ended at 98.8 s of
# the part's 99, and the run at 121 s of 120).
CRITICAL_SEARCH_WALL = 0.7
# RINS beside the final search of a shortlisted part (engine/rins.py, model/rins.py): when
# the part's searched lists have at most RINS_UP_TO variables (as engine/memory.py counts
# them: random 1,000-trainee regions 76,000-87,000; 2,000 trainees 155,000-162,000, whose
# relaxation and rounds would not fit their run). Its lists: each unit's RINS_LISTS_PER_UNIT
# nearest cases and supervisors of each kind, with the start's own choices. From the guided
# start of f64 (211, 370) (relaxation, then rounds, one thread): 4 a kind, 6.2 s then 392
# in 2.6 s and 400 in 5.4 more; 5, 8.8 s then 397 in 4.1 s; 6, 10.6 s then 403 in 6.2 s.
# Seed 7002 from (273, 557): 4, 578; 6, 595 in 4.8 + 11.3 s. At most RINS_ROUNDS rounds
# (seed 7002's: 2.5, 1.9, 1.9 and 5.0 s, each better; the next found nothing in 2.1 s,
# the neighbourhood's best). RINS and the final search beside it (one core each) end
# RINS_FINAL_WALL seconds before the part's deadline.
SHORTLIST_PER_UNIT = 12
RINS_UP_TO = 100_000
RINS_LISTS_PER_UNIT = 6
RINS_ROUNDS = 6
RINS_FINAL_WALL = 0.5
# RINS's point (engine/rins.py, ``Rins.relaxed``): HiGHS's interior point where the window
# left holds its plan, RINS_INTERIOR_SECONDS_PER_VARIABLE of the model's variables (in the
# run, beside the wider lists' building and relaxation: f64 10.3-11.4 s for 66,357, seed
# 7012 16-21 s for 86,287, 7007 8.4 s for 76,368; alone about half), and RINS_ROUNDS_LEAST
# for rounds after it; otherwise PDLP's after RINS_FIRST_ORDER_ITERATIONS (one thread, a
# fixed count: the same point on any machine). Seed 7012's nearest lists from the run's
# start 574, offline, one thread, a fast day: PDLP 400 iterations 1.5 s, first round 630;
# 800, 2.4 s, 634; 1600, 4.4 s, 620; 3200, 8.3 s, 629 (the interior point's, 16 s, 627).
RINS_INTERIOR_SECONDS_PER_VARIABLE = 2e-4
RINS_ROUNDS_LEAST = 6.0
RINS_FIRST_ORDER_ITERATIONS = 800
# RINS's second phase (engine/rins.py, ``Wider``): from the first phase's answer, among each
# unit's RINS_WIDER_PER_UNIT nearest of each kind (where they have at most RINS_WIDER_UP_TO
# variables: random 1,000-trainee seed 7002, 121,000), its rounds fixing the variables
# within each of RINS_WIDER_AGREE of the relaxation's point in turn. Seed 7002 from the
# first phase's 599, one thread, a slow day: within 0.02, 610 in 21 s and nothing more in
# 4 s; then within 0.01, 620 in 29 s. Within 0.01 alone: 616 in 94 s (the first round's
# neighbourhood, 27,000 variables free, took HiGHS 41 s of cuts at its root); within 0.05,
# 601. Its relaxation, planned at INTERIOR_SECONDS_PER_VARIABLE (HiGHS's interior point
# without crossover: 10.9 s for 104,000 variables on a usual day, 22 s on a slow one).
# Within 0.03 first (2026-12-06, fifth session): seed 7002's first round within 0.02 took
# 9.9 s to find 612 (offline, one thread, a fast day), about the whole window the phase
# has in a 60 s run, so the run ended at 612 or, cut by the clock, at the first phase's
# 599 (3.9% from the bound, 623). Within 0.03 the first round finds 607 in 5.0 s (2.6%),
# then within 0.02 614 by 11.4 s; within 0.04, 606 in 2.8 s and 612 by 15 s. In the run,
# alternated on one fast day: 612, 612, 612 before; 607, 614, 614 with (0.03, 0.02, 0.01).
# The other regions whose second phase runs (seeds 7009, 7011, 7013) find nothing more
# either way.
RINS_WIDER_PER_UNIT = 12
RINS_WIDER_UP_TO = 150_000
RINS_WIDER_AGREE = (0.03, 0.02, 0.01)
INTERIOR_SECONDS_PER_VARIABLE = 1e-4
# Tier 1b's relaxation without slots (engine/without_slots.py), solved beside a guided
# part's final searches where planned (``planned_variables``) at most WITHOUT_SLOTS_UP_TO
# variables. Offline on a slow day (HiGHS's interior point, one thread), planned / made:
# seed 7002 87,000 / 98,000 variables, 23 s, 271 MiB in all (623, the flows 631); seed
# 7004 106,000 / 118,000, 18 s; seed 7001 431,000 / 437,000, 159 s, 793 MiB (400, the
# flows 401): started beside its searches, it was not done by their end and its process
# raised the run's peak from 0.98 to 1.75 GiB; f64 194,000 / 200,000, 408 (the flows
# 406); seed 7005 152,000 / 157,000, 312 (the flows 314).
WITHOUT_SLOTS_UP_TO = 150_000
# A case unit with more cases to choose from takes a kind of case in that relaxation, not
# a case by name (``without_slots._taken``): on random connected 1,000 seeds 7005, 7007,
# 7012, 7015, 7016 and 7018 the bound was as by name at 100 (7012's at 30 was 730, not 650)
# and the variables 23,000-166,000, where by name they were 152,000-279,000.
WITHOUT_SLOTS_BY_NAME_UP_TO = 100
# The group places filled afresh around a guided part's cases, its last step
# (engine/group_places.py): its deterministic seconds, the wall it keeps from the searches
# before it beside building its model (planned from its size), and CP-SAT's searches, with
# HiGHS's MIP beside them (MIP_NODES_PER_SECOND). CP-SAT's LP says the best at once there
# and its searches then climb to it one place at a time. Seed 7004's model (34,000
# variables), from two answers of 255: 261 (its bound) within 1.5 deterministic seconds
# from one, 256 from the other with CP-SAT's LP searches alone (261 at 3.3), 261 at 1.4
# with HiGHS beside them; the default portfolio with the cases' slots free, 257 in 4.
# Seed 7005's, 284 -> 300 in 0.8 (proven). About 8 s of wall on a slow day (a
# 30-million-step Python loop 6.5 s, 2.5 s on a usual one); with 2 s kept in all, the
# runs of that day reached their deadline before it was searched.
GROUP_PLACES_SECONDS = 2.0
GROUP_PLACES_WALL = 4.0
GROUP_PLACES_SUBSOLVERS = ("default_lp", "max_lp")
# HiGHS's lead on the stages after tier 1 (tier 2, tier 3: model/mip.py's level_lead), from
# the allocation the stage starts from, within the stage's share of the wall time left.
LEVEL_LEAD = True
# What a lead (HiGHS's interior point and its neighbourhood's sub-MIP, model/interior_start.py)
# is charged of the search's deterministic budget: the leads take wall time the budget did
# not count, and a 30-s run of the apart family with tier 2's and 3's leads uncharged was cut
# by the clock on 22 of 28 schemes (15 before them). Seconds per nonzero of the program and
# per iteration, measured on one thread (a01, a02, a05, a25 tier 2's leads, 52,000-100,000
# nonzeros): the interior point 321-388 ns per nonzero and iteration (30-38 iterations),
# the sub-MIP's simplex 4.4-10.6 ns. Charging by the program's size alone (2.5 s per
# 100,000 nonzeros) took 3.9 s of a 10-s run's budget from f57, whose lead took 0.2 s.
IPM_STEP_SECONDS = 3.5e-7
SIMPLEX_STEP_SECONDS = 7e-9
