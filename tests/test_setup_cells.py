"""The first code cell of every notebook stops an environment older than the oldest stack CI
tests (Python 3.10, torch 2.4.1: constraints/oldest.txt) with a one-line message that says what
to install, before anything fails deep inside torch. Each set-up cell runs in IPython against a
fake torch 1.12.0 (what d2l-zh's installation chapter pins), a fake torch 2.0.0 (d2l-en's pin), a
fake Python 3.9, and a fake torch 2.4.1 that must pass. One subprocess runs them all."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tools.nb import ALL, ROOT, code_cells, read, rel

# A stand-in torch whose __version__ compares like torch's TorchVersion (by version, not text).
FAKE_TORCH = """import os
from packaging.version import Version
class TorchVersion(str):
    def __lt__(self, other): return Version(self) < Version(other)
__version__ = TorchVersion(os.environ["FAKE_TORCH"])
"""

RUN = """
import json, os, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.showtraceback = lambda *a, **k: None
real = sys.version_info, sys.version
results = []
for source, torch_version, python in json.loads(sys.stdin.read()):
    os.environ["FAKE_TORCH"] = torch_version
    sys.modules.pop("torch", None)
    if python:
        sys.version_info, sys.version = tuple(python), ".".join(map(str, python[:3])) + " (fake)"
    error = shell.run_cell(source).error_in_exec
    sys.version_info, sys.version = real
    results.append([type(error).__name__, str(error) if error else ""])
print(json.dumps(results))
"""

SCENARIOS = {"torch 1.12.0": ("1.12.0", None), "torch 2.0.0": ("2.0.0", None),
             "Python 3.9": ("2.4.1", [3, 9, 18, "final", 0]), "torch 2.4.1": ("2.4.1+cpu", None)}  # fmt: skip


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    fake = tmp_path_factory.mktemp("fake") / "torch"
    fake.mkdir()
    (fake / "__init__.py").write_text(FAKE_TORCH)
    runs = [(code_cells(read(p))[0].source, *s) for p in ALL for s in SCENARIOS.values()]
    env = {"PYTHONPATH": str(fake.parent), "PATH": "/usr/bin:/bin", "MPLBACKEND": "agg"}
    out = subprocess.run([sys.executable, "-c", RUN], input=json.dumps(runs), env=env,
                         capture_output=True, text=True, timeout=120, cwd=ROOT)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    results = iter(json.loads(out.stdout.strip().splitlines()[-1]))
    return {(p, name): next(results) for p in ALL for name in SCENARIOS}


@pytest.mark.parametrize("path", ALL, ids=rel)
def test_the_setup_cell_stops_an_old_environment_with_one_line(path, verdicts):
    stopped = [("torch 1.12.0", "torch 1.12.0"), ("torch 2.0.0", "torch 2.0.0"),
               ("Python 3.9", "Python 3.9.18")]  # fmt: skip
    for name, shown in stopped:
        kind, message = verdicts[path, name]
        assert kind == "SystemExit", f"{rel(path)}: {name} not stopped by the set-up cell ({kind})"
        assert "\n" not in message and shown in message, message
        assert 'pip install -U "torch>=2.4.1"' in message and "Colab" in message, message
    kind, message = verdicts[path, "torch 2.4.1"]
    assert kind != "SystemExit", f"{rel(path)}: the guard stops torch 2.4.1, which CI tests"
