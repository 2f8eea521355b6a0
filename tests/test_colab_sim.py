"""Colab simulation: every notebook runs top to bottom in a Colab-like environment.

`make test-colab` builds `.venv-colab` on Python 3.12+ with only what Colab preinstalls
(torch, torchvision, numpy 2, matplotlib, pandas, scipy, requests, pillow, ipykernel; no
d2l) and runs this file.  The kernel imports a stub `google.colab` at start-up, as Colab's
runtime does, so the notebooks' install guard (`%pip install --no-deps d2l==1.0.3`) really
runs.  d2l is removed before each notebook, so each one must install it by itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbutil import ALL, IGNORE_OUTPUT_TAGS, ROOT, ids, output_texts, rel, sanitize

pytestmark = pytest.mark.colab

COLAB_VENV = ROOT / os.environ.get("COLAB_VENV", ".venv-colab")  # absolute stays absolute
COLAB_PY = COLAB_VENV / "bin" / "python"
STUB = '''"""Stand-in for Colab's google.colab package (tests only)."""\n'''
GUARD = "%pip install -q --no-deps d2l==1.0.3"


@pytest.fixture(scope="module")
def colab_kernel(tmp_path_factory) -> str:
    if not COLAB_PY.exists():
        message = f"{COLAB_VENV} is missing: run `make test-colab`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("colab")
    pkg = root / "stub" / "google" / "colab"
    pkg.mkdir(parents=True)
    (pkg.parent / "__init__.py").write_text(
        "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n"
    )
    (pkg / "__init__.py").write_text(STUB)
    spec = root / "jupyter" / "kernels" / "colab-sim"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(COLAB_PY),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    "--IPKernelApp.exec_lines=['import google.colab']",
                ],
                "display_name": "Colab simulation",
                "language": "python",
                "env": {"PYTHONPATH": str(root / "stub"), "OMP_NUM_THREADS": "1"},
            }
        )
    )
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(root / "jupyter") + (os.pathsep + old if old else "")
    yield "colab-sim"
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


def _colab_pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(COLAB_PY), "-m", "pip", *args], capture_output=True, text=True)


def _run(nb, kernel: str, cwd: Path):
    NotebookClient(
        nb, kernel_name=kernel, timeout=600, resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def test_environment_is_colab_like(colab_kernel):
    _colab_pip("uninstall", "-y", "-q", "d2l")
    out = subprocess.run(
        [
            str(COLAB_PY),
            "-c",
            "import sys, numpy, matplotlib, torch, importlib.util as u;"
            "print(sys.version_info >= (3, 12), numpy.__version__[0], u.find_spec('d2l') is None)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["True", "2", "True"], (
        "expected Python >= 3.12, numpy 2 and no d2l"
    )


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_notebook_runs_like_on_colab(path, colab_kernel):
    _colab_pip("uninstall", "-y", "-q", "d2l")  # each notebook must install it by itself
    recorded = nbformat.read(path, as_version=4)
    nb = _run(nbformat.read(path, as_version=4), colab_kernel, path.parent)
    uses_d2l = any("from d2l import" in c.source for c in nb.cells if c.cell_type == "code")
    if uses_d2l:
        assert _colab_pip("show", "-q", "d2l").returncode == 0, (
            "the install guard did not install d2l"
        )
    # Same outputs as recorded (Python 3.12+, numpy 2, no d2l preinstalled), guard cell aside.
    for i, (old, new) in enumerate(zip(recorded.cells, nb.cells)):
        if (
            old.cell_type != "code"
            or GUARD in old.source
            or set(old.metadata.get("tags", [])) & IGNORE_OUTPUT_TAGS
        ):
            continue

        assert [sanitize(t) for t in output_texts(new)] == [
            sanitize(t) for t in output_texts(old)
        ], f"{rel(path)} cell {i}: output differs on the Colab simulation"


def test_removing_the_install_guard_breaks_colab(colab_kernel):
    """The simulation would notice a missing guard: d2l is not there on a fresh Colab."""
    _colab_pip("uninstall", "-y", "-q", "d2l")
    path = ROOT / "solutions" / "2.5.5-ex5-plot-sin-and-derivative.ipynb"
    nb = nbformat.read(path, as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert GUARD in setup.source
    setup.source = "\n".join(
        line
        for line in setup.source.splitlines()
        if "google.colab" not in line and GUARD not in line
    )
    with pytest.raises(CellExecutionError, match="No module named 'd2l'"):
        _run(nb, colab_kernel, path.parent)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-m", "colab", "-n", "0"]))
