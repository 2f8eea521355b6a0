"""Every committed figure exists and is current: figures/NAME.json holds the data the figure
shows and a digest of the cell that draws it (tools/figures.py writes both); here the data is
recomputed from the notebook's own code and the cell hashed again. SVG bytes are not compared
(they differ between matplotlib versions)."""

from __future__ import annotations

import json
import math

import pytest

from tools import figures
from tools.nb import ROOT

NOTEBOOKS = figures.figure_notebooks()


def _close(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
    return a == b


def test_every_figure_has_its_files_and_nothing_is_orphaned():
    names = {n for cells in NOTEBOOKS.values() for n in cells}
    assert {"computation-graph", "sin-and-derivative", "ex6-dependency-graph"} <= names
    made = {p.stem for p in (ROOT / "figures").iterdir()}
    assert made == names, f"figures without a notebook cell, or missing: {sorted(made ^ names)}"
    for name in names:
        for ext in ("svg", "png", "json"):
            assert (ROOT / "figures" / f"{name}.{ext}").stat().st_size > 0


@pytest.mark.parametrize("notebook", list(NOTEBOOKS), ids=[p.name for p in NOTEBOOKS])
def test_committed_figures_are_current(notebook):
    import matplotlib.pyplot as plt

    try:
        drawn = figures.draw(notebook, stub_d2l=True)
    finally:
        plt.close("all")
    for name, code in NOTEBOOKS[notebook].items():
        committed = json.loads((ROOT / "figures" / f"{name}.json").read_text(encoding="utf-8"))
        assert committed["cell_sha256"] == figures.digest(code), (
            f"{name}: drawing cell changed; run `make figures`"
        )
        fresh = json.loads(figures.to_json(drawn[name][1]))
        assert _close(fresh, committed["data"]), f"figures/{name}.json is stale: run `make figures`"
