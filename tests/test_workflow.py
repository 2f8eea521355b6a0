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


def test_the_browser_job_gets_a_browser_without_snap():
    """Ubuntu's apt `chromium` installs a snap, and snap installs fail on GitHub's runners: the
    workflow fetches Chrome with an action and hands its path to the tests as $CHROMIUM."""
    import yaml

    (job,) = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"].values()
    runs = " ".join(s.get("run", "") for s in job["steps"])
    assert "chromium" not in runs.replace("CHROMIUM", ""), "apt's chromium is a snap shim on Ubuntu"
    (chrome,) = [
        s for s in job["steps"] if s.get("uses", "").startswith("browser-actions/setup-chrome")
    ]
    test = next(s for s in job["steps"] if s.get("run") == "make ${{ matrix.target }}")
    assert test["env"]["CHROMIUM"] == f"${{{{ steps.{chrome['id']}.outputs.chrome-path }}}}"
