"""The checks judged against the student-answer table (tests/checks/answers.py): each row in the
languages tests/test_grade.py does not check it in (there, the grader's judge is compared with it).

Every row runs in a fresh namespace holding only the checks, as in a fresh kernel; IPython's `In`
history is simulated, since the method checks read the cells' code from it.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.checks.answers import (
    CASES,
    EN,
    HANG_LIMIT_S,
    JUDGED,
    LANGS,
    LOCAL,
    STARTER,
    WORKBOOK_PRELUDE,
    assert_feedback,
)
from tests.checks.conftest import notebook, run_code
from tools.editions import CJK


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


def test_every_row_is_checked_in_every_language_once():
    pairs = [(case[0], lang) for case, lang in JUDGED + LOCAL]
    assert sorted(pairs) == sorted((case[0], lang) for case in CASES for lang in LANGS)


# On another stack (tools/stacks.py), whose run has no grader test, every row runs here.
ROWS = LOCAL + (JUDGED if os.environ.get("STACK") else [])


@pytest.mark.parametrize("case, lang", ROWS, ids=[f"{c[0]}-{lang}" for c, lang in ROWS])
def test_student_answer(case, lang):
    """Each row in the languages tests/test_grade.py does not check it in (on a stack, in all)."""
    start = time.monotonic()
    feedback = answer(case, lang)
    assert_feedback(case, lang, feedback, time.monotonic() - start)
