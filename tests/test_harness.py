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
