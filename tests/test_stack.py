"""One stack of the version matrix (run by `make test-STACK`, which sets STACK): the environment
holds exactly the versions its constraints file pins, on the right Python; on a Colab stack,
d2l is missing until the notebook's install guard brings it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tools import stacks
from tools.nb import INSTALL_GUARD, SOLUTIONS

pytestmark = pytest.mark.stack
STACK = os.environ.get("STACK", "")
if not STACK:
    pytest.skip("run through `make test-STACK` (STACK is not set)", allow_module_level=True)
KIND = stacks.header(STACK)["kind"]
PYTHON = sys.executable if KIND == "full" else str(stacks.venv(STACK) / "bin" / "python")
D2L_NOTEBOOK = next(p for p in SOLUTIONS if "ex5" in p.name)


def in_stack(code: str):
    return json.loads(
        subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout
    )


def test_python_and_packages_are_the_pinned_ones():
    pins = stacks.pins(STACK)
    found = in_stack(
        "import json, sys, importlib.metadata as m\n"
        f"names = {sorted(pins)!r}\n"
        "v = {}\nfor n in names:\n    try: v[n] = m.version(n)\n    except m.PackageNotFoundError: v[n] = None\n"
        "print(json.dumps({'python': '%d.%d' % sys.version_info[:2], 'versions': v}))"
    )
    assert found["python"] == stacks.header(STACK)["python"]
    wrong = {n: (found["versions"][n], v) for n, v in pins.items() if found["versions"][n] != v}
    assert not wrong, f"installed vs pinned: {wrong}"


@pytest.mark.skipif(KIND != "colab", reason="Colab stacks only")
def test_without_the_install_guard_d2l_is_missing():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from tools.nb import read

    subprocess.run(
        [sys.executable, "-m", "uv", "pip", "uninstall", "--quiet", "--python", PYTHON, "d2l"],
        check=False,
    )
    nb = read(D2L_NOTEBOOK)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert INSTALL_GUARD in setup.source
    setup.source = "\n".join(
        ln for ln in setup.source.splitlines() if "colab" not in ln and INSTALL_GUARD not in ln
    )
    with pytest.raises(CellExecutionError, match="No module named 'd2l'"):
        NotebookClient(nb, kernel_name=STACK, timeout=300).execute()
