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


def drawn(rng):
    """A function drawn for this grading run, with its first and second derivatives:
    f(t) = a·t³ + b·sin(c·t) + d·exp(e·t), its coefficients rounded to two decimals (so that no
    answer can know them in advance, unlike a fixed list of functions in a public repository)."""
    a, b, c, d, e = (round(rng.uniform(lo, hi), 2) for lo, hi in ((-2, 2), (0.5, 2), (0.5, 2), (-1, 1), (-0.8, 0.8)))  # fmt: skip
    source = f"def drawn(t):\n    return {a} * t**3 + {b} * torch.sin({c} * t) + {d} * torch.exp({e} * t)\n"
    scope = {"torch": torch}
    exec(compile(source, "<drawn>", "exec"), scope)  # noqa: S102 - the check's own function
    f = scope["drawn"]
    f.__shipped_source__ = source  # how the grader sends it to the student's kernel
    d1 = lambda x: 3 * a * x**2 + b * c * torch.cos(c * x) + d * e * torch.exp(e * x)  # noqa: E731
    d2 = lambda x: 6 * a * x - b * c * c * torch.sin(c * x) + d * e * e * torch.exp(e * x)  # noqa: E731
    return f, d1, d2, f"{a}·x³ + {b}·sin({c}x) + {d}·exp({e}x)"


def hidden_cases(rng):
    def cases(x):
        found = [(fourth_power, 4 * x**3, 12 * x**2, "x**4"), (square, 2 * x, 2 + 0 * x, "x**2")]
        for _ in range(2):
            f, d1, d2, label = drawn(rng)
            found.append((f, d1(x), d2(x), label))
        return found

    return cases


def check_ex1(second_derivative):
    feedback = _check(second_derivative, torch.tensor(POINTS, dtype=torch.float64), cases)
    return feedback if not feedback.ok else Feedback(True, say("ex1.correct"))


def hidden(rng, second_derivative):
    """The same check on other functions (two drawn for this run), at four points in [-2.5, 2.5]."""
    x = torch.tensor(
        sorted(round(rng.uniform(-2.5, 2.5), 2) for _ in range(4)), dtype=torch.float64
    )
    return _check(second_derivative, x, hidden_cases(rng))


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
