"""Every committed figure exists and is current.

figures/NAME.json records the data a figure shows and a digest of the notebook cell that
draws it (figures/make_figures.py writes both).  Here the data is recomputed from the
notebook's own code and compared (floats within 1e-6), and the drawing cell's code is hashed
again: changed data or changed drawing code without `make figures` fails.  Raw SVG bytes
are not compared (they differ between matplotlib runs and versions).
"""

from __future__ import annotations

import json
import math
import sys

import pytest
from nbutil import ROOT

sys.path.insert(0, str(ROOT / "figures"))
import make_figures  # noqa: E402

FIGURE_NOTEBOOKS = make_figures.figure_notebooks()
NAMES = [n for names in FIGURE_NOTEBOOKS.values() for n in names]


def _close(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
    return a == b


def _committed(name: str) -> dict:
    return json.loads((ROOT / "figures" / f"{name}.json").read_text(encoding="utf-8"))


def test_every_figure_has_its_files_and_nothing_is_orphaned():
    assert {"computation-graph", "sin-and-derivative", "ex6-dependency-graph"} <= set(NAMES)
    for name in NAMES:
        for ext in ("svg", "png", "json"):
            path = ROOT / "figures" / f"{name}.{ext}"
            assert path.is_file() and path.stat().st_size > 0, (
                f"figures/{name}.{ext} missing: run `make figures`"
            )
    made = {p.stem for p in (ROOT / "figures").iterdir() if p.suffix in {".svg", ".png", ".json"}}
    assert made == set(NAMES), f"figures without a notebook cell: {sorted(made - set(NAMES))}"


@pytest.mark.parametrize("notebook", list(FIGURE_NOTEBOOKS), ids=[p.name for p in FIGURE_NOTEBOOKS])
def test_committed_figures_are_current(notebook):
    import matplotlib.pyplot as plt

    try:
        drawn = make_figures.draw(notebook, stub_d2l=True)
    finally:
        plt.close("all")
    for name in FIGURE_NOTEBOOKS[notebook]:
        committed = _committed(name)
        assert committed["cell_sha256"] == make_figures.source_digest(notebook, name), (
            f"the cell drawing {name} changed since figures/{name}.* were made: run `make figures`"
        )
        fresh = json.loads(make_figures.to_json(drawn[name][1]))
        assert _close(fresh, committed["data"]), (
            f"figures/{name}.json data is stale: run `make figures`"
        )
