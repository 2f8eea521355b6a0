"""The teacher's grader (tools/grade.py, issue 17).

Fast, in `make test`: the grader's verdict function agrees with the workbook's checks on every row of
the student-answer table (a student who sees ✓ gets the point, and the reverse; correct rows also
pass the hidden variants); broken files, editions and rearranged notebooks are recognised.
`make test-grade` (GRADE_CLASS=1): the fixture class graded end to end, one sandboxed kernel each,
against tests/fixtures/grade-expected.csv, and nothing outside a submission's folder changed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import linecache
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.test_student_answers import CASES, HANG_LIMIT_S, STARTER, WORKBOOK_PRELUDE
from tools import grade
from tools.nb import LESSONS, ROOT, tagged_source

FIXTURES = ROOT / "tests" / "fixtures" / "submissions"
EXPECTED = ROOT / "tests" / "fixtures" / "grade-expected.csv"
CHECKS = tagged_source(LESSONS[-1], "checks")
# Rows that depend on what the OS lets the grader enforce (expected: Linux as root, as in CI).
ISOLATION = {"snoop-siblings-and-repo.ipynb", "abuse-fork-storm.ipynb"}
COLUMN = {name: i for i, name in enumerate(grade.COLUMNS)}


@pytest.fixture(scope="module")
def kernel_side() -> dict:
    namespace = {"TASK": {}}
    exec(compile(grade.KERNEL_SOURCE, "<grader>", "exec"), namespace)  # noqa: S102 - our own file
    return namespace


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_the_grader_agrees_with_the_workbook(case, kernel_side):
    name, code, call, ok, _ = case
    user: dict = {}
    exec(kernel_side["COMPILED"].get(CHECKS) or compile(CHECKS, "<checks>", "exec"), user)  # noqa: S102
    code = STARTER.get(name.split("-")[0], "") + code
    source, filename = WORKBOOK_PRELUDE + code, f"<student {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), user)  # noqa: S102 - the table's answer
    n = int(re.match(r"check_ex(\d)", call).group(1))
    limit = HANG_LIMIT_S if "hangs" in name else None  # as the table does, to stay quick
    result = kernel_side["judge"](CHECKS, call, n, user, ["", WORKBOOK_PRELUDE, code], limit)
    assert result["ok"] is ok, (
        f"{name}: the workbook's check, run by the grader: {result['message']}"
    )
    assert result.get("hidden_ok", True) is True, (
        f"{name}: hidden variant: {result['hidden_message']}"
    )
    assert not result["changed_in_checks"]


@pytest.mark.parametrize(
    "name, note",
    [("broken-empty.ipynb", "empty file"), ("broken-html-saved-as.ipynb", "not a notebook (not JSON)"),
     ("broken-truncated.ipynb", "not a notebook (not JSON)"), ("broken-huge.ipynb", "file too large"),
     ("broken-json-not-a-notebook.ipynb", "not a notebook (JSON without cells)")],
)  # fmt: skip
def test_broken_files_are_named_not_opened(name, note):
    cells, why = grade.load(FIXTURES / name, grade.Limits())
    assert cells is None and why.startswith(note)


def test_editions_are_told_apart_by_their_prose():
    books = grade.workbooks()
    assert books["zh"] == LESSONS[-1] or "zh" in books
    for path in FIXTURES.glob("*.ipynb"):
        cells, _ = grade.load(path, grade.Limits())
        if cells is not None:
            assert grade.language(cells) == ("en" if path.name.startswith("english") else "zh"), (
                path
            )


def test_the_students_checks_are_replaced_and_check_calls_left_out():
    wb = grade.Workbook.load(LESSONS[-1])
    untouched = json.loads(LESSONS[-1].read_text(encoding="utf-8"))["cells"]
    run, numbers, notes = grade.plan(untouched, wb)
    assert CHECKS in run and not notes and not any(r.startswith("check_ex") for r in run)
    edited, _ = grade.load(FIXTURES / "tamper-edited-checks.ipynb", grade.Limits())
    run, numbers, notes = grade.plan(edited, wb)
    assert run.count(wb.checks) == 1 and any("checks cell edited" in n for n in notes)


# ---------------------------------------------------------------- the class, end to end
pytestmark_class = pytest.mark.skipif(
    not os.environ.get("GRADE_CLASS"), reason="make test-grade: one sandboxed kernel per fixture"
)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The fixture folder graded once (in place where the sandbox hides it from the students)."""
    mode = grade.sandbox_mode()
    folder = FIXTURES
    if mode != "root":  # the snoop would reach your files: grade a copy without it
        folder = tmp_path_factory.mktemp("class")
        for p in FIXTURES.glob("*.ipynb"):
            if p.name not in ISOLATION:
                shutil.copy(p, folder / p.name)
    out = tmp_path_factory.mktemp("grades")
    before = _digest(FIXTURES)
    assert grade.main([str(folder), "--out", str(out), "--cell-timeout", "3"]) == 0
    return mode, out, before


@pytestmark_class
def test_the_gradebook_is_what_a_careful_teacher_gives(graded):
    mode, out, _ = graded
    rows = list(csv.reader((out / "gradebook.csv").open(encoding="utf-8")))
    expected = list(csv.reader(EXPECTED.open(encoding="utf-8")))
    if mode != "root":
        expected = [r for r in expected if r[0] not in ISOLATION]
    assert rows[0] == expected[0] == grade.COLUMNS
    assert {r[0]: r for r in rows[1:]} == {r[0]: r for r in expected[1:]}


@pytestmark_class
def test_feedback_per_student_in_their_language(graded):
    _, out, _ = graded
    feedback = {p.name: p.read_text(encoding="utf-8") for p in (out / "feedback").iterdir()}
    assert len(feedback) == len(list(csv.reader((out / "gradebook.csv").open()))) - 1
    assert "Score: 9/9" in feedback["english-edition.txt"]
    assert "得分: 5/9" in feedback["erin-tuned-to-visible.txt"] and "隐藏测试" in feedback["erin-tuned-to-visible.txt"]  # fmt: skip
    assert "✓ 正确" in feedback["alice-all-correct.txt"]


@pytestmark_class
def test_nothing_outside_a_submission_changed(graded):
    mode, out, before = graded
    assert _digest(FIXTURES) == before, "a submission changed the fixture folder"
    assert not list(ROOT.rglob("PWNED")), "a submission wrote into the repository"
    tracked = [p for p in ROOT.glob("*/*.ipynb")] + list(FIXTURES.glob("*.ipynb"))
    assert not [p for p in tracked if p.read_bytes().endswith(b"\n ")], "a notebook was appended to"
    if mode == "root":  # the snoop found nothing to read or write and had no network
        snoop = next(
            r for r in csv.reader((out / "gradebook.csv").open()) if r[0].startswith("snoop")
        )
        assert snoop[COLUMN["ex6"]] == snoop[COLUMN["ex9"]] == "0"
