"""Every notebook in JupyterLab in a real browser (Debian's chromium driven by Playwright): Kernel →
Restart Kernel and Run All Cells, save, and the saved notebook must show every code cell run in
order and no untagged error. Screenshots and the lab log go to test-artifacts/browser/."""

from __future__ import annotations

import pytest

from tools.nb import ALL, code_cells, read, rel, tags

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ALL, ids=rel)
def test_restart_and_run_all_in_jupyterlab(path, open_notebook):
    nb = open_notebook(path)
    try:
        model = nb.run_all()
    finally:
        nb.screenshot(f"{path.parent.name}-{path.stem}")
    code, expected = [c for c in model["cells"] if c["cell_type"] == "code"], code_cells(read(path))
    assert [c.get("execution_count") for c in code] == list(range(1, len(expected) + 1))
    for i, (cell, ref) in enumerate(zip(code, expected), 1):
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert not errors or "raises-exception" in tags(ref), f"{nb.path} [{i}] raised {errors[0]}"
