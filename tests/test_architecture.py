"""The house's shape, held by a test (docs/architecture.md): no import cycle, no module
importing from a layer above its own, the model depending on the domain only, imports at
the top of modules, no private name used across modules, and no module or function over
its size unless docs/architecture.md says why.

The benchmarks (benchmarks/, scripts run by hand) are held too: they may import rotasolve,
no module of rotasolve imports them, and among themselves they keep their own layers.

The checks are functions of an import graph, so that the last tests here can show each of
them failing: on tiny made-up graphs, and on a copy of the code with an upward import
planted in it."""

from __future__ import annotations

import ast
import re
import shutil
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "rotasolve"
BENCHMARKS = ROOT / "benchmarks"

# Lowest first. A module may import from its own layer and the ones below. Every prefix
# names modules that exist (test_every_layer_names_modules_that_exist).
LAYERS = [
    ("foundation", ["rotasolve.core"]),
    ("domain and results", ["rotasolve.domain", "rotasolve.results"]),
    ("the input workbook", ["rotasolve.workbook"]),
    ("facts about an allocation", ["rotasolve.check", "rotasolve.allocation"]),
    ("solvers", ["rotasolve.model", "rotasolve.baseline", "rotasolve.flows", "rotasolve.synthetic"]),
    ("engine and analysis", ["rotasolve.engine", "rotasolve.analysis", "rotasolve.replan", "rotasolve.lifecycle"]),
    ("report workbooks and pages", ["rotasolve.excel", "rotasolve.reports"]),
    ("one run", ["rotasolve.pipeline", "rotasolve.sweep", "rotasolve.planning"]),
    ("entry points", ["rotasolve.cli", "rotasolve.synthetic.fuzz", "rotasolve.web", "rotasolve"]),
]
# The benchmarks run as scripts from benchmarks/, so they import each other by bare name
# (`from run import measure`). Lowest first, as they are today: the results tables and the
# independent HiGHS reference stand alone; run.py measures (and prints the tables);
# the family, the plot, the sweep and the web app's benchmarks use what is below them.
BENCHMARK_LAYERS = [
    ("results and references", ["table", "reference", "apart"]),
    ("measuring", ["run"]),
    ("scripts over measurements", ["family", "plot", "sweep", "web"]),
]
# The CP-SAT model is built from the domain alone (and writes solution rows).
MODEL_MAY_USE = ("rotasolve.model", "rotasolve.domain", "rotasolve.results.solution", "rotasolve.core.errors",
                 "rotasolve.core.dates", "rotasolve.core.rules", "rotasolve.core.progress", "rotasolve.core.stop",
                 "rotasolve.core.tuning")
OPTIONAL = {"ray", "flask", "werkzeug"}  # optional dependencies are imported where they are used
# The web app needs the [web] extra: `rotasolve serve` imports it when it runs, so that the
# other commands work without Flask.
OPTIONAL_MODULES = ("rotasolve.web",)


# ----- reading the code ------------------------------------------------------------------

