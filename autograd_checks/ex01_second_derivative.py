"""Exercise 1: `second_derivative(f, x)` returns f''(x) elementwise, by differentiating twice.

Visible cases: x³ and sin at four points. Hidden (grader): four other functions at points drawn
for each grading run.
"""

from __future__ import annotations

import torch

from .core import Feedback, call, compare, is_float64, missing, say, tensor
from .method import code, unreadable

TITLE = "second derivatives"
ANSWERS = ("second_derivative",)
POINTS = (-2.0, -0.5, 1.0, 3.0)


def cube(t):
    return t**3


def fourth_power(t):
    return t**4


def square(t):
    return t * t


def cases(x):
    """(f, f', f'', label) for the visible check."""
    return [(cube, 3 * x**2, 6 * x, "x**3"), (torch.sin, torch.cos(x), -torch.sin(x), "sin(x)")]


def hidden_cases(x):
    return [(torch.exp, torch.exp(x), torch.exp(x), "exp(x)"),
            (fourth_power, 4 * x**3, 12 * x**2, "x**4"),
            (torch.cos, -torch.sin(x), -torch.cos(x), "cos(x)"),
            (square, 2 * x, 2 + 0 * x, "x**2")]  # fmt: skip


def check_ex1(second_derivative):
    feedback = _check(second_derivative, torch.tensor(POINTS, dtype=torch.float64), cases)
    return feedback if not feedback.ok else Feedback(True, say("ex1.correct"))


def hidden(rng, second_derivative):
    """The same check on other functions, at four points in [-2.5, 2.5]."""
    x = torch.tensor(
        sorted(round(rng.uniform(-2.5, 2.5), 2) for _ in range(4)), dtype=torch.float64
    )
    return _check(second_derivative, x, hidden_cases)


def _check(second_derivative, x, make_cases):
    if second_derivative is None or second_derivative is Ellipsis:
        return missing("second_derivative")
    for f, d1, d2, label in make_cases(x):
        result = call("second_derivative", second_derivative, f, x.clone())
        if result is None:
            return Feedback(False, say("ex1.returns_none"))
        feedback = compare(
            say("ex1.name", label=label),
            result,
            d2,
            hints=[
                (d1, say("ex1.first_derivative", label=label)),
                (-d2, say("ex1.sign", label=label)),
                (d1 + d2, say("ex1.accumulated", label=label)),
                (torch.zeros_like(d2), say("ex1.zeroed", label=label)),
            ],
        )
        if not feedback.ok:
            return feedback
        # differentiating twice by autograd is exact to float64 rounding; a difference quotient is not
        if is_float64(result):
            diff = (tensor("second_derivative", result, d2.shape) - d2).abs()
            if bool((diff > 1e-12 * (d2.abs() + 1)).any()):
                return Feedback(False, say("ex1.numeric", label=label, diff=diff.max().item()))
    if why := unreadable(second_derivative, "second_derivative"):
        return Feedback(False, why)
    program, name, root = code(second_derivative, "second_derivative")
    if not program.uses_autograd(name, root):
        return Feedback(False, say("ex1.no_autograd"))
    return Feedback(True, "")
