"""pytest plugin (loaded with `-p nbval_config` from pyproject.toml) for the nbval run.

It must be a plugin rather than tests/conftest.py: a conftest only sees the tests below its
own folder, and the notebooks live in notebooks/ and solutions/.

Matplotlib's SVG text differs between runs and versions (dates, random clip-path ids), so SVG
is left out of the comparison; the `<Figure size ...>` text output is still compared, and the
data behind each figure is checked by code in the notebook and in tests/test_figures.py.
"""

from __future__ import annotations


def pytest_collectstart(collector):
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("image/svg+xml",)