def package_modules(root: Path) -> dict[str, Path]:
    """Every module of the package under ``root`` (root/rotasolve) by dotted name."""
    out = {}
    for path in sorted((root / "rotasolve").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def benchmark_modules(root: Path) -> dict[str, Path]:
    """The benchmark scripts (root/benchmarks/*.py) by the bare name they import each other by."""
    return {path.stem: path for path in sorted((root / "benchmarks").glob("*.py"))}


def parsed(path: Path) -> ast.Module:
    """A module's syntax tree, parsed once for all the checks (they only read it)."""
    return _parse(path.read_text(encoding="utf-8"))


@cache
def _parse(text: str) -> ast.Module:
    return ast.parse(text)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of the nodes under an ``if TYPE_CHECKING:`` (Python never runs them)."""
    inside: set[int] = set()
    for parent in ast.walk(tree):
        if isinstance(parent, ast.If) and "TYPE_CHECKING" in ast.unparse(parent.test):
            inside.update(id(child) for child in ast.walk(parent))
    return inside


def _targets(node: ast.AST, package: str) -> list[str] | None:
    """The dotted names an import statement may load, or None for any other node."""
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[:len(anchor) - node.level + 1]
            base = ".".join(anchor + ([base] if base else []))
        return [base] + [f"{base}.{a.name}" for a in node.names]
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    return None


def imports(name: str, path: Path, known: dict[str, Path],
            runtime: bool = False) -> list[tuple[str, int, bool]]:
    """(imported module of ``known``, line, at the top of the module); with ``runtime``,
    leaving out imports for type hints alone."""
    tree = parsed(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    top = {id(node) for node in tree.body}
    hints = _type_checking_nodes(tree)
    out = []
    for node in ast.walk(tree):
        targets = _targets(node, package)
        if targets is None or (runtime and id(node) in hints):
            continue
        found = [t for t in targets if t in known]
        for target in found[-1:] if len(found) > 1 and found[0] != found[-1] else found[:1]:
            out.append((target, node.lineno, id(node) in top or id(node) in hints
                        or target.startswith(OPTIONAL_MODULES)))
        for t in targets:
            if t.split(".")[0] not in ("rotasolve",) and id(node) not in top and t.split(".")[0] not in OPTIONAL:
                if id(node) not in hints:
                    out.append((f"third party {t}", node.lineno, False))
    return out


def graph(known: dict[str, Path]) -> dict[str, set[str]]:
    """Who imports whom when the code runs: an import for type hints alone (under
    ``if TYPE_CHECKING``) is not followed, as Python never executes it."""
    return {name: {t for t, _line, _top in imports(name, path, known, runtime=True) if t in known and t != name}
            for name, path in known.items()}


def benchmark_graph(root: Path) -> dict[str, set[str]]:
    """Which benchmark imports which, wherever the import is (a script may import lazily),
    by bare name or as ``benchmarks.NAME``."""
    known = benchmark_modules(root)
    out = {}
    for name, path in known.items():
        found = set()
        for node in ast.walk(parsed(path)):
            for target in _targets(node, "") or []:
                bare = target.removeprefix("benchmarks.")
                if bare in known and bare != name and not target.startswith("rotasolve"):
                    found.add(bare)
        out[name] = found
    return out


def imports_of_benchmarks(root: Path) -> list[str]:
    """Each import of a benchmark in a module of rotasolve: ``benchmarks`` itself, one of its
    modules, or a benchmark script's bare name."""
    scripts = set(benchmark_modules(root))
    found = []
    for name, path in package_modules(root).items():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                targets = [node.module or ""]
            else:
                continue
            for target in targets:
                head = target.split(".")[0]
                if head == "benchmarks" or head in scripts:
                    found.append(f"{path.relative_to(root)}:{node.lineno} ({name}) imports {target}")
    return found


# ----- the checks, on any graph ----------------------------------------------------------

def layer_of(name: str, layers) -> int:
    best, found = -1, None
    for i, (_title, prefixes) in enumerate(layers):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), i
    assert found is not None, f"{name} is in no layer of tests/test_architecture.py"
    return found


def upward_imports(edges: dict[str, set[str]], layers) -> list[str]:
    """Each import of a module in a higher layer than the importer's."""
    return [f"{name} ({layers[layer_of(name, layers)][0]}) imports {target} "
            f"({layers[layer_of(target, layers)][0]})"
            for name, targets in sorted(edges.items()) for target in sorted(targets)
            if layer_of(target, layers) > layer_of(name, layers)]


def import_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def unused_layers(names, layers) -> list[str]:
    """Each layer entry that names no module."""
    return [prefix for _title, prefixes in layers for prefix in prefixes
            if not any(n == prefix or n.startswith(prefix + ".") for n in names)]


# ----- the code as it is (read once: every test below asks the same graph) -----------

MODULES = package_modules(ROOT)


@cache
def the_graph() -> dict[str, set[str]]:
    return graph(MODULES)


@cache
def the_benchmark_graph() -> dict[str, set[str]]:
    return benchmark_graph(ROOT)


@cache
def all_imports() -> dict[str, list[tuple[str, int, bool]]]:
    return {name: imports(name, path, MODULES) for name, path in MODULES.items()}


def test_no_import_cycle():
    assert import_cycle(the_graph()) is None


def test_no_module_imports_from_a_layer_above():
    assert upward_imports(the_graph(), LAYERS) == []


def test_every_layer_names_modules_that_exist():
    assert unused_layers(MODULES, LAYERS) == []
    assert unused_layers(benchmark_modules(ROOT), BENCHMARK_LAYERS) == []


def test_the_model_depends_on_the_domain_only():
    wrong = [f"{name} imports {target}" for name, targets in the_graph().items() if name.startswith("rotasolve.model")
             for target in sorted(targets) if not target.startswith(MODEL_MAY_USE)]
    assert wrong == []


def test_imports_at_the_top_of_modules():
    inner = [f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}" for name, found in all_imports().items()
             for target, line, top in found if not top]
    assert inner == []


