"""Exercise 4: a function `g` with Python control flow, and its derivative `g_prime` worked out by hand,
compared with autograd (and a finite difference) at the statement's five points, then with autograd
at further points where g is differentiable.

Hidden (grader): the same comparison at seven further points drawn for each grading run.
"""

from __future__ import annotations

import math

import torch

from .core import (
    Feedback,
    Later,
    Stop,
    Timeout,
    absent,
    call_many,
    call_points,
    close,
    compare,
    describe,
    is_float64,
    missing,
    say,
    scalar,
    session,
)
from .method import code, follows_a_swap, unreadable, uses_autograd, uses_control_flow
from .program import CAS_MODULES

TITLE = "your own control flow"
ANSWERS = ("g", "g_prime")
POINTS = (-2.5, -0.7, 0.3, 1.9, 3.7)
# used where g is differentiable: every 0.5 from -5.75 to 5.75, between the usual boundaries
MORE_POINTS = tuple(-5.75 + 0.5 * i for i in range(24))


def check_ex4(g, g_prime):
    return _check(g, g_prime, MORE_POINTS)


def hidden(rng, g, g_prime):
    """The same check, its further points drawn from [-4, 4]."""
    return _check(g, g_prime, tuple(sorted(round(rng.uniform(-4, 4), 2) for _ in range(7))))


def _autograd(g, value, stages):
    """g at value, its derivative by autograd, a finite difference, and whether g computes in
    float64; stages: probes.point's outcomes there (grad_at, then g at value, value ± h)."""
    stages = iter(stages)

    def take():
        found = next(stages, None)
        if isinstance(found, Stop):
            raise found
        return found

    y, auto, error = take()
    y = scalar(f"g({value})", y)
    if torch.isnan(y) or not y.requires_grad:
        auto = torch.zeros((), dtype=torch.float64)  # a constant branch: the derivative is 0
    elif error is not None:
        raise error
    elif auto is None:
        auto = torch.zeros((), dtype=torch.float64)
    # when g's result is float32 (e.g. it uses a float32 tensor), a larger step and tolerance
    h = 1e-6 if y.dtype == torch.float64 else 1e-3
    # g's value without autograd must be its value with autograd: the differences below are taken
    # from the former, and the two must be one function
    plain = scalar(f"g({value})", take())
    if not (torch.isnan(y) and torch.isnan(plain)) and abs(plain.double().item() - y.double().item()) > 1e-9 * (1 + abs(y.double().item())):  # fmt: skip
        raise Stop(say("ex4.modes_differ", value=value, with_grad=y.item(), without=plain.item()))
    up = scalar(f"g({value})", take())
    down = scalar(f"g({value})", take())
    fd = (up.double() - down.double()) / (2 * h)
    return y, auto.double(), fd, y.dtype == torch.float64


def _compare_prime(mine, value, auto, exact, announced):
    """g_prime(value) (mine: what it returned) against autograd; when g computes in float64, they
    must agree to float64 rounding."""
    if mine is None:
        return Feedback(False, say("ex4.returns_none"))
    got = scalar(f"g_prime({value})", mine)
    if announced:
        feedback = compare(
            f"g_prime({value})",
            got,
            auto,
            hints=[(-auto, say("ex4.sign", value=value, auto=auto.item()))],
        )
    elif close(got.double(), auto):
        feedback = Feedback(True, "")
    else:
        feedback = Feedback(False, say("ex4.branch", value=value, got=got.item(), auto=auto.item()))
    # only at the statement's five points: further out, autograd's own formula may round too
    # (e.g. 1 - tanh²)
    if feedback.ok and announced and exact and is_float64(mine):
        diff = abs(got.double().item() - auto.item())
        if diff > 1e-12 * abs(auto.item()) + 1e-13:
            return Feedback(
                False,
                say("ex4.not_exact", value=value, got=got.item(), auto=auto.item(), diff=diff),
            )
    return feedback


def _check(g, g_prime, more_points):
    if absent(g) or absent(g_prime):
        return missing(say("ex4.both_names"))
    if not callable(g) or not callable(g_prime):
        return Feedback(False, say("ex4.not_functions", g=describe(g), g_prime=describe(g_prime)))
    if why := unreadable(g_prime, "g_prime"):
        return Feedback(False, why)
    if uses_autograd(g_prime, "g_prime"):
        return Feedback(False, say("ex4.autograd"))
    program, name, root = code(g_prime, "g_prime")
    if program.uses_module(name, CAS_MODULES, root):
        return Feedback(False, say("ex4.cas"))
    if program.uses_complex(name, root):
        return Feedback(False, say("ex4.complex_step"))
    if uses_control_flow(g, "g") is False:
        return Feedback(False, say("ex4.no_control_flow"))
    at = torch.tensor(1.7, dtype=torch.float64)
    student = session().student
    if follows_a_swap("g_prime", g_prime, (at,), lambda h: student.same(h, g)):
        return Feedback(False, say("ex4.swap"))
    depends = False
    at_points = Later(lambda: call_points("g", g, POINTS))  # asked for in one go, when first needed
    primes = Later(lambda: call_many("g_prime", g_prime, [(torch.tensor(v, dtype=torch.float64),) for v in POINTS]))  # fmt: skip
    for i, value in enumerate(POINTS):
        y, auto, fd, exact = _autograd(g, value, at_points.take(i))
        if torch.isnan(y):
            return Feedback(False, say("ex4.nan_value", value=value))
        depends = depends or (
            y.requires_grad and abs(fd.item()) > 1e-9
        )  # a finite difference: its own
        if torch.isnan(auto):
            return Feedback(False, say("ex4.nan_derivative", value=value))
        tol = 1e-4 if exact else 1e-2
        if not math.isclose(auto.item(), fd.item(), rel_tol=tol, abs_tol=tol / 10):
            if not y.requires_grad:
                return Feedback(False, say("ex4.cut_graph", value=value, fd=fd.item()))
            return Feedback(False, say("ex4.kink", value=value, auto=auto.item(), fd=fd.item()))
        feedback = _compare_prime(primes.take(i), value, auto, exact, announced=True)
        if not feedback.ok:
            return feedback
    if not depends:
        return Feedback(False, say("ex4.constant"))
    defined, kinks = 0, 0
    at_more = Later(lambda: call_points("g", g, more_points))
    more_primes = Later(lambda: call_many("g_prime", g_prime, [(torch.tensor(v, dtype=torch.float64),) for v in more_points]))  # fmt: skip
    for i, value in enumerate(more_points):
        try:
            y, auto, fd, exact = _autograd(g, value, at_more.take(i))
        except Timeout:
            raise
        except Stop:
            continue  # g is not defined at this point: skipped
        tol = 1e-4 if exact else 1e-2
        if not (torch.isfinite(y) and torch.isfinite(auto) and torch.isfinite(fd)):
            continue
        defined += 1
        if not math.isclose(auto.item(), fd.item(), rel_tol=tol, abs_tol=tol / 10):
            kinks += 1
            if kinks > max(3, defined // 3):  # a few boundaries, not one every half step
                return Feedback(False, say("ex4.kinks", count=kinks))
            continue  # this point is near a boundary between pieces: skipped
        feedback = _compare_prime(more_primes.take(i), value, auto, exact, announced=False)
        if not feedback.ok:
            return feedback
    return Feedback(True, say("ex4.correct"))
