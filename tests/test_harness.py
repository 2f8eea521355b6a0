"""Proof that the nbval harness can fail.

1. End to end: a copy of a real notebook with one recorded digit changed fails nbval, in exactly
   that cell (every other cell of the copy passes), with the changed number in the report.
2. For every notebook: no digit of a compared output is hidden by the sanitizer or an ignore
   tag, so changing any digit of any recorded number is noticed.
"""

from __future__ import annotations

import re

import pytest

from tools.nb import (
    ALL,
    IGNORE_OUTPUT_TAGS,
    LESSONS,
    ROOT,
    SANITIZER,
    code_cells,
    ids,
    output_texts,
    read,
    rel,
    sanitize,
    tags,
)

ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")  # object addresses are sanitized on purpose


def test_changed_digit_fails_nbval(pytester):
    import nbformat

    nb = read(LESSONS[0])
    code = code_cells(nb)
    target = next(c for c in code if c.source.startswith("y.backward()\nx.grad"))
    assert target.outputs[0]["data"]["text/plain"] == "tensor([ 0.,  4.,  8., 12.])"
    target.outputs[0]["data"]["text/plain"] = "tensor([ 0.,  4.,  9., 12.])"
    nbformat.write(nb, pytester.path / "mutated.ipynb")
    (pytester.path / "conftest.py").write_text((ROOT / "conftest.py").read_text())
    result = pytester.runpytest_inprocess(
        "--nbval",
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        f"--nbval-sanitize-with={SANITIZER}",
        "mutated.ipynb",
    )  # nbval exactly as `make test` runs it: strict, same sanitizer and hooks
    result.assert_outcomes(failed=1, passed=len(code) - 1)
    out = result.stdout.str()
    assert re.findall(r"FAILED \S*mutated\.ipynb::Cell (\d+)", out) == [str(code.index(target))], (
        out
    )
    assert "tensor([ 0.,  4.,  9., 12.])" in out


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_every_recorded_digit_is_compared(path):
    checked = 0
    for i, cell in enumerate(code_cells(read(path)), 1):
        if tags(cell) & IGNORE_OUTPUT_TAGS:
            continue
        for text in output_texts(cell):
            clean = sanitize(text)
            exempt = {j for a in ADDRESS.finditer(text) for j in range(a.start(), a.end())}
            for m in re.finditer(r"\d", text):
                if m.start() not in exempt:
                    mutated = (
                        text[: m.start()] + ("2" if m.group() == "1" else "1") + text[m.end() :]
                    )
                    assert sanitize(mutated) != clean, (
                        f"{rel(path)} [{i}]: digit {m.start()} of {text!r} is not compared"
                    )
                    checked += 1
    assert checked > 0, f"{rel(path)} records no number at all in a compared output"
