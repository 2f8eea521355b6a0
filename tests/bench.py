"""Benchmark: the validation suite against its floor (run with `make bench`; not a test).

In one run on one machine it measures, three times each, interleaved:

* the floor: as many kernels as the suite starts (one per notebook, plus the harness test's
  copy), launched the way nbval launches them and with the same parallelism as pytest-xdist,
  each importing exactly the modules its notebook ends up importing and then stopping.
  "Exactly" is measured, not guessed from import lines: a first pass runs each notebook and
  records the modules it added to sys.modules, in order, so imports done lazily on first
  use (torch.func's pullbacks import torch._dynamo, for instance) count as imports too;
* the suite: `make test` itself (its set-up step finds nothing to do), strict nbval and everything else.

It prints both wall times (median of 3), their ratio, and, from one extra sequential pass,
each notebook's time beyond its imports, slowest first.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from nbutil import ALL, code_cells, load, rel, source  # noqa: E402

# The floor's kernels get the thread settings `make test` gives the suite's kernels.
TEST_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
HARNESS_NOTEBOOK = ROOT / "notebooks" / "2.5.1-a-simple-example.ipynb"  # tests/test_harness.py
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


RECORD = "import sys as _s; _before = set(_s.modules)"
REPORT = "print(repr([m for m in _s.modules if m not in _before]))"
_imports: dict[Path, str] = {}


def imports_of(path: Path) -> str:
    """Code that imports, in order, every module the notebook ends up importing."""
    if path not in _imports:
        kernel = _kernel(path)
        try:
            _run(kernel, RECORD)
            for cell in code_cells(load(path)):
                _run(kernel, source(cell))
            out = []
            _run(kernel, REPORT, out)
        finally:
            kernel.stop()
        names = [m for m in eval("".join(out)) if not m.startswith(("__main__", "_s"))]  # noqa: S307
        _imports[path] = (
            "import importlib as _il\n"
            f"for _m in {names!r}:\n"
            "    try:\n        _il.import_module(_m)\n    except Exception:\n        pass"
        )
    return _imports[path]


def _kernel(path: Path):
    from nbval.kernel import RunningKernel

    return RunningKernel("python3", cwd=str(path.parent))


def _run(kernel, code: str, stdout: list[str] | None = None) -> None:
    def hook(msg):
        if stdout is not None and msg["msg_type"] == "stream":
            stdout.append(msg["content"]["text"])

    reply = kernel.kc.execute_interactive(code, timeout=600, output_hook=hook)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content'].get('evalue')}")


def floor_job(path: Path) -> None:
    kernel = _kernel(path)
    try:
        _run(kernel, imports_of(path))
    finally:
        kernel.stop()


def measure_floor(workers: int) -> float:
    jobs = ALL + [HARNESS_NOTEBOOK]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(floor_job, sorted(jobs, key=lambda p: -len(imports_of(p)))))
    return time.perf_counter() - start


def measure_suite() -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", "test", f"VENV={sys.prefix}", "PYTEST_ARGS=-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit("the suite failed; fix it before benchmarking:\n" + proc.stdout[-3000:])
    return elapsed


def beyond_imports(path: Path) -> float:
    """Seconds a notebook spends after its imports (its own cells, run in order)."""
    kernel = _kernel(path)
    try:
        cells = [source(c) for c in code_cells(load(path))]
        _run(kernel, imports_of(path))
        start = time.perf_counter()
        for code in cells:
            _run(kernel, code)
        return time.perf_counter() - start
    finally:
        kernel.stop()


def main() -> int:
    os.environ.update(TEST_ENV)
    workers = os.cpu_count() or 1  # what `pytest -n auto` uses
    for path in ALL + [HARNESS_NOTEBOOK]:
        imports_of(path)  # first pass: which modules each notebook imports
    floors, suites = [], []
    for i in range(RUNS):
        floors.append(measure_floor(workers))
        suites.append(measure_suite())
        print(f"run {i + 1}: floor {floors[-1]:6.1f} s   suite {suites[-1]:6.1f} s", flush=True)
    floor, suite = statistics.median(floors), statistics.median(suites)
    print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {workers} workers")
    print(f"floor (kernels + imports, {len(ALL) + 1} kernels): median {floor:.1f} s")
    print(f"suite (make test):                          median {suite:.1f} s")
    print(f"ratio suite / floor: {suite / floor:.2f}")
    print("\ntime beyond imports, slowest first:")
    rows = sorted(((beyond_imports(p), rel(p)) for p in ALL), reverse=True)
    for seconds, name in rows:
        print(f"  {seconds:6.2f} s  {name}")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "bench.json").write_text(
        json.dumps(
            {
                "floors": floors,
                "suites": suites,
                "ratio": suite / floor,
                "beyond_imports": dict((n, s) for s, n in rows),
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
