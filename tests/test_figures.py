"""Every committed figure exists and is current.

Each figure is redrawn from the notebook cell that makes it (figures/make_figures.py) and
compared with what is committed: the data behind it (JSON, floats within 1e-6) and the
rendered PNG (same size, mean pixel difference within a small tolerance, since fonts and
anti-aliasing vary a little between matplotlib versions).  Raw SVG bytes are not compared.
"""

from __future__ import annotations

import io
import json
import math
import sys

import pytest
from nbutil import ROOT

sys.path.insert(0, str(ROOT / "figures"))
import make_figures  # noqa: E402

FIGURE_NOTEBOOKS = make_figures.figure_notebooks()
NAMES = [n for names in FIGURE_NOTEBOOKS.values() for n in names]
PIXEL_TOLERANCE = 0.02  # mean absolute difference, channels in [0, 1]


def _close(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
    return a == b


def test_every_figure_has_its_files_and_nothing_is_orphaned():
    assert {"computation-graph", "sin-and-derivative", "ex6-dependency-graph"} <= set(NAMES)
    for name in NAMES:
        for ext in ("svg", "png", "json"):
            assert (ROOT / "figures" / f"{name}.{ext}").is_file(), (
                f"figures/{name}.{ext} missing: run `make figures`"
            )
    made = {p.stem for p in (ROOT / "figures").iterdir() if p.suffix in {".svg", ".png", ".json"}}
    assert made == set(NAMES), f"figures without a notebook cell: {sorted(made - set(NAMES))}"


@pytest.mark.parametrize("notebook", list(FIGURE_NOTEBOOKS), ids=[p.name for p in FIGURE_NOTEBOOKS])
def test_committed_figures_are_current(notebook):
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt
    import numpy as np

    drawn = make_figures.draw(notebook)
    try:
        for name in FIGURE_NOTEBOOKS[notebook]:
            fig, data = drawn[name]
            committed = json.loads((ROOT / "figures" / f"{name}.json").read_text(encoding="utf-8"))
            fresh = json.loads(make_figures.to_json(data))
            assert _close(fresh, committed), f"figures/{name}.json is stale: run `make figures`"

            buf = io.BytesIO()
            fig.savefig(buf, format="png", bbox_inches="tight", dpi=make_figures.PNG_DPI)
            buf.seek(0)
            now = mpimg.imread(buf, format="png")[..., :3]
            before = mpimg.imread(ROOT / "figures" / f"{name}.png")[..., :3]
            assert now.shape == before.shape, (
                f"figures/{name}.png has another size: run `make figures`"
            )
            diff = float(np.abs(now - before).mean())
            assert diff < PIXEL_TOLERANCE, (
                f"figures/{name}.png differs from a fresh drawing ({diff:.3f})"
            )
    finally:
        plt.close("all")
