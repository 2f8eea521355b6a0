"""What `make` builds: numpy 2 beside d2l without its pins, reinstalling only when requirements.txt
changes, one line when Python is missing or old, and lower bounds that CI installs."""

from __future__ import annotations

import os
import re
import subprocess
from importlib.metadata import requires, version

from tools import stacks
from tools.nb import ROOT


def make(*args: str) -> subprocess.CompletedProcess:
    command = ["make", "--no-print-directory", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_modern_stack_next_to_d2l_without_its_pins():
    assert version("d2l") == "1.0.3"
    pins = [re.sub(r"[ ()]", "", r) for r in requires("d2l")]
    assert any(p.startswith("numpy==1.23.5") for p in pins), pins
    assert int(version("numpy").split(".")[0]) >= 2, "d2l must be installed with --no-deps"


def test_install_runs_again_only_when_requirements_change(tmp_path):
    """`make -q install` is true while the stamp is newer than requirements.txt, false after."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to("/bin/true")
    stamp, requirements = venv / ".installed", (ROOT / "requirements.txt").stat().st_mtime
    stamp.touch()
    os.utime(stamp, (requirements + 10, requirements + 10))
    assert make("-q", "install", f"VENV={venv}").returncode == 0
    os.utime(stamp, (requirements - 10, requirements - 10))
    assert make("-q", "install", f"VENV={venv}").returncode == 1


def test_make_stops_with_one_line_on_a_too_old_or_missing_python(tmp_path):
    old = tmp_path / "python3"
    old.write_text('#!/bin/sh\ncase "$*" in *version_info*) echo 3.9.18;; esac\n')
    old.chmod(0o755)
    for python, expected in [(old, "is 3.9.18"), (tmp_path / "none" / "python3", "not found")]:
        proc = make("test", f"PYTHON={python}", f"VENV={tmp_path / 'venv'}")
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        assert proc.returncode != 0 and len(lines) == 1, lines
        assert "Python 3.10 or newer is needed" in lines[0] and expected in lines[0]
        assert not (tmp_path / "venv").exists()


def test_every_lower_bound_is_the_oldest_stack():
    """Each `>=` bound of requirements.txt is what constraints/oldest.txt pins (and CI installs)."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    bounds = re.findall(r"^([\w.\-]+)>=([^;\s]+)", text, re.M)
    assert bounds and {stacks.normalize(n): v for n, v in bounds} == stacks.pins("oldest")


def test_every_path_a_stack_tests_exists():
    """A stack's run names its tests by path: a moved file would leave it collecting nothing."""
    missing = [path for path in stacks.FULL_TESTS if not (ROOT / path).exists()]
    assert stacks.FULL_TESTS and not missing, missing
