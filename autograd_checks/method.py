"""Checks of the method, not the value: the answer's code (see program.py) and the swap test, which
tells a formula worked out by hand from numerical differences of the original function."""

from __future__ import annotations

import inspect

import torch

from . import probes
from .core import Remote, Stop, Timeout, _failed, as_tensor, say, session, timeout_message
from .timer import TimeUp


def code(value, usual):
    """(program, name, root) of an answer: see Local.code and the grader's Remote.code."""
    return session().student.code(value, usual)


def unreadable(value, usual):
    """The message that says why the answer's method cannot be read from its code, or None: a
    cell changes how IPython reads the others; the code that defines it is not in the cells (e.g.
    made by exec); it builds at run time what it calls (getattr with a made-up name, eval)."""
    program, name, root = code(value, usual)
    shown = name or usual
    if program.rewrites_cells():
        return say("method.rewrites")
    if not program.family(name, root):
        return say("method.unseen", name=shown)
    if program.dynamic(name, root):
        return say("method.dynamic", name=shown)
    return None


def uses_autograd(value, usual):
    program, name, root = code(value, usual)
    return program.uses_autograd(name, root)


def uses_control_flow(value, usual):
    program, name, root = code(value, usual)
    return program.uses_control_flow(name, root)


def is_function(value):
    """A function defined with def or lambda (not a class, a builtin or a torch function)."""
    return value.is_function if isinstance(value, Remote) else inspect.isfunction(value)


def _swap_call(name, fn, global_name, args):
    try:
        return session().student.swap_call(fn, global_name, probes.probe, args)
    except TimeUp:
        raise Timeout(timeout_message(name)) from None
    except Exception as err:  # noqa: BLE001
        raise _failed(name, err) from None


def follows_a_swap(name, fn, args, is_original):
    """Swaps the original function that fn (or a helper) uses for probes.probe for a moment: if fn
    then gives the probe's derivative, fn only takes numerical differences of the original, not a
    derived formula. is_original(value): whether a global the code uses is that original."""
    student = session().student
    program, fn_name, root = code(fn, name)
    expected = args[0].detach().to(torch.float64) ** 2 + 2
    for names in program.free_names(fn_name, root):
        for n in names:
            original = student.variable(n)
            if student.same(original, fn) or not callable(original) or not is_original(original):
                continue
            try:
                got = as_tensor(_swap_call(name, fn, n, args))
            except Timeout:
                raise
            except Stop:
                continue
            if got is not None and got.numel() == expected.numel():
                if torch.allclose(got.reshape(expected.shape), expected, rtol=1e-4, atol=1e-6):
                    return True
    return False
