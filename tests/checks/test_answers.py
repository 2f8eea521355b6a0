"""The checks judged against the student-answer table (tests/checks/answers.py), in each language.

Every row runs in a fresh namespace holding only the checks, as in a fresh kernel; IPython's `In`
history is simulated, since the method checks read the cells' code from it.
"""

from __future__ import annotations

import signal
import time

import pytest

from autograd_checks import messages
from tests.checks.answers import CASES, EN, HANG_LIMIT_S, STARTER, WORKBOOK_PRELUDE, phrase_in
from tests.checks.conftest import notebook, run_code
from tools.editions import CJK

LANGS = messages.languages()


def answer(case, lang: str):
    """The check's feedback on a row, as the workbook gives it after the row's cells ran."""
    name, code, call, _, _ = case
    code = STARTER.get(name.split("-")[0], "") + code  # the starter cell's own first lines
    namespace = notebook(lang, In=["", WORKBOOK_PRELUDE, code, call])
    if "hangs" in name:  # a short limit, so that the row is quick; the default is generous
        namespace["CHECK_TIME_LIMIT"] = HANG_LIMIT_S
    run_code(WORKBOOK_PRELUDE + code, f"<student {name}>", namespace)
    return eval(call, namespace)  # noqa: S307 - the check call, as typed in the workbook


def test_the_table_is_large_and_balanced():
    right = sum(ok for *_, ok, _ in CASES)
    assert len(CASES) >= 60 and right >= 25 and len(CASES) - right >= 30
    assert len({case[0] for case in CASES}) == len(CASES)


def test_every_chinese_phrase_has_an_english_phrase():
    chinese = {phrase for *_, phrase in CASES if CJK.search(phrase)}
    assert chinese == set(EN), chinese ^ set(EN)
    assert not [p for p in EN.values() if CJK.search(p)], "an English phrase holds Chinese"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_student_answer(case, lang):
    name, _, _, ok, phrase = case
    phrase = phrase_in(lang, phrase)
    start = time.monotonic()
    feedback = answer(case, lang)
    assert time.monotonic() - start < 10 * HANG_LIMIT_S + 2, f"{name}: the check took too long"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), f"{name}: an alarm was left armed"
    assert feedback.ok is ok, f"{name}: expected {'accept' if ok else 'reject'}, got: {feedback}"
    assert lang == "zh" or not CJK.search(feedback), (
        f"{name}: Chinese in English feedback: {feedback}"
    )
    assert str(feedback).startswith("✓" if ok else "✗")
    assert phrase in feedback, f"{name}: expected {phrase!r} in: {feedback}"
