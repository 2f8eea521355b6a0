"""The GitHub Actions workflow is valid (schema-checked offline with check-jsonschema's
vendored GitHub workflow schema) and runs the same commands as .ci/run."""

from __future__ import annotations

import pytest
from nbutil import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_pass_the_schema():
    """check-jsonschema's own command, run in-process (its CLI exits; click reports the code)."""
    from check_jsonschema.cli.main_command import main as check_jsonschema

    assert WORKFLOWS, "no workflow in .github/workflows"
    with pytest.raises(SystemExit) as exit_:
        check_jsonschema(["--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)])
    assert exit_.value.code == 0, (
        f"check-jsonschema rejected the workflow (exit {exit_.value.code})"
    )


def test_workflow_runs_what_ci_runs():
    text = "\n".join(p.read_text(encoding="utf-8") for p in WORKFLOWS)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("make test", "make test-browser", "make test-colab"):
        assert command in ci, f".ci/run does not run `{command}`"
        assert command in text, f"the workflow does not run `{command}`"
    assert "make test " in readme or "make test\n" in readme
    assert "cache: pip" in text
    assert "pull_request" in text and "push" in text
