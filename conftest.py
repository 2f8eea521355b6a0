"""pytest hooks for the nbval run over notebooks/ and solutions/ (a conftest at the root sees
both; one under tests/ would not). `--dist loadfile` keeps each notebook on one worker (one kernel)."""

from __future__ import annotations

from tools import kernel_start


def pytest_configure(config):
    kernel_start.install()  # a kernel that dies while starting is started again (tools/kernel_start.py)


def pytest_collectstart(collector):
    # Matplotlib SVG differs between runs and versions; the data behind each figure is checked
    # in code instead (and the `<Figure size ...>` text is still compared).
    if collector.path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("image/svg+xml",)
