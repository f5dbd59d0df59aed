"""The CP-SAT model. Nothing outside this package imports OR-Tools."""
