"""The teacher's grader (grader/).

Fast, in `make test`: the judge, through the agent and the wire but without a kernel (a loopback in
this process), gives the workbook's own feedback on every row of the answer table (each row in one language, the
languages taking turns, the workbook's feedback there held to the row as tests/checks/test_answers.py
holds it in the others), and every correct row passes its hidden variant; a malformed or forged reply is at most a wrong
answer, never a crash or a pass; every malformed file is a row with a note; names are safe in the
CSV and as file names; editions are told apart; the README's limits are the code's.

`make test-grade` (GRADE_CLASS=1): the fixture class (tests/fixtures/submissions) and the oddities
below, graded end to end, one sandboxed kernel each, against tests/fixtures/grade-expected.csv;
nothing outside a submission's folder changed, the teacher's System V segment untouched, and the
grader's own memory bounded.
"""

from __future__ import annotations

import base64
import csv
import ctypes
import hashlib
import json
import os
import random
import re
import resource
import shutil
import sys
import time
from pathlib import Path

import pytest

from autograd_checks import NUMBERS, check_function, core, exercise, messages
from grader import cli, gradebook, judge, submission, wire
from grader.agent import Agent
from grader.limits import Limits
from grader.notes import Note
from tests.checks.answers import (
    HANG_LIMIT_S,
    JUDGED,
    LANGS,
    STARTER,
    WORKBOOK_PRELUDE,
    assert_feedback,
)
from tests.checks.conftest import notebook, run_code, torch_func_warmed_up  # noqa: F401 - autouse
from tools.editions import CJK
from tools.nb import ROOT, WORKBOOKS

FIXTURES = ROOT / "tests" / "fixtures" / "submissions"
EXPECTED = ROOT / "tests" / "fixtures" / "grade-expected.csv"
# Rows that depend on what the OS lets the grader enforce (expected: Linux as root, as in CI).
ISOLATION = {"snoop-siblings-and-repo.ipynb", "abuse-fork-storm.ipynb", "snoop-ipc.ipynb",
             "snoop-world-writable.ipynb"}  # fmt: skip
COLUMN = {name: i for i, name in enumerate(gradebook.COLUMNS)}


class Loopback:
    """The student's kernel without a kernel: the agent on a namespace of this process, reached
    through the same JSON and base64 as over the wire."""

    gone = False

    def __init__(self, namespace, forge=None):
        self.agent, self.forge = Agent(namespace), forge

    def request(self, payload, timeout):
        self.agent.handle(json.dumps(payload))
        reply = self.agent.reply if self.forge is None else self.forge(payload)
        return wire.parse(repr(reply))


def judged(namespace, cells, n, lang, limit=10.0, seed=None, forge=None, args=None):
    """The judge's verdict on exercise n (and its hidden variant, if a seed is given), the check
    called with `args` (the expressions of the student's check call; default: the workbook's)."""
    remote = wire.Remote(Loopback(namespace, forge), cells)
    texts = messages.texts(lang)
    names = args if args is not None else submission.Workbook.load(WORKBOOKS[lang], lang).calls[n]
    with core.using(core.Session(texts, remote, limit)):
        answers = [remote.variable(a) for a in names]
    feedback = core.run(check_function(exercise(n)), core.Session(texts, remote, limit), answers)
    if seed is None:
        return feedback
    hidden = core.run(exercise(n).hidden, core.Session(texts, remote, limit), [random.Random(seed), *answers])  # fmt: skip
    return feedback, hidden


def _number(call: str) -> int:
    return int(re.match(r"check_ex(\d+)", call).group(1))


# Each row once, the languages taking turns (tests/checks/test_answers.py checks it in the others):
# the judge's code is the same for every language, and each language meets every exercise.
ROWS = JUDGED