def test_no_private_name_used_across_modules():
    used = []
    for path in MODULES.values():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("rotasolve")):
                used += [f"{path.relative_to(ROOT)}:{node.lineno} imports {a.name}" for a in node.names
                         if a.name.startswith("_") and a.name != "__version__"]
    assert used == []


def exceptions() -> set[str]:
    """Modules and functions docs/architecture.md allows over the limits, with a reason."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return set(re.findall(r"^- `([^`]+)`", text, re.M))


def test_no_module_over_450_lines_and_no_function_over_60():
    allowed = exceptions()
    over = []
    for path in MODULES.values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        where = str(path.relative_to(ROOT))
        if lines > 450 and where not in allowed:
            over.append(f"{where}: {lines} lines")
        for node in ast.walk(parsed(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 60 and f"{where}:{node.name}" not in allowed:
                    over.append(f"{where}:{node.name}: {length} lines")
    assert over == []


# ----- the benchmarks --------------------------------------------------------------------

def test_no_module_of_rotasolve_imports_the_benchmarks():
    assert imports_of_benchmarks(ROOT) == []


def test_the_benchmarks_import_rotasolve_and_keep_their_layers():
    edges = the_benchmark_graph()
    assert import_cycle(edges) is None
    assert upward_imports(edges, BENCHMARK_LAYERS) == []
    # What the layers above say is so today: run.py uses the tables, the family run.py and
    # the generator written apart from rotasolve's.
    assert edges["run"] == {"table"} and edges["family"] == {"run", "apart"} and edges["plot"] == {"table"}
    uses_rotasolve = {name for name, path in benchmark_modules(ROOT).items()
                      if re.search(r"^\s*(from|import) rotasolve", path.read_text(encoding="utf-8"), re.M)}
    assert {"reference", "run", "sweep", "web"} <= uses_rotasolve


# ----- the checks can fail ---------------------------------------------------------------

TOY_LAYERS = [("low", ["toy.low"]), ("high", ["toy.high", "toy"])]


def test_the_checks_catch_an_upward_import_and_a_cycle_in_a_made_up_graph():
    fine = {"toy.low": set(), "toy.high": {"toy.low"}, "toy": {"toy.high"}}
    assert upward_imports(fine, TOY_LAYERS) == [] and import_cycle(fine) is None
    upward = {**fine, "toy.low": {"toy.high"}}
    assert upward_imports(upward, TOY_LAYERS) == ["toy.low (low) imports toy.high (high)"]
    assert import_cycle(upward) == ["toy.high", "toy.low", "toy.high"]
    assert unused_layers(fine, TOY_LAYERS + [("gone", ["toy.gone"])]) == ["toy.gone"]
    with pytest.raises(AssertionError, match="toy2 is in no layer"):
        upward_imports({"toy2": {"toy.low"}}, TOY_LAYERS)


@pytest.fixture
def copy_of_the_code(tmp_path):
    """rotasolve/ and the benchmark scripts, copied to be spoiled."""
    shutil.copytree(PACKAGE, tmp_path / "rotasolve", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "benchmarks").mkdir()
    for script in BENCHMARKS.glob("*.py"):
        shutil.copy(script, tmp_path / "benchmarks" / script.name)
    return tmp_path


def plant(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_a_planted_upward_import_is_caught(copy_of_the_code):
    root = copy_of_the_code
    plant(root / "rotasolve" / "core" / "dates.py", "from ..cli import main")  # the foundation importing an entry point
    known = package_modules(root)
    assert upward_imports(graph(known), LAYERS) == [
        "rotasolve.core.dates (foundation) imports rotasolve.cli (entry points)"]
    assert import_cycle(graph(known)) is not None  # and the CLI imports the dates back


def test_a_planted_import_of_the_benchmarks_is_caught(copy_of_the_code):
    root = copy_of_the_code
    plant(root / "rotasolve" / "core" / "errors.py", "import benchmarks.table")
    plant(root / "rotasolve" / "engine" / "solve.py", "from run import measure")
    assert [line.split(" ", 1)[1] for line in imports_of_benchmarks(root)] == [
        "(rotasolve.core.errors) imports benchmarks.table", "(rotasolve.engine.solve) imports run"]
    plant(root / "benchmarks" / "table.py", "from family import main")
    assert upward_imports(benchmark_graph(root), BENCHMARK_LAYERS) == [
        "table (results and references) imports family (scripts over measurements)"]
