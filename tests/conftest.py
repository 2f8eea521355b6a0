"""pytest configuration shared by the nbval run and the structural tests.

nbval compares every recorded output of every notebook strictly.  Matplotlib's SVG text
differs between runs and versions (random clip-path ids, font subsets), so SVG is left out
of the comparison; the `<Figure size ...>` text output is still compared, and the data
behind each figure is checked by code in the notebook and in tests/test_figures.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("image/svg+xml",)
