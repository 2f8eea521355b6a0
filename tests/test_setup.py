"""The environment `make` builds: modern numpy/matplotlib next to d2l installed without its pins,
and a second `make` that has nothing to reinstall.  (That `from d2l import torch as d2l` and
`d2l.plot` work is shown by nbval running solutions/2.5.5-ex5-plot-sin-and-derivative.ipynb.)"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import requires, version

from nbutil import ROOT


def _major_minor(name: str) -> tuple[int, int]:
    major, minor = version(name).split(".")[:2]
    return int(major), int(minor)


def test_modern_stack_next_to_d2l_without_its_pins():
    assert version("d2l") == "1.0.3"
    pins = [r for r in requires("d2l") or [] if "==" in r]
    assert any(r.replace(" ", "").startswith(("numpy==1.23.5", "numpy(==1.23.5)")) for r in pins), (
        pins
    )
    assert _major_minor("numpy") >= (2, 0), "numpy 2.x expected (d2l installed with --no-deps)"
    assert _major_minor("matplotlib") >= (3, 8)


def test_second_make_reinstalls_nothing():
    """`make -q install` exits 0 only when the install stamp is newer than requirements.txt."""
    proc = subprocess.run(
        ["make", "-q", "install", f"VENV={sys.prefix}"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, "make would reinstall: the stamp is older than requirements.txt"


def test_make_stops_with_one_line_on_a_too_old_or_missing_python(tmp_path):
    """Bad set-up input: one line saying what is needed, and nothing is created."""
    old = tmp_path / "python3"
    old.write_text(
        "#!/bin/sh\necho 'import sys' >/dev/null\n"
        'case "$*" in *version_info*) echo 3.9.18;; esac\n'
    )
    old.chmod(0o755)
    for python, expected in [
        (str(old), "is 3.9.18"),
        (str(tmp_path / "missing" / "python3"), "not found"),
    ]:
        proc = subprocess.run(
            [
                "make",
                "--no-print-directory",
                "test",
                f"PYTHON={python}",
                f"VENV={tmp_path / 'venv'}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        assert proc.returncode != 0
        assert (
            len(lines) == 1
            and "Python 3.10 or newer is needed" in lines[0]
            and expected in lines[0]
        ), lines
        assert not (tmp_path / "venv").exists()