@pytest.mark.parametrize("case, lang", ROWS, ids=[f"{c[0]}-{lang}" for c, lang in ROWS])
def test_the_judge_gives_the_workbooks_feedback(case, lang):
    """The workbook's feedback on the row is right (as tests/checks/test_answers.py requires in the
    other languages), and the judge, making the row's own check call, gives the same."""
    name, code, call, ok, _ = case
    code = STARTER.get(name.split("-")[0], "") + code
    limit = HANG_LIMIT_S if "hangs" in name else 10.0
    student = notebook(lang, In=["", WORKBOOK_PRELUDE, code, call], CHECK_TIME_LIMIT=limit)
    run_code(WORKBOOK_PRELUDE + code, f"<student {name}>", student)
    start = time.monotonic()
    workbook = eval(call, student)  # noqa: S307 - the workbook's own check call
    assert_feedback(case, lang, workbook, time.monotonic() - start)
    kernel: dict = {}  # what the student's kernel holds in the grader: their code, no checks
    run_code(WORKBOOK_PRELUDE + code, f"<kernel {name}>", kernel)
    ((n, args),) = submission._calls(call)
    cells = ["", WORKBOOK_PRELUDE, code]
    found = judged(kernel, cells, n, lang, limit, seed=None, args=args)
    assert str(found) == str(workbook) and found.ok is ok, f"{name}: {found} vs {workbook}"
    if ok and hasattr(exercise(n), "hidden"):
        _, hidden = judged(kernel, cells, n, lang, limit, seed=name, args=args)
        assert hidden.ok, f"{name}: hidden variant: {hidden}"


def test_every_exercise_is_judged_in_every_language():
    judged_in = {(_number(case[2]), lang) for case, lang in ROWS}
    assert judged_in == {(n, lang) for n in NUMBERS for lang in LANGS}


def _b64(reply) -> str:
    return base64.b64encode(json.dumps(reply).encode()).decode()


FORGERIES = {
    "not base64": lambda p: "not base64!",
    "not JSON": lambda p: base64.b64encode(b"{").decode(),
    "nested 100,000 deep": lambda p: base64.b64encode(b"[" * 100_000 + b"]" * 100_000).decode(),
    "a list": lambda p: base64.b64encode(b"[1, 2]").decode(),
    "an unknown kind": lambda p: base64.b64encode(b'{"value": {"t": "pickle"}}').decode(),
    "a tensor of the wrong shape": lambda p: _b64(
        {
            "value": {
                "t": "tensor",
                "dtype": "torch.float64",
                "shape": [4],
                "packed": {"format": "d", "b64": base64.b64encode(bytes(16)).decode()},
            }
        }
    ),  # fmt: skip
    "packed numbers that are not base64": lambda p: _b64(
        {
            "value": {
                "t": "tensor",
                "dtype": "torch.float32",
                "shape": [2],
                "packed": {"format": "d", "b64": "!!"},
            }
        }
    ),  # fmt: skip
    "a format of its own": lambda p: _b64(
        {
            "value": {
                "t": "ndarray",
                "dtype": "float64",
                "shape": [1],
                "packed": {"format": "O", "b64": ""},
            }
        }
    ),  # fmt: skip
    "a negative shape": lambda p: base64.b64encode(
        b'{"value": {"t": "tensor", "dtype": "torch.float64", "shape": [-1], "data": []}}'
    ).decode(),  # fmt: skip
    "a huge number": lambda p: base64.b64encode(
        b'{"value": {"t": "int", "v": ' + b"9" * 5000 + b"}}"
    ).decode(),  # fmt: skip
    "an error named oddly": lambda p: base64.b64encode(
        b'{"error": {"type": "1; import os", "message": 3}}'
    ).decode(),  # fmt: skip
    "an agent error": lambda p: base64.b64encode(b'{"agent_error": "broken"}').decode(),
}


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("n", [1, 4, 6, 9])
def test_a_forged_reply_is_at_most_a_wrong_answer(forgery, n):
    kernel = run_code(WORKBOOK_PRELUDE, "<kernel>", {})
    try:
        feedback = judged(kernel, ["", WORKBOOK_PRELUDE], n, "en", forge=FORGERIES[forgery])
    except wire.ReplyError:
        return  # the answers themselves were unreadable: the judge notes the exercise as such
    assert isinstance(feedback, core.Feedback) and not feedback.ok


