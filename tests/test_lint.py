"""ruff lints and formats the tooling and the notebooks' code (it reads .ipynb natively)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from nbutil import ROOT


def _ruff() -> str:
    exe = Path(sys.executable).with_name("ruff")
    return str(exe) if exe.exists() else shutil.which("ruff") or "ruff"


def test_ruff_check():
    proc = subprocess.run([_ruff(), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format():
    proc = subprocess.run(
        [_ruff(), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, "run `ruff format .`\n" + proc.stdout + proc.stderr
