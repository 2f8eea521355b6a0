"""make figures: each code cell tagged `figure` (with `# figure: NAME`) leaves `fig` and its data
in `figure_data`; NAME.svg, .png and .json (data and cell digest) are written from it."""

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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nb import LESSONS, ROOT, SOLUTIONS, code_cells, read, rel, tags  # noqa: E402

FIGURES = ROOT / "figures"
NAME = re.compile(r"^# figure: ([a-z0-9-]+)\s*$", re.M)


def figure_cells(path: Path) -> dict[str, str]:
    """{figure name: code of the cell that draws it} for one notebook."""
    cells = [c.source for c in code_cells(read(path)) if "figure" in tags(c)]
    if not all(NAME.search(code) for code in cells):
        raise ValueError(f"{rel(path)}: a cell tagged 'figure' needs a '# figure: NAME' line")
    return {NAME.search(code).group(1): code for code in cells}


def figure_notebooks() -> dict[Path, dict[str, str]]:
    """Figures come from the Chinese edition; its English twin runs the same code (test_editions)."""
    return {p: cells for p in LESSONS + SOLUTIONS if (cells := figure_cells(p))}


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _stub_d2l() -> dict[str, types.ModuleType]:
    """A d2l whose plot draws nothing: the data comes out the same, without d2l's imports."""
    import matplotlib.pyplot as plt

    package, module = types.ModuleType("d2l"), types.ModuleType("d2l.torch")
    module.plt, module.plot, package.torch = plt, lambda *a, **k: plt.figure(), module
    return {"d2l": package, "d2l.torch": module}


def draw(path: Path, stub_d2l: bool = False) -> dict[str, tuple[object, object]]:
    """Run the notebook's code up to its last figure cell: {name: (fig, figure_data)}."""
    import matplotlib
    from IPython.core.inputtransformer2 import TransformerManager

    matplotlib.use("Agg")  # in this process only: an MPLBACKEND variable would reach kernels
    matplotlib.rcParams["svg.hashsalt"] = "d2l-autograd"  # stable SVG ids
    transform = TransformerManager().transform_cell
    cells = code_cells(read(path))
    last = max(i for i, c in enumerate(cells) if "figure" in tags(c))
    namespace: dict = {"__name__": "__figures__", "get_ipython": lambda: None}
    results, cwd, saved = {}, os.getcwd(), {n: sys.modules.get(n) for n in ("d2l", "d2l.torch")}
    os.chdir(path.parent)
    if stub_d2l:
        sys.modules.update(_stub_d2l())
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the cells print what they teach
            for cell in cells[: last + 1]:
                exec(compile(transform(cell.source), f"<{path.name}>", "exec"), namespace)  # noqa: S102
                if "figure" in tags(cell):
                    name = NAME.search(cell.source).group(1)
                    results[name] = namespace["fig"], namespace["figure_data"]
    finally:
        os.chdir(cwd)
        sys.modules.update({n: m for n, m in saved.items() if m is not None})
        for n in (n for n, m in saved.items() if m is None):
            sys.modules.pop(n, None)
    return results


def to_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> int:
    import matplotlib.pyplot as plt

    for path, cells in figure_notebooks().items():
        drawn = draw(path)
        for name, code in cells.items():
            fig, data = drawn[name]
            out = FIGURES / name
            fig.savefig(f"{out}.svg", bbox_inches="tight", metadata={"Date": None})
            fig.savefig(f"{out}.png", bbox_inches="tight", dpi=100, metadata={"Software": None})
            Path(f"{out}.json").write_text(to_json({"cell_sha256": digest(code), "data": data}))
            print(f"wrote figures/{name}.svg, .png, .json")
        plt.close("all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
