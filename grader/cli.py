"""make grade SUBMISSIONS=folder (or: python -m grader folder): grade a class's 2.5.5 workbooks.

Writes gradebook.csv and one feedback file per student, and prints a summary. `--bench N` measures
grading N copies of a correct submission against starting N sandboxed kernels (the floor).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import gradebook
from .judge import Result, grade
from .limits import Limits
from .notes import Note
from .sandbox import ISOLATION, Sandbox, mode
from .submission import Workbook, display_name, workbooks
from .submission import digest as submission_digest

ROOT = Path(__file__).resolve().parent.parent


def _natural(path: Path):
    name = display_name(path)[0].lower()
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def submissions(folder: Path) -> tuple[list[Path], list[str]]:
    """The folder's .ipynb entries (links and oddities too: each gets its row), and the rest."""
    entries = sorted((Path(e.path) for e in os.scandir(folder)), key=_natural)
    chosen = [p for p in entries if os.fsencode(p.name).lower().endswith(b".ipynb")]
    return chosen, [display_name(p)[0] for p in entries if p not in chosen]


def _safe_grade(item, sandbox, books, seed) -> Result:
    slot, path = item
    try:
        return grade(path, slot, sandbox, books, seed)
    except Exception as err:  # noqa: BLE001 - one file never stops the class's gradebook
        traceback.print_exc(file=sys.stderr)
        return Result(display_name(path)[0], notes=[Note("grader_error", what=type(err).__name__)])


def grade_folder(folder: Path, out: Path, limits: Limits, workers: int, seed: str, quiet: bool = False) -> list[Result]:  # fmt: skip
    files, _ = submissions(folder)
    books = {lang: Workbook.load(p, lang) for lang, p in workbooks().items()}
    sandbox = Sandbox(limits, [folder, out])
    done, lock = [0], threading.Lock()

    def one(item) -> Result:
        result = _safe_grade(item, sandbox, books, seed)
        with lock:
            done[0] += 1
            if not quiet:
                bar = "#" * (30 * done[0] // len(files))
                print(f"\r  grading [{bar:<30}] {done[0]}/{len(files)}", end="", file=sys.stderr, flush=True)  # fmt: skip
        return result

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, enumerate(files)))
    finally:
        sandbox.close()
    if not quiet and files:
        print(file=sys.stderr)
    try:
        _same_content(files, results, limits)
    finally:
        gradebook.write(results, out)
    return results


def _same_content(files: list[Path], results: list[Result], limits: Limits | None = None) -> None:
    """A note on each submission whose bytes equal an earlier one's (a copy handed in twice)."""
    seen: dict[str, str] = {}
    for path, result in zip(files, results):
        digest = submission_digest(path, limits or Limits())
        if digest is None:
            continue
        if digest in seen:
            result.notes.append(Note("same_as", other=seen[digest]))
        else:
            seen[digest] = result.file


def bench(n: int, workers: int, sample: Path) -> None:
    """Grading n copies of a correct submission against starting n sandboxed kernels that run the
    workbook's imports (the floor), interleaved, medians of BENCH_RUNS (default 1)."""
    from .kernel import Kernel

    limits, runs = Limits(), int(os.environ.get("BENCH_RUNS", "1"))
    floors, grades = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        for i in range(n):
            shutil.copy(sample, folder / f"student-{i:03d}.ipynb")
        for _ in range(runs):
            sandbox = Sandbox(limits, [folder])
            start = time.perf_counter()

            def start_one(slot: int, sandbox: Sandbox = sandbox) -> None:
                kernel = Kernel(sandbox, slot)
                try:
                    kernel.wait_ready(60)
                    kernel.run("import math\nimport matplotlib.pyplot as plt\nimport torch", 120)
                finally:
                    kernel.close()

            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(start_one, range(n)))
            floors.append(time.perf_counter() - start)
            sandbox.close()
            start = time.perf_counter()
            results = grade_folder(folder, Path(tmp) / "out", limits, workers, "bench", quiet=True)
            grades.append(time.perf_counter() - start)
            full = len(results[0].points)
            assert all(r.total == full for r in results), [r.notes for r in results][:3]
            print(f"floor {floors[-1]:.1f} s, grading {grades[-1]:.1f} s", flush=True)
    f, g = statistics.median(floors), statistics.median(grades)
    print(f"{n} submissions, {workers} workers, {mode()} sandbox: floor (kernels + imports) "
          f"{f:.1f} s, grading {g:.1f} s, ratio {g / f:.2f}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, nargs="?", help="folder of .ipynb files")
    parser.add_argument("--out", type=Path, default=Path("grades"), help="default: ./grades")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cell-timeout", type=float, default=Limits.cell)
    parser.add_argument("--check-timeout", type=float, default=Limits.check)
    parser.add_argument("--timeout", type=float, default=Limits.total, help="per submission")
    parser.add_argument("--memory-gb", type=float, default=Limits.memory / 2**30)
    parser.add_argument(
        "--seed", help="draws the hidden tests' inputs (default: a new one per run)"
    )
    parser.add_argument("--bench", type=int, metavar="N", help="time N copies of a correct one")
    args = parser.parse_args(argv)
    if args.bench:
        bench(args.bench, args.workers, ROOT / "tests/fixtures/submissions/alice-all-correct.ipynb")
        return 0
    if args.submissions is None or not args.submissions.is_dir():
        parser.error("give a folder of submitted .ipynb files")
    folder, out = args.submissions.resolve(), args.out.resolve()
    if out == folder or folder in out.parents:
        parser.error("--out must not be inside the submissions folder")
    limits = Limits(cell=args.cell_timeout, check=args.check_timeout, total=args.timeout,
                    memory=int(args.memory_gb * 2**30))  # fmt: skip
    seed = args.seed or secrets.token_hex(4)
    _, skipped = submissions(folder)
    start = time.perf_counter()
    results = grade_folder(folder, out, limits, args.workers, seed)
    how = mode()
    print(gradebook.summary(results, time.perf_counter() - start, args.workers, how, ISOLATION[how], seed))  # fmt: skip
    if skipped:
        print(f"not graded (not .ipynb): {', '.join(gradebook.cell(n) for n in skipped)}")
    print(f"gradebook: {out / 'gradebook.csv'}\nfeedback:  {out / 'feedback'}/")
    return 0
