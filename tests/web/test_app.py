"""The web app of `rotasolve serve`, through Flask's test client: every route and every
error page (bad upload, broken workbook with its problems located, running items that
conflict, no solution in time, an oversized file, an internal error), never a traceback."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import EXAMPLE, ROOT, case, kept_conflict_workbook, scheme, supervisor, trainee

pytest.importorskip("flask")

import rotasolve.pipeline as pipeline
from rotasolve.workbook.template import write_instance
from rotasolve.results.solution import Solution
from rotasolve.web import create_app
from rotasolve.web.server import serve

SOLVED = ROOT / "solutions" / "north_thames.json"


@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "app")


@pytest.fixture
def client(app):
    return app.test_client()


def upload(client, path, name=None):
    with open(path, "rb") as fh:
        return client.post("/workbooks", data={"workbook": (fh, name or path.name)},
                           content_type="multipart/form-data")


def uploaded(client, path=EXAMPLE) -> str:
    r = upload(client, path)
    assert r.status_code == 303, r.data[:500]
    return r.headers["Location"]


def finished(client, job: str, seconds: float = 60) -> dict:
    end = time.time() + seconds
    while time.time() < end:
        snap = client.get(job + "/progress").get_json()
        if snap["state"] != "running":
            return snap
        time.sleep(0.1)
    raise AssertionError("the run did not finish")


def no_traceback(r):
    assert b"Traceback" not in r.data and b'File "' not in r.data


@pytest.fixture
def solved_instantly(monkeypatch):
    """The search replaced by the bundled example's solution: the pages, not the solver, are tested here."""
    seen = {}

    def search(inst, options, progress=None, deadline=None):
        seen["options"] = options
        return Solution.load(SOLVED).model_copy(update={"unmet": [], "compliance": []})
    monkeypatch.setattr(pipeline, "solve_model", search)
    return seen


def test_home_and_template(client):
    r = client.get("/")
    assert r.status_code == 200 and b'name="workbook"' in r.data and b"Download the template" in r.data
    r = client.get("/template.xlsx")
    assert r.status_code == 200 and "scheme-template.xlsx" in r.headers["Content-Disposition"]
    assert "About" in openpyxl.load_workbook(io.BytesIO(r.data)).sheetnames
    assert client.get("/static/progress.js").status_code == 200
    assert client.get("/static/nothing.js").status_code == 404


