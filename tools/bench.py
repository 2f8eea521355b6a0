"""make bench: `make test` against its floor (its kernels starting and importing what their notebooks
import, and each test worker importing what its tests need), interleaved; then each notebook's time
beyond imports and each explorer's update time."""

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
from tools.nb import ALL, ROOT, SOLUTIONS, code_cells, read, rel, tagged_source  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
KERNELS = ALL + [SOLUTIONS[1]]  # tests/test_harness.py runs a mutated copy of exercise 2
# (notebook, widget, the control that moves, its values)
EXPLORERS = [
    ("solutions/zh/2.5.5-ex5-plot-sin-and-derivative.ipynb", "tangent_explorer()", "children[0]",
     [-5 + 0.5 * i for i in range(20)]),
    ("notebooks/zh/2.5.4-gradients-and-python-control-flow.ipynb", "control_flow_explorer()",
     "children[0].children[0]", [10 ** (-3 + 0.2 * i) for i in range(20)]),
    ("notebooks/zh/2.5.4x-extension-computation-graphs-and-backprop.ipynb", "backprop_explorer()",
     "children[0]", [i % 8 for i in range(1, 21)]),
]  # fmt: skip
_imports: dict[Path, str] = {}


def run(kernel, code: str) -> str:
    """Run code in the kernel; return what it printed."""
    out: list[str] = []
    hook = lambda msg: msg["msg_type"] == "stream" and out.append(msg["content"]["text"])  # noqa: E731
    reply = kernel.kc.execute_interactive(code, timeout=600, output_hook=hook)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code[:60]!r} failed: {reply['content'].get('evalue')}")
    return "".join(out)


def in_kernel(path: Path, *codes: str) -> list[str]:
    from nbval.kernel import RunningKernel

    kernel = RunningKernel("python3", cwd=str(path.parent))
    try:
        return [run(kernel, code) for code in codes]
    finally:
        kernel.stop()


def imports_of(path: Path) -> str:
    """Code that imports, in order, every module the notebook ends up importing."""
    if path not in _imports:
        report = "print([m for m in _s.modules if m not in _before])"
        cells = [c.source for c in code_cells(read(path))]
        *_, out = in_kernel(path, "import sys as _s; _before = set(_s.modules)", *cells, report)
        names = [m for m in ast.literal_eval(out) if not m.startswith(("__main__", "_s"))]
        _imports[path] = f"import importlib\nfor m in {names!r}:\n    try:\n        importlib.import_module(m)\n    except Exception:\n        pass"  # fmt: skip
    return _imports[path]


# What each pytest worker must import itself to run the tests in-process (the answer table and the
# checks run the workbook's checks cell, which needs torch; nbval and nbformat read notebooks;
# torch.func imports torch._dynamo at its first transform, which the answer table's rows make).
WORKER_IMPORTS = "import pytest, xdist, nbval, nbformat, jupyter_client, IPython, torch, torch.func, torch._dynamo"


def worker_imports() -> None:
    subprocess.run([sys.executable, "-c", WORKER_IMPORTS], check=True, cwd=ROOT)


def floor() -> float:
    """Every kernel starting and importing its notebook's modules, and every worker importing what
    its own tests need, two at a time on two cores (as `pytest -n auto`)."""
    start = time.perf_counter()
    workers = os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = sorted(KERNELS, key=lambda p: -len(imports_of(p)))
        list(pool.map(lambda job: worker_imports() if job is None else in_kernel(job, imports_of(job)),
                      [None] * workers + jobs))  # fmt: skip
    return time.perf_counter() - start


def suite() -> float:
    start, make = (
        time.perf_counter(),
        ["make", "--no-print-directory", "test", f"VENV={sys.prefix}"],
    )
    proc = subprocess.run([*make, "PYTEST_ARGS=-q"], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit("the suite failed; fix it before benchmarking:\n" + proc.stdout[-3000:])
    return time.perf_counter() - start


def beyond_imports(path: Path) -> float:
    timing = "import time; _t = time.perf_counter()"
    cells = [c.source for c in code_cells(read(path))]
    done = "print(time.perf_counter() - _t)"
    return float(in_kernel(path, imports_of(path), timing, *cells, done)[-1])


def explorers() -> dict[str, float]:
    """Median milliseconds per update of each explorer, figures rendered as in JupyterLab."""
    result = {}
    for path, make, control, values in EXPLORERS:
        code = [tagged_source(ROOT / path, tag) for tag in ("setup", "lesson", "explorer")]
        move = f"import statistics, time\nw, t = {make}, []\nfor v in {values!r}:\n    s = time.perf_counter()\n    w.{control}.value = v\n    t.append(time.perf_counter() - s)\nprint(statistics.median(t) * 1e3)"  # fmt: skip
        result[path] = float(in_kernel(ROOT / path, *code, move)[-1])
        print(f"  {result[path]:6.1f} ms per update  {path}", flush=True)
    return result


def main() -> int:
    if sys.argv[1:] == ["explorers"]:
        print("explorers, median time per update:")
        explorers()
        return 0
    for path in KERNELS:
        imports_of(path)
    floors, suites = [], []
    for i in range(RUNS):
        floors.append(floor())
        suites.append(suite())
        print(f"run {i + 1}: floor {floors[-1]:6.1f} s   suite {suites[-1]:6.1f} s", flush=True)
    f, s = statistics.median(floors), statistics.median(suites)
    print(f"\n{os.cpu_count()} workers, Python {sys.version.split()[0]}, {len(KERNELS)} kernels")
    print(f"floor {f:.1f} s, suite {s:.1f} s (medians); ratio suite / floor: {s / f:.2f}")
    print("\ntime beyond imports, slowest first:")
    rows = sorted(((beyond_imports(p), rel(p)) for p in ALL), reverse=True)
    for seconds, name in rows:
        print(f"  {seconds:6.2f} s  {name}")
    print("\nexplorers, median time per update:")
    report = {"floors": floors, "suites": suites, "ratio": s / f, "explorers_ms": explorers(),
              "beyond_imports": {n: t for t, n in rows}}  # fmt: skip
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "bench.json").write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
