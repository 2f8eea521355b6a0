"""Proof that the nbval harness can fail.

1. End to end: a copy of a real notebook with one recorded digit changed must fail nbval,
   in exactly the changed cell, with the changed number in the report (every other cell
   of the copy passes, so the failure is the mutation and nothing else).
2. For every notebook: no digit of any compared output is hidden by the sanitizer or by an
   ignore tag, so changing any digit of a recorded number is seen by nbval.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbutil import (
    ALL,
    IGNORE_OUTPUT_TAGS,
    ROOT,
    code_cells,
    ids,
    load,
    output_texts,
    rel,
    sanitize,
    tags,
)

DIGIT = re.compile(r"\d")
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")  # object addresses: sanitized on purpose


def _mutate(text: str, pos: int) -> str:
    d = text[pos]
    return text[:pos] + ("1" if d != "1" else "2") + text[pos + 1 :]


def test_changed_digit_fails_nbval(pytester):
    src = ROOT / "notebooks" / "2.5.1-a-simple-example.ipynb"
    nb = nbformat.read(src, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    target = next(c for c in code if "backward()\nx.grad" in c.source)
    plain = target.outputs[0]["data"]["text/plain"]
    assert plain == "tensor([ 0.,  4.,  8., 12.])"
    target.outputs[0]["data"]["text/plain"] = plain.replace("8.", "9.")
    nbformat.write(nb, pytester.path / "mutated.ipynb")
    # nbval exactly as `make test` runs it (strict, same sanitizer and plugin), in-process.
    result = pytester.runpytest_inprocess(
        "-p",
        "nbval_config",
        "--nbval",
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        f"--nbval-sanitize-with={ROOT / 'tests' / 'sanitize.cfg'}",
        "mutated.ipynb",
    )
    result.assert_outcomes(failed=1, passed=len(code) - 1)
    out = result.stdout.str()
    assert re.findall(r"FAILED \S*mutated\.ipynb::Cell (\d+)", out) == [str(code.index(target))], (
        out
    )
    assert "tensor([ 0.,  4.,  9., 12.])" in out


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_every_recorded_digit_is_compared(path):
    checked = 0
    for i, cell in enumerate(code_cells(load(path)), 1):
        if tags(cell) & IGNORE_OUTPUT_TAGS:
            continue
        for text in output_texts(cell):
            clean = sanitize(text)
            exempt = {j for a in ADDRESS.finditer(text) for j in range(a.start(), a.end())}
            for m in DIGIT.finditer(text):
                if m.start() in exempt:
                    continue
                assert sanitize(_mutate(text, m.start())) != clean, (
                    f"{rel(path)} cell [{i}]: changing digit {m.start()} of {text!r} would not be noticed"
                )
                checked += 1
    assert checked > 0, f"{rel(path)} records no number at all in a compared output"