def test_bad_uploads_say_what_to_do(client, tmp_path):
    r = client.post("/workbooks", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and b"No file chosen" in r.data
    text = tmp_path / "scheme.csv"
    text.write_text("a,b\n")
    r = upload(client, text)
    assert r.status_code == 400 and b"is not a .xlsx file" in r.data
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    r = upload(client, fake)
    assert r.status_code == 400 and b"is not an Excel workbook inside" in r.data
    no_traceback(r)


def test_broken_workbook_lists_every_problem_located(client, tmp_path):
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb["Trainees"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=3, column=headers.index("grade") + 1, value="CT9")
    ws.cell(row=5, column=headers.index("base_site") + 1, value="NOWHERE")
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    r = upload(client, broken)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "problems in broken.xlsx" in page or "problem in broken.xlsx" in page
    assert "<td>Trainees</td><td class=\"num\">3</td><td>grade</td>" in page
    assert "<td>Trainees</td><td class=\"num\">5</td><td>base_site</td>" in page
    no_traceback(r)


def test_oversized_upload_is_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10_000  # the real limit is 20 MB; the example is larger than this
    r = upload(client, EXAMPLE)
    assert r.status_code == 413 and b"File too large" in r.data


def test_workbook_page_summary_and_warnings(client):
    page = client.get(uploaded(client)).get_data(as_text=True)
    assert "North Thames (example) core psychiatry scheme" in page
    assert "Trainees by grade" in page and "CT1: " in page
    assert 'action="/workbooks/' in page and 'name="time_limit"' in page and 'name="previous"' in page
    assert client.get("/workbooks/nope").status_code == 404


def test_solve_result_trainee_and_downloads(client, solved_instantly):
    wb = uploaded(client)
    r = client.post(wb + "/solve", data={"time_limit": "7", "seed": "3"})
    assert r.status_code == 303
    job = r.headers["Location"]
    assert finished(client, job)["state"] == "done"
    options = solved_instantly["options"]
    assert (options.time_limit, options.seed, options.workers, options.reproducible) == (7, 3, 2, True)
    page = client.get(job).get_data(as_text=True)
    assert "All 5 critical requirements placed" in page and "Optimal — proven the best allocation" in page
    assert "Unmet requirements and why" in page and "Supervisors by weekly slot" in page
    assert f'href="{job}/trainees/T-CT1-01"' in page
    trainee_page = client.get(job + "/trainees/T-CT2-01").get_data(as_text=True)
    assert "What they have" in trainee_page and "What they need" in trainee_page
    assert "Weekly hours used up" in trainee_page
    assert client.get(job + "/trainees/NOBODY").status_code == 404
    files = {name: client.get(f"{job}/files/{name}") for name in
             ("solution.xlsx", "solution.json", "calendars.zip", "next.xlsx", "report.html")}
    assert all(r.status_code == 200 for r in files.values())
    assert "north_thames-solution.xlsx" in files["solution.xlsx"].headers["Content-Disposition"]
    assert json.loads(files["solution.json"].data)["status"] == "OPTIMAL"
    assert any(n.startswith("trainees/") for n in zipfile.ZipFile(io.BytesIO(files["calendars.zip"].data)).namelist())
    assert "Rolled forward" in openpyxl.load_workbook(io.BytesIO(files["next.xlsx"].data)).sheetnames
    assert b"<script" not in files["report.html"].data
    assert client.get(job + "/files/capacity.xlsx").status_code == 404
    assert client.get("/jobs/nope").status_code == 404


def test_replan_takes_a_previous_solution_of_this_scheme_only(client, solved_instantly, tmp_path):
    wb = uploaded(client)
    other = Solution.load(SOLVED).model_copy(update={"scheme": "Another scheme"})
    cases = [("x.txt", b"{}", b"not a solution JSON (.json)"),
             ("x.json", b"{not json", b"is not a rotasolve solution JSON"),
             ("x.json", other.to_json().encode(), b"is a solution for &#39;Another scheme&#39;")]
    for name, data, said in cases:
        r = client.post(wb + "/solve", data={"time_limit": "5", "previous": (io.BytesIO(data), name)},
                        content_type="multipart/form-data")
        assert r.status_code == 400 and said in r.data, r.data[:300]
    r = client.post(wb + "/solve", data={"time_limit": "5", "critical_first": "1",
                                         "previous": (SOLVED.open("rb"), "north_thames.json")},
                    content_type="multipart/form-data")
    assert r.status_code == 303
    assert finished(client, r.headers["Location"])["state"] == "done"
    assert solved_instantly["options"].previous is not None and solved_instantly["options"].critical_first


def test_bad_numbers_are_refused(client):
    wb = uploaded(client)
    assert client.post(wb + "/solve", data={"time_limit": "soon"}).status_code == 400
    assert client.post(wb + "/solve", data={"time_limit": "0"}).status_code == 400
    assert client.post(wb + "/nothing", data={}).status_code == 404


def test_kept_items_conflict_page_names_rows(client, tmp_path):
    path = kept_conflict_workbook(tmp_path)
    job = client.post(uploaded(client, path) + "/solve", data={"time_limit": "5"}).headers["Location"]
    assert finished(client, job)["state"] == "failed"
    r = client.get(job)
    assert r.status_code == 409
    assert b"Supervisors row 2 (S2): max_trainees is 1 but 2 kept cases need them" in r.data
    assert client.get(job + "/files/solution.xlsx").status_code == 404


def test_no_solution_in_time_page(client, monkeypatch):
    monkeypatch.setattr(pipeline, "solve_model", lambda inst, options, progress=None, deadline=None:
                        Solution(scheme=inst.settings.name, status="UNKNOWN"))
    job = client.post(uploaded(client) + "/solve", data={"time_limit": "3"}).headers["Location"]
    finished(client, job)
    r = client.get(job)
    assert r.status_code == 422 and b"No solution found within 3 s. Try a longer time limit." in r.data


def test_internal_error_page_without_traceback(client, monkeypatch):
    def boom(inst, options, progress=None, deadline=None):
        raise RuntimeError("simulated defect")
    monkeypatch.setattr(pipeline, "solve_model", boom)
    job = client.post(uploaded(client) + "/solve", data={"time_limit": "3"}).headers["Location"]
    finished(client, job)
    r = client.get(job)
    assert r.status_code == 500 and b"Internal error: RuntimeError: simulated defect" in r.data
    no_traceback(r)
    assert client.get("/no/such/page").status_code == 404


def test_progress_page_while_running(client, monkeypatch):
    release = threading.Event()

    def slow(inst, options, progress=None, deadline=None):
        from rotasolve.core.progress import Progress
        progress(Progress(stage=1, stages=3, tier="critical placed", incumbent=4, bound=5, elapsed=0.5))
        release.wait(10)
        return Solution(scheme=inst.settings.name, status="UNKNOWN")
    monkeypatch.setattr(pipeline, "solve_model", slow)
    job = client.post(uploaded(client) + "/solve", data={"time_limit": "3"}).headers["Location"]
    time.sleep(0.2)
    page = client.get(job).get_data(as_text=True)
    assert "Running solve" in page and "/static/progress.js" in page and 'http-equiv="refresh"' in page
    snap = client.get(job + "/progress").get_json()
    assert snap["state"] == "running" and snap["stages"][0]["bound"] == 5 and snap["stages"][0]["gap"] == 20.0
    release.set()
    finished(client, job)


def test_capacity_and_forecast(client, tmp_path):
    inst = scheme(trainees=[trainee("T1", grade=3, cbdg_sessions_attended=30), trainee("T2", grade=2)],
                  cases=[case("C1")], supervisors=[supervisor("S1", max_trainees=1)])
    path = tmp_path / "small.xlsx"
    write_instance(inst, path)
    wb = uploaded(client, path)
    job = client.post(wb + "/capacity", data={"time_limit": "4"}).headers["Location"]
    assert finished(client, job)["state"] == "done", client.get(job).data[:400]
    page = client.get(job).get_data(as_text=True)
    assert "What to recruit" in page and "As it is" in page
    assert client.get(job + "/files/capacity.xlsx").status_code == 200
    assert client.get(job + "/files/capacity.html").status_code == 200
    assert client.get(job + "/files/recruited.xlsx").status_code == 200
    job = client.post(wb + "/forecast", data={"time_limit": "4", "rotations": "2"}).headers["Location"]
    assert finished(client, job)["state"] == "done", client.get(job).data[:400]
    page = client.get(job).get_data(as_text=True)
    assert "Per rotation" in page and "<svg" in page and "Assumptions" in page
    assert client.get(job + "/files/forecast.json").status_code == 200


def test_another_host_needs_the_token(tmp_path):
    client = create_app(tmp_path / "app", token="s3cret").test_client()
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    r = client.get("/?token=s3cret")
    assert r.status_code == 200 and "rotasolve_token=s3cret" in r.headers["Set-Cookie"]
    assert client.get("/template.xlsx").status_code == 200  # the cookie carries it from now on


def test_serve_listens_locally_and_removes_uploads_on_exit():
    ready, stop, said = threading.Event(), threading.Event(), []
    thread = threading.Thread(target=serve, kwargs=dict(port=0, open_browser=False, say=said.append,
                                                        ready=ready, stop=stop), daemon=True)
    thread.start()
    try:
        assert ready.wait(10)
        url = said[0].split()[4]
        assert url.startswith("http://127.0.0.1:") and "token" not in url
        folder = Path(said[0].rsplit("kept in ", 1)[1].split(" until")[0])
        assert folder.is_dir()
        with urllib.request.urlopen(url, timeout=10) as r:
            assert r.status == 200
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive() and not folder.exists()


def test_serve_command_on_a_port_in_use_is_a_usage_error():
    import socket

    from click.testing import CliRunner

    from rotasolve.cli import cli
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port), "--no-browser"])
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.output
    assert "--no-browser" in CliRunner().invoke(cli, ["serve", "--help"]).output


def test_an_upload_keeps_its_own_name_and_never_its_folders(client, solved_instantly):
    from rotasolve.web.app import upload_name
    assert upload_name("North Thames 2027.xlsx") == "North Thames 2027.xlsx"
    assert upload_name("../../etc/scheme.xlsx") == "scheme.xlsx"
    assert upload_name("C:\\Users\\tutor\\my scheme.xlsx") == "my scheme.xlsx"
    assert upload_name(".hidden.xlsx") == "hidden.xlsx"
    r = upload(client, EXAMPLE, name="North Thames 2027.xlsx")
    job = client.post(r.headers["Location"] + "/solve", data={"time_limit": "5"}).headers["Location"]
    finished(client, job)
    sol = json.loads(client.get(job + "/files/solution.json").data)
    assert sol["manifest"]["input_name"] == "North Thames 2027.xlsx"  # as `rotasolve solve` records it
    assert "North Thames 2027-solution.xlsx" in client.get(job + "/files/solution.xlsx").headers[
        "Content-Disposition"]
