"""pytest plugin (loaded with `-p nbval_config` from pyproject.toml) for the nbval run.

It must be a plugin rather than tests/conftest.py: a conftest only sees the tests below its
own folder, and the notebooks live in notebooks/ and solutions/.

Matplotlib's SVG text differs between runs and versions (dates, random clip-path ids), so SVG
is left out of the comparison; the `<Figure size ...>` text output is still compared, and the
data behind each figure is checked by code in the notebook and in tests/test_figures.py.
"""

from __future__ import annotations

import sys

# nbformat validates notebooks with jsonschema, which imports the optional rfc3987_syntax
# package for "iri" format checks at import time; it builds a grammar that costs about a
# second in every pytest process.  Notebook schemas use no such format, so the test
# processes skip it (JupyterLab itself, in its own process, is unaffected).
sys.modules.setdefault("rfc3987_syntax", None)


def pytest_collectstart(collector):
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("image/svg+xml",)


# Modules that import torch into the pytest worker itself (the rest only talk to kernels):
# one xdist scope for both, so torch is imported by one worker instead of two.
TORCH_IN_PROCESS = ("tests/test_checks.py", "tests/test_figures.py")


class _TorchScopeScheduling:
    """Registered only where xdist runs (the harness test's inner nbval run has no xdist)."""

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):
        from xdist.scheduler import LoadScopeScheduling

        class Scheduling(LoadScopeScheduling):
            """--dist loadscope (each notebook stays on one worker), plus the shared scope above."""

            def _split_scope(self, nodeid):
                scope = super()._split_scope(nodeid)
                return "tests/torch-in-process" if scope in TORCH_IN_PROCESS else scope

        return Scheduling(config, log)


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist") and config.getoption("dist", "no") == "loadscope":
        config.pluginmanager.register(_TorchScopeScheduling(), "torch-scope-scheduling")
