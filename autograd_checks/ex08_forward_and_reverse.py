"""Exercise 8: forward_mode(x) and reverse_mode(x) each return (f(x), df/dx) for exercise 7's f,
evaluated by hand on the dependency graph (tangents from x to f; adjoints from f back to x).

Hidden (grader): three further points drawn for each grading run.
"""

from __future__ import annotations

import torch

from .core import (
    Feedback,
    Stop,
    absent,
    as_tensor,
    call,
    close,
    compare,
    describe,
    missing,
    say,
    tensor,
)
from .ex07_chain_rule import f, paths

TITLE = "forward and backward evaluation"
ANSWERS = ("forward_mode", "reverse_mode")
POINTS = (0.5, 2.0, -1.3)
_HINTS = {  # (the term through one path is missing, only the term through one path)
    "forward_mode": ("ex8.forward_missing", "ex8.forward_only"),
    "reverse_mode": ("ex8.reverse_missing", "ex8.reverse_only"),
}


def pair(name, result):
    """(f(x), df/dx): a tuple, a list, or a tensor or numpy array of two elements."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return result[0], result[1]
    if not isinstance(result, (tuple, list)):
        t = result if isinstance(result, torch.Tensor) else as_tensor(result)
        if t is not None and t.numel() == 2:
            return t.reshape(-1)[0], t.reshape(-1)[1]
    raise Stop(say("ex8.want_pair", name=name, got=describe(result)))


def check_ex8(forward_mode, reverse_mode):
    feedback = _check(forward_mode, reverse_mode, POINTS)
    return feedback if not feedback.ok else Feedback(True, say("ex8.correct"))


def hidden(rng, forward_mode, reverse_mode):
    points = tuple(round(rng.choice((-1, 1)) * rng.uniform(0.3, 3), 2) for _ in range(3))
    return _check(forward_mode, reverse_mode, points)


def _check(forward_mode, reverse_mode, points):
    for name, fn in (("forward_mode", forward_mode), ("reverse_mode", reverse_mode)):
        if absent(fn):
            return missing(name)
        for value in points:
            x = torch.tensor(value, dtype=torch.float64)
            fx_got, df_got = pair(name, call(name, fn, x.clone()))
            fx_got = tensor(say("ex8.value_name", name=name, value=value), fx_got, ())
            df_got = tensor(say("ex8.derivative_name", name=name, value=value), df_got, ())
            fx = f(x)
            p1, p2, p3 = paths(x)
            df = p1 + p2 + p3
            if close(fx_got, df) and close(df_got, fx):
                return Feedback(False, say("ex8.order", name=name))
            feedback = compare(say("ex8.value_name", name=name, value=value), fx_got, fx)
            if feedback.ok:
                missing_key, only_key = _HINTS[name]
                hints = [(-df, say("ex8.sign", name=name, value=value))]
                for path, part in zip(("u1", "u3", "u5"), (p1, p2, p3)):
                    hints += [(df - part, say(missing_key, path=path)), (part, say(only_key, path=path))]  # fmt: skip
                feedback = compare(say("ex8.derivative_name", name=name, value=value), df_got, df, hints=hints)  # fmt: skip
            if not feedback.ok:
                return feedback
    return Feedback(True, "")
