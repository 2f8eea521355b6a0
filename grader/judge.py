"""Grading one submission: its cells run in a fresh sandboxed kernel, top to bottom, as Restart & Run
All would (a failing cell does not stop the rest); then the judge, in this process, runs each
exercise's check from the package autograd_checks, visible cases and hidden ones, in the student's
language. Whatever the check needs of the student's objects it asks the agent in the kernel for
(grader/agent.py), and it receives plain data; what the method checks need of the code, it reads
from the cells' text. No student code runs here, and nothing the verdicts depend on is in reach of
the student's code.
"""

from __future__ import annotations

import functools
import random
import time
import traceback
from dataclasses import dataclass, field

from autograd_checks import NUMBERS, check_function, core, exercise, messages

from .kernel import REAP_CELL, Kernel, agent_cell
from .notes import Note
from .sandbox import Sandbox
from .submission import Workbook, display_name, edition, plan, read
from .wire import KernelGone, Remote, RemoteError, ReplyError

# Loaded before the student's code, so that the set-up cell's imports do not count against its time
# limit (in a namespace of its own: nothing is imported for the student).
WARM_UP = "exec('import math, torch, matplotlib.pyplot', {})"
# What the workbook's checks cell defines, as stand-ins in its place: the repository's checks run
# in the judge, not in the kernel.
STAND_INS = "CHECK_TIME_LIMIT = 10\n\nclass Feedback(str):\n    ok = None\n\n"
STAND_INS += "".join(f"def check_ex{n}(*args, **kwargs):\n    return None\n\n" for n in NUMBERS)


@dataclass
class Result:
    file: str
    edition: str = ""
    points: dict[int, int] = field(default_factory=lambda: dict.fromkeys(NUMBERS, 0))
    notes: list[Note] = field(default_factory=list)
    messages: dict[int, list[str]] = field(default_factory=dict)
    workbook: str = ""

    @property
    def total(self) -> int:
        return sum(self.points.values())


def _ipython(cells: list[str]) -> list[str]:
    """The cells as IPython runs them (magics become calls), as the workbook's `In` holds them."""
    return [_transformed(cell) for cell in cells]


