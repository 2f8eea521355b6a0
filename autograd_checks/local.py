"""The workbook's side of a check: the student's objects live in this very process, in the notebook's
namespace, and the program is IPython's input history `In` (the grader's side is grader/judge.py).
"""

from __future__ import annotations

import ast
import inspect
import textwrap

from . import core, probes
from .program import Program


class Local:
    def __init__(self, namespace):
        self.namespace = namespace
        history = namespace.get("In")
        if isinstance(history, (list, tuple)):  # the checks cell itself is not the student's code
            self.program = Program([c for c in history if not (isinstance(c, str) and "_load_checks(" in c)])  # fmt: skip
        else:
            self.program = None

    def call(self, fn, args, no_grad=False):
        return probes.call(fn, args, core.session().deadline, no_grad=no_grad)

    def points(self, fn, values):
        return probes.points(fn, values, core.session().deadline)

    def calls(self, fn, args_list, no_grad=False):
        return probes.calls(fn, args_list, core.session().deadline, no_grad)

    def trace_call(self, fn, x):
        return probes.trace_call(fn, x, core.session().deadline)

    def variable(self, name):
        return self.namespace.get(name)

    def same(self, a, b):
        return a is b

    def swap_call(self, fn, name, replacement, args):
        return probes.swap_call(
            self.namespace, name, replacement, fn, args, core.session().deadline
        )

    def name_of(self, value, usual):
        """The name the notebook binds the answer to: the usual one if it is that, else any other."""
        if self.namespace.get(usual) is value:
            return usual
        return next(
            (k for k, v in self.namespace.items() if v is value and k[:1].isalpha() and k not in ("In", "Out")),
            None,
        )  # fmt: skip

    def code(self, value, usual):
        """(program, name, root) for the method checks: the answer's name, and where the program
        does not bind that name, the syntax tree of its source (inspect.getsource)."""
        name = self.name_of(value, usual)
        program = self.program or Program([])
        if program.definition(name) is not None:
            return program, name, None
        return program, name, _source_tree(value)


def _source_tree(fn):
    """The syntax tree of the function's source code; None when the source is not available."""
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
