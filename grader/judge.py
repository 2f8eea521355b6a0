"""Grading one submission: its cells run in a fresh sandboxed kernel, top to bottom, as Restart & Run
All would (a failing cell does not stop the rest); then the judge, in this process, runs each
exercise's check from the package autograd_checks, visible cases and hidden ones, in the student's
language. Whatever the check needs of the student's objects it asks the agent in the kernel for
(grader/agent.py), and it receives plain data; what the method checks need of the code, it reads
from the cells' text. No student code runs here, and nothing the verdicts depend on is in reach of
the student's code.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from autograd_checks import NUMBERS, check_function, core, exercise, messages

from .kernel import REAP_CELL, Kernel, agent_cell
from .notes import Note
from .sandbox import Sandbox
from .submission import Workbook, display_name, edition, plan, read
from .wire import KernelGone, Remote, ReplyError

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
    from IPython.core.inputtransformer2 import TransformerManager

    manager = TransformerManager()
    found = []
    for cell in cells:
        try:
            found.append(manager.transform_cell(cell))
        except Exception:  # noqa: BLE001 - a cell IPython cannot read: the judge reads it as is
            found.append(cell)
    return found


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
    run, numbers, notes = plan(cells, wb, STAND_INS)
    result.notes += notes
    start = time.monotonic()
    left = lambda: limits.total - (time.monotonic() - start)  # noqa: E731
    kernel = Kernel(sandbox, slot)
    try:
        kernel.wait_ready(min(60.0, left()))
        if kernel.run(WARM_UP, left(), history=False)["status"] != "ok":
            raise KernelGone("the kernel could not start")
        if _run_cells(kernel, result, run, numbers, limits, left):
            _judge(kernel, result, wb, run, limits, left, seed)
    except (KernelGone, TimeoutError):
        if not any(n.key in ("cell_timeout_dead", "exited") for n in result.notes):
            result.notes.append(Note("timed_out" if left() <= 0 else "kernel_died"))
    finally:
        kernel.close()
    return result


def _run_cells(kernel, result, run, numbers, limits, left) -> bool:
    """The student's cells in turn; False if the kernel did not survive them."""
    errors = []
    for number, code in zip(numbers, run):
        out = kernel.run(code, max(0.0, min(limits.cell, left())))
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
    if errors:
        result.notes.append(Note("errors", cells=errors))
    return True


def _judge(kernel, result, wb, run, limits, left, seed) -> None:
    """Every exercise: the visible check, then (if it passes) the hidden one, in the student's
    language; a point only for both."""
    if kernel.run(agent_cell(), max(1.0, min(30.0, left())), history=False)["status"] != "ok":
        raise KernelGone("the agent could not start")
    remote = Remote(kernel, _ipython([c for c in run if c is not STAND_INS]))
    texts = messages.texts(result.edition if result.edition in messages.languages() else wb.language)  # fmt: skip
    words = {lang: messages.texts(lang, "grader.messages") for lang in messages.languages()}
    unattempted = []
    for n in NUMBERS:
        module, names = exercise(n), wb.calls.get(n, [])
        if left() <= 0:
            result.notes.append(Note("timed_out"))
            break
        try:
            with core.using(core.Session(texts, remote, limits.check)):
                answers = [remote.variable(a) for a in names]
            feedback = core.run(check_function(module), core.Session(texts, remote, limits.check), answers)  # fmt: skip
            hidden = None
            if feedback.ok and hasattr(module, "hidden"):
                rng = random.Random(f"{seed}:{n}")
                hidden = core.run(module.hidden, core.Session(texts, remote, limits.check), [rng, *answers])  # fmt: skip
        except (KernelGone, ReplyError, core.TimeUp) as err:
            result.messages[n] = [words[result.edition or "en"]["not_graded"]]
            result.notes.append(
                Note("unreadable" if isinstance(err, ReplyError) else "unanswered", n=n)
            )
            if kernel.gone:
                break
            continue
        result.points[n] = int(feedback.ok is True and (hidden is None or hidden.ok is True))
        result.messages[n] = [str(feedback)]
        if hidden is not None and not hidden.ok:
            text = words[result.edition or "en"]["hidden"].format(message=str(hidden))
            result.messages[n].append(text)
            result.notes.append(Note("hidden_failed", n=n))
        if not feedback.ok and wb.starters.get(n) in {c.strip() for c in run}:
            unattempted.append(n)
    if unattempted:
        result.notes.append(Note("not_attempted", exercises=[Note("exercise_n", n=n) for n in unattempted]))  # fmt: skip
