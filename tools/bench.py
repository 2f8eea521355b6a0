"""Benchmark the validation suite against its floor (make bench; a measurement, not a test).

Measured interleaved on one machine, BENCH_RUNS times each (default 3):
* the floor: as many kernels as the suite starts (one per notebook plus the harness test's
  copy), launched as nbval launches them, as many at a time as pytest -n auto runs, each
  importing exactly the modules its notebook ends up importing (recorded in a first pass, so
  lazy imports count as imports) and then stopping;
* the suite: `make test` itself, whose set-up step finds nothing to do.
Prints the medians, their ratio, and each notebook's time beyond its imports. Then, in a real
kernel (so figures are rendered as in JupyterLab), the explorers' time per update when a control
moves. Writes test-artifacts/bench.json. `python tools/bench.py explorers` runs only the latter.
"""

from __future__ import annotations

import ast
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nb import ALL, LESSONS, ROOT, code_cells, read, rel  # noqa: E402

HARNESS_NOTEBOOK = LESSONS[0]  # tests/test_harness.py runs a mutated copy of it
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
_imports: dict[Path, str] = {}


def _run(kernel, code: str) -> str:
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = kernel.kc.execute_interactive(code, timeout=600, output_hook=hook)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code[:60]!r} failed: {reply['content'].get('evalue')}")
    return "".join(out)


def _kernel(path: Path):
    from nbval.kernel import RunningKernel

    return RunningKernel("python3", cwd=str(path.parent))


def imports_of(path: Path) -> str:
    """Code that imports, in order, every module the notebook ends up importing."""
    if path not in _imports:
        kernel = _kernel(path)
        try:
            _run(kernel, "import sys as _s; _before = set(_s.modules)")
            for cell in code_cells(read(path)):
                _run(kernel, cell.source)
            names = ast.literal_eval(
                _run(kernel, "print([m for m in _s.modules if m not in _before])")
            )
        finally:
            kernel.stop()
        names = [m for m in names if not m.startswith(("__main__", "_s"))]
        _imports[path] = (
            f"import importlib\nfor m in {names!r}:\n    try:\n        importlib.import_module(m)\n    except Exception:\n        pass"
        )
    return _imports[path]


def floor(workers: int) -> float:
    def job(path: Path) -> None:
        kernel = _kernel(path)
        try:
            _run(kernel, imports_of(path))
        finally:
            kernel.stop()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(job, sorted(ALL + [HARNESS_NOTEBOOK], key=lambda p: -len(imports_of(p)))))
    return time.perf_counter() - start


def suite() -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", "test", f"VENV={sys.prefix}", "PYTEST_ARGS=-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit("the suite failed; fix it before benchmarking:\n" + proc.stdout[-3000:])
    return time.perf_counter() - start


def beyond_imports(path: Path) -> float:
    kernel = _kernel(path)
    try:
        _run(kernel, imports_of(path))
        start = time.perf_counter()
        for cell in code_cells(read(path)):
            _run(kernel, cell.source)
        return time.perf_counter() - start
    finally:
        kernel.stop()


# (notebook, widget factory, the control that moves, its values): 20 moves each
EXPLORERS = [
    ("solutions/2.5.5-ex5-plot-sin-and-derivative.ipynb", "tangent_explorer()", "children[0]",
     [-5 + 0.5 * i for i in range(20)]),
    ("notebooks/2.5.4-gradients-and-python-control-flow.ipynb", "control_flow_explorer()",
     "children[0].children[0]", [10 ** (-3 + 0.2 * i) for i in range(20)]),
    ("notebooks/2.5.4x-extension-computation-graphs-and-backprop.ipynb", "backprop_explorer()",
     "children[0]", [i % 8 for i in range(1, 21)]),
]  # fmt: skip


def explorers() -> dict[str, float]:
    """Median milliseconds per update of each explorer, measured inside a kernel."""
    from tools.nb import tagged_source

    result = {}
    for path, make, control, values in EXPLORERS:
        kernel = _kernel(ROOT / path)
        try:
            for tag in ("setup", "lesson", "explorer"):
                _run(kernel, tagged_source(ROOT / path, tag))
            code = f"""import statistics, time
w = {make}
times = []
for v in {values!r}:
    start = time.perf_counter()
    w.{control}.value = v
    times.append(time.perf_counter() - start)
print(statistics.median(times) * 1e3)"""
            result[path] = float(_run(kernel, code).split()[-1])
        finally:
            kernel.stop()
        print(f"  {result[path]:6.1f} ms per update  {path}", flush=True)
    return result


def main() -> int:
    if sys.argv[1:] == ["explorers"]:
        print("explorers, median time per update:")
        explorers()
        return 0
    workers = os.cpu_count() or 1  # what pytest -n auto uses
    for path in ALL:
        imports_of(path)
    floors, suites = [], []
    for i in range(RUNS):
        floors.append(floor(workers))
        suites.append(suite())
        print(f"run {i + 1}: floor {floors[-1]:6.1f} s   suite {suites[-1]:6.1f} s", flush=True)
    ratio = statistics.median(suites) / statistics.median(floors)
    print(f"\n{workers} workers, Python {sys.version.split()[0]}; {len(ALL) + 1} kernels")
    print(
        f"floor median {statistics.median(floors):.1f} s, suite median {statistics.median(suites):.1f} s"
    )
    print(f"ratio suite / floor: {ratio:.2f}\n\ntime beyond imports, slowest first:")
    rows = sorted(((beyond_imports(p), rel(p)) for p in ALL), reverse=True)
    for seconds, name in rows:
        print(f"  {seconds:6.2f} s  {name}")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    report = {
        "floors": floors,
        "suites": suites,
        "ratio": ratio,
        "beyond_imports": {n: s for s, n in rows},
    }
    (ROOT / "test-artifacts" / "bench.json").write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
