"""In a real browser: Debian's Chromium (found on PATH; CI installs it), driven by
Playwright without a browser download of its own. The HTML report opens with no console
error and no request; the web app takes the bundled example from upload to a solved
result, a trainee's page and the solution workbook, byte for byte what `rotasolve solve`
writes with the same seed and limit. Screenshots go to tmp/browser/ (not committed)."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT

playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("flask")

from rotasolve.cli import cli  # noqa: E402
from rotasolve.workbook.reader import read_workbook  # noqa: E402
from rotasolve.reports import solution_html  # noqa: E402
from rotasolve.results.solution import Solution  # noqa: E402
from rotasolve.web.server import serve  # noqa: E402

SHOTS = ROOT / "tmp" / "browser"
SOLVED = ROOT / "solutions" / "north_thames.json"


def chromium() -> str | None:
    """The system's Chromium binary (Debian's /usr/bin/chromium is a wrapper script around it)."""
    for path in ("/usr/lib/chromium/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if path and Path(path).exists():
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    path = chromium()
    if path is None:
        pytest.skip("no chromium on this machine (.ci/run installs it: apt-get install chromium)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def watched(page) -> tuple[list[str], list[str]]:
    """Console errors (and uncaught page errors) and every request the page makes."""
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    return errors, requests


@pytest.mark.slow  # a real browser: Chromium's start, the page and its screenshot, 3-4 s of a slow day
def test_html_report_no_console_error_and_no_request(browser, tmp_path):
    report = tmp_path / "report.html"
    report.write_text(solution_html(read_workbook(EXAMPLE).instance, Solution.load(SOLVED)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    errors, requests = watched(page)
    page.goto(report.as_uri())
    page.wait_for_load_state("networkidle")
    assert "All 5 critical requirements placed" in page.inner_text(".headline")
    assert page.locator("svg.chart").count() == 1 and page.locator("section.dme").count() == 4
    page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
    page.close()
    assert errors == []
    assert requests == [report.as_uri()]


@pytest.fixture(scope="module")
def app_url():
    ready, stop, said = threading.Event(), threading.Event(), []
    thread = threading.Thread(target=serve, kwargs=dict(port=0, open_browser=False, say=said.append, ready=ready,
                                                        stop=stop), daemon=True)
    thread.start()
    assert ready.wait(20)
    yield said[0].split()[4]
    stop.set()
    thread.join(10)


@pytest.mark.slow
def test_the_app_from_upload_to_downloaded_workbook(browser, app_url, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
    errors, requests = watched(page)
    page.goto(app_url)
    page.set_input_files("#workbook", str(EXAMPLE))
    page.click("#upload")
    page.wait_for_url("**/workbooks/*")
    assert "OK — scheme" in page.inner_text(".headline")
    page.fill("#time_limit", "60")  # far above the example's need: a slow machine still finishes
    page.click("#solve")
    page.wait_for_selector("text=Compliance per trust", timeout=120_000)
    page.screenshot(path=str(SHOTS / "result.png"), full_page=False)
    headline = page.inner_text(".headline")
    status = page.inner_text(".solve-status")
    assert "critical requirements placed" in headline and "requirements placed" in headline
    with page.expect_download() as json_download:
        page.click("#dl-solution-json")
    sol = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    with page.expect_download() as download:
        page.click("#dl-solution-xlsx")
    assert download.value.suggested_filename == "north_thames-solution.xlsx"
    from_app = tmp_path / "app.xlsx"
    download.value.save_as(from_app)
    page.click("a[href$='/trainees/T-CT2-01']")
    page.wait_for_selector("text=What they need")
    assert "T-CT2-01" in page.inner_text("h1")
    page.screenshot(path=str(SHOTS / "trainee.png"), full_page=True)
    page.close()
    assert errors == []
    assert all(u.startswith(app_url.split("?")[0]) for u in requests)
    if not sol["manifest"]["deterministic"]:
        pytest.skip("this machine was too busy: the clock stopped the search before its planned work, so the "
                    "run is not reproducible (the manifest says so): OPTIMAL and the bytes cannot be checked")
    assert status.startswith("Optimal") and sol["status"] == "OPTIMAL"
    from_cli = tmp_path / "north_thames-solution.xlsx"
    cli_json = tmp_path / "cli.json"
    result = CliRunner().invoke(cli, ["solve", str(EXAMPLE), "-o", str(from_cli), "--json", str(cli_json),
                                      "--time-limit", "60", "-q"])
    assert result.exit_code == 0, result.output
    if not json.loads(cli_json.read_text(encoding="utf-8"))["manifest"]["deterministic"]:
        pytest.skip("this machine was too busy for the command-line solve to finish its planned work")
    assert from_app.read_bytes() == from_cli.read_bytes()
