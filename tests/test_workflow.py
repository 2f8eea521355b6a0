"""CI is defined once (the Makefile's CI_TARGETS): `.ci/run` runs `make ci`, and the schema-valid
workflow is a matrix over exactly those targets, plus a weekly run."""

from __future__ import annotations

import subprocess

import pytest

from tools.nb import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def test_workflow_passes_the_schema():
    from check_jsonschema.cli.main_command import main as check_jsonschema

    with pytest.raises(SystemExit) as exit_:
        check_jsonschema(["--builtin-schema", "vendor.github-workflows", str(WORKFLOW)])
    assert exit_.value.code == 0, f"check-jsonschema rejected the workflow ({exit_.value.code})"


def test_ci_runs_the_makefile_targets_and_nothing_else():
    import yaml

    make = subprocess.run(["make", "-s", "ci-targets"], cwd=ROOT, capture_output=True, text=True)
    targets = make.stdout.split()
    assert {"test", "test-browser", "test-oldest", "test-newest"} <= set(targets)
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = flow["jobs"].values()
    assert job["strategy"]["matrix"]["target"] == targets
    runs = [s["run"] for s in job["steps"] if "run" in s and "make" in s["run"]]
    assert runs == ["make ${{ matrix.target }}"]
    assert "schedule" in flow[True] and "pull_request" in flow[True]  # yaml reads `on:` as True
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make ci")
