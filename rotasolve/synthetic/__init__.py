"""Schemes made up for tests, benchmarks and fuzzing: the generator and its shapes, and the
fuzzer that feeds broken workbooks to the reader."""
