"""What a run produces, as data: the solution and its run record (solution.md), a sweep's
records and a plan's (capacity, forecast). Written by the engine and the planners, read by every
report; they import only the domain."""
