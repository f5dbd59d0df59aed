"""The local web app of `rotasolve serve` (Flask): download the template, drop a workbook
in, see its problems located or its summary and warnings as `validate` gives them, solve
with a time limit watching live progress, read the result (the same templates as the
`--html` reports), a trainee's page, download the outputs, re-plan, plan capacity and
forecast. Errors become pages that say what to do, never a traceback."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, Response, abort, jsonify, redirect, request, send_file, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.utils import secure_filename

from ..analysis.diagnostics import summary, warnings
from ..engine import SolveOptions
from ..core.errors import WorkbookError
from ..workbook.reader import read_workbook
from ..workbook.template import write_template
from ..reports import render
from ..reports.html import capacity_context, forecast_context
from ..reports.pages import solution_context, trainee_context
from ..results.solution import Solution
from .jobs import Job, Store, Upload
from .runs import FILES, capacity_work, download, forecast_work, solve_work

MAX_UPLOAD = 20 * 1024 * 1024  # bytes: a scheme workbook is well under 1 MB
XLSX_MAGIC = b"PK\x03\x04"
MAX_SECONDS = 3600
STATIC = Path(__file__).resolve().parent.parent / "reports" / "templates"


def page(template: str, status: int = 200, **context) -> Response:
    return Response(render(template, **context), status=status, mimetype="text/html")


def problem_page(status: int, title: str, message: str, lines: list[str] | None = None) -> Response:
    return page("web_message.html", status, title=title, message=message, lines=lines or [])


def create_app(root: Path, token: str | None = None) -> Flask:
    """The app, keeping uploads and results under ``root`` (the caller removes it). With
    ``token``, every request must carry it (once as ?token=..., then a cookie)."""
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    store = Store(root)
    app.extensions["rotasolve"] = store
    _guard(app, token)
    _errors(app)
    _workbook_routes(app, store)
    _job_routes(app, store)
    return app


def _guard(app: Flask, token: str | None) -> None:
    if token is None:
        return

    @app.before_request
    def check_token():
        given = request.args.get("token") or request.cookies.get("rotasolve_token")
        if not given or not secrets.compare_digest(given, token):
            return problem_page(403, "Access token needed",
                                "Open the address `rotasolve serve` printed, with its ?token=... part.")
        return None

    @app.after_request
    def remember(response: Response) -> Response:
        if request.args.get("token") == token:
            response.set_cookie("rotasolve_token", token, httponly=True, samesite="Strict")
        return response


def _errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.code == 413:
            return problem_page(413, "File too large",
                                f"Uploads are limited to {MAX_UPLOAD // (1024 * 1024)} MB; a scheme workbook is "
                                "far smaller. Check that you chose the right file.")
        return problem_page(e.code or 500, e.name, e.description or "")

    @app.errorhandler(Exception)
    def internal_error(e: Exception):
        app.logger.exception("internal error")
        return problem_page(500, "Something went wrong", f"Internal error: {type(e).__name__}. Please report it "
                            "with the workbook; the terminal running `rotasolve serve` has the details.")


def upload_name(filename: str) -> str:
    """The file's own name, as the user's computer called it (the run record names the
    workbook solved, as the command line does), without any folder; each upload has a
    folder of its own. A name that could not be a plain file name falls back to a safe one."""
    name = "".join(ch for ch in filename.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable()).strip()
    if not name or name.startswith(".") or len(name) > 200:
        return secure_filename(filename)
    return name


def _saved_upload(store: Store, field: str, suffix: str) -> tuple[str, Path] | Response:
    """The uploaded file saved in a new folder of its own, or a page saying what is wrong."""
    f = request.files.get(field)
    if f is None or not f.filename:
        return problem_page(400, "No file chosen", f"Choose a {suffix} file to upload.")
    name = upload_name(f.filename) or f"upload{suffix}"
    if not name.lower().endswith(suffix):
        return problem_page(400, "Not a workbook" if suffix == ".xlsx" else "Not a solution file",
                            f"'{f.filename}' is not a {suffix} file. Save the workbook from Excel or LibreOffice "
                            "as an Excel Workbook (.xlsx)." if suffix == ".xlsx" else
                            f"'{f.filename}' is not a solution JSON (.json) from rotasolve.")
    key, folder = store.folder()
    path = folder / name
    f.save(path)
    if suffix == ".xlsx" and path.read_bytes()[:4] != XLSX_MAGIC:
        return problem_page(400, "Not a workbook", f"'{f.filename}' is not an Excel workbook inside "
                            "(an .xlsx file is a zip archive). Save it again as Excel Workbook (.xlsx).")
    return key, path


def _workbook_routes(app: Flask, store: Store) -> None:
    @app.get("/")
    def home():
        return page("web_home.html", title="rotasolve", uploads=list(store.uploads.values()))

    @app.get("/template.xlsx")
    def template():
        _key, folder = store.folder()
        write_template(folder / "scheme-template.xlsx")
        return send_file(folder / "scheme-template.xlsx", as_attachment=True, download_name="scheme-template.xlsx")

    @app.get("/static/<name>")
    def static_file(name: str):
        if name not in ("progress.js", "style.css"):
            abort(404)
        mime = "text/javascript" if name.endswith(".js") else "text/css"
        return Response((STATIC / name).read_text(encoding="utf-8"), mimetype=mime)

    @app.post("/workbooks")
    def upload():
        saved = _saved_upload(store, "workbook", ".xlsx")
        if isinstance(saved, Response):
            return saved
        key, path = saved
        try:
            result = read_workbook(path)
        except WorkbookError as err:
            return page("web_problems.html", 422, title="Problems in the workbook", name=path.name,
                        problems=err.problems, warnings=err.warnings)
        store.add_upload(Upload(id=key, name=path.name, path=path, read=result))
        return redirect(url_for("workbook", key=key), code=303)

    @app.get("/workbooks/<key>")
    def workbook(key: str):
        up = _upload(store, key)
        inst = up.read.instance
        notes = [str(w) for w in up.read.warnings] + warnings(inst)
        return page("web_workbook.html", title=inst.settings.name, up=up, inst=inst, summary=summary(inst),
                    notes=notes, jobs=[j for j in store.jobs.values() if j.upload.id == key])

    @app.post("/workbooks/<key>/<kind>")
    def start(key: str, kind: str):
        up = _upload(store, key)
        if kind not in FILES:
            abort(404)
        options = _options(request.form, up)
        if isinstance(options, Response):
            return options
        if kind == "solve":
            work = solve_work(options)
        elif kind == "capacity":
            work = capacity_work(options)
        else:
            work = forecast_work(int(_number(request.form, "rotations", 2, 1, 20)), options)
        job = store.start(kind, up, options.time_limit, work)
        return redirect(url_for("job_page", key=job.id), code=303)


def _upload(store: Store, key: str) -> Upload:
    up = store.uploads.get(key)
    if up is None:
        abort(404, description="No such workbook here: the app may have been restarted. Upload it again.")
    return up


def _number(form, name: str, default: float, low: float, high: float) -> float:
    try:
        value = float(form.get(name) or default)
    except ValueError:
        abort(400, description=f"'{form.get(name)}' is not a number for {name.replace('_', ' ')}.")
    if not low <= value <= high:
        abort(400, description=f"{name.replace('_', ' ')} must be between {low:g} and {high:g}.")
    return value


def _options(form, up: Upload) -> SolveOptions | Response:
    """The run's options from the form, as the commands' defaults; a previous solution
    (a re-plan) must be a solution JSON of this scheme."""
    limit = _number(form, "time_limit", 60, 1, MAX_SECONDS)
    seed = int(_number(form, "seed", 0, 0, 2 ** 31 - 1))
    previous = None
    f = request.files.get("previous")
    if f is not None and f.filename:
        if not f.filename.lower().endswith(".json"):
            return problem_page(400, "Not a solution file", f"'{f.filename}' is not a solution JSON (.json).")
        try:
            previous = Solution.from_json(f.read().decode("utf-8"))
        except Exception:  # noqa: BLE001 - a bad file is the user's to fix, not a crash
            return problem_page(400, "Not a solution file", f"'{f.filename}' is not a rotasolve solution JSON "
                                "(from Download: solution JSON, or `rotasolve solve --json`).")
        if previous.scheme != up.read.instance.settings.name:
            return problem_page(400, "A solution of another scheme", f"'{f.filename}' is a solution for "
                                f"'{previous.scheme}', not '{up.read.instance.settings.name}'.")
    return SolveOptions(time_limit=limit, seed=seed, previous=previous,
                        critical_first=previous is not None and bool(form.get("critical_first")))


def _job(store: Store, key: str) -> Job:
    job = store.jobs.get(key)
    if job is None:
        abort(404, description="No such run here: the app may have been restarted.")
    return job


def _job_routes(app: Flask, store: Store) -> None:
    @app.get("/jobs/<key>")
    def job_page(key: str):
        job = _job(store, key)
        if job.state == "running":
            return page("web_progress.html", title=f"Running: {job.kind}", job=job, snap=job.snapshot())
        if job.state == "failed":
            f = job.failure
            assert f is not None  # a failed job says how
            status = {"conflict": 409, "no_solution": 422}.get(f.kind, 500)
            return page("web_failed.html", status, title={"conflict": "The running items conflict",
                                                          "no_solution": "No solution in time"}.get(f.kind, "Error"),
                        job=job, failure=f)
        return _result(job)

    @app.get("/jobs/<key>/progress")
    def job_progress(key: str):
        snap = _job(store, key).snapshot()
        snap["url"] = url_for("job_page", key=key)
        return jsonify(snap)

    @app.get("/jobs/<key>/trainees/<trainee_id>")
    def trainee(key: str, trainee_id: str):
        job = _finished(store, key, "solve")
        if trainee_id not in job.upload.read.instance.trainee:
            abort(404, description=f"No trainee {trainee_id} in this workbook.")
        return page("web_trainee.html", job=job, **trainee_context(job.upload.read.instance, job.result, trainee_id))

    @app.get("/jobs/<key>/files/<name>")
    def files(key: str, name: str):
        job = _job(store, key)
        if name not in FILES[job.kind]:
            abort(404)
        job = _finished(store, key, job.kind)
        path = download(job, name)
        return send_file(path, as_attachment=True, download_name=path.name)


def _finished(store: Store, key: str, kind: str) -> Job:
    job = _job(store, key)
    if job.kind != kind or job.state != "done":
        abort(404, description="This run has no such result (yet).")
    return job


def _result(job: Job) -> Response:
    inst = job.upload.read.instance
    if job.kind == "solve":
        ctx = solution_context(inst, job.result)
        return page("web_solution.html", job=job, c=ctx, title=ctx["title"])
    if job.kind == "capacity":
        return page("web_capacity.html", job=job, **capacity_context(job.result))
    return page("web_forecast.html", job=job, **forecast_context(job.result))
