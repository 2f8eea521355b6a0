"""Each check, called as the workbook's check cell calls it, accepts its worked solution (cells tagged
`setup` and `answer`), in each edition; untouched, every check cell of the workbook says "not
attempted"."""

from __future__ import annotations

import linecache
import re

import pytest

from autograd_checks import NUMBERS
from tests.checks.conftest import notebook
from tools.nb import WORKBOOKS, code_cells, read, solutions, tagged_source

NOT_ATTEMPTED = {"zh": "还没有作答", "en": "Not attempted yet"}
CALLS = [
    (lang, c.source.strip())
    for lang, workbook in WORKBOOKS.items()
    for c in code_cells(read(workbook))
    if c.source.startswith("check_ex")
]


def run(code: str, name: str, namespace: dict) -> dict:
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)  # for inspect.getsource
    exec(compile(code, name, "exec"), namespace)  # noqa: S102 - our own notebooks
    return namespace


@pytest.mark.parametrize("lang, call", CALLS, ids=[f"{lang}-{call}" for lang, call in CALLS])
def test_the_worked_solution_passes_its_check(lang, call):
    n = int(re.match(r"check_ex(\d+)\(", call).group(1))
    solution = next(p for p in solutions(lang) if re.match(rf"2\.5\.5-ex0*{n}-", p.name))
    answer = "\n".join(
        ["import math", "import torch"] + [tagged_source(solution, t) for t in ("setup", "answer")]
    )
    namespace = notebook(lang, In=[answer])
    feedback = eval(call, run(answer, f"<{solution.name}>", namespace))  # noqa: S307
    assert feedback.ok and feedback.startswith("✓"), feedback


@pytest.mark.parametrize("lang", list(WORKBOOKS))
def test_untouched_workbook_says_not_attempted(lang):
    cells = code_cells(read(WORKBOOKS[lang]))
    outputs = [c.outputs for c in cells if c.source.startswith("check_ex")]
    assert len(outputs) == len(NUMBERS) and all(
        NOT_ATTEMPTED[lang] in out[0]["data"]["text/plain"] for out in outputs
    )
