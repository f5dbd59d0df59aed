"""The run record (a solution's ``manifest``): typed fields for what other layers act on,
and a JSON that holds exactly the fields its run set — the contract of solution.md."""

from __future__ import annotations

import json

from rotasolve.results.solution import ModelSize, RunRecord, Solution
from rotasolve.results.sweep import SweepRecord, SweepReport


def _manifest(sol: Solution) -> dict:
    return json.loads(sol.to_json())["manifest"]


def test_only_the_fields_a_run_set_are_written_in_their_order():
    record = RunRecord(model=ModelSize(variables=10, constraints=5, parts=1), strategy=["one model"],
                       deterministic=True, notes=[])
    record.seed, record.workers = 3, 2
    written = _manifest(Solution(scheme="s", status="OPTIMAL", manifest=record))
    assert list(written) == ["model", "strategy", "deterministic", "notes", "seed", "workers"]
    assert written["model"] == {"variables": 10, "constraints": 5, "parts": 1}
    assert "change_cost" not in written and "stopped_early" not in written


def test_a_replan_is_told_by_its_change_cost_even_when_unknown():
    solve = RunRecord(strategy=["one model"])
    replan = RunRecord(strategy=["one model"], change_cost=None)
    assert not solve.replanned and replan.replanned
    assert _manifest(Solution(scheme="s", status="OPTIMAL", manifest=replan))["change_cost"] is None
    again = Solution.from_json(Solution(scheme="s", status="OPTIMAL", manifest=replan).to_json())
    assert again.manifest.replanned  # the absence, and the null, survive a round trip


def test_a_file_round_trips_byte_for_byte_and_unknown_keys_are_ignored():
    record = RunRecord(strategy=["guided"], deterministic=False, stopped_early=True, input_sha256="ab", seed=0)
    text = Solution(scheme="s", status="FEASIBLE", manifest=record).to_json()
    assert Solution.from_json(text).to_json() == text
    later = json.loads(text)
    later["manifest"]["a_field_of_a_later_version"] = 1
    read = Solution.from_json(json.dumps(later))
    assert read.manifest.stopped_early and read.manifest.input_sha256 == "ab"


def test_an_old_solution_without_a_record_reads_as_an_empty_one():
    sol = Solution.from_json(json.dumps({"scheme": "s", "status": "UNKNOWN"}))
    assert not sol.manifest.model_fields_set and sol.manifest.input_sha256 is None
    assert "manifest" in json.loads(sol.to_json()) and _manifest(sol) == {}


def test_a_sweep_record_writes_not_run_only_when_stopped():
    ran = SweepRecord(engine="pool", jobs=2, failed=0)
    written = json.loads(SweepReport(scenarios=[], workbooks=[], rows=[], manifest=ran).to_json())["manifest"]
    assert "not_run" not in written
    ran.stopped_early, ran.not_run = True, 1
    written = json.loads(SweepReport(scenarios=[], workbooks=[], rows=[], manifest=ran).to_json())["manifest"]
    assert written["stopped_early"] is True and written["not_run"] == 1
