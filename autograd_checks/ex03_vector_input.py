"""Exercise 3: a.grad for the book's f(a) (2.5.4) with a vector or matrix a, from d = f(a)."""

from __future__ import annotations

import torch

from .core import Feedback, absent, compare, describe, missing_grad, say, session

TITLE = "vector input and control flow"
ANSWERS = ("a", "ex3_answer")


def reference_f(a):
    """The book's f(a) from 2.5.4."""
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    return b if b.sum() > 0 else 100 * b


def check_ex3(a, a_grad):
    if absent(a_grad):
        return missing_grad("ex3_answer", "a.grad")
    if not isinstance(a, torch.Tensor) or a.dim() == 0:
        return Feedback(False, say("ex3.not_a_vector", got=describe(a)))
    dtype = a.dtype if a.is_floating_point() else torch.float64
    probe = a.detach().to("cpu", dtype).clone().requires_grad_(True)
    if probe.norm() == 0:
        return Feedback(False, say("ex3.all_zero"))
    d = reference_f(probe)
    d.sum().backward()
    feedback = compare(
        say("ex3.name"),
        a_grad,
        probe.grad,
        hints=[
            (torch.ones_like(probe.grad), say("ex3.ones")),
            (2 * probe.grad, say("ex3.twice")),
            (d.detach(), say("ex3.value_of_d")),
            (probe.grad / probe.numel(), say("ex3.mean")),
            (probe.detach(), say("ex3.a_itself")),
        ],
    )
    if feedback.ok:
        route = _route(a_grad)
        if route in ("other", "cos"):
            return Feedback(False, say("ex3.not_autograd"))
        if route in ("rewrites", "dynamic"):
            return Feedback(False, say(f"method.{route}", name="ex3_answer"))
    return feedback


def _route(a_grad):
    """Where the values of ex3_answer came from (see Program.route), when the variable itself was
    passed in; None when that is out of sight."""
    student = session().student
    if not student.same(student.variable("ex3_answer"), a_grad):
        return None
    program = student.code(a_grad, "ex3_answer")[0]
    if program.rewrites_cells():
        return "rewrites"
    if program.flow_dynamic("ex3_answer"):
        return "dynamic"
    return program.route("ex3_answer")
