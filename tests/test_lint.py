"""ruff lints and formats the tools, the tests and the notebooks' code (it reads .ipynb natively)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.nb import ROOT


@pytest.mark.parametrize("command", ["check", "format --check"])
def test_ruff(command):
    ruff = Path(sys.executable).with_name("ruff")
    proc = subprocess.run([ruff, *command.split(), "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
