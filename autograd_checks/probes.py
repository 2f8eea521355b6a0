"""What a check does where the student's objects live: call a function under the time limit, take a
derivative of what it returned, or call it with one of its globals swapped for another function.

In the workbook these run in the notebook's own process (autograd_checks/local.py). The grader runs
them in the student's sandboxed kernel (grader/agent.py ships this module there) and receives only
plain data back; expected values and verdicts never enter that kernel. Imports: torch and the timer.
"""

from __future__ import annotations

import torch

from .timer import TimeUp, run_limited


def call(fn, args, deadline, no_grad=False):
    """fn(*args) before the deadline; under torch.no_grad() if asked."""
    if no_grad:
        with torch.no_grad():
            return run_limited(fn, args, deadline)
    return run_limited(fn, args, deadline)


def grad_at(fn, value, deadline):
    """(y, dy/dx, error) for y = fn(x) at a float64 scalar x = value that requires grad: dy/dx by
    autograd where y is a one-element tensor in the graph (else None), and the exception autograd
    raised, if it did (else None). An exception in fn itself propagates."""
    x = torch.tensor(value, dtype=torch.float64, requires_grad=True)
    y = run_limited(fn, (x,), deadline)
    if not (isinstance(y, torch.Tensor) and y.numel() == 1 and y.requires_grad):
        return y, None, None
    if torch.isnan(y.detach()).any():
        return y, None, None
    try:
        (auto,) = run_limited(_grad, (y.reshape(()), x), deadline)
    except Exception as err:  # noqa: BLE001 - the check reports it
        return y, None, err
    return y, None if auto is None else auto.detach(), None


def point(fn, value, deadline):
    """What exercise 4 asks of g at one point, in one go: grad_at(value), then g under no_grad at
    value, value + h and value - h (h = 1e-6 where g's result is float64 or a Python number, else
    1e-3). A list of outcomes, ('value', result) or ('error', exception) or ('timeout',), that
    stops at the first that is not a value."""
    found = []
    for stage in range(4):
        try:
            if stage == 0:
                result = grad_at(fn, value, deadline)
                y = result[0]
                wide = isinstance(y, torch.Tensor) and y.dtype != torch.float64
                h = 1e-3 if wide else 1e-6
            else:
                at = (value, value + h, value - h)[stage - 1]
                result = call(fn, (torch.tensor(at, dtype=torch.float64),), deadline, no_grad=True)
        except TimeUp:
            return [*found, ("timeout",)]
        except Exception as err:  # noqa: BLE001 - the check reports it
            return [*found, ("error", err)]
        found.append(("value", result))
    return found


def points(fn, values, deadline):
    """`point` at each value, in order."""
    return [point(fn, v, deadline) for v in values]


def calls(fn, args_list, deadline, no_grad=False):
    """fn(*args) for each args, in order: ('value', result), ('error', exception) or ('timeout',)."""
    found = []
    for args in args_list:
        try:
            found.append(("value", call(fn, args, deadline, no_grad)))
        except TimeUp:
            found.append(("timeout",))
        except Exception as err:  # noqa: BLE001
            found.append(("error", err))
    return found


def _grad(y, x):
    return torch.autograd.grad(y, x, allow_unused=True)


def swap_call(namespace, name, replacement, fn, args, deadline):
    """fn(*args) with the global `name` of the student's namespace bound to `replacement` for the
    call, restored afterwards whatever happens."""
    original = namespace.get(name)
    namespace[name] = replacement
    try:
        return run_limited(fn, args, deadline)
    finally:
        namespace[name] = original


MAX_TRACE = 10_000  # torch operations recorded in one call


def trace_call(fn, x, deadline):
    """(fn(x), the torch operations it ran): [(name, value, inputs)] in order, where value is the
    float an operation made (None unless it made one number) and inputs are the indices of the
    earlier operations whose results it used (-1: x itself). What the checks of exercise 8 read
    to tell how a derivative was computed: tangents along with the values, or adjoints after."""
    from torch.overrides import TorchFunctionMode

    made, keep, ops = {id(x): -1}, [x], []

    def tensors(value):
        if isinstance(value, torch.Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from tensors(v)
        elif isinstance(value, dict):
            for v in value.values():
                yield from tensors(v)

    class Record(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            made_tensors = list(tensors(out))
            if made_tensors and len(ops) < MAX_TRACE:  # (x.item(), x.dim() make no tensor)
                inputs = sorted(
                    {made[id(t)] for t in tensors([args, kwargs or {}]) if id(t) in made}
                )
                value = None
                if isinstance(out, torch.Tensor) and out.numel() == 1 and out.is_floating_point():
                    value = float(out.detach().reshape(()))
                for t in made_tensors:
                    made[id(t)] = len(ops)
                    keep.append(t)
                ops.append((getattr(func, "__name__", "?"), value, inputs))
            return out

    backward = torch.autograd.backward

    def recorded_backward(*args, **kwargs):  # y.backward() passes no torch function: seen here
        ops.append(("backward", None, []))
        return backward(*args, **kwargs)

    torch.autograd.backward = recorded_backward
    try:
        with Record():
            result = run_limited(fn, (x,), deadline)
    finally:
        torch.autograd.backward = backward
    return result, ops


def probe(t):
    """What replaces the original function in a swap test: its derivative is t² + 2."""
    return t**3 / 3 + 2 * t