def test_parse_raises_only_reply_errors():
    rng = random.Random(0)
    for _ in range(300):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
        for text in (repr(base64.b64encode(junk).decode()), repr(junk.decode("latin-1")), junk.decode("latin-1")):  # fmt: skip
            try:
                wire.parse(text)
            except wire.ReplyError:
                pass


# ---------------------------------------------------------------- files, names, editions
def _alice() -> dict:
    return json.loads((FIXTURES / "alice-all-correct.ipynb").read_text(encoding="utf-8"))


def _malformed(folder: Path) -> dict[str, object]:
    """Each kind of file that must become a row with a note (or be graded despite its oddity)."""
    nb = _alice()
    number, metadata_list, surrogate = json.loads(json.dumps(nb)), json.loads(json.dumps(nb)), json.dumps(nb)  # fmt: skip
    number["cells"][1]["source"] = ["import torch\n", 3]
    metadata_list["cells"][1]["metadata"] = ["tags"]
    surrogate = surrogate.replace('"ex9_answer = ', '"\\ud800\\nex9_answer = ', 1)
    files = {
        "malformed-source-number.ipynb": json.dumps(number),
        "malformed-metadata-list.ipynb": json.dumps(metadata_list),
        "malformed-deep.ipynb": "[" * 100_000 + "]" * 100_000,
        "malformed-surrogate.ipynb": surrogate,
        "malformed-not-utf8.ipynb": b'{"cells": [{"cell_type": "code", "source": "\xff\xfe"}]}',
    }
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    os.mkfifo(folder / "a-pipe.ipynb")
    (folder / "a-folder.ipynb").mkdir()
    shutil.copy(FIXTURES / "alice-all-correct.ipynb", folder / "carol-copied-alice.ipynb")
    (folder / "dave-links-to-carol.ipynb").symlink_to(folder / "carol-copied-alice.ipynb")
    shutil.copy(FIXTURES / "bob-partly-correct.ipynb", folder / "=HYPERLINK(a).ipynb")
    gbk = os.fsdecode("作业-菲菲".encode("gbk") + b".ipynb")  # a Windows zip's file name
    shutil.copy(FIXTURES / "alice-all-correct.ipynb", folder / gbk)
    return files


def test_every_malformed_file_is_read_without_raising(tmp_path):
    _malformed(tmp_path)
    found = {}
    for path in sorted(tmp_path.iterdir()):
        cells, notes = submission.read(path, Limits())
        found[submission.display_name(path)[0]] = (cells is not None, [n.key for n in notes])
    assert found["malformed-source-number.ipynb"] == (True, ["malformed_cells"])
    assert found["malformed-metadata-list.ipynb"] == (True, [])
    assert found["malformed-deep.ipynb"] == (False, ["no_cells"]) or found["malformed-deep.ipynb"] == (False, ["not_json"])  # fmt: skip
    assert found["malformed-surrogate.ipynb"] == (True, [])
    assert found["malformed-not-utf8.ipynb"] == (False, ["not_json"])
    assert found["a-pipe.ipynb"] == found["a-folder.ipynb"] == (False, ["not_a_file"])
    assert found["dave-links-to-carol.ipynb"] == (False, ["symlink"])
    assert found["作业-菲菲.ipynb"] == (True, [])
    cells, _ = submission.read(tmp_path / "malformed-surrogate.ipynb", Limits())
    assert any("\ud800" not in c.source and c.source.startswith("?\nex9_answer") for c in cells)


def test_a_windows_zips_file_name_is_read_as_gbk(tmp_path):
    path = tmp_path / os.fsdecode("作业.ipynb".encode("gbk"))
    path.write_text("{}")
    name, note = submission.display_name(path)
    assert name == "作业.ipynb" and note.key == "name_not_utf8"
    odd = tmp_path / os.fsdecode(b"\xff\xfe\xfd.ipynb")
    assert submission.display_name(odd)[0] == "\\xff\\xfe\\xfd.ipynb"


