"""Exercise 2: backpropagate twice through y = x**2 without zeroing: x.grad = 2 · 2x."""

from __future__ import annotations

import torch

from .core import Feedback, absent, close, compare, missing_grad, say, tensor

TITLE = "backward twice"
ANSWERS = ("ex2_answer",)


def check_ex2(x_grad):
    if absent(x_grad):
        return missing_grad("ex2_answer", "x.grad")
    x = torch.arange(4.0, dtype=torch.float64)
    got = tensor("ex2_answer", x_grad, (4,))
    for k in range(3, 11):
        if close(got, 2 * k * x):
            return Feedback(False, say("ex2.k_times", twice_k=2 * k, k=k))
    return compare(
        say("ex2.name"),
        got,
        4 * x,
        hints=[
            (2 * x, say("ex2.one_pass")),
            (torch.zeros(4), say("ex2.zeros")),
            (x**2, say("ex2.value_not_grad")),
        ],
    )
