"""Regenerate every figure in figures/ from the notebook cells that draw it.

    python figures/make_figures.py        (or: make figures)

A figure is drawn by a notebook code cell tagged `figure` whose first line is
`# figure: NAME`; the cell leaves the matplotlib figure in `fig` and the data it shows in
`figure_data`.  This script runs each such notebook's code cells in order (as plain Python,
IPython magics translated, the Colab-only branch skipped) and writes NAME.svg, NAME.png and
NAME.json (the data shown, and a digest of the drawing cell's code).  tests/test_figures.py
recomputes the data and compares both, so a figure whose data or drawing code changed since
it was made fails the tests.  Every figure here is produced by the same code students run,
and one command refreshes them all.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "figures"
NAME = re.compile(r"^# figure: ([a-z0-9-]+)\s*$", re.M)
PNG_DPI = 100


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def figure_notebooks() -> dict[Path, list[str]]:
    """{notebook: [figure names]} for every notebook with a cell tagged `figure`."""
    found: dict[Path, list[str]] = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "solutions").glob("*.ipynb")
    ):
        for cell in _cells(path):
            if "figure" in cell.get("metadata", {}).get("tags", []):
                m = NAME.search(_source(cell))
                if not m:
                    raise ValueError(
                        f"{path.name}: a cell tagged 'figure' must start with '# figure: NAME'"
                    )
                found.setdefault(path, []).append(m.group(1))
    return found


def source_digest(path: Path, name: str) -> str:
    """sha256 of the code of the cell that draws figure `name`: a changed cell means a stale figure."""
    for cell in _cells(path):
        m = NAME.search(_source(cell)) if cell["cell_type"] == "code" else None
        if m and m.group(1) == name:
            return hashlib.sha256(_source(cell).encode()).hexdigest()
    raise KeyError(name)


def _stub_d2l() -> dict[str, types.ModuleType]:
    """A stand-in for d2l whose plot draws nothing: for recomputing figure data quickly."""
    import matplotlib.pyplot as plt

    package, module = types.ModuleType("d2l"), types.ModuleType("d2l.torch")
    module.plt = plt
    module.plot = lambda *args, **kwargs: plt.figure()
    package.torch = module
    return {"d2l": package, "d2l.torch": module}


def draw(path: Path, stub_d2l: bool = False) -> dict[str, tuple[object, object]]:
    """Run a notebook's code up to its last figure cell; {name: (fig, figure_data)}.

    With stub_d2l the notebook sees a d2l whose plot draws nothing: the data behind each
    figure comes out the same, without d2l's heavy imports (the tests use this).
    """
    import matplotlib
    from IPython.core.inputtransformer2 import TransformerManager

    # Agg in this process only: an MPLBACKEND variable would leak into kernels started later.
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "d2l-autograd"  # stable SVG ids
    transform = TransformerManager().transform_cell
    code_cells = [c for c in _cells(path) if c["cell_type"] == "code"]
    is_figure = ["figure" in c.get("metadata", {}).get("tags", []) for c in code_cells]
    last = max(i for i, flag in enumerate(is_figure) if flag)
    namespace: dict = {"__name__": "__figures__", "get_ipython": lambda: None}
    results = {}
    cwd = os.getcwd()
    os.chdir(path.parent)
    saved = {name: sys.modules.get(name) for name in ("d2l", "d2l.torch")}
    if stub_d2l:
        sys.modules.update(_stub_d2l())
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the cells print what they teach
            for cell, flag in zip(code_cells[: last + 1], is_figure):
                if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
                    continue  # timings: not needed for a figure
                exec(compile(transform(_source(cell)), f"<{path.name}>", "exec"), namespace)  # noqa: S102
                if flag:
                    name = NAME.search(_source(cell)).group(1)
                    results[name] = (namespace["fig"], namespace["figure_data"])
    finally:
        os.chdir(cwd)
        if stub_d2l:
            for name, module in saved.items():
                if module is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = module
    return results


def to_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def save(name: str, fig, data: object, digest: str, outdir: Path = FIGURES) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    svg, png, js = outdir / f"{name}.svg", outdir / f"{name}.png", outdir / f"{name}.json"
    fig.savefig(svg, bbox_inches="tight", metadata={"Date": None})
    fig.savefig(png, bbox_inches="tight", dpi=PNG_DPI, metadata={"Software": None})
    js.write_text(to_json({"cell_sha256": digest, "data": data}), encoding="utf-8")
    return [svg, png, js]


def main() -> int:
    import matplotlib.pyplot as plt

    for path, names in figure_notebooks().items():
        drawn = draw(path)
        for name in names:
            fig, data = drawn[name]
            for out in save(name, fig, data, source_digest(path, name)):
                print(f"wrote {out.relative_to(ROOT)}")
        plt.close("all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
