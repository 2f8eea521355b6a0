"""What the workbook's checks promise beyond the student-answer table: a student's function that
never finishes ends the check with one line and leaves no alarm armed; where no timer exists the
check runs without a limit, as the checks' comments and the workbook say; the remedies a hint names
work when applied; each exercise that needs the extension links a heading the extension has. What a
student reads (the timeout line, the hints, the links) is tested in each edition."""

from __future__ import annotations

import json
import re
import signal
import threading
import types

import pytest

from tests.test_student_answers import CASES, WORKBOOK_PRELUDE
from tools import editions as ed
from tools.nb import WORKBOOKS, tagged_source

EXTENSION = "2.5.4x-extension-computation-graphs-and-backprop.ipynb"  # next to each workbook
ROWS = {case[0]: case for case in CASES}
each_edition = pytest.mark.parametrize("lang", list(WORKBOOKS))
# What the feedback says, in each edition
TIMEOUT = {"zh": "{limit} 秒内没有运行完", "en": "did not finish within {limit} seconds"}
EX1_REMEDY = {
    "zh": "先留下 g = x.grad，再设 x.grad = None",
    "en": "keep g = x.grad, then set x.grad = None",
}
SUMMARY = {"zh": "## 小结 · Summary", "en": "## Summary · 小结"}
EXERCISE_HEADING = {"zh": r"^#+ 练习 (\d)", "en": r"^#+ Exercise (\d)"}
SLOW = """
import time
def second_derivative(f, x):
    time.sleep(0.5)
    return 6 * x if f(torch.tensor(2.0)) == 8 else -torch.sin(x)
"""


def checks(lang: str = "zh", **overrides) -> dict:
    namespace: dict = {}
    code = compile(tagged_source(WORKBOOKS[lang], "checks"), "<workbook checks>", "exec")
    exec(code, namespace)  # noqa: S102
    namespace.update(overrides)
    exec(compile(WORKBOOK_PRELUDE, "<prelude>", "exec"), namespace)  # noqa: S102
    return namespace


def answer(namespace: dict, code: str, call: str):
    exec(compile(code, "<student>", "exec"), namespace)  # noqa: S102
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


def test_without_setitimer_the_check_runs_without_a_limit():
    """Windows has no signal.setitimer: the check must still work, just without a time limit."""
    no_timer = types.SimpleNamespace(
        **{k: getattr(signal, k) for k in dir(signal) if k != "setitimer"}
    )
    namespace = checks(CHECK_TIME_LIMIT=0.1, signal=no_timer)
    assert answer(namespace, SLOW, "check_ex1(second_derivative)").ok


def test_outside_the_main_thread_the_check_runs_without_a_limit():
    namespace = checks(CHECK_TIME_LIMIT=0.1)
    exec(compile(SLOW, "<student>", "exec"), namespace)  # noqa: S102
    result = []
    thread = threading.Thread(
        target=lambda: result.append(namespace["check_ex1"](namespace["second_derivative"]))
    )
    thread.start()
    thread.join(30)
    assert result and result[0].ok, result


def test_an_alarm_set_by_someone_else_is_left_alone():
    namespace = checks(CHECK_TIME_LIMIT=0.1)
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


def _jupyterlab_anchor(heading: str) -> str:
    """JupyterLab's id for a rendered heading: its text, spaces replaced by '-'."""
    return heading.replace("`", "").replace("**", "").replace(" ", "-")


@each_edition
def test_exercises_name_and_link_the_extension_parts_they_need(lang):
    """Each exercise that needs a part of the extension links it. A Chinese link carries the part's
    heading as its anchor. An English link cannot: the English twin's headings end in their Chinese
    half, and English prose holds no Chinese (tests/test_editions.py), so an English link without an
    anchor names the part by the English half of its heading."""
    workbook_path = WORKBOOKS[lang]
    extension_path = workbook_path.parent / EXTENSION
    if not extension_path.exists():
        pytest.skip(f"{extension_path.name} has no {lang} edition yet: nothing to link to")
    extension = json.loads(extension_path.read_text(encoding="utf-8"))
    headings = [
        line.lstrip("#").strip()
        for cell in extension["cells"]
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("#")
    ]
    anchors = {_jupyterlab_anchor(h): h for h in headings}
    english_halves = {ed.heading_halves(h.replace("`", ""))[0] for h in headings}
    workbook = json.loads(workbook_path.read_text(encoding="utf-8"))
    prose = "\n".join(
        "".join(c["source"]) for c in workbook["cells"] if c["cell_type"] == "markdown"
    )
    prose = prose.split(SUMMARY[lang])[0]  # the navigation links after the exercises name no part
    parts = re.split(EXERCISE_HEADING[lang], prose, flags=re.M)
    needing = set()
    for number, text in zip(parts[1::2], parts[2::2]):
        for label, target in re.findall(
            r"\[([^\]]+)\]\(" + re.escape(EXTENSION) + r"(?:#([^)\s]+(?:\([^)]*\))?[^)\s]*))?\)",
            text,
        ):
            if target:
                assert target in anchors, (
                    f"exercise {number} links a heading the extension lacks: {target}"
                )
                assert anchors[target].startswith(label), (label, anchors[target])
            else:
                assert lang == "en", f"exercise {number}: link {label!r} has no anchor"
                assert label.replace("`", "") in english_halves, (
                    f"exercise {number}: {label!r} is not the English half of an extension heading"
                )
            needing.add(number)
    assert needing >= {"1", "2", "6", "7", "8", "9"}, needing