@functools.lru_cache(maxsize=4096)
def _transformed(cell: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(cell)
    except Exception:  # noqa: BLE001 - a cell IPython cannot read: the judge reads it as is
        return cell


def grade(path, slot: int, sandbox: Sandbox, books: dict[str, Workbook], seed: str) -> Result:
    name, name_note = display_name(path)
    result = Result(name)
    limits = sandbox.limits
    cells, notes = read(path, limits)
    result.notes += ([name_note] if name_note else []) + notes
    if cells is None:
        return result
    result.edition = edition(cells)
    wb = books.get(result.edition) or next(iter(books.values()))
    result.workbook = wb.language
    steps, notes = plan(cells, wb, STAND_INS)
    result.notes += notes
    start = time.monotonic()
    left = lambda: limits.total - (time.monotonic() - start)  # noqa: E731
    kernel = Kernel(sandbox, slot)
    try:
        kernel.wait_ready(min(60.0, left()))
        if kernel.run(WARM_UP, left(), history=False)["status"] != "ok":
            raise KernelGone("the kernel could not start")
        if kernel.run(agent_cell(), max(1.0, min(30.0, left())), history=False)["status"] != "ok":
            raise KernelGone("the agent could not start")
        _run(kernel, result, wb, steps, limits, left, seed)
    except (KernelGone, TimeoutError):
        if not any(n.key in ("cell_timeout_dead", "exited") for n in result.notes):
            result.notes.append(Note("timed_out" if left() <= 0 else "kernel_died"))
    finally:
        kernel.close()
    return result


def _run(kernel, result, wb, steps, limits, left, seed) -> None:
    """The steps in turn: the student's cells, and each exercise's check where its check cell is.
    A check reads the code of the cells run before it, as the workbook's check reads `In`."""
    errors, ran, last, at = [], [], {}, len(result.notes)
    judge = Judge(kernel, result, wb, limits, seed)
    try:
        for step in steps:
            if step.kind == "check":
                if left() <= 0:
                    raise TimeoutError
                last[step.number] = judge.check(step.number, step.args, _ipython(ran))
                continue
            if not _cell(kernel, result, step, limits, left, errors):
                return
            if step.source is not STAND_INS:
                ran.append(step.source)
    finally:
        if errors:
            result.notes.insert(at, Note("errors", cells=errors))
        judge.finish(last, ran)


def _cell(kernel, result, step, limits, left, errors) -> bool:
    """One of the student's cells; False if the kernel did not survive it."""
    out = kernel.run(step.source, max(0.0, min(limits.cell, left())))
    number = step.number
    if out["status"] == "error":
        memory = out["ename"] == "MemoryError" or "allocate" in out["evalue"]
        errors.append(Note("error_item", cell=number, kind=Note("memory") if memory else out["ename"]))  # fmt: skip
    elif out["status"] == "timeout":
        kernel.reap()
        if not kernel.interrupt(out["msg_id"]):
            result.notes.append(Note("cell_timeout_dead", cell=number))
            return False
        result.notes.append(Note("cell_timeout", cell=number))
    elif out["status"] == "died":
        result.notes.append(Note("exited", cell=number))
        return False
    if kernel.reap():
        kernel.run(REAP_CELL, 5, history=False)
        result.notes.append(Note("children", cell=number))
    return True


class Judge:
    """The checks of one submission, in the student's language: each the visible check, then (if
    it passes) the hidden one; an exercise's point is its last check's."""

    def __init__(self, kernel, result, wb, limits, seed):
        self.kernel, self.result, self.wb, self.limits, self.seed = kernel, result, wb, limits, seed
        lang = result.edition if result.edition in messages.languages() else wb.language
        self.texts = messages.texts(lang)
        self.words = messages.texts(result.edition or "en", "grader.messages")

    def check(self, n, args, cells):
        """(visible feedback, hidden feedback or None) for exercise n, or a Note saying why it
        was not graded."""
        module, remote = exercise(n), Remote(self.kernel, cells)
        session = lambda: core.Session(self.texts, remote, self.limits.check)  # noqa: E731
        try:
            with core.using(session()):
                answers = [remote.variable(a) for a in args]
            feedback = core.run(check_function(module), session(), answers)
            hidden = None
            if feedback.ok and hasattr(module, "hidden"):
                rng = random.Random(f"{self.seed}:{n}")
                hidden = core.run(module.hidden, session(), [rng, *answers])
        except RemoteError as err:  # the student's own check call raised, as in their workbook
            return Note("call_raised", n=n, error=type(err).__name__)
        except (KernelGone, ReplyError, core.TimeUp) as err:
            if self.kernel.gone:
                raise KernelGone("the kernel no longer answers") from None
            return Note("unreadable" if isinstance(err, ReplyError) else "unanswered", n=n)
        except Exception as err:  # noqa: BLE001 - the grader's failure costs this exercise only
            traceback.print_exc()
            return Note("grader_error", what=f"ex{n}, {type(err).__name__}")
        return feedback, hidden

    def finish(self, last, ran) -> None:
        """Each exercise's last check; no points where the code reached into the kernel's internals:
        the agent, the probes and every reply are then the student's to forge."""
        result, words, unattempted = self.result, self.words, []
        voided = any(n.key == "internals" for n in result.notes)
        for n in NUMBERS:
            found = last.get(n)
            if found is None:
                continue
            if isinstance(found, Note):
                result.messages[n] = [words["not_graded"]]
                result.notes.append(found)
                continue
            feedback, hidden = found
            result.points[n] = int(feedback.ok is True and (hidden is None or hidden.ok is True))
            result.messages[n] = [str(feedback)]
            if voided and result.points[n]:
                result.points[n] = 0
                result.messages[n].insert(0, words["voided"])
            if hidden is not None and not hidden.ok:
                result.messages[n].append(words["hidden"].format(message=str(hidden)))
                result.notes.append(Note("hidden_failed", n=n))
            if not feedback.ok and self.wb.starters.get(n) in {c.strip() for c in ran}:
                unattempted.append(n)
        if unattempted:
            result.notes.append(Note("not_attempted", exercises=[Note("exercise_n", n=n) for n in unattempted]))  # fmt: skip
        if voided:
            result.notes.append(Note("voided_note"))