def test_the_gradebook_quotes_names_and_notes_as_text(tmp_path):
    results = [judge.Result(name) for name in ("=cmd|'/C calc'!A0.ipynb", "+1.ipynb", "-x.ipynb", "@x.ipynb", "a/../b.ipynb", "ok.ipynb", "OK.ipynb", "\ud800.ipynb")]  # fmt: skip
    results[0].notes.append(Note("grader_error", what="=1+1"))
    gradebook.write(results, tmp_path)
    rows = list(csv.reader((tmp_path / "gradebook.csv").open(encoding="utf-8")))
    assert rows[0] == gradebook.COLUMNS
    for row in rows[1:]:
        assert not re.match(r"[=+\-@]", row[0]) and not re.match(r"[=+\-@]", row[-1]), row
    names = sorted(p.name for p in (tmp_path / "feedback").iterdir())
    assert len(names) == len(results) and all("/" not in n and not n.startswith(".") for n in names)


def test_editions_are_told_apart_by_their_title_cell():
    for lang, path in WORKBOOKS.items():
        cells, _ = submission.read(path, Limits())
        assert submission.edition(cells) == lang
    for path in FIXTURES.glob("*.ipynb"):
        cells, _ = submission.read(path, Limits())
        if cells is not None:
            assert submission.edition(cells) == ("en" if path.name.startswith("english") else "zh"), path  # fmt: skip
    md = lambda text: submission.Cell("markdown", text)  # noqa: E731
    prose = md("Write your answer below. " * 50)
    assert submission.edition([md("# 2.5.5 练习 · Exercises\n\nd2l 2.5"), prose]) == "zh"
    assert (
        submission.edition([md("# 2.5.5 Exercises · 练习\n\n**中文版：** [x](y)"), prose]) == "en"
    )
    assert submission.edition([prose]) == "en"
    assert submission.edition([md("请在下面作答。" * 50)]) == "zh"


@pytest.fixture(scope="module")
def books() -> dict[str, submission.Workbook]:
    return {lang: submission.Workbook.load(path, lang) for lang, path in WORKBOOKS.items()}


def test_each_editions_workbook_gives_every_exercise_its_call(books):
    for lang, wb in books.items():
        assert sorted(wb.calls) == list(NUMBERS) and wb.calls == books["zh"].calls
        assert not CJK.search("".join(wb.starters.values())) or lang == "zh"


def test_each_check_cell_becomes_its_exercises_check_in_place(books):
    """The checks cell is replaced by stand-ins; each check cell is its exercise's check, right
    there, with the student's own call; an exercise without one is checked at the end."""
    for lang, wb in books.items():
        cells, _ = submission.read(WORKBOOKS[lang], Limits())
        steps, notes = submission.plan(cells, wb, judge.STAND_INS)
        sources = [s.source for s in steps if s.kind == "cell"]
        assert sources.count(judge.STAND_INS) == 1 and not notes
        assert not any(r.startswith("check_ex") or "_load_checks" in r for r in sources)
        checks = [(s.number, s.args) for s in steps if s.kind == "check"]
        assert checks == [(n, wb.calls[n]) for n in NUMBERS]  # in the workbook's order
        starter = next(i for i, s in enumerate(steps) if s.source == wb.starters[5])
        assert steps[starter + 1] == submission.Step("check", 5, args=["x", "dy_dx"])
    cells, _ = submission.read(WORKBOOKS["en"], Limits())
    own = [submission.Cell("code", "check_ex5(x, x.grad)") if c.source.startswith("check_ex5") else c for c in cells if not c.source.startswith("check_ex9")]  # fmt: skip
    steps, _ = submission.plan(own, books["en"], judge.STAND_INS)
    assert submission.Step("check", 5, args=["x", "x.grad"]) in steps
    assert steps[-1] == submission.Step("check", 9, args=["ex9_answer"])  # its cell is gone
    edited, _ = submission.read(FIXTURES / "tamper-edited-checks.ipynb", Limits())
    steps, notes = submission.plan(edited, books["zh"], judge.STAND_INS)
    assert [s.source for s in steps].count(judge.STAND_INS) == 1 and Note("checks_edited") in notes


