"""The 2.5.5 workbook's self-checks, as one package: the workbook's checks cell is rendered from it
(`make checks`, tools/checks.py), and the teacher's grader imports it (grader/judge.py).

- core.py: Feedback, the session (language, student's side, time budget), conversion, comparison;
  timer.py: the time limit; probes.py: what runs where the student's objects live;
  program.py and method.py: checks of the method, judged from the code's syntax trees.
- exNN_*.py: one module per exercise: its `check_exN`, its visible cases and its `hidden` variant.
- messages/<lang>.py: the messages, one catalogue per language.
- workbook.py: the checks bound to a notebook's namespace, as the workbook's cell defines them.

Imports: the standard library and torch only.
"""

from __future__ import annotations

import importlib
import pkgutil
import re


def _exercises():
    """The exercise modules, in the order of their numbers (ex01_… sorts before ex10_…)."""
    found = [m.name for m in pkgutil.iter_modules(__path__) if re.fullmatch(r"ex\d+_\w+", m.name)]
    modules = [importlib.import_module(f"{__name__}.{name}") for name in found]
    return tuple(sorted(modules, key=lambda m: int(re.match(r"ex(\d+)", m.__name__.rsplit(".")[-1]).group(1))))  # fmt: skip


EXERCISES = _exercises()
NUMBERS = tuple(int(re.match(r"ex(\d+)", m.__name__.rsplit(".")[-1]).group(1)) for m in EXERCISES)


def exercise(n: int):
    return EXERCISES[NUMBERS.index(n)]


def check_function(module):
    """The module's check_exN."""
    return next(getattr(module, name) for name in dir(module) if re.fullmatch(r"check_ex\d+", name))
