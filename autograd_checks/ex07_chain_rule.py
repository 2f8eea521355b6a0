"""Exercise 7: df_dx for f(x) = log(x²)·sin(x) + 1/x, worked out with the chain rule on the
dependency graph (no autograd, no numerical difference of f), checked at 19 points.

Hidden (grader): seven further points drawn for each grading run.
"""

from __future__ import annotations

import torch

from .core import (
    Feedback,
    Stop,
    Timeout,
    absent,
    as_tensor,
    call,
    close,
    compare,
    is_float64,
    missing,
    say,
)
from .method import code, follows_a_swap, is_function, unreadable, uses_autograd
from .program import CAS_MODULES

TITLE = "chain rule on the graph"
ANSWERS = ("df_dx",)
# the first five are the usual points; the rest cover a wider range (negative, and beyond 3)
POINTS = (-3.1, -1.7, 0.5, 1.3, 2.0, -9.4, -6.2, -4.6, -2.3, -0.9, -0.35, 0.23, 0.8, 2.7,
          3.3, 4.1, 5.6, 7.9, 12.5)  # fmt: skip


def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x


def paths(x):
    """The three paths of df/dx on the dependency graph: via u1→u2→u4, via u3→u4, via u5."""
    return 2 / x * torch.sin(x), torch.log(x**2) * torch.cos(x), -(x**-2)


def _computes_f(fn):
    """Whether fn is the student's own f(x) = log(x²)·sin(x) + 1/x (compared at two points)."""
    if not is_function(fn):
        return False
    at = torch.tensor([0.7, 1.9], dtype=torch.float64)
    try:
        got = as_tensor(call("f", fn, at.clone()))
    except Timeout:
        raise
    except Stop:
        return False
    return got is not None and got.numel() == 2 and close(got.reshape(2), f(at))


def check_ex7(df_dx):
    if absent(df_dx):
        return missing("df_dx")
    if callable(df_dx) and (why := unreadable(df_dx, "df_dx")):
        return Feedback(False, why)
    if callable(df_dx) and uses_autograd(df_dx, "df_dx"):
        return Feedback(False, say("ex7.autograd"))
    program, name, root = code(df_dx, "df_dx")
    if callable(df_dx) and program.uses_module(name, CAS_MODULES, root):
        return Feedback(False, say("ex7.cas"))
    if callable(df_dx) and program.uses_complex(name, root):
        return Feedback(False, say("ex7.complex_step"))
    x = torch.tensor(POINTS, dtype=torch.float64)
    result = call("df_dx", df_dx, x.clone())
    if absent(result):
        return Feedback(False, say("ex7.returns_none"))
    at = torch.tensor([0.7, 1.9], dtype=torch.float64)
    if follows_a_swap("df_dx", df_dx, (at,), _computes_f):
        return Feedback(False, say("ex7.swap"))
    p1, p2, p3 = paths(x)
    values = as_tensor(result)
    if values is not None and values.shape == x.shape:
        negative = x < 0
        if torch.isnan(values[negative]).all() and not torch.isnan(values[~negative]).any():
            return Feedback(False, say("ex7.log_negative"))
    expected = p1 + p2 + p3
    if values is not None and values.shape == x.shape and not torch.isnan(values).any():
        diff = (values - expected).abs()
        if not close(values, expected) and bool((diff <= 1e-3 * expected.abs() + 1e-6).all()):
            return Feedback(False, say("ex7.near", diff=diff.max().item()))
    feedback = compare(
        "df_dx(x)",
        result,
        expected,
        hints=[
            (p1 + p2 - p3, say("ex7.sign")),
            (p2 + p3, say("ex7.product_u1")),
            (p1 + p3, say("ex7.product_u3")),
            (torch.sin(x) / x**2 + p2 + p3, say("ex7.chain")),
        ],
        points=x,
    )
    if not feedback.ok:
        return feedback
    if is_float64(result):
        diff = (values - expected).abs()
        if bool((diff > 1e-12 * (p1.abs() + p2.abs() + p3.abs())).any()):
            return Feedback(False, say("ex7.near", diff=diff.max().item()))
    return Feedback(True, say("ex7.correct", count=len(POINTS)))


def hidden_points(rng):
    """Seven points, none closer to 0 than 0.2, in [-10, 10]."""
    return tuple(round(rng.choice((-1, 1)) * rng.uniform(0.2, 10), 2) for _ in range(7))


def hidden(rng, df_dx):
    """df_dx at the drawn points."""
    x = torch.tensor(hidden_points(rng), dtype=torch.float64)
    result = call("df_dx", df_dx, x.clone())
    return compare("df_dx(x)", result, sum(paths(x)), points=x)
