"""Each self-check of the workbook accepts the worked solution of its exercise (the solution's
cell tagged `answer`, run as plain Python), and the untouched workbook says "not attempted"."""

from __future__ import annotations

import linecache

import pytest

from tools.nb import LESSONS, SOLUTIONS, code_cells, read, tagged_source

WORKBOOK = LESSONS[-1]
CALLS = {
    1: "check_ex1(second_derivative)",
    2: "check_ex2(ex2_answer)",
    3: "check_ex3(a, ex3_answer)",
    4: "check_ex4(g, g_prime)",
    5: "check_ex5(x, dy_dx)",
    6: "check_ex6(ex6_edges)",
    7: "check_ex7(df_dx)",
    8: "check_ex8(forward_mode, reverse_mode)",
    9: "check_ex9(ex9_answer)",
}


def run(code: str, name: str, namespace: dict) -> dict:
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)  # for inspect.getsource
    exec(compile(code, name, "exec"), namespace)  # noqa: S102 - our own notebooks
    return namespace


@pytest.mark.parametrize("n", CALLS)
def test_the_worked_solution_passes_its_check(n):
    solution = SOLUTIONS[n - 1]
    assert solution.name.startswith(f"2.5.5-ex{n}-")
    namespace = run(tagged_source(WORKBOOK, "checks"), "<checks>", {})
    answer = (
        "import math\nimport torch\n"
        + tagged_source(solution, "setup")
        + "\n"
        + tagged_source(solution, "answer")
    )
    namespace["In"] = [answer]
    feedback = eval(CALLS[n], run(answer, f"<{solution.name}>", namespace))  # noqa: S307
    assert feedback.ok and feedback.startswith("✓"), feedback


def test_untouched_workbook_says_not_attempted():
    outputs = [c.outputs for c in code_cells(read(WORKBOOK)) if c.source.startswith("check_ex")]
    assert len(outputs) == 9
    assert all("还没有作答" in out[0]["data"]["text/plain"] for out in outputs)
