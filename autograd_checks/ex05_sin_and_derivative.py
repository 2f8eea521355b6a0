"""Exercise 5: dy_dx for y = sin(x) by autograd (x.grad after y.sum().backward()), not by cos.

Its values must be autograd's to the last bits (cos(x) rounded differently, a shifted sin or a
finite difference are close but not equal), and the cells that computed dy_dx must not use cos.
"""

from __future__ import annotations

import math

import torch

from .core import (
    Feedback,
    absent,
    close,
    compare,
    describe,
    fmt,
    grad_fn_name,
    missing_grad,
    say,
    session,
    tensor,
)

TITLE = "plot sin and its derivative"
ANSWERS = ("x", "dy_dx")


def _autograd_cos(x, dtype):
    """The derivative of sin that autograd gives at x (on the device of x), as float64 on the CPU."""
    t = x.detach().to(dtype).clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(torch.sin(t).sum(), t)
    return grad.to("cpu", torch.float64)


def _within_ulps(got, ref, dtype, ulps=2):
    """got and ref differ by at most ulps units in the last place of dtype (rounding error)."""
    r = ref.to(dtype).abs()
    step = (torch.nextafter(r, torch.full_like(r, math.inf)) - r).to(torch.float64)
    return bool(((got - ref).abs() <= ulps * step).all())


def check_ex5(x, dy_dx):
    if absent(dy_dx):
        return missing_grad("dy_dx", "x.grad")
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        return Feedback(False, say("ex5.x_not_float", got=describe(x)))
    student = session().student
    # where dy_dx came from can be traced only when the variable dy_dx itself was passed in
    # (not when the check is called as check_ex5(x, x.grad))
    route = None
    if student.same(student.variable("dy_dx"), dy_dx):
        program = student.code(dy_dx, "dy_dx")[0]
        if program.rewrites_cells():
            return Feedback(False, say("method.rewrites"))
        if program.flow_dynamic("dy_dx"):
            return Feedback(False, say("method.dynamic", name="dy_dx"))
        route = program.route("dy_dx")
    if (grad_fn_name(dy_dx) or "").startswith("Cos") or route == "cos":
        return Feedback(False, say("ex5.cos"))
    xs = x.detach().to("cpu", torch.float64)
    cos = torch.cos(xs)
    got = tensor("dy_dx", dy_dx, xs.shape)
    diff = (got - cos).abs().max().item()
    if not close(got, cos) and diff < 1e-2:
        return Feedback(False, say("ex5.not_autograd", diff=diff))
    feedback = compare(
        "dy_dx",
        got,
        cos,
        hints=[
            (torch.sin(xs), say("ex5.sin_itself")),
            (-cos, say("ex5.sign")),
            (2 * cos, say("ex5.twice")),
            (cos / xs.numel(), say("ex5.mean")),
        ],
    )
    if not feedback.ok:
        return feedback
    # values at float32 precision only: compared with autograd in float32; else in float64
    in_float32 = torch.equal(got.to(torch.float32).to(torch.float64), got)
    dtype = torch.float32 if in_float32 else torch.float64
    if not _within_ulps(got, _autograd_cos(x, dtype), dtype):
        return Feedback(False, say("ex5.not_autograd", diff=diff))
    if route == "other":
        return Feedback(False, say("ex5.other_route"))
    return Feedback(True, say("ex5.correct", value=fmt(cos)))
