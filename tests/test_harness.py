"""Proof that nbval can fail: one changed digit fails exactly its cell, end to end; and no digit of
any compared output is hidden by the sanitizer or an ignore tag."""

from __future__ import annotations

import re

import pytest

from tools import nb

HARNESS_NOTEBOOK = nb.SOLUTIONS[1]  # exercise 2: a short notebook, so the mutated run is quick
ADDRESS = re.compile(
    r"\b0x[0-9a-fA-F]{6,16}\b"
)  # object addresses: hidden by the sanitizer on purpose


def test_changed_digit_fails_nbval(pytester):
    import nbformat

    notebook = nb.read(HARNESS_NOTEBOOK)
    code = nb.code_cells(notebook)
    target = next(c for c in code if c.source == "ex2_answer")
    assert target.outputs[0]["data"]["text/plain"] == "tensor([ 0.,  4.,  8., 12.])"
    target.outputs[0]["data"]["text/plain"] = "tensor([ 0.,  4.,  9., 12.])"
    nbformat.write(notebook, pytester.path / "mutated.ipynb")
    (pytester.path / "conftest.py").write_text((nb.ROOT / "conftest.py").read_text())
    # nbval exactly as `make test` runs it: strict, with the same sanitizer and hooks
    args = "--nbval -p no:xdist -p no:cacheprovider -o addopts= mutated.ipynb".split()
    result = pytester.runpytest_inprocess(f"--nbval-sanitize-with={nb.SANITIZER}", *args)
    result.assert_outcomes(failed=1, passed=len(code) - 1)
    out = result.stdout.str()
    assert re.findall(r"FAILED \S*mutated\.ipynb::Cell (\d+)", out) == [str(code.index(target))]
    assert "tensor([ 0.,  4.,  9., 12.])" in out


@pytest.mark.parametrize("path", nb.ALL, ids=nb.rel)
def test_every_recorded_digit_is_compared(path):
    checked = 0
    for i, cell in enumerate(nb.code_cells(nb.read(path)), 1):
        for text in [] if nb.tags(cell) & nb.IGNORE_OUTPUT_TAGS else nb.output_texts(cell):
            clean = nb.sanitize(text)
            exempt = {j for a in ADDRESS.finditer(text) for j in range(a.start(), a.end())}
            for m in re.finditer(r"\d", text):
                if m.start() not in exempt:
                    mutated = (
                        text[: m.start()] + ("2" if m.group() == "1" else "1") + text[m.end() :]
                    )
                    assert nb.sanitize(mutated) != clean, (
                        f"{nb.rel(path)} [{i}]: digit {m.start()} hidden"
                    )
                    checked += 1
    assert checked > 0, f"{nb.rel(path)} records no number at all in a compared output"


def test_a_kernel_that_dies_while_starting_is_started_again():
    from tools import kernel_start

    tries = []

    def start(startup_timeout, kernel_name, stderr, **kwargs):
        tries.append(kernel_name)
        if len(tries) < kernel_start.TRIES:
            stderr.write("zmq.error.ZMQError: Address already in use\n")
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "manager", "client"

    with pytest.warns(kernel_start.KernelRestarted, match="Address already in use") as caught:
        assert kernel_start.retrying(start)(kernel_name="python3", cwd=".") == ("manager", "client")
    assert tries == ["python3"] * kernel_start.TRIES and len(caught) == kernel_start.TRIES - 1


def test_a_kernel_that_never_starts_still_fails_with_its_stderr():
    from tools import kernel_start

    def start(startup_timeout, kernel_name, stderr, **kwargs):
        stderr.write("No module named ipykernel_launcher\n")
        raise RuntimeError("Kernel died before replying to kernel_info")

    with pytest.warns(kernel_start.KernelRestarted), pytest.raises(RuntimeError) as error:
        kernel_start.retrying(start)(kernel_name="python3")
    said = str(error.value)
    assert f"{kernel_start.TRIES} tries" in said and "No module named ipykernel_launcher" in said


def test_nbval_runs_a_notebook_whose_first_kernel_died(pytester, monkeypatch):
    """End to end: a kernelspec whose first kernel exits at once; nbval's run still passes."""
    import json
    import sys

    import nbformat

    spec = pytester.path / "kernels" / "flaky"
    spec.mkdir(parents=True)
    marker = pytester.path / "died-once"
    launcher = spec / "launch.py"
    launcher.write_text(
        "import os, sys\n"
        f"if not os.path.exists({str(marker)!r}):\n"
        f"    open({str(marker)!r}, 'w').close()\n"
        "    sys.exit('zmq.error.ZMQError: Address already in use')\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', '-f', sys.argv[1]])\n"
    )
    argv = [sys.executable, str(launcher), "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "flaky"}))
    monkeypatch.setenv("JUPYTER_PATH", str(pytester.path))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("1 + 1", execution_count=1)]
    notebook.cells[0].outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)
    ]
    nbformat.write(notebook, pytester.path / "tiny.ipynb")
    (pytester.path / "conftest.py").write_text((nb.ROOT / "conftest.py").read_text())
    args = "--nbval --nbval-kernel-name=flaky -p no:xdist -p no:cacheprovider -o addopts=".split()
    result = pytester.runpytest_inprocess(*args, "-W", "default", "tiny.ipynb")
    result.assert_outcomes(passed=1, warnings=1)
    assert marker.exists()
    result.stdout.fnmatch_lines(["*KernelRestarted*Address already in use*"])
