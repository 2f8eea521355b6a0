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

from tests.test_student_answers import CASES, HANG_LIMIT_S, STARTER, WORKBOOK, WORKBOOK_PRELUDE
from tools import grade
from tools.editions import CJK
from tools.nb import ROOT, WORKBOOKS, tagged_source

FIXTURES = ROOT / "tests" / "fixtures" / "submissions"
EXPECTED = ROOT / "tests" / "fixtures" / "grade-expected.csv"
CHECKS = tagged_source(WORKBOOK, "checks")  # the Chinese edition's (the English one: the same code)
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


@pytest.fixture(scope="module")
def books() -> dict[str, grade.Workbook]:
    return {lang: grade.Workbook.load(path) for lang, path in grade.workbooks().items()}


def test_the_grader_uses_each_editions_workbook(books):
    assert grade.workbooks() == WORKBOOKS and set(books) == {"zh", "en"}
    for lang, wb in books.items():
        assert wb.language == lang and wb.checks == tagged_source(WORKBOOKS[lang], "checks")
        assert sorted(wb.calls) == list(grade.EXERCISES)
        assert books["zh"].calls == wb.calls  # the same check calls in both editions
        assert not CJK.search("".join(wb.starters.values())) or lang == "zh"


def _title_cell(lang: str) -> dict:
    return json.loads(WORKBOOKS[lang].read_text(encoding="utf-8"))["cells"][0]


def test_editions_are_told_apart_by_their_title_cell():
    for lang in WORKBOOKS:
        assert (
            grade.edition(json.loads(WORKBOOKS[lang].read_text(encoding="utf-8"))["cells"]) == lang
        )
    for path in FIXTURES.glob("*.ipynb"):
        cells, _ = grade.load(path, grade.Limits())
        if cells is not None:
            assert grade.edition(cells) == ("en" if path.name.startswith("english") else "zh"), path
    # the title cell decides, whatever the rest says; without one, the prose does
    zh, en = _title_cell("zh"), _title_cell("en")
    prose = {"cell_type": "markdown", "metadata": {}, "source": "Write your answer below. " * 50}
    assert grade.edition([zh, prose]) == "zh" and grade.edition([prose, en]) == "en"
    old = {**zh, "source": "# 2.5.5 练习 · Exercises\n\nd2l 2.5"}  # before the English edition
    assert grade.edition([old, prose]) == "zh"
    assert grade.edition([prose]) == "en"
    assert grade.edition([{**prose, "source": "请在下面作答。" * 50}]) == "zh"


def test_the_students_checks_are_replaced_and_check_calls_left_out(books):
    for lang, wb in books.items():
        untouched = json.loads(WORKBOOKS[lang].read_text(encoding="utf-8"))["cells"]
        run, numbers, notes = grade.plan(untouched, wb)
        assert wb.checks in run and not notes and not any(r.startswith("check_ex") for r in run)
        edited, _ = grade.load(FIXTURES / "tamper-edited-checks.ipynb", grade.Limits())
        run, numbers, notes = grade.plan(edited, wb)
        assert run.count(wb.checks) == 1 and any("checks cell edited" in n for n in notes)


def test_a_published_checks_cell_of_either_edition_is_not_an_edit(books):
    """The current checks cell of either edition, and the ones in the repository's history (the
    workbook was notebooks/2.5.5-exercises.ipynb before the editions), are not edits."""
    import subprocess

    current = {wb.checks.strip() for wb in books.values()}
    assert current <= grade.published()
    git = ["git", "-C", str(ROOT)]
    moved = subprocess.run([*git, "log", "--format=%H", "-1", "--", grade.OLD_PATHS[0]],
                           capture_output=True, text=True).stdout.split()  # fmt: skip
    if not moved:
        pytest.skip("no history of the workbook's old path (a shallow clone)")
    shown = subprocess.run([*git, "show", f"{moved[0]}~1:{grade.OLD_PATHS[0]}"], capture_output=True, text=True)  # fmt: skip
    cells = json.loads(shown.stdout)["cells"]
    before = next(grade._source(c) for c in cells if "checks" in c["metadata"].get("tags", []))
    assert before.strip() in grade.published() and before.strip() not in current
    for lang, wb in books.items():
        other = books["en" if lang == "zh" else "zh"]
        cells = json.loads(WORKBOOKS[lang].read_text(encoding="utf-8"))["cells"]
        for checks in (other.checks, before):
            swapped = [{**c, "source": checks} if "checks" in c.get("metadata", {}).get("tags", []) else c for c in cells]  # fmt: skip
            assert not grade.plan(swapped, wb)[2], (
                f"{lang}: a published checks cell counted as edited"
            )


def test_notes_and_feedback_speak_the_students_language():
    r = grade.Result("a.ipynb", edition="zh")
    r.notes += [grade.Note("not attempted: ex1", "没有作答：练习 1")]
    r.messages[2] = ["✓ 正确！"]
    zh = grade.feedback(r, "zh")
    assert "没有作答：练习 1" in zh and "not attempted" not in zh and "✗ 没有评分" in zh
    en = grade.feedback(r, "en")
    assert "not attempted: ex1" in en and "✗ not graded" in en


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
    for name in ("english-edition.txt", "english-partly-correct.txt"):  # the English checks' words
        assert not CJK.search(feedback[name]), name
    assert "a hidden test" in feedback["english-partly-correct.txt"]
    assert "Not attempted yet" in feedback["english-partly-correct.txt"]
    assert "没有作答：练习 8" in feedback["bob-partly-correct.txt"]
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
