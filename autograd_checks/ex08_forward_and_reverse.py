"""Exercise 8: forward_mode(x) and reverse_mode(x) each return (f(x), df/dx) for exercise 7's f,
evaluated on the dependency graph: forward mode carries each tangent u̇ᵢ along with its value, from x
to f; reverse mode first computes and stores every uᵢ, then carries the adjoints ūᵢ from f̄ = 1 back to
x. The values are checked first; then the method, from the torch operations each function runs (or
the AD API it calls: forward_ad / jvp is forward mode, backward / vjp reverse mode).

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
    call_traced,
    close,
    compare,
    describe,
    is_float64,
    missing,
    say,
    session,
    tensor,
)
from .ex07_chain_rule import f, paths
from .method import code, unreadable

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
    if feedback.ok:
        feedback = _method(forward_mode, reverse_mode)
    return feedback if not feedback.ok else Feedback(True, say("ex8.correct"))


AT = 0.73  # where the method is traced: no value of the graph equals another's there
CONSTANTS = {"ones_like", "zeros_like", "full_like", "empty_like", "tensor", "as_tensor", "new_ones",
             "new_zeros", "new_full", "new_tensor", "ones", "zeros", "full"}  # fmt: skip


def _method(forward_mode, reverse_mode):
    x = torch.tensor(AT, dtype=torch.float64)
    p1, p2, p3 = paths(x)
    for name, fn in (("forward_mode", forward_mode), ("reverse_mode", reverse_mode)):
        df = pair(name, call(name, fn, x.clone()))[1]
        if is_float64(df):  # by hand, either mode is exact to float64 rounding; a difference is not
            diff = abs(tensor(say("ex8.derivative_name", name=name, value=AT), df, ()).item() - (p1 + p2 + p3).item())  # fmt: skip
            if diff > 1e-12 * (p1.abs() + p2.abs() + p3.abs()).item():
                return Feedback(False, say("ex8.numeric", name=name, diff=diff))
    if session().student.same(forward_mode, reverse_mode):
        return Feedback(False, say("ex8.same"))
    for name, fn in (("forward_mode", forward_mode), ("reverse_mode", reverse_mode)):
        if why := unreadable(fn, name):
            return Feedback(False, why)
    found = {name: _mode(name, fn, x) for name, fn in (("forward_mode", forward_mode), ("reverse_mode", reverse_mode))}  # fmt: skip
    for name, mode in found.items():
        if mode == "untraced":
            return Feedback(False, say("ex8.untraced", name=name))
    if found["forward_mode"] == "reverse" and found["reverse_mode"] == "forward":
        return Feedback(False, say("ex8.swapped"))
    if found["forward_mode"] != "forward":
        return Feedback(False, say("ex8.not_forward"))
    if found["reverse_mode"] == "forward":
        return Feedback(False, say("ex8.not_reverse_first"))
    if found["reverse_mode"] != "reverse":
        return Feedback(False, say("ex8.not_reverse_stored"))
    return Feedback(True, "")


def _mode(name, fn, x):
    """'forward', 'reverse', 'closed' (values first, then a formula that uses none of them),
    'untraced' (no torch operation on x: computed outside torch), or None (neither can be told):
    by the AD API the code calls, else by the operations it runs."""
    program, fn_name, root = code(fn, name)
    modes = program.ad_modes(fn_name, root)
    ops = call_traced(name, fn, x.clone())[1]
    ran = {op for op, _, _ in ops}
    if len(modes) == 1 and ran & EVIDENCE[next(iter(modes))]:  # the API named is the API that ran
        return modes.pop()
    return traced_mode(ops, x.item())


# What each mode of PyTorch's own AD leaves in a trace when it really runs
EVIDENCE = {"forward": {"_make_dual", "_unpack_dual"}, "reverse": {"backward", "grad"}}


def traced_mode(ops, x):
    """How a trace of torch operations (probes.trace_call) computed df/dx at x: an operation made a
    derivative (a value no node of the graph has) before every uᵢ was computed: forward; after all
    of them, using the stored uᵢ: reverse; after all of them, not using them: a closed formula."""
    t = torch.tensor(x, dtype=torch.float64)
    u = [t**2, torch.log(t**2), torch.sin(t), torch.log(t**2) * torch.sin(t), 1 / t]
    values = [v.item() for v in u] + [f(t).item(), x]
    near = lambda v, p: abs(v - p) <= 1e-9 * abs(p) + 1e-12  # noqa: E731
    first, derived, depends = [None] * len(u), [], set()
    for i, (op, value, inputs) in enumerate(ops):
        if op in CONSTANTS or not any(j == -1 or j in depends for j in inputs):
            continue
        depends.add(i)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value != value:
            continue
        matched = [k for k, p in enumerate(u) if near(value, p.item())]
        for k in matched:
            first[k] = i if first[k] is None else first[k]
        if not any(near(value, p) for p in values):
            derived.append(i)
    if not depends:
        return "untraced"
    if None in first or not derived:
        return None
    if derived[0] < max(first):
        return "forward"
    stored = set(first[:4])  # u1..u4 as they were first computed
    return "reverse" if any(stored & set(ops[i][2]) for i in derived) else "closed"


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