def test_a_published_checks_cell_of_either_edition_is_not_an_edit(books):
    """The current checks cell of either edition, and those in the repository's history (the
    workbook was notebooks/2.5.5-exercises.ipynb before the editions), are not edits."""
    import subprocess

    git = ["git", "-C", str(ROOT)]
    moved = subprocess.run([*git, "log", "--format=%H", "-1", "--", submission.OLD_PATHS[0]],
                           capture_output=True, text=True).stdout.split()  # fmt: skip
    if not moved:
        pytest.skip("no history of the workbook's old path (a shallow clone)")
    shown = subprocess.run([*git, "show", f"{moved[0]}~1:{submission.OLD_PATHS[0]}"], capture_output=True, text=True)  # fmt: skip
    before = next(c.source for c in submission._cells(shown.stdout) if "checks" in c.tags)
    assert before.strip() in submission.published()
    for lang, wb in books.items():
        cells, _ = submission.read(WORKBOOKS[lang], Limits())
        other = next(c.source for c in submission.read(WORKBOOKS["en" if lang == "zh" else "zh"], Limits())[0] if "checks" in c.tags)  # fmt: skip
        for checks in (other, before):
            swapped = [submission.Cell(c.kind, checks, c.tags) if "checks" in c.tags else c for c in cells]  # fmt: skip
            assert not submission.plan(swapped, wb, judge.STAND_INS)[1], (
                f"{lang}: counted as edited"
            )


def test_notes_and_feedback_speak_the_students_language():
    r = judge.Result("a.ipynb", edition="zh")
    r.notes += [Note("not_attempted", exercises=[Note("exercise_n", n=1), Note("exercise_n", n=3)])]
    r.messages[2] = ["✓ 正确！"]
    zh = gradebook.feedback(r, "zh")
    assert "没有作答：练习 1、练习 3" in zh and "not attempted" not in zh and "✗ 没有评分" in zh
    en = gradebook.feedback(r, "en")
    assert "not attempted: ex1, ex3" in en and "✗ not graded" in en and not CJK.search(en.replace("✓ 正确！", ""))  # fmt: skip


def test_the_readme_states_the_graders_limits():
    """Each limit in the README's table of limits is the code's (grader/limits.py)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### 限制 · Limits", 1)[1].split("\n### ", 1)[0]
    table = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", section, re.M))
    shown = {"cell": "{:g} s", "check": "{:g} s", "total": "{:g} s", "memory": "{} GB",
             "processes": "{}", "disk": "{} MB", "files": "{}", "max_bytes": "{} MB"}  # fmt: skip
    scale = {"memory": 30, "disk": 20, "max_bytes": 20}
    for name, form in shown.items():
        value = getattr(Limits(), name)
        expected = form.format(value >> scale[name] if name in scale else value)
        assert table.get(name) == expected, f"README's {name}: {table.get(name)!r}, the code's {expected!r}"  # fmt: skip
    assert set(table) == set(shown) == {f for f in Limits.__dataclass_fields__}


def test_the_grader_looks_up_no_private_names_in_the_students_namespace():
    for path in [*ROOT.glob("grader/**/*.py"), *ROOT.glob("tools/*.py")]:
        assert not re.search(r"""ns\[["']_""", path.read_text(encoding="utf-8")), path


# ---------------------------------------------------------------- the class, end to end
pytestmark_class = pytest.mark.skipif(
    not os.environ.get("GRADE_CLASS"), reason="make test-grade: one sandboxed kernel per fixture"
)
SHM_KEY, IPC_CREAT, IPC_RMID = 0x2551A5, 0o1000, 0


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}  # fmt: skip


