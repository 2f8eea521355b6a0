"""Each workbook check, called as its check cell calls it, accepts its worked solution (cells tagged
`setup` and `answer`); untouched, every check cell says "not attempted"."""

from __future__ import annotations

import linecache
import re

import pytest

from tools.nb import LESSONS, SOLUTIONS, code_cells, read, tagged_source

WORKBOOK = LESSONS[-1]
CALLS = [c.source.strip() for c in code_cells(read(WORKBOOK)) if c.source.startswith("check_ex")]


def run(code: str, name: str, namespace: dict) -> dict:
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)  # for inspect.getsource
    exec(compile(code, name, "exec"), namespace)  # noqa: S102 - our own notebooks
    return namespace


@pytest.mark.parametrize("call", CALLS)
def test_the_worked_solution_passes_its_check(call):
    solution = SOLUTIONS[int(re.match(r"check_ex(\d)\(", call).group(1)) - 1]
    answer = "\n".join(
        ["import math", "import torch"] + [tagged_source(solution, t) for t in ("setup", "answer")]
    )
    namespace = run(tagged_source(WORKBOOK, "checks"), "<checks>", {"In": [answer]})
    feedback = eval(call, run(answer, f"<{solution.name}>", namespace))  # noqa: S307
    assert feedback.ok and feedback.startswith("✓"), feedback


def test_untouched_workbook_says_not_attempted():
    outputs = [c.outputs for c in code_cells(read(WORKBOOK)) if c.source.startswith("check_ex")]
    assert len(outputs) == 9 and all(
        "还没有作答" in out[0]["data"]["text/plain"] for out in outputs
    )
