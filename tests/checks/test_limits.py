"""What the checks promise beyond the student-answer table: a student's function that never finishes
ends the check with one line and leaves no alarm armed; where no timer exists (Windows, another
thread, someone else's timer) the check runs without a limit, as the README says; the remedies a
hint names work when applied. What a student reads (the timeout line, the hints) is tested in each
language."""

from __future__ import annotations

import signal
import threading
import types

import pytest

from autograd_checks import messages, timer
from tests.checks.answers import CASES, WORKBOOK_PRELUDE
from tests.checks.conftest import notebook, run_code

ROWS = {case[0]: case for case in CASES}
each_edition = pytest.mark.parametrize("lang", messages.languages())
# What the feedback says, in each edition
TIMEOUT = {"zh": "{limit} 秒内没有运行完", "en": "did not finish within {limit} seconds"}
EX1_REMEDY = {
    "zh": "先留下 g = x.grad，再设 x.grad = None",
    "en": "keep g = x.grad, then set x.grad = None",
}
SLOW = """
import time
def second_derivative(f, x):
    time.sleep(0.12)
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return torch.autograd.grad(g.sum(), x)[0]
"""


def checks(lang: str = "zh", **overrides) -> dict:
    namespace = notebook(lang, **overrides)
    exec(compile(WORKBOOK_PRELUDE, "<prelude>", "exec"), namespace)  # noqa: S102
    return namespace


def answer(namespace: dict, code: str, call: str):
    """The check's feedback after the student's cell ran (IPython's history holds that cell)."""
    namespace["In"] = ["", WORKBOOK_PRELUDE, code, call]
    run_code(code, f"<student {abs(hash(code))}>", namespace)
    return eval(call, namespace)  # noqa: S307


def test_default_limit_is_generous():
    assert checks()["CHECK_TIME_LIMIT"] >= 10


@each_edition
def test_a_hang_ends_in_one_line_and_the_alarm_is_off_after(lang):
    before = signal.getsignal(signal.SIGALRM)
    namespace = checks(lang, CHECK_TIME_LIMIT=0.2)
    feedback = answer(namespace, ROWS["ex1-hangs"][1], "check_ex1(second_derivative)")
    assert not feedback.ok and TIMEOUT[lang].format(limit=0.2) in feedback and "\n" not in feedback
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    # the next check starts with a fresh budget
    assert answer(namespace, ROWS["ex1-autograd-grad-twice"][1], "check_ex1(second_derivative)").ok


def test_a_slow_answer_passes_within_the_limit():
    namespace = checks(CHECK_TIME_LIMIT=5)
    assert answer(namespace, SLOW, "check_ex1(second_derivative)").ok


def test_without_setitimer_the_check_runs_without_a_limit(monkeypatch):
    """Windows has no signal.setitimer: the check must still work, just without a time limit."""
    no_timer = types.SimpleNamespace(
        **{k: getattr(signal, k) for k in dir(signal) if k != "setitimer"}
    )
    monkeypatch.setattr(timer, "signal", no_timer)
    namespace = checks(CHECK_TIME_LIMIT=0.05)
    assert answer(namespace, SLOW, "check_ex1(second_derivative)").ok


def test_outside_the_main_thread_the_check_runs_without_a_limit():
    namespace = checks(CHECK_TIME_LIMIT=0.05)
    namespace["In"] = ["", WORKBOOK_PRELUDE, SLOW]
    run_code(SLOW, "<student slow>", namespace)
    result = []
    thread = threading.Thread(
        target=lambda: result.append(namespace["check_ex1"](namespace["second_derivative"]))
    )
    thread.start()
    thread.join(30)
    assert result and result[0].ok, result


def test_an_alarm_set_by_someone_else_is_left_alone():
    namespace = checks(CHECK_TIME_LIMIT=0.05)
    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    signal.setitimer(signal.ITIMER_REAL, 60)
    try:
        assert answer(namespace, SLOW, "check_ex1(second_derivative)").ok
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 50
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


LEAF_ROW = ROWS["ex4-in-place-on-the-leaf"][1]
LEAF_REMEDIES = {  # what the leaf-tensor hint tells the student to write instead of `x *= 2`
    "x = x + 1": "x = x * 2",
    "x = x.clone()": "x = x.clone()\n        x *= 2",
}


@each_edition
@pytest.mark.parametrize("remedy", LEAF_REMEDIES)
def test_the_leaf_hint_remedies_work(remedy, lang):
    feedback = answer(checks(lang), LEAF_ROW, "check_ex4(g, g_prime)")
    assert not feedback.ok and remedy in feedback
    fixed = LEAF_ROW.replace("        x *= 2", "        " + LEAF_REMEDIES[remedy])
    assert answer(checks(lang), fixed, "check_ex4(g, g_prime)").ok


def test_the_old_leaf_advice_did_not_help():
    """x = x.detach().requires_grad_(True) makes a new leaf: the in-place update fails the same way."""
    fixed = LEAF_ROW.replace(
        "        x *= 2", "        x = x.detach().requires_grad_(True)\n        x *= 2"
    )
    feedback = answer(checks(), fixed, "check_ex4(g, g_prime)")
    assert not feedback.ok and "leaf Variable" in feedback


@each_edition
@pytest.mark.parametrize("row", ["ex1-grad-not-reset", "ex1-zeroed-first-derivative"])
def test_the_ex1_hint_remedy_works(row, lang):
    """Both ex1 hints say: keep g = x.grad, set x.grad = None, then g.sum().backward()."""
    code = ROWS[row][1]
    feedback = answer(checks(lang), code, "check_ex1(second_derivative)")
    assert not feedback.ok and EX1_REMEDY[lang] in feedback and "g.sum().backward()" in feedback
    body = "    g = x.grad\n    x.grad = None\n    g.sum().backward()\n    return x.grad\n"
    fixed = code[: code.index("    f(x).sum().backward(create_graph=True)\n")]
    fixed += "    f(x).sum().backward(create_graph=True)\n" + body
    assert answer(checks(lang), fixed, "check_ex1(second_derivative)").ok