def _segment(libc, op: str):
    """The teacher's System V shared-memory segment that snoop-ipc looks for: made, read, removed."""
    libc.shmat.restype = ctypes.c_void_p
    shmid = libc.shmget(SHM_KEY, 4096, IPC_CREAT | 0o666) if op == "make" else libc.shmget(SHM_KEY, 0, 0)  # fmt: skip
    if shmid < 0:
        return None
    if op == "remove":
        return libc.shmctl(shmid, IPC_RMID, None)
    address = libc.shmat(shmid, None, 0)
    if op == "make":
        ctypes.memmove(address, b"TEACHER", 7)
    found = ctypes.string_at(address, 7)
    libc.shmdt(ctypes.c_void_p(address))
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The fixture class and the oddities, graded once (a copy: the sandbox hides /tmp anyway)."""
    from grader.sandbox import mode as sandbox_mode

    how, folder = sandbox_mode(), tmp_path_factory.mktemp("class")
    for p in FIXTURES.glob("*.ipynb"):
        if how == "root" or p.name not in ISOLATION:
            shutil.copy(p, folder / p.name)
    _malformed(folder)
    out, before = tmp_path_factory.mktemp("grades"), _digest(FIXTURES)
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
    if libc is not None:
        _segment(libc, "make")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        assert cli.main([str(folder), "--out", str(out), "--cell-timeout", "6", "--seed", "class"]) == 0  # fmt: skip
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) >> 10  # MB
        segment = _segment(libc, "read") if libc is not None else b"TEACHER"
        kept = ROOT / "test-artifacts" / "grade"  # to compare with, or copy to, grade-expected.csv
        kept.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / "gradebook.csv", kept / "gradebook.csv")
    finally:
        if libc is not None:
            _segment(libc, "remove")
    return how, out, before, grown, segment


@pytestmark_class
def test_the_gradebook_is_what_a_careful_teacher_gives(graded):
    how, out, *_ = graded
    rows = list(csv.reader((out / "gradebook.csv").open(encoding="utf-8")))
    expected = list(csv.reader(EXPECTED.open(encoding="utf-8")))
    if how != "root":
        expected = [r for r in expected if r[0] not in ISOLATION]
    assert rows[0] == expected[0] == gradebook.COLUMNS
    assert {r[0]: r for r in rows[1:]} == {r[0]: r for r in expected[1:]}


@pytestmark_class
def test_feedback_per_student_in_their_language(graded):
    _, out, *_ = graded
    feedback = {p.name: p.read_text(encoding="utf-8") for p in (out / "feedback").iterdir()}
    assert len(feedback) == len(list(csv.reader((out / "gradebook.csv").open()))) - 1
    full = f"{len(NUMBERS)}/{len(NUMBERS)}"
    assert f"Score: {full}" in feedback["english-edition.txt"]
    for name in ("english-edition.txt", "english-partly-correct.txt"):
        assert not CJK.search(feedback[name]), name
    assert "a hidden test" in feedback["english-partly-correct.txt"]
    assert "Not attempted yet" in feedback["english-partly-correct.txt"]
    assert "没有作答：练习 8" in feedback["bob-partly-correct.txt"]
    assert f"得分：5/{len(NUMBERS)}" in feedback["erin-tuned-to-visible.txt"] and "隐藏测试" in feedback["erin-tuned-to-visible.txt"]  # fmt: skip
    assert (
        "✓ 正确" in feedback["alice-all-correct.txt"]
        and f"得分：{full}" in feedback["作业-菲菲.txt"]
    )


@pytestmark_class
def test_nothing_outside_a_submission_changed(graded):
    how, out, before, grown, segment = graded
    assert _digest(FIXTURES) == before, "a submission changed the fixture folder"
    assert not list(ROOT.rglob("PWNED")), "a submission wrote into the repository"
    tracked = list(ROOT.glob("*/*/*.ipynb")) + list(FIXTURES.glob("*.ipynb"))
    assert not [p for p in tracked if p.read_bytes().endswith(b"\n ")], "a notebook was appended to"
    assert segment == b"TEACHER", "a submission wrote into the teacher's shared memory"
    assert grown < 300, f"the grader grew by {grown} MB while a submission printed 200 MB"
    if how == "root":  # the snoops found nothing to read or write and had no network
        rows = {r[0]: r for r in csv.reader((out / "gradebook.csv").open())}
        assert rows["snoop-siblings-and-repo.ipynb"][COLUMN["ex6"]] == "0"
        for name in ("snoop-ipc", "snoop-world-writable"):  # ex9 is answered only if nothing was
            (line,) = [x for x in (out / "feedback" / f"{name}.txt").read_text(encoding="utf-8").splitlines() if x.startswith("练习 9")]  # fmt: skip
            assert "✓" in line, line
