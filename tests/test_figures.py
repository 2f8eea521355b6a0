"""Every figure is current: its data is recomputed from the notebook's code and its drawing cell
hashed again (SVG bytes differ between matplotlib versions and are not compared)."""

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
    files = [ROOT / "figures" / f"{n}.{ext}" for n in names for ext in ("svg", "png", "json")]
    assert all(f.stat().st_size for f in files)


@pytest.mark.parametrize("notebook", list(NOTEBOOKS), ids=[p.name for p in NOTEBOOKS])
def test_committed_figures_are_current(notebook):
    import matplotlib.pyplot as plt

    try:
        drawn = figures.draw(notebook, stub_d2l=True)
    finally:
        plt.close("all")
    for name, code in NOTEBOOKS[notebook].items():
        committed = json.loads((ROOT / "figures" / f"{name}.json").read_text(encoding="utf-8"))
        stale = f"figures/{name}.* are stale: run `make figures`"
        assert committed["cell_sha256"] == figures.digest(code), stale
        fresh = json.loads(figures.to_json(drawn[name][1]))
        assert _close(fresh, committed["data"]), stale
